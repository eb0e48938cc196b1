"""The engine's settings: written by piasite from the city's mkdocs.yml, never that file itself.

A pull request can change mkdocs.yml as easily as content/. Given to MkDocs or Zensical as
it is, the file could run code at build time (`hooks:`, plugins, the `!!python/…` tags both
engines' YAML loaders construct), take templates from anywhere (theme.custom_dir), load
scripts from other hosts (extra_javascript, analytics), read another folder than build/docs
(docs_dir), and have its texts printed as HTML (MkDocs does not escape site_name or
copyright). So piasite reads mkdocs.yml as plain data — every tag and alias refused — keeps
the settings a city sets (CITY, THEME, EXTRA below) after checking each, and writes the
engine's configuration itself into build/ (ENGINE_FILE): the pages folder, theme, plugins,
styles, scripts and navigation are piasite's, whatever mkdocs.yml says. The texts reach the
engine as title tokens (theme.py), so they are printed escaped like every page title.

Anything else in mkdocs.yml is an error of `piasite check` and of the build, naming its line:
a key piasite does not know is either a typo or something that would not be applied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from piasite.config.limits import MAX_CONFIG_BYTES, MAX_DEPTH, Limits, limits_of
from piasite.core import safefiles, yamlcore
from piasite.core.errors import PiasiteError
from piasite.core.problems import Problem

CONFIG = Path("mkdocs.yml")  # in the folder where piasite runs: the top of the city's repository
HTTP_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d+)?(?:/[^\s\"'<>\\&`]*)?", re.I)
_WORD = re.compile(r"[a-z][a-z0-9._/-]*", re.I)  # theme words: palette colours, features, icon names
_LANG = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
_RELATIVE = re.compile(r"(?!/)(?!.*\.\.)[A-Za-z0-9_./-]+")

# Texts the theme prints: given to the engine as tokens, filled escaped (theme.py).
TEXTS = ("site_name", "site_description", "site_author", "copyright")
DEFAULT_SITE_NAME = "特定個人情報保護評価書"
# What piasite decides: read (for older files that spell them out) and never passed on.
OWNED = ("docs_dir", "site_dir", "use_directory_urls", "nav")
OUR_CSS = ["assets/piasite/piasite.css", "assets/piasite/city.css"]  # city.css: the overrides' few changes
OUR_JS = ["assets/piasite/piasite.js", "assets/piasite/piasite-nav.js"]
THEME_KEYS = ("name", "custom_dir", "language", "font", "palette", "features", "icon", "logo", "favicon")
EXTRA_TEXTS = ("publisher", "contact", "license")
EXTRA_URLS = ("source_url", "license_url")
EXTRA_KEYS = ("generator", "piasite") + EXTRA_TEXTS + EXTRA_URLS
_STD = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}


@dataclass
class Settings:
    """The city's settings, read once per command from its mkdocs.yml (read) and passed down."""

    texts: dict[str, str] = field(default_factory=dict)  # site_name … copyright
    site_url: str = ""
    theme: dict[str, Any] = field(default_factory=dict)  # language, palette, features, icon, logo, favicon
    extra: dict[str, Any] = field(default_factory=dict)  # publisher … (what the generator prints)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    limits: Limits = field(default_factory=Limits)  # extra.piasite.limits, checked and clamped (limits.py)
    path: Path | None = None  # the mkdocs.yml read (None: the built-in settings, no file)

    @property
    def root(self) -> Path | None:
        """The city's repository: the folder of its mkdocs.yml (where its overrides/ and forms/ are)."""
        return Path(self.path).resolve().parent if self.path is not None else None

    def require(self) -> Settings:
        """These settings, for the commands that build: a missing mkdocs.yml is an error (run from the
        wrong folder), and so is any refused part (ConfigError, each with its line)."""
        path = Path(self.path or CONFIG)
        if not safefiles.exists(path):  # a link (even dangling) is there: read() refused it
            raise PiasiteError(
                f"設定ファイル {path} がありません(団体のリポジトリの一番上で実行してください。"
                "新しく作るときは piasite init)"
            )
        if self.problems:
            raise ConfigError(path, self.problems)
        return self


class _Loader(yaml.SafeLoader):
    pass


yamlcore.as_written(_Loader, dates=False)  # `on`, `010`, `1_000`, `2024-01-01` stay text (yamlcore.py)


def require(path: Path) -> Settings:
    """read(path).require(): the settings of the commands that build."""
    return read(path).require()


