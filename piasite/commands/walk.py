"""The walk over the form definition that every printed copy of a document shares (the text
export, the workbook): the form's items in its order, with the labels of the document's 様式の版,
each printed piece handed to a writer's `on_*` hooks. What is printed and in what order is decided
here once; a writer only lays it out.

Nothing here names a form item. piasite's own keys (取込メモ…) are never walked; 非公表 values
arrive as the marker (model.reader.public); a `!要確認` value is printed as its source text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from piasite.core import dates
from piasite.forms.form import Form
from piasite.forms.items import Item
from piasite.forms.values import empty
from piasite.model.reader import Uncertain, public


def as_printed(v: Uncertain) -> str:
    # a value marked !要確認: the text is printed as the source showed it (原文), never the importer's guess
    # (読み, not public) nor a placeholder — so importing the export finds the same unreadable row again
    return v.source or ""


@dataclass
class Row:
    """One printed row of the form, as the walk hands it to a writer: the row's label, the label of
    the group it is printed under in the first column (再委託, ④使用の主体), and its value as
    printed. `style` says how the value is printed:

    - "text": a text (empty: the label alone); "plain": a date or a number (the same, on one line)
    - "choice": `shown` is `[value]` (`[ ]` when empty), `options` the `<選択肢>` list and its counts
    - "multi": `shown` the boxes, `[○] … [ ] …`
    - "list": `lines` the entries, one a line
    - "uncertain": a `!要確認` value, printed as the source showed it (`shown`)
    """

    item: Item
    label: str
    group: str | None
    style: str
    shown: str = ""
    options: str = ""
    lines: list[str] = field(default_factory=list)


class Walk:
    """The walk over the form definition, in its order, with the labels of the document's 様式の版.
    A writer (text, workbook) says how each printed piece is laid out by overriding the `on_*`
    hooks; what is printed, and in what order, is decided here once."""

    def __init__(self, form: Form, data: dict):
        self.form = form
        self.data = public(data)
        self.stamped = form.value(self.data, "form_version") if form.has_role("form_version") else None
        self.version = form.resolve_version(self.stamped)  # whose labels it is printed with
        skip = {form.role_key(r) for r in ("form", "form_version", "ended", "import_notes") if form.has_role(r)}
        self.own = skip  # piasite's own document keys: not printed
        note = form.role_path("change_note") if form.has_role("change_note") else None
        self.unprinted_column = note[-1] if note else None  # piasite's remark column of the change log

    # -- hooks (a writer overrides them) ----------------------------------------
    def on_title(self, text: str) -> None: ...
    def on_cover(self, item: Item, label: str, text: str) -> None: ...
    def on_stamp(self, stamp: str) -> None: ...
    def on_contents(self, heading: str, parts: list[str]) -> None: ...
    def on_part(self, item: Item, label: str, boxes: list[tuple[bool, str]]) -> None: ...
    def on_block(self, item: Item, label: str, text: str) -> None: ...
    def on_section(self, item: Item, label: str, boxes: list[tuple[bool, str]]) -> None: ...
    def on_group(self, item: Item, label: str) -> None:
        """Before the elements of a group printed under numbered headings (システム1, 委託事項1)."""

    def on_element(self, item: Item, head: str, name: str | None) -> None: ...
    def on_row(self, row: Row, parent: Item) -> None: ...
    def on_note(self, text: str) -> None: ...
    def on_table(self, item: Item, label: str, columns: list[Item], rows: list[list[Any]]) -> None: ...
    def on_close(self, item: Item) -> None:
        """After the last row of a part (of each element of a part printed per element), a section
        or a group (all its elements)."""

    # -- helpers ------------------------------------------------------------
    def label(self, item: Item) -> str:
        text = item.label_for(self.version)
        return f"{text} ※" if item.display_label != item.label else text

    def date(self, item: Item, v: Any) -> str:
        if isinstance(v, (dt.date, dt.datetime)) or dates.parse_iso(v):
            return dates.wareki(v)
        return str(v)

    def text_of(self, item: Item, v: Any) -> str:
        """A cover item's, a block's or a table cell's value as printed ("" when empty)."""
        if isinstance(v, Uncertain):
            return as_printed(v)
        if empty(v):
            return ""
        if item.kind == "date":
            return self.date(item, v)
        return v if isinstance(v, str) else str(v)

    def boxes(self, item: Item, values: dict) -> list[tuple[bool, str]]:
        """A heading's flags, printed as boxes on its row (委託しない, 接続しない)."""
        return [(values.get(c.key) is True, c.label_for(self.version)) for c in item.items if c.kind == "flag"]

    # -- values ----------------------------------------------------------------
    def choice(self, item: Item, v: Any, counts: str = "") -> tuple[str, str]:
        options = " ".join(f"{i}) {c}" for i, c in enumerate(item.choices, 1))
        shown = f"[{v}]" if not empty(v) else "[ ]"
        return shown, f"<選択肢> {options}{counts}"

    def multi(self, item: Item, v: Any, counts: dict[str, int]) -> str:
        picked: dict[str, str] = {}
        for e in v or []:
            if isinstance(e, dict):
                for k, q in e.items():
                    picked[k] = "" if q is None else str(q)
            else:
                picked[str(e)] = ""
        parts = []
        for o in item.options:
            on = o.text in picked
            text = o.label_for(self.version)
            if o.qualifier:
                text += f" ({picked.get(o.text, '')})" if picked.get(o.text) else " ( )"
            if o.text in counts:
                n = counts[o.text]
                text += f" ({'' if n is None else n}) 件"
            parts.append(f"[{'○' if on else ' '}] {text}")
        return " ".join(parts)

    def counts_for(self, item: Item, siblings: list[Item], values: dict) -> tuple[str, dict]:
        """Counts the form prints inside a choice or multi row (`委託の有無 … (3) 件`)."""
        after_choice, per_option = "", {}
        for c in siblings:
            if c.kind != "count":
                continue
            base = re.split(r"[(（]", c.label)[0].strip()
            n = values.get(c.key)
            n = None if isinstance(n, Uncertain) else n  # !要確認: the count is left blank, as unread
            if base == item.label:
                after_choice = f" ({'' if n is None else n}) 件"
            elif item.option(base):
                per_option[base] = n
        return after_choice, per_option

    # -- the walk --------------------------------------------------------------
    def walk(self) -> None:
        f, d = self.form, self.data
        self.on_title(f.title)
        parts_started = False
        for item in f.items:
            if item.is_container or (parts_started and item.kind in ("text", "ref")):
                if not parts_started:
                    self.cover_end()
                parts_started = True
                self.part(item, d.get(item.key))
            else:
                self.on_cover(item, self.label(item), self.text_of(item, d.get(item.key)))

    def cover_end(self) -> None:
        stamp = self.form.stamp(self.stamped) if isinstance(self.stamped, str) and self.stamped else None
        if stamp:
            self.on_stamp(stamp)
        if self.form.contents:  # 項目一覧: the parts, as the cover page lists them
            first = next(k for k, i in enumerate(self.form.items) if i.is_container)
            self.on_contents(self.form.contents, [i.label_for(self.version) for i in self.form.items[first:]])

    def part(self, item: Item, v: Any) -> None:
        if item.kind == "group" and not self._is_table(item):
            for i, elem in enumerate(v or []):
                self.on_part(item, self.label(item), [])
                self.children(item, self._numbered_name(item, i, elem))
                self.on_close(item)
            if not v:
                self.on_part(item, self.label(item), [])
                self.on_close(item)
            return
        if item.kind == "group":
            self.table(item, v)
            return
        if item.is_container:
            values = v if isinstance(v, dict) else {}
            self.on_part(item, self.label(item), self.boxes(item, values))
            self.children(item, values)
            self.on_close(item)
            return
        self.on_block(item, self.label(item), self.text_of(item, v))

    @staticmethod
    def _numbered_name(item: Item, i: int, elem: Any) -> dict:
        """A part's element (a 特定個人情報ファイル) whose document gives it a number of its own: its
        name printed after that number, `(3) 住民基本台帳ファイル`, as the documents print it (the
        importer reads the number back). Elements numbered 1, 2, 3 are printed as they are."""
        elem = elem if isinstance(elem, dict) else {}
        key = item.name_key
        name = elem.get(key) if key else None
        if (
            key is None
            or item.number is None
            or item.number.key not in elem
            or not isinstance(name, str)
            or not name.strip()
        ):
            return elem
        return {**elem, key: f"({item.element_number(i, elem)}) {name}"}

    def _is_table(self, item: Item) -> bool:
        return item.kind == "group" and not item.name_key and all(not c.is_container for c in item.items)

    def children(self, parent: Item, values: dict) -> None:
        for c in parent.items:
            if not self.form.shown(c, self.version, values.get(c.key)):
                continue  # added by a later version of the form than the document's (`since:`)
            if c.kind in ("count", "flag"):
                continue  # printed in their row or heading
            if parent.kind == "group" and parent.name_key == c.key and c.label == parent.label:
                continue  # printed on the element heading (委託事項1\tname)
            self.item(c, values.get(c.key), parent, values)
            if c.printed:  # the form's own sentence under the item
                self.on_note(c.printed)

    def item(self, item: Item, v: Any, parent: Item, values: dict) -> None:
        k = item.kind
        if k == "section":
            sv = v if isinstance(v, dict) else {}
            self.on_section(item, self.label(item), self.boxes(item, sv))
            self.children(item, sv)
            self.on_close(item)
            return
        if k == "group":
            if self._is_table(item):
                self.table(item, v)
                return
            self.on_group(item, self.label(item))
            for i, elem in enumerate(v or []):
                elem = elem if isinstance(elem, dict) else {}
                head = item.element_label(i, elem) if "{name}" not in (item.element or "") else f"{item.label}{i + 1}"
                name = item.child(item.name_key) if item.name_key else None
                if name is not None and name.label == item.label and not empty(elem.get(name.key)):
                    nv = elem[name.key]
                    self.on_element(item, head, as_printed(nv) if isinstance(nv, Uncertain) else str(nv))
                else:
                    self.on_element(item, head, None)
                self.children(item, elem)
            self.on_close(item)
            return
        row = Row(item, self.label(item), item.parent_label, "text")
        if isinstance(v, Uncertain):
            row.style, row.shown = "uncertain", as_printed(v)
        elif k == "choice":
            after, _ = self.counts_for(item, parent.items, values)
            row.style = "choice"
            row.shown, row.options = self.choice(item, v, after)
        elif k == "multi":
            _, per = self.counts_for(item, parent.items, values)
            row.style, row.shown = "multi", self.multi(item, v, per)
        elif k == "list":
            row.style = "list"
            row.lines = [as_printed(x) if isinstance(x, Uncertain) else str(x) for x in v or []]
        elif k in ("date", "integer", "count"):
            row.style = "plain"
            row.shown = "" if empty(v) else self.date(item, v) if k == "date" else str(v)
        else:  # text, ref
            row.shown = "" if empty(v) else str(v)
        self.on_row(row, parent)

    def table(self, item: Item, rows: Any) -> None:
        cols = [c for c in item.items if c.key != self.unprinted_column]
        cells = [[r.get(c.key) if isinstance(r, dict) else None for c in cols] for r in rows or []]
        self.on_table(item, self.label(item), cols, cells)
