"""The last pass of an import: every value placed in an item it does not look like it belongs to
(checks/plausibility.py: a name of several sentences, a title ending in a number, a label read as
a value, the same long text in two items …) becomes !要確認 at that item, with the reason and the
text as the source shows it, so that the clerk settles it against the PDF. A wrong value is worse
than an unsettled one: the reading is kept as the reading offered, never as the value.

The same rules warn in `piasite check`; an import marked here passes check with the !要確認
warnings only. No form key is named: the rules come from the items' kinds and shapes."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

from piasite.checks.plausibility import doubts
from piasite.forms.form import Form
from piasite.forms.values import value_at
from piasite.model.reader import Uncertain, Withheld


def mark(
    form: Form,
    data: dict,
    valued: dict[tuple, int],
    sources: dict[tuple, str] | None = None,
    printed: set[tuple] | frozenset[tuple] = frozenset(),
) -> list[tuple]:
    """Marks each doubted value of data (in place) at its item — a list as a whole, its reading
    kept —; returns the paths marked. valued: the line each item's value was read from; sources: the
    text each item was read from (else the value as read); printed: the items whose label the source
    prints (the reading's hits)."""
    sources = sources or {}
    reasons: dict[tuple, list[str]] = dict(_gathered(form, data, valued, printed))
    for d in doubts(form, data):
        item_path = d.path[:-1] if isinstance(d.path[-1], int) else d.path  # a list's element: its item
        said = reasons.setdefault(item_path, [])
        if d.reason not in said:
            said.append(d.reason)
        if d.other is not None:
            # the same text in two items: which one the layout misplaced, the text alone does not
            # say — both are unsettled, neither published as read
            other = reasons.setdefault(d.other, [])
            why = f"「{form.short_label(d.path, data)}」と同じ文章です(どちらかは読み違いの可能性があります)"
            if why not in other:
                other.append(why)
    marked: list[tuple] = []
    for path, said in reasons.items():
        value = value_at(data, path)
        if value in (None, "", []) or isinstance(value, Uncertain):
            continue
        shown = "\n".join(map(str, value)) if isinstance(value, list) else str(value)
        source = sources.get(path) or shown
        line = valued.get(path)
        reason = "この項目の値らしくありません: " + "、".join(said)
        if _set(data, path, Uncertain(source, line or None, reason, value)):
            marked.append(path)
    return marked


def _gathered(form: Form, data: dict, valued: dict[tuple, int], printed) -> Iterator[tuple[tuple, list[str]]]:
    """Labels printed first, then their values, all read into the last label: a text of several
    paragraphs whose items just before it, their labels printed, hold nothing — one paragraph for
    each of them and one for the item."""
    for path in valued:
        value = value_at(data, path)
        item = form.item_at(path)
        if item is None or item.kind != "text" or not isinstance(value, str):
            continue
        paragraphs = [x for x in re.split(r"\n\s*\n", value.strip()) if x.strip()]
        parent = item.parent
        if len(paragraphs) < 2 or parent is None:
            continue
        before = parent.items[: parent.items.index(item)]
        empty = []
        for sib in reversed(before):  # the run of empty items just before it
            p = path[:-1] + (sib.key,)
            if sib.is_container or p not in printed or value_at(data, p) not in (None, "", []):
                break
            empty.append(sib)
        # exactly one paragraph for each (a long text of many paragraphs after items a block leaves
        # empty, 発生なし then its その内容, is no such table)
        if empty and len(paragraphs) == len(empty) + 1:
            names = "、".join(f"「{s.label}」" for s in reversed(empty))
            yield (
                path,
                [
                    f"前の{names}は項目名が原文にあるのに空で、この項目に段落が {len(paragraphs)} つあります"
                    "(項目名が先に並び値が後に並ぶ表を、最後の項目にまとめて読んだ可能性があります)"
                ],
            )


def _set(data: Any, path: tuple, value: Any) -> bool:
    node = data
    for k in path[:-1]:
        try:
            node = node[k]
        except (KeyError, IndexError, TypeError):
            return False
    last = path[-1]
    if isinstance(node, dict) and last in node:
        node[last] = value
        return True
    if isinstance(node, list) and isinstance(last, int) and 0 <= last < len(node):
        node[last] = value
        return True
    return False


def unsettle_all(form: Form, data: dict, valued: dict[tuple, int], reason: str) -> list[tuple]:
    """Every value read becomes !要確認 at its item (a list as a whole), its reading kept, with the
    reason: for a source none of whose text can be taken as read (a scan's character-recognition
    layer). Returns the paths marked."""
    done: list[tuple] = []

    def walk(node: Any, path: tuple) -> None:
        for k, v in list(node.items() if isinstance(node, dict) else enumerate(node)):
            p = path + (k,)
            item = form.item_at(p)
            if item is None:
                continue  # the form key, the import's notes: not values of the document
            if item.is_container:
                if isinstance(v, dict | list):
                    walk(v, p)
                continue
            if v in (None, "", [], {}) or isinstance(v, Withheld):
                continue
            if isinstance(v, Uncertain):  # doubted already for another reason: the scan's reason as well
                if reason not in v.reason:
                    node[k] = dataclasses.replace(v, reason=f"{v.reason}。{reason}" if v.reason else reason)
                    done.append(p)
                continue
            shown = "\n".join(map(str, v)) if isinstance(v, list) else str(v)
            node[k] = Uncertain(shown, valued.get(p) or None, reason, v)
            done.append(p)

    walk(data, ())
    return done
