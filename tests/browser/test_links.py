"""Every link in every HTML file of the built site works under any sub-path.

Relative links must resolve to a file of the site and their #anchors to an id
on the target page; a link starting with "/" breaks once the folder is uploaded
under /city/pia/, and an asset from http(s) is a request to another host.
"""

from __future__ import annotations

import functools
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.browser  # the browser tier: tests/conftest.py refuses a test here without it

# attributes that make the browser fetch something (an asset) vs. navigate
ASSET_ATTRS = {
    ("script", "src"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("iframe", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("input", "src"),
    ("track", "src"),
    ("image", "href"),
    ("use", "href"),
}
NAV_ATTRS = {("a", "href"), ("area", "href"), ("form", "action")}
NOT_FETCHED_RELS = {"canonical", "alternate", "author", "license", "me"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str, bool]] = []  # tag, attr, value, is_asset
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name") if tag in ("a", "map") else ("id",):
            if a.get(key):
                self.ids.add(a[key])
        if tag == "link" and a.get("href"):
            rels = set((a.get("rel") or "").lower().split())
            self.refs.append((tag, "href", a["href"], not rels <= NOT_FETCHED_RELS))
        for attr in ("href", "src", "srcset", "data", "action", "xlink:href"):
            v = a.get(attr)
            if v is None:
                continue
            key = (tag, "href" if attr == "xlink:href" else attr)
            if key in ASSET_ATTRS:
                urls = [c.strip().split()[0] for c in v.split(",") if c.strip()] if attr == "srcset" else [v]
                self.refs += [(tag, attr, u, True) for u in urls]
            elif key in NAV_ATTRS:
                self.refs.append((tag, attr, v, False))
        if a.get("style"):
            self.styles.append(a["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


@functools.cache
def _parse(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def _problems(site: Path) -> list[str]:
    out = []
    for f in sorted(site.rglob("*.html")):
        rel = f.relative_to(site).as_posix()
        page = _parse(f)
        for tag, attr, url, asset in page.refs:
            where = f"{rel}: <{tag} {attr}=\"{url}\">"
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") or url.startswith("//"):
                if asset:
                    out.append(f"{where}: 外部ホストから読み込みます")
                continue
            if parts.scheme in ("mailto", "tel", "data"):
                continue
            if parts.scheme:
                out.append(f"{where}: 使えないスキーム {parts.scheme}:")
                continue
            if url.startswith("/"):
                out.append(f"{where}: 「/」で始まる絶対パスはサブパスに置くと切れます")
                continue
            target = f if not parts.path else _resolve(site, f, unquote(parts.path))
            if target is None:
                out.append(f"{where}: リンク先のファイルがありません")
                continue
            frag = unquote(parts.fragment)
            if frag and target.suffix == ".html" and frag not in _parse(target).ids:
                out.append(f"{where}: アンカー #{frag} がリンク先にありません")
        for css in page.styles:
            for _ in re.findall(r"url\(\s*['\"]?(https?:)?//", css):
                out.append(f"{rel}: style の url() が外部ホストを指しています")
    return out


def _resolve(site: Path, page: Path, path: str) -> Path | None:
    base = posixpath.dirname(page.relative_to(site).as_posix())
    joined = posixpath.normpath(posixpath.join(base, path))
    if joined.startswith(".."):
        return None  # climbs out of the uploaded folder
    target = site / joined
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def test_every_link_and_anchor_resolves(site_dir):
    problems = _problems(site_dir)
    assert not problems, f"{len(problems)} 件のリンクの問題:\n" + "\n".join(problems[:60])


def test_css_has_no_external_urls(site_dir):
    bad = []
    for f in sorted(site_dir.rglob("*.css")):
        text = f.read_text(encoding="utf-8", errors="replace")
        for m in re.finditer(r"(?:url\(\s*['\"]?|@import\s+['\"])((?:https?:)?//[^'\")\s]+)", text):
            bad.append(f"{f.relative_to(site_dir)}: {m[1]}")
    assert not bad, "CSS が外部ホストを読み込みます:\n" + "\n".join(bad[:30])


def test_paths_are_half_width_ascii(site_dir):
    bad = [
        p.relative_to(site_dir).as_posix()
        for p in site_dir.rglob("*")
        if not p.relative_to(site_dir).as_posix().isascii()
    ]
    assert not bad, "半角英数字でないパスがあります:\n" + "\n".join(bad[:30])


def test_link_checker_catches_broken_links(tmp_path):
    """The checker itself fails on each kind of bad link (so a green run means something)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h1 id="top">x</h1>', encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<a href="a/#top">ok</a> <a href="a/">ok</a> <a href="#me" id="me">ok</a>'
        '<a href="https://www.ppc.go.jp/">ok: navigation</a>'
        '<a href="b/">missing</a> <a href="a/#nowhere">bad anchor</a> <a href="/a/">absolute</a>'
        '<script src="https://cdn.example/x.js"></script> <link rel="stylesheet" href="https://fonts.example/c.css">'
        '<a href="../up.html">outside</a>',
        encoding="utf-8",
    )
    _parse.cache_clear()
    problems = _problems(tmp_path)
    assert len(problems) == 6, problems
    for needle in ("b/", "#nowhere", "/a/", "cdn.example", "fonts.example", "../up.html"):
        assert any(needle in p for p in problems), needle
