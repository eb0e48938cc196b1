"""What the reading left open (parser.unsure: no check mark, only filled-in brackets,
◎ alone, a date or a number that does not parse), settled by the rest of the document
where it holds the evidence, and otherwise marked at the item as !要確認 — with the
source text, its line, the reason and the guess (読み), never a guess as the value.

Evidence, in this order:
- a block the document says is not used (委託しない, 行っていない, 接続しない …): its
  unmarked items are legitimately empty, not unread (fidelity.unused_sections);
- the document's own change log (別添2): the latest row naming the item, where its
  変更後 states the whole current value (a choice; a list of options the row added
  whole) and agrees with what the item's own row shows;
- ◎ as the only glyph of a row, where other rows of the document draw ◎ beside empty
  boxes: the document's convention for "selected";
- the other elements of the same table all making one choice: not proof, but the
  reading offered under !要確認.
Keys, labels and element names come from the form; no form key is named here.
"""

from __future__ import annotations

import re
from typing import Any

from piasite.forms.form import Form
from piasite.forms.items import Item
from piasite.forms.values import value_at
from piasite.importer import choices, fidelity
from piasite.importer.body import BodyParser, Notes
from piasite.importer.text import norm, norm_value, plain
from piasite.model.reader import Uncertain

Path = tuple
_NUMBERING = re.compile(r"^(?:[①-⑳]|\d+\.)")


def settle(parser: BodyParser, form: Form, data: dict, rows: list[dict], notes: Notes) -> None:
    unused = fidelity.unused_sections(form, data)
    for path, (line, text, reason) in list(parser.unsure.items()):
        if not _under(path, unused):
            continue
        # inside a block the document says is unused: an unmarked row is empty as it should be;
        # a guess taken there stays, with its reason in 取込メモ as before
        del parser.unsure[path]
        parser.radio_alone.discard(path)
        if parser.get_value(path) not in (None, [], ""):
            parser.doubts.append((line, text, f"{_label(form, path)}: {reason}"))
    _from_change_log(parser, form, data, rows, notes)
    _radio_convention(parser, form)
    readings = _from_siblings(parser, form)
    _mark(parser, form, readings)


def _under(path: Path, prefixes: list[tuple]) -> bool:
    return any(path[: len(p)] == p and path != p for p in prefixes)


def _label(form: Form, path: Path) -> str:
    item = form.item_at(path)
    return item.label if item is not None else str(path[-1])


def _drop_doubts(parser: BodyParser, form: Form, path: Path, line: int) -> None:
    """The notes the reading left about this item's row: the item now says it itself."""
    head = _label(form, path) + ":"
    parser.doubts = [d for d in parser.doubts if not (d[0] == line and d[2].startswith(head))]


def _close(parser: BodyParser, path: Path) -> tuple[int, str, str]:
    parser.unread.pop(path, None)
    parser.radio_alone.discard(path)
    return parser.unsure.pop(path)


# -- the change log (別添2) ------------------------------------------------------------------


def _from_change_log(parser: BodyParser, form: Form, data: dict, rows: list[dict], notes: Notes) -> None:
    roles = ("change_date", "change_item", "change_before", "change_after")
    if not rows or not all(form.has_role(r) for r in roles):
        return
    date_key, item_key, before_key, after_key = (form.role_key(r) for r in roles)
    for path in list(parser.unsure):
        item = form.item_at(path)
        if item is None or item.kind not in ("choice", "multi"):
            continue
        naming = [
            (str(r.get(date_key) or ""), k)
            for k, r in enumerate(rows)
            if _names_item(form, parser, data, path, item, str(r.get(item_key) or ""))
        ]
        if not naming:
            continue
        date, k = max(naming)  # the latest row: an earlier one no longer records the current state
        row = rows[k]
        value = _stated(item, str(row.get(before_key) or ""), str(row.get(after_key) or ""), parser.get_value(path))
        if value is None:
            continue
        line, _, _ = _close(parser, path)
        parser.set_value(path, item, value)
        parser.guessed.add(path)
        _drop_doubts(parser, form, path, line)
        notes.add(
            line,
            plain(str(row.get(after_key))),
            f"「{form.short_label(path, data)}」は原文にチェック記号がないため、"
            f"変更箇所({date})の変更後の記載から読みました",
        )


def _labels(item: Item) -> set[str]:
    """The item's printed labels, normalised, with and without their numbering (③, 2.)."""
    out = set()
    for lab in item.all_labels:
        n = norm(lab)
        out |= {n, _NUMBERING.sub("", n)}
    return {x for x in out if x}


def _sections(item: Item) -> list[Item]:
    out = []
    p = item.parent
    while p is not None and p.parent is not None:
        if p.kind == "section":
            out.append(p)
        p = p.parent
    return out


