"""Text in Markdown outputs (the pull-request comment, `piasite diff`, `changelog --format md`):
shown as written, never as Markdown.

HTML-escaping is not enough there: a value from content or a commit could still become a link
with a misleading text (`[承認済み](https://…)`, a reference link), an image loaded from another
host whenever the comment is read, emphasis or a code span swallowing the table's cells. So the
characters Markdown gives a meaning inline are backslash-escaped, the table's `|` and line breaks
written as HTML, and a file path goes in a code span fenced longer than any backtick run in it.
An @name would notify that user or team each time the comment is posted or updated: a word
joiner (U+2060, invisible) after the @ keeps it text.
"""
from __future__ import annotations

import html
import re

_SYNTAX = re.compile(r"([\\`*_\[\]~])")
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")


def text(s: str) -> str:
    """s as Markdown text on one line (a table cell, a heading)."""
    out = _MENTION.sub("@\u2060", _SYNTAX.sub(r"\\\1", html.escape(str(s))))
    return out.replace("|", "&#124;").replace("\r\n", "\n").replace("\n", "<br>")


def cell(s: str, empty: str = " ") -> str:
    return text(s) or empty


def marked(segments: list[tuple[str, str]], side: str) -> str:
    """One side of a long-text change, the changed passage in <del> (before) or <ins> (after)."""
    keep, tag = ("-", "del") if side == "before" else ("+", "ins")
    return "".join(text(s) if op == "=" else f"<{tag}>{text(s)}</{tag}>" for op, s in segments if op in ("=", keep))


def code(s: str) -> str:
    """s (a file path) as a code span: nothing inside is Markdown; line breaks become spaces."""
    s = re.sub(r"[\r\n]+", " ", str(s))
    fence = "`" * (max((len(m) for m in re.findall(r"`+", s)), default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"
