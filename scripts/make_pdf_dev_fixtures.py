"""Development PDFs for the PDF importer (tests/fixtures/pdf-dev/), made the way cities make theirs:
a workbook in the form's table layout (openpyxl) converted by LibreOffice (headless) into PDF.

    python3 scripts/make_pdf_dev_fixtures.py            # needs soffice on PATH
    python3 scripts/make_pdf_dev_fixtures.py wakabano-2-zenkoumoku   # only these

Each source is an acceptance document (tests/fixtures/acceptance/: a published-style text and the YAML
a clerk wrote from it) with its invented organisation renamed to another invented one. Its text rows
become workbook rows: a part heading (Ⅰ …) across the sheet without borders; a numbered section
(`3. 個人番号の利用`) as a label cell merged down over its sub-rows in column A, the sub-labels in
column B and the values merged across C:F; multi-paragraph values as wrapped text with line breaks;
the change table one column per cell; a running header (the 評価書名) and footer (`N / M`) on every
page; and one long value split over two rows with no rule between them and a page break between
the two (a cell continued on the next page). Written for each: NAME.yaml (the document the PDF was
made from, which its import must equal), NAME.xlsx and NAME.pdf.
"""

from __future__ import annotations

import io
import math
import random
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.pagebreak import Break
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from piasite.importer.text import is_separator, to_markdown  # noqa: E402

ACCEPTANCE = ROOT / "tests" / "fixtures" / "acceptance"
OUT = ROOT / "tests" / "fixtures" / "pdf-dev"
# (source, output name, renamings: every invented name replaced by another invented one)
# style: "ruled" (every cell boxed), "glyphs" (boxed, the ticks drawn as ■ □ the way some workbooks
# do), "unruled" (no rules at all: a table read by its columns alone), "shaded" (boxed, the label cells
# shaded — a spreadsheet paints a merged cell's background row by row —, the title row repeated at the
# head of every page (print titles), a section's checkboxes in its heading row beside its label, and one
# such section label split by a page break)
SOURCES = [
    ("minamikawa-9-kiso", "nishiura-9-kiso", [("南川", "西浦")], "ruled"),
    ("kitahama-1-zenkoumoku", "higashinada-1-zenkoumoku", [("北浜", "東灘")], "glyphs"),
    ("aobadai-5-juten", "midorigaoka-5-juten", [("青葉台", "緑ヶ丘")], "ruled"),
    ("shirasuna-12-kiso", "kurosaki-12-kiso", [("白砂", "黒崎")], "unruled"),
    ("aobadai-2-zenkoumoku", "wakabano-2-zenkoumoku", [("青葉台", "若葉野")], "shaded"),
]
FONT = "Noto Sans CJK JP"
SIZE = 9
WIDTHS = {"A": 16, "B": 24, "C": 17, "D": 17, "E": 17, "F": 17}  # in character units
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
_PART = re.compile(r"^(?:[ⅠⅡⅢⅣⅤⅥⅦ]\s|特定個人情報保護評価書|項目一覧$|変更箇所$|\(別添\d\))")
_SECTION = re.compile(r"^\d+\.\s")


STYLE = {"glyphs": False, "ruled": True, "shaded": False, "split_label": False}
SHADE = PatternFill("solid", fgColor="E7E6E6")
_FLAGS = re.compile(r"^(?:\[\s*○?\s*\]\s*[^\[\]]+)+$")


def _cell_text(cell: str) -> str:
    """A text cell (HTML of the extraction) as a clerk types it in a workbook cell: one line per paragraph."""
    md, _ = to_markdown(cell)
    text = "\n".join(l for l in md.split("\n") if l.strip())
    if STYLE["glyphs"]:
        text = re.sub(r"\[\s*[○☑◉]\s*\]|[☑◉]", "■", text)
        text = re.sub(r"\[\s*[☐◎]?\s*\](?=\s*\S)|[☐◎]", "□", text)
    return text


def _width(s: str) -> float:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1.1 for c in s)


def _lines_needed(text: str, units: float) -> int:
    return sum(max(1, math.ceil(_width(l) / (units * 0.92))) for l in text.split("\n"))


