"""The item tree of a form: one Item per printed item (sections, groups of repeated elements, values)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# Printed part numbers, as the form prints them (Roman numerals are U+2160…).
ROMAN = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V"}

HINT_MAX = 80  # characters: an item's `hint:` is one short line of a comment
HINT_PREFIX = "手引き: "  # how `piasite new` and the JSON Schema introduce a hint


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
    shape: str | None = None  # what a value looks like (forms/regime/shapes.yaml: name, title, organisation)
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
