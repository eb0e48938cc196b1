"""Running page headers and footers: lines the extraction repeats at every page break
(`住民基本台帳事務 全項目評価書`, `12 / 72`, the department's name; examples.md §3.3).

A line is furniture only on the document's own evidence, never by its wording:
- page counters going up from page to page (`2`, `- 2 -`, `2 / 9`, `2 / 9 東山市…`; pages may be left
  out) and the lines printed beside (nearly) every one of them at the same place (the running title,
  the 事務, the form's name, the department): only those places, so the same text elsewhere (the
  事務の名称's value) stays a value (running_footers). Where such footers are found, nothing else is
  furniture; otherwise:
- a page counter carrying text (`1 / 38 宮崎市税務部市民税課`, or the same in cells of a table row)
  whose text, with the counter taken out, comes back with another page number on at least one
  other line; or
- a one-cell line of plain text that does not open with a form label, that occurs at least twice and, every time,
  beside a page break (a page number or a `-----` row, within a few lines and with nothing but
  other such lines in between). A value that also appears elsewhere is never furniture.
- a bare page number (`2` alone on its line): one of a run of such lines, three at least, whose
  numbers go up by one from each to the next with text between them (pages, not a list of numbers).
  The cover's lines (before `cover_end`) are left to the cover's reader: a number there may be the
  評価書番号, printed alone under its label.
The readers treat furniture as they treat a page break."""

from __future__ import annotations

import bisect
import functools
import re
from collections import defaultdict

from piasite.forms.registry import form_names, load_form
from piasite.importer.text import has_html, is_separator, norm

_COUNTER = re.compile(r"^(?P<pre>.*?)\s*(?P<n>\d{1,4})\s*[/／]\s*(?P<of>\d{1,4})\s*(?P<post>.*?)$")
_BARE = re.compile(r"^\s*(\d{1,4})\s*$")
MIN_PAGES = 3  # fewer bare numbers in sequence are values as often as pages
MIN_PAGE_LINES = 3  # text lines at least between two page numbers
REACH = 3  # furniture lines on each side of a page break
MIN_CHARS = 4  # shorter lines (－, なし, 同上) are values too often to be told apart


def _counter_lines(lines: list[str]) -> set[int]:
    """Lines of text + page counter whose text repeats with other page numbers."""
    seen: dict[tuple[str, str, str], list[tuple[int, str]]] = defaultdict(list)
    for k, raw in enumerate(lines):
        if has_html(raw) or is_separator(raw):
            continue
        m = _COUNTER.match(re.sub(r"\s+", " ", raw.strip()))  # its parts in cells of their own, too
        if m and (m["pre"] or m["post"]) and int(m["n"]) <= int(m["of"]):
            seen[(m["pre"].strip(), m["post"].strip(), m["of"])].append((k, m["n"]))
    out: set[int] = set()
    for found in seen.values():
        if len({n for _, n in found}) >= 2:
            out |= {k for k, _ in found}
    return out


def _chain(found: list[tuple[int, int]], text_before: list[int]) -> list[int]:
    """The longest run n, n+1, n+2 … among `found` (line, number) in reading order, each at least
    MIN_PAGE_LINES text lines after the one before: its lines. Between two equal candidates for the
    page before, the nearer one (a 評価書番号 `1` on the cover is no page 1 when the cover's own `1`
    follows it)."""
    if not found:
        return []
    length: list[int] = []
    before: list[int | None] = []
    by_value: dict[int, list[int]] = defaultdict(list)  # indexes into found, by number
    for i, (k, n) in enumerate(found):
        prev = max(
            (j for j in by_value.get(n - 1, ()) if text_before[k] - text_before[found[j][0]] >= MIN_PAGE_LINES),
            key=lambda j: (length[j], j),
            default=None,
        )
        length.append(1 if prev is None else length[prev] + 1)
        before.append(prev)
        by_value[n].append(i)
    last = max(range(len(found)), key=lambda i: (length[i], -i))
    out: list[int] = []
    end: int | None = last
    while end is not None:
        out.append(found[end][0])
        end = before[end]
    return out[::-1]


