"""Text laid out in columns (`pdftotext -layout`): a table row is one line with the section label,
the sub-label and the value at roughly fixed columns separated by runs of spaces; a cell's further
lines continue indented to its column, and a wrapped section label continues at column 0 between
the value's lines. This pre-pass rewrites such text into the seeds' layout (label and value cells
separated by tabs, a cell's lines joined into the cell) so that the body parser reads it. Cells are
told apart by the form's labels and the columns they start at, never by a line's number.

Only text that looks so is rewritten (`looks_columnar`): most of its lines carry cells separated by
runs of spaces at columns that recur from line to line; any other text is returned unchanged."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from piasite.forms.form import Form
from piasite.importer.text import norm

_RUN = re.compile(r" {2,}")
_PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*/\s*\d{1,3}\s*$")
_SECTION = re.compile(r"^(?:[0-9０-９]{1,2}\s*[.．]|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]\s|\(別添|（別添)")
PAGE_BREAK = "-----"  # what document.py reads page furniture as
_LIST_NUMBER = re.compile(r"(?:^|\s)[0-9０-９]{1,2}[.．)）]$")
# a date, or the start of one its cell wraps (平成30年12月1 / 日)
_DATE = re.compile(
    r"^(?:(?:令和|平成|昭和)(?:元|[0-9０-９]{1,2})年|\d{4}[-/年.])(?:[0-9０-９]{1,2}[-/月.]?(?:[0-9０-９]{1,2}日?)?)?"
)
_CHECKBOX = re.compile(r"\[\s*[○〇◯✓✔]?\s*\]")
TOLERANCE = 3  # columns a cell's lines may stray from its first (CJK and Latin widths differ)


@dataclass
class Seg:
    col: int
    text: str


def segments(line: str) -> list[Seg]:
    """The pieces of a line separated by runs of two or more spaces, with the column each starts at."""
    out: list[Seg] = []
    pos = 0
    for piece in _RUN.split(line.rstrip()):
        start = line.index(piece, pos) if piece else pos
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            out.append(Seg(start + lead, piece.strip()))
        pos = start + len(piece)
    return out


def looks_columnar(lines: list[str]) -> bool:
    """Most lines that carry text hold two or more cells or start indented, at columns that recur:
    pdftotext -layout's output. Tab-separated text (the seeds, a copy from a spreadsheet) never is."""
    body = [l for l in lines if l.strip() and l.strip() != "-----"]
    if len(body) < 20 or sum(1 for l in body if "\t" in l) * 10 > len(body):
        return False
    starts: Counter[int] = Counter()
    split = 0
    for l in body:
        segs = segments(l)
        if len(segs) >= 2 or segs[0].col >= 8:
            split += 1
            starts.update({s.col for s in segs if s.col >= 8})
    if split * 3 < len(body):
        return False
    # the starts recur: the ten commonest columns hold most of the indented cells
    common = sum(n for _, n in starts.most_common(10))
    return common * 2 >= sum(starts.values())


class _Labels:
    """Prefixes of the form's labels (comparison form): what a cell that starts or continues a label reads."""

    def __init__(self, form: Form) -> None:
        self.full: set[str] = set()
        self.prefixes: set[str] = set()
        for item in form.walk():
            for lab in item.all_labels:
                n = norm(lab)
                if len(n) < 2:
                    continue
                self.full.add(n)
                for k in range(2, len(n) + 1):
                    self.prefixes.add(n[:k])

    def starts(self, text: str) -> bool:
        n = norm(text)
        return len(n) >= 2 and n in self.prefixes

    def continues(self, head: str, text: str) -> bool:
        return norm(head + text) in self.prefixes


