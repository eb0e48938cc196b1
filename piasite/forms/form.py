"""The official form as data: loads piasite/forms/*.yaml into Item trees.

Everything that names an item — validation messages, page headings, anchors,
change-log labels, the JSON Schema, the importer — asks this module.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from piasite.core import yamlcore
from piasite.core.errors import PiasiteError, UnknownForm


class _YAML(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # libyaml when present: the form is read on every build
    pass


yamlcore.as_written(_YAML, merge=True)  # as written (yamlcore.py); the definitions use merge keys

FORMS_DIR = Path(__file__).parent  # the form definitions (*.yaml) beside this module
DEFAULT_FORM = "重点項目評価書"  # the form of documents written before 様式 was required

# Printed part numbers, as the form prints them (Roman numerals are U+2160…).
ROMAN = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V"}

# A path into a document: keys and 0-based list indexes, e.g.
# (<file group key>, 0, <委託 key>, <委託事項 key>, 2, <委託先名 key>).
Path_ = tuple

# In a role's pattern, EACH stands for "every element" of a list (written `[]`
# after a key in the definition's `roles:`).
EACH = "[]"

HINT_MAX = 80  # characters: an item's `hint:` is one short line of a comment
HINT_PREFIX = "手引き: "  # how `piasite new` and the JSON Schema introduce a hint


class FormError(PiasiteError, ValueError):
    """A form definition that cannot be used (e.g. a role naming an unknown key)."""


def version_month(version: str) -> Any:
    """A version's month (平成30年5月 → 2018-05-01), or None for a text that names none."""
    from piasite.core import dates

    if not re.fullmatch(r"(?:平成|令和)(?:元|\d{1,2})年\d{1,2}月", version.strip()):
        return None
    found = dates.parse_date(version)
    return found[0] if found else None


def empty(v: Any) -> bool:
    """Nothing written: absent, an empty text, list or mapping."""
    return v is None or v == "" or v == [] or v == {}


def holds(value: Any) -> bool:
    """Whether a value, or anything inside it, is filled in (a flag's False counts as empty)."""
    if isinstance(value, dict):
        return any(holds(v) for v in value.values())
    if isinstance(value, list):
        return any(holds(v) for v in value)
    return value not in (None, "", False)


def value_at(data: Any, path: Path_) -> Any:
    """The value at a document path, or None where the path does not lead."""
    node = data
    for k in path:
        try:
            node = node[k]
        except (KeyError, IndexError, TypeError):
            return None
    return node


@dataclass(frozen=True)
class Option:
    text: str
    qualifier: bool = False  # printed as "その他 (…)": takes free text
    group: str | None = None  # 主な記録項目 prints options under ・識別情報 etc.
    variants: tuple[str, ...] = ()
    label: str | None = None  # printed text in the newest version when it differs from the stored text
    version_labels: tuple[tuple[str, str], ...] = ()  # (version, printed text), expanded at load

    def label_for(self, version: str | None = None) -> str:
        """The option as printed by a version of the form (default: the newest)."""
        return dict(self.version_labels).get(version, self.label or self.text) if version else (self.label or self.text)