def read(path: Path) -> Settings:
    """The city's settings from mkdocs.yml (absent: the defaults), with a problem per refused part."""
    s = Settings(texts={"site_name": DEFAULT_SITE_NAME}, path=Path(path))
    try:
        text = safefiles.read_text(path)  # never through a link (its target's lines would be quoted)
    except FileNotFoundError:
        return s
    except safefiles.UnsafeFile as e:
        s.problems.append((1, e.message))
        return s
    except (OSError, UnicodeDecodeError) as e:
        s.problems.append((1, f"読めません({getattr(e, 'strerror', None) or type(e).__name__})"))
        return s
    size = len(text.encode("utf-8"))
    if size > MAX_CONFIG_BYTES:  # refused before the YAML parser sees it
        s.problems.append((1, f"大きすぎます({size:,} バイト。mkdocs.yml は {MAX_CONFIG_BYTES:,} バイトまで)"))
        return s
    lines: dict[tuple, int] = {}
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _plain(node, (), lines, set(), 0)
            data = loader.construct_document(node) if node is not None else {}
        finally:
            loader.dispose()
    except _Refused as e:
        s.problems.append((e.line, e.message))
        return s
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        s.problems.append((mark.line + 1 if mark else 1, f"YAML の書き方に誤りがあります({e.problem or e})"))
        return s
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError) as e:  # ValueError: a number of 5,000 digits
        s.problems.append((1, f"YAML として読めません({type(e).__name__})"))
        return s
    if not isinstance(data, dict):
        s.problems.append((1, "「キー: 値」の形で書いてください"))
        return s
    _settings(data, lines, s)
    s.limits = limits_of(s.extra.get("piasite"))
    return s


