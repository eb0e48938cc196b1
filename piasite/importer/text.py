"""Text cleanup for extracted PDF text: HTML fragments → Markdown, checkbox
glyphs → marker characters, and the normal form used to compare labels."""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from html.parser import HTMLParser

# Marker characters for the checkbox notations found in extracted PDFs
# (inventory quirk 18): they are never part of real text.
CHECKED = "\u2611"  # ☑ <input checked> checkbox
UNCHECKED = "\u2610"  # ☐ <input> checkbox
RADIO_ON = "\u25c9"  # ◉ <input checked> radio
RADIO_OFF = "\u25ce"  # ◎ <input> radio: "checked" in some documents, not in others
MARKERS = CHECKED + UNCHECKED + RADIO_ON + RADIO_OFF

_INPUT = re.compile(r"<input\b([^>]*)/?>", re.I)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_SEPARATOR = re.compile(r"^[\s\-\t|:]*-{2,}[\s\-\t|:]*$")
_KEEP = set("①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕")


def inputs_to_markers(s: str) -> str:
    def rep(m: re.Match) -> str:
        attrs = m.group(1).lower()
        checked = "checked" in attrs
        if "radio" in attrs:
            return RADIO_ON if checked else RADIO_OFF
        return CHECKED if checked else UNCHECKED

    return _INPUT.sub(rep, s)


# A page's number printed alone on its line by the extraction: `－ 3 －`, `- 3 -`, `3 / 12`.
_PAGE_NUMBER = re.compile(r"^\s*(?:[-－―—‐−]\s*\d{1,4}\s*[-－―—‐−]|\d{1,4}\s*[/／]\s*\d{1,4})\s*$")


def is_separator(line: str) -> bool:
    """Markdown table rules and page-break rows such as `-----\t--`, and page numbers (`－ 3 －`)."""
    return bool(line.strip()) and bool(_SEPARATOR.match(line) or _PAGE_NUMBER.match(line))


def plain(s: str) -> str:
    """Cell text without tags (entities decoded, inputs as markers, spaces collapsed)."""
    s = inputs_to_markers(s)
    s = re.sub(r"</(p|div|li|tr|td|ul|table)>|<br\s*/?>", " ", s, flags=re.I)
    s = _TAG.sub(" ", s)
    s = html.unescape(s).replace("\u00a0", " ")
    return re.sub(r"[ \t\u3000]+", " ", s).strip()


def nfkc(s: str) -> str:
    """NFKC that keeps circled numbers (① would become 1)."""
    return "".join(ch if ch in _KEEP else unicodedata.normalize("NFKC", ch) for ch in s)


@functools.lru_cache(maxsize=65536)  # pure; the parser compares the same labels and lines over and over
def norm(s: str) -> str:
    """Comparison form of a label: no markup, no spaces, no ※, NFKC, uniform colons."""
    s = plain(s)
    s = re.sub(r"^[#*\-\s]+|[*]+", "", s)
    s = nfkc(s).replace("※", "")
    s = re.sub(r"\s+", "", s)
    return s.replace("：", ":")


def norm_value(s: str) -> str:
    """Comparison form of an option text (also ignores thousands separators)."""
    return norm(s).replace(",", "")


class _MD(HTMLParser):
    """Small HTML → Markdown converter for the fragments PDF extraction leaves:
    p/div → paragraphs, ul/li → lists, table → lines, inline tags dropped."""

    BLOCK = {"p", "div", "table", "tr", "ul", "ol", "h1", "h2", "h3", "h4"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.buf: list[str] = []
        self.list_depth = 0
        self.in_li = False
        self.dropped: set[str] = set()

    def flush(self):
        text = re.sub(r"[ \t\u3000\u00a0]+", " ", "".join(self.buf)).strip()
        self.buf = []
        if not text:
            return
        if self.in_li:
            self.out.append("- " + text)
        elif self.list_depth and re.search(r"(?:^|\s)・", text):
            # <ul style="list-style-type: none"> ・a ・b : the bullets are in the text. Only a
            # ・ opening the text or following a space is a bullet: 保管・管理 is one word.
            pieces = re.split(r"(?:^|\s)・", text)
            if pieces[0].strip():
                self.out.append(pieces[0].strip())
            self.out.extend("- " + p.strip() for p in pieces[1:] if p.strip())
        else:
            self.out.append(text)

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            a = dict(attrs)
            checked = "checked" in a
            mark = (
                (RADIO_ON if checked else RADIO_OFF)
                if a.get("type") == "radio"
                else (CHECKED if checked else UNCHECKED)
            )
            self.buf.append(mark)
            return
        if tag == "br":
            self.flush()
            return
        if tag in self.BLOCK or tag == "li" or tag == "td":
            if tag == "td":
                self.buf.append(" ")
                return
            self.flush()
            if tag in ("ul", "ol"):
                self.list_depth += 1
            if tag == "li":
                self.in_li = True
        elif tag not in ("b", "strong", "span", "small", "i", "em", "font"):
            self.dropped.add(tag)

    def handle_endtag(self, tag):
        if tag in self.BLOCK or tag == "li":
            self.flush()
            if tag in ("ul", "ol"):
                self.list_depth = max(0, self.list_depth - 1)
            if tag == "li":
                self.in_li = False

    def handle_data(self, data):
        self.buf.append(data)


def to_markdown(s: str) -> tuple[str, set[str]]:
    """Markdown for one cell (or several joined lines) and the tags whose meaning was dropped
    (e.g. u: underline). Plain lines are kept line by line."""
    if not _TAG.search(s):
        text = html.unescape(s).replace("\u00a0", " ")
        return "\n".join(l.rstrip() for l in text.split("\n")).strip(), set()
    p = _MD()
    p.feed(s)
    p.close()
    p.flush()
    return _join_blocks(p.out), p.dropped


def _join_blocks(blocks: list[str]) -> str:
    out: list[str] = []
    for b in blocks:
        if out and not (b.startswith("- ") and out[-1].startswith("- ")):
            out.append("")
        out.append(b)
    return "\n".join(out).strip()


def has_html(s: str) -> bool:
    return bool(_TAG.search(s))