@dataclass(eq=False)
class Item:
    key: str
    label: str
    id: str
    kind: str
    mark: bool = False
    required: bool = False
    choices: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    element: str | None = None
    element_id: str | None = None
    name_key: str | None = None
    variants: tuple[str, ...] = ()
    precision: str = "day"
    parent_label: str | None = None
    lenient: bool = False
    unconfirmed: bool = False  # not seen in any public source: correct against the official 様式
    source: str | None = None  # what an unconfirmed item rests on
    version_labels: dict[str, str] = field(default_factory=dict)  # version → label printed by it, expanded at load
    unused_if: tuple = ()  # values of this item saying its section is not used (委託しない, 行っていない, true for a flag)
    printed: str | None = None  # text the form itself prints with the item (an instruction, never a value)
    since: str | None = None  # the first version of the form that prints the item (older ones do not)
    # (a group with numbered headings) the key of its elements' printed number, where a document's
    # numbers do not run 1, 2, 3… (システム1, システム4): declared once in `document:` (scope: element)
    number: Item | None = None
    hint: str | None = None  # one line of guidance for the clerk (記載要領 …), in `piasite new` and the schema
    hint_source: tuple[str, ...] = ()  # the public sources the hint paraphrases (required with a hint)
    items: list[Item] = field(default_factory=list)
    parent: Item | None = None

    def label_for(self, version: str | None = None) -> str:
        """The label as printed by a version of the form (default, or unknown: the newest)."""
        return self.version_labels.get(version, self.label) if version else self.label

    @property
    def all_labels(self) -> tuple[str, ...]:
        """Every spelling the item is printed with: label, older versions' labels, variants."""
        return tuple(dict.fromkeys((self.label, *self.version_labels.values(), *self.variants)))

    @property
    def is_container(self) -> bool:
        return self.kind in ("section", "group")

    @property
    def display_label(self) -> str:
        """The label as printed, with ※ where the form prints it."""
        return f"{self.label} ※" if self.mark and not _mark_inherited(self) else self.label

    @functools.cached_property
    def _children(self) -> dict[str, Item]:
        return {c.key: c for c in self.items}

    def child(self, key: str) -> Item | None:
        return self._children.get(key)

    def walk(self) -> Iterator[Item]:
        for c in self.items:
            yield c
            yield from c.walk()

    def option(self, text: str) -> Option | None:
        for o in self.options:
            if o.text == text:
                return o
        return None

    def element_number(self, index: int, element: Any = None) -> int:
        """The number the n-th element (0-based index) is printed with: its own number (the
        `number` key) where the document gives one, else its position."""
        if self.number is not None and isinstance(element, dict):
            n = element.get(self.number.key)
            if isinstance(n, int) and not isinstance(n, bool) and n > 0:
                return n
        return index + 1

    def element_label(self, index: int, element: Any = None) -> str:
        """How the n-th element of a group is printed: システム3, 委託事項1, (1)ファイル名
        (with the document's own number, where it gives one: システム7)."""
        name = ""
        if isinstance(element, dict) and self.name_key:
            name = str(element.get(self.name_key) or "")
        return (self.element or "{n}").format(n=self.element_number(index, element), name=name)

    def element_child(self, key: Any) -> Item | None:
        """A key of one element: one of the group's items, or its printed number."""
        if self.number is not None and key == self.number.key:
            return self.number
        return self.child(key) if isinstance(key, str) else None

    @property
    def element_keys(self) -> list[str]:
        """The keys of one element, in the order they are written (the number first)."""
        return ([self.number.key] if self.number is not None else []) + [c.key for c in self.items]


def numbered_heading(element: str | None) -> bool:
    """Whether a group's elements are printed under numbered headings (システム{n}, ({n}){name}),
    not as plain rows numbered 1, 2, 3 (the 別添2 table, 取込メモ: "{n}")."""
    return bool(element) and "{n}" in str(element) and bool(re.sub(r"\{n\}|\{name\}", "", str(element)).strip())


def _mark_inherited(item: Item) -> bool:
    # Under Ⅲ every item is ※; the form prints the mark once, on the heading.
    p = item.parent
    while p is not None:
        if p.mark and p.kind == "group":
            return True
        p = p.parent
    return False


