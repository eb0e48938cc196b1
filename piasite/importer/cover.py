"""The cover (表紙): everything before the 項目一覧 or the first part, read as a set of label cells and
value cells (examples.md §3.4: an extraction may print them in another order, `公表日 枚方市長`, the
labels of a row on one line and their values on the next, 公表日's value after the 宣言).

When each label is followed by values that fit it (the ordinary printing), the body's reader reads the
cover as it reads every row, and this module says nothing (read() returns None). Otherwise each value
is assigned by what it is: a date to the date items, an integer to the number, a name of an item's
declared shape (forms/regime/shapes.yaml: a title ending in 評価書, an organisation ending in 長 …) to
that item, the long paragraph to the text items without a shape (the 宣言, the 特記事項). A value
whose item what it is does not settle (two long paragraphs for two text items, two dates for two date
items) is !要確認 with the reason, never a guess; a value that fits no item goes to 取込メモ. Where
one value fits several items of which one is required (a document prints its required values: one
date is its 公表日, one paragraph its 宣言), it is that item's.

Items and kinds come from the form (the items before its first part); no form key is named here."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from piasite.checks import plausibility
from piasite.forms.form import Form
from piasite.forms.items import Item
from piasite.importer.body import BodyParser, Fragment, cells_of
from piasite.importer.cells import wrapped
from piasite.importer.text import has_html, is_separator, nfkc, norm, plain

_STAMP = re.compile(r"^[\[［〔]?(?:平成|令和)(?:元|\d{1,2})年\d{1,2}月様式\d[\]］〕]?$")
_STAMP_IN = re.compile(
    r"[\[［〔]?\s*(?P<version>(?:平成|令和)\s*(?:元|\d{1,2})\s*年\s*\d{1,2}\s*月)\s*(?P<n>様\s*式\s*\d)\s*[\]］〕]?"
)
_EMPTY = {"-", "－", "—", "ー", "―"}  # the mark of an empty cell
LONG = 40  # characters from which a value with no other evidence is a paragraph
MAX_SPLIT_LABELS = 4  # labels of one row whose values one line may print
MAX_SPLIT_TOKENS = 24  # words of such a line (the splits tried grow as words ** (labels - 1))
MAX_LABEL_TOKENS = 5  # a label printed with spaces inside (個人情報保護委員会 承認日 【行政機関等のみ】)


@dataclass
class Cell:
    line: int
    text: str  # as printed: a value cell keeps its markup (a <p> 特記事項)
    item: Item | None = None  # a label cell: its item
    lines: list[int] = field(default_factory=list)  # a value cell joined from wrapped lines
    whole: Cell | None = None  # the cell a piece of was split from
    gap: bool = False  # a blank line before it: a paragraph of its own
    tabbed: bool = False  # printed in a cell of a line with several (a table row)
    _plain: tuple[str, str] | None = field(default=None, repr=False, compare=False)

    def plain(self) -> str:
        if self._plain is None or self._plain[0] != self.text:
            self._plain = (self.text, plain(self.text))
        return self._plain[1]


@dataclass
class Reading:
    """The cover read by content: what document.py hands the body's reader."""

    lines: set[int]  # the cover's lines (not fed to the body's reader)
    values: list[tuple[tuple, Item, Cell]] = field(default_factory=list)
    # path, item, the reading offered (or None), the line, the source quoted, the reason
    unsure: list[tuple[tuple, Item, Cell | None, int, str, str]] = field(default_factory=list)
    notes: list[tuple[Cell, str]] = field(default_factory=list)
    layout: set[int] = field(default_factory=set)  # lines read as layout (labels, the title, furniture)
    stamp: tuple[int, str, str] | None = None  # a version stamp printed inside a cover cell

    def apply(self, parser: BodyParser) -> None:
        """Write the reading into the parser's state, as if its rows had been read."""
        for path, item, cell in self.values:
            _put(parser, path, item, cell)
        for path, item, offered, line, source, reason in self.unsure:
            if offered is not None:
                _put(parser, path, item, offered)
            parser.hit.add(path)
            parser.unsure[path] = (line, source, reason)
        for no in self.layout:
            parser.accounted.setdefault(no, "layout")
        for cell, reason in self.notes:
            parser.notes.add(cell.line, cell.plain(), reason)
            for no in cell.lines or [cell.line]:
                parser.accounted[no] = "note"