@dataclass
class _Cell:
    col: int
    lines: list[str] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)  # the column each line ends at
    gaps: list[bool] = field(default_factory=list)  # an empty line before the line
    gap: bool = False  # an empty line since the cell's last line
    right: int = 0  # the column the cell's lines may reach (the next cell's, or the page's right edge)

    def add(self, text: str, end: int | None = None) -> None:
        self.lines.append(text)
        self.ends.append(end if end is not None else self.col + len(text))
        self.gaps.append(self.gap)
        self.gap = False

    def text(self) -> str:
        if not self.lines:
            return ""
        right = max([self.right, *self.ends])
        out = self.lines[0]
        for k in range(1, len(self.lines)):
            prev, nxt = self.lines[k - 1], self.lines[k]
            first = len(nxt.split(" ")[0]) if nxt[:1].isascii() else 1
            if self.gaps[k]:
                joint = "<br>"
            elif self.ends[k - 1] + 1 + first < right - TOLERANCE:  # the next line's start would have fit
                joint = "<br>"
            elif prev[-1:].isascii() and nxt[:1].isascii() and prev[-1:].isalnum() and nxt[:1].isalnum():
                joint = " "
            else:
                joint = ""
            out += joint + nxt
        return out


class _Table:
    """A table under a header row of one of the form's groups (変更日 項目 …): its columns start where
    the header's cells do; a record opens where its first column holds text, and its cells' further
    lines join the cell of the column they stand in. Cells printed one space apart are told apart at
    the space nearest the next column's start, or by a last word that is a choice of a column to the right."""

    def __init__(self, heads: list[Seg], choices: list[tuple[str, ...]], right: int, kinds: list[str]) -> None:
        self.starts = [h.col for h in heads]
        self.kinds = kinds
        self.choices = choices
        self.right = right
        self.record: list[_Cell] | None = None

    def column(self, col: int) -> int:
        return min(range(len(self.starts)), key=lambda j: abs(self.starts[j] - col))

    def pieces(self, segs: list[Seg]) -> list[tuple[int, Seg]]:
        out: list[tuple[int, Seg]] = []
        todo = list(segs)
        while todo:
            s = todo.pop(0)
            j = self.column(s.col)
            m = _DATE.match(s.text) if self.kinds[j] == "date" and j + 1 < len(self.starts) else None
            if m and m.end() < len(s.text) and s.text[m.end()] == " ":  # a date, then the next cell
                out.append((j, Seg(s.col, m.group(0))))
                todo[:0] = [Seg(max(s.col + m.end() + 1, self.starts[j + 1]), s.text[m.end() + 1 :])]
                continue
            words = s.text.rsplit(" ", 1)
            if len(words) == 2:
                k = next((k for k in range(j + 1, len(self.starts)) if words[1] in self.choices[k]), None)
                if k is not None:
                    # the head may still span columns: read on; the choice stands in its own column
                    todo[:0] = [Seg(s.col, words[0]), Seg(self.starts[k], words[1])]
                    continue
            end = s.col + len(s.text)
            nxt = [k for k in range(j + 1, len(self.starts)) if s.col + TOLERANCE < self.starts[k] < end - 1]
            if nxt:
                want = self.starts[nxt[0]] - s.col
                # not after a list's number (1. 2.): it opens what follows it
                spaces = [m.start() for m in re.finditer(" ", s.text) if not _LIST_NUMBER.search(s.text[: m.start()])]
                if spaces:
                    cut = min(spaces, key=lambda k: (abs(k + 1 - want), k))  # the next cell's first character
                    if abs(cut - want) <= 8:
                        todo[:0] = [Seg(s.col, s.text[:cut]), Seg(s.col + cut + 1, s.text[cut + 1 :])]
                        continue
            out.append((j, s))
        # cells of one line stand in columns left to right: two never share one
        for k in range(1, len(out)):
            j = out[k][0]
            if j <= out[k - 1][0] < len(self.starts) - 1:
                out[k] = (out[k - 1][0] + 1, out[k][1])
        return out

    def line(self, segs: list[Seg], out: list[str]) -> None:
        pieces = self.pieces(segs)
        # a record opens at text in the first column (a date column: at a date, not the rest of one)
        opens = [sg for j, sg in pieces if j == 0 and (self.kinds[0] != "date" or _DATE.match(sg.text))]
        if opens or self.record is None:
            self.flush(out)
            self.record = [_Cell(c) for c in self.starts]
            for j, c in enumerate(self.record):
                c.right = self.starts[j + 1] - 1 if j + 1 < len(self.starts) else self.right
        for j, sg in pieces:
            self.record[j].add(sg.text, sg.col + len(sg.text))

    def gap(self) -> None:
        for c in self.record or []:
            c.gap = bool(c.lines)

    def flush(self, out: list[str]) -> None:
        if self.record is not None:
            out.append("\t".join(c.text() for c in self.record).rstrip("\t"))
        self.record = None