class Sheet:
    def __init__(self, title: str):
        self.wb = Workbook()
        ws = self.ws = self.wb.active
        ws.title = "評価書"
        for col, w in WIDTHS.items():
            ws.column_dimensions[col].width = w
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.oddHeader.right.text = title
        ws.oddHeader.right.size = 8
        ws.oddFooter.center.text = "&P / &N"
        ws.oddFooter.center.size = 8
        self.row = 1
        self.groups: list[list] = []  # [first row, label span, last row] of labels merged down

    def put(self, cols: list[tuple[str, str]], text_cells: list[str], border: bool = True, bold: bool = False):
        """One row: cells spanning the given column ranges ("A", "C:F")."""
        r = self.row
        height = 1
        for span, text in zip(cols, text_cells, strict=True):
            first, _, last = span.partition(":")
            last = last or first
            units = sum(WIDTHS[chr(c)] for c in range(ord(first), ord(last) + 1))
            c = self.ws[f"{first}{r}"]
            c.value = text or None
            c.font = Font(name=FONT, size=SIZE, bold=bold)
            c.alignment = Alignment(wrap_text=True, vertical="top")
            if first != last:
                self.ws.merge_cells(f"{first}{r}:{last}{r}")
            if border and STYLE["ruled"]:
                for k in range(ord(first), ord(last) + 1):
                    self.ws[f"{chr(k)}{r}"].border = BOX
            if STYLE["shaded"] and border and len(cols) >= 2 and span == cols[0]:
                for k in range(ord(first), ord(last) + 1):
                    self.ws[f"{chr(k)}{r}"].fill = SHADE
            if text:
                height = max(height, _lines_needed(text, units))
        self.ws.row_dimensions[r].height = height * SIZE * 1.45 + 4
        self.row += 1
        return r

    def labelled(self, cols: list[str], cells: list[str]) -> int:
        """A row whose label cell, when empty, is the label above merged down beside it (the label of
        a value printed in several rows, or of a group of sub-rows such as 再委託)."""
        r = self.put(cols, cells)
        if (
            len(cells) >= 2
            and not cells[0]
            and self.groups
            and self.groups[-1][1] == cols[0]
            and self.groups[-1][2] == r - 1
        ):
            self.groups[-1][2] = r
        elif len(cells) >= 2 and cells[0]:
            self.groups.append([r, cols[0], r])
        return r

    def fit(self, text: str, span: str, start: int, end: int) -> None:
        """Rows start…end made tall enough for a label merged down over them (a row's optimal height
        leaves merged cells out)."""
        first, _, last = span.partition(":")
        units = sum(WIDTHS[chr(c)] for c in range(ord(first), ord(last or first) + 1))
        need = _lines_needed(text, units) * SIZE * 1.45 + 4
        have = sum(self.ws.row_dimensions[r].height for r in range(start, end + 1))
        if need > have:
            self.ws.row_dimensions[end].height += need - have

    def merge_labels(self) -> None:
        for start, span, end in self.groups:
            self.fit(self.ws[f"{span.partition(':')[0]}{start}"].value or "", span, start, end)
            if end > start:
                first, _, last = span.partition(":")
                self.ws.merge_cells(f"{first}{start}:{last or first}{end}")
                self.ws[f"{first}{start}"].alignment = Alignment(wrap_text=True, vertical="center")


def _spans(n: int, first: str) -> list[str]:
    """Column ranges for a row of n cells starting at column `first` (A or B), values from C."""
    label = ["A:B"] if first == "A" else ["B"]
    if n == 1:
        return [f"{first}:F"]
    if n == 2:
        return label + ["C:F"]
    if n == 3:
        return label + ["C:D", "E:F"]
    if n == 4:
        return label + ["C:D", "E", "F"]
    return [chr(ord("A") + k) for k in range(min(n, 6))]


_PAGE_NO = re.compile(r"^\s*\d+\s*/\s*\d+\s*$")


def _without_page_furniture(text: str) -> list[str]:
    """The source text's lines without its page numbers (`9 / 24`) and the lines beside them that stand
    beside every page number (a running header and footer of the extraction): the workbook prints its own."""
    lines = text.split("\n")
    marks = [i for i, l in enumerate(lines) if _PAGE_NO.match(l)]
    drop = set(marks)
    for d in (-1, 1):
        beside = [lines[i + d].strip() for i in marks if 0 <= i + d < len(lines)]
        for i in marks:
            if 0 <= i + d < len(lines) and lines[i + d].strip() and beside.count(lines[i + d].strip()) >= 2:
                drop.add(i + d)
    return [l for i, l in enumerate(lines) if i not in drop]


