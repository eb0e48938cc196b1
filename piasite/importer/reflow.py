"""Text layouts an extractor makes of the form's table, rewritten into the lines the label
parser (body.py) reads — one label on its line, its value on the lines after it — by the form's
labels in their order and by what each value is, never by line numbers:

- a page flattened into one whitespace-separated stream: split at the form's labels where each
  is the next item the form expects (item numbers glued to labels, `[ x ] <選択肢> 1) …` choices,
  `-` for an empty text);
- labels of a merged label column printed first, then their values: the values assigned to the
  labels in order by what each one is (a choice's brackets, a list of names, a name of one line,
  a date, a number — checks/plausibility.py);
- a tall value cell whose label is printed mid-value: the lines a name took beyond its one line
  given to the text item whose label came next.

What the layout does not settle is carried on the label line (Line.doubt, the source text and the
reason); the parser records it as unsure and the item becomes !要確認, never a silent guess.
Nothing here names a form key: labels, kinds and shapes come from the form."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from piasite.checks.plausibility import fits, shape_doubt, value_doubt
from piasite.core import dates
from piasite.forms import regime
from piasite.forms.form import Form
from piasite.forms.items import Item
from piasite.importer import choices
from piasite.importer.body import BodyParser
from piasite.importer.cells import without_risk_prefix, wrapped
from piasite.importer.text import is_separator, nfkc, norm, norm_value, plain

Numbered = list[tuple[int, str]]

# norm without its cache: the runs of a stream's tokens are tried once each and would push the labels
# the parser compares over and over out of the cache
_norm = getattr(norm, "__wrapped__", norm)
# Labels a flattened line must carry to be read as a page flattened into one stream.
_MIN_LABELS = 3
# How far ahead of the item last read a label may be and still be the next one the form expects.
_AHEAD = 16
# Value units past which the assignment is not searched (the run is marked unsettled).
_MAX_UNITS = 24
_EMPTY = {"-", "－", "―", "—", "ー"}
_OPTION = re.compile(r"^\d+\)")
_ELISION = {"…", "...", "・・・"}
# the version stamp printed under 公表日, in its normal form ([平成26年4月様式2])
_STAMP = re.compile(r"^[\[［〔]?(?:平成|令和)(?:元|\d{1,2})年\d{1,2}月様式\d[\]］〕]?$")
STAMP = -1  # the slot of a hit that names no item (the stamp, a page number)
# a page number (2 / 9, 2/5) or a rule (-----) inside a flattened stream, in its normal form
_PAGE = re.compile(r"^(?:\d{1,3}/\d{1,3}|-{3,})$")
# a name's printed numbering: 1. / 1) / (1) / ⑴ / ①
_NUMBERED = re.compile(r"^(?:(\d+)\s*[.．)）]|[(（](\d+)[)）]|([⑴-⒇])|([①-⑳]))")


class Line(str):
    """A line the reflow wrote. `doubt`: (source text, reason) on a label line whose value the
    layout leaves unsettled; the parser records it as unsure (→ !要確認 with the reason)."""

    doubt: tuple[str, str] | None = None
    merged: tuple[int, ...] = ()  # the source lines joined into this one (after its own)


def _line(text: str, doubt: tuple[str, str] | None = None, merged: tuple[int, ...] = ()) -> Line:
    out = Line(text)
    out.doubt = doubt
    out.merged = merged
    return out


@dataclass
class _Hit:
    start: int  # first token
    end: int  # past the last token
    slot: int  # slot index (a part's heading is its part item's slot; a group's for an element heading)
    # or: stamp, page (a page number, a rule), element (システム2), parent (再委託), changes (変更箇所),
    # toc (項目一覧 and each part heading it lists)
    kind: str = "label"


class _Cursor:
    """The form's labels in order, and the item last read: a label is accepted only as an item
    ahead of it in the part being read, or as the heading of a later part."""

    def __init__(self, form: Form) -> None:
        skip = (form.role_item("changes").key,) if form.has_role("changes") else ()
        self.p = BodyParser(form, skip_keys=skip)
        self.slots = self.p.slots
        self.part_slot = {i: k for k, s in enumerate(self.slots) for i, p in enumerate(self.p.parts) if s.item is p}
        self.part_labels = {norm(lab): i for i, p in enumerate(self.p.parts) for lab in p.all_labels}
        self.longest = max((len(k) for k in self.p.by_label), default=0)
        self.cursor = -1
        self.part = -1
        self.stream = False  # reading a flattened line's tokens
        self.proved = 0  # runs of labels each given its own value after them (the layout's evidence)
        self.labels_first = True  # whether the text shows that layout (what is open is then !要確認)
        self.width: int | None = None  # the width value cells are hard-wrapped at (cell_width)
        self.contents_label = norm(form.contents or "") or "\0"
        self.contents = False  # in the table of contents (項目一覧): its part headings start nothing
        self.longest_line = 0  # the longest printed line's characters
        # labels printed inside their values: chains read better so, and better as printed (_inside)
        self.votes = [0, 0]
        self.layout: str | None = None  # "inside", "canonical" or None: what the votes of a first pass say
        self.tabless = False  # a text of one PDF line per line (no table's cells): where labels sit inside
        self.changelog: list[tuple[int, list[str]]] | None = None  # a flattened change log's tokens, by line
        self.flat = False  # a line of the text was read as a flattened page
        self.pages = False  # the text's lines are pages (most of them long): every one a stream
        self.apart = False  # label cells printed apart from their values (pdftotext's reading order)
        self.tail: int | None = None  # the lines of a labels-first run's last value (_labels_first)

    def accept(self, n: str, move: bool = True) -> int | None:
        """The slot the normalised label `n` names as the next expected item, or None."""
        if n in self.part_labels:
            p = self.part_labels[n]
            # a later part, or the next element of a part that is a group (Ⅱ of the second file)
            if p > self.part or (p == self.part >= 0 and self.p.parts[p].kind == "group"):
                k = self.part_slot[p]
                if move:
                    self.part, self.cursor = p, k
                return k
            return None
        cands = self.p.by_label.get(n) or []
        if not cands and n in self.p.by_digit_label:
            cands = self.p.by_digit_label[n]
        for i in cands:
            s = self.slots[i]
            if s.item.kind == "flag":  # `□ 接続しない`: a box beside its section's heading, not a label
                continue
            # in a token stream a short label may be a word of a value: an item's own label is taken
            # only near the item last read; a section's numbered heading anywhere ahead in the part
            near = not self.stream or s.item.is_container or i <= self.cursor + _AHEAD
            if s.part == self.part and self.cursor < i and near:
                if move:
                    self.cursor = i
                return i
        # a label printed once in the form, of the next part, whose heading the text lacks
        if len(cands) == 1 and self.slots[cands[0]].part == self.part + 1 >= 0:
            if move:
                self.part, self.cursor = self.part + 1, cands[0]
            return cands[0]
        return None

    def heading(self, numbered: Numbered, k: int) -> None:
        """Follow a part's heading printed with more on its line; a run of part headings is the
        table of contents (項目一覧), which starts nothing."""
        raw = numbered[k][1]
        p = self.p.part_of(raw)
        if _norm(raw) == _norm(self.p.form.contents or "\0"):
            self.contents = True
            return
        if p is None:
            self.contents = False
            return
        nxt = next((r for _, r in numbered[k + 1 : k + 4] if r.strip() and not is_separator(r)), "")
        if self.p.part_of(nxt) is not None:
            self.contents = True
        elif not self.contents and (p > self.part or (p == self.part and self.p.parts[p].kind == "group")):
            self.part, self.cursor = p, self.part_slot[p]
        else:
            self.contents = False  # the last entry of the table of contents

    def skipped(self, raw: str) -> bool:
        """The heading of a part read elsewhere (the change log, (別添3) 変更箇所)."""
        n = _norm(raw)
        return any(lab and lab in n[: len(lab) + 8] for lab in self.p.skipped)

    def leaf(self, i: int, cover: bool = False) -> bool:
        """A value-bearing item (of a part; of the cover too when `cover`)."""
        s = self.slots[i]
        return not s.item.is_container and (s.part >= 0 or cover) and i not in self.part_slot.values()

    def _ends(self, tokens: list[str], k: int) -> list[tuple[int, str]]:
        """(past-last token, normal form) of the runs of tokens from k that may be a label."""
        out, joined = [], ""
        for j in range(k, min(len(tokens), k + 8)):
            joined += tokens[j]
            if len(joined) > 2 * self.longest + 16:  # longer than any label, whatever markup it holds
                break
            n = _norm(joined)
            if len(n) > self.longest:
                break
            out.append((j + 1, n))
        return out

    def _element(self, n: str) -> int | None:
        """The group slot whose element heading (システム2, 委託事項2～5) `n` is, in this part."""
        for rx, rng, gi in self.p.elements:
            if self.slots[gi].part == self.part and (rx.match(n) or rng.match(n)):
                return gi
        return None

    def _heading(self, ends: list[tuple[int, str]]) -> tuple[int, int] | None:
        """(past-last token, part) of a part's heading at these runs, the change log's heading
        counting as a part after every other."""
        for end, n in reversed(ends):
            if n in self.part_labels:
                return end, self.part_labels[n]
            if n in self.p.skipped:
                return end, len(self.p.parts)
        return None

    def hits(self, tokens: list[str], move: bool) -> list[_Hit]:
        """The labels a token stream carries, each the longest run of tokens that is one."""
        saved = (self.cursor, self.part)
        self.stream = True
        out: list[_Hit] = []
        k, toc, last = 0, False, -1
        while k < len(tokens):
            found = None
            ends = self._ends(tokens, k)
            stamp = next((end for end, n in ends[:3] if _STAMP.match(n)), None)
            if stamp is not None:  # the version stamp ([令和6年10月 様式2]) is a line of its own
                out.append(_Hit(k, stamp, STAMP, "stamp"))
                k = stamp
                continue
            page = next((end for end, n in ends[:3] if _PAGE.match(n)), None)
            if page is not None:  # a page's number or a rule: furniture, a line of its own
                out.append(_Hit(k, page, STAMP, "page"))
                k = page
                continue
            gi = self._element(ends[0][1]) if ends else None
            if gi is not None:  # システム2 / 委託事項2～5: a group element's heading
                self.cursor = gi  # its items are read afresh (restored after a trial scan)
                out.append(_Hit(k, k + 1, gi, "element"))
                k += 1
                continue
            if any(n == self.contents_label for _, n in ends[:3]):  # 項目一覧: the part headings after it
                end = next(e for e, n in ends if n == self.contents_label)
                out.append(_Hit(k, end, STAMP, "toc"))  # a line of its own, as each entry after it
                k, toc, last = end, True, -1
                continue
            head = self._heading(ends)
            if head is not None:
                end, p = head
                # the table of contents (項目一覧): part headings one after the other, in increasing
                # order; the first heading not after the one before it opens the body
                if (toc and p > last) or self._heading(self._ends(tokens, end)) is not None:
                    out.append(_Hit(k, end, STAMP, "toc"))
                    k, toc, last = end, True, p
                    continue
                if p == len(self.p.parts):  # the change log's heading: its table follows
                    out.append(_Hit(k, end, STAMP, "changes"))
                    k, toc = end, False
                    continue
            toc = False
            for end, n in reversed(ends if tokens[k] not in _EMPTY else []):  # `-` is a value, not markup
                i = self.accept(n)
                if i is not None:
                    found = _Hit(k, end, i)
                    break
            if found is None and ends and ends[0][1] in self.p.parent_labels:
                found = _Hit(k, k + 1, STAMP, "parent")  # 再委託: the label of the rows' group
            if found:
                out.append(found)
                k = found.end
            else:
                k += 1
        self.stream = False
        if not move:
            self.cursor, self.part = saved
        return out


# -- assigning values to labels printed before them ------------------------------------------


def _choice_block(units: list[str], start: int, item: Item) -> tuple[int, int] | None:
    """(first, past-last) unit of a choice's printed value from `start`: `[ x ]` (its bracket possibly
    split over units) and the option list after it (`<選択肢> 1) … 2) …`), or a bare option."""
    for a in range(start, len(units)):
        u = units[a].strip()
        if u.startswith(("[", "［")):
            b = a
            while (
                b < len(units)
                and not re.search(r"[\]］]", units[b])
                and not units[b].startswith(("<選択肢>", "＜選択肢＞"))
            ):
                b += 1
            b = b + 1 if b < len(units) and re.search(r"[\]］]", units[b]) else b
            return a, _options_end(units, b, item)
        if item.kind == "choice" and fits(item, u):
            return a, _options_end(units, a + 1, item)
        if re.match(r"^[<＜]選択肢[>＞].*[\[［][^\]］]*[\]］]", u):  # the options, then the bracket, in one row
            return a, a + 1
    return None


def _boxes_block(units: list[str], start: int, alone: bool = False) -> tuple[int, int] | None:
    """(first, past-last) unit of a multi-choice's printed boxes (☑ 甲 ☐ 乙, [○] 甲 [ ] 乙), in a
    table's line each; None in a token stream (a box and its option are several tokens)."""
    for a in range(start, len(units)):
        if len(choices.boxes(units[a])) >= 2:
            b = a + 1
            while not alone and b < len(units) and choices.boxes(units[b]):
                b += 1
            return a, b
    return None


