"""Japanese line breaking by phrase: <wbr> between BudouX's phrases, inserted when the page is built.

A browser may break Japanese text between any two characters, so a narrow column reads
「ジーシー/シー」, 「シス/テム」, 「…評価/書」. In headings, table cells, definition terms and the indexes'
lists of names, the text is split into phrases by BudouX (its Japanese model, a Python package: no
script or CDN reaches the reader) and a <wbr> marks each place a line may break; the stylesheet tells
the browser to break there only (word-break: keep-all, a phrase too long for its box still wraps).
Only text is touched: tags, attributes and entities are written back as they were read.
"""

from __future__ import annotations

import functools
import re
from html import escape, unescape

import budoux  # a dependency (pyproject.toml): its Japanese model ships in the package

# Elements whose text is broken by phrase, and containers (by class) whose list items are.
PHRASED = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "th", "td", "caption", "dt", "summary"})
PHRASED_LISTS = ("pia-az", "pia-facet-list", "pia-toc")  # the indexes' names, the questions, 項目一覧
SHORT = 7  # characters: a text this short is never broken (変更前の記載, 委託事項, 公表日)
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


@functools.cache
def _parser() -> budoux.Parser:
    return budoux.load_default_japanese_parser()  # its model is read once


@functools.lru_cache(maxsize=65536)  # the same labels and names recur on every page
def split(text: str) -> tuple[str, ...]:
    """The phrases of a text (one piece for text without Japanese, or short: up to SHORT characters
    fit any box the stylesheet draws, and stay whole)."""
    if len(text.strip()) <= SHORT or not JAPANESE.search(text):
        return (text,)
    return tuple(p for p in _parser().parse(text) if p)


# The HTML piasite writes (every value escaped): comments, raw elements whole, tags, text.
_TOKENS = re.compile(
    r"<!--.*?-->|<(script|style|pre|code|textarea|template)\b[^>]*>.*?</\1\s*>|<[^>]*>|[^<]+|<", re.S | re.I
)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^>]*)>")
_CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def phrase_html(html: str) -> str:
    """The HTML with <wbr> between the phrases of the text of its headings, cells and name lists."""
    if "<" not in html or not JAPANESE.search(html):
        return html
    out: list[str] = []
    stack: list[tuple[str, bool, bool]] = []  # (tag, phrased here, a list of names) for open elements
    for m in _TOKENS.finditer(html):
        tok = m.group(0)
        if tok[0] != "<":
            if stack and stack[-1][1] and tok.strip() and JAPANESE.search(tok):
                out.append("<wbr>".join(_pieces(tok)))
            else:
                out.append(tok)
            continue
        out.append(tok)
        t = _TAG.match(tok)
        if t is None or m.group(1):  # a comment, a raw element, a stray "<"
            continue
        closing, name, rest = t.group(1), t.group(2).lower(), t.group(3)
        if closing:
            for i in range(len(stack) - 1, -1, -1):  # close up to the matching element
                if stack[i][0] == name:
                    del stack[i:]
                    break
            continue
        if name in VOID or rest.rstrip().endswith("/"):
            continue
        c = _CLASS.search(rest)
        classes = (next(g for g in c.groups() if g is not None) if c else "").split()
        is_list = any(x in PHRASED_LISTS for x in classes)
        inherited = stack[-1][1] if stack else False
        here = inherited or name in PHRASED or (name == "li" and any(e[2] for e in stack))
        stack.append((name, here, is_list))
    return "".join(out)


_ENTITY = re.compile(r"&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def _pieces(text: str) -> list[str]:
    """A text node (escaped HTML) in phrases: entities are read as their characters for BudouX and
    written back as they were."""
    if "&" not in text:
        return list(split(text))
    plain = unescape(text)
    pieces = split(plain)
    if len(pieces) == 1:
        return [text]
    return [escape(p, quote=False) for p in pieces]