def _put(parser: BodyParser, path: tuple, item: Item, cell: Cell) -> None:
    parser.hit.add(path)
    for no in cell.lines or [cell.line]:
        parser.accounted[no] = "value"
    if item.kind in ("date", "integer", "count"):  # read as the body's reader reads one (marks, !要確認)
        parser.place(next(k for k, s in enumerate(parser.slots) if s.item is item), cell.plain(), cell.line)
        parser.pending = None
    else:
        parser.valued.setdefault(path, cell.line)
        for k, no in enumerate(cell.lines or [cell.line]):
            raw = cell.text.split("\n")[k] if len(cell.lines) > 1 else cell.text
            parser.add_text(path, Fragment(no, raw))


def cover_items(form: Form) -> list[Item]:
    """The form's items before its first part (section or group): the cover's cells."""
    out = []
    for item in form.items:
        if item.is_container:
            break
        out.append(item)
    return out


def _body_labels(form: Form) -> tuple[set[str], list[tuple[str, bool]]]:
    """The labels of every item after the cover: (all, the parts' with whether they are containers)."""
    cover = cover_items(form)
    mine = {norm(lab) for i in cover for lab in i.all_labels}
    every = {norm(lab) for i in form.walk() if i not in cover for lab in i.all_labels} - mine
    parts = []
    started = False
    for item in form.items:
        started = started or item.is_container
        if started:
            parts += [(norm(lab), item.is_container) for lab in item.all_labels]
    return every, parts


def cover_end(form: Form, lines: list[str]) -> int:
    """The index of the first line after the cover: the 項目一覧's heading, a part's label, or any
    label of the body (a text whose part heading was lost)."""
    every, parts = _body_labels(form)
    long = tuple(lab for lab in every if len(lab) >= 6)
    contents = norm(form.contents) if form.contents else None
    for k, raw in enumerate(lines):
        cells = cells_of(raw)
        n = norm(cells[0]) if cells else ""
        if not n:
            continue
        if n == contents or n in every or n.startswith(long):
            return k
        if any(n.startswith(h) and (whole or len(n) - len(h) < 4) for h, whole in parts):
            return k
    return len(lines)


def _labels(form: Form) -> dict[str, Item]:
    out: dict[str, Item] = {}
    for item in cover_items(form):
        for lab in item.all_labels:
            out[norm(lab)] = item
    return out


def _split(cell: str, labels: dict[str, Item]) -> list[tuple[str, Item | None]]:
    """A cell as label and value pieces: `公表日 枚方市長`, `宣言 評価書名`, `… 全項目評価書 評価書番号`."""
    text = cell.strip() if not has_html(cell) else plain(cell)  # printed spaces kept (full-width ones)
    spans = [m.span() for m in re.finditer(r"\S+", text)]
    tokens = [text[a:b] for a, b in spans]
    pieces: list[tuple[str, Item | None]] = []
    value: list[int] = []  # the characters [start, end) of the value being read, as printed
    starts = {lab[:k] for lab in labels for k in range(1, len(lab) + 1)}  # a label may open with the token
    firsts = {lab[0] for lab in labels if lab}

    def flush() -> None:
        if value:
            pieces.append((text[value[0] : value[1]].strip(" :："), None))
            value.clear()

    i = 0
    while i < len(tokens):
        hit = None
        t = norm(tokens[i])
        if t in starts or not t:  # (a mark norm drops: `## 公表日`)
            for n in range(min(MAX_LABEL_TOKENS, len(tokens) - i), 0, -1):
                if norm("".join(tokens[i : i + n])) in labels:
                    hit = n
                    break
        if hit is None:
            glued = (
                max((lab for lab in labels if len(lab) >= 3 and t.startswith(lab) and t != lab), key=len, default=None)
                if t[:1] in firsts and not value
                else None
            )
            start = spans[i][0]
            if glued is not None:  # `公表日令和6年…`: label and value not spaced
                pieces.append((glued, labels[glued]))
                cut = next((j for j in range(1, len(tokens[i]) + 1) if norm(tokens[i][:j]) == glued), None)
                if cut is None or not tokens[i][cut:].strip(" :："):
                    i += 1
                    continue
                start += cut
            value[:] = [value[0] if value else start, spans[i][1]]
            i += 1
            continue
        flush()
        lab = norm("".join(tokens[i : i + hit]))
        pieces.append((lab, labels[lab]))
        i += hit
    flush()
    if len(pieces) == 1 and pieces[0][1] is None:
        return [(cell.strip(), None)]  # a value cell alone keeps its markup
    return pieces


