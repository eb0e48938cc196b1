"""A document as text in the official layout, in the style of the extracted PDF
texts the importer reads (label, tab, value; `[value]` + `<選択肢>` for choices;
`[○]`/`[ ]` boxes): a printable copy for clerks, and the importer's test bed —
export → import gives the same YAML back.

Nothing here names a form item: the walk follows the definition, in its order,
with the labels of the document's 様式の版; piasite's own keys (取込メモ…) and
非公表 values never reach the text.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import click

from piasite.checks.document import check_document
from piasite.checks.load import load_document
from piasite.commands.check import report
from piasite.commands.walk import Row, Walk, as_printed
from piasite.config.limits import DEFAULT_LIMITS, Limits
from piasite.core import safefiles
from piasite.core.errors import UserError
from piasite.core.problems import ERROR
from piasite.forms.form import Form
from piasite.forms.items import Item
from piasite.forms.registry import form_for
from piasite.forms.values import empty
from piasite.history.withheld import mask_document
from piasite.model.reader import Uncertain


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


class TextExport(Walk):
    """The walk written as text lines: label, tab, value, as the extracted PDF texts print them."""

    def __init__(self, form: Form, data: dict):
        super().__init__(form, data)
        self.out: list[str] = []
        self._prev_parent_label: tuple[int, str] | None = None

    def emit(self, *lines: str) -> None:
        self.out.extend(lines)

    def blank(self) -> None:
        if self.out and self.out[-1] != "":
            self.out.append("")

    def run(self) -> str:
        self.walk()
        return "\n".join(self.out).rstrip("\n") + "\n"

    @staticmethod
    def heading(label: str, boxes: list[tuple[bool, str]]) -> str:
        shown = " ".join(f"[{'○' if on else ' '}] {text}" for on, text in boxes)
        return f"{label}\t\t{shown}" if shown else label

    def on_title(self, text: str) -> None:
        self.emit(text, "")

    def on_cover(self, item: Item, label: str, text: str) -> None:
        self.blank()
        self.emit(label, "")
        if text:
            self.emit(*_lines(text))
        self.blank()

    def on_stamp(self, stamp: str) -> None:
        self.emit(stamp, "")

    def on_contents(self, heading: str, parts: list[str]) -> None:
        self.emit(heading, "", *parts, "")

    def on_part(self, item: Item, label: str, boxes: list[tuple[bool, str]]) -> None:
        self.blank()
        self.emit(self.heading(label, boxes), "")

    def on_block(self, item: Item, label: str, text: str) -> None:
        self.on_cover(item, label, text)

    def on_section(self, item: Item, label: str, boxes: list[tuple[bool, str]]) -> None:
        self.blank()
        self.emit(self.heading(label, boxes))

    def on_element(self, item: Item, head: str, name: str | None) -> None:
        if name is None:
            self.emit(head)
            return
        first, *rest = _lines(name)
        self.emit(f"{head}\t{first}", *rest)

    def on_note(self, text: str) -> None:
        self.emit(text)

    def on_row(self, row: Row, parent: Item) -> None:
        label = row.label
        if row.group:  # 再委託\t④再委託の有無: the row's group label in the first column, once
            prev = self._prev_parent_label
            label = ("" if prev == (id(parent), row.group) else row.group) + "\t" + label
            self._prev_parent_label = (id(parent), row.group)
        else:
            self._prev_parent_label = None
        if row.style == "uncertain":
            first, *rest = _lines(row.shown) or [""]
            self.emit(f"{label}\t{first}", *rest)
        elif row.style == "choice":
            self.emit(f"{label}\t{row.shown}\t{row.options}")
        elif row.style == "multi":
            self.emit(f"{label}\t{row.shown}")
        elif row.style == "list":
            self.emit(label, *row.lines)
        elif row.style == "plain":
            self.emit(f"{label}\t{row.shown}" if row.shown else label)
        elif not row.shown:
            self.emit(label)
        else:
            first, *rest = _lines(row.shown)
            self.emit(f"{label}\t{first}", *rest)
            if rest:
                self.emit("")

    def on_table(self, item: Item, label: str, columns: list[Item], rows: list[list[Any]]) -> None:
        self.blank()
        self.emit(label, "")
        self.emit("\t".join(c.label_for(self.version) for c in columns))
        for r in rows:
            cells = []
            for c, v in zip(columns, r, strict=True):
                if isinstance(v, Uncertain):
                    cells.append(as_printed(v).replace("\t", " ").replace("\n", " "))
                else:
                    cells.append(_cell_html(self.text_of(c, v)) if not empty(v) else "")
            self.emit("\t".join(cells))


def export_text(form: Form, data: dict) -> str:
    return TextExport(form, data).run()


def run(
    path: Path, limits: Limits = DEFAULT_LIMITS, fmt: str = "text", out: Path | None = None, force: bool = False
) -> None:
    """`piasite export PATH`: one assessment (withheld values masked) as text, or as the form's
    workbook (`--format xlsx --out X.xlsx`), refused while it fails its check."""
    if fmt == "xlsx" and out is None:
        raise UserError("--format xlsx には書き出し先のファイルを --out で指定してください(例 --out 評価書.xlsx)")
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
    data = mask_document(path, doc.data, limits)
    if fmt == "xlsx":
        from piasite.commands.workbook import write_xlsx  # noqa: PLC0415 — openpyxl only when asked for

        assert out is not None
        write_xlsx(form, data, out, force=force, source=path)
        click.echo(f"{out} に書き出しました", err=True)
        return
    text = export_text(form, data)
    if out is not None:
        safefiles.write_new(out, text.encode("utf-8"), force=force, source=path)
        return
    click.echo(text, nl=False)