def _box_at(tokens: list[str], a: int) -> bool:
    """A box at token a of a stream: a glyph box (☑, [○]), or an empty `[ ]` split into two tokens."""
    if choices.boxes(tokens[a]):
        return True
    return tokens[a] in ("[", "［") and a + 1 < len(tokens) and tokens[a + 1] in ("]", "］")


def _options_end(units: list[str], k: int, item: Item) -> int:
    """Past the option list that follows a choice's value (`<選択肢>` and `1) …` units)."""
    if k >= len(units) or not re.match(r"^[<＜]選択肢[>＞]", units[k]):
        return k
    if re.search(r"\d+\)", units[k]):  # the whole list in this unit (a line), maybe wrapped onto the next
        k += 1
        while k < len(units) and wrapped(units[k - 1], units[k]) and not _NUMBERED.match(units[k]):
            k += 1
        while k < len(units) and _OPTION.match(units[k]):
            k += 1
        return k + (1 if k < len(units) and units[k] in _ELISION else 0)
    k += 1
    options = [norm_value(c) for c in item.choices]
    while k < len(units) and _OPTION.match(units[k]):
        rest = _OPTION.sub("", units[k])
        k += 1
        text = norm_value(rest)
        while k < len(units) and not _OPTION.match(units[k]) and not any(o == text for o in options):
            longer = text + norm_value(units[k])
            if not any(o.startswith(longer) for o in options):
                break
            text = longer
            k += 1
    return k + (1 if k < len(units) and units[k] in _ELISION else 0)


def _numbers_run(block: list[str]) -> bool:
    """A list's printed numbering, if any, is one style counting from 1 (a line continuing a
    name in between is unnumbered)."""
    style, expect = None, 1
    for k, u in enumerate(block):
        m = _NUMBERED.match(u.strip())
        if m is None:
            if k == 0 and any(_NUMBERED.match(x.strip()) for x in block[1:]):
                return False
            continue
        kind = next(g for g in range(4) if m.group(g + 1))
        mark = m.group(kind + 1)
        n = int(mark) if kind < 2 else ord(mark) - (0x2474 if kind == 2 else 0x2460) + 1
        if style is None:
            style = kind
        if kind != style or n != expect:
            return False
        expect += 1
    return True


def _plausible(item: Item, block: list[str], lines: bool) -> bool:
    """Whether `block` (units: lines, or tokens of a flattened line) can be the item's value."""
    if not block:
        return True
    if len(block) == 1 and block[0].strip() in _EMPTY:
        return item.kind in ("text", "list", "date", "ref")
    if any(u.strip() in _EMPTY for u in block):
        return False
    joined = ("\n" if lines else " ").join(u.strip() for u in block)
    if item.kind in ("integer", "count", "date"):
        return fits(item, joined)
    if item.kind == "list":
        if item.shape and any(shape_doubt(item.shape, u) for u in block):
            return False
        return _numbers_run(block)
    if item.kind in ("text", "ref"):
        if item.shape:
            return shape_doubt(item.shape, joined) is None
        return True
    return False  # a choice outside its brackets, flags, a table: not assigned by shape


def _compositions(m: int, n: int, empties: int) -> Iterator[list[tuple[int, int]]]:
    """The ways of cutting m units into n blocks in order, exactly `empties` of them empty."""
    for empty in itertools.combinations(range(n), empties):
        full = n - empties
        if full == 0:
            if m == 0:
                yield [(0, 0)] * n
            continue
        if m < full:
            continue
        for cuts in itertools.combinations(range(1, m), full - 1):
            bounds = [0, *cuts, m]
            spans = iter(zip(bounds, bounds[1:], strict=False))
            out, at = [], 0
            for k in range(n):
                if k in empty:
                    out.append((at, at))
                else:
                    a, b = next(spans)
                    out.append((a, b))
                    at = b
            yield out


def _free(items: list[Item], units: list[str], lines: bool) -> list[list[str]] | None:
    """Blocks of `units`, one per item, the only plausible way (fewest empty blocks first); None
    when the values do not settle it."""
    if len(items) == 1:
        return [units]
    if not items:
        return [] if not units else None
    if len(units) > _MAX_UNITS:
        return None
    # a run of labels each has its value, as printed one under the other (fewest empty first); but a
    # stream's tokens are words, a free text any number of them: between two free texts (no shape
    # to tell them apart) every reading counts alike
    free = sum(1 for it in items if it.kind in ("text", "ref") and not it.shape)
    levels = [range(len(items) + 1)] if not lines and free >= 2 else [[e] for e in range(len(items) + 1)]
    for level in levels:
        found = []
        for empties in level:
            for comp in _compositions(len(units), len(items), empties):
                blocks = [units[a:b] for a, b in comp]
                if all(_plausible(it, bl, lines) for it, bl in zip(items, blocks, strict=True)):
                    found.append(blocks)
        if not found:
            continue
        if len(found) == 1:
            return found[0]
        # several readings are possible: the one where the most values show what they are (a date,
        # a number, an organisation's name ending in 長), when only one does
        scores = [sum(_evidence(it, bl, lines) for it, bl in zip(items, blocks, strict=True)) for blocks in found]
        best = max(scores)
        if best > 0 and scores.count(best) == 1:
            return found[scores.index(best)]
        return None
    return None


def _evidence(item: Item, block: list[str], lines: bool) -> bool:
    """Whether the block shows positively that it is the item's value: a date, a number, one of
    the choices, or a name ending as the item's shape declares (…長, …評価書); a mere name that
    is not implausible shows nothing."""
    if not block or (len(block) == 1 and block[0].strip() in _EMPTY):
        return False
    joined = ("\n" if lines else " ").join(u.strip() for u in block)
    if item.kind in ("date", "integer", "count", "choice"):
        return fits(item, joined)
    return bool(item.shape and _endings(item.shape) and fits(item, joined))


def _endings(shape: str) -> list[str]:
    return list((regime.section("shapes").get("shapes") or {}).get(shape, {}).get("endings") or [])


def assign(items: list[Item], units: list[str], lines: bool) -> list[list[str]] | None:
    """The values printed after a run of labels, cut into one block per label in order: choices by
    their brackets and option lists, the rest by what each value is. None: not settled."""
    anchors: list[tuple[int, int, int]] = []  # (item index, first unit, past-last unit)
    at = 0
    shown = [plain(u) for u in units]  # markup aside (<p>[実施する]</p>)
    for k, it in enumerate(items):
        if it.kind in ("choice", "multi"):
            if it.kind == "multi" and not lines:
                # a stream: its boxes and options are many tokens, the rest of the values when last
                first = next((a for a in range(at, len(shown)) if _box_at(shown, a)), None)
                span = (first, len(shown)) if first is not None and k == len(items) - 1 else None
            elif it.kind == "multi":
                alone = any(x.kind == "multi" for x in items[k + 1 :])  # another's boxes follow
                span = _boxes_block(shown, at, alone)
            else:
                span = _choice_block(shown, at, it)
            if span is None:
                return None
            anchors.append((k, *span))
            at = span[1]
    out: list[list[str]] = []
    ik, uk = 0, 0
    for k, a, b in [*anchors, (len(items), len(units), len(units))]:
        between = _free(items[ik:k], units[uk:a], lines)
        if between is None:
            return None
        out += between
        if k < len(items):
            out.append(units[a:b])
        ik, uk = k + 1, b
    return out


# -- labels first: the values of a run of labels printed as lines ------------------------------

# a line ending where a sentence or a bracket closes: it may end its value even when as wide as the cell
_CLOSED = re.compile(r"[。．.」』)）\]］]$")
# combinations of cuts past which a run's free lines are not searched (the run is marked unsettled)
# a page's number as a footer prints it: 2 / 9, - 2 -, －２－, a bare number
_PAGE_NUMBER = re.compile(r"^(?:\d{1,3}\s*/\s*\d{1,3}|[-－‐―ー]\s*\d{1,3}\s*[-－‐―ー]|\d{1,3})$")
# a line opening with a box (☐ 甲, [○] 乙, [ ] 丙)
_BOXED = re.compile(r"^\s*(?:[\[［]\s*[^\]］\s]?\s*[\]］]|[" + choices._GLYPHS + "])")
Segment = tuple[int, int, int, int, "list[list[str]] | None"]  # items a..b, units c..d, their blocks


def cell_width(lines: list[str]) -> int | None:
    """The width value cells are hard-wrapped at, read from the text itself: the line length that
    many lines share at the top of the lengths (a wrapped line fills its cell), or None when the
    text shows no such edge (it does not wrap its cells, or too few lines do)."""
    lengths: dict[int, int] = {}
    for raw in lines:
        t = raw.rstrip("\r\n")  # as printed: the space a wrap left at a line's edge counts
        if "\t" in raw or len(t.strip()) < 16:
            continue
        lengths[len(t)] = lengths.get(len(t), 0) + 1
    if not lengths:
        return None

    def edge(width: int) -> bool:
        """Many lines this long, few longer: the distribution falls off a cliff after it."""
        count = lengths[width]
        after = max(lengths.get(width + d, 0) for d in (1, 2, 3))
        before = sum(lengths.get(width - d, 0) for d in range(1, 7)) / 6
        longer = sum(n for length, n in lengths.items() if length > width)
        return count >= 5 and count >= 4 * after and count >= before and count >= longer

    # the edge most lines reach (the body's cells; the cover's are wider and fewer)
    return max((w for w in lengths if edge(w)), key=lambda w: (lengths[w], w), default=None)