@dataclass(eq=False)
class Form:
    name: str
    title: str
    schema_id: str
    items: list[Item]
    document_items: list[Item]
    roles: dict[str, tuple] = field(default_factory=dict)  # role name → pattern (keys and EACH)
    source: str = ""  # the definition file, for messages
    versions: tuple[str, ...] = ()  # 様式 versions, oldest first; the last is the default
    form_number: str | None = None  # 様式2, 様式3, 様式4: printed in the version stamp
    contents: str | None = None  # heading of the printed table of contents (項目一覧), if the form has one
    index: dict = field(default_factory=dict)  # 変更箇所一覧: which roles of which form feed its name lists

    @property
    def default_version(self) -> str | None:
        return self.versions[-1] if self.versions else None

    def resolve_version(self, version: Any) -> str | None:
        """The listed version whose labels a document of `version` is printed with: the version
        itself when the form lists it; for a revision the definition does not list (元号N年M月),
        the latest listed one before it (the oldest, if it is older than all); else None."""
        if not isinstance(version, str):
            return None
        if version in self.versions:
            return version
        when = version_month(version)
        if when is None or not self.versions:
            return None
        earlier = [v for v in self.versions if (d := version_month(v)) is not None and d <= when]
        return earlier[-1] if earlier else self.versions[0]

    def stamp(self, version: str | None = None) -> str | None:
        """The version stamp printed under 公表日, e.g. [平成26年4月 様式2]."""
        v = version or self.default_version
        return f"[{v} {self.form_number}]" if v and self.form_number else None

    @functools.cached_property
    def root(self) -> Item:
        root = Item(key="", label=self.title, id="", kind="section", items=self.document_items + self.items)
        for c in root.items:
            c.parent = None
        return root

    def printed_in(self, item: Item, version: Any) -> bool:
        """Whether a version of the form prints the item (`since:` on it or on a section above it).
        A document without a version, or with one that is no 元号N年M月, is read as printing it."""
        version = self.resolve_version(version)
        if version is None:
            return True
        node: Item | None = item
        while node is not None:
            if node.since and self.versions.index(version) < self.versions.index(node.since):
                return False
            node = node.parent
        return True

    def shown(self, item: Item, version: Any, value: Any) -> bool:
        """Whether a document of `version` shows the item: the version prints it, or the document
        gives it a value all the same (a value is never hidden)."""
        return self.printed_in(item, version) or holds(value)

    def top(self, key: str) -> Item | None:
        return self.root.child(key)

    def walk(self) -> Iterator[Item]:
        return self.root.walk()

    def item_at(self, path: Path_) -> Item | None:
        """The definition item for a document path (list indexes are skipped)."""
        node = self.root
        for part in path:
            if isinstance(part, int):
                if node.kind not in ("group", "list"):
                    return None
                continue  # an element of a group, or one entry of a list of texts
            nxt = node.element_child(part) if node.kind == "group" else node.child(part)
            if nxt is None:
                return None
            node = nxt
        return node if node is not self.root else None

    def anchor(self, path: Path_) -> str:
        """Permanent ASCII anchor of an item, e.g. II-f1-4-t3-3 (Ⅱ file 1, 4., 委託事項3, ③)."""
        parts: list[str] = []
        node = self.root
        for part in path:
            if isinstance(part, int):
                if node.kind == "list":
                    continue  # the entries of a list of texts are shown as one item
                seg = (node.element_id or "{n}").format(n=part + 1)
                if node.parent is None or node.id.isdigit():
                    parts.append(seg)  # II-f1, I-2-s3: keep the numbered heading
                else:
                    parts[-1] = seg  # 委託事項 "t" + element 3 → t3
                continue
            nxt = node.child(part)
            if nxt is None and node.element_child(part) is not None:
                break  # an element's printed number: the element's own anchor (anchors stay positional)
            if nxt is None:
                raise KeyError(part)
            node = nxt
            parts.append(node.id)
        return "-".join(parts)

    def _label_parts(self, path: Path_, doc: Any, short: bool, version: str | None = None) -> list[str]:
        out: list[str] = []
        node, value = self.root, doc
        for part in path:
            if isinstance(part, int):
                elem = value[part] if isinstance(value, list) and 0 <= part < len(value) else None
                if node.parent is None:
                    if short:
                        out[-1] = f"{out[-1]}({node.element_number(part, elem)})"
                    else:
                        out.append(node.element_label(part, elem))
                else:
                    if out and not node.label[:1].isdigit():
                        out.pop()  # 委託事項 → 委託事項1
                    out.append(node.element_label(part, elem))
                node_value = elem
                value = node_value
                continue
            child = node.element_child(part) if node.kind == "group" else node.child(part)
            if child is None:
                out.append(str(part))
                break
            node = child
            value = value.get(part) if isinstance(value, dict) else None
            label = node.label_for(version)
            if short and node.parent is None and node.is_container:
                label = label.split(" ")[0]  # Ⅱ
            elif short and node.is_container and label[:1].isdigit():
                label = label.split(" ")[0]  # 4.
            elif short and node.is_container and "：" in label:
                label = label.split("：")[0]  # リスク1
            elif not short and node.parent_label:
                out.append(node.parent_label)
            out.append(label)
        return out

    def label_path(self, path: Path_, doc: Any = None, version: str | None = None) -> str:
        """The item path as cities write it in 別添2, e.g.
        Ⅱ 特定個人情報ファイルの概要 (1)個人住民税賦課情報ファイル 4. 特定個人情報ファイルの取扱いの委託 委託事項1 ③委託先名
        with the labels of `version` (default: the newest version of the form).
        """
        return " ".join(self._label_parts(path, doc, short=False, version=version))

    def short_label(self, path: Path_, doc: Any = None) -> str:
        """Compact path for messages, e.g. Ⅱ(1) 4. 委託事項1 ③委託先名."""
        return " ".join(self._label_parts(path, doc, short=True))

    # --- roles: where this form keeps what the code needs (see TEAM.md "The roles format") ---

    def has_role(self, name: str) -> bool:
        return name in self.roles

    def role_path(self, name: str) -> tuple:
        """The role's pattern: keys, with EACH where every element of a list is meant."""
        try:
            return self.roles[name]
        except KeyError:
            raise KeyError(f"{self.source or self.name}: role {name!r} is not defined") from None

    def role_key(self, name: str) -> str:
        """The last key of a role's pattern (e.g. the key of one column of a table)."""
        return next(k for k in reversed(self.role_path(name)) if k != EACH)

    def role_item(self, name: str) -> Item:
        """The definition item a role points at (for a list of scalars: the list item)."""
        item = self.item_at(tuple(k for k in self.role_path(name) if k != EACH))
        assert item is not None  # resolved at load
        return item

    def top_key(self, name: str) -> str | None:
        """The document's top-level key under which a role lives (None: the form has no such role)."""
        return self.roles[name][0] if name in self.roles else None

    def sub(self, element: Any, name: str, base: str) -> Any:
        """The value of role `name` inside one element of role `base` (e.g. one 別添2 row's 変更日)."""
        if name not in self.roles or base not in self.roles:
            return None
        return value_at(element, tuple(k for k in self.relative(name, base) if k != EACH))

    def enclosing(self, path: Path_, base: str) -> Path_ | None:
        """The part of a concrete path that is one element of role `base` (e.g. the file of a 委託事項)."""
        if base not in self.roles:
            return None
        pattern = self.roles[base]
        if len(path) < len(pattern):
            return None
        for p, w in zip(pattern, path):
            if (p == EACH) != isinstance(w, int) or (p != EACH and p != w):
                return None
        return tuple(path[: len(pattern)])

    def relative(self, name: str, base: str) -> tuple:
        """The pattern of role `name` below one element of role `base`
        (e.g. contractor below entrustment → (委託先名 key,))."""
        full, prefix = self.role_path(name), self.role_path(base)
        if full[: len(prefix)] != prefix:
            raise KeyError(f"{self.source or self.name}: role {name!r} is not inside role {base!r}")
        return full[len(prefix) :]

    def concrete(self, name: str, *indexes: int) -> tuple:
        """The role's pattern with its EACH filled by `indexes` in order; trailing EACH dropped
        when indexes run out (e.g. concrete("entrustment_count", 0) → (files, 0, 委託, 件数))."""
        out, it = [], iter(indexes)
        for k in self.role_path(name):
            if k == EACH:
                i = next(it, None)
                if i is None:
                    break
                out.append(i)
            else:
                out.append(k)
        return tuple(out)

    def values(self, doc: Any, name: str, within: Path_ = ()) -> Iterator[tuple[tuple, Any]]:
        """(concrete path, value) for every value of a role present in `doc` (None values skipped).

        `within` is the concrete path of one element of an enclosing role: only values below it
        are given (e.g. the 委託先 of one 委託事項). A form without the role gives nothing."""
        if name not in self.roles:
            return
        pattern = self.roles[name]
        if within:
            if len(within) > len(pattern) or any(
                (p == EACH) != isinstance(w, int) or (p != EACH and p != w) for p, w in zip(pattern, within)
            ):
                raise KeyError(f"{self.source or self.name}: {within!r} is not inside role {name!r}")
            start = value_at(doc, within)
            if start is None:
                return
            yield from _expand(start, pattern[len(within) :], tuple(within))
        else:
            yield from _expand(doc, pattern, ())

    def value(self, doc: Any, name: str, within: Path_ = ()) -> Any:
        """The first value of a role (None when absent, or when the form has no such role)."""
        return next((v for _, v in self.values(doc, name, within)), None)

    def is_marked(self, path: Path_) -> bool:
        """True when the item or one of its containers carries ※."""
        node = self.root
        for part in path:
            if isinstance(part, int):
                continue
            nxt = node.child(part)
            if nxt is None:
                return False
            node = nxt
            if node.mark:
                return True
        return False


