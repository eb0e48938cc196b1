"""変更箇所一覧: a table (place, page, reason) repeated in segments, each
reproducing changed passages of an assessment. One entry per page reference;
the headings above a row name the place."""

from __future__ import annotations

import re
from collections import Counter

from piasite.forms.form import Form
from piasite.forms.registry import load_form
from piasite.importer.body import Notes, cells_of
from piasite.importer.imported import Imported
from piasite.importer.text import is_separator, norm, plain, to_markdown

_PAGE_CELL = re.compile(r"^\s*(\d{1,3})(?:\s+(.*))?$", re.S)
# An organisation named before its own rules: 新宿区特別区税条例, 〇〇市情報公開条例 …
_ORG = re.compile(
    r"([\u4e00-\u9fff]{1,4}?[都道府県市区町村])(?=(?:の)?[\u4e00-\u9fffー・]*?(?:条例|情報セキュリティ|規程))"
)


def _index_labels(form: Form) -> dict[str, str]:
    """role → label (circled number dropped) of the assessment items feeding the name lists."""
    out = {}
    for role, ref in form.index.items():
        item = load_form(ref["form"]).role_item(ref["role"])
        label = item.element.split("{n}")[0] if item.kind == "group" and item.element else item.label
        out[role] = _bare(label)
    return out


def _bare(label: str) -> str:
    return re.sub(r"^[①-⑳]", "", norm(label))


def _page_of(cell: str) -> tuple[int, str] | None:
    md, _ = to_markdown(cell)
    m = _PAGE_CELL.match(md.replace("\n\n", " ").strip())
    if not m:
        return None
    return int(m.group(1)), (m.group(2) or "").strip()


def import_lines(form: Form, numbered: list[tuple[int, str]]) -> Imported:
    group = form.role_item("change_list")
    header = {norm(l) for c in group.items for l in c.all_labels}
    notes = Notes()
    accounted: dict[int, str] = {}
    entries: list[dict] = []
    outside: list[str] = []  # title, version, footnotes: lines around the tables
    top: list[str] = []  # headings opening the segment
    buffer: list[tuple[int, list[str]]] = []  # heading-like lines since the last row
    cur: dict | None = None
    in_table = False

    def place(extra: list[str], label: str) -> list[str]:
        heads = list(top)
        for h in extra:
            if re.match(r"^\d+\.", h):
                heads = heads[: _first_numbered(heads)]
            heads.append(h)
        return heads + ([label] if label else [])

    def start(label: str, page) -> dict:
        e = {
            "place": place([plain(c[0]) for _, c in buffer], label),
            "rows": [],
            "page": page[0] if page else None,
            "reason": page[1] if page else "",
        }
        buffer.clear()
        entries.append(e)
        return e

    def end_segment() -> None:
        for _no, c in buffer:
            outside.append("\t".join(c))
        buffer.clear()

    for no, raw in numbered:
        if not raw.strip():
            accounted[no] = "blank"
            continue
        if is_separator(raw):
            accounted[no] = "layout"
            continue
        accounted[no] = "value"
        cells = cells_of(raw)
        nonempty = [c for c in cells if c.strip()]
        if nonempty and all(norm(c) in header for c in nonempty):
            end_segment()
            in_table, top, cur = True, [], None
            accounted[no] = "layout"
            continue
        if not in_table:
            outside.append(raw.strip())
            continue
        # the page cell: last of three, or a line of its own (column 3 is not reliable, 001:86)
        page = None
        if len(cells) >= 3 and cells[-1].strip():
            page = _page_of(cells[-1])
            if page:
                cells = cells[:-1]
        elif len(nonempty) == 1 and len(cells) == 1:
            page = _page_of(cells[0])
            if page and len(page[1]) > 60:
                page = None
            if page:
                if cur is not None and cur["page"] is None:
                    cur["page"], cur["reason"] = page
                    cur["rows"] += buffer
                    buffer.clear()
                else:
                    cur = start("", page)
                continue
        label = plain(cells[0]) if cells else ""
        has_value = any(c.strip() for c in cells[1:])
        if not has_value and not page and not raw.startswith((" ", "-", "\t")) and len(label) <= 80:
            if cur is None:
                top.append(label)  # headings before the segment's first row name every entry in it
            else:
                buffer.append((no, cells))
            continue
        if page and cur is not None and cur["page"] is not None or page and cur is not None and cur["rows"] and buffer:
            cur = start(label if has_value and len(label) <= 40 else "", page)
        elif cur is None:
            cur = start(label if has_value and len(label) <= 40 else "", page)
        else:
            if page:
                cur["page"], cur["reason"] = page
            cur["rows"] += buffer
            buffer.clear()
        cur["rows"].append((no, cells))
    end_segment()

    key = form.role_key
    data: dict = {key("form"): form.name}
    if outside:
        data[key("notes")] = "\n\n".join(to_markdown(t)[0] for t in outside)
    index = _index_labels(form)
    systems: list[str] = []
    itaku: list[dict[str, str]] = []  # roles (entrustment_name, contractor) → name
    rows_out = []
    full_text = []
    for e in entries:
        excerpt, dropped = _excerpt(e["rows"], index, systems, itaku)
        full_text.append(excerpt)
        place_text = " ".join(h for h in e["place"] if h)
        row = {key("change_list_place"): place_text or "(見出しなし)"}
        if e["page"] is not None:
            row[key("change_list_page")] = e["page"]
        if e["reason"]:
            row[key("change_list_reason")] = to_markdown(e["reason"])[0]
        if excerpt:
            row[key("change_list_excerpt")] = excerpt
        if "u" in dropped:
            line = e["rows"][0][0] if e["rows"] else 0
            notes.add(line, place_text, "下線(原文で追加箇所を示す印)は Markdown で表せないため外しました")
        rows_out.append(row)
    # the organisation: named before its own rules in the excerpts
    orgs = Counter(m.group(1) for t in full_text for m in _ORG.finditer(t))
    if orgs:
        org, n = orgs.most_common(1)[0]
        data[key("organisation")] = org
        notes.add(
            0,
            "、".join(f"{o}({c}回)" for o, c in orgs.most_common(3)),
            f"評価実施機関名は原文にないため、条例・規程の名前に {n} 回現れる「{org}」と推定しました(要確認)",
        )
    else:
        data[key("organisation")] = "(不明)"
        notes.add(0, "", "評価実施機関名が原文から分かりません。手で書いてください")
    if systems:
        data[key("system")] = [{key("system_name"): s} for s in dict.fromkeys(systems)]
    if itaku:
        data[key("entrustment")] = [{key(k): v for k, v in e.items()} for e in itaku]
    data[key("change_list")] = rows_out
    for no, raw in numbered:
        if accounted.get(no) in (None, "pending"):
            notes.add(no, plain(raw), "取り込めませんでした")
            accounted[no] = "note"
    if notes.rows:
        data[key("import_notes")] = notes.table(form, dict(numbered))
    paged = sum(1 for e in entries if e["page"] is not None)
    stats = {
        "valued": {},
        "changes": {
            "physical": len(entries),
            "merged": 0,
            "rows": len(rows_out),
            "paged": paged,
            "unpaged": len(entries) - paged,
        },
        "accounted": accounted,
        "lines": len(numbered),
    }
    return Imported(form, data, stats)