def _full(line: str, width: int | None) -> bool:
    """A line (as printed, its edge's spaces kept) that fills its cell and runs on into the next (no
    value ends there), as far as the text shows: as wide as the cell, not closed by a full stop or
    a bracket."""
    t = line.rstrip("\r\n")
    return width is not None and len(t) >= width and not _CLOSED.search(t.strip())


def _paragraphs(units: list[str], full: list[bool]) -> list[tuple[int, int]]:
    """(first, past-last) unit of each printed paragraph: a line that fills the cell and the lines
    it runs on into (a value never ends inside one)."""
    out: list[tuple[int, int]] = []
    for k in range(len(units)):
        if out and full[k - 1]:
            out[-1] = (out[-1][0], k + 1)
        else:
            out.append((k, k + 1))
    return out


def _free_lines(items: list[Item], units: list[str], full: list[bool]) -> list[list[str]] | None:
    """The free values of `items` (no brackets, no boxes) in `units` (lines), cut only where a
    paragraph ends (a line filling the cell runs on into the next): `_free` over the paragraphs."""
    paras = _paragraphs(units, full)
    if len(items) > 1 and len(paras) > _MAX_UNITS:
        return None
    texts = ["".join(units[a:b]) if b - a > 1 else units[a] for a, b in paras]
    if len(items) == 1 and not _plausible(items[0], texts, lines=True):
        return None  # one item left, and the lines are not what it holds (a date item, a heading under it)
    blocks = _free(items, texts, lines=True)
    if blocks is None:
        return None
    out, at = [], 0
    for bl in blocks:
        a = paras[at][0] if bl else 0
        b = paras[at + len(bl) - 1][1] if bl else 0
        out.append(units[a:b])
        at += len(bl)
    for item, block in zip(items, out, strict=True):
        # a text holding a choice's option list, boxes, the version stamp (checks/plausibility.py): lines
        # of another item's cell (a footer between a bracket and its options) are in it
        if block and item.kind in ("text", "ref") and value_doubt(item, "\n".join(block)) is not None:
            return None
    return out


def _alone(item: Item, text: str) -> bool:
    """Whether one printed paragraph shows by itself that it is the item's whole value: a date, a
    number, a name of the item's shape (one line, not a sentence)."""
    if item.kind in ("date", "integer", "count"):
        return fits(item, text)
    shape = item.shape
    return item.kind == "text" and shape is not None and "\n" not in text and shape_doubt(shape, text) is None


def _free_segments(items: list[Item], units: list[str], full: list[bool], i0: int, u0: int) -> list[Segment]:
    """`_free_lines` as segments (items and units from i0, u0); where the whole is not settled, a
    first or last item whose paragraph shows what it is (a name, a date, a number) is settled alone
    and the rest tried again."""
    blocks = _free_lines(items, units, full)
    whole: list[Segment] = [(i0, i0 + len(items), u0, u0 + len(units), blocks)]
    if blocks is not None or len(items) < 2:
        return whole
    paras = _paragraphs(units, full)
    if len(paras) < 2:
        return whole
    (a0, b0), (a1, b1) = paras[0], paras[-1]
    if _alone(items[0], "".join(units[a0:b0])):
        rest = _free_segments(items[1:], units[b0:], full[b0:], i0 + 1, u0 + b0)
        return [(i0, i0 + 1, u0, u0 + b0, [units[:b0]]), *rest]
    if _alone(items[-1], "".join(units[a1:b1])):
        rest = _free_segments(items[:-1], units[:a1], full[:a1], i0, u0)
        return [*rest, (i0 + len(items) - 1, i0 + len(items), u0 + a1, u0 + len(units), [units[a1:]])]
    return whole


def _bracket_fits(item: Item, line: str) -> bool:
    """Whether a choice's printed bracket (`[ 10人未満 ]`, `[ ]`) holds one of the item's choices or nothing."""
    m = re.match(r"^\s*[\[［]([^\]］]*)[\]］]", line)
    if m is None:
        return True  # a bracket split over lines: read by the parser
    inner = m.group(1).strip()
    return not inner or choices.match_choice(inner, item.choices)[0] is not None


def _option_index(item: Item, text: str) -> int | None:
    """The position among the item's options of the one a box's text prints (as stored, as any
    version of the form prints it, or a variant), its qualifier after it."""
    t = norm_value(text)
    best, at = 0, None  # the longest that the text starts with (個人番号対応符号, not 個人番号)
    for k, o in enumerate(item.options):
        for p in {o.text, o.label or o.text, *o.variants, *(lab for _, lab in o.version_labels)}:
            n = norm_value(p)
            if n and t.startswith(n) and len(n) > best:
                best, at = len(n), k
    return at


def _boxes_lines(
    units: list[str], start: int, item: Item, full: list[bool], alone: bool = False
) -> tuple[int, int] | None:
    """(first, past-last) line of a multi-choice's boxes from `start`: printed lines (a line that fills
    the cell joined to the one it runs on into) of boxes whose texts are the item's options in the
    form's order (the next multi's boxes start again from its first option)."""
    paras = [(a, b) for a, b in _paragraphs(units, full) if a >= start]
    first = next((k for k, (a, b) in enumerate(paras) if choices.boxes("".join(units[a:b]))), None)
    if first is None:
        return None
    last, k = -1, first
    while k < len(paras):
        bxs = choices.boxes("".join(units[paras[k][0] : paras[k][1]]))
        found = [_option_index(item, x.text) for x in bxs]
        idx = [i for i in found if i is not None]
        if not bxs or len(idx) < len(found) or any(i <= j for i, j in zip(idx, [last, *idx[:-1]], strict=True)):
            break
        last = idx[-1]
        k += 1
    if alone or (k == first and not any(_option_index(item, x.text) is not None for x in bxs)):
        # options printed in other words than the form's (庁内 / 市内連携システム), or out of its order
        # where no other multi's boxes follow: the lines of boxes that follow, one after the other
        while k < len(paras) and _BOXED.match(units[paras[k][0]]):
            k += 1
    return (paras[first][0], paras[k - 1][1]) if k > first else None


def _options_on(item: Item, units: list[str], full: list[bool], a: int, e: int) -> int:
    """Past the option list of the choice printed from unit a (its bracket and `<選択肢>` up to e, as
    `_choice_block` found them): the lines it runs on into (a line filling the cell) and the options
    numbered on from the last one printed, up to the item's number of choices."""
    if not any(re.match(r"^[<＜]選択肢[>＞]", u) for u in units[a:e]):
        return e
    numbers = [int(n) for u in units[a:e] for n in re.findall(r"(?:^|\s)(\d{1,2})\)", u)]
    last = numbers[-1] if numbers else 0
    while e < len(units):
        # the next option's number opening the line, or after the end of the option before it
        # wrapped onto this line (`万人未満 5) 1,000万人以上`)
        nxt = last + 1 <= len(item.choices) and re.search(rf"(?:^|\s){last + 1}\)", units[e])
        if not full[e - 1] and not nxt:
            break
        numbers = [int(n) for n in re.findall(r"(?:^|\s)(\d{1,2})\)", units[e])]
        last = numbers[-1] if numbers else last
        e += 1
    return e


def settle(
    items: list[Item], lines: list[str], width: int | None, breaks: frozenset[int] = frozenset()
) -> list[Segment]:
    """The lines printed after a run of labels, cut into segments at each choice's bracket and
    option list and each multi-choice's boxes; the free lines between two of them given to their
    items by what each value is and where paragraphs end. A segment whose cut the lines do not
    settle has None for its blocks (its items are !要確認), the others are kept. `lines` as printed
    (the spaces at a wrapped line's edge kept); `breaks`: the lines a page break stands before or
    after (the page's running footer, where the text keeps some of it, is beside them)."""
    units = [r.strip() for r in lines]
    full = [_full(r, width) for r in lines]
    shown = [plain(u) for u in units]
    anchors: list[tuple[int, int, int]] = []  # (item index, first unit, past-last unit)
    at = 0
    for k, it in enumerate(items):
        span = None
        if it.kind == "multi" and it.options:
            alone = not any(x.kind == "multi" for x in items[k + 1 :])
            span = _boxes_lines(shown, at, it, full, alone)
        elif it.kind == "choice":
            span = _choice_block(shown, at, it)
            if span is not None and not _bracket_fits(it, shown[span[0]]):
                span = None
            if span is not None:
                span = (span[0], _options_on(it, shown, full, *span))
        if span is not None and ((span[0] > 0 and full[span[0] - 1]) or full[span[1] - 1]):
            span = None  # a line that runs on into the bracket or the boxes, or out of them: not theirs
        if span is not None:
            anchors.append((k, *span))
            at = span[1]
    # a page number among the lines (2 / 9, - 2 -, a bare number) is a page's foot the text keeps:
    # its running footer (事務, department) is among the lines too, and no free value is settled
    paged = any(_PAGE_NUMBER.match(u) for u in units) and not any(it.kind in ("integer", "count") for it in items)
    paged = paged or bool(breaks)
    out: list[Segment] = []
    ik, uk = 0, 0
    for k, a, b in [*anchors, (len(items), len(units), len(units))]:
        free = items[ik:k]
        stray = a if not free and a > uk else None  # lines between two values that are no item's
        if free:
            # a choice or a multi-choice whose brackets or boxes were not found: not given a value by
            # its shape, and not left empty while the lines may hold it
            boxed = any(it.kind in ("choice", "multi") for it in free) and a > uk
            if boxed or (paged and (not breaks or any(x in breaks for x in range(uk, a)))):
                out.append((ik, k, uk, a, None))
            else:
                out += _free_segments(free, units[uk:a], full[uk:a], ik, uk)
        elif stray is not None and out:  # the value before them is not settled
            out[-1] = (out[-1][0], out[-1][1], out[-1][2], a, None)
            stray = None
        if k < len(items):
            out.append((k, k + 1, uk if stray is not None else a, b, None if stray is not None else [units[a:b]]))
        elif stray is not None:
            out.append((ik, k, uk, a, None))
        ik, uk = k + 1, b
    return out


def _unsettled(items: list[Item], shown: str) -> tuple[str, str]:
    labels = "・".join(f"「{it.label}」" for it in items)
    return (
        shown,
        f"{labels}のラベルが先にまとめて印字され、その後の値の区切りが値の形から決まりません(元の PDF で確認してください)",
    )


# -- a flattened page ------------------------------------------------------------------------


class _Stream:
    """A flattened line's tokens and the spaces printed before each (a full-width space kept)."""

    def __init__(self, raw: str) -> None:
        parts = re.split(r"([ \u3000]+)", raw.strip())
        self.tokens = parts[0::2]
        self.seps = ["", *parts[1::2]]

    def text(self, a: int, b: int, wraps: bool = False) -> str:
        """Tokens a..b as printed; `wraps`: a long token ended mid-sentence and the next one were a
        line wrapped at the cell's edge, joined without the space (as the label parser joins them)."""
        out = ""
        for k in range(a, b):
            t = self.tokens[k]
            if out:
                last = self.tokens[k - 1]
                glued = wraps and wrapped(last, t) and _LEFT.match(last[-1]) and _CJK.match(t[0])
                out += "" if glued else self.seps[k]
            out += t
        return out


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_LEFT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff、]")


