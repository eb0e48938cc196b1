"""A published PDF read through its table geometry into the text layout the text importer reads best.

The library is pdfplumber (over pdfminer.six, pure Python, MIT, kept up to date): it gives every
character with its position and size, the ruling lines and rectangles of the page, and finds the
cells those lines enclose (merged cells included) — what a form's table needs, where a text
extraction in content-stream order interleaves a merged label column with its values.

What comes out is one table row per line, its cells separated by tabs (`label\tvalue`), the style of
the seeds; a cell's hard-wrapped lines are joined (without a space between Japanese characters), its
real line breaks kept as `<br>` (the text importer reads them as paragraphs). Reading, page by page:
- characters outside the page's box are dropped; the page's ruling lines close into cells (pdfplumber's
  table finder) — a shading (a filled, unstroked rectangle wider and taller than a rule: a cell's
  background, painted row by row even across a merged cell) is no rule; a table open at the page's foot
  or head (its vertical rules run past the last or first horizontal one) is closed there, and a cell left
  open at the foot of one page continues in the cell of the same column open at the head of the next
  (a row repeated at the head of every page, print titles, between the two is dropped there, and the
  top of the split cell drawn again over it goes back to the cell);
- every character belongs to the smallest cell around its centre; the others form free lines, split
  into cells where a gap is wide (a table without rules);
- everything is ordered by position (top, then left), never by the order of the text layer; a label
  cell merged down beside several sub-rows is printed once, on its own line before them (with the
  checkboxes of its heading row, when that row holds only those: the section's flags);
- running headers and footers (lines in the top or bottom band of the page repeated on other pages
  with only their numbers changed) and page numbers (`3`, `- 3 -`, `3 / 12`) are dropped.
The work is bounded: the number of pages (Limits.max_pdf_pages), the file's size and the characters
of one page are limited, and each page is read once.
"""

from __future__ import annotations

import contextlib
import logging
import re
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber import table as pt
from pdfplumber import utils

from piasite.config.limits import DEFAULT_LIMITS, Limits
from piasite.core.errors import PiasiteError

MAX_PDF_BYTES = 100_000_000  # a published 全項目評価書 is a few megabytes
MAX_CHARS_PER_PAGE = 60_000  # a dense A3 page holds about 10,000
MAX_EDGES_PER_PAGE = 20_000  # ruling lines (a page of a form has a few hundred)
# Crossings of vertical and horizontal rules (after collinear pieces are joined) examined for cells: a
# page of a form has under a thousand (10 columns, 60 rows); the work grows faster than their number.
MAX_CROSSINGS_PER_PAGE = 15_000
MAX_CROSSINGS = 400_000  # in the whole PDF
MAX_CONTENT_BYTES = 20_000_000  # one page's content streams once decompressed (a dense page: ~200 KB)
BAND = 0.07  # the top and bottom bands of a page where running headers and footers stand
HEAD = 0.25  # the top of a page where rows repeated on every page (print titles) stand

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-－―—‐−]\s*\d{1,4}\s*[-－―—‐−]|\d{1,4}\s*[/／]\s*\d{1,4}|\d{1,4}|[pP]\.?\s*\d{1,4}|\d{1,4}\s*ページ)\s*$"
)
_CLOSERS = set("、。，．,.)）」』】〕］]〉》ー々ぁぃぅぇぉっゃゅょァィゥェォッャュョ・：；:;！？!?")


_ENDS = set("。．.)）」』】")
_BULLET = re.compile(r"^\s*(?:[・○●◎■□◆◇※＊*\-－【〔［\[]|[①-⑳⑴-⒇]|[0-9０-９]{1,2}\s*[.)．）])")


class PdfError(PiasiteError):
    """A PDF that cannot be imported (not a PDF, encrypted, a scan, too large)."""


@dataclass
class Line:
    """One printed line: its text, its extent and the width of its first unbreakable piece."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    first_unit: float
    space_after: bool = False  # the line ends with a space character (a wrap at a space)


@dataclass
class Cell:
    x0: float
    top: float
    x1: float
    bottom: float
    lines: list[Line] = field(default_factory=list)
    ruled: bool = True  # from ruling lines (False: a free line's piece)
    open_top: bool = False
    open_bottom: bool = False
    continues: Cell | None = None  # the cell of the page before that this one continues (emptied into it)
    chars: list[dict] = field(default_factory=list, repr=False, compare=False)  # a head cell's (print titles)


def _check_file(path: Path, data: bytes) -> None:
    if len(data) > MAX_PDF_BYTES:
        raise PdfError(
            f"PDF が大きすぎます({len(data):,} バイト。{MAX_PDF_BYTES:,} バイトまで)。何も取り込んでいません"
        )
    if b"%PDF-" not in data[:1024]:
        raise PdfError("PDF ではありません(名前は .pdf ですが、PDF の形式になっていません)。何も取り込んでいません")


@contextlib.contextmanager
def _quiet_pdfminer():
    """pdfminer logs a warning in English for every character of a font it finds odd (Chrome's PDFs:
    hundreds of "Could not get FontBBox"): what the clerk sees is piasite's report, not those."""
    log = logging.getLogger("pdfminer")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


