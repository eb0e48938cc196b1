"""Item-level differences between two versions of one assessment, walked along the form.

Repeating groups are matched by their name_key (a 委託事項 by 名称, a file by
名称, Ⅲ by ファイル名), falling back to position, so adding one system is one
added change and not a cascade. Values are compared as published: a 非公表
value never shows. An item withheld on either side is withheld on both
(withheld.py), and a change of a withheld item is reported as such — that it
changed, never what it was or became.
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import re
from dataclasses import dataclass, field
from typing import Any

from piasite.core import dates
from piasite.forms.form import Form
from piasite.forms.items import Item
from piasite.history import withheld
from piasite.model.reader import Withheld, public

# Parts of the document that are not assessment content: the change table itself and import notes.
SKIP_ROLES = ("changes", "import_notes", "import_missing")
ADDED, REMOVED, CHANGED = "追加", "削除", "変更"
WITHHELD_TEXT = "非公表"  # what public() shows for a withheld value
WITHHELD_CHANGED = "非公表(内容を変更)"  # the after side of a change of a withheld item
FIELD_ITEM = "項目"  # a field name of `piasite diff --format json` (an output format), allow-listed


@dataclass
class Change:
    path: tuple
    item: str  # 別添2 style label (Form.label_path)
    kind: str  # 追加 | 削除 | 変更
    before: str
    after: str
    marked: bool  # ※: a 重要な変更
    anchor: str = ""
    segments: list[tuple[str, str]] = field(default_factory=list)  # long text: ("=", "+", "-", text)

    def as_dict(self) -> dict:
        return {
            FIELD_ITEM: self.item,
            "種別": self.kind,
            "変更前": self.before,
            "変更後": self.after,
            "重要な変更": self.marked,
            "anchor": self.anchor,
            "passages": [list(seg) for seg in self.segments],
        }  # long text: ["=", "-", "+"] + text


def diff(form: Form, old: Any, new: Any) -> list[Change]:
    """Changes from old to new (parsed content data, Withheld kept), in form order.

    Equal subtrees are skipped by plain equality (most of a document does not
    change between versions); values and labels are made public() only where
    a change is reported.
    """
    out: list[Change] = []
    old, new = withheld.mask_all([old or {}, new or {}])
    docs = _Docs(old, new)
    _walk(form, form.root, old, new, (), docs, out)
    return out


class _Docs:
    """The two documents, for labels: only what a label reads along a path is made public."""

    def __init__(self, old: Any, new: Any):
        self.raw = (old, new)

    def along(self, i: int, path: tuple) -> Any:
        return _along(self.raw[i], path)


def _along(raw: Any, path: tuple) -> Any:
    """A public copy of raw holding the containers on path and the scalar fields of group elements on it."""
    if isinstance(raw, Withheld) or not path:
        return public(raw) if not path else None
    part = path[0]
    if isinstance(part, int):
        if not isinstance(raw, list) or not 0 <= part < len(raw):
            return None
        elem = raw[part]
        out: list = [None] * len(raw)
        if isinstance(elem, dict):
            sub = _along(elem, path[1:]) or {}
            out[part] = {**{k: public(v) for k, v in elem.items() if not isinstance(v, (dict, list))}, **sub}
        return out
    if not isinstance(raw, dict):
        return None
    return {part: _along(raw.get(part), path[1:])}


def _walk(form: Form, node: Item, a: Any, b: Any, path: tuple, docs: _Docs, out: list) -> None:
    skip = {form.top_key(r) for r in SKIP_ROLES} - {None} if not path else ()
    for child in node.items:
        if child.key in skip:
            continue
        av = a.get(child.key) if isinstance(a, dict) else None
        bv = b.get(child.key) if isinstance(b, dict) else None
        if av != bv:
            _value(form, child, av, bv, path + (child.key,), docs, out)


def _value(form: Form, item: Item, a: Any, b: Any, path: tuple, docs: _Docs, out: list) -> None:
    if item.kind == "section" and (isinstance(a, dict) or isinstance(b, dict)):
        if not isinstance(a, Withheld) and not isinstance(b, Withheld):
            _walk(form, item, a if isinstance(a, dict) else {}, b if isinstance(b, dict) else {}, path, docs, out)
            return
    if item.kind == "group" and (isinstance(a, list) or isinstance(b, list)):
        a_list = a if isinstance(a, list) else []
        b_list = b if isinstance(b, list) else []
        pairs, gone, added = match(item, a_list, b_list)
        for j in added:  # in new order, before the matched ones they precede
            _element(form, item, b_list[j], path + (j,), docs.along(1, path + (j,)), ADDED, out)
        for i, j in pairs:
            if a_list[i] != b_list[j]:
                _renumbered(form, item, (i, a_list[i]), (j, b_list[j]), path, docs, out)
                _walk(form, item, a_list[i], b_list[j], path + (j,), docs, out)
        for i in gone:
            _element(form, item, a_list[i], path + (i,), docs.along(0, path + (i,)), REMOVED, out)
        return
    ta, tb = text(item, public(a)), text(item, public(b))
    if ta == tb and ta == WITHHELD_TEXT and a != b:  # a withheld item changed: say so, and nothing more
        tb = WITHHELD_CHANGED
    if ta == tb:
        return
    kind = ADDED if not ta else REMOVED if not tb else CHANGED
    doc = docs.along(0 if kind == REMOVED else 1, path)
    ch = Change(path, form.label_path(path, doc), kind, ta, tb, form.is_marked(path), _anchor(form, path))
    if kind == CHANGED and item.kind == "text" and (len(ta) > 40 or len(tb) > 40 or "\n" in ta + tb):
        ch.segments = passages(ta, tb)
    out.append(ch)


def _renumbered(
    form: Form, group: Item, a: tuple[int, Any], b: tuple[int, Any], path: tuple, docs: _Docs, out: list
) -> None:
    """An element whose printed number (システム2 → システム4) changed where a version gives one: the
    number of its heading, old and new. Numbers by position alone never count (an element removed
    above them renumbers the rest: no cascade), and a renumbering is no 重要な変更."""
    number = group.number
    if number is None:
        return
    (i, ea), (j, eb) = a, b
    given = [e.get(number.key) for e in (ea, eb) if isinstance(e, dict)]
    if not any(g is not None for g in given):
        return
    na, nb = group.element_number(i, public(ea)), group.element_number(j, public(eb))
    if na != nb:
        where = path + (j, number.key)
        out.append(
            Change(
                where,
                form.label_path(where, docs.along(1, where)),
                CHANGED,
                str(na),
                str(nb),
                False,
                _anchor(form, path + (j,)),
            )
        )


def _element(form: Form, item: Item, elem: Any, path: tuple, doc: Any, kind: str, out: list) -> None:
    body = summary(item, public(elem))
    before, after = (body, "") if kind == REMOVED else ("", body)
    out.append(Change(path, form.label_path(path, doc), kind, before, after, form.is_marked(path), _anchor(form, path)))


def match(item: Item, a: list, b: list) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair the elements of two versions of a group: by name, then leftovers by position."""

    def name(e):
        return str(e.get(item.name_key) or "").strip() if item.name_key and isinstance(e, dict) else ""

    pairs, used_b = [], set()
    by_name: dict[str, list[int]] = {}
    for j, e in enumerate(b):
        if name(e):
            by_name.setdefault(name(e), []).append(j)
    left_a = []
    for i, e in enumerate(a):
        cands = [j for j in by_name.get(name(e), []) if j not in used_b] if name(e) else []
        if cands:
            pairs.append((i, cands[0]))
            used_b.add(cands[0])
        else:
            left_a.append(i)
    # Leftovers (unnamed, or renamed in place) pair when they hold the same position.
    left_b = [j for j in range(len(b)) if j not in used_b]
    gone = [i for i in left_a if i not in left_b]
    pairs += [(i, i) for i in left_a if i in left_b]
    added = [j for j in left_b if j not in left_a]
    pairs.sort(key=lambda p: p[1])
    return pairs, gone, added


