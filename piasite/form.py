"""The official form as data: loads piasite/forms/*.yaml into Item trees.

Everything that names an item — validation messages, page headings, anchors,
change-log labels, the JSON Schema, the importer — asks this module.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml

from .exceptions import UnknownForm

_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: the form is read on every build

FORMS_DIR = Path(__file__).parent / "forms"

# Printed part numbers, as the form prints them (Roman numerals are U+2160…).
ROMAN = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V"}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# A path into a document: keys and 0-based list indexes, e.g.
# ("特定個人情報ファイル", 0, "委託", "委託事項", 2, "委託先名").
Path_ = tuple


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
    items: list["Item"] = field(default_factory=list)
    parent: "Item | None" = None

    @property
    def is_container(self) -> bool:
        return self.kind in ("section", "group")

    @property
    def display_label(self) -> str:
        """The label as printed, with ※ where the form prints it."""
        return f"{self.label} ※" if self.mark and not _mark_inherited(self) else self.label

    @functools.cached_property
    def _children(self) -> dict[str, "Item"]:
        return {c.key: c for c in self.items}

    def child(self, key: str) -> "Item | None":
        return self._children.get(key)

    def walk(self) -> Iterator["Item"]:
        for c in self.items:
            yield c
            yield from c.walk()

    def option(self, text: str) -> Option | None:
        for o in self.options:
            if o.text == text:
                return o
        return None

    def element_label(self, index: int, element: Any = None) -> str:
        """How the n-th element of a group is printed: システム3, 委託事項1, (1)ファイル名."""
        name = ""
        if isinstance(element, dict) and self.name_key:
            name = str(element.get(self.name_key) or "")
        return (self.element or "{n}").format(n=index + 1, name=name)


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

    @functools.cached_property
    def root(self) -> Item:
        root = Item(key="", label=self.title, id="", kind="section",
                    items=self.document_items + self.items)
        for c in root.items:
            c.parent = None
        return root

    def top(self, key: str) -> Item | None:
        return self.root.child(key)

    def walk(self) -> Iterator[Item]:
        return self.root.walk()

    def item_at(self, path: Path_) -> Item | None:
        """The definition item for a document path (list indexes are skipped)."""
        node = self.root
        for part in path:
            if isinstance(part, int):
                if node.kind != "group":
                    return None
                continue
            nxt = node.child(part)
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
                seg = (node.element_id or "{n}").format(n=part + 1)
                if node.parent is None or node.id.isdigit():
                    parts.append(seg)  # II-f1, I-2-s3: keep the numbered heading
                else:
                    parts[-1] = seg  # 委託事項 "t" + element 3 → t3
                continue
            node = node.child(part)
            if node is None:
                raise KeyError(part)
            parts.append(node.id)
        return "-".join(parts)

    def _label_parts(self, path: Path_, doc: Any, short: bool) -> list[str]:
        out: list[str] = []
        node, value = self.root, doc
        for part in path:
            if isinstance(part, int):
                elem = value[part] if isinstance(value, list) and 0 <= part < len(value) else None
                if node.parent is None:
                    if short:
                        out[-1] = f"{out[-1]}({part + 1})"
                    else:
                        out.append(node.element_label(part, elem))
                else:
                    if out and not node.label[:1].isdigit():
                        out.pop()  # 委託事項 → 委託事項1
                    out.append(node.element_label(part, elem))
                node_value = elem
                value = node_value
                continue
            child = node.child(part)
            if child is None:
                out.append(str(part))
                break
            node = child
            value = value.get(part) if isinstance(value, dict) else None
            label = node.label
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

    def label_path(self, path: Path_, doc: Any = None) -> str:
        """The item path as cities write it in 別添2, e.g.
        Ⅱ 特定個人情報ファイルの概要 (1)個人住民税賦課情報ファイル 4. 特定個人情報ファイルの取扱いの委託 委託事項1 ③委託先名
        """
        return " ".join(self._label_parts(path, doc, short=False))

    def short_label(self, path: Path_, doc: Any = None) -> str:
        """Compact path for messages, e.g. Ⅱ(1) 4. 委託事項1 ③委託先名."""
        return " ".join(self._label_parts(path, doc, short=True))

    def is_marked(self, path: Path_) -> bool:
        """True when the item or one of its containers carries ※."""
        node = self.root
        for part in path:
            if isinstance(part, int):
                continue
            node = node.child(part)
            if node is None:
                return False
            if node.mark:
                return True
        return False


def _build(raw: dict, sets: dict, opts: dict, parent: Item | None) -> Item:
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
        options=tuple(_option(o) for o in options),
        element=raw.get("element"),
        element_id=raw.get("element_id"),
        name_key=raw.get("name_key"),
        variants=tuple(raw.get("variants") or ()),
        precision=raw.get("precision", "day"),
        parent_label=raw.get("parent_label"),
        lenient=bool(raw.get("lenient")),
        parent=parent,
    )
    item.items = [_build(c, sets, opts, item) for c in raw.get("items") or ()]
    return item


def _option(o: Any) -> Option:
    if isinstance(o, str):
        return Option(o)
    return Option(o["text"], bool(o.get("qualifier")), o.get("group"), tuple(o.get("variants") or ()))


@functools.cache
def load_form(name: str = "重点項目評価書") -> Form:
    for path in sorted(FORMS_DIR.glob("*.yaml")):
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML)
        if raw["form"] == name:
            sets, opts = raw.get("choices", {}), raw.get("options", {})
            return Form(
                name=raw["form"],
                title=raw["title"],
                schema_id=raw["schema_id"],
                items=[_build(i, sets, opts, None) for i in raw["items"]],
                document_items=[_build(i, sets, opts, None) for i in raw.get("document", [])],
            )
    raise UnknownForm(name)


def form_for(data: Any, default: str = "重点項目評価書") -> Form | None:
    """The form a parsed document names, or None when it names none we know (or is not a mapping):
    for stages reading committed versions, which no check has passed."""
    name = data.get("様式", default) if isinstance(data, dict) else None
    if not isinstance(name, str) or name not in _form_names():
        return None
    return load_form(name)


@functools.cache
def _form_names() -> tuple[str, ...]:
    # Read once per process: validation asks for every document (a YAML parse each was 80% of a build).
    return tuple(yaml.load(p.read_text(encoding="utf-8"), Loader=_YAML)["form"] for p in sorted(FORMS_DIR.glob("*.yaml")))


def form_names() -> list[str]:
    return list(_form_names())
