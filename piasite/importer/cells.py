"""What a cell's text holds besides its value, for the label-driven parser (body.py): a label at
the cell's start, a heading's number, the numbers of a list of names, a printed option list, a
line wrapped at the cell's edge."""

from __future__ import annotations

import re

from piasite.forms.form import Form
from piasite.importer import choices
from piasite.importer.text import has_html, norm, norm_value, plain

Path = tuple


_OPENS = re.compile(r"^\s*(?:[-・○●◎■□※＊*【<＜(（]|[①-⑳⑴-⒇]|\d+\s*[.)．、])")


def wrapped(prev: str, cur: str) -> bool:
    """`…支払管理、統` + `計処理等を行う。`: a long line ended mid-sentence, the next one opens no item."""
    prev = prev.rstrip()
    return len(prev) >= 20 and not re.search(r"[。．.」』)）:：]$", prev) and not _OPENS.match(cur)


_VALUE_STARTS = (" ", "\u3000", "\t", "[", "［", "〔", "<", "＜", "(", "（")


def after_label(cell: str, lab: str) -> str | None:
    """What follows the label `lab` (in its normal form) at the start of a cell, when a space, a
    bracket or a box separates them; None when the label runs on into a longer word. A cell
    without markup keeps its printed spaces (full-width ones included)."""
    text = cell if not has_html(cell) else plain(cell)
    for j in range(1, len(text) + 1):
        if norm(text[:j]) == lab:
            rest = text[j:]
            if rest[:1] in _VALUE_STARTS or rest[:1] in choices._GLYPHS:
                return rest
            return None
    return None


# A risk heading's own prefix (リスク： / リスク1: ), printed by some documents before a heading that lacks it
_RISK_PREFIX = re.compile(r"^リスク\d*[:：]")


def composite_spans(label: str) -> list[str]:
    """A heading printed as several phrases in one cell (Ⅲ 4 of the 全項目: five risks): every run of
    consecutive phrases, in the normal form, so that a line printing one or some of them is
    that heading. Empty for a label of one phrase."""
    pieces = [norm(p) for p in label.split() if norm(p)]
    if len(pieces) < 2 or any(len(p) < 6 for p in pieces):
        return []
    return ["".join(pieces[i:j]) for i in range(len(pieces)) for j in range(i + 1, len(pieces) + 1)]


def without_risk_prefix(cell_norm: str) -> str:
    return _RISK_PREFIX.sub("", cell_norm)


_PAREN_LABEL = re.compile(r"^[(（]\s*([^(（)）:：]+?)\s*[:：]\s*(.*?)\s*[)）]$", re.S)


def parenthesised_label(text: str) -> tuple[str, str] | None:
    """`(手数料額、納付方法: 1件300円)` on its own line: (label, value)."""
    m = _PAREN_LABEL.match(plain(text).strip())
    return (m.group(1), m.group(2)) if m else None


def unnumbered(label: str) -> str:
    """A heading without its number: `1. 提出する…` → `提出する…`."""
    return re.sub(r"^\s*(?:\d+\s*[.．]|[①-⑳])\s*", "", label)


def element_name_key(form: Form, path: Path) -> str | None:
    """The key naming a top-level group element (ファイル名, 名称), if path is one."""
    if len(path) == 3 and isinstance(path[1], int):
        top = form.top(path[0])
        if top is not None and top.name_key == path[2]:
            return path[2]
    return None


# A name's printed number: (1) / （1） / ⑴ / ① / 1. / 1) / 1 (before a space)
_NUMBER = r"(?:[(（]\s*\d+\s*[)）]|[⑴-⒇]|[①-⑳]|\d+\s*[.．、)）]|\d+(?=\s))"
_NUMBERED = re.compile(rf"(?:^|(?<=[\s、,，]))\s*{_NUMBER}\s*")


def _numbered_names(line: str) -> list[str] | None:
    """`1 Aファイル 2 Bファイル` / `⑴ A ⑵ B` / `(1)A、(2)B` → the names; None when the
    line does not start with a number (a name, not a numbered list)."""
    line = line.strip()
    if not re.match(rf"^{_NUMBER}", line):
        return None
    parts = [p.strip(" \u3000\t、,，") for p in _NUMBERED.split(line)]
    return [p for p in parts if p]


