"""Content text (Markdown) → safe HTML.

Content comes from clerks and from PDFs; it is never trusted: raw HTML is shown
as text, links keep only http(s)/mailto/tel targets, images become their alt
text (an image would be a request to another host), and headings inside a
value become bold paragraphs so that the page's own heading order holds.
Line breaks are kept, as on the printed form.
"""

from __future__ import annotations

import functools
import html
import re
import xml.etree.ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:")
# A value with more square brackets than this has them as text, not links: Python-Markdown matches
# each "[" against the rest of the text, and 20,000 nested ones (48 KB, within the value limit)
# took 90 s to render. Assessments write brackets as 【】 and ［］; a link or two stays a link.
MAX_BRACKETS = 64
# Python-Markdown's block parser is quadratic in the number of blocks (12,000 "---" lines: 5 s):
# a value longer than this, or of more lines, is shown as plain text (escaped, line breaks kept).
# The longest published values are under 5,000 characters and 150 lines.
MARKDOWN_MAX_CHARS, MARKDOWN_MAX_LINES = 20_000, 500
_BRACKET = re.compile(r"(?<!\\)([\[\]])")
# Anything that Markdown could turn into markup; text without it takes the fast path.
_MARKDOWN_SIGNS = re.compile(r"[\\`*_\[\]<>#!|&]|^\s*(?:[-+*]|\d+[.)])\s|^ {4}|^\s*[=-]{2,}\s*$|https?://", re.M)


class _Sanitise(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for i, el in enumerate(list(parent)):
                if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                    el.tag = "p"
                    el.attrib.clear()
                    strong = etree.Element("strong")
                    strong.text, el.text = el.text, None
                    strong.extend(list(el))
                    for c in list(el):
                        el.remove(c)
                    el.append(strong)
                elif el.tag == "img":
                    span = etree.Element("span")
                    span.text = el.get("alt") or ""
                    span.tail = el.tail
                    parent.remove(el)
                    parent.insert(i, span)
                elif el.tag == "a":
                    href = (el.get("href") or "").strip()
                    el.attrib.clear()
                    if href.lower().startswith(SAFE_SCHEMES):
                        el.set("href", href)
                        if href.lower().startswith("http"):
                            el.set("rel", "noopener noreferrer")
                    else:
                        el.tag = "span"


class _SafeExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_Sanitise(md), "piasite_sanitise", 0)


@functools.cache
def _md() -> markdown.Markdown:
    return markdown.Markdown(extensions=["nl2br", "sane_lists", "tables", _SafeExtension()])


@functools.lru_cache(maxsize=65536)
def to_html(text: str) -> str:
    """Render one content value. Plain text is escaped directly (most values)."""
    text = str(text).replace("\r\n", "\n").strip("\n")
    if len(text) > MARKDOWN_MAX_CHARS or text.count("\n") > MARKDOWN_MAX_LINES or not _MARKDOWN_SIGNS.search(text):
        paras = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
        return "".join("<p>" + html.escape(p).replace("\n", "<br>\n") + "</p>" for p in paras)
    if text.count("[") > MAX_BRACKETS:  # Python-Markdown's link matching is quadratic in brackets
        text = _BRACKET.sub(r"\\\1", text)
    md = _md()
    md.reset()
    return md.convert(text)


def plain(text: str) -> str:
    """Text for places without markup (titles, index cells, CSV): one line, unescaped."""
    return re.sub(r"\s+", " ", str(text)).strip()
