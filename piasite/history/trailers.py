"""Commit trailers read by git's own rules (a port of git's trailer.c, 2.39–2.47).

git finds the trailer block the same way for `git interpret-trailers --parse` and for
`git log --format=%(trailers)`: the message ends before trailing comment lines ('#') and
blank lines (and a scissors line); the block is the last paragraph (lines after a blank
line, never the first paragraph, the subject), taken if every line in it is a trailer, or
if at least 25 % are and one is git-generated (`Signed-off-by: `, `(cherry picked from
commit `); a line starting with whitespace continues the trailer before it. A trailer line
is a token of letters, digits and '-' (whitespace may follow) and a separator ':'.

Two differences, both because piasite's trailers are Japanese (変更日, 提出時期…), which
git's ASCII-only token rule would never recognise: a token may also hold non-ASCII letters
and digits (str.isalnum), and the full-width colon '：' separates too. With ASCII tokens and
':' the result is exactly git's (tests/security/test_history_forgery.py compares the two with
Hypothesis on random messages). Commit messages have no patch part, so a '---' line is text
(git's `--no-divider`, as %(trailers) does).
"""

from __future__ import annotations

import re

from piasite.forms import regime

# The trailers piasite reads (a documented interface of `git commit`, named after the 別添2 columns):
# 変更日, 提出時期, 提出時期に係る説明, and `変更箇所: なし` for an editorial commit (forms/regime/trailers.yaml).
_NAMES = regime.section("trailers")
T_DATE, T_TIMING, T_EXPLANATION, T_NONE = (str(_NAMES[k]) for k in ("date", "timing", "explanation", "editorial"))
NONE_VALUE = str(_NAMES["editorial_value"])  # `変更箇所: なし`: the commit changes nothing the 別添2 lists
TRAILER_KEYS = (T_DATE, T_TIMING, T_EXPLANATION, T_NONE)
TRAILER = re.compile(rf"^({'|'.join(map(re.escape, TRAILER_KEYS))})\s*[:：]\s*(.*?)\s*$")  # stray_trailers only

COMMENT = "#"
_SPACE = " \t\n\r"  # git's isspace (sane_ctype): not \v or \f
_GIT_GENERATED = ("Signed-off-by: ", "(cherry picked from commit ")
_CUT_LINE = "------------------------ >8 ------------------------\n"
SEPARATORS = ":："


def _token_char(c: str, wide: bool) -> bool:
    if c.isascii():
        return c.isalnum() or c == "-"
    return wide and c.isalnum()


def find_separator(line: str, wide: bool = True) -> int:
    """Position of the separator after a trailer token at the start of line, or -1."""
    seps = SEPARATORS if wide else ":"
    whitespace_found = False
    for i, c in enumerate(line):
        if c in seps:
            return i
        if not whitespace_found and _token_char(c, wide):
            continue
        if i != 0 and c in " \t":
            whitespace_found = True
            continue
        break
    return -1


def _is_blank(line: str) -> bool:
    return line.strip(_SPACE) == ""


def _next_line(s: str, pos: int) -> int:
    nl = s.find("\n", pos)
    return len(s) if nl < 0 else nl + 1


def _last_line(s: str, length: int) -> int:
    """Start of the last line of s[:length] (its final newline belongs to it); -1 if empty."""
    if length == 0:
        return -1
    if length == 1:
        return 0
    nl = s.rfind("\n", 0, length - 1)
    return nl + 1


def _locate_end(s: str, length: int) -> int:
    """wt_status_locate_end: a scissors line cuts the message."""
    pattern = f"\n{COMMENT} {_CUT_LINE}"
    if s.startswith(pattern[1:]):
        return 0
    p = s.find(pattern)
    if p >= 0 and p + 1 < length:
        return p + 1
    return length