def _anchor(form: Form, path: tuple) -> str:
    try:
        return form.anchor(path)
    except KeyError:
        return ""


# -- values as text --------------------------------------------------------------------


def text(item: Item, value: Any) -> str:
    """A value as printed on the form (already public)."""
    if value is None or value == "" or value == []:
        return ""
    if item.kind == "date":
        return dates.wareki(value, item.precision if isinstance(value, str) and len(value) == 7 else None)
    if item.kind == "flag":
        return "チェックあり" if value is True else "チェックなし" if value is False else str(value)
    if item.kind == "multi" and isinstance(value, list):
        parts = []
        for e in value:
            if isinstance(e, dict):
                parts += [f"{k}({v})" for k, v in e.items()]
            else:
                parts.append(str(e))
        return "、".join(parts)
    if isinstance(value, (dt.date, dt.datetime)):
        return dates.wareki(value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "、".join(f"{k}: {v}" for k, v in value.items())
    return str(value).strip()


def summary(item: Item, elem: Any) -> str:
    """One added or removed group element, as lines `label: value`."""
    lines: list[str] = []

    def walk(node: Item, value: Any) -> None:
        if not isinstance(value, dict):
            return
        for child in node.items:
            v = value.get(child.key)
            if child.is_container:
                if child.kind == "group" and isinstance(v, list):
                    for k, e in enumerate(v):
                        lines.append(child.element_label(k, e))
                        walk(child, e)
                else:
                    walk(child, v)
            else:
                t = text(child, v)
                if t:
                    lines.append(f"{child.label}: {t}")

    if isinstance(elem, dict):
        walk(item, elem)
    else:
        lines.append(str(elem))
    return "\n".join(lines)


# -- changed passages in long text --------------------------------------------------------

_SENTENCE = re.compile(r"[^。\n]*(?:。|\n|$)")


def _units(s: str) -> list[str]:
    return [m for m in _SENTENCE.findall(s) if m]


# SequenceMatcher is worse than quadratic on repetitive input: 1,000 characters of one kana
# against a reshuffle took 8 s, 2,000 like sentences a minute, and a pull request's past commits
# are diffed at every build. So the common start and end are always kept as they are (linear),
# and only a middle of at most MAX_PAIRS pairs of units is matched; a longer middle is one change.
MAX_PAIRS = 10_000


def _opcodes(a: list[str] | str, b: list[str] | str) -> list[tuple[str, int, int, int, int]]:
    n = min(len(a), len(b))
    p = 0
    while p < n and a[p] == b[p]:
        p += 1
    q = 0
    while q < n - p and a[len(a) - 1 - q] == b[len(b) - 1 - q]:
        q += 1
    ea, eb = len(a) - q, len(b) - q
    ops = [("equal", 0, p, 0, p)] if p else []
    if (ea - p) * (eb - p) <= MAX_PAIRS:
        ops += [
            (op, i1 + p, i2 + p, j1 + p, j2 + p)
            for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a[p:ea], b[p:eb], autojunk=False).get_opcodes()
        ]
    else:
        ops.append(("replace", p, ea, p, eb))
    if q:
        ops.append(("equal", ea, len(a), eb, len(b)))
    return ops