def _what(items: list[Item], text: str) -> list[Item]:
    """The cover items `text` positively fits (a date, an integer, a shaped name)."""
    return [i for i in items if plausibility.fits(i, text)]


def _atomic(items: list[Item], text: str) -> bool:
    t = re.sub(r"\s+", "", nfkc(text))
    return bool(_STAMP.match(t)) or bool(_what(items, text))


def _consistent(
    item: Item, values: list[Cell], items: list[Item], fitting: dict[int, list[Cell]], wanting: set[int]
) -> bool:
    """Whether values read under item's label can be its value: no positive evidence against it. For
    a date, a number or a shaped name: a value that is another item's by what it is (an organisation
    under 公表日), more than one line, or an unreadable date while a date stands elsewhere on the cover.
    For a text of no shape (宣言, 特記事項), which may hold anything: a value that is what a required
    item left without a value is (the 公表日's date printed under the 宣言). The 様式 stamp is never a
    value. An implausible value of the right item is left to the plausibility checks."""
    if not values:
        return True
    if any(_STAMP.match(re.sub(r"\s+", "", nfkc(v.plain()))) for v in values):
        return False
    others = [i for i in items if i is not item]
    if not item.shape and item.kind not in ("date", "integer", "count"):
        missing = [i for i in others if id(i) in wanting]
        return not any(_what(missing, v.plain()) for v in values)
    if any(_what(others, v.plain()) and not _what([item], v.plain()) for v in values):
        return False
    if item.shape and len(values) > 1:  # a name is one line: the lines after it are not its
        return False
    if item.kind in ("date", "integer", "count"):
        if len(values) > 1:  # lines after a date or a number are not its: printed out of order
            return False
        t = values[0].plain()
        if not item.required and any(plausibility.fits(i, t) for i in others if id(i) in wanting):
            return False  # (one date, two date labels: the required item's, 公表日 before 承認日)
        if plausibility.fits(item, t) or t in _EMPTY:
            return True
        return not any(c is not values[0] for c in fitting.get(id(item), ()))
    return True


def read(form: Form, numbered: list[tuple[int, str]], running: set[str] | None = None) -> Reading | None:
    """The cover of `numbered` (the whole text: the cover is cut at its end) read by content, or None
    when the ordinary reading (each label, then its values) holds."""
    block = numbered[: cover_end(form, [raw for _, raw in numbered])]
    items = cover_items(form)
    labels = _labels(form)
    if not items or not block:
        return None
    title = norm(form.title)
    running = running or set()
    cells: list[Cell] = []
    layout: set[int] = set()
    stamp = None
    shared = False  # a cell holding two labels, or a value before a label
    gap = False
    for no, raw in block:
        if not raw.strip() or is_separator(raw):
            layout.add(no)
            gap = True
            continue
        if norm(raw).startswith(title):
            layout.add(no)
            continue
        for c in cells_of(raw):
            if not c.strip():
                continue
            pieces = _split(c, labels)
            # the body's reader takes a cell as a label, a value, or a label and then its value
            shared = shared or (len(pieces) > 1 and not (len(pieces) == 2 and pieces[0][1] and not pieces[1][1]))
            for text, item in pieces:
                if item is None and "式" in text and (m := _STAMP_IN.search(nfkc(plain(text)))):
                    # the 様式 stamp printed in a cell with other text: the version, never a value
                    if stamp is None:
                        stamp = (no, re.sub(r"\s+", "", m["version"]), re.sub(r"\s+", "", m["n"]))
                    rest = (nfkc(plain(text))[: m.start()] + " " + nfkc(plain(text))[m.end() :]).strip()
                    if not rest:
                        continue
                    shared, text = True, rest
                cells.append(Cell(no, text, item, gap=gap, tabbed=len(cells_of(raw)) > 1))
                gap = False
    if not any(c.item is not None for c in cells):
        return None  # no label: not a cover this module can read (the body's reader says so)
    # consecutive value lines of prose wrapped at the cell's width (no one's value by what they are, the
    # first ended mid-sentence): one value
    merged: list[Cell] = []
    for cell in cells:
        prev = merged[-1] if merged else None
        if (
            cell.item is None
            and prev is not None
            and prev.item is None
            and prev.line != cell.line
            and not cell.gap
            and wrapped(prev.plain().split("\n")[-1], cell.plain())  # a line ended mid-sentence
            and not _atomic(items, cell.plain())
            and not _atomic(items, prev.plain())
            and cell.plain() not in running
            and prev.plain() not in running
        ):
            prev.text += "\n" + cell.text
            prev.lines = (prev.lines or [prev.line]) + [cell.line]
            continue
        merged.append(cell)
    cells = merged
    pairs, stray = ordinary(cells, items)
    # the required items the ordinary reading leaves without a value (a document prints them)
    wanting = {id(i) for i in items if i.required} - {id(i) for i, vs in pairs if vs}
    # the value cells that are a date or a number item's by what they are
    fitting = {
        id(i): [c for c in cells if c.item is None and plausibility.fits(i, c.plain())]
        for i in items
        if i.kind in ("date", "integer", "count")
    }
    if (
        not shared
        and not stray
        and not _labels_first(cells)
        and all(_consistent(i, vs, items, fitting, wanting) for i, vs in pairs)
        and len({id(i) for i, _ in pairs}) == len(pairs)
    ):
        return None
    return _by_content(form, items, cells, pairs, fitting, wanting, running, {no for no, _ in block}, layout, stamp)


