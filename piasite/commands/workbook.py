"""A document as the form's workbook (xlsx): the printed layout of the official Excel 様式, made
from the same walk as the text export (export.Walk), so the YAML stays the one source of what a
city submits and prints.

The layout, as the form prints it: a cover block (label cells over their value cells, the 様式
stamp, the 項目一覧), then each part on a new page under its heading; a section's label in the
first column, one cell merged down the rows of its items; a row's group label (再委託) merged down
its rows in the second; the item's label, then its value cell merged across the value columns
(a choice: `[ 値 ]` and its `<選択肢>`). Every table of repeated rows (the 変更箇所) is a sheet of
its own with its header row repeated on every page. Cells are bordered and wrapped; row heights
are estimated from the text (neither Excel nor LibreOffice grows a merged cell), and a value
too tall for one row (409 pt at most) goes on over the next rows, its label cell merged down them.

Nothing here names a form item: what is printed comes from the walk; the running header names
the 事務 by the form's role. 非公表 values arrive as the marker (model.reader.public), `!要確認`
values as their source text, as in the text export. The bytes depend only on the document: the
workbook's dates are its 公表日, and the zip entries carry that date too.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import re
import sys
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

# openpyxl writes through lxml when lxml is installed (feedgen, for one, brings it), and lxml's
# serialiser escapes every non-ASCII character as &#NNNNN; — other bytes for the same workbook. The
# workbook must be the same bytes on every machine, so openpyxl is told to use the standard library's
# writer; this holds only if openpyxl is first imported here (the check in _fixed_zip says when not).
if "openpyxl" not in sys.modules:
    os.environ["OPENPYXL_LXML"] = "False"

import openpyxl  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402
from openpyxl.worksheet.pagebreak import Break  # noqa: E402
from openpyxl.worksheet.worksheet import Worksheet  # noqa: E402
from openpyxl.writer.excel import ExcelWriter  # noqa: E402

from piasite.commands.walk import Row, Walk, as_printed
from piasite.core import dates, safefiles
from piasite.forms.form import Form
from piasite.forms.items import Item
from piasite.forms.values import empty
from piasite.model.reader import Uncertain

FONT = "Noto Sans CJK JP"  # installed with LibreOffice's CJK fonts; any Japanese font will do in Excel
SIZE = 9  # points
BOLD = False  # headings are told by their fill: a bold face would embed a second font in every PDF
LINE = 13.0  # points per printed line at SIZE (the CJK font's line gap included)
PAD = 5.0  # points above and below a cell's text
MAX_ROW = 400.0  # points: Excel's limit is 409
WIDTHS = (16, 9, 17, 30, 28)  # columns A–E: section, row group, label, value, choices
SECTION, GROUP, LABEL, VALUE, CHOICES = 1, 2, 3, 4, 5
LAST = CHOICES
EPOCH = dt.datetime(2000, 1, 1)  # a document without a 公表日 (not publishable anyway)

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LABEL_FILL = PatternFill("solid", fgColor="E7E6E6")
HEAD_FILL = PatternFill("solid", fgColor="D0CECE")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(wrap_text=True, vertical="center")


def _units(ch: str) -> float:
    """Width of a character in column-width units at SIZE (a column unit is one '0' at 11 pt)."""
    wide = unicodedata.east_asian_width(ch) in ("W", "F", "A")
    return (1.75 if wide else 1.0) * SIZE / 11


def lines_in(text: str, width: float) -> int:
    """How many printed lines text takes in a cell `width` units wide (wrapping estimated)."""
    room = max(width - 1.2, 2.0)
    n = 0
    for para in str(text).split("\n"):
        n += max(1, math.ceil(sum(_units(c) for c in para) / room))
    return n


def height_of(text: str, width: float) -> float:
    return lines_in(text, width) * LINE + PAD


def chunks(text: str, width: float) -> list[str]:
    """text cut into pieces each fitting one row (MAX_ROW), at a paragraph or a sentence where it can."""
    limit = int((MAX_ROW - PAD) // LINE)
    out: list[str] = []
    cur = ""
    for para in str(text).split("\n"):
        cand = para if not cur else f"{cur}\n{para}"
        if lines_in(cand, width) <= limit:
            cur = cand
            continue
        if cur:
            out.append(cur)
            cur = ""
        while lines_in(para, width) > limit:  # one paragraph taller than a row: cut it
            cut = _fit(para, width, limit)
            out.append(para[:cut])
            para = para[cut:]
        cur = para
    out.append(cur)
    return out


def _fit(para: str, width: float, limit: int) -> int:
    lo = 1
    while lo < len(para) and lines_in(para[: lo + 1], width) <= limit:
        lo += 1
    stop = para.rfind("。", 0, lo)
    return stop + 1 if stop > lo // 2 else lo


def _stamp_of(published: Any) -> dt.datetime:
    parsed = dates.parse_iso(published) if not isinstance(published, Uncertain) else None
    if parsed is None:
        return EPOCH
    day = parsed[0]
    return dt.datetime(day.year, day.month, day.day)


def sheet_title(label: str, taken: set[str]) -> str:
    """A sheet name from a table's label: its (別添N) dropped, no character Excel refuses."""
    name = re.sub(r"^[(（]別添\d*[)）]\s*", "", label).strip() or label
    name = re.sub(r"[\[\]:*?/\\]", "", name)[:31] or "表"
    base, n = name, 2
    while name in taken:
        name = f"{base[:28]}({n})"
        n += 1
    return name