def _flattened(cur: _Cursor, no: int, raw: str, nxt: str = "") -> Numbered | None:
    """A line carrying several of the form's labels in order: one line per label and value (`nxt`:
    the line after it, where the change log's table starts when its heading ends this one)."""
    if "\t" in raw:
        return None
    st = _Stream(raw)
    tokens = st.tokens
    trial = cur.hits(tokens, move=False)
    # once the text shows flattened pages, a page with fewer labels (the last one: a value's end and
    # the change log) is cut the same way
    pages = cur.flat and cur.pages
    if len([h for h in trial if h.kind == "label"]) < (1 if pages else _MIN_LABELS) and not (
        pages and any(h.kind == "changes" for h in trial)
    ):
        return None
    cur.flat = True
    hits = cur.hits(tokens, move=True)
    out: Numbered = []
    run: list[_Hit] = []
    for k, h in enumerate(hits):
        if k == 0 and h.start > 0:
            out.append((no, _line(st.text(0, h.start))))
        label = st.text(h.start, h.end)
        a, b = h.end, hits[k + 1].start if k + 1 < len(hits) else len(tokens)
        after = tokens[a : a + 1] or [t for t in re.split(r"[ \u3000\t]+", nxt.strip()) if t][:1]
        if h.kind == "changes" and _table_follows(cur, after):
            # the change log: its table runs to the end of the text (the form's last part), its
            # rows read from the tokens of this line and every line after it (reflow)
            _flush(cur, no, st, run, a, a, out)
            out.append((no, _line(label)))
            cur.changelog = [(no, st.tokens[a:])]
            return out
        if h.kind != "label" or not cur.leaf(h.slot, cover=True):
            _flush(cur, no, st, run, a, a, out)
            run = []
            alone = h.kind in ("stamp", "page", "changes", "toc") or (
                h.kind == "label" and not cur.slots[h.slot].item.is_container
            )
            if h.kind == "parent":  # 再委託 before ⑦再委託の有無: the label that follows says it all
                out += [(no, _line(st.text(a, b)))] if b > a else []
            elif h.kind == "element" and b > a and not _box_at(tokens, a):
                # 提供先1 and the element's name after it: the name on its line, as printed under it
                out += [(no, _line(label)), (no, _line(st.text(a, b, wraps=True)))]
            elif alone:  # the stamp, a page number; a part that is one text ((別添1) 事務の内容)
                out += [(no, _line(label))] + ([(no, _line(st.text(a, b, wraps=True)))] if b > a else [])
            else:  # a heading, with what its row prints beside it (boxes of its flags, an element's name)
                out.append((no, _line(st.text(h.start, b))))
            continue
        run.append(h)
        if b > a:
            _flush(cur, no, st, run, a, b, out)
            run = []
    _flush(cur, no, st, run, len(tokens), len(tokens), out)
    return out


def _flush(cur: _Cursor, no: int, st: _Stream, run: list[_Hit], a: int, b: int, out: Numbered) -> None:
    """The labels of a run and the values printed after them (tokens a..b), one line each."""
    if not run:
        return
    items = [cur.slots[h.slot].item for h in run]
    labels = [st.text(h.start, h.end) for h in run]
    blocks = assign(items, st.tokens[a:b], lines=False)
    if blocks is None:
        doubt = _unsettled(items, st.text(a, b))
        out += [(no, _line(lab, doubt)) for lab in labels]
        out += [(no, _line(st.text(a, b)))] if b > a else []
        return
    at = a
    for lab, item, block in zip(labels, items, blocks, strict=True):
        if item.kind == "list" and len(block) > 1:
            _list_lines(no, st, lab, item, at, at + len(block), out)
        else:
            out.append((no, _line(lab)))
            if block:
                out.append((no, _line(st.text(at, at + len(block), wraps=item.kind == "text" and not item.shape))))
        at += len(block)


def _list_lines(no: int, st: _Stream, label: str, item: Item, a: int, b: int, out: Numbered) -> None:
    """A list's elements in a stream (tokens a..b, more than one): the line breaks between them are
    spaces now, like the spaces inside a name and a name wrapped at the cell's edge. Cut only where
    the printed numbering (1 … 2 …, ① … ② …) starts each element; otherwise !要確認."""
    tokens = st.tokens[a:b]
    starts = [k for k, t in enumerate(tokens) if _NUMBERED.match(t)]
    bare = [k for k, t in enumerate(tokens) if t.isdigit()]  # 1 甲システム 2 乙システム: counting from 1
    if bare and [int(tokens[k]) for k in bare] == list(range(1, len(bare) + 1)) and not starts:
        starts = bare
    named = all(y - x >= 2 for x, y in itertools.pairwise([*starts, len(tokens) + 1])) if bare == starts else True
    if starts and starts[0] == 0 and len(starts) > 1 and named and _numbers_run([tokens[k] for k in starts]):
        out.append((no, _line(label)))
        for x, y in zip(starts, [*starts[1:], len(tokens)], strict=True):
            out.append((no, _line(st.text(a + x, a + y))))
        return
    shown = st.text(a, b)
    reason = (
        f"「{item.label}」の値は複数の名称が 1 行につながって印字され、どこで区切られるかが原文から"
        "決まりません(元の PDF で確認してください)"
    )
    out.append((no, _line(label, (shown, reason))))
    out.append((no, _line(shown)))


# -- a flattened change log ------------------------------------------------------------------


def _table_follows(cur: _Cursor, after: list[str]) -> bool:
    """The change log's heading opens its table: a column's label or a dated row after it."""
    group = cur.p.form.role_item("changes") if cur.p.form.has_role("changes") else None
    if group is None or not after:
        return False
    columns = {_norm(lab) for c in group.items for lab in c.all_labels}
    return _norm(after[0]) in columns or dates.parse_date(after[0]) is not None


class _Row(Line):
    """A change log's row reflowed from a stream: `unsure` the cells (by column) the stream leaves
    unsettled, !要確認 with `doubt` (changes.py)."""

    unsure: tuple[int, ...] = ()
    unread: bool = False  # text of rows the stream does not settle: 取込メモ, never a row


_MIDDLE = "項目・変更前の記載・変更後の記載"


# a part's numeral opening a token (Ⅲ, Ⅱ(1), III2特定…), in its normal form
_ROMAN = re.compile(r"^(?:III|II|IV|VI|V|I)(?![A-Za-z])")


def _change_rows(cur: _Cursor, lines: list[tuple[int, list[str]]]) -> Numbered:
    """The rows of a change log flattened into tokens, one line each with its cells between tabs
    (as changes.py reads them). A row: its date (a token that is a date and nothing else), the
    項目, 変更前 and 変更後, 提出時期 (one of its choices: the anchor), then the 説明 up to the next
    row's date. The cells between the date and 提出時期 run together with nothing to tell where one
    ends (a cell may be empty, any may hold spaces): !要確認, the row's text quoted. Where two dates
    stand between two 提出時期 the number of rows is not settled: the rest is kept as printed."""
    form = cur.p.form
    group = form.role_item("changes")
    columns = {_norm(lab) for c in group.items for lab in c.all_labels}
    timings = set(form.role_item("change_timing").choices)
    toks = [(no, t) for no, ts in lines for t in ts]
    words = [t for _, t in toks]
    is_date = [dates.parse_date(w) is not None for w in words]
    out: Numbered = []
    k = 0
    header = []
    while k < len(words) and _norm(words[k]) in columns:
        header.append(words[k])
        k += 1
    if header:
        out.append((lines[0][0], _line("\t".join(header))))
    marks = [j for j, w in enumerate(words) if w in timings]
    spans: list[tuple[int, int, int, set[int]]] = []  # (date, 提出時期 or -1, past the row, unsure cells)
    unsure: set[int] = set()  # none yet: a row's date, 提出時期 and 説明 are settled by the anchors
    while k < len(words) and is_date[k]:
        t = next((j for j in marks if j > k), -1)
        if t < 0:
            spans.append((k, -1, len(words), unsure | {1, 2, 3}))
            k = len(words)
            break
        t2 = next((j for j in marks if j > t), len(words))
        # the dates that may open the next row: a row prints its 項目 and a 変更後 (at least) before
        # its 提出時期, so a date right before it (a 変更後 that is a date) opens none
        cands = [j for j in range(t + 1, t2) if is_date[j] and (t2 == len(words) or t2 - j >= 3)]
        if not cands:
            spans.append((k, t, len(words) if t2 == len(words) else t + 1, unsure))
            k = spans[-1][2]
            break  # no date before the next 提出時期: the rest is kept as printed (取込メモ)
        end = cands[0]
        if t2 == len(words):
            # the last row's 説明 runs to the end; a date in it opens no row without its 提出時期
            spans.append((k, t, len(words), unsure | ({5} if cands else set())))
            k = len(words)
            break
        if len(cands) > 1 and all(j + 1 < len(words) and _ROMAN.match(nfkc(words[j + 1])) for j in cands):
            # two dates before the next 提出時期, each followed by a 項目 naming a part (Ⅲ 2 …): rows
            # printed without their 提出時期, one from each date
            spans.append((k, t, cands[0], unsure))
            spans += [(a, -1, b, unsure) for a, b in itertools.pairwise(cands)]
            k = cands[-1]
            continue
        if len(cands) > 1:
            # two dates before the next 提出時期: a row without one, or a date in the 説明 or in the
            # cells of the next row; how many rows follow is not settled: the rest is kept as
            # printed (取込メモ), the row's 説明 with it
            spans.append((k, t, t + 1, unsure))
            k = t + 1
            break
        spans.append((k, t, end, unsure))
        k = end
    for d, t, end, cells_unsure in spans:
        no = toks[d][0]
        mid, timing, expl = (words[d + 1 : t], words[t], words[t + 1 : end]) if t >= 0 else (words[d + 1 : end], "", [])
        row = _Row("\t".join([words[d], " ".join(mid), "", "", timing, " ".join(expl)]))
        row.unsure = tuple(sorted(cells_unsure | ({1, 2, 3} if mid else set())))
        row.doubt = (
            " ".join(words[d:end]),
            f"変更箇所の表が 1 行につながって印字され、{_MIDDLE}などの欄の区切りが原文から決まりません"
            "(元の PDF で確認してください)",
        )
        out.append((no, row))
    if k < len(words):  # the table's unread rest, kept as printed: a line from each date on
        starts = [k] + [j for j in range(k + 1, len(words)) if is_date[j]]
        for x, y in itertools.pairwise([*starts, len(words)]):
            rest = _Row(" ".join(words[x:y]))
            rest.unread = True
            out.append((toks[x][0], rest))
    return out


# -- labels first, then values; a label inside its tall value (lines) --------------------------


def _label_of(cur: _Cursor, raw: str, move: bool) -> int | None:
    """The slot of a line that is one label, possibly after the label of its rows' group printed
    on the same line (`⑦使用の主体 使用部署 ※`, `再委託 ⑦再委託の有無 ※`)."""
    if "\t" in raw or not raw.strip():
        return None
    i = cur.accept(_norm(raw), move=move)
    if i is not None:
        return i
    head, _, rest = raw.strip().partition(" ")
    if rest.strip() and _norm(head) in cur.p.parent_labels:
        i = cur.accept(_norm(rest), move=False)
        if i is not None and _norm(head) == _norm(cur.slots[i].item.parent_label or ""):
            return cur.accept(_norm(rest), move=move)
    return cur.accept(_norm(_bare_text(cur, raw)), move=move)  # 再委託 ⑦再委託の有無: the label after it