# Words of Japanese text, as far as the script tells them apart: a run of kanji (with 々〆ヶ), of
# hiragana, of katakana (with ー), of Latin letters and digits (half- or full-width); any other
# character (punctuation, a space) is a word of its own. 「別表第二に基づいて」 is 別表第二|に|基|づいて.
_WORD = re.compile(
    r"[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff々〆ヵヶ]+|[\u3041-\u309f]+|[\u30a0-\u30ffー\uff66-\uff9f]+"
    r"|[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+|.",
    re.S,
)


def words(s: str) -> list[str]:
    return _WORD.findall(s)


def _phrases(sa: str, sb: str) -> list[tuple[str, str]]:
    """One changed sentence: words matched (a changed word is shown whole, not the characters that
    happen to differ); inside a replaced run, the characters it shares at its ends stay unmarked
    (賦課 → 賦課及び収納: 及び収納 is added); a single character left between two changes joins them
    (one phrase, not two marks around a 「、」)."""
    wa, wb = words(sa), words(sb)
    segs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in _opcodes(wa, wb):
        xa, xb = "".join(wa[i1:i2]), "".join(wb[j1:j2])
        if op == "equal":
            segs.append(("=", xa))
            continue
        n = min(len(xa), len(xb))
        p = 0
        while p < n and xa[p] == xb[p]:
            p += 1
        q = 0
        while q < n - p and xa[len(xa) - 1 - q] == xb[len(xb) - 1 - q]:
            q += 1
        segs += [("=", xa[:p]), ("-", xa[p : len(xa) - q]), ("+", xb[p : len(xb) - q]), ("=", xa[len(xa) - q :])]
    segs = [(op, t) for op, t in segs if t]
    out: list[tuple[str, str]] = []  # ("=", x) between changes, x one character: joined to both sides
    for k, (op, t) in enumerate(segs):
        if op == "=" and len(t) == 1 and 0 < k < len(segs) - 1 and segs[k - 1][0] != "=" and segs[k + 1][0] != "=":
            out += [("-", t), ("+", t)]
        else:
            out.append((op, t))
    return _merge(out)


