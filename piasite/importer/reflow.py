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

from piasite.checks.plausibility import fits, shape_doubt
from piasite.core import dates
from piasite.forms import regime
from piasite.forms.form import Form
from piasite.forms.items import Item
from piasite.importer import choices
from piasite.importer.body import BodyParser
from piasite.importer.cells import wrapped
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
        self.contents_label = norm(form.contents or "") or "\0"
        self.contents = False  # in the table of contents (項目一覧): its part headings start nothing
        self.changelog: list[tuple[int, list[str]]] | None = None  # a flattened change log's tokens, by line
        self.flat = False  # a line of the text was read as a flattened page
        self.pages = False  # the text's lines are pages (most of them long): every one a stream

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
    if "\t" in raw or not raw.strip():
        return None
    return cur.accept(_norm(raw), move=move)


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
    if any(rx.match(_norm(tokens[0])) or rng.match(_norm(tokens[0])) for rx, rng, _ in cur.p.elements):
        return True
    return any(
        cur.accept(_norm("".join(tokens[:j])), move=False) is not None for j in range(1, min(len(tokens), 4) + 1)
    )


def _lines(cur: _Cursor, numbered: Numbered) -> Numbered:
    out: Numbered = []
    k = 0
    while k < len(numbered):
        no, raw = numbered[k]
        if raw.strip():
            cur.heading(numbered, k)
            first = re.split(r"[ \t\u3000]+", raw.strip())[0]
            if (gi := cur._element(_norm(first))) is not None:  # システム2: its items are read afresh
                cur.cursor = gi
        if cur.p.part_of(raw) is not None:
            out.append((no, raw))
            k += 1
            continue
        if (moved := _tall(cur, numbered, k)) is not None:
            out += moved[0]
            k = moved[1]
            continue
        i = _label_of(cur, raw, move=True)
        if i is None or not cur.leaf(i, cover=True):
            if i is None and (head := _label_split(cur, raw)) is not None:  # label and value in one line
                cur.accept(_norm(head[1]))
            out.append((no, raw))
            k += 1
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
            cur.accept(_norm(numbered[j][1]))
            run.append((j, nxt))
            j += 1
        v = j
        while v < len(numbered) and not _opens(cur, numbered[v][1]):
            v += 1
        values = [numbered[x] for x in range(j, v) if numbered[x][1].strip() and not is_separator(numbered[x][1])]
        # fewer lines than labels: read as printed one under the other, the empty ones first, each
        # value under its nearest label (承認日 / 公表日 / a date), as the parser reads them
        if len(run) >= 2 and len(values) >= len(run):
            out += _labels_first(cur, [numbered[x] for x, _ in run], [s for _, s in run], values)
            k = v
            continue
        out += [numbered[x] for x in range(k, j)]
        k = j
    return out


def _labels_first(cur: _Cursor, labels: Numbered, slots: list[int], values: Numbered) -> Numbered:
    items = [cur.slots[s].item for s in slots]
    blocks = assign(items, [r.strip() for _, r in values], lines=True)
    if blocks is not None and all(blocks):
        cur.proved += 1  # every label has its value after the run: the layout prints labels first
    if blocks is None:
        if not cur.labels_first:
            # a text that nowhere shows the labels printed first: bare labels are empty items, the
            # lines after them the last one's value (as printed one under the other, and as read so far)
            return labels + values
        doubt = _unsettled(items, "\n".join(r.strip() for _, r in values))
        return [(no, _line(raw, doubt)) for no, raw in labels] + values
    out: Numbered = []
    at = 0
    for (no, raw), item, block in zip(labels, items, blocks, strict=True):
        out.append((no, raw))
        taken = values[at : at + len(block)]
        at += len(block)
        if item.kind in ("choice", "multi") and len(taken) > 1:
            # a bracket split over lines (`[` / value / `<選択肢>` / options): one row again
            merged = tuple(n for n, _ in taken[1:] if n != taken[0][0])
            out.append((taken[0][0], _line(" ".join(r.strip() for _, r in taken), merged=merged)))
            continue
        out += taken
    return out


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


def _tall(cur: _Cursor, numbered: Numbered, k: int) -> tuple[Numbered, int] | None:
    """A name item (one line) followed by more lines, then the label of the text item after it:
    the label was printed in the middle of that text's tall cell; the lines after the name are
    the text's first lines, put before its own. (lines, where to go on) or None."""
    head = _label_split(cur, numbered[k][1])
    if head is None or not cur.leaf(head[0]):
        return None
    i, _, own = head
    item = cur.slots[i].item
    if item.kind != "text" or not item.shape:
        return None
    v = k + 1
    while v < len(numbered) and not _opens(cur, numbered[v][1]):
        v += 1
    if v >= len(numbered):
        return None
    body = [x for x in range(k + 1, v) if numbered[x][1].strip() and not is_separator(numbered[x][1])]
    lines = ([own] if own else []) + [numbered[x][1].strip() for x in body]
    if len(lines) < 2 or not body:
        return None
    nxt = _label_split(cur, numbered[v][1])
    # the next item the form prints (a section's heading between them would have ended the lines)
    after = next((x for x in range(i + 1, len(cur.slots)) if not cur.slots[x].item.is_container), None)
    if nxt is None or nxt[0] != after or not cur.leaf(nxt[0]):
        return None
    text = cur.slots[nxt[0]].item
    if text.kind != "text" or text.shape:
        return None
    first, second = lines[0], lines[1]
    if shape_doubt(item.shape, first) is not None:
        return None  # not a name to begin with: the plausibility check says so
    cont = wrapped(first, second) and shape_doubt(item.shape, nfkc(first + second)) is None
    if cont and len(lines) == 2 and 2 * len(second) <= len(first):
        return None  # a long line and its short tail: the name wrapped at the cell's edge
    cur.accept(_norm(nxt[1]))
    # the lines after the first might all be the name's (子育て支援課長 / (兼務)): not settled either,
    # unless they read as the text: a sentence, or a line as wide as the cell where the name was not
    rest = lines[1:]
    texty = any("。" in r for r in rest) or len(nfkc(rest[0])) >= 20
    if cont or (not texty and shape_doubt(item.shape, nfkc("".join(lines))) is None):
        # the second line may finish the name (wrapped at the cell's edge) or open the text
        doubt = (
            "\n".join(lines),
            f"「{item.label}」の欄に {len(lines)} 行あり、2 行目が名称の続きか次の「{text.label}」の値かが"
            "行の形から決まりません(元の PDF で確認してください)",
        )
        marked = [(numbered[k][0], _line(numbered[k][1], doubt))] + numbered[k + 1 : v]
        return marked + [(numbered[v][0], _line(numbered[v][1], doubt))], v + 1  # both items
    moved = body if own else body[1:]
    out: Numbered = [numbered[x] for x in range(k, (k + 1) if own else body[0] + 1)]
    no = numbered[v][0]
    out.append((no, _line(nxt[1])))
    out += [numbered[x] for x in moved]
    out += [(no, _line(nxt[2]))] if nxt[2] else []
    return out, v + 1


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
    # first the evidence: whether the text anywhere prints a run of labels followed by one value
    # each (the layout of a merged label column); then the reading, which marks what the values do
    # not settle !要確認 only in a text that shows that layout
    probe = _Cursor(form)
    _lines(probe, out)
    cur = _Cursor(form)
    cur.labels_first = probe.proved > 0
    return _lines(cur, out)
