"""Reads content YAML, keeping the line of every value and the 非公表 marks.

PyYAML's node tree carries marks; we build plain dicts and lists from it and
keep a side table path → line, so that every message can name its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from piasite.config.limits import DEFAULT_LIMITS, MAX_DEPTH, Limits  # a command passes its Settings' limits
from piasite.core import safefiles, yamlcore
from piasite.core.errors import PiasiteError
from piasite.core.tags import TAGS_JA, UNCERTAIN_FIELDS, UNCERTAIN_TAG, WITHHELD_TAG
from piasite.forms.values import empty


def _tag_uri(tag: str) -> str:
    return "!" + "".join(f"%{b:02X}" for b in tag[1:].encode())


_WITHHELD_URI = _tag_uri(WITHHELD_TAG)
_UNCERTAIN_URI = _tag_uri(UNCERTAIN_TAG)


@dataclass(frozen=True, repr=False)
class Withheld:
    """A value marked `!非公表`: kept in the content file, never published."""

    value: Any

    def __str__(self) -> str:  # never the value itself, whatever prints it
        return "非公表"

    __repr__ = __str__


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
    """Unreadable content. `syntax` marks YAML syntax errors (worth re-reading with the pure-Python
    parser for its clearer message); limits, aliases and tags are found the same way by both."""

    line: int  # always known for a read error

    def __init__(self, line: int, message: str, syntax: bool = False, path: Path | str | None = None):
        super().__init__(message, path, line)
        self.syntax = syntax


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


yamlcore.as_written(_Loader, merge=True)  # merge keys resolved, to be refused with their own message


_FAST_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FastLoader(_FAST_BASE):
    """libyaml when present: several times faster, same nodes and marks. Its error
    texts differ, so a file it rejects is read again with _Loader for the message."""


yamlcore.as_written(_FastLoader, merge=True)


_YAML = "tag:yaml.org,2002:"
# Tags a content file may carry, explicitly or resolved: plain data. Anything else (!!binary,
# !!set, !!omap, !!python/…, local tags) would give values no output knows how to show.
SCALAR_TAGS = {_YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_STR = _YAML + "str"
COLLECTION_TAGS = {_YAML + "map", _YAML + "seq"}
_KINDS = {yaml.ScalarNode: SCALAR_TAGS, yaml.MappingNode: {_YAML + "map"}, yaml.SequenceNode: {_YAML + "seq"}}


class _Builder:
    """Node tree → plain data, refusing what content has no use for before it costs anything:
    an anchor used twice (an alias: the tree is a graph, and an alias bomb expands it
    exponentially), merge keys, unknown tags, over-long values, over-deep nesting."""

    def __init__(self, loader, lines: dict, lim: Limits):
        self.loader, self.lines, self.lim = loader, lines, lim
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, path: tuple, depth: int = 0, at: int | None = None) -> Any:
        """at: the line where the node is used (its key's), which is an alias's line when the node
        was already built (an alias node is the anchored node itself, marked where the anchor is)."""
        line = node.start_mark.line + 1
        if id(node) in self.seen:
            raise ReadError(
                at or line,
                f"アンカー(&)とエイリアス(*)は使えません({line} 行目の値を別の場所から参照しています)。"
                "同じ内容もそれぞれの場所に書いてください",
            )
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            raise ReadError(line, f"入れ子が深すぎます({MAX_DEPTH} 段まで)")
        self.lines.setdefault(path, line)
        if node.tag == WITHHELD_TAG:
            inner = type(node)(
                tag=self.loader.resolve(type(node), node.value, (True, False)),
                value=node.value,
                start_mark=node.start_mark,
                end_mark=node.end_mark,
            )
            if isinstance(node, yaml.ScalarNode):
                inner.style = node.style  # type: ignore[attr-defined]  # a ScalarNode like node
                inner.tag = _YAML + "str"
            return Withheld(self.build_plain(inner, path, depth))
        if node.tag == UNCERTAIN_TAG:
            return self.uncertain(node, path, depth)
        return self.build_plain(node, path, depth)

    def uncertain(self, node: yaml.Node, path: tuple, depth: int) -> Uncertain:
        line = node.start_mark.line + 1
        usage = (
            f"{UNCERTAIN_TAG} の後には「原文:」「理由:」(と「行:」「読み:」)を書いてください。"
            "読み取れた値を確かめたら、タグごと値に書き換えます"
        )
        if not isinstance(node, yaml.MappingNode):
            raise ReadError(line, usage)
        plain = yaml.MappingNode(_YAML + "map", node.value, node.start_mark, node.end_mark)
        fields = self.build_plain(plain, path, depth)
        unknown = [k for k in fields if k not in UNCERTAIN_FIELDS]
        if unknown or not isinstance(fields.get("原文", ""), str) or not isinstance(fields.get("理由", ""), str):
            raise ReadError(line, usage)
        src_line = fields.get("行")
        if src_line is not None and (isinstance(src_line, bool) or not isinstance(src_line, int)):
            raise ReadError(self.lines.get(path + ("行",), line), "「行」は数字で書いてください")
        for k in UNCERTAIN_FIELDS:  # the fields are not items of the form: no lines of their own
            self.lines.pop(path + (k,), None)
        return Uncertain(fields.get("原文", ""), src_line, fields.get("理由", ""), fields.get("読み"))

    def build_plain(self, node: yaml.Node, path: tuple, depth: int) -> Any:
        line = node.start_mark.line + 1
        if node.tag not in _KINDS[type(node)]:
            raise ReadError(line, f"タグ {_tag_ja(node.tag)} は使えません(使えるのは {TAGS_JA} だけです)")
        if isinstance(node, yaml.MappingNode):
            out: dict = {}
            for knode, vnode in node.value:
                key = self.key(knode)
                if key in out:
                    raise ReadError(knode.start_mark.line + 1, f"キー「{key}」が重複しています")
                self.lines[path + (key,)] = knode.start_mark.line + 1
                out[key] = self.build(vnode, path + (key,), depth + 1, at=knode.start_mark.line + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            items: list = []
            after = node.start_mark.line + 1  # an alias element stands after the one before it
            for v in node.value:
                built = self.build(v, path + (len(items),), depth + 1, at=after)
                after = v.end_mark.line + 1
                if blank(built):  # an element with nothing written (piasite new's 委託事項1 left empty): absent
                    gone = path + (len(items),)
                    for k in [k for k in self.lines if k[: len(gone)] == gone]:
                        del self.lines[k]
                    continue
                items.append(built)
            return items
        assert isinstance(node, yaml.ScalarNode)  # mappings and sequences returned above
        self.check_length(node)
        self.as_written(node)
        if node.tag == _STR:  # most values: what the constructor would return, without its cost
            return node.value
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError, yaml.constructor.ConstructorError):
            return node.value  # e.g. 2025-13-01: left as text for validation to report

    def key(self, knode: yaml.Node) -> str:
        line = knode.start_mark.line + 1
        if id(knode) in self.seen:
            raise ReadError(line, "アンカー(&)とエイリアス(*)は使えません(キーに別の場所を参照しています)")
        self.seen.add(id(knode))
        if knode.tag == _YAML + "merge":
            raise ReadError(line, "「<<」(マージキー)は使えません。項目をそれぞれ書いてください")
        if not isinstance(knode, yaml.ScalarNode) or knode.tag not in SCALAR_TAGS:
            raise ReadError(line, "キーは文字列にしてください")
        self.check_length(knode)
        self.as_written(knode)
        if knode.tag == _STR:
            return knode.value
        try:
            key = self.loader.construct_object(knode, deep=True)
        except (ValueError, OverflowError, yaml.constructor.ConstructorError):
            key = knode.value
        if isinstance(key, (int, float)) and not isinstance(key, bool):
            key = knode.value if isinstance(key, float) else str(key)
        if not isinstance(key, str):
            raise ReadError(line, f"キー「{knode.value}」は文字列にしてください(引用符で囲んでください)")
        return key

    def as_written(self, node: yaml.ScalarNode) -> None:
        """An explicit tag that would change the text (`!!int 010` is 8, `!!bool yes` true): refused."""
        if not yamlcore.written_as(node.tag, node.value):
            raise ReadError(
                node.start_mark.line + 1,
                f"タグ {_tag_ja(node.tag)} は「{node.value[:40]}」に付けられません(書いたとおりの値と"
                "違う値になります)。タグを外してください(数・日付は 5、2025-12-01 のように書きます)",
            )

    def check_length(self, node: yaml.ScalarNode) -> None:
        n = len(node.value)
        if n > self.lim.max_value_chars:
            raise ReadError(
                node.start_mark.line + 1,
                f"値が長すぎます({n:,} 文字。1 つの値は {self.lim.max_value_chars:,} 文字まで。"
                "上限は mkdocs.yml の extra.piasite.limits.max_value_chars で変えられます)",
            )


def _tag_ja(tag: str) -> str:
    if tag.startswith(_YAML):
        return "!!" + tag[len(_YAML) :]
    return tag.replace(_WITHHELD_URI, WITHHELD_TAG).replace(_UNCERTAIN_URI, UNCERTAIN_TAG)


def _deep_flow(text: str) -> bool:
    """Whether brackets may nest deeper than MAX_DEPTH (counted naively, quotes and all): the
    libyaml composer recurses without bound and a few hundred kilobytes of `[[[…` crash it."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    depth = 0
    for m in _BRACKETS.finditer(text):
        depth = depth + 1 if m[0] in "[{" else max(depth - 1, 0)
        if depth > MAX_DEPTH:
            return True
    return False


_BRACKETS = re.compile(r"[\[\]{}]")


def _check_depth_events(text: str) -> None:
    """Exact nesting depth from the event stream (no composition, no recursion)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_FastLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH + 1:
                    raise ReadError(
                        event.start_mark.line + 1 if event.start_mark else 1, f"入れ子が深すぎます({MAX_DEPTH} 段まで)"
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return  # composition reports it, with its line


def too_big(size: int, limits: Limits = DEFAULT_LIMITS) -> ReadError:
    lim = limits.max_file_bytes
    return ReadError(
        1,
        f"ファイルが大きすぎます({size:,} バイト。1 つの評価書は {lim:,} バイトまで。"
        "上限は mkdocs.yml の extra.piasite.limits.max_file_bytes で変えられます)",
    )


def parse(text: str, path: Path | str = "<string>", limits: Limits = DEFAULT_LIMITS) -> Document:
    """Parse YAML text; raises ReadError with a line and a Japanese message."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_file_bytes:
        raise too_big(size, limits)
    if _deep_flow(text):
        _check_depth_events(text)
    try:
        return _parse(text, path, _FastLoader, limits)
    except ReadError as e:
        if _FastLoader.__mro__[1] is yaml.SafeLoader or not e.syntax:
            raise
    return _parse(text, path, _Loader, limits)


def _parse(text: str, path: Path | str, loader_class, limits: Limits) -> Document:
    # PyYAML scans tags as ASCII URIs: give it the percent-encoded spelling (lines are unchanged).
    try:  # the pure-Python reader checks the characters as it is made: a NUL fails here
        loader = loader_class(text.replace(WITHHELD_TAG, _WITHHELD_URI).replace(UNCERTAIN_TAG, _UNCERTAIN_URI))
    except yaml.reader.ReaderError as e:
        raise _unreadable_character(text, e) from None
    try:
        node = loader.get_single_node()
        lines: dict = {}
        data = None if node is None else _Builder(loader, lines, limits).build(node, ())
    except yaml.reader.ReaderError as e:
        raise _unreadable_character(text, e) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        if e.context_mark and "stream" in (e.problem or ""):  # unclosed at the end of the file: where it opened
            mark = e.context_mark
        line = mark.line + 1 if mark else 1
        raise ReadError(line, f"YAML の書き方に誤りがあります({_yaml_reason(e)})", syntax=True) from None
    except yaml.YAMLError as e:
        raise ReadError(1, f"YAML として読めません({e})", syntax=True) from None
    except RecursionError:
        raise ReadError(1, f"入れ子が深すぎます({MAX_DEPTH} 段まで)") from None
    finally:
        loader.dispose()
    return Document(Path(path), data, lines, text)


_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _unreadable_character(text: str, e: yaml.reader.ReaderError) -> ReadError:
    """A character YAML cannot read (NUL, other C0/C1 controls, U+FFFE…), with its line (found
    again here: PyYAML's position is not the character's index in a str)."""
    m = _NON_PRINTABLE.search(text)
    at, ch = (
        (m.start(), m[0])
        if m
        else (0, chr(e.character) if isinstance(e.character, int) else str(e.character)[:1] or "?")
    )
    return ReadError(
        text.count("\n", 0, at) + 1,
        f"制御文字が含まれています(U+{ord(ch):04X})。削除してください(見えない文字で、YAML として読めません)",
    )


def read(path: Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    try:
        size = safefiles.check(path).st_size  # a link, a FIFO: refused before it is opened
        if size > limits.max_file_bytes:  # refused before it is read into memory
            raise too_big(size, limits)
        text = safefiles.read_text(path)
    except safefiles.UnsafeFile as e:
        raise ReadError(1, e.message) from None
    except UnicodeDecodeError as e:
        raise ReadError(1, f"UTF-8 で保存してください(位置 {e.start} のバイトが読めません)") from None
    return parse(text, path, limits)


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
    "expected URI": f"タグは使えません(使えるのは {TAGS_JA} だけです)",
}


def _yaml_reason(e: yaml.MarkedYAMLError) -> str:
    problem = e.problem or ""
    for en, ja in _REASONS.items():
        if en in problem:
            return ja
    return problem or str(e).splitlines()[0]


def blank(value: Any) -> bool:
    """A mapping with nothing written in it (every value empty, or itself blank): a list element
    like this is read as absent, so the skeleton of `piasite new` left as it is says nothing."""
    if not isinstance(value, dict) or not value:
        return False
    # inner lists were read already, their blank elements dropped
    return all(empty(v) or blank(v) for v in value.values())


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
