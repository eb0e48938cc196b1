"""(別添2) 変更箇所: one row per change, page-split continuations merged,
変更日 as ISO 8601 whatever way it was written."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from piasite.core import dates
from piasite.forms.form import Form
from piasite.importer.body import Notes, cells_of
from piasite.importer.text import is_separator, norm, plain, to_markdown
from piasite.model.reader import Uncertain

# Words cities write for "same as the row above" (not form labels).
SAME = {"同上"}
_DATE_START = re.compile(r"^(?:令和|平成|昭和|[RHS])\s*(?:元|\d{1,2})\s*[年./]|^\d{4}\s*[年/.-]\s*\d")


@dataclass
class Row:
    line: int
    cells: list[str]
    after_break: bool
    lines: list[int] = field(default_factory=list)
    # (source text, reason) and the cells (by column) a flattened table leaves unsettled (reflow.py)
    doubt: tuple[str, str] | None = None
    unsure: tuple[int, ...] = ()


def is_row_start(raw: str) -> bool:
    cells = cells_of(raw)
    return bool(cells) and bool(_DATE_START.match(plain(cells[0])))


# A page's number printed alone on its line (`2`): never a cell of the table's header or a dated row.
_LONE_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")


def _significant(raw: str) -> bool:
    return bool(raw.strip()) and not is_separator(raw) and not _LONE_NUMBER.match(raw)


def table_start(form: Form, numbered: list[tuple[int, str]], part_of: Callable[[str], int | None]) -> int:
    """Where the change log starts in `numbered` (its length: nowhere). Its heading followed by the
    table (its header row, or a dated row), past page breaks and bare page numbers, is certain.
    Failing one, the last heading after the body: not an entry of the 項目一覧 (the contents list on
    the cover, where the heading is printed among the parts' labels) and with no part heading after
    it (the change log is the document's last part). A heading of the 項目一覧 never opens it, whatever
    follows it (a page number, the first part's heading)."""
    group = form.role_item("changes")
    heads = [norm(l) for l in group.all_labels]
    columns = {norm(l) for c in group.items for l in c.all_labels}
    first_column = [norm(l) for l in group.items[0].all_labels]  # 変更日, its header printed as one cell
    contents = norm(form.contents) if form.contents else None
    lines = [(k, raw) for k, (_no, raw) in enumerate(numbered) if _significant(raw)]
    fallback = None
    for j, (k, raw) in enumerate(lines):
        cells = cells_of(raw)
        if len([c for c in cells if c.strip()]) != 1 or not any(norm(cells[0]).startswith(h) for h in heads):
            continue
        nxt = lines[j + 1][1] if j + 1 < len(lines) else ""
        first = cells_of(nxt)[0] if cells_of(nxt) else ""
        if norm(first) in columns or any(norm(first).startswith(c) for c in first_column) or is_row_start(nxt):
            return k
        prev = cells_of(lines[j - 1][1])[0] if j > 0 else ""
        in_contents = part_of(prev) is not None or (contents is not None and norm(prev) == contents)
        later_part = any(part_of(cells_of(r)[0]) is not None for _, r in lines[j + 1 :] if len(cells_of(r)) == 1)
        if not in_contents and not later_part:
            fallback = k
    return len(numbered) if fallback is None else fallback


# Why a row after a page break is kept apart from the row before it with the same date and item.
SPLIT_OR_TWO = (
    "前の行とページの区切りをはさんで変更日と項目が同じで、どちらの行にも提出時期があります。"
    "二つの変更として取り込みましたが、一つの変更を二つのページに分けて印刷したものなら前の行と合わせてください(要確認)"
)


# The printed columns in order, as roles (the remark column is piasite's own, last).
COLUMNS = ("change_date", "change_item", "change_before", "change_after", "change_timing", "change_explanation")


def parse(lines: list[tuple[int, str]], form: Form, notes: Notes, accounted: dict) -> tuple[list[dict], dict]:
    """Rows of the change log; stats for the report."""
    group = form.role_item("changes")
    keys = [form.role_key(r) for r in COLUMNS]
    note_key = form.role_key("change_note") if form.has_role("change_note") else None
    timings = form.role_item("change_timing").choices
    header_norm = {norm(l) for c in group.items for l in c.all_labels}
    heads = {norm(l) for l in group.all_labels}
    rows: list[Row] = []
    brk = False
    gap = False
    physical = 0
    # the header printed one column label per line (a table extracted cell by cell, no tabs):
    # the rows are then one cell per line too
    header_lines = 0
    per_line = False
    unread_cells, unread_lines = 0, set()  # rows a flattened table left unread: their cells, lines
    for no, raw in lines:
        if not raw.strip():
            accounted[no] = "blank"
            gap = True
            continue
        if is_separator(raw):
            accounted[no] = "layout"
            brk = True
            continue
        if getattr(raw, "unread", False):  # rows a flattened table does not settle (reflow.py)
            notes.add(no, plain(raw), "変更箇所の表の行の区切りが原文から決まらず、読み取れませんでした")
            accounted[no] = "note"
            unread_cells += _row_cells(plain(raw).split())
            unread_lines.add(no)
            continue
        cells = _spaced_cells(raw, header_norm, timings) or cells_of(raw)
        if norm(cells[0]) in heads and len(cells) == 1:
            accounted[no] = "layout"  # the part heading, repeated
            continue
        if cells and all(norm(c) in header_norm for c in cells if c.strip()):
            accounted[no] = "layout"  # the header row, repeated after page breaks
            header_lines = header_lines + 1 if len(cells) == 1 else 0
            per_line = per_line or header_lines >= 3
            continue
        header_lines = 0
        if is_row_start(raw):
            physical += 1
            rows.append(Row(no, cells, brk, [no], getattr(raw, "doubt", None), getattr(raw, "unsure", ())))
            accounted[no] = "value"
            brk = gap = False
            continue
        if rows and per_line and len(cells) == 1:
            rows[-1].cells.append(raw.strip())  # the next cell of the row
            rows[-1].lines.append(no)
            accounted[no] = "value"
            continue
        if rows and not brk and not gap:
            # a cell broken over two physical lines: continue the last non-empty cell
            r = rows[-1]
            r.cells[-1] = r.cells[-1] + "\n" + raw.strip()
            r.lines.append(no)
            accounted[no] = "value"
            continue
        notes.add(no, plain(raw), "変更箇所の表の行として読めませんでした")
        accounted[no] = "note"
    merged = 0
    unsure = 0  # rows that may continue the row before them
    out: list[dict] = []
    prev: Row | None = None
    for r in rows:
        if per_line:
            _columns(r, timings, notes)
        c = [plain(x) if i == 0 else x for i, x in enumerate(r.cells)] + [""] * 6
        date_text, item = c[0], plain(c[1])
        if prev is not None and out:
            pc = out[-1]
            same_date = pc["_date_text"] == date_text
            same_item = item in SAME or plain(prev.cells[1] if len(prev.cells) > 1 else "") == item
            # both parts with their own 提出時期: one change printed on two rows at the page's end, or
            # two changes of one item that a page break happens to part; the text cannot tell
            whole = plain(c[4]) in timings and bool(pc.get(keys[4]))
            if same_date and same_item and (item in SAME or r.after_break and not whole):
                _merge(pc, c, keys, timings)
                merged += 1
                continue
            if same_date and same_item and r.after_break:
                out.append(_row(c, r.line, notes, keys, note_key, timings, [SPLIT_OR_TWO]))
                if not note_key:
                    notes.add(r.line, plain(c[1]), SPLIT_OR_TWO)
                unsure += 1
                prev = r
                continue
        row = _row(c, r.line, notes, keys, note_key, timings)
        if r.doubt is not None:  # the columns a flattened table does not settle
            for col in r.unsure:
                row[keys[col]] = Uncertain(r.doubt[0], r.line, r.doubt[1], None)
            if 0 in r.unsure and note_key:
                row.pop(note_key, None)
        out.append(row)
        prev = r
    for row in out:
        row.pop("_date_text", None)
    stats: dict = {"physical": physical, "merged": merged, "rows": len(out), "unsure": unsure}
    # a table read from a flattened stream (reflow.py): some cells !要確認, some rows unread; the
    # report's headline counts its cells (a table of lines stays outside it, as every row is read)
    if any(hasattr(raw, "unsure") for _, raw in lines):
        stats["flattened"] = True
    if unread_lines:
        stats |= {"unread_cells": unread_cells, "unread_lines": sorted(unread_lines)}
    return out, stats


def _row_cells(tokens: list[str]) -> int:
    """The cells of change-log rows run together (a flattened table's unread rest): a row from
    each token that is a date, at most one cell a column and one a token."""
    starts = [k for k, t in enumerate(tokens) if k == 0 or dates.parse_date(t) is not None]
    return sum(min(len(COLUMNS), b - a) for a, b in zip(starts, [*starts[1:], len(tokens)], strict=True))


def _spaced_cells(raw: str, header_norm: set, timings) -> list[str] | None:
    """A row whose cells are separated by full-width spaces (or runs of spaces), not tabs: its
    cells when the split is certain — the header row, or a row of a date, three cells, 事前/事後
    and at most one more cell; None otherwise (the line is read as one cell)."""
    if len(cells_of(raw)) > 1 or not re.search(r"\u3000| {2,}", raw.strip()):
        return None
    cells = [c for c in re.split(r"[\u3000]+| {2,}", raw.strip()) if c]
    if len(cells) >= 3 and all(norm(c) in header_norm for c in cells):
        return cells
    if len(cells) in (5, 6) and _DATE_START.match(plain(cells[0])) and plain(cells[4]) in timings:
        return cells
    return None


def _columns(r: Row, timings, notes: Notes) -> None:
    """A row printed one cell per line: the 提出時期 cell (事前/事後) anchors the columns. Two cells
    between the 項目 and it are 変更前/変更後; any other count leaves the columns unknown: the row
    keeps its date and 提出時期, and its other lines go to 取込メモ verbatim."""
    cells = r.cells
    t = next((k for k in range(1, len(cells)) if plain(cells[k]) in timings), None)
    if t is None:
        t = len(cells)  # no 提出時期: the columns before it are all there is
    if t == 4 or (len(cells) <= 6 and t == len(cells) and t <= 4):
        r.cells = cells[:t] + cells[t : t + 1] + (["\n".join(cells[t + 1 :])] if len(cells) > t + 1 else [])
        return
    for no, text in zip(r.lines[1:t], cells[1:t], strict=False):
        notes.add(
            no,
            text,
            "変更箇所の表の列の区切りが原文から読み取れません(1 行に 1 つの欄で印刷された表で、"
            "項目・変更前・変更後の欄の行数が合いません)",
        )
    r.cells = [cells[0], "", "", ""] + cells[t : t + 1] + (["\n".join(cells[t + 1 :])] if len(cells) > t + 1 else [])


def _md(cell: str) -> str:
    md, _ = to_markdown(cell)
    return md


def _row(
    c: list[str],
    line: int,
    notes: Notes,
    keys: list[str],
    note_key: str | None,
    timings,
    remarks: list[str] | None = None,
) -> dict:
    row: dict = {"_date_text": c[0]}
    got = dates.parse_date(c[0])
    remarks = list(remarks or [])
    if got:
        row[keys[0]] = dates.iso(*got)
    else:
        row[keys[0]] = c[0]
        remarks.append(f"変更日は原文のまま「{c[0]}」です(日付として読めません)")
    row[keys[1]] = _md(c[1])
    for k, v in zip(keys[2:4], c[2:4], strict=False):
        md = _md(v)
        if md:
            row[k] = md
    timing = plain(c[4])
    if timing in timings:
        row[keys[4]] = timing
    elif timing:
        remarks.append(f"提出時期は原文で「{timing}」")
    if plain(c[5]):
        row[keys[5]] = _md(c[5])
    extra = [x for x in c[6:] if plain(x)]
    if extra:
        remarks.append("表の外にはみ出していた記載: " + " / ".join(plain(x) for x in extra))
    if remarks and note_key:
        row[note_key] = "。".join(remarks)
    return row


def _merge(row: dict, c: list[str], keys: list[str], timings) -> None:
    for k, v in ((keys[2], c[2]), (keys[3], c[3])):
        md = _md(v)
        if not md or plain(v) in SAME:
            continue
        row[k] = (row.get(k, "") + "\n\n" + md).strip()
    if not row.get(keys[4]) and plain(c[4]) in timings:
        row[keys[4]] = plain(c[4])
    if not row.get(keys[5]) and plain(c[5]):
        row[keys[5]] = _md(c[5])
