"""Reads content YAML, keeping the line of every value and the 非公表 marks.

PyYAML's node tree carries marks; we build plain dicts and lists from it and
keep a side table path → line, so that every message can name its line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .exceptions import PiasiteError

WITHHELD_TAG = "!非公表"
UNCERTAIN_TAG = "!要確認"


def _tag_uri(tag: str) -> str:
    return "!" + "".join(f"%{b:02X}" for b in tag[1:].encode())


_WITHHELD_URI = _tag_uri(WITHHELD_TAG)
_UNCERTAIN_URI = _tag_uri(UNCERTAIN_TAG)
# What an importer writes under !要確認, and what each field holds.
UNCERTAIN_FIELDS = {"原文": "元の文書の記載(そのまま)", "行": "元のテキストの行番号",
                    "理由": "読み取れなかった理由", "読み": "取込みの推測(公開されません)"}


@dataclass(frozen=True)
class Withheld:
    """A value marked `!非公表`: kept in the content file, never published."""
    value: Any

    def __str__(self) -> str:  # never the value itself, whatever prints it
        return "非公表"


@dataclass(frozen=True)
class Uncertain:
    """A value the importer could not read for certain (`!要確認`): the page says so and
    quotes what the source showed; the importer's guess (reading) is never published."""
    source: str = ""
    line: int | None = None
    reason: str = ""
    reading: Any = None

    def __str__(self) -> str:
        return "原文から読み取れませんでした"


class ReadError(PiasiteError):
    line: int  # always known for a read error

    def __init__(self, line: int, message: str, path: Path | str | None = None):
        super().__init__(message, path, line)