def _merge(segs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Runs of changes as one removed then one added passage; equal text kept between them."""
    out: list[tuple[str, str]] = []
    run: dict[str, list[str]] = {"-": [], "+": []}

    def flush() -> None:
        for op in "-+":
            if run[op]:
                out.append((op, "".join(run[op])))
                run[op] = []

    for op, t in segs:
        if op == "=":
            flush()
            if out and out[-1][0] == "=":
                out[-1] = ("=", out[-1][1] + t)
            else:
                out.append(("=", t))
        else:
            run[op].append(t)
    flush()
    return out


def passages(a: str, b: str) -> list[tuple[str, str]]:
    """Segments ("=" same, "-" removed, "+" added) by sentence, refined by word inside a changed sentence."""
    ua, ub = _units(a), _units(b)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in _opcodes(ua, ub):
        sa, sb = "".join(ua[i1:i2]), "".join(ub[j1:j2])
        if op == "equal":
            out.append(("=", sa))
        elif op == "replace" and i2 - i1 == j2 - j1 == 1:
            out += _phrases(sa, sb)
        else:
            if sa:
                out.append(("-", sa))
            if sb:
                out.append(("+", sb))
    return out


def highlighted(before: str, after: str) -> list[tuple[str, str]]:
    """The passages of a long value's change (a 別添2 row's 変更前/変更後, a compare row), or [] when
    the value is short or the two share little (then both are shown whole, unmarked)."""
    if not before or not after or before == after:
        return []
    if len(before) <= 40 and len(after) <= 40 and "\n" not in before + after:
        return []
    segs = passages(before, after)
    same = sum(len(s) for op, s in segs if op == "=")
    # marks help where most of the value stayed: a value rewritten but for a few characters is shown whole
    return segs if same >= 5 and same * 3 >= max(len(before), len(after)) else []


# What a screen reader says around a marked passage (the marks are not read out by most), hidden
# from sight and from the search index.
SR_TEXT = {"del": ("〔削除:〕", "〔削除ここまで〕"), "ins": ("〔追加:〕", "〔追加ここまで〕")}


def marked_html(segments: list[tuple[str, str]], side: str) -> str:
    """One side of a long-text change as escaped HTML, the changed passage in <del> (before) or <ins>
    (after), each with its text alternative (SR_TEXT) for screen readers."""
    keep, tag = ("-", "del") if side == "before" else ("+", "ins")
    start, end = (f'<span class="pia-sr" data-pagefind-ignore>{t}</span>' for t in SR_TEXT[tag])
    parts = []
    for op, s in segments:
        if op == "=":
            parts.append(html.escape(s))
        elif op == keep:
            parts.append(f"<{tag}>{start}{html.escape(s)}{end}</{tag}>")
    return "".join(parts).replace("\n", "<br>")