def build_workbook(text: str, title: str, split_long: bool = True) -> Workbook:
    sheet = Sheet(title)
    lines: list[str] = []
    broken = False
    for l in _without_page_furniture(text) if STYLE["shaded"] else text.split("\n"):
        if is_separator(l):
            broken = True
            continue
        cells, prev = l.split("\t"), lines[-1].split("\t") if lines else []
        if broken and len(cells) >= 4 and len(prev) >= 4 and cells[:2] == prev[:2]:
            # a row the text continued after a page break: one row of the workbook
            lines[-1] = "\t".join(
                a + ("<br>" + b if b and b != a else "") for a, b in zip(prev, cells + [""] * len(prev), strict=False)
            )
        else:
            lines.append(l)
        broken = False
    k = 0
    split_done = not split_long
    while k < len(lines):
        line = lines[k].rstrip()
        if not line.strip():
            k += 1
            continue
        cells = [_cell_text(c) for c in line.split("\t")]
        while len(cells) > 1 and not cells[-1]:
            cells.pop()
        if len(cells) == 1 and _PART.match(cells[0]):
            if STYLE["shaded"] and sheet.row == 1:  # the title row, repeated at the head of every page
                sheet.put(["A:F"], cells, bold=True)
                sheet.ws.print_title_rows = "1:1"
            else:
                sheet.put(["A:F"], cells, border=False, bold=True)
            k += 1
            continue
        flags = []
        if STYLE["shaded"] and len(cells) >= 2 and _SECTION.match(cells[0]):
            rest = [c for c in cells[1:] if c]
            if rest and all(_FLAGS.match(c) for c in rest):
                flags, cells = ["　".join(rest)], cells[:1]  # the section's heading row: its checkboxes
        if len(cells) == 1 and _SECTION.match(cells[0]):
            # a section label merged down over its sub-rows (up to the next blank line or section)
            block = []
            j = k + 1
            while j < len(lines) and lines[j].strip() and not _SECTION.match(lines[j]) and not _PART.match(lines[j]):
                sub = [_cell_text(c) for c in lines[j].rstrip().split("\t")]
                while len(sub) > 1 and not sub[-1]:
                    sub.pop()
                block.append(sub)
                j += 1
            if flags:
                block.insert(0, flags)
            if block and all(len(s) <= 4 for s in block):
                start = sheet.row
                for sub in block:
                    sheet.labelled(_spans(len(sub), "B"), sub)
                    if flags and sub is flags and not STYLE["split_label"] and len(block) > 2:
                        # the page breaks below the heading row: the label merged down goes on overleaf
                        sheet.ws.row_breaks.append(Break(id=sheet.row - 1))
                        STYLE["split_label"] = True
                        print(f"  {cells[0]}: label continued on the next page after row {sheet.row - 1}")
                a = sheet.ws[f"A{start}"]
                a.value = cells[0]
                a.font = Font(name=FONT, size=SIZE, bold=True)
                a.alignment = Alignment(wrap_text=True, vertical="top" if STYLE["shaded"] else "center")
                if sheet.row - 1 > start:
                    sheet.ws.merge_cells(f"A{start}:A{sheet.row - 1}")
                sheet.fit(cells[0], "A", start, sheet.row - 1)
                for r in range(start, sheet.row):
                    sheet.ws[f"A{r}"].border = BOX if STYLE["ruled"] else Border()
                    if STYLE["shaded"]:
                        sheet.ws[f"A{r}"].fill = SHADE
                k = j
                continue
        if not split_done and len(cells) == 2 and cells[1].count("\n") >= 3 and k > 40:
            # a long value continued on a row of its own after a page break (no rule between them)
            paras = cells[1].split("\n")
            half = len(paras) // 2
            r1 = sheet.put(_spans(2, "A"), [cells[0], "\n".join(paras[:half])])
            r2 = sheet.put(_spans(2, "A"), ["", "\n".join(paras[half:])])
            for col in "ABCDEF" if STYLE["ruled"] else "":
                sheet.ws[f"{col}{r1}"].border = Border(left=THIN, right=THIN, top=THIN)
                sheet.ws[f"{col}{r2}"].border = Border(left=THIN, right=THIN, bottom=THIN)
            sheet.ws.row_breaks.append(Break(id=r1))
            print(f"  {cells[0]}: continued on the next page after row {r1}")
            split_done = True
            k += 1
            continue
        sheet.labelled(_spans(len(cells), "A"), cells)
        k += 1
    sheet.merge_labels()
    return sheet.wb


def _rewritten(data: bytes, change) -> bytes:
    """The PDF with each page's content stream replaced by change(stream) (an incremental update)."""
    doc = PDFDocument(PDFParser(io.BytesIO(data)))
    out = bytearray(data)
    if not out.endswith(b"\n"):
        out += b"\n"
    offsets = {}
    for page in PDFPage.create_pages(doc):
        ref = page.attrs["Contents"]
        body = change(resolve1(ref).get_data())
        offsets[ref.objid] = len(out)
        out += b"%d 0 obj\n<</Length %d>>\nstream\n" % (ref.objid, len(body)) + body + b"\nendstream\nendobj\n"
    trailer = data[data.rindex(b"trailer") :]
    root = re.search(rb"/Root (\d+ \d+ R)", trailer).group(1)
    size = re.search(rb"/Size (\d+)", trailer).group(1)
    prev = re.search(rb"startxref\s+(\d+)", trailer).group(1)
    xref = len(out)
    out += b"xref\n"
    for objid, off in sorted(offsets.items()):
        out += b"%d 1\n%010d 00000 n \n" % (objid, off)
    out += b"trailer\n<</Size %s/Root %s/Prev %s>>\nstartxref\n%d\n%%%%EOF\n" % (size, root, prev, xref)
    return bytes(out)


