"""`piasite init` (a city's repository) and `piasite new` (an empty assessment of any form).

The city's repository is made from templates/init (package data): files named
dot-… there become .… (a wheel does not reliably carry dot-files), and
__PLACEHOLDERS__ in mkdocs.yml and the workflows are filled in. `new` walks the
form definition, so it knows no form's keys: every item is written, empty, with
its printed label, whether it is required, its `hint:` (the 記載要領's guidance, where
the definition has it) and its choices as comments.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from importlib import metadata  # looked up at each call (tests stand in for the installed distribution)
from pathlib import Path
from typing import Any

import click
import yaml

from piasite.config.limits import DEFAULT_LIMITS, Limits
from piasite.config.resources import templates_dir
from piasite.core import safenames
from piasite.core.errors import UserError
from piasite.forms.form import Form
from piasite.forms.items import HINT_PREFIX, Item
from piasite.forms.registry import form_for, form_key, form_names, load_form
from piasite.forms.schema import write_schemas
from piasite.model.reader import ReadError, read

INIT = "init"
TEXT_SUFFIXES = {".yml", ".yaml", ".md", ".json", ".txt", ""}


def version() -> str:

    try:
        return metadata.version("piasite")
    except metadata.PackageNotFoundError:
        return "0.1.0"


def requirement() -> str:
    """The line that installs this piasite, for the city's requirements.txt (the workflows and the
    README install from it): where pip recorded a URL it came from (PEP 610: a git repository, a
    wheel on a web server), that URL; otherwise (a local wheel or checkout) the version, which the
    city changes to wherever it gets piasite from."""
    info = _direct_url()
    url = str(info.get("url", ""))
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and url.startswith(("https://", "ssh://")):
        return f"piasite @ git+{url}@{vcs.get('commit_id') or vcs.get('requested_revision') or 'main'}"
    if url.startswith("https://"):
        return f"piasite @ {url}"
    return f"piasite=={version()}"


def _direct_url() -> dict:
    """What pip recorded of where this piasite came from (PEP 610 direct_url.json), or {}."""

    try:
        raw = metadata.distribution("piasite").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        raw = None
    try:
        info = json.loads(raw) if raw else {}
    except ValueError:
        info = {}
    return info if isinstance(info, dict) else {}


def local_source() -> str | None:
    """The local file or folder this piasite was installed from (a wheel on this machine, a checkout),
    which the city's requirements.txt cannot name for its CI: None when installed otherwise."""
    url = str(_direct_url().get("url", ""))
    return url.removeprefix("file://") if url.startswith("file://") else None


