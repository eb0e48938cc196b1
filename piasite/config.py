"""The site's settings (mkdocs.yml) as piasite reads them, checked before anything is built.

MkDocs and Zensical check their own settings, in English and sometimes with a traceback; the
settings a city edits (site_url, extra.publisher …) and the ones piasite's layout needs (docs_dir,
theme.custom_dir) are checked here first, with the file's line, in Japanese. MkDocs' own tags
(!ENV, !!python/name) are read as empty values.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .exceptions import PiasiteError

CONFIG = Path("mkdocs.yml")
TEXT_EXTRAS = ("publisher", "contact", "license", "license_url", "source_url")  # shown on every page
DOCS_DIR = "build/docs"  # docs_dir: where piasite writes the pages (build.GENERATED)
CUSTOM_DIR = "build/theme"  # theme.custom_dir: piasite's theme (theme.THEME beside build/docs)


class ConfigError(PiasiteError):
    """mkdocs.yml missing, unreadable or with a value piasite cannot use."""


class _Loose(yaml.SafeLoader):
    pass


_Loose.add_multi_constructor("", lambda loader, suffix, node: None)


def read(path: Path = CONFIG) -> dict:
    """mkdocs.yml as plain data; ConfigError (file, line) when piasite cannot build with it."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"設定ファイル {path} がありません(団体のリポジトリの一番上で実行してください。"
                          "新しく作るときは piasite init)") from None
    except UnicodeDecodeError:
        raise ConfigError("UTF-8 で保存してください", path, 1) from None
    except OSError as e:
        raise ConfigError(f"設定ファイルを読めません({e.strerror or e})", path) from None
    try:
        node = yaml.compose(text, Loader=_Loose)
        data = yaml.load(text, Loader=_Loose)
    except yaml.MarkedYAMLError as e:
        from .reader import _yaml_reason

        mark = e.problem_mark or e.context_mark
        raise ConfigError(f"YAML の書き方に誤りがあります({_yaml_reason(e)})", path, mark.line + 1 if mark else 1) from None
    except (yaml.YAMLError, RecursionError) as e:
        raise ConfigError(f"YAML として読めません({e})", path, 1) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("「キー: 値」の形で書いてください", path, 1)
    problems = list(_problems(data))
    if problems:
        key, message = problems[0]
        raise ConfigError(message, path, _line(node, key))
    return data


def _problems(data: dict):
    if data.get("docs_dir") != DOCS_DIR:
        now = f"今は{_shown(data['docs_dir'])}" if "docs_dir" in data else "書かれていません"
        yield ("docs_dir",), f"docs_dir は「{DOCS_DIR}」にしてください(piasite がページを書き出す場所です。{now})"
    if not isinstance(data.get("site_url", ""), (str, type(None))):
        yield ("site_url",), f"site_url は URL の文字列で書いてください(今は{_shown(data['site_url'])})"
    theme = data.get("theme")
    if not isinstance(theme, dict) or theme.get("custom_dir") != CUSTOM_DIR:
        yield (("theme", "custom_dir") if isinstance(theme, dict) else ("theme",)), (
            f"theme の custom_dir は「{CUSTOM_DIR}」にしてください(piasite のテーマです。"
            "見た目を変えるときは overrides/ にファイルを置きます)")
    extra = data.get("extra")
    if extra is None:
        return
    if not isinstance(extra, dict):
        yield ("extra",), f"extra は「キー: 値」の形で書いてください(今は{_shown(extra)})"
        return
    for k in TEXT_EXTRAS:
        if extra.get(k) is not None and not isinstance(extra[k], str):
            yield ("extra", k), f"extra.{k} は文字列で書いてください(今は{_shown(extra[k])})"
    own = extra.get("piasite")
    if own is not None and not isinstance(own, dict):
        yield ("extra", "piasite"), f"extra.piasite は「キー: 値」の形で書いてください(今は{_shown(own)})"


def _shown(v: Any) -> str:
    kinds = {dict: "「キー: 値」", list: "リスト", bool: "true/false", int: "数", float: "数"}
    for t, name in kinds.items():
        if isinstance(v, t):
            return name
    return f"「{v}」"


def _line(node: Any, keys: tuple) -> int:
    """The line of a key path in the composed tree (the nearest found)."""
    line = 1
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            break
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                line, node = k.start_mark.line + 1, v
                break
        else:
            break
    return line


def problem(path: Path = CONFIG) -> tuple[int, str] | None:
    """For `piasite check`: (line, message) when mkdocs.yml is present and unusable, else None."""
    if not Path(path).exists():
        return None
    try:
        read(path)
    except ConfigError as e:
        return e.line or 1, e.message
    return None