def _labels_first(cells: list[Cell]) -> bool:
    """Labels printed one after another and then several values, other than a table's row of labels
    in cells of one line over a row of as many values (which the body's reader reads as a header)."""
    k = 0
    while k < len(cells):
        j = k
        while j < len(cells) and cells[j].item is not None:
            j += 1
        end = j
        while end < len(cells) and cells[end].item is None:
            end += 1
        if j - k >= 2 and end - j >= 2:  # (one value after them: the last label's, the others empty)
            labs, line = cells[k:j], cells[k].line
            vals = [c for c in cells[j:end] if c.line == cells[j].line]
            if not (all(c.line == line and c.tabbed for c in labs) and len(vals) == len(labs)):
                return True
        k = j + 1 if j > k else k + 1
    return False


def ordinary(cells: list[Cell], items: list[Item]) -> tuple[list[tuple[Item, list[Cell]]], list[Cell]]:
    """Each run of labels with the run of values after it: one label takes all its values; a run of n
    labels takes n values in order (a row's labels printed above its values, the values of one line
    split where only one split makes each value fit its label); otherwise the last label takes them
    (the others were left empty). Values before any label are stray."""
    pairs: list[tuple[Item, list[Cell]]] = []
    stray: list[Cell] = []
    k = 0
    while k < len(cells):
        labs: list[Item] = []
        while k < len(cells) and (lab := cells[k].item) is not None:
            labs.append(lab)
            k += 1
        vals: list[Cell] = []
        while k < len(cells) and cells[k].item is None:
            vals.append(cells[k])
            k += 1
        if len(labs) > len(vals) == 1 and (split := _split_values(labs, vals[0], items)):
            split[0].lines = [vals[0].line]
            split[0].whole = vals[0]  # what the pieces came from (not a value of its own)
            vals = split
        if not labs:
            stray += vals
        elif len(labs) == 1:
            pairs.append((labs[0], vals))
        elif not vals:
            pairs += [(lab, []) for lab in labs]
        elif len(labs) == len(vals):
            pairs += [(lab, [v]) for lab, v in zip(labs, vals, strict=True)]
        else:  # items left empty, then the one whose values follow (承認日 of a municipality, 公表日)
            pairs += [(lab, []) for lab in labs[:-1]] + [(labs[-1], vals)]
    return pairs, stray