@dataclass
class Document:
    path: Path
    data: Any
    lines: dict[tuple, int] = field(default_factory=dict)
    text: str = ""

    def line(self, path: tuple) -> int:
        """Line of the value at path, or of its nearest enclosing value."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


class _Loader(yaml.SafeLoader):
    pass


_FAST_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FastLoader(_FAST_BASE):
    """libyaml when present: several times faster, same nodes and marks. Its error
    texts differ, so a file it rejects is read again with _Loader for the message."""


def _build(loader: _Loader, node: yaml.Node, path: tuple, lines: dict) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if node.tag == WITHHELD_TAG:
        inner = type(node)(tag=loader.resolve(type(node), node.value, (True, False)),
                           value=node.value, start_mark=node.start_mark, end_mark=node.end_mark)
        if isinstance(node, yaml.ScalarNode):
            inner.style = node.style  # type: ignore[attr-defined]  # a ScalarNode like node
            inner.tag = "tag:yaml.org,2002:str"
        return Withheld(_build(loader, inner, path, lines))
    if node.tag == UNCERTAIN_TAG:
        return _uncertain(loader, node, path, lines)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict = {}
        for knode, vnode in node.value:
            key = loader.construct_object(knode, deep=True)
            if isinstance(key, (int, float)) and not isinstance(key, bool):
                key = str(key)
            if not isinstance(key, str):
                raise ReadError(knode.start_mark.line + 1, f"キー {key!r} は文字列にしてください")
            if key in out:
                raise ReadError(knode.start_mark.line + 1, f"キー「{key}」が重複しています")
            lines[path + (key,)] = knode.start_mark.line + 1
            out[key] = _build(loader, vnode, path + (key,), lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, v, path + (i,), lines) for i, v in enumerate(node.value)]
    if node.tag.startswith("!") :
        raise ReadError(node.start_mark.line + 1,
                        f"タグ {node.tag} は使えません(使えるのは {WITHHELD_TAG} と {UNCERTAIN_TAG} だけです)")
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, yaml.constructor.ConstructorError):
        return node.value  # e.g. 2025-13-01: left as text for validation to report


def _uncertain(loader: _Loader, node: yaml.Node, path: tuple, lines: dict) -> Uncertain:
    line = node.start_mark.line + 1
    usage = (f"{UNCERTAIN_TAG} の後には「原文:」「理由:」(と「行:」「読み:」)を書いてください。"
             "読み取れた値を確かめたら、タグごと値に書き換えます")
    if not isinstance(node, yaml.MappingNode):
        raise ReadError(line, usage)
    node = yaml.MappingNode("tag:yaml.org,2002:map", node.value, node.start_mark, node.end_mark)
    fields = _build(loader, node, path, lines)
    unknown = [k for k in fields if k not in UNCERTAIN_FIELDS]
    if unknown or not isinstance(fields.get("原文", ""), str) or not isinstance(fields.get("理由", ""), str):
        raise ReadError(line, usage)
    src_line = fields.get("行")
    if src_line is not None and (isinstance(src_line, bool) or not isinstance(src_line, int)):
        raise ReadError(lines.get(path + ("行",), line), "「行」は数字で書いてください")
    for k in UNCERTAIN_FIELDS:  # the fields are not items of the form: no lines of their own
        lines.pop(path + (k,), None)
    return Uncertain(fields.get("原文", ""), src_line, fields.get("理由", ""), fields.get("読み"))


def parse(text: str, path: Path | str = "<string>") -> Document:
    """Parse YAML text; raises ReadError with a line and a Japanese message."""
    try:
        return _parse(text, path, _FastLoader)
    except ReadError:
        if _FastLoader.__mro__[1] is yaml.SafeLoader:
            raise
    return _parse(text, path, _Loader)


def _parse(text: str, path: Path | str, loader_class) -> Document:
    # PyYAML scans tags as ASCII URIs: give it the percent-encoded spelling (lines are unchanged).
    loader = loader_class(text.replace(WITHHELD_TAG, _WITHHELD_URI).replace(UNCERTAIN_TAG, _UNCERTAIN_URI))
    try:
        node = loader.get_single_node()
        lines: dict = {}
        data = None if node is None else _build(loader, node, (), lines)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        if e.context_mark and "stream" in (e.problem or ""):  # unclosed at the end of the file: where it opened
            mark = e.context_mark
        line = mark.line + 1 if mark else 1
        raise ReadError(line, f"YAML の書き方に誤りがあります({_yaml_reason(e)})") from None
    except yaml.YAMLError as e:
        raise ReadError(1, f"YAML として読めません({e})") from None
    finally:
        loader.dispose()
    return Document(Path(path), data, lines, text)


def read(path: Path) -> Document:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ReadError(1, f"UTF-8 で保存してください(位置 {e.start} のバイトが読めません)") from None
    return parse(text, path)


_REASONS = {
    "could not find expected ':'": "「:」が見つかりません",
    "mapping values are not allowed here": "ここに「キー: 値」は書けません。インデントか、値の中の「: 」を確かめてください",
    "found character '\\t' that cannot start any token": "タブ文字は使えません。空白でインデントしてください",
    "did not find expected key": "キーが見つかりません。インデントを確かめてください",
    "found undefined alias": "未定義のエイリアスです",
    "did not find expected '-' indicator": "「-」が見つかりません。リストのインデントを確かめてください",
    "found unexpected end of stream": "文字列の引用符が閉じられていません",
    "found a tab character that violates indentation": "タブ文字は使えません。空白でインデントしてください",
    "expected ',' or ']'": "「[」で始めたリストが「]」で閉じられていません",
    "expected ',' or '}'": "「{」で始めた「キー: 値」が「}」で閉じられていません",
}


def _yaml_reason(e: yaml.MarkedYAMLError) -> str:
    problem = e.problem or ""
    for en, ja in _REASONS.items():
        if en in problem:
            return ja
    return problem or str(e).splitlines()[0]


def unwrap(value: Any) -> Any:
    return value.value if isinstance(value, Withheld) else value


def uncertain_paths(value: Any, path: tuple = ()) -> list[tuple]:
    """Paths of every !要確認 value, in document order."""
    if isinstance(value, Uncertain):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in uncertain_paths(v, path + (k,))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in uncertain_paths(v, path + (i,))]
    return []


def public(value: Any) -> Any:
    """The value with every 非公表 part replaced by the marker string — for any output."""
    if isinstance(value, Withheld):
        return "非公表"
    if isinstance(value, Uncertain):  # the source text is public; the importer's guess is not
        return Uncertain(value.source, value.line, value.reason)
    if isinstance(value, dict):
        return {k: public(v) for k, v in value.items()}
    if isinstance(value, list):
        return [public(v) for v in value]
    return value