def _expand(node: Any, pattern: tuple, prefix: tuple) -> Iterator[tuple[tuple, Any]]:
    if not pattern:
        if node is not None:
            yield prefix, node
        return
    head, rest = pattern[0], pattern[1:]
    if head == EACH:
        if isinstance(node, list):
            for i, elem in enumerate(node):
                yield from _expand(elem, rest, prefix + (i,))
    elif isinstance(node, dict) and head in node:
        yield from _expand(node[head], rest, prefix + (head,))


def _parse_role(text: Any) -> tuple:
    """ "a.b[].c" → ("a", "b", EACH, "c"): keys joined by ".", "[]" after a list's key."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("空です")
    out: list[str] = []
    for seg in text.strip().split("."):
        each = 0
        while seg.endswith(EACH):
            seg, each = seg[: -len(EACH)], each + 1
        if not seg or each > 1:
            raise ValueError(f"「{text}」の書き方が違います(キーを . でつなぎ、各要素は [] で表します)")
        out.append(seg)
        out += [EACH] * each
    return tuple(out)


def _resolve_roles(raw: Any, form: Form, source: str) -> dict[str, tuple]:
    """Every role path checked against the definition: an unknown key is an error at load."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise FormError(f"{source}: roles: は「役割名: キーのパス」の対応表で書いてください")
    out: dict[str, tuple] = {}
    for name, text in raw.items():
        try:
            pattern = _parse_role(text)
        except ValueError as e:
            raise FormError(f"{source}: roles.{name}: {e}") from None
        node: Item = form.root
        for i, k in enumerate(pattern):
            if k == EACH:
                if node.is_container and node.kind != "group" or node is form.root:
                    raise FormError(
                        f"{source}: roles.{name}: 「{node.key}」は繰り返す項目ではないので [] は付けられません"
                    )
                continue
            if node.kind == "group" and (i == 0 or pattern[i - 1] != EACH) and node is not form.root:
                raise FormError(
                    f"{source}: roles.{name}: 「{node.key}」は繰り返す項目です。「{node.key}[]」と書いてください"
                )
            child = node.child(k)
            if child is None:
                where = f"「{node.key}」の下に" if node is not form.root else "定義に"
                raise FormError(f"{source}: roles.{name}: 「{k}」という項目が{where}ありません(「{text}」)")
            node = child
        out[str(name)] = pattern
    return out