def _names_item(form: Form, parser: BodyParser, data: dict, path: Path, item: Item, text: str) -> bool:
    """Whether a change-log row's 項目 is this item (of this element): the row ends with the
    item's label, names the element wherever the document has several (システム8, (2)), and
    names the sections around the item where the form prints its label more than once."""
    t = norm(text)
    mine = _labels(item)
    if not t or not any(t.endswith(lab) for lab in mine):
        return False
    for k, part in enumerate(path):
        if not isinstance(part, int):
            continue
        group = form.item_at(path[:k])
        elems = value_at(data, path[:k])
        if group is None or not isinstance(elems, list) or len(elems) < 2:
            continue
        if not _names_element(group, elems[part], parser.printed.get(path[: k + 1], part + 1), t):
            return False
    same = [i for i in form.walk() if i is not item and not i.is_container and _labels(i) & mine]
    if same:

        def named(i: Item) -> bool:
            return all(norm(s.label) in t for s in _sections(i))

        if not named(item) or any(named(i) for i in same):
            return False
    return True


def _names_element(group: Item, elem: Any, printed: int, t: str) -> bool:
    fmt = group.element or ""
    if group.name_key and isinstance(elem, dict) and isinstance(elem.get(group.name_key), str):
        name = norm(elem[group.name_key])
        if len(name) >= 3 and name in t:
            return True
    if "{n}" not in fmt or not re.sub(r"\{n\}|\{name\}", "", fmt).strip():
        return False  # a bare number names nothing in a row's text
    head = norm(fmt.replace("{name}", "").format(n=printed))
    return bool(re.search(re.escape(head) + r"(?!\d)", t))


def _mentions_option(item: Item, text: str) -> bool:
    t = norm_value(text)
    return any(norm_value(s) in t for o in item.options for s in (o.text, *o.variants) if norm_value(s))


def _key(v: Any) -> str:
    return next(iter(v)) if isinstance(v, dict) else str(v)


def _stated(item: Item, before: str, after: str, current: Any) -> Any:
    """The item's whole value as a change row's 変更後 states it, or None where the row
    may quote only part of it (略, a list whose 変更前 already named options) or disagrees
    with the options the item's own row shows filled in."""
    after, before = plain(after), plain(before)
    if not after or "略" in after or "略" in before:
        return None
    if item.kind == "choice":
        r = choices.read_choice(after, item)
        return r.value if r.value and not r.unsure and not r.doubts else None
    if _mentions_option(item, before):
        return None
    r = choices.read_multi(after, item)
    if not isinstance(r.value, list) or not r.value or r.unsure or r.doubts:
        return None
    stated = {_key(v): v for v in r.value}
    shown = current if isinstance(current, list) else []
    if any(_key(v) not in stated for v in shown):
        return None
    for v in shown:  # a qualifier as the current text prints it
        if isinstance(v, dict):
            stated[_key(v)] = v
    return [stated[o.text] for o in item.options if o.text in stated]


# -- ◎ alone ----------------------------------------------------------------------------------


def _radio_convention(parser: BodyParser, form: Form) -> None:
    if not parser.radio_contrast:
        return
    for path in sorted(parser.radio_alone & set(parser.unsure), key=str):
        line, text, _ = _close(parser, path)
        parser.doubts.append(
            (
                line,
                text,
                f"{_label(form, path)}: この行の記号はすべて◎ですが、この文書はほかの行で◎を"
                "選ばれた選択肢に、空の括弧を選ばれていない選択肢に使っているため、"
                "◎の選択肢を選ばれているものとして読みました",
            )
        )


# -- the same table ---------------------------------------------------------------------------


def _shown(v: Any) -> str:
    """A value as a reason quotes it: 甲、その他(乙)."""
    if not isinstance(v, list):
        return str(v)
    out = []
    for x in v:
        if isinstance(x, dict):
            out += [f"{k}({q})" if q else str(k) for k, q in x.items()]
        else:
            out.append(str(x))
    return "、".join(out)


def _from_siblings(parser: BodyParser, form: Form) -> dict[Path, Any]:
    """A row printed without any check mark (quirk 19) where every other element of the
    same group made one choice: that choice is the reading offered, not the value."""
    readings: dict[Path, Any] = {}
    for path in list(parser.unsure):
        if parser.get_value(path) not in (None, []):
            continue
        idx = [i for i, p in enumerate(path) if isinstance(p, int)]
        if not idx:
            continue
        k = idx[-1]
        group = parser.get_value(path[:k])
        if not isinstance(group, list):
            continue
        seen = []
        for j in range(len(group)):
            other = path[:k] + (j,) + path[k + 1 :]
            if j == path[k] or other in parser.unsure:
                continue
            v = parser.get_value(other)
            if v not in (None, []):
                seen.append(v)
        if len(seen) >= 2 and all(v == seen[0] for v in seen):
            line, text, reason = parser.unsure[path]
            parser.unsure[path] = (
                line,
                text,
                f"{reason}(同じ表のほかの {len(seen)} 件ではすべて「{_shown(seen[0])}」が選ばれています)",
            )
            readings[path] = seen[0]
    return readings


# -- what stays open --------------------------------------------------------------------------


def _mark(parser: BodyParser, form: Form, readings: dict[Path, Any]) -> None:
    for path in list(parser.unsure):
        item = form.item_at(path)
        if item is None:
            continue
        reading = readings.get(path, parser.get_value(path))
        line, text, reason = _close(parser, path)
        parser.set_value(path, item, Uncertain(text, line, reason, None if reading in (None, [], "") else reading))
        _drop_doubts(parser, form, path, line)