class WorkbookExport(Walk):
    """The walk written into cells (see the module's docstring for the layout)."""

    def __init__(self, form: Form, data: dict):
        super().__init__(form, data)
        self.wb = Workbook()
        self.ws: Worksheet = self.wb.active
        self.ws.title = self._main_title()
        self.r = 1  # the next free row
        self.heights: dict[int, float] = {}
        self.open: dict[int, tuple[int, str]] = {}  # id(section) → (first row, label): merged down at close
        self.group_run: tuple[int, str, int] | None = None  # (id(parent), group label, first row)
        self.pending: tuple[str, str] | None = None  # a short cover item printed beside the next one
        self.parts_begun = False
        self.sheets: set[str] = {self.ws.title}

    def _main_title(self) -> str:
        return re.sub(r"[\[\]:*?/\\]", "", self.form.name)[:31] or "評価書"

    # -- cells ------------------------------------------------------------------
    def put(
        self,
        row: int,
        first: int,
        last: int,
        text: str,
        *,
        fill: PatternFill | None = None,
        bold: bool = False,
        rows: int = 1,
        align: Alignment = WRAP,
        ws: Worksheet | None = None,
    ) -> None:
        ws = ws or self.ws
        cell = ws.cell(row=row, column=first, value=text if text else None)
        if text:
            cell.data_type = "s"  # text, always: a value written `=…` is never a formula
        cell.font = Font(name=FONT, size=SIZE, bold=bold and BOLD)
        cell.alignment = align
        cell.border = BORDER
        if fill is not None:
            cell.fill = fill
        for c in range(first, last + 1):  # every cell of the range keeps its border
            for r in range(row, row + rows):
                if (r, c) != (row, first):
                    ws.cell(row=r, column=c).border = BORDER
        if last > first or rows > 1:
            ws.merge_cells(start_row=row, start_column=first, end_row=row + rows - 1, end_column=last)

    def width(self, first: int, last: int) -> float:
        return float(sum(WIDTHS[first - 1 : last]))

    def grow(self, row: int, points: float) -> None:
        self.heights[row] = max(self.heights.get(row, 0.0), min(points, MAX_ROW + PAD))

    def indent(self) -> int:
        """The first column a row's label may use: the section column is taken while a section is open."""
        return GROUP if self.open else SECTION

    def line(self, text: str, *, first: int | None = None, fill: PatternFill | None = None, bold: bool = False) -> None:
        """A row across the sheet (or across what the open section leaves), tall text going on over rows."""
        first = first or self.indent()
        width = self.width(first, LAST)
        for piece in chunks(text, width) if text else [""]:
            self.put(self.r, first, LAST, piece, fill=fill, bold=bold)
            self.grow(self.r, height_of(piece, width))
            self.r += 1

    def labelled(self, label: str, label_cols: tuple[int, int], value: str, choices: str | None = None) -> None:
        """A label cell and its value cell(s); a value taller than a row goes on over the next
        rows, the label merged down beside them."""
        lf, ll = label_cols
        if choices is not None:
            vw, cw = self.width(VALUE, VALUE), self.width(CHOICES, CHOICES)
            pieces = [value]
        else:
            vw = self.width(VALUE, LAST)
            pieces = chunks(value, vw) if value else [""]
        start = self.r
        for piece in pieces:
            if choices is not None:
                self.put(self.r, VALUE, VALUE, piece)
                self.put(self.r, CHOICES, CHOICES, choices)
                self.grow(self.r, max(height_of(piece, vw), height_of(choices, cw)))
            else:
                self.put(self.r, VALUE, LAST, piece)
                self.grow(self.r, height_of(piece, vw))
            self.r += 1
        self.put(start, lf, ll, label, fill=LABEL_FILL, rows=self.r - start)
        self.fit(start, self.r - 1, label, self.width(lf, ll))

    def fit(self, first: int, last: int, text: str, width: float) -> None:
        """Rows first..last grown (the last one) until a cell merged down them holds text."""
        need = height_of(text, width)
        have = sum(self.heights.get(r, 15.0) for r in range(first, last + 1))
        if have < need:
            self.grow(last, self.heights.get(last, 15.0) + need - have)

    def end_group_run(self) -> None:
        if self.group_run is not None:
            _, label, start = self.group_run
            self.put(start, GROUP, GROUP, label, fill=LABEL_FILL, rows=self.r - start)
            self.fit(start, self.r - 1, label, self.width(GROUP, GROUP))
            self.group_run = None

    # -- the hooks ----------------------------------------------------------------
    def on_title(self, text: str) -> None:
        self.put(self.r, SECTION, LAST, text, bold=True, align=Alignment(horizontal="center", vertical="center"))
        self.grow(self.r, 24.0)
        self.ws.cell(row=self.r, column=SECTION).font = Font(name=FONT, size=14, bold=BOLD)
        self.r += 1

    def on_cover(self, item: Item, label: str, text: str) -> None:
        if item.kind == "integer" and self.pending is None:  # 評価書番号 | 評価書名: side by side, as printed
            self.pending = (label, text)
            return
        if self.pending is not None:
            (l1, v1), self.pending = self.pending, None
            self.put(self.r, SECTION, GROUP, l1, fill=LABEL_FILL, align=CENTRE)
            self.put(self.r, LABEL, LAST, label, fill=LABEL_FILL, align=CENTRE)
            self.grow(self.r, height_of(label, self.width(LABEL, LAST)))
            self.r += 1
            self.put(self.r, SECTION, GROUP, v1)
            self.put(self.r, LABEL, LAST, text)
            self.grow(self.r, max(height_of(v1, self.width(SECTION, GROUP)), height_of(text, self.width(LABEL, LAST))))
            self.r += 1
            return
        self.line(label, first=SECTION, fill=LABEL_FILL)
        self.line(text, first=SECTION)

    def flush_cover(self) -> None:
        if self.pending is not None:
            label, text = self.pending
            self.pending = None
            self.line(label, first=SECTION, fill=LABEL_FILL)
            self.line(text, first=SECTION)

    def on_stamp(self, stamp: str) -> None:
        self.flush_cover()
        self.put(self.r, SECTION, LAST, stamp, align=Alignment(horizontal="right", vertical="center"))
        self.r += 1

    def on_contents(self, heading: str, parts: list[str]) -> None:
        self.flush_cover()
        self.line(heading, first=SECTION, fill=LABEL_FILL, bold=True)
        for p in parts:
            self.line(p, first=SECTION)

    def on_part(self, item: Item, label: str, boxes: list[tuple[bool, str]]) -> None:
        self.flush_cover()
        self.end_group_run()
        if self.r > 2:
            self.ws.row_breaks.append(Break(id=self.r - 1))  # each part on a page of its own
        self.line(self._with_boxes(label, boxes), first=SECTION, fill=HEAD_FILL, bold=True)
        self.parts_begun = True

    def on_block(self, item: Item, label: str, text: str) -> None:
        self.on_part(item, label, [])
        self.line(text, first=SECTION)

    @staticmethod
    def _with_boxes(label: str, boxes: list[tuple[bool, str]]) -> str:
        shown = "　".join(f"[{'○' if on else ' '}] {t}" for on, t in boxes)
        return f"{label}　　{shown}" if shown else label

    def on_section(self, item: Item, label: str, boxes: list[tuple[bool, str]]) -> None:
        self.end_group_run()
        if not self.open:  # a part's section: its label down the first column
            self.open[id(item)] = (self.r, label)
            if boxes:
                self.line(self._with_boxes("", boxes).strip())
            return
        self.line(self._with_boxes(label, boxes), fill=LABEL_FILL, bold=True)

    def on_group(self, item: Item, label: str) -> None:
        self.end_group_run()
        if not self.open:  # a part's group (2. …使用するシステム): its label down the first column too
            self.open[id(item)] = (self.r, label)

    def on_element(self, item: Item, head: str, name: str | None) -> None:
        self.end_group_run()
        if name is None:
            self.line(head, fill=LABEL_FILL, bold=True)
            return
        self.labelled(head, (self.indent(), LABEL), name)

    def on_note(self, text: str) -> None:
        self.end_group_run()
        self.line(text)

    def on_row(self, row: Row, parent: Item) -> None:
        first = self.indent()
        if row.group:
            run = self.group_run
            if run is None or run[:2] != (id(parent), row.group):
                self.end_group_run()
                self.group_run = (id(parent), row.group, self.r)
            label_cols = (LABEL, LABEL)
        else:
            self.end_group_run()
            label_cols = (first, LABEL)
        if row.style == "choice":
            self.labelled(row.label, label_cols, self._choice(row.shown), row.options)
        elif row.style == "list":
            self.labelled(row.label, label_cols, "\n".join(row.lines))
        else:
            self.labelled(row.label, label_cols, row.shown)

    @staticmethod
    def _choice(shown: str) -> str:
        inner = shown[1:-1].strip() if shown.startswith("[") and shown.endswith("]") else shown
        return f"[ {inner} ]" if inner else "[　　]"

    def on_close(self, item: Item) -> None:
        self.end_group_run()
        opened = self.open.pop(id(item), None)
        if opened is None:
            return
        start, label = opened
        if self.r == start:  # a section with nothing printed under it
            self.put(self.r, GROUP, LAST, "")
            self.r += 1
        self.put(start, SECTION, SECTION, label, fill=LABEL_FILL, rows=self.r - start)
        self.fit(start, self.r - 1, label, self.width(SECTION, SECTION))

    def on_table(self, item: Item, label: str, columns: list[Item], rows: list[list[Any]]) -> None:
        self.end_group_run()
        ws = self.wb.create_sheet(sheet_title(label, self.sheets))
        self.sheets.add(ws.title)
        widths = [12.0 if c.kind == "date" else 9.0 if c.kind == "choice" else 24.0 for c in columns]
        for i, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = w
        n = len(columns)
        self.put(1, 1, n, label, bold=True, ws=ws, align=CENTRE)
        for i, c in enumerate(columns, 1):
            self.put(2, i, i, c.label_for(self.version), fill=LABEL_FILL, ws=ws, align=CENTRE)
        for k, r in enumerate(rows, 3):
            tall = 15.0
            for i, (c, v) in enumerate(zip(columns, r, strict=True), 1):
                text = as_printed(v) if isinstance(v, Uncertain) else "" if empty(v) else self.text_of(c, v)
                self.put(k, i, i, text, ws=ws)
                tall = max(tall, height_of(text, widths[i - 1]))
            ws.row_dimensions[k].height = min(tall, MAX_ROW + PAD)
        self.page(ws, 2 + len(rows), n, "1:2")

    # -- the sheet as printed -------------------------------------------------------
    def page(self, ws: Worksheet, last_row: int, last_col: int, titles: str) -> None:
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.75
        ws.page_margins.header = ws.page_margins.footer = 0.3
        ws.print_title_rows = titles
        ws.print_area = f"A1:{get_column_letter(last_col)}{max(last_row, 1)}"
        header = self.running_header()
        for hf in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
            hf.center.text = header
            hf.center.size = 8
            hf.center.font = f"{FONT},Regular"
        for hf in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
            hf.center.text = "&P / &N"
            hf.center.size = 8
            hf.center.font = f"{FONT},Regular"

    def running_header(self) -> str:
        name = self.form.value(self.data, "jimu_name") if self.form.has_role("jimu_name") else None
        name = as_printed(name) if isinstance(name, Uncertain) else name
        text = f"{name}　{self.form.name}" if isinstance(name, str) and name.strip() else self.form.title
        return text.replace("&", "&&").replace("\n", " ")

    def build(self) -> bytes:
        self.walk()
        self.flush_cover()
        self.end_group_run()
        ws = self.ws
        for i, w in enumerate(WIDTHS, 1):
            ws.column_dimensions[get_column_letter(i)].width = w
        for r, h in self.heights.items():
            ws.row_dimensions[r].height = round(h, 1)
        self.page(ws, self.r - 1, LAST, "1:1")
        published = self.form.value(self.data, "published") if self.form.has_role("published") else None
        when = _stamp_of(published)
        props = self.wb.properties
        props.creator = "piasite"
        props.lastModifiedBy = None
        props.created = props.modified = when
        title = self.form.value(self.data, "title") if self.form.has_role("title") else None
        props.title = title if isinstance(title, str) else self.form.title
        return _fixed_zip(self.wb, when)


def _fixed_zip(wb: Workbook, when: dt.datetime) -> bytes:
    """The workbook's bytes with every zip entry dated `when` (zipfile would stamp the clock)."""
    if openpyxl.LXML:  # imported elsewhere first, with lxml: the bytes would differ from every other machine's
        raise RuntimeError("openpyxl was imported with lxml before piasite.commands.workbook; set OPENPYXL_LXML=False")
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()  # save_workbook() would set `modified` to now
    out = io.BytesIO()
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def export_xlsx(form: Form, data: dict) -> bytes:
    return WorkbookExport(form, data).build()


def write_xlsx(form: Form, data: dict, out: Path, force: bool = False, source: Path | None = None) -> None:
    safefiles.write_new(out, export_xlsx(form, data), force=force, source=source)