class _Writer:
    def __init__(self, form: Form) -> None:
        self.labels = _Labels(form)
        self.groups = [
            ([norm(c.label) for c in g.items], [(tuple(c.choices), c.kind) for c in g.items])
            for g in form.walk()
            if g.kind == "group"
        ]
        self.table: _Table | None = None
        self.out: list[str] = []
        self.section: str | None = None  # the section label being read at column 0
        self.section_shown = False
        self.rows: list[list[_Cell]] = []  # the section's rows, written once its label is whole
        self.value_col: int | None = None
        self.header = 0  # cells of the plain line before, when all of them are labels (a table's header)
        self.fresh_page = False  # no row read yet on this page
        self.row_labels: set[str] = set()  # the label cells of the section's rows
        self.right = 0  # the page's right edge: the column the longest lines end at

    # --- rows
    def flush(self) -> None:
        if self.table is not None:
            self.table.flush(self.out)
        if self.section is not None and not self.section_shown:
            if self.rows and self.rows[0] and not self.labels.starts(self.rows[0][0].text()):
                first = self.rows.pop(0)
                self.out.append("\t".join([self.section] + [c.text() for c in first]))
            else:
                self.out.append(self.section)
            self.section_shown = True
        for r in self.rows:
            self.out.append("\t".join(c.text() for c in r))
        self.rows = []

    def new_row(self, segs: list[Seg]) -> None:
        if self.fresh_page and len(segs) == 1 and segs[0].text in self.row_labels:
            return  # a row's label printed again atop the next page
        segs = self._merged(segs)
        cells = [_Cell(s.col) for s in segs]
        for c, s, nxt in zip(cells, segs, [*segs[1:], None], strict=True):
            c.add(s.text)
            c.right = nxt.col - 1 if nxt is not None else self.right
        self.rows.append(cells)
        self.row_labels |= {c.text() for c in cells if self.labels.starts(c.text())}
        values = [c.col for c in cells if not self.labels.starts(c.text())]
        self.value_col = values[0] if values else None

    def _merged(self, segs: list[Seg]) -> list[Seg]:
        """A labelled row's value cells as one: runs of spaces inside a value (an ideographic space
        prints as two or three) do not open a column; only a box or an option list does."""
        if not segs or not self.labels.starts(segs[0].text):
            return segs
        out: list[Seg] = []
        for s in segs:
            if out and not self.labels.starts(out[-1].text) and not s.text.startswith(("<", "[")):
                if not self.labels.starts(s.text):
                    out[-1] = Seg(out[-1].col, out[-1].text + " " + s.text)
                    continue
            out.append(s)
        return out

    def continue_row(self, segs: list[Seg]) -> None:
        row = self.rows[-1]
        for s in segs:
            near = min(row, key=lambda c: abs(c.col - s.col))
            if abs(near.col - s.col) > TOLERANCE:
                left = [c for c in row if c.col <= s.col]
                near = left[-1] if left else near
            near.add(s.text)
            if near is row[-1]:
                near.right = max(near.right, self.right)

    def gap(self) -> None:
        for r in self.rows[-1:]:
            for c in r:
                c.gap = bool(c.lines)

    def _split_boxes(self, s: Seg) -> list[Seg]:
        """A label and its value's box, or a value and its option list, printed one space apart."""
        out = [s]
        m = re.search(r" <選択肢>", s.text)
        if m and m.start() > 0:
            out = [Seg(s.col, s.text[: m.start()]), Seg(s.col + m.start() + 1, s.text[m.start() + 1 :])]
        first = out[0]
        m = re.search(r" [－—\-](?:$| )", first.text)
        if m and self._label_here(first):
            return [
                Seg(first.col, first.text[: m.start()]),
                Seg(first.col + m.start() + 1, first.text[m.start() + 1 :]),
            ] + out[1:]
        m = re.search(r" \[", first.text)
        # not a line of a list of checkboxes (… [ ] 宛名システム等 [ ] 税務システム): those are one value
        boxes = len(_CHECKBOX.findall(first.text))
        if m and boxes < 2 and "[" not in first.text[: m.start()] and self.labels.starts(first.text[: m.start()]):
            cut = m.start()
            out[0:1] = [Seg(first.col, first.text[:cut]), Seg(first.col + cut + 1, first.text[cut + 1 :])]
        return out

    def _label_then_value(self, s: Seg) -> list[Seg]:
        """A label cut by its wrap (…における措) and its value printed one space after it: split after
        the longest run of words that starts a label, when the whole piece does not."""
        words = s.text.split(" ")
        if len(words) < 2 or self.labels.starts(s.text):
            return [s]
        for k in range(len(words) - 1, 0, -1):
            head = " ".join(words[:k])
            if len(norm(head)) >= 6 and self.labels.starts(head):
                return [Seg(s.col, head), Seg(s.col + len(head) + 1, " ".join(words[k:]))]
        return [s]

    def _label_here(self, s: Seg) -> bool:
        """The piece before a dash starts a label, or continues the label cell of the row above."""
        head = s.text[: re.search(r" [－—\-](?:$| )", s.text).start()]  # type: ignore[union-attr]
        if self.labels.starts(head):
            return True
        row = self.rows[-1] if self.rows else []
        return any(abs(c.col - s.col) <= TOLERANCE and self.labels.continues(c.text(), head) for c in row)

    # --- lines
    def plain(self, segs: list[Seg]) -> None:
        self.flush()
        self.section = None
        self.value_col = None
        texts = [s.text for s in segs]
        if self.header and len(texts) > self.header >= 2 and all(not self.labels.starts(t) for t in texts[1:]):
            texts = texts[: self.header - 1] + [" ".join(texts[self.header - 1 :])]  # as many cells as its header
        self.header = len(texts) if all(self.labels.starts(t) for t in texts) else 0
        self.out.append("\t".join(texts))

    def line(self, raw: str) -> None:
        segs = [p for s in segments(raw) for p in self._split_boxes(s)]
        if self.table is not None:
            if not segs:
                self.table.gap()
                return
            if segs[0].col <= 1 and (_SECTION.match(segs[0].text) or norm(segs[0].text) in self.labels.full):
                self.table.flush(self.out)
                self.table = None
            else:
                self.table.line(segs, self.out)
                return
        if not segs:
            self.gap()
            return
        if (
            segs[0].col <= 1
            and len(segs) >= 2
            and not _SECTION.match(segs[0].text)
            and all(norm(g.text) in self.labels.full for g in segs)
        ):
            self.plain(segs)  # a table's header row
            heads = [norm(g.text) for g in segs]
            for names, choices in self.groups:
                if len(heads) >= 3 and all(h in names for h in heads):
                    kinds = [choices[names.index(h)] for h in heads]
                    self.table = _Table(segs, [c for c, _ in kinds], self.right, [k for _, k in kinds])
            return
        if segs[0].col <= 1:
            head = self._split_head(segs[0].text)
            if head is not None:
                label, rest = head
                col = segs[0].col + len(segs[0].text) - len(rest) if rest else None
                more = (self._split_boxes(Seg(col, rest)) if rest and col is not None else []) + segs[1:]
                if self.section is not None and self.labels.continues(self.section, label) and not self.section_shown:
                    self.section += label
                    self._rest(more)
                    return
                if _SECTION.match(label) or self.labels.starts(label):
                    self.flush()
                    self.row_labels = set()
                    self.section, self.section_shown = label, False
                    self.value_col = None
                    if more:
                        self.new_row(more)
                    return
            self.plain(segs)
            return
        self._rest(segs)

    def _rest(self, segs: list[Seg]) -> None:
        if not segs:
            return
        if self.section is None:
            self.flush()
            self.out.append("\t".join(s.text for s in segs))
            return
        row = self.rows[-1] if self.rows else None
        if self.value_col is None or segs[0].col < self.value_col - TOLERANCE:
            segs = self._label_then_value(segs[0]) + segs[1:]
        first = segs[0]
        opens = norm(first.text) in self.labels.full or (
            len(segs) >= 2 and len(norm(first.text)) >= 4 and self.labels.starts(first.text)
        )
        if row and self.value_col is not None and first.col >= self.value_col - TOLERANCE and not opens:
            self.continue_row(segs)
            return
        if row and not self.labels.starts(first.text):
            # a label's next line (…500人以上 / か) or a lone value's next line
            near = min(row, key=lambda c: abs(c.col - first.col))
            if abs(near.col - first.col) <= TOLERANCE and (
                self.labels.continues(near.text(), first.text)
                or (self.value_col is None and not self.labels.starts(near.text()))
            ):
                self.continue_row(segs)
                return
        self.new_row(segs)

    def _split_head(self, text: str) -> tuple[str, str] | None:
        """A column-0 piece read as (section label part, the rest: a sub-label after one space)."""
        words = text.split(" ")
        for k in range(len(words), 0, -1):
            head = " ".join(words[:k])
            if self.section is not None and not self.section_shown and self.labels.continues(self.section, head):
                return head, " ".join(words[k:])
            if self.labels.starts(head):
                return head, " ".join(words[k:])
        return None