def _opens(cur: _Cursor, raw: str) -> bool:
    """A line that starts an item of its own: a label (its value beside it or not), a group
    element's heading (委託事項2 …), a part's heading or the change log's."""
    tokens = [t for t in re.split(r"[ \t\u3000]+", raw.strip()) if t]  # a table's cells too
    if tokens and _norm(tokens[0]) in cur.p.parent_labels:  # 再委託 ⑦再委託の有無: the label after it
        tokens = tokens[1:]
    if not tokens:
        return False
    if cur.p.part_of(raw) is not None or cur.skipped(raw) or _STAMP.match(_norm(raw)):
        return True  # a part's heading, the change log's, the version stamp under 公表日
    if _norm(raw) == cur.contents_label:
        return True  # the table of contents' heading (項目一覧)
    if any(rx.match(_norm(tokens[0])) or rng.match(_norm(tokens[0])) for rx, rng, _ in cur.p.elements):
        return True
    return any(
        cur.accept(_norm("".join(tokens[:j])), move=False) is not None for j in range(1, min(len(tokens), 4) + 1)
    )


def _lines(cur: _Cursor, numbered: Numbered) -> Numbered:
    out: Numbered = []
    k = 0
    # lines put in `out` since the last line whose place is fixed (_inside); -1: the next is a name
    free: int | None = None
    tail: Item | None = None  # the item of the `free` lines: a labels-first run's last value
    while k < len(numbered):
        no, raw = numbered[k]
        element: int | None = None  # the group slot of an element's heading on this line
        moved = None
        if raw.strip():
            cur.heading(numbered, k)
            first = re.split(r"[ \t\u3000]+", raw.strip())[0]
            if (gi := cur._element(_norm(first))) is not None:  # システム2: its items are read afresh
                cur.cursor = gi
                element = gi
        prev, tail = tail, None
        if cur.p.part_of(raw) is not None and (moved := _inside(cur, numbered, k, out, free, prev)) is None:
            out.append((no, raw))
            k += 1
            free = 0
            continue
        if moved is not None or (moved := _inside(cur, numbered, k, out, free, prev)) is not None:
            out += moved[0]
            k = moved[1]
            free = None
            continue
        i = _label_of(cur, raw, move=True)
        if i is None or not cur.leaf(i, cover=True):
            head = _label_split(cur, raw) if i is None else None
            if head is not None:  # label and value in one line
                cur.accept(_norm(head[1]))
            out.append((no, raw))
            k += 1
            if element is not None:
                # an element's heading: its name, if the group has one, is printed on the next line
                beside = raw.strip()[len(first) :].strip()  # 委託事項1　その名称: on the heading's line
                free = -1 if _names_element(cur, element) and not beside else 0
            elif i is not None or (head is not None and not cur.leaf(head[0])) or _printed(cur, raw):
                free = 0  # a heading (its value beside it), a sentence the form prints
            elif head is not None or "\t" in raw:
                free = None  # a label and its value; a table's row of cells not read as one
            elif free == -1 and _countable(raw):
                nxt = next((x for x in range(k, len(numbered)) if _countable(numbered[x][1])), None)  # k: the next line
                if not _runs_on(cur, raw):
                    free = 0  # the name's last line
                elif nxt is not None and _fixed(cur, numbered[nxt][1]):
                    free = 1  # a sentence cut at the edge, going on after a label: that value's, not a name
            elif free is not None and _countable(raw):
                free += 1
            continue
        # the labels printed one under the other, then the lines up to the next label
        run = [(k, i)]
        j = k + 1
        while j < len(numbered):
            nxt = _label_of(cur, numbered[j][1], move=False)
            if (
                nxt is None
                or not cur.leaf(nxt, cover=True)
                or cur.slots[nxt].item.parent is not cur.slots[i].item.parent
            ):
                break
            _label_of(cur, numbered[j][1], move=True)
            run.append((j, nxt))
            j += 1
        if len(run) >= 2 and not cur.labels_first and cur.layout == "inside":
            # labels inside their values: a label right above another is an empty cell's, and the
            # last one's value is read as its chain says
            out += [numbered[x] for x, _ in run[:-1]]
            cur.cursor = run[-2][1]
            k = run[-1][0]
            free = 0
            continue
        v = j
        while v < len(numbered) and not _opens(cur, numbered[v][1]):
            v += 1
        values = [numbered[x] for x in range(j, v) if numbered[x][1].strip() and not is_separator(numbered[x][1])]
        # fewer lines than labels: read as printed one under the other, the empty ones first, each
        # value under its nearest label (承認日 / 公表日 / a date), as the parser reads them
        # fewer values than labels where label cells are printed apart from their values (a section's
        # label in pieces between them): which are empty is read as the values say, or left open
        fewer = cur.apart and 0 < len(values) < len(run)
        if len(run) >= 2 and (len(values) >= len(run) or fewer):
            # the values a page break (a line of furniture, a blank) stands between
            at = [x for x in range(j, v) if numbered[x] in values]
            gaps = [t for t, (x, y) in enumerate(itertools.pairwise(at)) if y > x + 1]
            breaks = {t for g in gaps for t in (g, g + 1)}
            if at and at[-1] < v - 1:  # a page's foot after the last value: the footer's lines before it
                breaks.add(len(at) - 1)
            if at and at[0] > j:
                breaks.add(0)
            read, open_from = _labels_first(
                cur, [numbered[x] for x, _ in run], [s for _, s in run], values, frozenset(breaks)
            )
            others = [x for x in range(j, v) if numbered[x] not in values]  # page breaks, blank lines
            # a page break before the last value's lines: its lines before them, so that they end the
            # output (their tail may be the next value's upper half, below)
            ahead = (
                bool(others and at and cur.tail)
                and cur.tail is not None
                and others[-1] < at[len(at) - cur.tail]
                and cur.layout != "canonical"
            )
            if ahead and cur.tail is not None:
                out += read[: len(read) - cur.tail] + [numbered[x] for x in others] + read[len(read) - cur.tail :]
            else:
                out += read + [numbered[x] for x in others]
            if open_from is not None and v < len(numbered) and cur.layout != "canonical":
                numbered = _doubt_next(cur, numbered, v, [cur.slots[s].item for _, s in run], values[open_from:])
            k = v
            free = 0  # every line up to the next label given: none of them is the next value's upper half
            if cur.tail and (ahead or not others) and v < len(numbered) and cur.layout != "canonical":
                # ... but the last one's, whose end may be the upper half of a label printed inside its value
                free = cur.tail
                tail = cur.slots[run[-1][1]].item
            continue
        out += [numbered[x] for x in range(k, j)]
        k = j
        free = None
        if len(run) == 1 and (n := _one_choice(cur, i, values)) > 1:
            # a choice's bracket and options wrapped over lines, the count after them: one row
            out.append(_row(values[:n], cur.width))
            end = next(x for x in range(j, v) if numbered[x] == values[n - 1]) + 1
            out += [numbered[x] for x in range(j, end) if numbered[x] not in values[:n]]  # a page break
            k = end
            free = 0  # what follows the options is the next item's, as after a choice's block below
        elif len(run) == 1 and cur.slots[i].item.kind == "choice":
            # a choice's bracket and options: what follows them is the next item's
            cand = [x for x in range(j, v) if _countable(numbered[x][1])]
            shown = [plain(numbered[x][1].strip()) for x in cand]
            span = _choice_block(shown, 0, cur.slots[i].item)
            if span is None:
                span = _boxes_block(shown[:1], 0)  # or its options printed as boxes (☑ 甲 ☐ 乙) in one line
            if span is not None and span[0] == 0 and span[1] > 0:
                end = cand[span[1] - 1] + 1
                out += numbered[j:end]
                k = end
                free = 0
    return out


def _names_element(cur: _Cursor, gi: int) -> bool:
    """Whether the group's elements print their name under their heading (委託事項1 / its name)."""
    item = cur.slots[gi].item
    name = item.child(item.name_key) if item.name_key else None
    return name is not None and _norm(name.label) == _norm(item.label)


def _printed(cur: _Cursor, raw: str) -> bool:
    """A line of a sentence the form prints (wrapped at the cell's edge or not), or of a heading
    printed as several phrases (Ⅲ 4's risks)."""
    n = _norm(raw)
    if n in cur.p.spans or without_risk_prefix(n) in cur.p.spans:
        return True
    return len(n) >= 10 and any(n in p for p in cur.p.printed_notes)


def _labels_first(
    cur: _Cursor, labels: Numbered, slots: list[int], values: Numbered, breaks: frozenset[int] = frozenset()
) -> tuple[Numbered, int | None]:
    """The labels of a run, each followed by its value's lines where the values settle it; the
    labels of a segment they do not settle marked (!要確認 with the reason), its lines after them.
    Also where the last segment begins among the values if it is one of those left open (up to the
    next label)."""
    cur.tail = None
    items = [cur.slots[s].item for s in slots]
    segments = settle(items, [r for _, r in values], cur.width, breaks)
    settled = all(blocks is not None for *_, blocks in segments)
    if settled and all(bl for *_, blocks in segments for bl in blocks or []):
        cur.proved += 1  # every label has its value after the run: the layout prints labels first
    if not settled and not cur.labels_first:
        # a text that nowhere shows the labels printed first: bare labels are empty items, the
        # lines after them the last one's value (as printed one under the other, and as read so far)
        return labels + values, None
    last = segments[-1] if segments else None
    open_from = last[2] if last is not None and last[4] is None and last[3] == len(values) else None
    out: Numbered = []
    for a, b, c, d, blocks in segments:
        if blocks is None:
            doubt = _unsettled(items[a:b], "\n".join(r.strip() for _, r in values[c:d]))
            out += [(no, _line(raw, doubt)) for no, raw in labels[a:b]] + values[c:d]
            continue
        at = c
        for (no, raw), item, block in zip(labels[a:b], items[a:b], blocks, strict=True):
            out.append((no, raw))
            taken = values[at : at + len(block)]
            at += len(block)
            if item.kind in ("choice", "multi") and len(taken) > 1:
                out.append(_row(taken, cur.width))
                continue
            out += taken
    # the last label's value, free text running up to the next label: its last lines may be the
    # upper half of the next value where that label is printed inside it (_inside reads them so)
    tail = None
    if last is not None and last[4] is not None and last[3] == len(values) and last[4][-1]:
        if items[-1].kind in ("text", "list") and len(last[4]) == last[1] - last[0]:
            tail = len(last[4][-1])
    cur.tail = tail
    return out, open_from


def _doubt_next(cur: _Cursor, numbered: Numbered, v: int, items: list[Item], values: Numbered) -> Numbered:
    """The lines with the label at v marked unsure where its value may begin among the open lines
    before it: a label printed inside its value (an item whose value a label may sit in the middle
    of) after a run of labels printed first whose values are not settled up to it — the upper half
    of its value is then among those lines, and where it begins is not in the text."""
    if _node_at(cur, numbered, v) is None:
        return numbered
    no, raw = numbered[v]
    if getattr(raw, "doubt", None) is not None:
        return numbered
    i = _bare(cur, raw)
    item = cur.slots[i].item if i is not None else None
    if item is None:
        head = _label_split(cur, raw)
        item = cur.slots[head[0]].item if head is not None else None
    if item is None:
        return numbered
    before = "・".join(f"「{it.label}」" for it in items)
    shown = "\n".join(r.strip() for _, r in values)
    reason = (
        f"「{item.label}」のラベルが値の途中に印字されているようですが、その値の前半が、先にまとめて印字された"
        f"{before}の値の行と区切れません(元の PDF で確認してください)"
    )
    merged = getattr(raw, "merged", ())
    return [*numbered[:v], (no, _line(raw, (shown, reason), merged)), *numbered[v + 1 :]]


