"""`piasite build --offline`: a site a reviewer opens from disk (file://), as the PR's artifact.

A browser opening a folder from disk shows a listing, never its index.html, and Pagefind's script
cannot fetch its index over file://. So, between fill and pagefind (engine/run.py BUILD: the
`offline` stage):

- every relative link of every page names its file: `../5/` → `../5/index.html`, `./#x` → `./index.html#x`;
- the text of the pages Pagefind indexes (data-pagefind-body, without data-pagefind-ignore parts),
  cut at each element with an id, is written as a script, search/offline-index.js, read by
  assets/piasite/offline.js (templates/assets) on every page with the search box: a search from
  file:// answers from it (every word typed, as the search page reads them), Pagefind's from a server.

The index is made from the built HTML, so it holds what the pages show and nothing else (no value
withheld with !非公表 reaches a page).

The engine builds as for a server (use_directory_urls true), and its links are rewritten with ours:
with use_directory_urls false MkDocs writes guides/review.md as guides/review.html, where piasite's
own links (site/urls.py) and the public site have guides/review/; the files stay where they are.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

INDEX = "search/offline-index.js"
SCRIPT = "assets/piasite/offline.js"
_ATTR = re.compile(r'(\s(?:href|src|action)=")([^"]*)(")')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def explicit(url: str) -> str:
    """A relative link naming its file (a folder's index.html); others as they are."""
    if not url or url.startswith(("#", "/", "?")) or _SCHEME.match(url):
        return url
    path, hash_, frag = url.partition("#")
    path, q, query = path.partition("?")
    if path.endswith("/"):
        path += "index.html"
    elif path.rsplit("/", 1)[-1] in (".", ".."):
        path += "/index.html"
    return path + q + query + hash_ + frag


def link_files(html: str) -> str:
    return _ATTR.sub(lambda m: m[1] + explicit(m[2]) + m[3], html)


class _Sections(HTMLParser):
    """The indexed text of a page: [(id, heading, text)], cut at each element with an id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.body: int | None = None  # the depth of the data-pagefind-body element
        self.ignore: int | None = None  # the depth of a data-pagefind-ignore element (or script, style)
        self.heading: int | None = None  # the depth of the heading whose text is the section's title
        self.marked = False
        self.title: list[str] = []
        self.in_title = False
        self.sections: list[list] = [["", [], []]]  # id, heading parts, text parts

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "title":
            self.in_title = True
        if tag in _VOID:
            return
        self.stack.append(tag)
        depth = len(self.stack)
        if "data-pagefind-body" in a and self.body is None:
            self.body, self.marked = depth, True
        if self.ignore is None and ("data-pagefind-ignore" in a or tag in ("script", "style", "noscript")):
            self.ignore = depth
        if self.body is not None and self.ignore is None and a.get("id"):
            self.sections.append([a["id"], [], []])
            self.heading = depth if tag in _HEADINGS else None

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _VOID or tag not in self.stack:
            return
        while self.stack:
            depth = len(self.stack)
            if self.ignore == depth:
                self.ignore = None
            if self.heading == depth:
                self.heading = None
            if self.body == depth:
                self.body = None
            if self.stack.pop() == tag:
                break
        self._space()

    def _space(self) -> None:
        if self.body is not None and self.ignore is None:
            self.sections[-1][2].append(" ")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        if self.body is None or self.ignore is not None:
            return
        self.sections[-1][2].append(data)
        if self.heading is not None:
            self.sections[-1][1].append(data)


def _squeeze(parts: list[str]) -> str:
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def page_entry(rel: str, html: str) -> dict | None:
    """{u: the page's file, t: its title, s: [[id, heading, text]]} of a page Pagefind indexes."""
    p = _Sections()
    p.feed(html)
    p.close()
    if not p.marked:
        return None
    sections = [[i, _squeeze(h), _squeeze(t)] for i, h, t in p.sections]
    return {"u": rel, "t": _squeeze(p.title), "s": [s for s in sections if s[2]]}


def make_offline(site: Path) -> int:
    """Links naming their files in every page, the search index for file://, the search script added
    to each page with the search box; returns the number of pages indexed."""
    site = Path(site)
    entries = []
    for f in sorted(site.rglob("*.html")):
        rel = f.relative_to(site).as_posix()
        html = link_files(f.read_text(encoding="utf-8"))
        entry = page_entry(rel, html)
        if entry is not None:
            entries.append(entry)
        if 'id="pia-search"' in html:
            up = "../" * rel.count("/")
            scripts = f'<script src="{up}{INDEX}"></script><script src="{up}{SCRIPT}"></script>'
            at = html.find('<script src="', html.find('id="pia-search"'))  # before our other scripts run
            html = html[:at] + scripts + html[at:] if at >= 0 else html.replace("</body>", scripts + "</body>", 1)
        f.write_text(html, encoding="utf-8", newline="\n")
    data = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
    (site / INDEX).parent.mkdir(parents=True, exist_ok=True)
    (site / INDEX).write_text(
        "/* piasite build --offline: the search index read from file:// (assets/piasite/offline.js) */\n"
        f"window.piasiteOfflineIndex = {data};\n",
        encoding="utf-8",
        newline="\n",
    )
    return len(entries)