def as_rectangles(data: bytes) -> bytes:
    """The PDF with every rule drawn as a thin filled rectangle (as some spreadsheet programs draw borders)."""
    line = re.compile(rb"([\d.]+) ([\d.]+) m\n([\d.]+) ([\d.]+) l S")

    def rect(m: re.Match) -> bytes:
        x1, y1, x2, y2 = (float(v) for v in m.groups())
        x, y, w, h = min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1)
        if h < w:
            y, h = y - 0.3, 0.6
        else:
            x, w = x - 0.3, 0.6
        return b"0 0 0 rg %.3f %.3f %.3f %.3f re f" % (x, y, w, h)

    return _rewritten(data, lambda stream: line.sub(rect, stream))


def reordered(data: bytes) -> bytes:
    """The PDF with each page's text runs drawn in a shuffled order, after the rules
    (an incremental update replacing each page's content stream): the text layer's order is then
    neither top to bottom nor text before rules, while the page looks the same."""
    text = re.compile(rb"q [^\n]*rg\nBT\n.*?\nET\nQ\n", re.S)

    def shuffled(stream: bytes) -> bytes:
        blocks = text.findall(stream)
        random.Random(19).shuffle(blocks)
        return text.sub(b"", stream) + b"\n" + b"".join(blocks)

    return _rewritten(data, shuffled)


def to_pdf(xlsx: Path, out_dir: Path, password: str = "", restricted: bool = False) -> Path:
    options = "pdf"
    if password:
        options = (
            'pdf:calc_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
            '"DocumentOpenPassword":{"type":"string","value":"' + password + '"}}'
        )
    elif restricted:  # opens without a password; printing, copying and changes restricted
        options = (
            'pdf:calc_pdf_Export:{"RestrictPermissions":{"type":"boolean","value":"true"},'
            '"PermissionPassword":{"type":"string","value":"owner"},'
            '"Printing":{"type":"long","value":"0"},"Changes":{"type":"long","value":"0"},'
            '"EnableCopyingOfContent":{"type":"boolean","value":"false"}}'
        )
    soffice = shutil.which("soffice")
    if not soffice:
        raise SystemExit("soffice (LibreOffice) がありません")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                options,
                "--outdir",
                str(out_dir),
                str(xlsx),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return out_dir / (xlsx.stem + ".pdf")


def _renamed(s: str, names: list[tuple[str, str]]) -> str:
    for old, new in names:
        s = s.replace(old, new)
    return s


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    only = set(sys.argv[1:])  # names of the PDFs to make (all without)
    for src, name, names, style in SOURCES:
        if only and name not in only:
            continue
        STYLE["glyphs"], STYLE["ruled"] = style == "glyphs", style != "unruled"
        STYLE["shaded"], STYLE["split_label"] = style == "shaded", False
        text = _renamed((ACCEPTANCE / f"{src}.txt").read_text(encoding="utf-8"), names)
        doc = _renamed((ACCEPTANCE / f"{src}.expected.yaml").read_text(encoding="utf-8"), names)
        (OUT / f"{name}.yaml").write_text(doc, encoding="utf-8")
        title = re.search(r"^評価書名: (.+)$", doc, re.M)
        wb = build_workbook(text, title.group(1) if title else "")
        xlsx = OUT / f"{name}.xlsx"
        wb.save(xlsx)
        pdf = to_pdf(xlsx, OUT)
        print(pdf)
        if src == SOURCES[0][0]:
            # the same PDF with its text layer out of visual order, and one with a password
            (OUT / f"{name}-reordered.pdf").write_bytes(reordered(pdf.read_bytes()))
            (OUT / f"{name}-rects.pdf").write_bytes(as_rectangles(pdf.read_bytes()))
            with tempfile.TemporaryDirectory() as tmp:
                locked = to_pdf(xlsx, Path(tmp), password="secret")
                shutil.copy(locked, OUT / f"{name}-password.pdf")
                locked = to_pdf(xlsx, Path(tmp), restricted=True)
                shutil.copy(locked, OUT / f"{name}-restricted.pdf")
        if style == "glyphs":
            # the same document in a smaller type and narrower columns: other wraps, other page breaks
            global SIZE, WIDTHS
            size, widths = SIZE, WIDTHS
            SIZE, WIDTHS = 8, dict(zip("ABCDEF", (14, 22, 14, 14, 14, 14), strict=True))
            with tempfile.TemporaryDirectory() as tmp:
                small = Path(tmp) / f"{name}-small.xlsx"
                build_workbook(text, title.group(1) if title else "").save(small)
                shutil.copy(to_pdf(small, Path(tmp)), OUT / f"{name}-small.pdf")
            SIZE, WIDTHS = size, widths


if __name__ == "__main__":
    main()