def _ignored_bytes(s: str, length: int) -> int:
    """ignored_log_message_bytes: trailing comment lines, blank lines and an old Conflicts: block."""
    boc = bol = 0
    in_conflicts = False
    cutoff = _locate_end(s, length)
    while bol < cutoff:
        nxt = _next_line(s, bol)
        if nxt > length:
            nxt = length
        if s.startswith(COMMENT, bol, cutoff) or s.startswith("\n", bol, length):
            if not boc:
                boc = bol
        elif s.startswith("Conflicts:\n", bol):
            in_conflicts = True
            if not boc:
                boc = bol
        elif in_conflicts and s.startswith("\t", bol, length):
            pass
        elif boc:
            boc = 0
            in_conflicts = False
        bol = nxt
    return length - boc if boc else length - cutoff


def _block_start(s: str, length: int, wide: bool) -> int:
    """find_trailer_block_start: where the trailer block begins, or length if there is none."""
    pos = 0
    while pos < length:  # the first paragraph is the subject, never trailers
        line = s[pos : _next_line(s, pos)]
        if not line.startswith(COMMENT) and _is_blank(line):
            break
        pos = _next_line(s, pos)
    end_of_title = min(pos, length)
    only_spaces = True
    recognized = False
    trailer_lines = non_trailer_lines = possible_continuation = 0
    bol = _last_line(s, length)
    while bol >= end_of_title:
        line = s[bol:length]  # C strings: the line runs on to the end (find_separator stops at '\n')
        first = line.split("\n", 1)[0] + ("\n" if "\n" in line else "")
        if line.startswith(COMMENT):
            non_trailer_lines += possible_continuation
            possible_continuation = 0
        elif _is_blank(first):
            if not only_spaces:
                non_trailer_lines += possible_continuation
                if recognized and trailer_lines * 3 >= non_trailer_lines:
                    return _next_line(s, bol)
                if trailer_lines and not non_trailer_lines:
                    return _next_line(s, bol)
                return length
        else:
            only_spaces = False
            if line.startswith(_GIT_GENERATED):
                trailer_lines += 1
                possible_continuation = 0
                recognized = True
            elif find_separator(first, wide) >= 1 and first[0] not in _SPACE:
                trailer_lines += 1
                possible_continuation = 0
            elif first[:1] in (" ", "\t", "\n", "\r") and first[:1] != "":
                possible_continuation += 1
            else:
                non_trailer_lines += 1 + possible_continuation
                possible_continuation = 0
        bol = _last_line(s, bol)
    return length


def _unfold(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        c = value[i]
        i += 1
        if c == "\n":
            while i < len(value) and value[i] in _SPACE:
                i += 1
            out.append(" ")
        else:
            out.append(c)
    return "".join(out).strip(_SPACE)


def parse(message: str, wide: bool = True) -> list[tuple[str, str]]:
    """[(token, value)] of the message's trailers, in order, continuation lines unfolded: what
    `git interpret-trailers --parse --no-divider` prints (with wide, Japanese tokens too)."""
    s = message.split("\0", 1)[0]  # git reads the message as a C string
    end = len(s) - _ignored_bytes(s, len(s))
    start = _block_start(s, end, wide)
    lines = []
    pos = start
    while pos < end:
        nxt = min(_next_line(s, pos), end)
        lines.append(s[pos:nxt])
        pos = nxt
    items: list[list[str]] = []  # [line] per trailer or non-trailer line, continuations appended
    last: list[str] | None = None
    for line in lines:  # a comment line is an item of its own (git 2.39), dropped below
        if last is not None and line[:1] in (" ", "\t", "\n", "\r") and line[:1]:
            last.append(line)
            continue
        item = [line]
        items.append(item)
        last = item if find_separator(line, wide) >= 1 else None
    out = []
    for item in items:
        text = "".join(item)
        sep = find_separator(text, wide)
        if sep < 1:
            continue  # a non-trailer line the 25 % rule let in
        token = text[:sep].strip(_SPACE)
        out.append((token, _unfold(text[sep + 1 :].strip(_SPACE))))
    return out
