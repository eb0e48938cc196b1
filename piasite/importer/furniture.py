"""Running page headers and footers: lines the extraction repeats at every page break
(`住民基本台帳事務 全項目評価書`, `12 / 72`, the department's name; examples.md §3.3).

A line is furniture only on the document's own evidence, never by its wording:
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


def bare_page_numbers(lines: list[str], cover_end: int = 0) -> set[int]:
    """Lines (0-based, at or after cover_end) that are bare page numbers: the longest sequence n, n+1,
    n+2 … of lone numbers in reading order, each at least MIN_PAGE_LINES text lines after the one before."""
    bare = [(k, int(m.group(1))) for k, raw in enumerate(lines) if k >= cover_end and (m := _BARE.match(raw))]
    if len(bare) < MIN_PAGES:
        return set()
    text_before = [0] * (len(lines) + 1)  # text lines before index k
    for k, raw in enumerate(lines):
        text_before[k + 1] = text_before[k] + (1 if raw.strip() and not _BARE.match(raw) else 0)
    # the longest sequence ending at bare[i]: its length and the element before it
    length: list[int] = []
    before: list[int | None] = []
    by_value: dict[int, list[int]] = defaultdict(list)  # indexes into bare, by number
    for i, (k, n) in enumerate(bare):
        prev = max(
            (j for j in by_value.get(n - 1, ()) if text_before[k] - text_before[bare[j][0]] >= MIN_PAGE_LINES),
            key=lambda j: length[j],
            default=None,
        )
        length.append(1 if prev is None else length[prev] + 1)
        before.append(prev)
        by_value[n].append(i)
    last = max(range(len(bare)), key=lambda i: length[i])
    if length[last] < MIN_PAGES:
        return set()
    out = set()
    end: int | None = last
    while end is not None:
        out.add(bare[end][0])
        end = before[end]
    return out


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


def page_furniture(lines: list[str], cover_end: int = 0) -> set[int]:
    """Indexes (0-based) of the lines that are page furniture. cover_end: the index of the first line
    after the cover (its 評価書名 may be printed again as the running title of every page)."""
    counters = _counter_lines(lines) | bare_page_numbers(lines, cover_end)
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