def _split_values(labs: list[Item], cell: Cell, items: list[Item]) -> list[Cell] | None:
    """`7 国民年金に関する事務 全項目評価書` under `評価書番号 評価書名`: one line of values for a run of
    labels, split at its spaces where exactly one split gives each label a value that fits it (a date
    or a number for those kinds; for a text, what is plausible and no other item's by what it is)."""
    text = cell.plain()
    spans = [m.span() for m in re.finditer(r"\S+", text)]
    tokens = [text[a:b] for a, b in spans]
    n = len(labs)
    if len(cell.lines) > 1 or n > MAX_SPLIT_LABELS or not n <= len(tokens) <= MAX_SPLIT_TOKENS:
        return None
    found = []
    for cuts in itertools.combinations(range(1, len(tokens)), n - 1):
        bounds = (0, *cuts, len(tokens))
        pieces = [text[spans[a][0] : spans[b - 1][1]] for a, b in zip(bounds, bounds[1:], strict=False)]
        if all(_fits_label(lab, p, items) for lab, p in zip(labs, pieces, strict=True)):
            found.append(pieces)
            if len(found) > 1:
                return None
    if len(found) != 1:
        return None
    return [Cell(cell.line, p) for p in found[0]]


def _fits_label(item: Item, text: str, items: list[Item]) -> bool:
    """A date or a number for those kinds; for a text, anything plausible that is not another item's."""
    if plausibility.fits(item, text):
        return True
    if item.kind in ("date", "integer", "count"):
        return False
    return plausibility.value_doubt(item, text) is None and not _atomic([i for i in items if i is not item], text)