def _row(taken: Numbered, width: int | None) -> tuple[int, Line]:
    """A choice's or a multi's lines as one row again (`[` / value / `<選択肢>` / options, the count
    after them; boxes wrapped between lines), a line filling the cell joined to the next unspaced."""
    merged = tuple(n for n, _ in taken[1:] if n != taken[0][0])
    row = taken[0][1].strip()
    for (_, before), (_, r) in itertools.pairwise(taken):
        row += ("" if _full(before, width) else " ") + r.strip()
    return taken[0][0], _line(row, merged=merged)


def _one_choice(cur: _Cursor, slot: int, values: Numbered) -> int:
    """How many of the lines under a single choice's label are its bracket and option list (0: it
    does not open with its bracket)."""
    item = cur.slots[slot].item
    if item.kind != "choice" or not values:
        return 0
    lines = [r for _, r in values]
    shown = [plain(r.strip()) for r in lines]
    full = [_full(r, cur.width) for r in lines]
    span = _choice_block(shown, 0, item)
    if span is None or span[0] != 0 or not _bracket_fits(item, shown[0]):
        return 0
    end = _options_on(item, shown, full, *span)
    # all the lines up to the next label are the choice's (what else there is, the parser reads as before)
    return end if end > 1 and end == len(values) else 0


def _label_split(cur: _Cursor, raw: str) -> tuple[int, str, str] | None:
    """(slot, label as printed, its value on the same line) of a line that opens with the label of
    the item the form expects next: alone, before a tab, or before a space (`①事務の名称　…`)."""
    parts = re.split(r"([ \t\u3000]+)", raw.strip())
    tokens = parts[0::2]
    for n in range(min(len(tokens), 4), 0, -1):
        i = cur.accept(_norm("".join(tokens[:n])), move=False)
        if i is not None:
            return i, "".join(parts[: 2 * n - 1]), "".join(parts[2 * n :]).strip()
    return None


# -- a label printed in the middle of its tall value ---------------------------------------------

# A label cell vertically centred beside its value: of a value of n printed lines, the first
# n // 2 come before the label (at one baseline the label, left of the value, is printed first).
# Between two labels are the last lines of one value and the first lines of the next; how many of
# each follows from the counts (a chain of such labels up to a line whose place is fixed: a heading,
# a choice's label) and from what each value is (a name, a date, boxes, a sentence cut at the edge).
_MAX_READINGS = 64  # optimal readings listed (more: every item of the chain is unsettled)
_IMPOSSIBLE = 10  # the cost of a value that cannot be the item's (a text holding boxes …)
_IMPLAUSIBLE = 5  # a value its item's shape rejects (a name that is a sentence)
_CUT = 2  # a value ending at the cell's edge mid-sentence, or opening with a sentence's tail
_EMPTY_COST = 2  # an item without a value (possible, less likely than a value)
_LAYOUT_BIAS = 3  # the reading the rest of the document contradicts
_TAIL = re.compile(r"^[、。，．,.)）」』〕］\]]")
_OPENING, _CLOSING = "(（「『〔［[", ")）」』〕］]"


def _opens_with_a_tail(line: str) -> bool:
    """A line that opens with a sentence's tail: a stop or comma, or a bracket closed before any is
    opened in it (`理)`: the end of `（…申請管` on the line before)."""
    if _TAIL.match(line):
        return True
    depth = 0
    for ch in line:
        depth += (ch in _OPENING) - (ch in _CLOSING)
        if depth < 0:
            return True
    return False


def _bare(cur: _Cursor, raw: str) -> int | None:
    """The slot of a line that is a label and nothing else (after the label of its rows' group,
    再委託 ⑦再委託の有無), the item the form expects next; the cursor does not move."""
    if "\t" in raw or not raw.strip():
        return None
    tokens = [t for t in re.split(r"[ \u3000]+", raw.strip()) if t]
    if len(tokens) > 1 and _norm(tokens[0]) in cur.p.parent_labels:
        tokens = tokens[1:]
    return cur.accept(_norm("".join(tokens)), move=False)


def _countable(raw: str) -> bool:
    return bool(raw.strip()) and not is_separator(raw)


class _Chain:
    """Labels printed inside their values: the lines before the first (after a line whose place is
    fixed), each label, the lines after each up to the next label or a fixed line."""

    def __init__(
        self, cur: _Cursor, head: Numbered, nodes: list[tuple[int, int]], labels: Numbered, gaps: list[Numbered]
    ) -> None:
        self.cur = cur
        self.items = [cur.slots[i].item for _, i in nodes]
        self.nodes = nodes  # (index in the numbered lines, slot)
        self.labels = labels  # the nodes' label lines
        self.gaps = [head, *gaps]  # gaps[i]: the lines before node i; gaps[-1]: after the last
        self.counted = [[x for x in g if _countable(x[1])] for g in self.gaps]
        self.counts = [len(g) for g in self.counted]
        self.owns = [False] * len(nodes)  # whether a line of the value is printed beside the label

    def lines(self, i: int, u: int, n: int) -> list[str]:
        up = self.counted[i][len(self.counted[i]) - u :] if u else []
        return [r.strip() for _, r in up + self.counted[i + 1][: n - u]]

    def cost(self, i: int, lines: list[str]) -> int:
        return _value_cost(self.cur, self.items[i], lines)

    def readings(self) -> tuple[int, list[list[int]]]:
        """(the least cost, the readings of that cost: each node's count of lines) under the centred
        label; (-1, []) when the counts admit none."""
        m = len(self.items)
        memo: dict[tuple[int, int], tuple[float, list[tuple[int, int]]]] = {}

        def best(i: int, u: int) -> tuple[float, list[tuple[int, int]]]:
            """(least cost from node i with u lines above its label, the (n, next u) of that cost)"""
            if (i, u) in memo:
                return memo[i, u]
            found: tuple[float, list[tuple[int, int]]] = (float("inf"), [])
            for n in (2 * u, 2 * u + 1):
                low = n - u
                if self.items[i].kind in ("date", "integer", "count") and n > 1:
                    continue
                if self.owns[i] and low < 1:  # the line beside the label is the value's
                    continue
                if i == m - 1:
                    if low != self.counts[m]:
                        continue
                    c: float = self.cost(i, self.lines(i, u, n))
                    nu = -1
                else:
                    nu = self.counts[i + 1] - low
                    if nu < 0 or low > self.counts[i + 1]:
                        continue
                    c = self.cost(i, self.lines(i, u, n)) + best(i + 1, nu)[0]
                if c < found[0]:
                    found = (c, [(n, nu)])
                elif c == found[0] and c < float("inf"):
                    found[1].append((n, nu))
            memo[i, u] = found
            return found

        top = best(0, self.counts[0])
        if top[0] == float("inf"):
            return -1, []
        out: list[list[int]] = []

        def walk(i: int, u: int, acc: list[int]) -> None:
            if len(out) > _MAX_READINGS:
                return
            for n, nu in best(i, u)[1]:
                if i == m - 1:
                    out.append([*acc, n])
                else:
                    walk(i + 1, nu, [*acc, n])

        walk(0, self.counts[0], [])
        return int(top[0]), out

    def canonical(self) -> int:
        """The cost of reading each label's value as the lines after it (the labels at the top of
        their cells); lines before the first label then belong to none."""
        c = _IMPLAUSIBLE if self.counts[0] else 0
        for i in range(len(self.items)):
            c += self.cost(i, [r.strip() for _, r in self.counted[i + 1]])
        return c

    def uppers(self, reading: list[int]) -> list[int]:
        out, u = [], self.counts[0]
        for i, n in enumerate(reading):
            out.append(u)
            u = self.counts[i + 1] - (n - u)
        return out


def _value_cost(cur: _Cursor, item: Item, lines: list[str]) -> int:
    """How unlike a value of `item` these printed lines are (0: nothing against them)."""
    if not lines:
        return _EMPTY_COST
    c = 0
    boxed = [len(choices.boxes(x)) > 0 for x in lines]
    if item.kind == "multi":
        # every line a box's, or the rest of a box's qualifier wrapped with its bracket still open
        # (`[○] その他 (住民基本台帳ネットワークシステム、申請管` / `理)`)
        against, depth = 0, 0
        for x, b in zip(lines, boxed, strict=True):
            if not b and depth <= 0:
                against += 1
            depth += sum(ch in _OPENING for ch in x) - sum(ch in _CLOSING for ch in x)
        return _IMPOSSIBLE * against
    c += _IMPOSSIBLE * sum(1 for x, b in zip(lines, boxed, strict=True) if b or re.match(r"^[<＜]選択肢[>＞]", x))
    if any(x in _EMPTY for x in lines) and len(lines) > 1:
        c += _IMPLAUSIBLE  # the mark of an empty cell is all a cell holds
    if item.kind in ("date", "integer", "count"):
        return c + (0 if len(lines) == 1 and (fits(item, lines[0]) or lines[0] in _EMPTY) else _IMPLAUSIBLE)
    ends = _endings(item.shape) if item.shape else []
    if item.kind == "list" and item.shape:
        c += _IMPLAUSIBLE * sum(1 for x in lines if shape_doubt(item.shape, nfkc(x)) is not None)
        if ends and not all(nfkc(x).endswith(tuple(ends)) for x in lines):
            c += 1  # not all as such names end
    elif item.shape:
        if shape_doubt(item.shape, nfkc("".join(lines))) is not None:
            c += _IMPLAUSIBLE
        elif ends and not nfkc("".join(lines)).endswith(tuple(ends)):
            c += 1
    if _runs_on(cur, lines[-1]):
        c += _CUT  # the value ends where the cell's edge cut a sentence
    if _opens_with_a_tail(lines[0]):
        c += _CUT  # the value opens with the tail of a sentence
    return c


def _runs_on(cur: _Cursor, line: str) -> bool:
    """A line that runs on onto the next: as wide as the cell (when the text shows its width) and
    ending mid-sentence."""
    if not wrapped(line, "\u3042"):
        return False
    if cur.width is None:  # no width the lines agree on: near the longest line's
        return len(line.strip()) * 20 >= cur.longest_line * 17
    return len(line.strip()) >= cur.width - 1


def _fixed(cur: _Cursor, raw: str) -> bool:
    """A line whose place the layout does not move: a heading, the stamp, an element's heading, a
    label with its value beside it, a sentence the form prints."""
    if "\t" in raw:
        return True
    return _printed(cur, raw) or _opens(cur, raw)


