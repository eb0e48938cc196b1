"""The label-driven parser: walks the extracted lines and places each value
at the form item whose label (or a printed variant) the line carries.

Nothing here knows a city or a line number. A cursor follows the form's order,
so that a label repeated in several parts (リスクへの対策は十分か) lands in the
part being read, and text that merely imitates a label (①… inside a free text)
is not taken for one unless it is the next item the form expects.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from piasite.core import dates
from piasite.core.labels import CIRCLED
from piasite.forms.form import Form
from piasite.forms.items import Item
from piasite.forms.values import value_at
from piasite.importer import choices
from piasite.importer.cells import (
    COUNT_TAIL,
    after_label,
    clean_md,
    composite_spans,
    element_name_key,
    is_option_list,
    name_number,
    parenthesised_label,
    split_names,
    strip_number,
    strip_option_lists,
    unnumbered,
    without_risk_prefix,
    wrapped,
)
from piasite.importer.text import has_html, is_separator, nfkc, norm, norm_value, plain, to_markdown

Path = tuple


@dataclass
class Slot:
    item: Item
    keys: tuple  # path with None where a group index goes
    part: int  # index of the top-level part
    groups: tuple  # key prefixes (with None) of the groups on the path


@dataclass
class Fragment:
    line: int
    raw: str
    gap: bool = False  # a blank line came before it


@dataclass
class Notes:
    """取込メモ: what the importer could not place or had to guess, line by line."""

    rows: list[tuple[int, str, str]] = field(default_factory=list)  # (source line, text, reason)

    def add(self, line: int, text: str, reason: str) -> None:
        self.rows.append((line, text, reason))

    def table(self, form: Form, source: dict[int, str] | None = None) -> list[dict]:
        """Rows for the document (keys from the form's roles): one per source line, quoting
        that line verbatim and whole, with every reason given for it; notes about no single
        line (line 0) keep their own text."""
        keys = [form.role_key(r) for r in ("import_note_line", "import_note_text", "import_note_reason")]
        out: list[list] = []
        by_line: dict[int, list] = {}
        for line, text, reason in sorted(self.rows, key=lambda r: r[0]):
            if line and source and line in source:
                # what the note is about, when the line does not show it (a value moved, a guess)
                # (or where in it: a page flattened into one line)
                whole = len(source[line]) > 200 and 4 * len(str(text)) < len(source[line])
                if text and (whole or _squash(text) not in _squash(source[line])):
                    reason = f"{reason.rstrip('。')}(対象: {text})"
                if line in by_line:
                    if reason not in by_line[line][2]:
                        by_line[line][2].append(reason)
                    continue
                by_line[line] = [line, source[line], [reason]]
                out.append(by_line[line])
            else:
                out.append([line, text, [reason]])
        return [{keys[0]: l, keys[1]: t, keys[2]: "。".join(r.rstrip("。") for r in rs)} for l, t, rs in out]


def _squash(s: str) -> str:
    return re.sub(r"\s", "", plain(str(s)))


def _closing(text: str, start: int) -> int | None:
    """The index of the bracket closing the one at `start` (brackets inside counted)."""
    depth = 0
    for k in range(start, len(text)):
        if text[k] in "(（":
            depth += 1
        elif text[k] in ")）":
            depth -= 1
            if depth == 0:
                return k
    return None


def _unclosed(text: str) -> bool:
    """A row whose last bracket is still open (`☐ その他 (住民基本台帳ネットワーク…管`): its next line
    finishes it (`理)`), boxes or none."""
    t = plain(text)
    return t.count("(") + t.count("（") > t.count(")") + t.count("）")


def cells_of(raw: str) -> list[str]:
    cells = raw.split("\t")
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


class BodyParser:
    def __init__(self, form: Form, skip_keys: tuple[str, ...]):
        self.form = form
        self.slots: list[Slot] = []
        self.parts: list[Item] = []
        for item in form.items:
            if item.key in skip_keys:
                continue
            # the cover's fields (before the first part) share part -1
            if item.is_container or self.parts:
                self.parts.append(item)
            self._flatten(item, (), len(self.parts) - 1, ())
        self.by_label: dict[str, list[int]] = {}
        for i, s in enumerate(self.slots):
            for lab in s.item.all_labels:
                self.by_label.setdefault(norm(lab), []).append(i)
        # ①事務の名称 printed as `1 事 務 の 名 称` where circled numbers degrade to digits
        # (docsplayer copies): matched only as a whole cell, never as a prefix of a value
        self.by_digit_label: dict[str, list[int]] = {}
        for lab, cands in self.by_label.items():
            if lab[:1] in CIRCLED:
                self.by_digit_label.setdefault(str(CIRCLED.index(lab[0]) + 1) + lab[1:], cands)
        # a section whose value-bearing child is printed with the heading's own words
        # (1. 提出する…評価書の種類 / 提出する…評価書の種類): a value beside or under the heading is the child's
        self.heading_child: dict[int, int] = {}
        for i, s in enumerate(self.slots):
            if s.item.kind != "section":
                continue
            own = {norm(unnumbered(lab)) for lab in s.item.all_labels}
            for j in range(i + 1, len(self.slots)):
                if self.slots[j].item.parent is not s.item:
                    continue
                if not self.slots[j].item.is_container and norm(self.slots[j].item.label) in own:
                    self.heading_child[i] = j
                    break
        # headings printed as several phrases in one cell, any run of them on a line (Ⅲ 4 of the 全項目)
        self.spans: dict[str, list[int]] = {}
        for i, s in enumerate(self.slots):
            if s.item.kind == "section":
                for lab in s.item.all_labels:
                    for sp in composite_spans(lab):
                        self.spans.setdefault(sp, []).append(i)
        # sentences the form prints with an item (instructions, never values)
        self.printed_notes = {norm(it.printed) for it in form.walk() if it.printed}
        self.skipped = [norm(i.label) for i in form.items if i.key in skip_keys]
        self.parent_labels = {norm(s.item.parent_label) for s in self.slots if s.item.parent_label}
        self.elements = []  # (regex, range regex, slot index of group)
        for i, s in enumerate(self.slots):
            it = s.item
            if it.kind == "group" and it.element and "{n}" in it.element and not it.element.startswith(("{", "(")):
                prefix = re.escape(norm(it.element.split("{n}")[0]))
                self.elements.append((re.compile(rf"^{prefix}(\d+)$"), re.compile(rf"^{prefix}\d+[~〜-]\d+$"), i))
        # state
        self.data: dict = {}
        self.texts: dict[Path, list[Fragment]] = {}
        self.valued: dict[Path, int] = {}  # path → source line, for items the source gives a value
        self.unread: dict[Path, tuple[int, str]] = {}  # values present in the source but not read: (line, text)
        # values not read for certain, whether a guess was taken or not: path → (line, text, reason).
        # The evidence passes (uncertain.py) settle them or make them !要確認.
        self.unsure: dict[Path, tuple[int, str, str]] = {}
        self.radio_alone: set[Path] = set()  # read from rows whose only glyph is ◎
        self.radio_contrast = False  # some row of the document draws ◎ beside other boxes
        self.printed: dict[Path, int] = {}  # group element path → its number as printed (システム8)
        self.printed_at: dict[Path, int] = {}  # group element path → the source line printing that number
        self.doubts: list[tuple[int, str, str]] = []
        self.index: dict[tuple, int] = {}  # group key prefix (concrete) → current element index
        self.count: dict[tuple, int] = {}  # group key prefix (concrete) → elements so far
        self.cursor = -1
        self.part = -1
        # the item awaiting its value on the following lines: (concrete path, slot index)
        self.pending: tuple[Path, int] | None = None
        # number and date items whose label came with no value, followed by another label (_await)
        self.awaiting: list[tuple[Path, int]] = []
        self.orphans: list[Fragment] = []
        # the multi-choice row just read, to join a list continued on the next row: (slot, path, raw, line)
        self.last_multi: tuple[int, Path, str, int] | None = None
        self.last_choice: Item | None = None
        self.last_choice_at: tuple[int, Path] | None = None  # its slot and path
        self.all_choices = {norm_value(c) for sl in self.slots for c in sl.item.choices}
        self.last_raw = ""
        self.header: list[int] | None = None
        self.notes = Notes()
        self.accounted: dict[int, str] = {}
        self.tabless = False
        self.in_contents = False
        self.listed: set[int] = set()  # the parts the 項目一覧 being read has named
        self.hit: set[Path] = set()
        self.guessed: set[Path] = (
            set()
        )  # values taken from evidence other than the item's own line  # concrete paths some source line reached (missing sections are the rest)

    # -- the form as a sequence ------------------------------------------------
    def _flatten(self, item: Item, keys: tuple, part: int, groups: tuple) -> None:
        keys = keys + (item.key,)
        self.slots.append(Slot(item, keys, part, groups))
        if item.kind == "group":
            groups = groups + (keys,)
            keys = keys + (None,)
        for c in item.items:
            self._flatten(c, keys, part, groups)

    def concrete(self, slot: Slot, create: bool = True) -> Path:
        out: list = []
        for k in slot.keys:
            if k is None:
                g = tuple(out)
                if g not in self.index:
                    if not create:
                        return ()
                    self.index[g] = 0
                    self.count[g] = 1
                out.append(self.index[g])
            else:
                out.append(k)
        return tuple(out)

    def new_element(self, slot_i: int) -> Path:
        slot = self.slots[slot_i]
        base = self.concrete(Slot(slot.item, slot.keys, slot.part, slot.groups))
        g = base
        n = self.count.get(g, 0)
        self.index[g] = n
        self.count[g] = n + 1
        # a new element starts its inner groups afresh
        for k in list(self.index):
            if len(k) > len(g) and k[: len(g)] == g:
                del self.index[k]
                self.count.pop(k, None)
        return g + (n,)

    # -- label lookup ----------------------------------------------------------
    def find(self, label_norm: str) -> int | None:
        cands = self.by_label.get(label_norm)
        if not cands:
            return None
        fwd = [i for i in cands if i > self.cursor and self.slots[i].part == self.part]
        if fwd:
            return fwd[0]
        # a label repeated inside the current group element (quirk 8) or a late field
        back = [i for i in cands if self.slots[i].part == self.part]
        return back[-1] if back else None

    def find_prefix(self, cell: str) -> tuple[int, str] | None:
        """`③委託先名 株式会社…`: label and value in one cell (`⑦使用の主体 使用部署 ※ …`: after the
        label of the rows' group, `再委託 ⑦再委託の有無 ※ […]`)."""
        n = norm(cell)
        for pl in self.parent_labels:
            if pl and n.startswith(pl) and len(n) > len(pl):
                rest = after_label(cell, pl)
                if rest:
                    hit = self.find_prefix(rest)
                    if hit is None and norm(rest) in self.by_label and (k := self.find(norm(rest))) is not None:
                        return k, ""
                    return hit
        best = None
        for lab in self.by_label:
            if len(lab) < 3 or not n.startswith(lab) or len(n) == len(lab):
                continue
            if best and len(lab) <= len(best[0]):
                continue
            i = self.find(lab)
            if i is None:
                continue
            best = (lab, i)
        if not best:
            return None
        lab, i = best
        rest = after_label(cell, lab)
        if rest is None:
            return None
        if self.slots[i].item.mark:
            rest = re.sub(r"^\s*※", "", rest)  # the item's ※ printed after its label
        return i, rest.strip()

    def _after_part_label(self, p: int, cell: str) -> str:
        """What follows a part's label in the same cell, when more than a stray mark."""
        text = plain(cell)
        for lab in self.parts[p].all_labels:
            key = norm(lab)
            # the label stands at the start: a prefix a few times its length at most (all prefixes of a
            # long line were quadratic, and filled norm's cache with them)
            for j in range(1, min(len(text), 4 * len(key) + 64) + 1):
                if norm(text[:j]) == key:
                    rest = text[j:].strip()
                    return rest if len(norm(rest)) > 4 else ""
        return ""

    def find_next_part(self, label_norm: str) -> int | None:
        """A label found only in the next part, whose heading the source lacks (or printed only in
        the table of contents): the part starts here. Only for a label printed once in the form."""
        cands = self.by_label.get(label_norm) or []
        if len(cands) == 1 and self.slots[cands[0]].part == self.part + 1 >= 0:
            return cands[0]
        return None

    def part_of(self, raw: str) -> int | None:
        n = norm(raw)
        for i, p in enumerate(self.parts):
            for lab in p.all_labels:
                if n.startswith(norm(lab)) and (p.is_container or len(n) - len(norm(lab)) < 4):
                    return i
        return None

    # -- values ----------------------------------------------------------------
    def set_value(self, path: Path, item: Item, value: Any) -> None:
        node = self.data
        for k, nxt in zip(path, path[1:], strict=False):
            if isinstance(node, list):
                while len(node) <= k:
                    node.append({})
                node = node[k]
                continue
            if k not in node:
                node[k] = [] if isinstance(nxt, int) else {}
            node = node[k]
        last = path[-1]
        if isinstance(node, list):
            while len(node) <= last:
                node.append({})
            node[last] = value
        else:
            node[last] = value

    def get_value(self, path: Path) -> Any:
        return value_at(self.data, path)

    def add_text(self, path: Path, frag: Fragment) -> None:
        self.texts.setdefault(path, []).append(frag)

    def adopt_orphans(self, slot_i: int) -> None:
        """Unlabelled lines just before a label: they belong to the text item right
        after the item read before them (a label printed mid-value, quirk 2), or to
        the one text item the source skipped the label of."""
        if not self.orphans:
            return
        prev = self.cursor
        target = None
        if slot_i == prev + 1 and self.slots[slot_i].item.kind in ("text", "ref", "list"):
            target = slot_i
        elif slot_i == prev + 2 and self.slots[prev + 1].item.kind in ("text", "ref", "list"):
            skipped = self.concrete(self.slots[prev + 1])
            if skipped not in self.texts:
                target = prev + 1
                self.notes.add(
                    self.orphans[0].line,
                    plain(self.orphans[0].raw),
                    f"ラベルのない行を、位置から「{self.slots[prev + 1].item.label}」の値として取り込みました(要確認)",
                )
        if target is None:
            self.flush_orphans()
            return
        path = self.concrete(self.slots[target])
        for f in self.orphans:
            self.add_text(path, Fragment(f.line, f.raw.lstrip("\t ").strip(), f.gap))
            self.accounted[f.line] = "value"
            self.valued.setdefault(path, f.line)
        self.orphans = []

    def place(self, slot_i: int, value_raw: str, line: int, gap: bool = False) -> None:
        slot = self.slots[slot_i]
        item = slot.item
        path = self.concrete(slot)
        self.hit.add(path)
        v = value_raw.strip()
        self.pending = None
        self.last_multi = None
        self.last_choice = None
        self.last_choice_at = None
        if item.kind in ("text", "ref", "list"):
            if v:
                self.add_text(path, Fragment(line, v, gap))
                if plain(v):
                    self.valued.setdefault(path, line)
            self.pending = path, slot_i
            return
        self.flush_orphans()
        if not plain(v):
            self.pending = path, slot_i
            return
        self.valued.setdefault(path, line)
        if item.kind in ("choice", "multi"):
            v = self._inline_detail(slot_i, v, line)
        self.last_raw = v
        if item.kind == "choice":
            self.last_choice = item
            self.last_choice_at = slot_i, path
            r = choices.read_choice(v, item)
            self._counts(slot, path, v)
            self._take(path, item, r, line, v)
        elif item.kind == "multi":
            r = choices.read_multi(v, item)
            self._take(path, item, r, line, v)
            self._counts(slot, path, v)
            self.last_multi = (slot_i, path, v, line)
        elif item.kind == "date":
            got = dates.parse_date(plain(v))
            if got and (got[1] == "day" or item.precision == "month"):
                self.set_value(path, item, dates.iso(*got))
            elif plain(v) in ("-", "－", "—", "ー", "―"):
                # the mark of an empty cell (承認日 of a municipality): empty as printed; a
                # required date so left empty is worth a note
                self.set_value(path, item, None)
                self.valued.pop(path, None)
                if item.required:
                    self.notes.add(line, plain(v), f"「{item.label}」は空欄の印でした")
            else:
                self.unread[path] = (line, plain(v))
                self.unsure[path] = (line, plain(v), "日付として読めませんでした")
        elif item.kind in ("integer", "count"):
            m = re.search(r"\d[\d,]*", plain(v))
            if m:
                self.set_value(path, item, int(m.group().replace(",", "")))
            else:
                self.unread[path] = (line, plain(v))
                self.unsure[path] = (line, plain(v), "数として読めませんでした")
        elif item.kind in ("section", "group"):
            flags = [c for c in item.items if c.kind == "flag"]
            set_flags = choices.read_flags(v, flags) if flags else {}
            for c in flags:
                if c.key in set_flags:
                    self.set_value(path + (c.key,), c, set_flags[c.key])
            if not set_flags and slot_i in self.heading_child and not any(norm(c.label) in norm(v) for c in flags):
                self.valued.pop(path, None)
                self.place(self.heading_child[slot_i], v, line, gap)
                return
            if not set_flags:
                self.valued.pop(path, None)
                self.notes.add(
                    line, plain(v), f"「{item.label}」の見出しの横にあった文字で、どの項目にも当てはまりません"
                )

    def _inline_detail(self, slot_i: int, v: str, line: int) -> str:
        """`[無料] <選択肢> 1) 有料 2) 無料 (手数料額、納付方法: …)`: the text item that details a
        choice, printed with its label in parentheses in the choice's own row (before or after the
        choice's value; the detail may hold brackets of its own). Its value goes to that item; the
        rest of the row is the choice's."""
        j = slot_i + 1
        if j >= len(self.slots):
            return v
        sub = self.slots[j].item
        if sub.parent is not self.slots[slot_i].item.parent or sub.kind != "text":
            return v
        text = plain(v)
        folded = nfkc(text)
        if len(folded) != len(text):  # offsets in the folded text would not hold in the printed one
            text = folded
        for lab in sub.all_labels:
            pattern = r"\s*".join(re.escape(ch) for ch in norm(lab))
            m = re.search(rf"[(（]\s*{pattern}\s*[:：]\s*", folded)
            end = _closing(folded, m.start()) if m else None
            if m is None or end is None:
                continue
            detail = text[m.end() : end].strip()
            if detail:
                path = self.concrete(self.slots[j])
                self.hit.add(path)
                self.add_text(path, Fragment(line, detail))
                self.valued.setdefault(path, line)
            return text[: m.start()] + " " + text[end + 1 :]  # the choice's value may follow it ([無料])
        return v

    def _take(self, path, item, r, line, raw) -> None:
        # a value read again (a list continued on the next row) replaces the first reading
        self.unread.pop(path, None)
        self.unsure.pop(path, None)
        self.radio_alone.discard(path)
        shown = plain(raw)  # once: a long row has a doubt per box (plain per doubt was quadratic)
        for d in r.doubts:
            self.doubts.append((line, shown, f"{item.label}: {d}"))
        if r.radio == "contrast":
            self.radio_contrast = True
        elif r.radio == "alone":
            self.radio_alone.add(path)
        if r.value in (None, [], ""):
            self.unread[path] = (line, shown)
            self.unsure[path] = (line, shown, r.unsure or f"「{item.label}」の値を読み取れませんでした")
        else:
            self.set_value(path, item, r.value)
            if r.unsure:
                self.unsure[path] = (line, shown, r.unsure)

    def _counts(self, slot: Slot, path: Path, raw: str) -> None:
        parent = slot.item.parent
        siblings = parent.items if parent else []
        counted: set[str] = set()  # options with a positive count
        for c in siblings:
            if c.kind != "count":
                continue
            base = re.split(r"[(（]", c.label)[0].strip()
            if norm(base) == norm(slot.item.label):
                n = choices.read_count(raw)
            elif slot.item.option(base):
                n = choices.read_count(raw, after=base)
            else:
                continue
            if n is not None:
                self.set_value(path[:-1] + (c.key,), c, n)
                if n > 0:
                    counted.add(base)
                # counts outweigh glyphs (quirk 18): a counted option is selected
                if slot.item.kind == "multi" and n > 0 and slot.item.option(base):
                    cur = self.get_value(path) or []
                    if base not in cur:
                        self.set_value(
                            path, slot.item, [o.text for o in slot.item.options if o.text in cur or o.text == base]
                        )
                        self.unread.pop(path, None)
                        self.unsure.pop(path, None)  # the count settles what the glyphs left open
                        self.doubts.append(
                            (
                                self.valued.get(path, 0),
                                plain(raw),
                                f"{slot.item.label}: 「{base}」はチェック記号がありませんが件数が {n} 件あるため、選択されているものとしました",
                            )
                        )
        # a row of ◎ alone where every option read as selected has a count: the counts settle it
        cur = self.get_value(path)
        if path in self.radio_alone and isinstance(cur, list) and cur and all(o in counted for o in cur):
            self.radio_alone.discard(path)
            self.unsure.pop(path, None)

    def flush_orphans(self) -> None:
        for f in self.orphans:
            self.notes.add(f.line, plain(f.raw) or f.raw, "どの項目の値か判断できませんでした")
            self.accounted[f.line] = "note"
        self.orphans = []

    # -- the walk --------------------------------------------------------------
    def feed(self, lines: list[tuple[int, str]]) -> None:
        # a text without a single tab is one PDF line per text line: cells wrap at their width
        # (trailing tabs, i.e. empty cells at a line's end, do not make a table)
        self.tabless = bool(lines) and not any(re.search(r"\t\s*\S", raw) for _, raw in lines)
        gap = False
        joined: dict[int, int] = {}
        for k, (no, raw) in enumerate(lines):
            if not raw.strip():
                gap = True
                self.accounted[no] = "blank"
                continue
            if is_separator(raw):
                self.accounted[no] = "layout"
                continue
            self.line(no, raw, gap, _Rest(lines, k + 1))  # a view: a copy of the rest per line was quadratic
            gap = False
            doubt = getattr(raw, "doubt", None)  # a label line whose value the layout leaves open (reflow.py)
            if doubt is not None and self.pending is not None:
                self.unsure[self.pending[0]] = (no, *doubt)
            for m in getattr(raw, "merged", ()):  # source lines reflow.py joined into this one
                self.accounted[m] = self.accounted.get(no, "value")
                joined[m] = no
        self.flush_orphans()
        for m, no in joined.items():  # as their line ends up (an orphan becomes a 取込メモ at the end)
            self.accounted[m] = self.accounted.get(no, "value")

    def line(self, no: int, raw: str, gap: bool, rest: _Rest) -> None:
        cells = cells_of(raw)
        first = next((c for c in cells if c.strip()), "")
        if norm(raw) in self.printed_notes:  # the form's own instruction under an item
            self.accounted[no] = "layout"
            return
        # the title line of the form
        if norm(first) == norm(self.form.title) and len([c for c in cells if c.strip()]) == 1:
            self.accounted[no] = "layout"
            return
        # the table of contents (項目一覧): its heading, then part labels only
        if self.form.contents and norm(first) == norm(self.form.contents) and len(cells) == 1:
            self.in_contents = True
            self.listed = set()
            self.accounted[no] = "layout"
            return
        # a part heading (Ⅰ 基本情報 …); a run of them is the table of contents
        p = self.part_of(first)
        if self.in_contents:
            # its entries: the parts, each listed once (a part listed again is the body's heading), the
            # change log (read elsewhere) and the cover page's bare number printed after the list
            self.in_contents = len(cells) == 1 and (
                norm(first).isdigit()
                or any(norm(first).startswith(s) for s in self.skipped)
                or (p is not None and p not in self.listed)
            )
            if p is not None:
                self.listed.add(p)
            if self.in_contents:
                self.accounted[no] = "layout"
                return
        if p is not None and len([c for c in cells if c.strip()]) == 1:
            nxt = next((r for _, r in rest if r.strip() and not is_separator(r)), "")
            if self.part_of(cells_of(nxt)[0] if cells_of(nxt) else "") is not None and self.part_of(nxt) != p:
                self.accounted[no] = "layout"  # table of contents
                return
            self.start_part(p, no)
            self.accounted[no] = "layout"
            tail = self._after_part_label(p, first)
            if tail and self.parts[p].is_container and not tail.startswith("※"):  # ※(7. ②を除く。): the heading's own
                nt = norm(tail)
                if any(nt.startswith(lab) for lab in self.by_label if len(lab) >= 3):
                    # the heading runs on into the part's first rows (a page flattened to one line)
                    self.line(no, tail, gap, rest)
                else:
                    self.notes.add(
                        no, tail, f"「{self.parts[p].label}」の見出しに続く記載で、どの項目にも当てはまりません"
                    )
            return
        # the last table-of-contents entry, a part read elsewhere (別添2)
        nxt = next((r for _, r in rest if r.strip() and not is_separator(r)), "")
        nxt_first = cells_of(nxt)[0] if cells_of(nxt) else ""
        if (
            len(cells) == 1
            and any(norm(first).startswith(s) for s in self.skipped)
            and self.part_of(nxt_first) is not None
        ):
            self.accounted[no] = "layout"
            return
        # the heading of the table of contents (項目一覧): a lone short line before it
        if len(cells) == 1 and len(norm(first)) <= 8 and self.part_of(nxt_first) is not None:
            # within a few lines: a long run of lines equal to nxt would make each line scan all of it
            after = next(
                (r for _, r in itertools.islice(rest[1:], 64) if r.strip() and r != nxt and not is_separator(r)), ""
            )
            if self.part_of(cells_of(after)[0] if cells_of(after) else "") is not None:
                self.accounted[no] = "layout"
                return
        # header row: every cell a label (評価書番号\t評価書名)
        nonempty = [c for c in cells if c.strip()]
        if len(nonempty) >= 2 and all(norm(c) in self.by_label for c in nonempty):
            found = [self.find(norm(c)) for c in nonempty]
            idx = [i for i in found if i is not None]
            if len(idx) == len(found):
                self.header = idx
                self.cursor = max(self.cursor, max(idx))
                self.accounted[no] = "layout"
                return
        if self.header:
            hdr, self.header = self.header, None
            if len(nonempty) == len(hdr):
                for si, c in zip(hdr, nonempty, strict=True):
                    self.place(si, c, no)
                self.pending = None
                self.accounted[no] = "value"
                return
        # group element heading: システム3, 委託事項1\t名称
        n0 = norm(first)
        for rx, rng, gi in self.elements:
            if rng.match(n0) and self.slots[gi].part == self.part:
                self.accounted[no] = "layout"
                beside = "\t".join(c for c in cells[cells.index(first) + 1 :] if c.strip())
                if plain(beside):  # `提供先2～5\t別紙のとおり`: kept, not dropped with the heading
                    self.notes.add(
                        no, plain(beside), f"「{plain(first)}」の見出しの横にあった記載で、どの項目にも当てはまりません"
                    )
                    self.accounted[no] = "note"
                return
            m = rx.match(n0)
            named = None if m else self._named_element(gi, first)
            number = int(m.group(1)) if m else named[0] if named else None
            if number is not None and self.slots[gi].part == self.part:
                self.start_element(gi, number, no)
                val = "\t".join(cells[cells.index(first) + 1 :]).strip()
                if named:  # 委託事項1　課税資料のデータ入力業務: the name after a space in the same cell
                    val = "\t".join([named[1]] + ([val] if val else []))
                item = self.slots[gi].item
                name = item.child(item.name_key) if item.name_key else None
                if name is not None and norm(name.label) == norm(item.label):
                    ni = next(i for i in range(gi + 1, len(self.slots)) if self.slots[i].item is name)
                    self.cursor = gi
                    if val:
                        self.place(ni, val, no)
                        self.pending = None
                    else:
                        self.pending = self.concrete(self.slots[ni]), ni
                self.accounted[no] = "value" if val else "layout"
                return
        if len(nonempty) == 1 and self._heading_phrases(no, first, gap):
            return
        if len(nonempty) == 1 and (pl := parenthesised_label(first)) is not None:
            # `(手数料額、納付方法: …)` on its own line: the item ahead of the cursor so labelled
            i = self.find(norm(pl[0]))
            if i is not None and i > self.cursor:
                self.match(i, pl[1], no, gap)
                return
        # label in a cell (skipping empty cells and parent labels such as 再委託)
        for ci, c in enumerate(cells):
            nc = norm(c)
            if not nc or nc in self.parent_labels:
                continue
            if nc not in self.by_label and nc in self.by_digit_label:
                nc = norm(self.slots[self.by_digit_label[nc][0]].item.label)
            i = self.find(nc)
            if i is None and (j := self.find_next_part(nc)) is not None:
                self.start_part(self.slots[j].part, no)
                self.notes.add(
                    no,
                    plain(raw),
                    f"「{self.parts[self.part].label}」の見出しが原文にないため、"
                    f"「{self.slots[j].item.label}」から始まるものとして読みました",
                )
                i = j
            if i is not None:
                self.match(i, "\t".join(cells[ci + 1 :]), no, gap)
                return
            hit = self.find_prefix(c)
            if hit and self.pending is not None and self.pending[1] == hit[0] and self._awaits_text(self.pending[0], c):
                # `添付資料` / `添付資料(Ⅱ. ①提供先一覧)…`: the value under its label opens with the label's
                # words, or a line of it wrapped at the cell's edge does
                break
            if hit:
                i, rest_v = hit
                if self._value_with_a_label_s_words(i):
                    break
                self.match(i, "\t".join([rest_v] + cells[ci + 1 :]), no, gap)
                return
            break
        self.free(no, raw, gap)

    def _awaits_text(self, path: Path, cell: str) -> bool:
        """A text item whose label was just read and which has no value yet, or whose last line ran
        on to the edge of its cell into `cell`."""
        frags = self.texts.get(path)
        if frags:
            return self.tabless and wrapped(plain(frags[-1].raw), cell)
        return self.get_value(path) in (None, "", [], {})

    def _value_with_a_label_s_words(self, i: int) -> bool:
        """A line opening with the words of label i (`添付資料(Ⅱ. ①提供先一覧)に記載`) right under a label still
        waiting for its value, where label i is that label or one already read: the waiting item's value
        (and, one PDF line per text line, a line of the item being read opening with its own label's words)."""
        if self.pending is None:
            return False
        path, si = self.pending
        if i == si and self.tabless and self.slots[si].item.kind in ("text", "ref", "list"):
            return True  # a value hard-wrapped at the cell's width, a line opening with its label's words
        if path in self.texts or self.get_value(path) not in (None, [], {}, "") or path in self.unread:
            return False
        if i == si:
            return True
        target = self.concrete(self.slots[i], create=False)
        return i <= self.cursor and bool(target) and (target in self.texts or target in self.valued)

    def _heading_phrases(self, no: int, cell: str, gap: bool) -> bool:
        """A line printing one or several phrases of a heading made of several (the five risks of
        the 全項目's Ⅲ 4, one per line or after `リスク：`): that heading, in the current part."""
        n = norm(cell)
        cands = self.spans.get(n) or self.spans.get(without_risk_prefix(n)) or []
        i = next((k for k in cands if self.slots[k].part == self.part and k >= self.cursor), None)
        if i is None:
            return False
        self.match(i, "", no, gap)
        return True

    def _next_element_unheaded(self, i: int, no: int) -> bool:
        """The first item of a group part's element (1. 特定個人情報ファイル名) read again: the next
        element starts here, its heading lost (Ⅲ of the second file without its `Ⅲ …` line)."""
        item = self.slots[i].item
        group = item.parent
        if (
            group is None
            or group.kind != "group"
            or group.parent is not None
            or not group.items
            or group.items[0] is not item
        ):
            return False
        gi = next(k for k, s in enumerate(self.slots) if s.item is group)
        self.start_element(gi, None, no)
        self.notes.add(
            no, item.label, f"「{group.label}」の見出しが原文にないため、ここから次の{group.label}として読みました"
        )
        return True

    def _named_element(self, gi: int, cell: str) -> tuple[int, str] | None:
        """`委託事項1　名称` / `提供先1 市町村長`: an element heading with its name after a space, for a
        group whose elements are named on their heading. (number, name) or None."""
        item = self.slots[gi].item
        name = item.child(item.name_key) if item.name_key else None
        if name is None or norm(name.label) != norm(item.label) or has_html(cell):
            return None
        prefix = (item.element or "").split("{n}")[0]
        text = plain(cell)
        folded = nfkc(text)
        m = re.match(rf"^{re.escape(nfkc(prefix))}\s*(\d+)[ \u3000]+(\S.*)$", folded)
        if m is None:
            return None
        return int(m.group(1)), (text[m.start(2) :] if len(folded) == len(text) else m.group(2)).strip()

    def start_part(self, p: int, no: int) -> None:
        self.flush_orphans()
        self.awaiting = []
        self.part = p
        item = self.parts[p]
        i = next(k for k, s in enumerate(self.slots) if s.item is item)
        self.cursor = i
        self.pending = None
        self.hit.add((item.key,))
        if item.kind == "group":
            self.new_element(i)
        elif item.kind == "text":
            self.pending = self.concrete(self.slots[i]), i

    def start_element(self, gi: int, printed: int | None, no: int) -> None:
        """A new element of group slot gi, under a heading printing its number (None: no heading)."""
        self.flush_orphans()
        self.awaiting = []
        path = self.new_element(gi)
        if printed is not None:
            self.printed[path] = printed
            self.printed_at[path] = no
        self.cursor = gi
        self.pending = None

    def number_elements(self) -> None:
        """The printed numbers of a group's elements kept where they do not run 1, 2, 3 (システム1,
        システム4, …: the rest deleted over the years), so that pages and labels say システム4 as the
        document does: written on every element of that group (the form's element `number` key).
        Numbers that do not increase, or an element printed without one, are noted instead."""
        for g in dict.fromkeys(p[:-1] for p in self.printed):
            group = self.form.item_at(g)
            elems = self.get_value(g)
            if group is None or group.number is None or not isinstance(elems, list) or not elems:
                continue
            nums = [self.printed.get(g + (i,)) for i in range(len(elems))]
            if nums == list(range(1, len(elems) + 1)):
                continue  # the ordinary numbering: nothing to write
            given = [n for n in nums if n is not None]
            if (
                len(given) == len(elems)
                and all(a < b for a, b in zip(given, given[1:], strict=False))
                and all(isinstance(e, dict) for e in elems)
            ):
                for e, n in zip(elems, given, strict=True):
                    e[group.number.key] = n
                continue
            for i, num in enumerate(nums):
                if num is not None and num != i + 1:
                    self.notes.add(
                        self.printed_at[g + (i,)],
                        group.element_label(num - 1),
                        f"原文の番号 {num} を {i + 1} 番目として取り込みました"
                        "(原文の番号が順に増えていないか、番号のない要素があるため、位置の順の番号で表示します)",
                    )

    def match(self, i: int, value: str, no: int, gap: bool) -> None:
        slot = self.slots[i]
        path = self.concrete(slot)
        self.hit.add(path)
        item = slot.item
        seen = (
            self.get_value(path) not in (None, [], {}) and item.kind not in ("section", "group") or path in self.texts
        )
        if i <= self.cursor and seen and self._next_element_unheaded(i, no):
            path, seen = self.concrete(slot), False
        if i <= self.cursor and seen:
            self.flush_orphans()
            self.notes.add(no, plain(value), f"「{item.label}」が二度書かれていました(最初の値を取り込みました)")
            self.accounted[no] = "note"
            self.pending = None
            return
        self.adopt_orphans(i)
        self.cursor = max(self.cursor, i)
        self.accounted[no] = "value"
        self._await(value)
        if item.kind in ("section", "group") and not value.strip():
            self.flush_orphans()
            self.pending = None
            self.accounted[no] = "layout"
            if i in self.heading_child:  # its value on the next line
                self.pending = self.concrete(self.slots[self.heading_child[i]]), self.heading_child[i]
            return
        self.place(i, value, no, gap)

    def _await(self, value: str) -> None:
        """`評価書番号` / `評価書名` / `4` / `…評価書`: labels printed one under the other before their
        values (a table row extracted cell by cell). A number or date item left without a value by
        the next label waits for a line that reads as one."""
        if value.strip():
            self.awaiting = []
            return
        if self.pending is None:
            return
        path, si = self.pending
        if (
            self.slots[si].item.kind in ("integer", "count", "date")
            and path not in self.texts
            and self.get_value(path) in (None, "")
            and path not in self.unread
        ):
            self.awaiting.append(self.pending)
        elif self.slots[si].item.kind not in ("text", "ref", "list"):
            self.awaiting = []

    def _fill_awaiting(self, no: int, text: str) -> bool:
        if not self.awaiting:
            return False
        path, si = self.awaiting[0]
        item = self.slots[si].item
        if self.pending is not None and self.slots[self.pending[1]].item.kind == item.kind:
            # 承認日 (left empty) / 公表日 / a date: the date is the nearest label's
            self.awaiting = []
            return False
        t = plain(text).strip()
        reads = re.fullmatch(r"\d[\d,]*", nfkc(t)) if item.kind in ("integer", "count") else dates.parse_date(t)
        if not reads:
            self.awaiting = []
            return False
        self.awaiting.pop(0)
        pending = self.pending
        self.place(si, t, no)
        self.pending = pending
        self.accounted[no] = "value"
        return True

    def free(self, no: int, raw: str, gap: bool) -> None:
        """A line without a label: the continuation of the item being read."""
        text = raw.rstrip() if re.match(r"^ +- ", raw) else raw.strip()  # keep nested list indents
        if self._fill_awaiting(no, text):
            return
        if self.pending is not None:
            path, slot_i = self.pending
            if self.slots[slot_i].item.kind in ("text", "ref", "list"):
                self.add_text(path, Fragment(no, text, gap))
                self.valued.setdefault(path, no)
                self.accounted[no] = "value"
                return
            if self.get_value(path) in (None, [], {}) and path not in self.unread:
                self.place(slot_i, text, no)  # a value printed on the line after its label
                self.accounted[no] = "value"
                return
        # a multi-choice list continued over several rows (・連絡先等情報\t[○] …)
        completes = self.last_multi is not None and self._completes_option(self.last_multi, raw)
        if self.last_multi and (completes or choices.boxes(raw) or _unclosed(self.last_multi[2])):
            si, path, v, line = self.last_multi
            v = v + ("" if completes else "\t") + raw.strip()
            self.unread.pop(path, None)
            self.doubts = [d for d in self.doubts if d[0] != line]
            self.place(si, v, line)
            self.accounted[no] = "value"
            return
        # the option list of the choice just read, wrapped onto its own line (002:742)
        if self.last_choice is not None and is_option_list(raw, self.last_choice.choices):
            self.accounted[no] = "value"
            count = COUNT_TAIL.search(plain(raw))
            if self.last_choice_at is not None and count:
                si, path = self.last_choice_at  # its count printed after the options: `( 3 ) 件`
                self._counts(self.slots[si], path, count.group())
            return
        # a flattened table repeated as tab lines (quirk 5): already in the value above
        toks = nfkc(plain(raw)).split()  # (＜選択肢＞ there, &lt;選択肢&gt; here)
        prev = nfkc(plain(self.last_raw))
        if toks and prev and all(t in prev for t in toks):
            self.accounted[no] = "value"
            return
        self.orphans.append(Fragment(no, text, gap))
        self.accounted[no] = "orphan"

    def _completes_option(self, multi: tuple[int, Path, str, int], raw: str) -> bool:
        """A line without boxes that finishes the name of the row's last option, hard-wrapped at the
        cell's width (`[○] その他識別情報` / `(内部番号)`): the row's, joined without a space."""
        if not self.tabless or choices.boxes(raw):
            return False
        bxs = choices.boxes(multi[2])
        if not bxs:
            return False
        head = norm_value(bxs[-1].text)
        joined = norm_value(bxs[-1].text + raw.strip())
        keys = [norm_value(t) for o in self.slots[multi[0]].item.options for t in (o.text, *o.variants)]
        return any(k and joined.startswith(k) and not head.startswith(k) for k in keys)

    # -- results -----------------------------------------------------------------
    def finish(self) -> dict:

        for path, frags in self.texts.items():
            item = self.form.item_at(path)
            if item is None:  # every text path is a slot's concrete path: it always resolves
                continue
            parts: list[str] = []
            for f in frags:
                md, dropped = to_markdown(f.raw)
                md = clean_md(md)
                if "u" in dropped:
                    self.notes.add(
                        f.line, plain(f.raw), "下線(原文で追加箇所を示す印)は Markdown で表せないため外しました"
                    )
                if not md:
                    continue
                if parts and self.tabless and not f.gap and wrapped(parts[-1].split("\n")[-1], md):
                    parts.append("")  # a line wrapped at the cell edge: joined without a space
                elif parts:
                    # list items stay together; anything else is its own paragraph
                    listed = md.lstrip().startswith("- ") and parts[-1].split("\n")[-1].lstrip().startswith("- ")
                    parts.append("\n" if listed and not f.gap else "\n\n")
                parts.append(md)
            text = "".join(parts).strip()
            if any(m in text for m in choices.MARKERS):
                # checkbox glyphs used as bullets in a text (quirk 20)
                text = re.sub("\\s*[" + choices.MARKERS + "]\\s*", "\n- ", text).strip()
                text = re.sub(r"^\n?", "", text)
                self.notes.add(
                    frags[0].line,
                    plain(frags[0].raw),
                    f"「{item.label}」の文中のチェック記号は選択肢ではなく箇条書きの印として読みました",
                )
            cleaned = strip_option_lists(text, self.all_choices)
            if cleaned != text:
                self.notes.add(
                    frags[0].line,
                    text,
                    f"「{item.label}」の中にあった選択肢の一覧(<選択肢> 1) …)を外しました(前の項目の印刷の一部です)",
                )
                text = cleaned
            if item.kind == "list":
                self.set_value(path, item, split_names(text))
                continue
            if item.name_key is None and path[-1] == element_name_key(self.form, path):
                if (n := name_number(text)) is not None:  # (3) 住民基本台帳ファイル: the file's printed number
                    self.printed[path[:-1]], self.printed_at[path[:-1]] = n, frags[0].line
                text = strip_number(text)
            if item.parent is not None and item.parent.name_key == item.key and "\n\n" in text:
                # a note printed inside a name cell (quirk 17): the name is the first paragraph
                text, rest = text.split("\n\n", 1)
                self.notes.add(frags[0].line, rest, f"「{item.label}」の欄にあった注記です(名称から分けました)")
            if text:
                self.set_value(path, item, text)
        self.number_elements()
        return self.data


class _Rest:
    """The lines after one line, read in place (iterated, or cut further with [k:])."""

    def __init__(self, lines: list, start: int):
        self.lines, self.start = lines, start

    def __iter__(self):
        lines = self.lines
        for k in range(self.start, len(lines)):
            yield lines[k]

    def __getitem__(self, cut: slice) -> _Rest:
        return _Rest(self.lines, self.start + (cut.start or 0))

    def __len__(self) -> int:
        return max(0, len(self.lines) - self.start)