def _by_content(
    form: Form,
    items: list[Item],
    cells: list[Cell],
    pairs: list[tuple[Item, list[Cell]]],
    fitting: dict[int, list[Cell]],
    wanting: set[int],
    running: set[str],
    block: set[int],
    layout: set[int],
    stamp: tuple[int, str, str] | None,
) -> Reading:
    out = Reading(lines=block, stamp=stamp)
    out.layout |= layout | {c.line for c in cells if c.item is not None}
    labelled = {id(i) for i, _ in pairs}
    taken: dict[int, Cell] = {}  # id(item) → its value
    pool: list[Cell] = []
    # the pairs of the ordinary reading kept, until none is contradicted: a pair released leaves its item
    # wanting a value, which may contradict another pair (the organisation under 特記事項 once
    # 評価実施機関名's own pair held a date); a shaped name that is implausible for its item is released
    # too, the order being known to be broken
    first: dict[int, tuple[Item, list[Cell]]] = {}
    for item, vals in pairs:
        if id(item) in first:  # a label printed twice: its values go to the pool
            pool += vals
        else:
            first[id(item)] = (item, vals)
    keep: dict[int, list[Cell]] = {}
    for key, (item, vals) in first.items():
        if not vals:
            continue
        if (
            (item.shape or item.kind in ("date", "integer", "count"))
            and len(vals) > 1
            and plausibility.fits(item, vals[0].plain())
        ):
            keep[key] = vals[:1]  # the first value is the item's; the rest were printed after it
            pool += vals[1:]
        elif not item.shape and item.kind not in ("date", "integer", "count"):
            # a paragraph under its label, then a date or a number printed after it (公表日's value
            # after the 宣言): that cell is the date's or the number's item's, not the paragraph's
            cut = len(vals)
            while cut > 1 and any(
                i.kind in ("date", "integer", "count") and plausibility.fits(i, vals[cut - 1].plain()) for i in items
            ):
                cut -= 1
            keep[key] = vals[:cut]
            pool += vals[cut:]
        else:
            keep[key] = vals
    for _ in range(len(first)):
        wanting = {id(i) for i in items if i.required and id(i) not in keep}
        bad = [
            key
            for key, vals in keep.items()
            if not _consistent(first[key][0], vals, items, fitting, wanting)
            or (first[key][0].shape and plausibility.value_doubt(first[key][0], _join(vals).plain()))
            or (first[key][0].required and _join(vals).plain() in _EMPTY)  # a required cell is not empty
        ]
        if not bad:
            break
        for key in bad:
            pool += keep.pop(key)
    # texts of no shape (宣言, 特記事項) are told apart by nothing they say: once one of them lost its
    # pairing, a paragraph kept under another is no more certain
    prose = [i for i in items if not i.shape and i.kind not in ("date", "integer", "count")]
    if any(id(i) in first and first[id(i)][1] and id(i) not in keep for i in prose):
        for i in prose:
            if id(i) in keep and _long(_join(keep[id(i)]).plain()):
                pool += keep.pop(id(i))
    for key, vals in keep.items():
        item = first[key][0]
        taken[key] = _join(vals)
        out.values.append(((item.key,), item, taken[key]))
    paired = {id(v) for _, vs in pairs for v in vs} | {id(v.whole) for _, vs in pairs for v in vs if v.whole}
    pool += [c for c in cells if c.item is None and id(c) not in paired]
    pool.sort(key=lambda c: c.line)
    # furniture of the cover page (the running title, the department, and the page number between
    # them) is no value of it
    rest = []
    for k, c in enumerate(pool):
        beside = [pool[j].plain() in running for j in (k - 1, k + 1) if 0 <= j < len(pool)]
        if c.plain() in running or (c.plain().isdigit() and len(beside) == 2 and all(beside)):
            out.layout.add(c.line)
        else:
            rest.append(c)
    pool = rest
    open_items = [i for i in items if id(i) in labelled and id(i) not in taken]
    unlabelled = [i for i in items if id(i) not in labelled]

    def kind(item: Item) -> str:
        if item.kind in ("date", "integer", "count"):
            return item.kind
        return f"shape:{item.shape}" if item.shape else "prose"

    def classes(c: Cell) -> set[str]:
        fit = {kind(i) for i in items if plausibility.fits(i, c.plain())}
        if not fit and _long(c.plain()):
            fit = {"prose"}
        return fit

    leftover: list[Cell] = []
    groups: dict[str, list[Cell]] = {}
    for c in pool:
        cl = classes(c)
        if len(cl) == 1:
            groups.setdefault(next(iter(cl)), []).append(c)
        else:
            leftover.append(c)
    for group, vals in groups.items():
        cands = [i for i in open_items if kind(i) == group]
        if not cands:
            hidden = [i for i in unlabelled if kind(i) == group and id(i) not in taken]
            if len(hidden) == 1 and len(vals) == 1 and group != "prose":
                item = hidden[0]
                taken[id(item)] = vals[0]
                out.unsure.append(
                    (
                        (item.key,),
                        item,
                        vals[0],
                        vals[0].line,
                        vals[0].plain(),
                        f"「{item.label}」のラベルが表紙にありません。値の形からこの項目の値と読みました",
                    )
                )
            else:
                leftover += vals
            continue
        required = [i for i in cands if i.required]
        if len(vals) == 1 and (len(cands) == 1 or len(required) == 1):
            item = cands[0] if len(cands) == 1 else required[0]
            taken[id(item)] = vals[0]
            out.values.append(((item.key,), item, vals[0]))
            continue
        if len(vals) == len(cands) and len({v.plain() for v in vals}) == 1:
            # as many values as items, all the same (承認日 and 公表日 both 令和6年4月1日): whichever goes
            # where, each item has its value
            for item, v in zip(cands, vals, strict=True):
                taken[id(item)] = v
                out.values.append(((item.key,), item, v))
            continue
        names = "、".join(f"「{i.label}」" for i in cands)
        quoted = " / ".join(v.plain()[:30] for v in vals)
        for item in cands:
            taken[id(item)] = vals[0]
            out.unsure.append(
                (
                    (item.key,),
                    item,
                    None,
                    vals[0].line,
                    quoted,
                    f"表紙の値の順が崩れていて、{names}にどの値が当たるか決められません(候補: {quoted})",
                )
            )
        for v in vals:
            out.notes.append((v, f"{names}のどれかの値です(表紙の値の順が崩れているため要確認)"))
    for c in leftover:
        out.notes.append((c, "表紙の値ですが、どの項目の値か判断できませんでした"))
    order = {id(i): k for k, i in enumerate(items)}  # the form's order (stable output)
    out.values.sort(key=lambda v: order[id(v[1])])
    return out


def _long(text: str) -> bool:
    """A paragraph: long, or a sentence."""
    return len(text) >= LONG or "。" in text


def _join(vals: list[Cell]) -> Cell:
    if len(vals) == 1:
        return vals[0]
    return Cell(vals[0].line, "\n".join(v.text for v in vals), None, [ln for v in vals for ln in (v.lines or [v.line])])