def _first_numbered(heads: list[str]) -> int:
    for i, h in enumerate(heads):
        if re.match(r"^\d+\.", h):
            return i
    return len(heads)


def _next_is_header(rest, header) -> bool:
    for _, raw in rest:
        if not raw.strip():
            continue
        if is_separator(raw):
            continue
        cells = [c for c in cells_of(raw) if c.strip()]
        if cells and all(norm(c) in header for c in cells):
            return True
        if "\t" in raw:
            return False
    return False


def _excerpt(
    rows: list[tuple[int, list[str]]], index: dict[str, str], systems: list[str], itaku: list[dict[str, str]]
) -> tuple[str, set[str]]:
    """The changed passage as Markdown: `**label** value` per row; names for the indexes."""
    out: list[str] = []
    dropped: set[str] = set()
    element = index.get("entrustment")
    for _no, cells in rows:
        label = plain(cells[0]) if cells else ""
        rest = [c for c in cells[1:] if c.strip()]
        value_md = ""
        if rest:
            value_md, d = to_markdown(" ".join(rest))
            dropped |= d
        if not label and not value_md:
            continue
        bare = _bare(label)
        if label and not rest:
            md, d = to_markdown(cells[0])
            dropped |= d
            out.append(md)
            continue
        # names for the indexes, as roles (the caller turns them into this list's keys)
        if bare == index.get("system_name") and value_md:
            systems.append(plain(value_md))
        if element and re.fullmatch(re.escape(element) + r"\d+", bare) and value_md:
            itaku.append({"entrustment_name": plain(value_md)})
        if bare == index.get("contractor") and value_md:
            if itaku and "contractor" not in itaku[-1]:
                itaku[-1]["contractor"] = plain(value_md)
            else:
                itaku.append({"contractor": plain(value_md)})
        out.append(f"**{label}** {value_md}".strip() if label else value_md)
    return "\n\n".join(out), dropped