def _rising(found: list[tuple[int, int]], text_before: list[int]) -> list[int]:
    """The longest run of numbers going up (pages may be left out: an excerpt, a blank page) among
    `found` (line, number) in reading order, each at least MIN_PAGE_LINES text lines after the one
    before: its lines. O(n log n): a Fenwick tree over the numbers holds the best run ending below
    each number, among the counters far enough behind the one read."""
    if not found:
        return []
    top = max(n for _, n in found) + 2
    tree: list[tuple[int, int]] = [(0, -1)] * (top + 1)  # (length, index into found) per prefix of numbers

    def best_below(n: int) -> tuple[int, int]:
        out = (0, -1)
        i = n  # numbers 0 … n-1 are stored at positions 1 … n
        while i > 0:
            out = max(out, tree[i])
            i -= i & -i
        return out

    def put(n: int, v: tuple[int, int]) -> None:
        i = n + 1
        while i <= top:
            tree[i] = max(tree[i], v)
            i += i & -i

    length = [0] * len(found)
    before = [-1] * len(found)
    ready = 0  # found[:ready] are far enough behind the counter read
    for i, (k, n) in enumerate(found):
        while ready < i and text_before[k] - text_before[found[ready][0]] >= MIN_PAGE_LINES:
            put(found[ready][1], (length[ready], ready))
            ready += 1
        got, prev = best_below(n)
        length[i], before[i] = got + 1, prev
    last = max(range(len(found)), key=lambda i: (length[i], -i))
    out: list[int] = []
    end = last
    while end >= 0:
        out.append(found[end][0])
        end = before[end]
    return out[::-1]


def _text_before(lines: list[str], counter: set[int]) -> list[int]:
    """Text lines (neither blank nor one of `counter`) before each index."""
    out = [0] * (len(lines) + 1)
    for k, raw in enumerate(lines):
        out[k + 1] = out[k] + (1 if raw.strip() and k not in counter else 0)
    return out


def bare_page_numbers(lines: list[str], cover_end: int = 0) -> set[int]:
    """Lines (0-based, at or after cover_end) that are bare page numbers: the longest sequence n, n+1,
    n+2 … of lone numbers in reading order, each at least MIN_PAGE_LINES text lines after the one before."""
    bare = [(k, int(m.group(1))) for k, raw in enumerate(lines) if k >= cover_end and (m := _BARE.match(raw))]
    if len(bare) < MIN_PAGES:
        return set()
    chain = _chain(bare, _text_before(lines, {k for k, _ in bare}))
    return set(chain) if len(chain) >= MIN_PAGES else set()


@functools.lru_cache(maxsize=1)
def _label_heads() -> tuple[str, ...]:
    """Every form's labels (normal form): a list of changes quotes another form's headings."""
    labels: set[str] = set()
    for name in form_names():
        form = load_form(name)
        labels |= {norm(lab) for i in form.walk() for lab in i.all_labels}
        labels |= {norm(form.title)} | ({norm(form.contents)} if form.contents else set())
    return tuple(sorted(lab for lab in labels if len(lab) >= 3))


label_heads = _label_heads  # (other readers ask whether a line opens with a form's label)


# A page counter alone on its line, by shape: `2`, `- 2 -`, `2 / 9` (the total is part of the shape).
_DASHED = re.compile(r"^\s*[-－―—‐−]\s*(\d{1,4})\s*[-－―—‐−]\s*$")
_OF = re.compile(r"^\s*(\d{1,4})\s*[/／]\s*(\d{1,4})\s*$")