def _expand_labels(labels: dict | None, versions: tuple[str, ...], where: str) -> dict[str, str]:
    """`labels: {平成28年1月: ②所属長}` names the last version that printed a label: every
    version up to it prints that label (unless an earlier key says otherwise); later ones
    print the item's own label."""
    if not labels:
        return {}
    unknown = [v for v in labels if v not in versions]
    if unknown:
        raise ValueError(
            f"{where}: labels names a version the form does not list: {unknown} (versions: {list(versions)})"
        )
    out: dict[str, str] = {}
    keys = sorted(labels, key=versions.index)
    for v in versions:
        later = [k for k in keys if versions.index(k) >= versions.index(v)]
        if later:
            out[v] = labels[later[0]]
    return out


def _build(raw: dict, sets: dict, opts: dict, parent: Item | None, versions: tuple[str, ...] = ()) -> Item:
    choices = raw.get("choices") or ()
    if isinstance(choices, str):
        choices = sets[choices]
    options = raw.get("options") or ()
    if isinstance(options, str):
        options = opts[options]
    item = Item(
        key=raw["key"],
        label=raw["label"],
        id=str(raw["id"]),
        kind=raw["kind"],
        mark=bool(raw.get("mark")),
        required=bool(raw.get("required")),
        choices=tuple(choices),
        options=tuple(_option(o, versions) for o in options),
        element=raw.get("element"),
        element_id=raw.get("element_id"),
        name_key=raw.get("name_key"),
        variants=tuple(raw.get("variants") or ()),
        precision=raw.get("precision", "day"),
        parent_label=raw.get("parent_label"),
        lenient=bool(raw.get("lenient")),
        unconfirmed=bool(raw.get("unconfirmed")),
        source=raw.get("source"),
        version_labels=_expand_labels(raw.get("labels"), versions, raw["key"]),
        unused_if=_as_tuple(raw["unused_if"]) if "unused_if" in raw else (),
        printed=raw.get("printed"),
        since=_since(raw.get("since"), versions, raw["key"]),
        parent=parent,
    )
    item.hint, item.hint_source = _hint(raw, item)
    item.items = [_build(c, sets, opts, item, versions) for c in raw.get("items") or ()]
    return item


