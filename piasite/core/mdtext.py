"""Text in Markdown outputs (the pull-request comment, `piasite diff`, `changelog --format md`):
shown as written, never as Markdown.

HTML-escaping is not enough there: a value from content or a commit could still become a link
with a misleading text (`[承認済み](https://…)`, a reference link), an image loaded from another
host whenever the comment is read, emphasis or a code span swallowing the table's cells. So the
characters Markdown gives a meaning inline are backslash-escaped, the table's `|` and line breaks
written as HTML, and a file path goes in a code span fenced longer than any backtick run in it.
An @name would notify that user or team each time the comment is posted or updated, and GitHub
turns #12, GH-12, owner/repo#12, a commit SHA and a bare URL into links (a misleading "承認済み #12"
pointing at another issue, a SHA that looks like a reviewed commit). A word joiner (U+2060,
invisible, not a word character) is put where it breaks each pattern GitHub matches in text:
after the @ of a mention or an e-mail address, after the # and the "GH-" of a reference, in every
run of seven or more hex digits after each sixth (GitHub links a SHA of 7 to 40), before the "://"
of a URL and after the "www" of www.… (GFM autolinks). HTML entities would not do: GitHub matches
references in the rendered text, where an entity is its character again. Inside a code span GitHub
links nothing, so mdtext.code() needs none of it.
"""

from __future__ import annotations

import html
import re

_SYNTAX = re.compile(r"([\\`*_\[\]~])")
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")
WJ = "\u2060"  # word joiner
_REF = re.compile(r"(#|\bGH-)(?=[0-9])", re.I)
_HEX = re.compile(r"[0-9a-fA-F]{7,}")
_URL = re.compile(r"(?<=[A-Za-z0-9+.-])(?=://)|(?<=\bwww)(?=\.)", re.I)


def _hex(m: re.Match) -> str:
    run = m[0]
    return WJ.join(run[i : i + 6] for i in range(0, len(run), 6))


def neutral(s: str) -> str:
    """s with mentions, issue references, SHAs and autolinks broken by invisible word joiners."""
    s = _MENTION.sub("@" + WJ, s)
    s = _REF.sub(lambda m: m[1] + WJ, s)
    s = _HEX.sub(_hex, s)
    return _URL.sub(WJ, s)


def text(s: str) -> str:
    """s as Markdown text on one line (a table cell, a heading)."""
    out = neutral(_SYNTAX.sub(r"\\\1", html.escape(str(s))))
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