@dataclass(frozen=True)
class PdfText:
    text: str  # the PDF's tables as tab-separated lines (the seeds' layout)
    pages: int
    # pages whose text lies over a picture of the page: a scan with a character-recognition (OCR)
    # layer, whose characters are the recogniser's guesses, not what was typed
    pictured: int = 0


def pdf_to_text(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """The PDF's tables as tab-separated lines (the seeds' layout)."""
    return read_pdf(path, limits).text


def read_pdf(path: Path, limits: Limits = DEFAULT_LIMITS) -> PdfText:
    with _quiet_pdfminer():
        return _read_pdf(path, limits)


def _pictured(page) -> bool:
    """The page's characters lie over one picture covering most of it (a scanned page with an OCR
    layer; a logo or a seal is far smaller)."""
    x0, top, x1, bottom = page.bbox
    area = max((x1 - x0) * (bottom - top), 1.0)
    for im in page.images:
        w = min(im["x1"], x1) - max(im["x0"], x0)
        h = min(im["bottom"], bottom) - max(im["top"], top)
        if w > 0 and h > 0 and w * h >= 0.6 * area:
            return True
    return False


def _read_pdf(path: Path, limits: Limits) -> PdfText:
    data = Path(path).read_bytes()
    _check_file(path, data)
    try:
        pdf = pdfplumber.open(path)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise PdfError(
            "PDF にパスワードがかかっていて(暗号化されていて)読めません。パスワードを外した PDF を指定してください。"
            "何も取り込んでいません"
        ) from None
    except PDFSyntaxError:
        raise PdfError("PDF として読めません(壊れているか PDF ではありません)。何も取り込んでいません") from None
    except Exception as e:  # pdfminer raises many kinds on a damaged file
        if "password" in str(e).lower() or "encrypt" in type(e).__name__.lower():
            raise PdfError(
                "PDF にパスワードがかかっていて(暗号化されていて)読めません。パスワードを外した PDF を指定して"
                "ください。何も取り込んでいません"
            ) from None
        raise PdfError(f"PDF として読めません({type(e).__name__})。何も取り込んでいません") from None
    with pdf:
        # encrypted with an empty password (only printing or copying restricted): the city's own published
        # document, readable like any other
        try:
            n = len(pdf.pages)
        except Exception as e:
            raise PdfError(f"PDF のページが読めません({type(e).__name__})。何も取り込んでいません") from None
        if n > limits.max_pdf_pages:
            raise PdfError(
                f"PDF のページが多すぎます({n:,} ページ。{limits.max_pdf_pages:,} ページまで)。"
                "評価書ごとの PDF に分けてください。何も取り込んでいません"
            )
        pages = []
        pictured = 0
        budget = [MAX_CROSSINGS]
        for k, page in enumerate(pdf.pages, 1):
            try:
                pages.append(_read_page(page, k, budget))
                pictured += bool(pages[-1].drawn) and _pictured(page)
            except PdfError:
                raise
            except Exception as e:
                raise PdfError(f"{k} ページ目が読めません({type(e).__name__})。何も取り込んでいません") from None
            page.flush_cache()
    if not any(c.lines for p in pages for c in p.cells):
        raise PdfError(
            "PDF に文字のデータがありません(紙を読み取った画像だけの PDF です)。文字認識(OCR)をした PDF か、"
            "評価書のテキストを指定してください。何も取り込んでいません"
        )
    unmapped = sum(c.unmapped for c in pages)
    drawn = sum(c.drawn for c in pages)
    if unmapped > 0.02 * drawn:
        raise PdfError(
            f"PDF の文字 {drawn:,} 字のうち {unmapped:,} 字が、どの文字か PDF に書かれていません(フォントに文字の"
            "対応表がありません)。読み取ると誤った値になるため、文字認識(OCR)をした PDF か評価書のテキストを"
            "指定してください。何も取り込んでいません"
        )
    _drop_furniture(pages)
    _drop_title_rows(pages)
    return PdfText("\n".join(_layout(pages)) + "\n", len(pages), pictured)


# --- one page -------------------------------------------------------------------------------------------


@dataclass
class Page:
    number: int
    height: float
    cells: list[Cell]
    drawn: int = 0  # characters drawn on the page
    unmapped: int = 0  # of which the PDF does not say which character they are ((cid:N), private use)


def _read_page(page, number: int, budget: list[int] | None = None) -> Page:
    x0, top, x1, bottom = page.bbox
    _check_contents(page, number)
    chars = page.chars
    if len(chars) > MAX_CHARS_PER_PAGE:
        raise PdfError(
            f"{number} ページ目の文字が多すぎます({len(chars):,} 文字。{MAX_CHARS_PER_PAGE:,} 文字まで)。"
            "何も取り込んでいません"
        )
    page = page.dedupe_chars(tolerance=1)  # a bold face drawn as the same text printed twice, slightly offset
    chars = page.chars
    chars = [
        c
        for c in chars
        if c.get("upright", True)
        and c["text"]
        and x0 <= (c["x0"] + c["x1"]) / 2 <= x1
        and top <= (c["top"] + c["bottom"]) / 2 <= bottom
        and c["size"] > 0.5
    ]
    boxes = _ruled_cells(page, budget if budget is not None else [MAX_CROSSINGS])
    cells = [Cell(b[0], b[1], b[2], b[3], open_top=ot, open_bottom=ob) for b, ot, ob in boxes]
    inside: dict[int, list[dict]] = defaultdict(list)
    free: list[dict] = []
    order = sorted(range(len(cells)), key=lambda i: (cells[i].x1 - cells[i].x0) * (cells[i].bottom - cells[i].top))
    for ch in chars:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        for i in order:  # the smallest cell around the character's centre
            c = cells[i]
            if c.x0 <= cx <= c.x1 and c.top <= cy <= c.bottom:
                inside[i].append(ch)
                break
        else:
            free.append(ch)
    _overflows(cells, inside, chars)
    for i, c in enumerate(cells):
        c.lines = _lines(inside.get(i, []))
        if c.top < (bottom - top) * HEAD:
            c.chars = [{k: ch[k] for k in ("text", "x0", "x1", "top", "bottom", "size")} for ch in inside.get(i, [])]
    groups = _line_groups(free)
    starts = _column_starts(groups)
    cells.extend(_free_blocks([_free_cells(g, starts) for g in groups]))
    return Page(number, bottom - top, cells, len(chars), sum(1 for c in chars if _unmapped(c["text"])))


def _collides(chars: list[dict]) -> bool:
    """Characters of a cell drawn over one another (two texts printed in the same place)."""
    for g in _line_groups(chars):
        ink = [c for c in g if c["text"].strip()]
        for a, b in zip(ink, ink[1:], strict=False):
            if b["x0"] < a["x1"] - 0.3 * max(a["size"], b["size"]):
                return True
    return False


def _overflows(cells: list[Cell], inside: dict[int, list[dict]], chars: list[dict]) -> None:
    """Text run past the foot of its cell into the cell below (a row too short for its text), drawn over
    that cell's own text: in a cell whose characters collide, a run of characters drawn right after the
    text of the cell above it (in the order of the text layer) is that cell's, moved back to it."""
    index = {id(ch): k for k, ch in enumerate(chars)}
    home = {id(ch): i for i, chs in inside.items() for ch in chs}
    for i in list(inside):
        mine = inside[i]
        if len(mine) < 2 or not _collides(mine):
            continue
        c = cells[i]
        runs: list[list[dict]] = []  # pieces of text drawn one after the other, reading on
        start = 0.0  # where the run's current line starts
        for ch in sorted(mine, key=lambda ch: index[id(ch)]):
            prev = runs[-1][-1] if runs else None
            if prev is not None and index[id(ch)] - index[id(prev)] <= 2:
                size = max(ch["size"], prev["size"])
                if abs(ch["top"] - prev["top"]) < 0.5 * size and ch["x0"] >= prev["x0"]:
                    runs[-1].append(ch)  # on along the line
                    continue
                if ch["top"] > prev["top"] and abs(ch["x0"] - start) <= 1.5 * size:
                    runs[-1].append(ch)  # the next line
                    continue
            runs.append([ch])
            start = ch["x0"]
        for run in runs:
            k = index[id(run[0])]
            before = next((chars[j] for j in range(k - 1, max(-1, k - 3), -1) if id(chars[j]) in home), None)
            j = home.get(id(before)) if before is not None else None
            if j is None or j == i:
                continue
            above = cells[j]
            if abs(above.bottom - c.top) <= 2 and _overlap(above, c) > 0.5 * (c.x1 - c.x0):
                moved = {id(ch) for ch in run}
                inside[i] = [ch for ch in inside[i] if id(ch) not in moved]
                inside[j].extend(run)  # (`home` stays where each was drawn: the run after it is not moved along)


def _unmapped(text: str) -> bool:
    return text.startswith("(cid:") or any("\ue000" <= ch <= "\uf8ff" for ch in text)


def _check_contents(page, number: int) -> None:
    """A page whose content streams decompress to more than MAX_CONTENT_BYTES (a compression bomb) is
    refused before it is parsed: each stream is inflated in bounded pieces, never whole."""
    total = 0
    for stream in getattr(page.page_obj, "contents", None) or []:
        raw = getattr(stream, "rawdata", None)
        if raw is not None and getattr(stream, "decipher", None):  # an encrypted PDF opened without a password
            raw = stream.decipher(stream.objid, stream.genno, raw, stream.attrs)
        filters = stream.get_filters() if hasattr(stream, "get_filters") else []
        if raw is None or not filters:
            total += len(getattr(stream, "data", None) or b"")
        elif len(filters) == 1 and getattr(filters[0][0], "name", filters[0][0]) in ("FlateDecode", "Fl"):
            d = zlib.decompressobj()
            chunk = d.decompress(raw, MAX_CONTENT_BYTES + 1 - total)
            total += len(chunk)
            while d.unconsumed_tail and total <= MAX_CONTENT_BYTES:
                total += len(d.decompress(d.unconsumed_tail, MAX_CONTENT_BYTES + 1 - total))
        if total > MAX_CONTENT_BYTES:
            raise PdfError(
                f"{number} ページ目の内容が大きすぎます(展開すると {MAX_CONTENT_BYTES:,} バイトを超えます)。"
                "何も取り込んでいません"
            )


def _ruled_cells(page, budget: list[int]) -> list[tuple[tuple[float, float, float, float], bool, bool]]:
    """Cells enclosed by the page's ruling lines (with open_top, open_bottom). Vertical rules that end
    without a horizontal one (a table running on to the next page, or coming from the previous one)
    are closed by a virtual rule, and the cells along it are open there."""
    edges = _rules(page)
    if not edges:
        return []
    if len(edges) > MAX_EDGES_PER_PAGE:
        raise PdfError(f"{page.page_number} ページ目の罫線が多すぎます({len(edges):,} 本)。何も取り込んでいません")
    edges = pt.merge_edges([e for e in edges if e["width"] > 2 or e["height"] > 2], 2, 2, 2, 2)
    v = [e for e in edges if e["orientation"] == "v"]
    h = [e for e in edges if e["orientation"] == "h"]
    real = list(h)
    crossings = len(v) * len(h)
    budget[0] -= crossings
    if crossings > MAX_CROSSINGS_PER_PAGE or budget[0] < 0:
        raise PdfError(
            f"{page.page_number} ページ目の罫線が多すぎます(縦 {len(v):,} 本・横 {len(h):,} 本"
            + ("" if crossings > MAX_CROSSINGS_PER_PAGE else "。PDF 全体でも多すぎます")
            + ")。何も取り込んでいません"
        )

    def ruled(x0: float, x1: float, y: float) -> bool:
        return any(abs(g["top"] - y) <= 2 and g["x0"] <= x0 + 2 and g["x1"] >= x1 - 2 for g in real)

    for end in ("top", "bottom"):
        loose = {round(e[end]) for e in v if not ruled(e["x0"], e["x0"], e[end])}
        for y in loose:
            group = [e for e in v if abs(e[end] - y) <= 2]
            if len(group) >= 2:
                for e in group:
                    e[end] = float(y)  # the rules stop at the virtual one
                xs = [e["x0"] for e in group]
                h.append(
                    {
                        "orientation": "h",
                        "x0": min(xs),
                        "x1": max(xs),
                        "top": float(y),
                        "bottom": float(y),
                        "width": max(xs) - min(xs),
                        "height": 0.0,
                        "object_type": "virtual",
                    }
                )
    inter = pt.edges_to_intersections(v + h, 2, 2)
    out = []
    for b in pt.intersections_to_cells(inter):
        if b[2] - b[0] < 1 or b[3] - b[1] < 1:
            continue
        out.append(
            (
                (float(b[0]), float(b[1]), float(b[2]), float(b[3])),
                not ruled(b[0], b[2], b[1]),
                not ruled(b[0], b[2], b[3]),
            )
        )
    return out


def _rules(page) -> list[dict]:
    """The page's ruling lines: its lines and curves, and the edges of its rectangles, except those of a
    shading (a rectangle filled, not stroked, wider and taller than a rule): a cell's background, which
    a spreadsheet program paints row by row even across a merged cell, encloses nothing."""
    rects = [r for r in page.rects if r.get("stroke") or min(r["width"], r["height"]) <= 2]
    return (
        [utils.line_to_edge(ln) for ln in page.lines]
        + [e for r in rects for e in utils.rect_to_edges(r)]
        + list(page.curve_edges)
    )


def _line_groups(chars: list[dict]) -> list[list[dict]]:
    """Characters into printed lines (by vertical overlap), each sorted left to right."""
    groups: list[list[dict]] = []
    spans: list[tuple[float, float]] = []
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        mid = (ch["top"] + ch["bottom"]) / 2
        for k in range(len(groups) - 1, max(-1, len(groups) - 4), -1):
            t, b = spans[k]
            if t <= mid <= b:
                groups[k].append(ch)
                spans[k] = (min(t, ch["top"]), max(b, ch["bottom"]))
                break
        else:
            groups.append([ch])
            spans.append((ch["top"], ch["bottom"]))
    for g in groups:
        g.sort(key=lambda c: c["x0"])
    return [g for g in groups if any(c["text"].strip() for c in g)]


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _text(chars: list[dict], split: float | None = None) -> list[tuple[str, list[dict]]]:
    """The text of one line's characters (a space where a gap is wide; pieces at gaps wider than split)."""
    pieces: list[tuple[str, list[dict]]] = []
    buf: list[str] = []
    members: list[dict] = []
    prev = None
    for ch in chars:
        t = ch["text"]
        if not t.strip():
            if buf and buf[-1] != " ":
                buf.append(" ")
            continue
        if prev is not None:
            gap = ch["x0"] - prev["x1"]
            size = max(prev["size"], ch["size"])
            if split is not None and gap > split * size:
                pieces.append(("".join(buf).strip(), members))
                buf, members = [], []
            elif gap > 0.25 * size and buf and buf[-1] != " ":
                buf.append(" ")
        buf.append(t)
        members.append(ch)
        prev = ch
    if members:
        pieces.append(("".join(buf).strip(), members))
    return pieces


def _first_unit(chars: list[dict]) -> float:
    """Width of the line's first piece that cannot be broken (a Latin word, or a character with the
    punctuation that may not open a line)."""
    ink = [c for c in chars if c["text"].strip()]
    if not ink:
        return 0.0
    end = 0
    if not _wide(ink[0]["text"][0]):
        while end + 1 < len(ink) and not _wide(ink[end + 1]["text"][0]) and ink[end + 1]["x0"] - ink[end]["x1"] < 1:
            end += 1
    while end + 1 < len(ink) and ink[end + 1]["text"][0] in _CLOSERS:
        end += 1
    return ink[end]["x1"] - ink[0]["x0"]


def _make_line(text: str, chars: list[dict], space_after: bool = False) -> Line:
    ink = [c for c in chars if c["text"].strip()] or chars
    return Line(
        text,
        min(c["x0"] for c in ink),
        max(c["x1"] for c in ink),
        min(c["top"] for c in ink),
        max(c["bottom"] for c in ink),
        max(c["size"] for c in ink),
        _first_unit(chars),
        space_after,
    )


def _lines(chars: list[dict]) -> list[Line]:
    out = []
    for g in _line_groups(chars):
        for text, members in _text(g):
            if text:
                out.append(_make_line(text, members, not g[-1]["text"].strip()))
    return out


def _column_starts(groups: list[list[dict]]) -> list[float]:
    """Where the columns of a table without rules start: the left ends of pieces (cut at wide gaps)
    at which at least two lines of the page start a piece."""
    counts: dict[int, int] = defaultdict(int)
    for g in groups:
        for _, members in _text(g, split=2.0):
            if members:
                counts[round(members[0]["x0"] / 2)] += 1
    return [k * 2.0 for k, n in counts.items() if n >= 2]


def _free_cells(chars: list[dict], starts: Sequence[float] = ()) -> list[Cell]:
    """A line outside every ruled cell, cut into cells where the gap is wider than two characters, or
    where a character after a gap stands at the start of a column (a label that fills its column)."""
    out = []
    pieces = []
    for text, members in _text(chars, split=2.0):
        cut = [0]
        for k in range(1, len(members)):
            a, b = members[k - 1], members[k]
            if b["x0"] - a["x1"] > 0.2 * b["size"] and any(abs(b["x0"] - x) <= 1.5 for x in starts):
                cut.append(k)
        if len(cut) == 1:
            pieces.append((text, members))
            continue
        for i, j in zip(cut, cut[1:] + [len(members)], strict=False):
            end = members[j]["x0"] if j < len(members) else members[-1]["x1"] + 0.01
            sub = [c for c in chars if members[i]["x0"] <= c["x0"] < end]
            pieces.extend(_text(sub))
    for text, members in pieces:
        if text:
            k = next(i for i, c in enumerate(chars) if c is members[-1])
            ln = _make_line(text, members, k + 1 < len(chars) and not chars[k + 1]["text"].strip())
            out.append(Cell(ln.x0, ln.top, ln.x1, ln.bottom, [ln], ruled=False))
    return out


def _free_blocks(lines: list[list[Cell]]) -> list[Cell]:
    """Lines outside the ruled cells gathered into the rows of a table without rules. A line that follows
    the one above closely (less than the gap between two rows) and whose pieces all start in that row's
    columns continues the row, each piece the cell of its column — but, in a row of several columns, a
    piece in its first column only where the line above in that column was wrapped (else it is the next row's label). A piece left of
    every column, beside pieces in the row's columns, is the row's label printed beside the middle of a tall
    value."""
    out: list[Cell] = []
    right = max((c.x1 for line in lines for c in line), default=0.0)
    block: list[Cell] = []  # one cell per column of the current row
    bottom = 0.0
    for line in lines:
        if not line:
            continue
        size = max(ln.size for c in line for ln in c.lines)
        close = bool(block) and line[0].top - bottom <= 0.6 * size

        if close:
            ks = [_column(block, c, size) for c in line]
            first = block[0]
            if ks[0] is None and len(line) > 1 and line[0].x1 < first.x0 and all(k is not None for k in ks[1:]):
                # the label of a tall value, printed beside its middle
                block.insert(
                    0, Cell(line[0].x0, first.top, line[0].x1, line[0].bottom, list(line[0].lines), ruled=False)
                )
                line, ks = line[1:], [k + 1 for k in ks[1:] if k is not None]
            wrapped_first = (
                0 not in ks
                or len(block) < 2  # one column: a list or a paragraph, not a label beside values
                or not block[0].lines
                or _joined(block[0].lines[-1], line[ks.index(0)].lines[0], block[0].x0, block[0].x1) != "<br>"
            )
            if all(k is not None for k in ks) and wrapped_first:
                for c, k in zip(line, ks, strict=True):
                    assert k is not None
                    block[k].lines.extend(c.lines)
                    block[k].bottom = max(block[k].bottom, c.bottom)
                bottom = max(c.bottom for c in line) if line else bottom
                _reach(block, right, size)
                continue
        out.extend(block)
        block = [Cell(c.x0, c.top, c.x1, c.bottom, list(c.lines), ruled=False) for c in line]
        bottom = max(c.bottom for c in line)
        _reach(block, right, size)
    out.extend(block)
    return out


def _column(block: list[Cell], c: Cell, size: float) -> int | None:
    """The column of the row a piece starts in, if any."""
    k = min(range(len(block)), key=lambda i: abs(block[i].x0 - c.x0))
    return k if abs(block[k].x0 - c.x0) <= 1.5 * size else None


def _reach(block: list[Cell], right: float, size: float) -> None:
    """Each column of a row without rules reaches to the next one (the last to the text's right edge)."""
    for k, c in enumerate(block):
        c.x1 = block[k + 1].x0 - 0.5 * size if k + 1 < len(block) else max(right, c.x1)


# --- running headers, footers and page numbers ---------------------------------------------------------


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+|<br>", "", unicodedata.normalize("NFKC", text)))


def _drop_furniture(pages: list[Page]) -> None:
    """Free lines in the top or bottom band that are page numbers, or whose text (numbers aside)
    stands in the band of another page too."""

    def banded(p: Page, c: Cell) -> bool:
        return not c.ruled and (c.bottom < p.height * BAND or c.top > p.height * (1 - BAND))

    seen: dict[str, set[int]] = defaultdict(set)
    for p in pages:
        for c in p.cells:
            if banded(p, c):
                seen[_shape(_cell_text(c))].add(p.number)
    for p in pages:
        p.cells = [
            c
            for c in p.cells
            if not (
                banded(p, c)
                and (_PAGE_NUMBER.match(_cell_text(c)) or (len(pages) > 1 and len(seen[_shape(_cell_text(c))]) > 1))
            )
        ]


def _drop_title_rows(pages: list[Page]) -> None:
    """Rows repeated at the head of every page (a spreadsheet's print titles): a ruled cell in the first
    row of the page's table with the same box on several pages, whose characters (the same, at the same
    places) are its whole text on at least one page and part of it on the others. Where it interrupts a
    table (a cell below it goes on with a cell left open at the foot of the page before, which had the
    title too) it is dropped: the table then starts at its lower rule, and that cell continues the one
    before. Characters of the cell below drawn over the title (the top of a merged cell split by the page
    break, which the producer clips away) go back to that cell."""

    def key(c: Cell) -> tuple[int, int, int, int]:
        return (round(c.x0), round(c.top), round(c.x1), round(c.bottom))

    def sig(ch: dict) -> tuple[str, int, int]:
        return (ch["text"], round(ch["x0"]), round(ch["top"]))

    by_key: dict[tuple[int, int, int, int], list[tuple[Page, Cell]]] = defaultdict(list)
    for p in pages:
        first = min((c.top for c in p.cells if c.ruled), default=0.0)
        for c in p.cells:
            if c.ruled and c.chars and c.top <= first + 2:  # the first row of the page's table
                by_key[key(c)].append((p, c))
    for found in by_key.values():
        if len({p.number for p, _ in found}) < 2:
            continue
        seen: dict[tuple[str, int, int], set[int]] = defaultdict(set)
        for p, c in found:
            for ch in c.chars:
                seen[sig(ch)].add(p.number)
        common = {s for s, ns in seen.items() if len(ns) >= 2 and s[0].strip()}
        ink = [[ch for ch in c.chars if ch["text"].strip()] for _, c in found]
        alone = [{sig(ch) for ch in chars} for chars in ink if chars and all(sig(ch) in common for ch in chars)]
        if not alone:
            continue  # no page shows the title alone
        title = max(alone, key=len)
        titles = [(p, c, chars) for (p, c), chars in zip(found, ink, strict=True) if title <= {sig(ch) for ch in chars}]
        with_title = {p.number for p, _, _ in titles}
        for p, c, chars in titles[1:]:
            if p.number - 1 not in with_title:
                continue  # print titles stand at the head of the page before too
            prev = next((q for q in pages if q.number == p.number - 1), None)
            below = [o for o in p.cells if o.ruled and o is not c and abs(o.top - c.bottom) <= 2]
            # the cells below that go on with a cell left open at the foot of the page before
            going_on = [
                o
                for o in below
                if prev is not None and any(q.open_bottom and _overlap(q, o) > 0.5 * (o.x1 - o.x0) for q in prev.cells)
            ]
            if not going_on:
                continue  # a heading that opens a page, or a table that ended on the page before
            intruders = [ch for ch in chars if sig(ch) not in common]
            p.cells.remove(c)
            for o in below:
                mine = [ch for ch in intruders if o.x0 <= (ch["x0"] + ch["x1"]) / 2 <= o.x1]
                if mine:
                    o.lines = _lines(mine) + o.lines
            for o in going_on:
                o.open_top = True


# --- cells into lines of text ----------------------------------------------------------------------------


def _joined(prev: Line, nxt: Line, left: float, right: float) -> str:
    """How two lines of one cell are joined: '' (a wrap), ' ' (a wrap between Latin words) or '<br>'."""
    pad = 1.0 * prev.size
    free = (right - left) - (prev.x1 - prev.x0) - pad
    gap = nxt.top - prev.bottom
    if gap > 0.9 * prev.size:  # an empty line between: a paragraph
        return "<br>"
    if prev.space_after:  # a line broken at a space (a real line break leaves none at its end)
        return " "
    if _BULLET.match(nxt.text) and prev.text[-1:] in _ENDS:  # a sentence ended, a bullet opens the next line
        return "<br>"
    if nxt.first_unit > free:  # the next line's first piece did not fit: the line was wrapped
        a, b = prev.text[-1:], nxt.text[:1]
        if prev.space_after:
            return " "
        if a.isascii() and b.isascii() and (a.isalnum() or a in ",.;:)") and b.isalnum():
            return " "
        return ""
    return "<br>"


def _cell_text(c: Cell) -> str:
    if not c.lines:
        return ""
    lines = c.lines
    left, right = c.x0, c.x1
    out = lines[0].text
    number = _item_number(lines[0].text)
    for prev, nxt in zip(lines, lines[1:], strict=False):
        n = _item_number(nxt.text)
        # the next item of a numbered list opens its own line
        joint = "<br>" if n is not None and number is not None and n == number + 1 else _joined(prev, nxt, left, right)
        out += joint + nxt.text
        if n is not None and joint == "<br>":
            number = n
    return _boxes(out)


_ITEM = re.compile(r"^\s*([0-9０-９]{1,2})\s*[.)．）]")


def _item_number(text: str) -> int | None:
    m = _ITEM.match(text)
    return int(unicodedata.normalize("NFKC", m.group(1))) if m else None


def _boxes(text: str) -> str:
    """Radio pairs ● ○ as the ticked and unticked boxes the text importer reads ([○] / [ ])."""
    if "●" in text and "○" in text:
        text = re.sub(r"●\s*", "[○] ", re.sub(r"(?<![\[〔(（])○\s*", "[ ] ", text))
    return text


def _rows(cells: list[Cell]) -> Iterable[list[Cell]]:
    """Cells in visual rows: those with the same top, left to right."""
    cells = sorted(cells, key=lambda c: (round(c.top, 0), c.x0))
    row: list[Cell] = []
    for c in cells:
        if row and abs(c.top - row[0].top) > max(2.0, 0.4 * min((l.size for l in row[0].lines), default=4)):
            yield row
            row = []
        row.append(c)
    if row:
        yield row


# a cell of checkboxes only, each with its label: `[ ] A`, `[○] A [ ] B`, `■ A □ B`
_FLAGS = re.compile(r"^\s*(?:(?:\[\s*[○●◯☑✓✔■xX×]?\s*\]|[■□☐☑])\s*[^\[\]■□☐☑<>\s][^\[\]■□☐☑<>]*)+$")
_SECTION_NUMBER = re.compile(r"^\s*[0-9０-９]{1,2}\s*[.．]")


def _tall_split(row: list[Cell]) -> int:
    """How many cells at the row's left are label cells merged down beside several sub-rows."""
    if len(row) < 2 or not all(c.ruled for c in row):
        return 0
    rest_bottom = min(c.bottom for c in row[1:])
    k = 0
    while k < len(row) - 1 and row[k].bottom > rest_bottom + 2 and row[k].x1 <= row[k + 1].x0 + 2:
        k += 1
    return k


def _section_columns(pages: list[Page]) -> set[tuple[int, int]]:
    """The x-ranges of label cells merged down beside several sub-rows anywhere in the document."""
    out = set()
    for p in pages:
        for row in _rows([c for c in p.cells if c.ruled]):
            row.sort(key=lambda c: c.x0)
            for c in row[: _tall_split(row)]:
                out.add((round(c.x0), round(c.x1)))
    return out


def _page_lines(cells: list[Cell], section_columns: set[tuple[int, int]]) -> list[list[Cell]]:
    """Rows of cells in reading order. A label cell merged down beside several sub-rows is printed once:
    a numbered section label (`3. …`) on its own line before them, another label (`再委託`, or the label of
    a value in several rows) in its first sub-row, the later sub-rows with an empty cell in its place."""
    out: list[list[Cell]] = []
    active: list[Cell] = []  # unnumbered tall labels printed beside their first sub-row, still reaching down
    for row in _rows(cells):
        row.sort(key=lambda c: c.x0)
        active = [a for a in active if a.bottom > row[0].top + 2]
        k = _tall_split(row)
        if not k and len(row) >= 2 and all(c.ruled for c in row):
            # a section's label cell in the column of the merged section labels, beside its only sub-row
            first = row[0]
            if (round(first.x0), round(first.x1)) in section_columns and _SECTION_NUMBER.match(_cell_text(first)):
                k = 1
        lead, row = row[:k], row[k:]
        kept = []
        for c in lead:
            if not c.lines:  # its text was printed on another page (and joined there)
                if c.continues is not None and not _SECTION_NUMBER.match(_cell_text(c.continues)):
                    kept.append(c)  # a label begun on the page before: its place kept in the sub-rows
                continue
            if _SECTION_NUMBER.match(_cell_text(c)):
                out.append([c])
            else:
                kept.append(c)
        if (
            lead
            and out
            and len(out[-1]) == 1
            and out[-1][0] is lead[-1]
            and len(row) == 1
            and _FLAGS.match(_cell_text(row[0]))
        ):
            # the section's heading row holds only its checkboxes (`[ ] 委託しない`): they are the section's
            # flags, on its label's line as the form prints them, not a sub-row of their own
            out[-1] = [lead[-1], Cell(row[0].x0, row[0].top, row[0].x0, row[0].top), row[0]]
            active += kept
            continue
        line = kept + row
        if active and line and all(c.ruled for c in line):
            line = [Cell(a.x0, line[0].top, a.x1, line[0].top) for a in active if a.x1 <= line[0].x0 + 2] + line
        active += kept
        out.append(line)
    return out


def _overlap(a: Cell, b: Cell) -> float:
    return min(a.x1, b.x1) - max(a.x0, b.x0)


def _within(o: Cell, x0: float, x1: float) -> bool:
    return o.x0 - 2 <= x0 and x1 <= o.x1 + 2


def _drop_clipped(prev: Page, page: Page) -> None:
    """Text of a cell split by a page break that the producer printed outside the table (where the page
    clips it away), below the last rule of one page or above the first rule of the next: a free line whose
    text is part of a cell open at the break is dropped (printed again); one standing in the column of an
    open cell that is empty on both pages is that cell's text (its only copy, the first one kept)."""
    if not any(c.open_bottom for c in prev.cells) and not any(c.open_top for c in page.cells):
        return
    first_rule = min((c.top for c in page.cells if c.ruled), default=0.0)
    last_rule = max((c.bottom for c in prev.cells if c.ruled), default=0.0)
    for free, side in (
        ([c for c in prev.cells if not c.ruled and c.lines and c.bottom > last_rule + 1], prev),
        ([c for c in page.cells if not c.ruled and c.lines and c.top < first_rule - 1], page),
    ):
        open_cells = [c for c in prev.cells if c.open_bottom] + [c for c in page.cells if c.open_top]
        free.sort(key=lambda c: c.top)
        groups: list[list[Cell]] = []
        for c in free:  # lines of one clipped cell: one below the other, in the same columns
            if groups and _overlap(groups[-1][-1], c) > 0:
                groups[-1].append(c)
            else:
                groups.append([c])
        singles = [[c] for grp in groups if len(grp) > 1 for c in grp]
        for g in groups + singles:  # the group, else each of its lines
            if not all(c.lines for c in g):
                continue
            t = "".join(_shape(_cell_text(c)) for c in g)
            x0 = min(ln.x0 for c in g for ln in c.lines)
            x1 = max(ln.x1 for c in g for ln in c.lines)

            texts = [(o, _shape(_cell_text(o))) for o in open_cells if o.lines]
            # part of a crossing cell's text, and (when short) standing in that cell's column
            if t and any(t in x and (len(t) >= 4 or _within(o, x0, x1)) for o, x in texts):
                for c in g:
                    c.lines = []
                continue
            empty = [o for o in open_cells if not o.lines and _within(o, x0, x1)]
            pair = [o for o in empty if o in side.cells]
            if t and pair and any(o not in side.cells for o in empty):  # empty on both sides of the break
                pair[0].lines = [ln for c in g for ln in c.lines]
                for c in g:
                    c.lines = []


def _continues(last: list[Cell], head: list[Cell]) -> bool:
    """A row without rules at the head of a page that continues the last row of the page before: its
    first column empty, each of its cells under a cell of that row other than the first."""
    if not last or not head or any(c.ruled for c in last + head) or len(last) < 2:
        return False
    size = max(ln.size for c in head for ln in c.lines) if any(c.lines for c in head) else 0.0
    return all(c.lines for c in head) and all(any(abs(o.x0 - c.x0) <= 1.5 * size for o in last[1:]) for c in head)


def _repeated(before: list[Line], after: list[Line]) -> int:
    """How many of a continued cell's first lines repeat the last lines of the cell it continues (its
    text printed on both pages, each showing what falls inside the page)."""
    for k in range(min(len(before), len(after)), 0, -1):
        if [_shape(ln.text) for ln in before[-k:]] == [_shape(ln.text) for ln in after[:k]]:
            return k
    return 0


def _layout(pages: list[Page]) -> list[str]:
    section_columns = _section_columns(pages)
    for prev, page in zip(pages, pages[1:], strict=False):
        _drop_clipped(prev, page)
    carry: list[Cell] = []  # cells open at the foot of the previous page
    kept: list[list[Cell]] = []
    for p in pages:  # first every cell continued on the next page joined (its text is where it begins)
        cells = [c for c in p.cells if c.lines or c.ruled]
        heads = [c for c in cells if c.open_top]
        if carry and heads:
            for c in heads:
                match = max(carry, key=lambda o: _overlap(o, c))
                if _overlap(match, c) <= 0.5 * (c.x1 - c.x0):
                    continue
                if c.lines and _shape(_cell_text(c)) != _shape(_cell_text(match)):
                    match.lines.extend(c.lines[_repeated(match.lines, c.lines) :])
                c.lines = []
                c.continues = match
            cells = [c for c in cells if c.lines or c.ruled]  # an emptied cell holds its place
        carry = [c for c in cells if c.open_bottom]
        kept.append(cells)
    rows: list[list[Cell]] = []
    for cells in kept:
        page_rows = _page_lines(cells, section_columns)
        if rows and page_rows and _continues(rows[-1], page_rows[0]):
            for c in page_rows[0]:
                max(rows[-1], key=lambda o: _overlap(o, c)).lines.extend(c.lines)
            page_rows = page_rows[1:]
        rows.extend(page_rows)
    out = []
    for r in rows:
        text = _line_of(r)
        if text.strip():
            out.append(text)
    return out


def _line_of(row: list[Cell]) -> str:
    texts = [_cell_text(c).replace("\t", " ") for c in row]
    while texts and not texts[-1]:
        texts.pop()
    return "\t".join(texts)