def _inside(
    cur: _Cursor, numbered: Numbered, k: int, out: Numbered, free: int | None, prev: Item | None = None
) -> tuple[Numbered, int] | None:
    """The chain of labels printed inside their values from line k (a label alone on its line or
    beside a line of its value, the `free` lines before it in `out` since the last fixed line):
    (lines as the label parser reads them, where to go on), the lines before line k taken back from
    `out`; None: read as printed. `prev`: the item the `free` lines are the value of (a labels-first
    run's last label, right above them in `out`): its first line at least is its, the rest may be
    the upper half of the first value of the chain; where the lines do not say, both !要確認."""
    if prev is not None and free:
        return _inside_after(cur, numbered, k, out, free, prev)
    if free is None or cur.layout == "canonical":
        return None
    free = max(free, 0)  # an element's heading right above a label: no name printed under it
    saved = (cur.cursor, cur.part)
    got = _chain_at(cur, numbered, k)
    if got is None:
        return None
    nodes, labels, owns, gaps, v = got
    start = _tail_start(out, free)
    head = out[start:]
    chain = _Chain(cur, head, nodes, labels, gaps)
    chain.owns = owns
    cost, readings = chain.readings()
    canon = chain.canonical()
    # the evidence for the document's layout (read by a first pass): a reading clearly better
    if readings and cost + _CUT <= canon:
        cur.votes[0] += 1
    elif not readings or canon + _CUT <= cost:
        cur.votes[1] += 1
    cost += _LAYOUT_BIAS if cur.layout == "canonical" else 0
    canon += _LAYOUT_BIAS if cur.layout == "inside" else 0
    if cur.layout is None and chain.counts[0]:
        # a text that shows neither layout: lines above the first label may be a heading's or a
        # label's wrapped tail as well as the value's upper half; only what the values are decides
        canon -= _IMPLAUSIBLE
    if not readings or canon < cost:
        cur.cursor, cur.part = saved
        return None
    if canon == cost:
        if cur.layout is None and not any(
            it.kind == "text" and it.shape and len(chain.counted[x + 1]) > 1 for x, it in enumerate(chain.items)
        ):
            # nothing in the text shows labels inside their values, and the printed reading gives no
            # name a second line: it stands
            cur.cursor, cur.part = saved
            return None
        readings = [*readings, [-1] * len(nodes)]  # the printed reading is as good
    del out[start:]
    return _emit(chain, readings), v


def _tail_start(out: Numbered, free: int) -> int:
    """Where the last `free` countable lines of `out` begin (a page break's lines among them kept
    with them)."""
    start, seen = len(out), 0
    while seen < free and start > 0:
        start -= 1
        seen += _countable(out[start][1])
    return start


def _chain_at(
    cur: _Cursor, numbered: Numbered, k: int
) -> tuple[list[tuple[int, int]], Numbered, list[bool], list[Numbered], int] | None:
    """The chain of labels printed inside their values from line k: (nodes, label lines, whether each
    has a value's line beside it, the lines after each, where the chain ends); None: no chain. The
    cursor moves to the last label."""
    at = _node_at(cur, numbered, k)
    if at is None:
        return None
    nodes: list[tuple[int, int]] = []
    labels: Numbered = []
    owns: list[bool] = []
    gaps: list[Numbered] = []
    gap: Numbered = []

    def take(v: int, at: tuple[int, str, str]) -> None:
        i, label, own = at
        cur.accept(_norm(_bare_text(cur, label)))
        nodes.append((v, i))
        no = numbered[v][0]
        labels.append((no, _line(label)) if own else numbered[v])
        owns.append(bool(own))
        if own:  # the line of the value printed beside its label
            gap.append((no, _line(own)))

    take(k, at)
    v = k + 1
    while v < len(numbered):
        raw = numbered[v][1]
        if not _countable(raw) or not _fixed(cur, raw):
            gap.append(numbered[v])
            v += 1
            continue
        at = _node_at(cur, numbered, v)
        if at is None:
            break
        gaps.append(gap)
        gap = []
        take(v, at)
        v += 1
    gaps.append(gap)
    return nodes, labels, owns, gaps, v


def _inside_after(
    cur: _Cursor, numbered: Numbered, k: int, out: Numbered, free: int, prev: Item
) -> tuple[Numbered, int] | None:
    """_inside after a labels-first run's last value (`free` lines at the end of `out`, its label
    right above them): each count of its last lines given to the chain's first value, read by cost."""
    saved = (cur.cursor, cur.part)
    got = _chain_at(cur, numbered, k)
    if got is None:
        cur.cursor, cur.part = saved
        return None
    nodes, labels, owns, gaps, v = got
    head = out[len(out) - free :]
    options: list[tuple[float, int, _Chain, list[list[int]]]] = []
    canon = None
    for u0 in range(free):  # the last u0 lines: the chain's first value's upper half
        chain = _Chain(cur, head[free - u0 :], nodes, labels, gaps)
        chain.owns = owns
        own = _value_cost(cur, prev, [r.strip() for _, r in head[: free - u0]])
        if u0 == 0:
            canon = own + chain.canonical()
        cost, readings = chain.readings()
        if readings:
            options.append((own + cost, u0, chain, readings))
    if not options or canon is None:
        cur.cursor, cur.part = saved
        return None
    best = min(c for c, *_ in options)
    if cur.layout == "inside":
        canon += _LAYOUT_BIAS
    if canon < best:
        cur.cursor, cur.part = saved
        return None
    tied = [o for o in options if o[0] == best]
    if canon == best and not any(u0 == 0 for _, u0, *_ in tied):
        chain0 = _Chain(cur, [], nodes, labels, gaps)
        chain0.owns = owns
        tied.append((best, 0, chain0, [[-1] * len(nodes)]))
    _, u0, chain, readings = tied[0]
    del out[len(out) - free :]
    if len({u for _, u, *_ in tied}) > 1:
        # where the run's last value ends and the first value of the chain begins: not in the lines
        first = chain.items[0]
        shown = "\n".join(r.strip() for _, r in head + chain.counted[1])
        reason = (
            f"「{prev.label}」の値の終わりと、値の途中にラベルが印字された「{first.label}」の値の始まりが、"
            "行の数と形から決まりません(元の PDF で確認してください)"
        )
        at = next((x for x in range(len(out) - 1, -1, -1) if _countable(out[x][1])), None)  # its label
        if at is not None:
            no, raw = out[at]
            out[at] = (no, _line(raw, getattr(raw, "doubt", None) or (shown, reason), getattr(raw, "merged", ())))
        no, raw = chain.labels[0]
        chain.labels = [(no, _line(raw, (shown, reason))), *chain.labels[1:]]
    return head[: free - u0] + _emit(chain, readings), v


def _node_at(cur: _Cursor, numbered: Numbered, v: int) -> tuple[int, str, str] | None:
    """(slot, label as printed, the value's line beside it) of a line that opens an item whose value
    a label may be printed inside (a leaf of a part, not a choice) with nothing else or a value's
    line; a label followed by another (an empty cell, a column's labels printed first) is fixed."""
    raw = numbered[v][1]
    i = _bare(cur, raw)
    if i is not None:
        if not _node(cur, i):
            return None
        label = _bare_text(cur, raw)
        saved = (cur.cursor, cur.part)
        cur.accept(_norm(label))
        nxt = next((x for x in range(v + 1, len(numbered)) if _countable(numbered[x][1])), None)
        run = nxt is not None and _bare(cur, numbered[nxt][1]) is not None
        cur.cursor, cur.part = saved
        return None if run else (i, raw, "")
    head = _label_split(cur, raw)
    if head is None or not head[2] or not _node(cur, head[0]):
        return None
    # a value line opening with its label's words (添付資料 II …), the label itself printed alone
    # on a line just after: that line is the label
    for x in range(v + 1, min(v + 4, len(numbered))):
        if _bare(cur, numbered[x][1]) == head[0]:
            return None
    return head


def _bare_text(cur: _Cursor, raw: str) -> str:
    tokens = [t for t in re.split(r"[ \u3000]+", raw.strip()) if t]
    if len(tokens) > 1 and _norm(tokens[0]) in cur.p.parent_labels:
        tokens = tokens[1:]
    return "".join(tokens)


def _node(cur: _Cursor, i: int) -> bool:
    """An item whose value a label may be printed inside: a leaf of a part, not a choice; a part
    that is one text ((別添1) 事務の内容), outside the table of contents."""
    item = cur.slots[i].item
    if i in cur.part_slot.values():
        return not item.is_container and item.kind == "text" and not cur.contents
    return cur.leaf(i) and item.kind not in ("choice", "flag")


def _emit(chain: _Chain, readings: list[list[int]]) -> Numbered:
    """The chain's lines, each label followed by its value (the lines above it, then below); the
    items the readings do not agree on carry the doubt on their label line."""
    spans = [_spans(chain, r) for r in readings]
    contested = [i for i in range(len(chain.items)) if any(s[i] != spans[0][i] for s in spans)]
    doubts: dict[int, tuple[str, str]] = {}
    if contested:
        lines = sorted({x for s in spans for i in contested for x in s[i]})
        shown = "\n".join(r.strip() for _, r in lines)
        labels = "・".join(f"「{chain.items[i].label}」" for i in contested)
        first = chain.items[contested[0]]
        if first.shape and len(contested) >= 2:  # a name: does it end on its first line?
            reason = (
                f"「{first.label}」の欄に {len(lines)} 行あり、2 行目が名称の続きか次の"
                f"「{chain.items[contested[1]].label}」の値かが行の形から決まりません(元の PDF で確認してください)"
            )
        else:
            reason = (
                f"{labels}のラベルが値の途中に印字されているようですが、間の行がどの項目の値かが行の数と形から"
                "決まりません(元の PDF で確認してください)"
            )
        doubts = {i: (shown, reason) for i in contested}
    out: Numbered = [x for x in chain.gaps[0] if not _countable(x[1])]
    for i, (no, raw) in enumerate(chain.labels):
        out.append((no, _line(raw, doubts.get(i) or getattr(raw, "doubt", None))))
        out += list(spans[0][i])
        out += [x for x in chain.gaps[i + 1] if not _countable(x[1])]
    return out


def _spans(chain: _Chain, reading: list[int]) -> list[tuple]:
    """Per node, the source lines of its value in this reading (-1: as printed)."""
    if reading[0] < 0:
        return [tuple(chain.counted[i + 1]) for i in range(len(reading))]
    ups = chain.uppers(reading)
    out = []
    for i, n in enumerate(reading):
        u = ups[i]
        up = chain.counted[i][len(chain.counted[i]) - u :] if u else []
        out.append(tuple(up + chain.counted[i + 1][: n - u]))
    return out


def _options_go_on(prev: str, first: str) -> bool:
    """`first` (a page's text before its first label) goes on with the option list `prev` ends
    with: it opens with the next option's number."""
    if "<選択肢>" not in prev and "＜選択肢＞" not in prev:
        return False
    last = re.findall(r"(?:^|\s)(\d{1,2})\)", prev)
    m = re.match(r"^(\d{1,2})\)", first.strip())
    return bool(last and m and int(m.group(1)) == int(last[-1]) + 1)


# pages at least, and tokens a flattened page carries at least, for a running footer to be told
_FOOTER_PAGES = 3
_PAGE_TOKENS = 20


