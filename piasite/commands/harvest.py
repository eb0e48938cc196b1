"""`piasite harvest`: many sites' open data into one SQLite database for Datasette (national/)."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import click
import yaml

from piasite.core import runlock
from piasite.core.errors import PiasiteError, UserError
from piasite.national.harvest import Source, harvest
from piasite.national.metadata import write_metadata

KEYS = {
    "名前": "name",
    "場所": "location",
    "公開者": "publisher",
    "ライセンス": "licence",
    "ライセンスのURL": "licence_url",
}


def read_sources(path: Path) -> list[Source]:
    """sources.yaml: a list of sites, each 名前 / 場所 (address or folder) / 公開者 / ライセンス / ライセンスのURL."""
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text)
    except OSError as e:
        raise UserError(f"{path}: 読めません({e.strerror})") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: UTF-8 のテキストではありません") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise UserError(f"{path}:{mark.line + 1 if mark else '?'}: YAML として読めません") from None
    if not isinstance(root, yaml.SequenceNode):
        raise UserError(f"{path}:1: サイトの一覧(- 名前: … / 場所: …)を書いてください")
    out, names = [], set()
    for node in root.value:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.MappingNode):
            raise UserError(f"{path}:{line}: 「名前」と「場所」を書いてください")
        fields: dict[str, str] = {}
        for k, v in node.value:
            key = str(k.value)
            if key not in KEYS:
                raise UserError(f"{path}:{k.start_mark.line + 1}: 「{key}」は使えません(使える項目: {'、'.join(KEYS)})")
            if not isinstance(v, yaml.ScalarNode):
                raise UserError(f"{path}:{v.start_mark.line + 1}: 「{key}」は 1 行の文字で書いてください")
            fields[KEYS[key]] = str(v.value).strip()
        if not fields.get("name") or not fields.get("location"):
            raise UserError(f"{path}:{line}: 「名前」と「場所」の両方が要ります")
        if fields["name"] in names:
            raise UserError(f"{path}:{line}: 名前「{fields['name']}」が 2 度あります")
        names.add(fields["name"])
        loc = fields["location"]
        if not re.match(r"^https?://", loc, re.I):
            loc = str((path.parent / loc).resolve()) if not Path(loc).is_absolute() else loc
        fields["location"] = loc
        out.append(Source(**fields))
    return out


def _name(location: str) -> str:
    if re.match(r"^https?://", location, re.I):
        u = urllib.parse.urlsplit(location)
        return (u.hostname or "") + u.path.rstrip("/")
    return Path(location).resolve().name


def run(locations: tuple[str, ...], sources_file: Path | None, db_path: Path) -> None:
    sources = read_sources(sources_file) if sources_file else []
    sources += [Source(_name(loc), loc if re.match(r"^https?://", loc, re.I) else str(Path(loc))) for loc in locations]
    if not sources:
        raise UserError("集めるサイトを、場所(アドレスかフォルダ)か --sources で指定してください")
    if db_path.is_symlink():
        raise UserError(f"{db_path} はシンボリックリンクです。リンク先を書き換えないよう止めました")
    with runlock.output(db_path):
        tallies = harvest(db_path, sources)
        write_metadata(db_path, db_path.with_name(db_path.stem + ".metadata.json"))
    failed = False
    for t in tallies:
        click.echo(
            f"■ {t.site}: 評価書 {t.listed} 件 (読み直し {t.read} / 変わらず {t.kept} / 一覧から消えて削除 {t.removed})"
        )
        for e in t.errors[:20]:
            click.echo(f"  読めません: {e}")
        if len(t.errors) > 20:
            click.echo(f"  … ほか {len(t.errors) - 20} 件")
        failed |= bool(t.errors)
    click.echo(
        f"{db_path} に書きました。見るには: datasette {db_path} -m {db_path.with_name(db_path.stem + '.metadata.json')}"
    )
    if failed:
        raise PiasiteError("読めなかったものがあります(上の一覧)。ほかは集めました")