def _shape(raw: str) -> tuple[tuple[str, ...], int] | None:
    """(shape, number) of a page counter: the same shape on every page of a document."""
    if "\t" in raw.strip():
        cells = [c.strip() for c in raw.split("\t") if c.strip()]
        raw = " ".join(cells)
    if m := _BARE.match(raw):
        return ("bare",), int(m.group(1))
    if m := _DASHED.match(raw):
        return ("dashed",), int(m.group(1))
    if m := _OF.match(raw):
        return ("of", m.group(2)), int(m.group(1)) if int(m.group(1)) <= int(m.group(2)) else -1
    m = _COUNTER.match(re.sub(r"\s+", " ", raw.strip()))
    if m and (m["pre"] or m["post"]) and int(m["n"]) <= int(m["of"]) and not has_html(raw):
        return ("text", m["pre"].strip(), m["post"].strip(), m["of"]), int(m["n"])
    return None


def _key(raw: str) -> str:
    return re.sub(r"\s+", " ", raw.strip())


def _counted(raw: str) -> bool:
    """A line a walk from a page counter counts (blank lines and rules are stepped over)."""
    return bool(raw.strip()) and not is_separator(raw)


def _agreed(count: int, members: int) -> bool:
    """Lines printed beside `members` page counters: the same text at `count` of them is the page's own."""
    return count >= 2 and 5 * count >= 4 * members


def _running(lines: list[str], chain: list[int], step: int) -> tuple[list[str], list[int]]:
    """The lines printed at every page counter of `chain` on one side (step -1: before it, +1: after
    it), nearest first: the same text at the same place beside (nearly) every counter, up to the first
    place where the pages differ. (their texts, the lines found)"""
    stop = set(chain)
    cursor: list[int | None] = list(chain)
    texts: list[str] = []
    found: list[int] = []
    for _ in range(2 * REACH):
        nxt: list[int | None] = []
        for c in cursor:
            j = None if c is None else c + step
            while j is not None and 0 <= j < len(lines) and j not in stop and not _counted(lines[j]):
                j += step
            nxt.append(j if j is not None and 0 <= j < len(lines) and j not in stop else None)
        seen: dict[str, int] = defaultdict(int)
        for j in nxt:
            if j is not None:
                seen[_key(lines[j])] += 1
        if not seen:
            break
        text, count = max(seen.items(), key=lambda kv: kv[1])
        if not _agreed(count, len(chain)):
            break
        texts.append(text)
        cursor = [j if j is not None and _key(lines[j]) == text else None for j in nxt]
        found += [j for j in cursor if j is not None]
    return texts, found


def running_footers(lines: list[str], cover_end: int = 0) -> set[int]:
    """Page counters going up page by page (one shape: `2`, `- 2 -`, `2 / 9`, `2 / 9 東山市…`) and the
    lines printed with every one of them (the running title, the 事務, the form's name, the department):
    the same lines at the same places beside the counters of (nearly) every page. Only those places
    are furniture: the same text anywhere else (the 事務の名称's value) is the document's. A counter on
    the cover (a 評価書番号 `1`) counts only with the lines the other pages print beside theirs."""
    by_shape: dict[tuple[str, ...], list[tuple[int, int]]] = defaultdict(list)
    for k, raw in enumerate(lines):
        if raw.strip() and (got := _shape(raw)) is not None and got[1] >= 0:
            by_shape[got[0]].append((k, got[1]))
    out: set[int] = set()
    for found in by_shape.values():
        if len(found) < 2:
            continue
        chain = _rising(found, _text_before(lines, {k for k, _ in found}))
        body = [k for k in chain if k >= cover_end]
        if len(body) < 2:
            continue
        before, at_before = _running(lines, body, -1)
        after, at_after = _running(lines, body, +1)
        if not before and not after:
            continue
        pages = set(body)
        for k in chain:
            if k >= cover_end:
                continue
            # the cover's counter: the lines beside it are the other pages'
            side = [*_around(lines, k, -1, len(before)), *_around(lines, k, +1, len(after))]
            if [_key(lines[j]) for j in side] == [*before, *after]:
                pages.add(k)
                out |= set(side)
        if len(pages) >= MIN_PAGES:
            out |= pages | set(at_before) | set(at_after)
    return out