class _Refused(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def _plain(node: yaml.Node, path: tuple, lines: dict, seen: set, depth: int) -> None:
    """Refuse tags (!ENV, !relative, !!python/…: they read the environment or run code) and
    aliases (a bomb's way); note each key's line."""
    line = node.start_mark.line + 1
    if id(node) in seen:
        raise _Refused(line, "アンカー(&)とエイリアス(*)は使えません。値はそれぞれの場所に書いてください")
    seen.add(id(node))
    if node.tag not in _PLAIN_TAGS:
        raise _Refused(
            line,
            f"タグ {node.tag.replace(_STD, '!!')} は使えません。piasite は mkdocs.yml をデータとして"
            "読みます(タグは環境変数を読んだり、プログラムを動かしたりできるためです)",
        )
    if depth > MAX_DEPTH:
        raise _Refused(line, f"入れ子が深すぎます({MAX_DEPTH} 段まで)")
    lines.setdefault(path, line)
    if isinstance(node, yaml.ScalarNode) and not yamlcore.written_as(node.tag, node.value):
        raise _Refused(
            line,
            f"タグ {node.tag.replace(_STD, '!!')} は「{node.value[:40]}」に付けられません"
            "(書いたとおりの値と違う値になります)。タグを外してください",
        )
    if isinstance(node, yaml.MappingNode):
        keys: dict[str, int] = {}
        for k, v in node.value:
            _plain(k, path + ("<key>",), {}, seen, depth + 1)
            key = k.value if isinstance(k, yaml.ScalarNode) else "?"
            if key in keys:  # the loader would keep the last one silently
                raise _Refused(
                    k.start_mark.line + 1,
                    f"キー「{key}」が重複しています({keys[key]} 行目にもあります)。一つにまとめてください",
                )
            keys[key] = k.start_mark.line + 1
            lines[path + (key,)] = k.start_mark.line + 1
            _plain(v, path + (key,), lines, seen, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _plain(v, path + (i,), lines, seen, depth + 1)


def _settings(data: dict, lines: dict, s: Settings) -> None:
    def bad(path: tuple, message: str) -> None:
        s.problems.append((lines.get(path, lines.get(path[:1], 1)), message))

    for key, value in data.items():
        p = (key,)
        if key in TEXTS:
            if value is None or isinstance(value, (dict, list)):
                if value is not None:
                    bad(p, f"{key} は文字で書いてください")
                continue
            s.texts[key] = str(value)
        elif key == "site_url":
            s.site_url = _url(value, p, bad)
        elif key == "theme":
            _theme(value, lines, s, bad)
        elif key == "extra":
            _extra(value, s, bad)
        elif key == "plugins":
            for name in _names(value):
                if name != "search":
                    bad(
                        p,
                        f"プラグイン「{name}」は使えません。piasite はプラグインを読み込みません"
                        "(プラグインはプログラムとして動くためです。検索は piasite の Pagefind です)",
                    )
        elif key in ("extra_css", "extra_javascript"):
            ours = OUR_CSS if key == "extra_css" else OUR_JS
            for v in value if isinstance(value, list) else [value]:
                if v not in ours:
                    bad(
                        p,
                        f"{key} の「{v}」は使えません(piasite のものだけを読み込みます。見た目は "
                        "overrides/assets/city.css で変えられます)",
                    )
        elif key in OWNED:
            continue
        elif key == "hooks":
            bad(p, "hooks は使えません。hooks はプログラムとして動くため、piasite はエンジンに渡しません")
        else:
            bad(
                p,
                f"「{key}」という設定は使えません。piasite が読むのは "
                + "、".join(TEXTS + ("site_url", "theme", "extra"))
                + " です(ほかはエンジンに渡しません)",
            )


def _url(value: Any, path: tuple, bad) -> str:
    """An http(s) URL with nothing that could leave an attribute ("" when empty or refused)."""
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or not HTTP_URL.fullmatch(value.strip()):
        bad(
            path,
            f"{'.'.join(path)} は http:// か https:// で始まる URL で書いてください(空白・引用符・<>&\\ を含まないもの)",
        )
        return ""
    return value.strip()


def _names(value: Any) -> list[str]:
    """Plugin names of a plugins: list (or mapping)."""
    items = value if isinstance(value, list) else list(value) if isinstance(value, dict) else [value]
    out = []
    for it in items:
        out += [str(k) for k in it] if isinstance(it, dict) else [str(it)]
    return out


def _words(value: Any) -> bool:
    """Only theme words (colour names, feature names, icon names), however nested."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _WORD.fullmatch(k) and _words(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_words(v) for v in value)
    return isinstance(value, bool) or (isinstance(value, str) and bool(_WORD.fullmatch(value.replace(" ", "-"))))


def _theme(value: Any, lines: dict, s: Settings, bad) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        bad(("theme",), "theme は「キー: 値」の形で書いてください")
        return
    for key, v in value.items():
        p = ("theme", key)
        if key == "name":
            if v != "material":
                bad(p, "theme.name は material だけです(piasite のテーマが Material を元にしています)")
        elif key == "custom_dir":
            continue  # piasite's build/theme, with the city's overrides/theme over it (resources.py)
        elif key == "font":
            if v is not False:
                bad(p, "theme.font は false にしてください(ほかの値では、外部のサイトからフォントを読み込みます)")
        elif key == "language":
            if not isinstance(v, str) or not _LANG.fullmatch(v):
                bad(p, "theme.language は ja のような言語コードで書いてください")
            else:
                s.theme[key] = v
        elif key in ("palette", "features", "icon"):
            if not _words(v):
                bad(p, f"theme.{key} には英字の名前(例 indigo、navigation.top)だけを書いてください")
            else:
                s.theme[key] = v
        elif key in ("logo", "favicon"):
            if not isinstance(v, str) or not _RELATIVE.fullmatch(v):
                bad(p, f"theme.{key} はサイトの中のファイルの相対パス(例 assets/piasite/logo.png)で書いてください")
            else:
                s.theme[key] = v
        else:
            bad(p, f"theme.{key} は使えません(使えるのは " + "、".join(THEME_KEYS) + ")")


def _extra(value: Any, s: Settings, bad) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        bad(("extra",), "extra は「キー: 値」の形で書いてください")
        return
    for key, v in value.items():
        p = ("extra", key)
        if key in EXTRA_TEXTS:
            if isinstance(v, (dict, list)):
                bad(p, f"extra.{key} は文字で書いてください")
            elif v is not None:
                s.extra[key] = str(v)
        elif key in EXTRA_URLS:
            url = _url(v, p, bad)
            if url:
                s.extra[key] = url
        elif key == "generator":
            continue  # always false: no "Made with" link to another site
        elif key == "piasite":
            if v is not None and not isinstance(v, dict):
                bad(p, "extra.piasite は「キー: 値」の形で書いてください(例 limits: の下に max_file_bytes)")
            else:
                s.extra[key] = v  # its limits: checked by limits.py (limits_of)
        else:
            bad(
                p,
                f"extra.{key} は使えません(使えるのは " + "、".join(EXTRA_KEYS) + " です。"
                "テーマの extra の設定は、外部のサイトを読み込むものがあるためエンジンに渡しません)",
            )


class ConfigError(PiasiteError):
    def __init__(self, config: Path, problems: list[tuple[int, str]]):
        super().__init__(
            f"{config} に使えない設定が {len(problems)} 件あるため、サイトを組み立てませんでした"
            "(これまでのサイトはそのままです)",
            problems=[Problem(Path(config), line, "", msg) for line, msg in problems],
        )