def _first(page: list[str]) -> str:
    return next((norm(l) for l in page if l.strip()), "")


def _furniture(page: list[str], title: str, running: set[str]) -> tuple[int, int]:
    """(lines of running header: a first line most pages print, then the form's title; lines of footer)."""
    head = 0
    seen = 0
    for k, l in enumerate(page):
        if not l.strip():
            continue
        seen += 1
        n = norm(l)
        if (seen == 1 and n in running) or n == title:
            head = k + 1
            continue
        if seen > 3:
            break
        if head:
            break
    foot = 0
    for l in reversed(page):
        if not l.strip():
            foot += 1
            continue
        if _PAGE_NUMBER.match(l):
            return head, foot + 1
        break
    return head, 0  # no page number: the page's last row may go on atop the next


def _furniture_line(line: str, title: str) -> str:
    """The form's title as printed; a running header as the page break it stands at."""
    return line.strip() if norm(line) == title else PAGE_BREAK


def rewrite(form: Form, lines: list[str]) -> list[str]:
    """The seeds' layout of columnar text (see the module's doc); lines unchanged when it is not."""
    if not looks_columnar(lines):
        return lines
    w = _Writer(form)
    ends = sorted(len(l.rstrip()) for l in lines if l.strip())
    w.right = ends[len(ends) * 9 // 10] if ends else 0
    title = norm(form.title)
    pages: list[list[str]] = [[]]
    for l in lines:
        parts = l.split("\f")
        pages[-1].append(parts[0])
        for p in parts[1:]:
            pages.append([p])
    firsts = Counter(_first(p) for p in pages)
    running = {n for n, c in firsts.items() if n and c >= 3 and c * 2 >= len(pages)}
    for page in pages:
        head, foot = _furniture(page, title, running)
        if head:
            w.flush()
            w.out += [_furniture_line(l, title) for l in page[:head] if l.strip()]
        w.fresh_page = True
        for l in page[head : len(page) - foot]:
            w.line(l)
            if l.strip():
                w.fresh_page = False
        if foot:
            w.flush()
            w.out += [PAGE_BREAK for l in page[len(page) - foot :] if l.strip()]
    w.flush()
    return w.out