def init(
    target: Path,
    name: str = "",
    site_url: str = "",
    publisher: str = "",
    contact: str = "",
    licence: str = "",
    source_url: str = "",
) -> list[Path]:
    """Create a city's repository in target (absent or empty); returns the files written."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UserError(
            f"{target} は空のフォルダではありません。新しいフォルダを指定してください(既にあるファイルは上書きしません)"
        )
    todo = "要記入"
    values = {
        "__SITE_NAME__": f"{name} 特定個人情報保護評価書" if name else f"({todo}: 団体名)特定個人情報保護評価書",
        "__SITE_URL__": site_url or "https://www.example.lg.jp/pia/",
        "__COPYRIGHT__": f"{publisher or name or f'({todo}: 発行者)'}",
        "__PUBLISHER__": publisher or f"({todo}: 発行者)",
        "__CONTACT__": contact or f"({todo}: 問い合わせ先)",
        "__LICENSE__": licence or "CC BY 4.0",
        # the default licence's deed in Japanese; another licence's address is the city's to write
        "__LICENSE_URL__": ""
        if licence and licence != "CC BY 4.0"
        else "https://creativecommons.org/licenses/by/4.0/deed.ja",
        "__SOURCE_URL__": source_url,
        "__VERSION__": version(),
        "__REQUIREMENT__": requirement(),
        "__SITE_NAME_TEXT__": name or "団体名",
    }
    src = templates_dir() / INIT
    written: list[Path] = []
    target.mkdir(parents=True, exist_ok=True)
    for f in sorted(src.rglob("*")):
        if f.is_dir() or "__pycache__" in f.parts:
            continue
        rel = Path(*[p.replace("dot-", ".", 1) if p.startswith("dot-") else p for p in f.relative_to(src).parts])
        out = target / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        if f.suffix in TEXT_SUFFIXES:
            text = f.read_text(encoding="utf-8")
            for k, v in values.items():
                if k in text:
                    text = text.replace(k, _yaml_scalar(v) if rel.name == "mkdocs.yml" else v)
            out.write_text(text, encoding="utf-8", newline="\n")
        else:
            shutil.copyfile(f, out)
        written.append(out)

    written += write_schemas(target / "schema")
    try:  # history is read from git: a repository from the start (no commit is made)
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=target, capture_output=True, check=False)
    except OSError:
        pass
    return written


def _yaml_scalar(v: str) -> str:
    return json.dumps(v, ensure_ascii=False) if v else '""'


# -- piasite new --------------------------------------------------------------------------


def new(
    content_dir: Path, form_name: str, org: str, number: str, org_name: str = "", limits: Limits = DEFAULT_LIMITS
) -> Path:
    if form_name not in form_names():
        raise UserError(f"様式「{form_name}」はありません。次のいずれかを指定してください: {'、'.join(form_names())}")
    if not safenames.safe(org):
        raise UserError("団体の" + safenames.message("folder", org))
    if not re.fullmatch(r"[0-9]{1,9}", number) or int(number) < 1:  # ASCII digits: "１" and "²" are isdigit()
        raise UserError(f"評価書番号「{number}」は 1 以上の数字で指定してください")
    content_dir = Path(content_dir)
    if not content_dir.is_dir():
        raise UserError(f"評価書のフォルダ {content_dir} がありません(リポジトリの一番上で実行してください)")
    form = load_form(form_name)
    path = _new_path(content_dir / org, int(number), form, limits)
    org_name = org_name or _org_name_beside(path.parent, limits)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        skeleton(form, int(number), org_name, depth=len(path.relative_to(content_dir.parent).parts) - 1),
        encoding="utf-8",
        newline="\n",
    )
    return path


def _new_path(folder: Path, number: int, form: Form, limits: Limits = DEFAULT_LIMITS) -> Path:
    """NUMBER.yaml; when that is another form of the same 評価 (the 基礎項目評価書 beside its
    重点項目評価書 share the 評価書番号), NUMBER-<form>.yaml. Never an existing file."""
    path = folder / f"{number}.yaml"
    if path.exists():
        other = _form_of_file(path, limits)
        if other is None or other.name == form.name:
            raise UserError(f"{path} は既にあります(上書きしません)")
        path = folder / f"{number}-{form.schema_id}.yaml"
        if path.exists():
            raise UserError(f"{path} は既にあります(上書きしません)")
    return path


def _form_of_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> Form | None:

    try:
        data = read(path, limits).data
    except (ReadError, OSError):
        return None
    return form_for(data, None) if isinstance(data, dict) else None


def _org_name_beside(folder: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """The 評価実施機関名 of another assessment of the same organisation, when there is one."""

    for p in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            data = read(p, limits).data
        except ReadError:
            continue
        if isinstance(data, dict):
            form = form_for(data, None)
            key = _role_key(form, "organisation") if form else None
            if key and isinstance(data.get(key), str):
                return data[key]
    return ""


def _role_key(form: Form, role: str) -> str | None:
    """The top-level key of a role, if the form has it at the top level."""
    if form.has_role(role) and len(form.role_path(role)) == 1:
        return form.role_key(role)
    return None


def skeleton(form: Form, number: int, org_name: str, depth: int = 2) -> str:
    """The text of a new assessment: every item present and empty, labels and choices as comments."""
    number_key, org_key = _role_key(form, "number"), _role_key(form, "organisation")
    lines = [
        f"# yaml-language-server: $schema={'../' * depth}schema/{form.schema_id}.schema.json",
        f"# 新しい{form.name}。空の項目に記入してください(# の行は様式の項目名、「手引き」(記載要領などによる書き方)、選択肢の説明で、消しても構いません)。",
        f"{form_key()}: {_key(form.name)}",
    ]
    version_key = _role_key(form, "form_version")
    if version_key and form.default_version:  # a new document is written on the current 様式
        lines += [
            f"# {form.role_item('form_version').label}(表紙の右上の印。選べる版: {'、'.join(form.versions)})",
            f"{_key(version_key)}: {_key(form.default_version)}",
        ]
    for item in form.items:
        if item.key == version_key:
            continue  # written above, with the 様式
        value: Any = None
        if item.key == number_key:
            value = number
        elif item.key == org_key and org_name:
            value = org_name
        _emit(item, lines, 0, value)
    return "\n".join(lines) + "\n"


def _emit(item: Item, lines: list[str], indent: int, value: Any = None, first_prefix: str = "") -> None:
    pad = " " * indent
    for c in _comments(item):
        lines.append(f"{pad}# {c}")
    head = f"{pad}{first_prefix}{_key(item.key)}:"
    inner = indent + len(first_prefix) + 2  # the column of this item's children
    if item.kind == "section":
        lines.append(head)
        for child in item.items:
            _emit(child, lines, inner)
    elif item.kind == "group":
        lines.append(head)
        label = item.element_label(0) if item.element else "1"
        lines.append(f"{' ' * inner}# {label}(2 件目からは「- 」の行から下を繰り返して書きます)")
        for k, child in enumerate(item.items):
            _emit(child, lines, inner + 2 if k else inner, first_prefix="- " if k == 0 else "")
    else:
        lines.append(head + ("" if value is None else f" {_key(str(value)) if isinstance(value, str) else value}"))


def _comments(item: Item) -> list[str]:
    out = [item.display_label + ("(必須)" if item.required else "")]
    if item.hint:  # one line, paraphrasing the 記載要領 or another public source (hint_source)
        out.append(f"{HINT_PREFIX}{item.hint}")
    if item.kind == "choice" and item.choices:
        out.append("次のいずれか 1 つ: " + " / ".join(item.choices))
    elif item.kind == "multi" and item.options:
        out.append(
            "当てはまるものをリストで: " + " / ".join(o.text + (": 内容" if o.qualifier else "") for o in item.options)
        )
    elif item.kind == "list":
        out.append("リスト: 1 件ずつ、次の行から「- 」で始めて書きます")
    elif item.kind == "date":
        out.append("日付(例 2026-04-01)")
    elif item.kind in ("count", "integer"):
        out.append("数字")
    elif item.kind == "flag":
        out.append("true(チェックあり)か false")
    return out


def _key(s: str) -> str:
    dumped = yaml.safe_dump(s, allow_unicode=True, default_flow_style=True, width=10**6).strip()
    return dumped[: -len("...")].strip() if dumped.endswith("...") else dumped


def run_init(directory: Path, name: str, site_url: str, publisher: str, contact: str, licence: str) -> None:
    """`piasite init DIRECTORY`: the files made, and what the clerk does next."""
    files = init(directory, name=name, site_url=site_url, publisher=publisher, contact=contact, licence=licence)
    local = local_source()
    if local:  # a wheel on this machine: the README's and CI's `pip install -r requirements.txt` cannot reach it
        click.echo(
            f"注意: この piasite は手元のファイル {local} から入れたため、requirements.txt には「{requirement()}」と"
            "書きました(PyPI から入れる書き方です)。PyPI から入れられないときは、その wheel を置いた場所"
            "(社内のサーバーの URL、git のリポジトリなど)に書き換えてください",
            err=True,
        )
    click.echo(
        f"{directory}/ に {len(files)} 個のファイルを作りました。mkdocs.yml の「要記入」を書き換え、"
        f"content/ の例を実際の評価書に置き換えてください(cd {directory} && piasite check && piasite build。"
        "検索索引の Pagefind は piasite と一緒に入っています。Node.js があれば、先に npm install で"
        "日本語の検索がよりよい Pagefind 1.6 を入れられます)",
        err=True,
    )


def run_new(
    form: str, org: str, number: str, content_dir: Path, org_name: str, limits: Limits = DEFAULT_LIMITS
) -> None:
    """`piasite new FORM ORG NUMBER`: the empty assessment made, and where."""
    path = new(content_dir, form, org, number, org_name, limits)
    beside = (
        ""
        if "-" not in path.stem
        else f"(同じ評価書番号の別の様式の評価書 {path.with_name(path.stem.split('-')[0] + '.yaml')} があるため、この名前にしました)"
    )
    click.echo(f"{path} を作りました{beside}。空の項目に記入し、piasite check {path} で確かめてください", err=True)