def _without_footers(numbered: Numbered) -> Numbered:
    """Pages flattened each into one line end with the running footer (`- 3 - 事務 全項目評価書`,
    `事務 3 / 9 部署`): on the document's own evidence, the tokens every page ends with, the same on
    each but for the page number, which goes up from page to page. Taken off (furniture, not a
    value of the item that ends the page)."""
    pages = [(k, raw.split()) for k, (_, raw) in enumerate(numbered) if raw.strip()]
    long = sum(len(ts) >= _PAGE_TOKENS for _, ts in pages)  # the cover, the 項目一覧 may be short pages
    if len(pages) < _FOOTER_PAGES or 2 * long < len(pages) or any("\t" in numbered[k][1] for k, _ in pages):
        return numbered
    first = pages[0][1]
    n = 0
    while n < len(first) - 1:
        want = first[-1 - n]
        if not all(
            len(ts) > n + 1 and (ts[-1 - n] == want or (ts[-1 - n].isdigit() and want.isdigit())) for _, ts in pages
        ):
            break
        n += 1
    counters = [j for j in range(n) if first[-1 - j].isdigit()]
    if not counters or not any(c for c in "".join(first[-n:]) if not c.isdigit() and c not in "-/ "):
        return numbered
    numbers = [[int(ts[-1 - j]) for _, ts in pages] for j in counters]
    if not any(all(b > a for a, b in itertools.pairwise(ns)) for ns in numbers):
        return numbered  # no page number going up: a value every page happens to end with
    out = list(numbered)
    for k, _ in pages:
        no, raw = numbered[k]
        cut = raw.rstrip()
        for _ in range(n):  # the last n tokens and the spaces before them
            cut = re.sub(r"[ \u3000]*\S+$", "", cut, count=1)
        out[k] = (no, cut)
    return out


# a section's numbered label (2. 特定個人情報ファイルの取扱いに関する問合せ), in its normal form
_SECTION_NO = re.compile(r"^\d+\.")
_MIN_HEAD = 4  # characters of a section's label after its number that a wrapped label's first line keeps


def _sections(cur: _Cursor) -> dict[str, tuple[str, dict[str, str]]]:
    """Normal form of each numbered section's label → (its label, the labels printed inside it by
    their normal forms)."""
    out: dict[str, tuple[str, dict[str, str]]] = {}
    for s in cur.slots:
        item = s.item
        if not item.is_container:
            continue
        inner = {_norm(lab): lab for d in item.walk() for lab in d.all_labels}
        for lab in item.all_labels:
            n = _norm(lab)
            if (m := _SECTION_NO.match(n)) and len(n) >= len(m.group(0)) + _MIN_HEAD + 1:
                out[n] = (lab, inner)
    return out


_BOX = re.compile(r"^[\[［](?:[○◯〇✓✔■●☑xX×]?)[\]］]")


def _common(a: str, b: str) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    return n


def _wrapped_label(
    cur: _Cursor, rest: str, pending: str, inner: dict[str, str], line: str
) -> tuple[str, str, list[str]] | None:
    """Read one line (its normal form) as pieces of a wrapped section label (`rest`: what is still
    to come of it) and of labels printed inside the section — whole, a box before a flag's, or
    wrapped too (`pending`: what is still to come of one). (rest, pending, the inner labels this
    line opens, as printed) or None when a piece is none of these."""
    opened: list[str] = []
    t = 0
    while t < len(line):
        at = line[t:]
        box = _BOX.match(at)
        lead = box.group(0) if box else ""
        whole = [lab for lab in inner if at.startswith(lead + lab, 0)]
        element = next(
            (m for m in range(min(len(at), 12), 0, -1) if any(rx.match(at[:m]) for rx, _, _ in cur.p.elements)), 0
        )
        if not pending and whole:
            lab = max(whole, key=len)
            opened.append(("[ ]" if lead in ("[]", "［］") else lead) + " " + inner[lab] if lead else inner[lab])
            t += len(lead) + len(lab)
        elif not pending and element and not lead:
            opened.append(at[:element])
            t += element
        elif lead:
            return None
        elif pending and (m := _common(at, pending)) and (m == len(pending) or m == len(at)):
            pending = pending[m:]
            t += m
        elif m := _common(at, rest):
            rest = rest[m:]
            t += m
        else:
            starts = [lab for lab in inner if lab.startswith(at) and len(lab) > len(at)]
            if pending or len(at) < _MIN_HEAD or len(starts) != 1:
                return None
            pending = starts[0][len(at) :]
            opened.append(inner[starts[0]])
            t = len(line)
    return rest, pending, opened


def _wrapped_sections(cur: _Cursor, numbered: Numbered) -> Numbered:
    """A section's numbered label wrapped in its label cell and printed in pieces between the labels
    beside it (pdftotext's reading order: `2. 特定個人情報ファイルの ①連絡先` / `取扱いに関する問合せ`):
    the label put back whole on the line of its first piece, the labels inside it each on its line,
    the pieces taken as the label's (never a value). Only when the pieces spell the label to its
    end, each piece a part of it or a label printed inside the section."""
    sections = _sections(cur)
    if not sections:
        return numbered
    out: Numbered = []
    k = 0
    while k < len(numbered):
        no, raw = numbered[k]
        found = None
        line = _norm(raw) if "\t" not in raw else ""
        if _SECTION_NO.match(line) and line not in sections:
            spelled = []
            for n, (label, inner) in sections.items():
                head = _common(line, n)
                number = _SECTION_NO.match(n)
                if number and len(number.group(0)) + _MIN_HEAD <= head < len(n):
                    got = _spelled(cur, n[head:], inner, line[head:], numbered, k)
                    if got is not None:
                        spelled.append((label, got))
            # two sections' labels spelled (never seen): not settled, left as printed
            found = spelled[0] if len(spelled) == 1 else None
        if found is None and (joined := _wrapped_item_label(cur, numbered, k)) is not None:
            k, lines = joined
            out += lines
            continue
        if found is None:
            out.append((no, raw))
            k += 1
            continue
        label, (end, lines) = found
        boxes = [r for _, r in lines if _BOX.match(r)]  # a flag's box is printed on its section's line
        lines = [(m, r) for m, r in lines if not _BOX.match(r)]
        alone = tuple(m for m, _ in numbered[k + 1 : end] if m not in {x for x, _ in lines})
        out.append((no, _line(" ".join([label, *boxes]), merged=alone)))
        out += lines
        k = end
    return out


_MIN_WRAPPED = 12  # characters of a label printed over several lines (shorter ones fit their cell)


def _wrapped_item_label(cur: _Cursor, numbered: Numbered, k: int) -> tuple[int, Numbered] | None:
    """(past-last line, the lines to read) of an item's long label wrapped in its cell over the lines
    from k (`情報提供ネットワークシステムとの接続に` / `伴うその他のリスク及びそのリスクに対す` / `る措置`):
    the lines joined are one of the form's labels, the first alone is none. A value of one word
    printed on the label's first line, after it (`特定個人情報の入手(情報提供ネットワーク －`), is put
    on the line after the label."""
    first = numbered[k][1]
    if "\t" in first or not first.strip() or _norm(first) in cur.p.by_label:
        return None
    head, _, tail = first.strip().rpartition(" ")
    # a choice's bracket printed on the label's first line: `…取扱者数は500人以上 [ 500人未満 ]` / `か`
    bracket = re.match(r"^(.*\S)\s+([\[［][^\]］]*[\]］])$", first.strip())
    readings = [(first.strip(), ""), (head, tail) if head.strip() else ("", "")]
    if bracket:
        readings.append((bracket.group(1), bracket.group(2)))
    for lead, value in readings:
        joined = _norm(lead)
        if len(joined) < _MIN_HEAD:  # a list's dash, a bracket: a value's markup, not a label's piece
            continue
        printed = [lead.strip()]
        for end in range(k + 1, min(len(numbered), k + 4)):
            raw = numbered[end][1]
            if "\t" in raw or not raw.strip():
                break
            joined += _norm(raw)
            printed.append(raw.strip())
            if len(joined) > cur.longest:
                break
            if joined in cur.p.by_label and len(joined) >= _MIN_WRAPPED:
                no = numbered[k][0]
                merged = tuple(m for m, _ in numbered[k + 1 : end + 1])
                return end + 1, [(no, _line("".join(printed), merged=merged))] + ([(no, value)] if value else [])
    return None


def _spelled(
    cur: _Cursor, rest: str, inner: dict[str, str], first: str, numbered: Numbered, k: int
) -> tuple[int, Numbered] | None:
    """(past-last line, the inner labels as lines) where the lines from k spell the rest of a
    wrapped section label; None if they do not reach its end."""
    lines: Numbered = []
    pending = ""
    pieces = first
    at = k
    while True:
        got = _wrapped_label(cur, rest, pending, inner, pieces)
        if got is None:
            return None
        rest, pending, opened = got
        lines += [(numbered[at][0], o) for o in opened]
        if not rest and not pending:
            return at + 1, lines
        at += 1
        if at >= len(numbered) or at > k + 6 or not numbered[at][1].strip() or "\t" in numbered[at][1]:
            return None
        pieces = _norm(numbered[at][1])


def reflow(form: Form, numbered: Numbered) -> Numbered:
    """The lines rewritten for the label parser: flattened pages split at the form's labels, the
    values of labels printed first assigned to them, a label printed inside its tall value put
    back before it. A text in none of these layouts comes back unchanged."""
    cur = _Cursor(form)
    out: Numbered = []
    flat = False
    numbered = _without_footers(numbered)
    lengths = sorted(len(raw.split()) for _, raw in numbered if raw.strip())
    cur.pages = bool(lengths) and lengths[len(lengths) // 2] >= _PAGE_TOKENS  # the median line: a page
    for k, (no, raw) in enumerate(numbered):
        if cur.changelog is not None:  # a flattened change log: the rest of the text is its table
            cur.changelog.append((no, [t for t in re.split(r"[ \u3000\t]+", raw.strip()) if t]))
            continue
        split = _flattened(cur, no, raw, numbered[k + 1][1] if k + 1 < len(numbered) else "")
        if split is None:
            out.append((no, raw))
            if "\t" not in raw and raw.strip():
                cur.heading(numbered, k)
                if cur.p.part_of(raw) is None:
                    cur.accept(_norm(raw))
        else:
            flat = True
            if split and out and _options_go_on(out[-1][1], split[0][1]):
                # a choice's option list the page break cut (… 9) 20年以上 | 10) 定められていない)
                prev_no, prev = out[-1]
                merged = (*getattr(prev, "merged", ()), split[0][0])
                out[-1] = (prev_no, _line(f"{prev} {split[0][1]}", getattr(prev, "doubt", None), merged))
                split = split[1:]
            out += split
    if flat:
        if cur.changelog is not None:
            out += _change_rows(cur, cur.changelog)
        return out  # a flattened text is cut already
    wrapped = _wrapped_sections(cur, out)  # a section's label wrapped in pieces between its labels
    # such pieces show label cells printed apart from their values (pdftotext's reading order)
    apart = wrapped != out
    out = wrapped
    # first the evidence: whether the text anywhere prints a run of labels followed by one value
    # each (the layout of a merged label column); then the reading, which marks what the values do
    # not settle !要確認 only in a text that shows that layout
    width = cell_width([r for _, r in out])
    tabless = not any(re.search(r"\t\s*\S", raw) for _, raw in out)
    probe = _Cursor(form)
    probe.width, probe.tabless = width, tabless
    longest = max((len(r.strip()) for _, r in out if "\t" not in r), default=0)
    probe.longest_line = longest
    _lines(probe, out)
    cur = _Cursor(form)
    cur.width, cur.tabless, cur.longest_line = width, tabless, longest
    cur.labels_first = probe.proved > 0 or apart
    cur.apart = apart
    inside, printed = probe.votes
    cur.layout = "inside" if inside > printed else "canonical" if printed > inside else None
    return _lines(cur, out)