def _outside_brackets(text: str, sep: str) -> list[str]:
    """`text` split at `sep` where no bracket is open: A(B、C)、D → A(B、C) | D."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch in "(（「【[［":
            depth += 1
        elif ch in ")）」】]］":
            depth -= 1
        if ch == sep and depth <= 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    return parts + [cur]


def _listed_names(line: str) -> list[str]:
    """The names of one line: numbered (`1 A 2 B`), bulleted in the line (`・A ・B`) or an
    enumeration with 、 (`A、B、C`: names, not a sentence: no 。, each part short)."""
    numbered = _numbered_names(line)
    if numbered:
        return numbered
    if re.search(r"\s・", line):
        return [p.strip() for p in re.split(r"(?:^|\s)・", line) if p.strip()]
    parts = [p.strip() for p in _outside_brackets(line, "、")]
    if len(parts) >= 2 and "。" not in line and all(0 < len(p) <= 30 for p in parts):
        return parts
    return [line]


def split_names(text: str) -> list[str]:
    """A cell listing names (③システムの名称, 特定個人情報ファイル名): one per line, numbered,
    bulleted or enumerated with 、."""
    out: list[str] = []
    for line in text.split("\n"):
        line = re.sub(r"^\s*[-・]\s*", "", line).strip()
        if not line:
            continue
        out += _listed_names(line)
    return out


def strip_number(text: str) -> str:
    # (1) 個人住民税賦課情報ファイル / 1 住民基本台帳ファイル / ①…; a cell naming several
    # (「1 Aファイル 2 Bファイル」) loses every number, the names joined by 、
    names = _numbered_names(text) if "\n" not in text else None
    if names and len(names) > 1:
        return "、".join(names)
    return re.sub(rf"^\s*{_NUMBER}\s*", "", text).strip()


def name_number(text: str) -> int | None:
    """The number a name is printed with ((3) 個人住民税賦課情報ファイル, 3 …, ⑶ …, ③ …): its value;
    None for a name without one, or a cell naming several."""
    names = _numbered_names(text) if "\n" not in text else None
    if names and len(names) > 1:
        return None
    m = re.match(rf"^\s*({_NUMBER})", text)
    if m is None:
        return None
    mark = m.group(1)
    if mark[0] in "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇":
        return ord(mark[0]) - ord("⑴") + 1
    if mark[0] in "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳":
        return ord(mark[0]) - ord("①") + 1
    digits = re.search(r"\d+", mark)
    return int(digits.group(0)) if digits else None


def clean_md(md: str) -> str:
    lines = []
    for l in md.split("\n"):
        l = re.sub(r"^\s*#{1,6}\s+", "", l)  # headings inside a value
        l = re.sub(r"^\*\*(.+)\*\*$", r"\1", l.strip()) if l.strip().startswith("**") else l
        lines.append(l.rstrip())
    return "\n".join(lines).strip()


_OPT = re.compile(r"(\d+)\)\s*")
_MARK = re.compile(r"[<＜]\s*選択肢\s*[>＞]")


def is_option_list(raw: str, allowed) -> bool:
    """`1) 定めている 2) 定めていない`: a printed option list, nothing else."""
    text = _MARK.sub(" ", plain(raw))
    if not text.strip() and _MARK.search(plain(raw)):
        return True  # the marker alone, the options on the next lines
    items = [t.strip() for t in _OPT.split(text)[2::2]]
    if not items or _OPT.split(text)[0].strip():
        return False
    names = allowed if isinstance(allowed, set) else {norm_value(c) for c in allowed}
    return all(norm_value(i) in names for i in items if i)


def strip_option_lists(text: str, allowed: set) -> str:
    """Paragraphs that are an option-list marker or a list of options (quirk 15)."""
    out = []
    for para in text.split("\n\n"):
        p = para.strip()
        if _MARK.fullmatch(p) or (_OPT.match(p) and is_option_list(p, allowed)):
            continue
        out.append(para)
    return "\n\n".join(out).strip()