def _hint(raw: dict, item: Item) -> tuple[str | None, tuple[str, ...]]:
    """`hint:` (one line for the clerk) and `hint_source:` (what it paraphrases: a text or a list of
    texts), checked: a hint without its source, or a source without a hint, is an error."""
    where = ".".join(n.key for n in _ancestry(item))
    hint, src = raw.get("hint"), raw.get("hint_source")
    if hint is None and src is None:
        return None, ()
    if hint is None:
        raise FormError(f"項目「{where}」: hint_source: がありますが hint: がありません")
    if not isinstance(hint, str):
        from piasite.checks.document import _kind_ja

        raise FormError(f"項目「{where}」: hint: は 1 行の文字列で書いてください({_kind_ja(hint)}になっています)")
    text = hint.strip()
    if not text or "\n" in text:
        raise FormError(f"項目「{where}」: hint: は空でない 1 行の文字列で書いてください")
    if len(text) > HINT_MAX:
        raise FormError(f"項目「{where}」: hint: は {HINT_MAX} 字以内で書いてください({len(text)} 字あります)")
    sources = [src] if isinstance(src, str) else src
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) and s.strip() for s in sources):
        raise FormError(
            f"項目「{where}」: hint: には hint_source: (根拠の資料: 文字列か文字列のリスト)を添えてください"
        )
    return text, tuple(s.strip() for s in sources)


def _ancestry(item: Item) -> list[Item]:
    out: list[Item] = []
    node: Item | None = item
    while node is not None:
        out.insert(0, node)
        node = node.parent
    return out


def _since(v: Any, versions: tuple[str, ...], where: str) -> str | None:
    if v is None:
        return None
    if str(v) not in versions:
        raise FormError(f"項目「{where}」: since: の「{v}」は様式の版 (versions: {'、'.join(versions)}) にありません")
    return str(v)


def _as_tuple(v: Any) -> tuple:
    return tuple(v) if isinstance(v, list) else (v,)


def _option(o: Any, versions: tuple[str, ...] = ()) -> Option:
    if isinstance(o, str):
        return Option(o)
    return Option(
        o["text"],
        bool(o.get("qualifier")),
        o.get("group"),
        tuple(o.get("variants") or ()),
        o.get("label"),
        tuple(_expand_labels(o.get("labels"), versions, o["text"]).items()),
    )