def _around(lines: list[str], k: int, step: int, n: int) -> list[int]:
    """The n non-blank lines nearest to line k on one side."""
    out: list[int] = []
    j = k + step
    while 0 <= j < len(lines) and len(out) < n:
        if _counted(lines[j]):
            out.append(j)
        j += step
    return out


def page_furniture(lines: list[str], cover_end: int = 0) -> set[int]:
    """Indexes (0-based) of the lines that are page furniture. cover_end: the index of the first line
    after the cover (its 評価書名 may be printed again as the running title of every page)."""
    counters = _counter_lines(lines) | bare_page_numbers(lines, cover_end)
    running = running_footers(lines, cover_end)
    if running:  # the pages' own furniture, found by their counters: nothing else is
        return counters | running
    heads = _label_heads()

    def candidate(raw: str) -> bool:
        text = raw.strip()
        # a line opening with a label is a form's (a part heading printed with its ※ note …)
        return (
            len(text) >= MIN_CHARS
            and "\t" not in text
            and not has_html(text)
            and not is_separator(raw)
            and not norm(text).startswith(heads)
        )

    breaks = [k for k, raw in enumerate(lines) if is_separator(raw) or k in counters]
    # The lines a walk from a page break counts (blank lines and other breaks are stepped over), in
    # order: a walk looks at the REACH nearest of them on each side, found by bisection, so a run of
    # breaks with nothing between them costs each break REACH steps, not the run's length.
    is_break = set(breaks)
    counted = [k for k, raw in enumerate(lines) if raw.strip() and k not in is_break]
    near: set[int] = set()  # candidates beside a page break
    for b in breaks:
        i = bisect.bisect_right(counted, b)  # counted[i] is the first counted line after b
        for side in (reversed(counted[max(0, i - REACH) : i]), counted[i : i + REACH]):
            for k in side:
                if not candidate(lines[k]):
                    break
                near.add(k)
    where: dict[str, list[int]] = defaultdict(list)
    for k, raw in enumerate(lines):
        if raw.strip():
            where[raw.strip()].append(k)
    out = set(counters)
    for ks in where.values():
        # a running title also printed on the cover (its 評価書名, the cover page's own footer): furniture
        # at the breaks; the cover's reader judges the cover's lines
        at_breaks = [k for k in ks if k in near]
        elsewhere = [k for k in ks if k not in near]
        if len(at_breaks) >= 2 and all(k < cover_end for k in elsewhere):
            out |= set(at_breaks)
    return out


TITLE_REACH = 3  # lines above a page's title a running header takes


def title_headers(lines: list[str], title: str, cover_end: int = 0) -> set[int]:
    """Running headers above the form's title printed again at the top of every page (pdftotext's
    reading order: `住民基本台帳に関する事務 全項目評価書` / `特定個人情報保護評価書(全項目評価書)`), where
    the page counter and the headers are not beside each other (a label cell repeated on the new
    page comes between them): a line among the few above the title on at least half of the pages,
    the same each time, that opens with no form label. Only those places; the same text elsewhere
    (the 評価書名 on the cover, a value) stays the document's."""
    want = norm(title)
    titles = [k for k, raw in enumerate(lines) if k >= cover_end and norm(raw) == want]
    if len(titles) < 2:
        return set()
    heads = _label_heads()
    seen: dict[str, list[int]] = defaultdict(list)
    for t in titles:
        j, taken = t - 1, 0
        while j >= cover_end and taken < TITLE_REACH:
            raw = lines[j]
            if not raw.strip():
                j -= 1
                continue
            if is_separator(raw) or "\t" in raw or has_html(raw) or norm(raw).startswith(heads):
                break
            seen[raw.strip()].append(j)
            taken += 1
            j -= 1
    out: set[int] = set()
    for ks in seen.values():
        if len(ks) >= 2 and 2 * len(ks) >= len(titles):
            out |= set(ks)
    return out
