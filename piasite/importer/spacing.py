"""Copies printed with a space between every character (document-mirror sites, docsplayer-style:
`特 定 個 人 情 報 保 護 評 価 書`): the spacing is measured, the inter-character spaces removed,
the spaces that are really there kept, and the form's labels put back as the form prints them.

What such a copy does to a text (examples.md §3.5): every character is its own token, one space
apart, except a run of ASCII letters and digits, which stays whole (`平 成 26 年 4 月`); the real
white space (a tab between two cells, the space between a label and its value, a space inside a
value) is printed as the same single space; circled numbers are printed as digits (`1 事 務 の 名 称`);
a stamp's bracket may be lost (`平 成 26 年 4 月 様 式 4 ]`).

So:

- `share(lines)` measures the spacing: of the CJK characters (kana, kanji, full-width signs), the
  share printed alone between single spaces. A text typed normally has few (a one-character word
  between spaces); a spaced copy has nearly all. `is_spaced` is that share above one half.
- `despace_line` joins the tokens: two ASCII runs keep the space between them (they were printed
  whole, so the space is real: `Windows Server`), everything else is joined; a run of two or more
  spaces, a tab or an ideographic space is a real gap and kept. The spaces the form's own notation
  prints (a box `[○] 紙`, an option `1) 実施する 2) 実施しない`, a heading `1. 基本情報`, a
  bullet `- ・…`) are put back from the notation itself.
- `resync(form, lines)` puts the form's labels back: a line that is a label of the form, once the
  digits of the copy are read as the circled numbers the label prints (`1事務の名称` → `①事務の名称`),
  becomes that label as printed; a label followed on its line by another (`4使用の主体使用部署`, a row
  group's cell and its first sub-label) is split between them. Only a digit the form's label says is
  a circled number becomes one: in a value, `1` stays `1` (the copy destroyed the circle for good).
- A line that begins with a label's words but goes on as a sentence would (`期間は…`) is read as a
  value's words, and that value is !要確認 with the reason: the copy cannot tell it from a label
  and its value.
- What the spacing leaves unsettled — the cells of a table row printed on one line (a 変更箇所 row:
  where its 変更前 ends and its 変更後 begins is not in the text) — is returned as a row whose
  uncertain cells are named (changes.py marks them !要確認 with the row quoted), never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from piasite.core import dates
from piasite.forms.form import Form
from piasite.importer.text import nfkc

# CJK characters, kana, full-width forms and the signs Japanese text prints between them
_CJK = re.compile(r"[\u2460-\u24ff\u2160-\u217f\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef※〒・]")
# a real gap in a spaced copy: a tab, an ideographic space, or two spaces or more
_GAP = re.compile(r"\t|\u3000|  +")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")

# The share of lone CJK characters above which a text is a spaced copy.
THRESHOLD = 0.5
# Below this many CJK characters a text says nothing of its spacing.
MIN_CHARS = 20


def share(lines: list[str]) -> float:
    """Of the CJK characters of the text, the share printed alone: between single spaces (or a
    single space and the line's edge), with a neighbour on at least one side."""
    alone = total = 0
    for line in lines:
        toks = line.split(" ")
        if len(toks) < 2:
            total += len(_CJK.findall(line))
            continue
        for t in toks:
            n = len(_CJK.findall(t))
            total += n
            if n == 1 and len(t) == 1:
                alone += 1
    return alone / total if total else 0.0


def is_spaced(lines: list[str]) -> bool:
    chars = sum(len(_CJK.findall(l)) for l in lines)
    return chars >= MIN_CHARS and share(lines) > THRESHOLD


def _join(tokens: list[str]) -> str:
    out = ""
    for t in tokens:
        if not t:
            continue
        if out and _ASCII_ALNUM.match(out[-1]) and _ASCII_ALNUM.match(t[0]):
            out += " "  # two ASCII runs: printed whole, so the space between them is real
        out += t
    return out


# the form's own notation, whose spaces the copy prints like any other
_BOX = re.compile(r"\s*([\[［〔])\s*([○OＯ●◎■□☑☐◉]?)\s*([\]］〕])\s*")
_OPTION = re.compile(r"(?<![(（\d,.])(\d{1,2})\)\s*")
_BRACKETED = re.compile(
    r"([\[［〔])\s*([^\[\]［］〔〕\s][^\[\]［］〔〕]*?[^\[\]［］〔〕\s]|[^\[\]［］〔〕\s○OＯ●◎■□☑☐◉])\s*([\]］〕])"
)
_GLYPH = re.compile(r"\s*([☑☐◉■□])\s*")  # a box printed as a glyph: ☑ 個人番号 ☐ 個人番号対応符号
_HEADING = re.compile(r"^(\d{1,2}\.)(?=[^\s\d.,])")
_PART = re.compile(r"^([\u2160-\u216b])(?=[^\s(（\u2160-\u216b])")
_NUMBERED_NAME = re.compile(r"^([(（]\d{1,2}[)）])(?=[^\s\d(（)）])")  # (1) 住民税課税情報ファイル
_BULLET = re.compile(r"^-(?=[^\s\d\-－])")
_CHOICE_LINE = re.compile(r"^\s*([\[［])\s*(.*?)\s*([\]］])\s*$")
_TAG = re.compile(r"<[^<>]*>")


def _inside_parens(text: str, at: int) -> bool:
    """Whether `at` is inside a parenthesis opened before it ((別添2), (1)): not an option's number."""
    before = text[:at]
    return before.count("(") + before.count("（") > before.count(")") + before.count("）")


def _box(m: re.Match) -> str:
    mark = m.group(2) or " "
    return f" {m.group(1)}{mark}{m.group(3)} "


def _tag(m: re.Match) -> str:
    # an HTML tag the copy spaced out: its attributes apart again (`<input checked="" type="…">`)
    return re.sub(r'(?<=["\'])(?=[A-Za-z])', " ", m.group(0))


def notation(text: str) -> str:
    """The spaces the form's notation prints, put back in a joined line."""
    m = _CHOICE_LINE.match(text)
    if m and not _BOX.fullmatch(text):
        return f"{m.group(1)} {m.group(2)} {m.group(3)}"  # [ 実施する ]: a selected choice
    text = _BOX.sub(_box, text)
    text = _BRACKETED.sub(lambda b: f"{b.group(1)} {b.group(2)} {b.group(3)}", text)  # a choice in a cell: [ 未定 ]
    text = _GLYPH.sub(lambda g: f" {g.group(1)} ", text)
    text = _OPTION.sub(lambda o: o.group(0) if _inside_parens(text, o.start()) else f" {o.group(1)}) ", text)
    text = _HEADING.sub(r"\1 ", text)
    text = _PART.sub(r"\1 ", text)
    text = _NUMBERED_NAME.sub(r"\1 ", text)
    text = _BULLET.sub("- ", text)
    text = re.sub(r"(?<=\S)※$", " ※", text)
    if "<" in text:
        text = _TAG.sub(_tag, text)
    return re.sub(r" {2,}", " ", text).strip(" ")


def despace_line(line: str) -> str:
    """One line of a spaced copy as it was printed (as far as the copy tells)."""
    pieces = _GAP.split(line)
    gaps = _GAP.findall(line)
    out = ""
    for k, piece in enumerate(pieces):
        out += notation(_join(piece.split(" ")))
        if k < len(gaps):
            out += "\t" if "\t" in gaps[k] else " "
    return out.rstrip()


def despace(lines: list[str]) -> list[str]:
    """The lines of a spaced copy joined (unchanged when the text is not spaced)."""
    if not is_spaced(lines):
        return lines
    return [despace_line(l) for l in lines]


# -- the form's labels -----------------------------------------------------------------------------

_CIRCLED = {chr(0x2460 + i): str(i + 1) for i in range(20)}  # ① … ⑳


def _key(s: str) -> str:
    """A label as a spaced copy leaves it: circled numbers as digits, no spaces, no ※, NFKC."""
    s = "".join(_CIRCLED.get(c, c) for c in s)
    return re.sub(r"\s+", "", nfkc(s)).replace("※", "")


class Line(str):
    """A line this module rewrote, with what the spacing leaves open: `doubt` (the source text, the
    reason) makes the item the line belongs to !要確認 (body.py); on a 変更箇所 row, `unsure` names
    the cells it does not settle (changes.py)."""

    doubt: tuple[str, str] | None = None
    unsure: tuple[int, ...] = ()


def _line(text: str, doubt: tuple[str, str] | None = None, unsure: tuple[int, ...] = ()) -> Line:
    out = Line(text)
    out.doubt = doubt
    out.unsure = unsure
    return out


@dataclass(frozen=True)
class _Labels:
    printed: dict[str, str]  # key → the label as the form prints it
    numbered: frozenset[str]  # keys of labels printed with a number (①, 1., Ⅰ): never a value's words
    elements: frozenset[str]  # keys of the names a group's elements are numbered after (委託事項)
    containers: frozenset[str]  # keys of the labels of sections and groups (no value after them)
    kinds: dict[str, str]  # key of a label → its item's kind
    columns: frozenset[str]  # keys of the 変更箇所 table's column labels (its header, never a value's words)
    longest: int


_NUMBERED_LABEL = re.compile(r"^(?:[\u2460-\u2473\u2160-\u216b]|\d{1,2}[.．]|[(（]別添)")


def labels(form: Form) -> _Labels:
    """The form's labels by their key, as the form prints them: each label, a row group's cell with
    its first sub-label (`④使用の主体 使用部署`), a section's label with its first item's when the
    form prints them on one line (`②保管期間 期間`)."""
    printed: dict[str, str] = {}
    numbered: set[str] = set()
    elements: set[str] = set()
    skip = (form.role_item("changes").key,) if form.has_role("changes") else ()

    def add(k: str, lab: str) -> None:
        if len(k) >= 2 and not k.isdigit():
            printed.setdefault(k, lab)
            if _NUMBERED_LABEL.match(lab):
                numbered.add(k)

    for item in form.walk():
        for lab in item.all_labels:
            add(_key(lab), lab)
            for other in item.all_labels:  # a label and its variant on one line (②保管期間 期間)
                if other != lab:
                    add(_key(lab) + _key(other), f"{lab} {other}")
            if item.parent_label:
                add(_key(item.parent_label) + _key(lab), f"{item.parent_label} {lab}")
        if item.element and "{n}" in item.element:  # 委託事項{n}: the name its elements are numbered after
            elements.add(_key(item.element.split("{n}")[0]))
        if item.is_container and item.items and item.key not in skip:
            first = item.items[0]
            for lab in item.all_labels:
                for sub in first.all_labels:
                    add(_key(lab) + _key(sub), f"{lab} {sub}")
    containers = frozenset(_key(lab) for i in form.walk() if i.is_container for lab in i.all_labels)
    kinds = {_key(lab): i.kind for i in form.walk() for lab in i.all_labels}
    return _Labels(
        printed,
        frozenset(numbered),
        frozenset(elements - {""}),
        containers,
        kinds,
        frozenset(_key(lab) for k in skip for c in form.role_item("changes").walk() for lab in c.all_labels),
        max(map(len, printed), default=0),
    )


def _cut(line: str, n: int) -> int:
    """The index in `line` past the characters whose keys make the first n characters of its key."""
    got = 0
    for i, ch in enumerate(line):
        if got >= n:
            return i
        got += len(_key(ch))
    return len(line)


_ELEMENT_NUMBER = re.compile(r"^\d+(?:\s*[~〜～-]\s*\d+)?$")
# what a value never starts with, but the rest of a sentence does: a particle, a sign that goes on
_GOES_ON = re.compile(r"^[\u3041-\u3093、。，．・)）」』]")


def _leading(table: _Labels, line: str) -> tuple[str, str] | None:
    """(label as printed, the rest) where the line starts with a label of the form and goes on."""
    k = _key(line)
    for n in range(min(len(k) - 1, table.longest), 1, -1):
        lab = table.printed.get(k[:n])
        if lab is not None:
            return lab, line[_cut(line, n) :].lstrip()
    return None


def resync_line(table: _Labels, line: str) -> str:
    """A joined line that is one of the form's labels (or a row group's cell and its label): as
    printed; a label with its value after it on the line (the gap between them lost): the two apart.
    A line that starts with a label but goes on as a sentence would (`期間は…`) is left as a value's
    line."""
    if "\t" in line or not line.strip():
        return line
    body = line.rstrip()
    mark = body.endswith("※")
    lab = table.printed.get(_key(body))
    if lab is not None:
        return f"{lab} ※" if mark and "※" not in lab else lab
    lead = _leading(table, body)
    if lead is None:
        return line
    lab, rest = lead
    marked = rest.startswith("※")  # a label's own mark after it: the label is certain
    if marked:
        lab, rest = f"{lab} ※", rest[1:].lstrip()
    if not rest:
        return line
    boxed = bool(re.match(r"^[\[［〔<＜☐☑■□]", rest))
    k = _key(lab)
    if k in table.elements and not boxed:
        # 委託事項1 課税資料のデータ入力業務: an element's heading and its name; 委託事項1と同じ: words
        m = re.match(r"^(\d+)(.*)$", rest)
        if not m or not m.group(2).strip() or _GOES_ON.match(m.group(2).strip()):
            return line
        return f"{lab}{m.group(1)}\u3000{m.group(2).strip()}"
    if boxed:
        return f"{lab} {resync_line(table, rest)}"
    if k in table.containers:
        # a heading and what the form prints after it (※(7.リスク1⑨を除く。)): the heading as printed
        return f"{lab}{rest}" if marked else line
    if _ELEMENT_NUMBER.match(rest):
        return line
    if not marked and not _fits(table, k, rest):
        if _GOES_ON.match(rest) or (k not in table.numbered and len(k) < 4):
            # 期間は…: most likely a value's sentence that begins with a label's words; the copy
            # cannot tell it from the label and its value (the gap between them lost)
            if k in table.columns or len(_key(rest)) < 2:
                return line
            return _line(line, (line, LABEL_OR_WORDS.format(label=lab)))
    return f"{lab}\u3000{rest}"


# why a value is !要確認 whose line begins with a label's words
LABEL_OR_WORDS = (
    "字間に空白を入れた写しで、行の初めの「{label}」が項目名なのか記載の一部なのか、空白からは区別できません"
    "(記載の一部として読みました)"
)
_NONE = {"なし", "該当なし", "特になし", "無し"}


def _fits(table: _Labels, k: str, rest: str) -> bool:
    """Whether the rest of the line is what the labelled item's values look like: a date, a number,
    or the word for none."""
    kind = table.kinds.get(k)
    if rest.strip() in _NONE:
        return True
    if kind == "date":
        return dates.parse_date(rest.strip()) is not None
    if kind in ("integer", "count"):
        return rest.strip().isdigit()
    return False


# -- the 変更箇所 table ---------------------------------------------------------------------------

_DATE = re.compile(
    r"^(?:(?:令和|平成|昭和|[RHS])(?:元|\d{1,2})[年.](?:\d{1,2})[月.](?:\d{1,2}日?)?|\d{4}[年/.-]\d{1,2}[月/.-](?:\d{1,2}日?)?)"
)
_NEW = ("(新設)", "（新設）")
# why the cells of a spaced row are !要確認
ROW_CELLS = (
    "字間に空白を入れた写しで、表の欄の区切りが字間の空白と区別できません。"
    "項目・変更前の記載・変更後の記載の境目を原文で確かめてください"
)
ROW_TIMING = (
    "字間に空白を入れた写しで、表の欄の区切りが字間の空白と区別できません。"
    "提出時期(事前・事後)が行の中に一度だけ現れる形でないため、項目から説明までの境目を原文で確かめてください"
)


def _date_prefix(text: str) -> int:
    """The length of the date the text starts with (0: none)."""
    m = _DATE.match(text)
    if not m:
        return 0
    end = m.end()
    while end > 0 and dates.parse_date(text[:end]) is None:
        end -= 1
    return end


@dataclass(frozen=True)
class _Table:
    header: str  # key of the header row (the columns' labels in order)
    columns: tuple[str, ...]  # the columns' labels as printed
    timings: tuple[str, ...]  # the 提出時期 choices (事前, 事後)
    heads: frozenset[str]  # keys of the change log's heading
    choices: dict[str, tuple[str, ...]]  # key of a choice item's label → its choices


def _table(form: Form) -> _Table | None:
    if not form.has_role("changes") or not form.has_role("change_timing"):
        return None
    group = form.role_item("changes")
    note = form.role_item("change_note").label if form.has_role("change_note") else None
    printed = tuple(c.label for c in group.items if c.label != note)  # 備考 is piasite's own column
    choices = {_key(lab): i.choices for i in form.walk() if i.choices for lab in i.all_labels}
    return _Table(
        "".join(_key(c) for c in printed),
        printed,
        tuple(form.role_item("change_timing").choices),
        frozenset(_key(lab) for lab in group.all_labels),
        choices,
    )


def _ends_with_label(table: _Labels, text: str) -> bool:
    k = _key(text)
    return any(k.endswith(lab) for lab in table.printed if len(lab) >= 3)


def _middle(labels: _Labels, tab: _Table, mid: str) -> tuple[str, str, str] | None:
    """(項目, 変更前, 変更後) where the text settles the boundaries: a 変更前 printed (新設), two
    bracketed choices, two dates, two choices of the item named — after a 項目 that ends with a label of
    the form. None where it does not."""
    for new in _NEW:
        k = mid.find(new)
        if k > 0 and mid.count(new) == 1 and _ends_with_label(labels, mid[:k]):
            return mid[:k], new, mid[k + len(new) :]
    m = re.match(r"^(.*?)(\[[^\[\]]*\])\s*(\[[^\[\]]*\])$", mid)
    if m and _ends_with_label(labels, m.group(1)):
        return m.group(1), m.group(2), m.group(3)
    for k in range(1, len(mid)):
        n = _date_prefix(mid[k:])
        if n and k + n < len(mid) and _date_prefix(mid[k + n :]) == len(mid) - k - n:
            if _ends_with_label(labels, mid[:k]):
                return mid[:k], mid[k : k + n], mid[k + n :]
    kmid = mid
    for lab, opts in tab.choices.items():
        for a in opts:
            for b in opts:
                if a != b and kmid.endswith(a + b):
                    head = kmid[: -len(a + b)]
                    if _key(head).endswith(lab):
                        return head, a, b
    return None


def change_row(labels: _Labels, tab: _Table, line: str) -> Line | None:
    """A row of the 変更箇所 table the copy printed with its cells one space apart like its
    characters: its date and 提出時期 (one of its choices, once in the row) anchor it; the 項目,
    変更前 and 変更後 between them are split where the text settles it, else !要確認."""
    n = _date_prefix(line)
    if not n:
        return None
    date, rest = line[:n], line[n:].strip()
    hits = [(m.start(), t) for t in tab.timings for m in re.finditer(re.escape(t), rest)]
    if len(hits) != 1:
        cells = [date, rest, "", "", "", ""]
        return _line("\t".join(cells), (line, ROW_TIMING), (1, 2, 3, 4, 5))
    at, timing = hits[0]
    mid, expl = rest[:at].strip(), rest[at + len(timing) :].strip()
    split = _middle(labels, tab, mid)
    if split is not None:
        return _line("\t".join([date, *[c.strip() for c in split], timing, expl]))
    return _line("\t".join([date, mid, "", "", timing, expl]), (line, ROW_CELLS), (1, 2, 3))


def resync(form: Form, lines: list[str]) -> list[str]:
    """The lines of a despaced copy with the form's labels as printed and its 変更箇所 rows as cells."""
    table = labels(form)
    tab = _table(form)
    out: list[str] = []
    in_table = False
    for l in lines:
        k = _key(l)
        if tab is not None and k == tab.header:
            out.append("\t".join(tab.columns))
            in_table = True
            continue
        if in_table and tab is not None:
            row = change_row(table, tab, l.strip())
            if row is not None:
                out.append(row)
                continue
        out.append(resync_line(table, l))
    return _numbered_runs(out)


_LEAD_NUMBER = re.compile(r"^(\d{1,2})(?=[^\s\d.,)）:：年月日時分号条項人件回円%％])")


def _numbered_runs(lines: list[str]) -> list[str]:
    """Lines numbered 1, 2, 3 … in a run (names printed ①, ②, ③: the copy prints them as digits
    glued to the name): the number apart from the name again, as the list's numbering."""
    out = list(lines)
    k = 0
    while k < len(out):
        m = _LEAD_NUMBER.match(out[k]) if isinstance(out[k], str) and "\t" not in out[k] else None
        if not m or m.group(1) != "1":
            k += 1
            continue
        run = [k]
        while run[-1] + 1 < len(out):
            n = _LEAD_NUMBER.match(out[run[-1] + 1])
            if not n or int(n.group(1)) != len(run) + 1 or "\t" in out[run[-1] + 1]:
                break
            run.append(run[-1] + 1)
        if len(run) >= 2:
            for j in run:
                if type(out[j]) is str:
                    out[j] = re.sub(r"^(\d{1,2})", r"\1 ", out[j])
        k = run[-1] + 1
    return out