def load_form_file(path: Path) -> Form:
    """One definition file → Form; its roles are resolved here (FormError names the file)."""
    path = Path(path)
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML)
    sets, opts = raw.get("choices", {}), raw.get("options", {})
    versions = tuple(str(v) for v in raw.get("versions") or ())
    document = raw.get("document") or []
    # piasite's own keys of each element of a numbered group (scope: element), not of the document
    per_element = [i for i in document if i.get("scope") == "element"]
    if len(per_element) > 1:
        raise FormError(f"{path.parent.name}/{path.name}: document: の scope: element は一つだけ書けます")
    try:
        items = [_build(i, sets, opts, None, versions) for i in raw["items"]]
        document_items = [_build(i, sets, opts, None, versions) for i in document if i.get("scope") != "element"]
    except FormError as e:
        raise FormError(f"{path.parent.name}/{path.name}: {e.message}") from None
    form = Form(
        name=raw["form"],
        title=raw["title"],
        schema_id=raw["schema_id"],
        items=items,
        document_items=document_items,
        source=path.name,
        versions=versions,
        form_number=raw.get("form_number"),
        contents=raw.get("contents"),
        index=dict(raw.get("index") or {}),
    )
    form.roles = _resolve_roles(raw.get("roles"), form, f"{path.parent.name}/{path.name}")
    if per_element:
        for item in form.walk():
            if item.kind == "group" and numbered_heading(item.element):
                if item.child(per_element[0]["key"]) is not None:
                    raise FormError(
                        f"{path.parent.name}/{path.name}: 「{item.key}」の中に scope: element の"
                        f"「{per_element[0]['key']}」と同じキーの項目があります"
                    )
                item.number = _build(per_element[0], sets, opts, item, versions)
    return form


@functools.cache
def load_form(name: str = DEFAULT_FORM) -> Form:
    # The names come from _form_names (read once): functools.cache remembers no exception, so an
    # unknown name (a document's typo, asked for by every stage) must not re-read every definition.
    names = _form_names()
    if name not in names:
        raise UnknownForm(name)
    return load_form_file(sorted(FORMS_DIR.glob("*.yaml"))[names.index(name)])


def form_for(data: Any, default: str | None = DEFAULT_FORM) -> Form | None:
    """The form a parsed document names, or None when it names none we know (or is not a mapping):
    for stages reading committed versions, which no check has passed."""
    name = data.get(form_key(), default) if isinstance(data, dict) else None
    if not isinstance(name, str) or name not in _form_names():
        return None
    return load_form(name)


def form_key() -> str:
    """The document key that names a document's form (様式): every definition's `form` role,
    which must be one top-level key, the same in all (it is read before the form is known)."""
    return _form_key()


@functools.cache
def _form_key() -> str:
    keys = {load_form(n).roles.get("form") for n in form_names()}
    only = next(iter(keys)) if len(keys) == 1 else None
    if only is None or len(only) != 1:
        raise FormError(f"{FORMS_DIR.name}: どの様式の定義も roles.form に同じ一つのキーを書いてください({keys})")
    return only[0]


def form_of(data: Any, default: str | None = None) -> Form:
    """The form a document names (KeyError when it names none known)."""
    name = data.get(form_key(), default) if isinstance(data, dict) else default
    return load_form(str(name))


def all_forms() -> list[Form]:
    return [load_form(n) for n in form_names()]


@functools.cache
def _form_names() -> tuple[str, ...]:
    # Read once per process: validation asks for every document (a YAML parse each was 80% of a build).
    return tuple(
        yaml.load(p.read_text(encoding="utf-8"), Loader=_YAML)["form"] for p in sorted(FORMS_DIR.glob("*.yaml"))
    )


def form_names() -> list[str]:
    return list(_form_names())


def clear_caches() -> None:
    """Forget loaded definitions (tests that point FORMS_DIR elsewhere)."""
    load_form.cache_clear()
    _form_names.cache_clear()
    _form_key.cache_clear()
