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
_WITHHELD_URI = "!" + "".join(f"%{b:02X}" for b in WITHHELD_TAG[1:].encode())


@dataclass(frozen=True)
class Withheld:
    """A value marked `!非公表`: kept in the content file, never published."""
    value: Any

    def __str__(self) -> str:  # never the value itself, whatever prints it
        return "非公表"


class ReadError(PiasiteError):
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


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml when present: several times faster, same nodes and marks. Its error
    texts differ, so a file it rejects is read again with _Loader for the message."""


def _build(loader: _Loader, node: yaml.Node, path: tuple, lines: dict) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if node.tag == WITHHELD_TAG:
        inner = type(node)(tag=loader.resolve(type(node), node.value, (True, False)),
                           value=node.value, start_mark=node.start_mark, end_mark=node.end_mark)
        if isinstance(node, yaml.ScalarNode):
            inner.style = node.style
            inner.tag = "tag:yaml.org,2002:str"
        return Withheld(_build(loader, inner, path, lines))
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
        raise ReadError(node.start_mark.line + 1, f"タグ {node.tag} は使えません(使えるのは {WITHHELD_TAG} だけです)")
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, yaml.constructor.ConstructorError):
        return node.value  # e.g. 2025-13-01: left as text for validation to report


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
    loader = loader_class(text.replace(WITHHELD_TAG, _WITHHELD_URI))
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


def public(value: Any) -> Any:
    """The value with every 非公表 part replaced by the marker string — for any output."""
    if isinstance(value, Withheld):
        return "非公表"
    if isinstance(value, dict):
        return {k: public(v) for k, v in value.items()}
    if isinstance(value, list):
        return [public(v) for v in value]
    return value
