"""A document as text in the official layout, in the style of the extracted PDF
texts the importer reads (label, tab, value; `[value]` + `<選択肢>` for choices;
`[○]`/`[ ]` boxes): a printable copy for clerks, and the importer's test bed —
export → import gives the same YAML back.

Nothing here names a form item: the walk follows the definition, in its order,
with the labels of the document's 様式の版; piasite's own keys (取込メモ…) and
非公表 values never reach the text.
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape
from pathlib import Path
from typing import Any

import click

from piasite.checks.document import check_document
from piasite.checks.load import load_document
from piasite.commands.check import report
from piasite.config.limits import DEFAULT_LIMITS, Limits
from piasite.core import dates
from piasite.core.errors import UserError
from piasite.core.problems import ERROR
from piasite.forms.form import Form
from piasite.forms.items import Item
from piasite.forms.registry import form_for
from piasite.forms.values import empty
from piasite.history.withheld import mask_document
from piasite.model.reader import Uncertain, public


def _as_printed(v: Uncertain) -> str:
    # a value marked !要確認: the text is printed as the source showed it (原文), never the importer's guess
    # (読み, not public) nor a placeholder — so importing the export finds the same unreadable row again
    return v.source or ""


def _lines(text: str) -> list[str]:
    """Markdown value → physical lines (blank lines kept: they separate paragraphs)."""
    return [l.rstrip() for l in str(text).strip("\n").split("\n")]


def _cell_html(text: str) -> str:
    """A multi-paragraph value inside one table cell, as the extractions print it."""
    text = str(text)
    if "\n" not in text:
        return text
    out = []
    for para in text.split("\n\n"):
        rows = [l for l in para.split("\n") if l.strip()]
        if rows and all(r.lstrip().startswith("- ") for r in rows):
            out.append("<ul>" + "".join(f"<li>{escape(r.lstrip()[2:], quote=False)}</li>" for r in rows) + "</ul>")
        else:
            out += [f"<p>{escape(r, quote=False)}</p>" for r in rows]
    return " ".join(out)


class TextExport:
    def __init__(self, form: Form, data: dict):
        self.form = form
        self.data = public(data)
        self.stamped = form.value(self.data, "form_version") if form.has_role("form_version") else None
        self.version = form.resolve_version(self.stamped)  # whose labels it is printed with
        self.out: list[str] = []
        skip = {form.role_key(r) for r in ("form", "form_version", "ended", "import_notes") if form.has_role(r)}
        self.own = skip  # piasite's own document keys: not printed
        note = form.role_path("change_note") if form.has_role("change_note") else None
        self.unprinted_column = note[-1] if note else None  # piasite's remark column of the change log
        self._prev_parent_label: tuple[int, str] | None = None

    # -- helpers ------------------------------------------------------------
    def label(self, item: Item) -> str:
        text = item.label_for(self.version)
        return f"{text} ※" if item.display_label != item.label else text

    def emit(self, *lines: str) -> None:
        self.out.extend(lines)

    def blank(self) -> None:
        if self.out and self.out[-1] != "":
            self.out.append("")

    def date(self, item: Item, v: Any) -> str:
        if isinstance(v, (dt.date, dt.datetime)) or dates.parse_iso(v):
            return dates.wareki(v)
        return str(v)

    # -- values ----------------------------------------------------------------
    def choice(self, item: Item, v: Any, counts: str = "") -> str:
        options = " ".join(f"{i}) {c}" for i, c in enumerate(item.choices, 1))
        shown = f"[{v}]" if not empty(v) else "[ ]"
        return f"{shown}\t<選択肢> {options}{counts}"

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
    def run(self) -> str:
        f, d = self.form, self.data
        self.emit(f.title, "")
        parts_started = False
        for item in f.items:
            if item.is_container or (parts_started and item.kind in ("text", "ref")):
                if not parts_started:
                    self.cover_end()
                parts_started = True
                self.part(item, d.get(item.key))
            else:
                self.cover(item, d.get(item.key))
        return "\n".join(self.out).rstrip("\n") + "\n"

    def cover(self, item: Item, v: Any) -> None:
        self.blank()
        self.emit(self.label(item), "")
        if isinstance(v, Uncertain):
            v = _as_printed(v)
        elif not empty(v) and item.kind == "date":
            v = self.date(item, v)
        if not empty(v):
            self.emit(*_lines(v))
        self.blank()

    def cover_end(self) -> None:
        stamp = self.form.stamp(self.stamped) if isinstance(self.stamped, str) and self.stamped else None
        if stamp:
            self.emit(stamp, "")
        if self.form.contents:  # 項目一覧: the parts, as the cover page lists them
            first = next(k for k, i in enumerate(self.form.items) if i.is_container)
            self.emit(self.form.contents, "", *(i.label_for(self.version) for i in self.form.items[first:]), "")

    def part(self, item: Item, v: Any) -> None:
        if item.kind == "group" and not self._is_table(item):
            for i, elem in enumerate(v or []):
                self.blank()
                self.emit(self.label(item), "")
                self.children(item, self._numbered_name(item, i, elem))
            if not v:
                self.blank()
                self.emit(self.label(item), "")
            return
        if item.kind == "group":
            self.table(item, v)
            return
        if item.is_container:
            self.blank()
            self.emit(self.heading(item, v if isinstance(v, dict) else {}), "")
            self.children(item, v if isinstance(v, dict) else {})
            return
        self.blank()
        self.emit(self.label(item), "")
        if isinstance(v, Uncertain):
            v = _as_printed(v)
        if not empty(v):
            self.emit(*_lines(v))
        self.blank()

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

    def heading(self, item: Item, values: dict) -> str:
        flags = [c for c in item.items if c.kind == "flag"]
        boxes = " ".join(f"[{'○' if values.get(c.key) is True else ' '}] {c.label_for(self.version)}" for c in flags)
        return f"{self.label(item)}\t\t{boxes}" if boxes else self.label(item)

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
                self.emit(c.printed)

    def item(self, item: Item, v: Any, parent: Item, values: dict) -> None:
        k = item.kind
        if k == "section":
            self.blank()
            self.emit(self.heading(item, v if isinstance(v, dict) else {}))
            self.children(item, v if isinstance(v, dict) else {})
            return
        if k == "group":
            if self._is_table(item):
                self.table(item, v)
                return
            for i, elem in enumerate(v or []):
                elem = elem if isinstance(elem, dict) else {}
                head = item.element_label(i, elem) if "{name}" not in (item.element or "") else f"{item.label}{i + 1}"
                name = item.child(item.name_key) if item.name_key else None
                if name is not None and name.label == item.label and not empty(elem.get(name.key)):
                    nv = elem[name.key]
                    first, *rest = _lines(_as_printed(nv) if isinstance(nv, Uncertain) else nv)
                    self.emit(f"{head}\t{first}", *rest)
                else:
                    self.emit(head)
                self.children(item, elem)
            return
        label = self.label(item)
        if item.parent_label:  # 再委託\t④再委託の有無: the row's group label in the first column, once
            prev = self._prev_parent_label
            label = ("" if prev == (id(parent), item.parent_label) else item.parent_label) + "\t" + label
            self._prev_parent_label = (id(parent), item.parent_label)
        else:
            self._prev_parent_label = None
        if isinstance(v, Uncertain):
            first, *rest = _lines(_as_printed(v)) or [""]
            self.emit(f"{label}\t{first}", *rest)
        elif k == "choice":
            after, _ = self.counts_for(item, parent.items, values)
            self.emit(f"{label}\t{self.choice(item, v, after)}")
        elif k == "multi":
            _, per = self.counts_for(item, parent.items, values)
            self.emit(f"{label}\t{self.multi(item, v, per)}")
        elif k == "date":
            self.emit(f"{label}\t{self.date(item, v)}" if not empty(v) else label)
        elif k == "list":
            self.emit(label, *[_as_printed(x) if isinstance(x, Uncertain) else str(x) for x in v or []])
        elif k in ("integer", "count"):
            self.emit(f"{label}\t{v}" if not empty(v) else label)
        else:  # text, ref
            if empty(v):
                self.emit(label)
                return
            first, *rest = _lines(v)
            self.emit(f"{label}\t{first}", *rest)
            if rest:
                self.emit("")

    def table(self, item: Item, rows: Any) -> None:
        cols = [c for c in item.items if c.key != self.unprinted_column]
        self.blank()
        self.emit(self.label(item), "")
        self.emit("\t".join(c.label_for(self.version) for c in cols))
        for r in rows or []:
            r = r if isinstance(r, dict) else {}
            cells = []
            for c in cols:
                v = r.get(c.key)
                if isinstance(v, Uncertain):
                    cells.append(_as_printed(v).replace("\t", " ").replace("\n", " "))
                elif empty(v):
                    cells.append("")
                elif c.kind == "date":
                    cells.append(self.date(c, v))
                else:
                    cells.append(_cell_html(v if isinstance(v, str) else str(v)))
            self.emit("\t".join(cells))


def export_text(form: Form, data: dict) -> str:
    return TextExport(form, data).run()


def run(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """`piasite export PATH`: the text of one assessment (withheld values masked), refused while it fails its check."""
    doc, probs = load_document(path, limits)
    if doc is None:
        raise UserError(str(probs[0]))
    errors = [p for p in check_document(doc) if p.severity == ERROR]
    if errors:
        report(errors)
        raise UserError(f"{path}: 検査に通らないため書き出せません(エラー {len(errors)} 件)")
    form = form_for(doc.data, None)
    if form is None:  # reported by the check above: not reached
        raise UserError(f"{path}: 様式が分かりません")
    click.echo(export_text(form, mask_document(path, doc.data, limits)), nl=False)
