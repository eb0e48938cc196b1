"""The Atom feeds (issue 21, item 3), written by feedgen: an id unique to the city, its rights (the
licence, also a rel="license" link), the publisher as author, links absolute with site_url, the same
bytes every build. Read with ElementTree and with feedparser (the [test] extra), as a feed reader reads them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from piasite.config.settings import Settings
from piasite.history.content import load_content
from piasite.site.history_pages import generate_history
from tests.gitrepo import base_repo

ATOM = "{http://www.w3.org/2005/Atom}"
SITE_URL = "https://pia.city.higashiyama.invalid/hyoka"
ABOUT = {
    "publisher": "東山市 総務部 情報政策課",
    "license": "CC BY 4.0",
    "license_url": "https://creativecommons.org/licenses/by/4.0/deed.ja",
}


def _repo(tmp):
    r = base_repo(tmp)
    r.edit("content/higashiyama/5.yaml", "委託先名: 株式会社ジーシーシー", "委託先名: 株式会社 <b>&ひがし</b>")
    r.commit("委託先を変更\n\n変更日: 2026-01-05\n提出時期: 事後\n提出時期に係る説明: 重要な変更に当たらない")
    return r


def _feeds(root, out, site_url="", **extra) -> dict[str, bytes]:
    assessments, problems = load_content(root / "content")
    assert assessments, problems

    def write(rel: str, text: str) -> None:
        p = out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")

    generate_history(assessments, root, write, settings=Settings(site_url=site_url, extra=dict(extra)))
    return {p.name: p.read_bytes() for p in sorted((out / "feeds").glob("*.xml"))}


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return _repo(tmp_path_factory.mktemp("feeds") / "repo")


def _root(data: bytes):
    return ET.fromstring(data)


def test_feed_names_the_city_with_absolute_links(repo, tmp_path):
    feeds = _feeds(repo.root, tmp_path / "a", SITE_URL + "/", **ABOUT)
    assert set(feeds) == {"all.xml", "higashiyama.xml"}
    feed = _root(feeds["all.xml"])
    assert feed.find(f"{ATOM}id").text == f"{SITE_URL}/feeds/all.xml"
    assert feed.find(f"{ATOM}rights").text == "CC BY 4.0(https://creativecommons.org/licenses/by/4.0/deed.ja)"
    assert feed.find(f"{ATOM}author/{ATOM}name").text == ABOUT["publisher"]
    links = {(ln.get("rel"), ln.get("href")) for ln in feed.findall(f"{ATOM}link")}
    assert ("self", f"{SITE_URL}/feeds/all.xml") in links
    assert ("alternate", f"{SITE_URL}/changes/") in links
    assert ("license", ABOUT["license_url"]) in links
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for e in entries:
        href = e.find(f"{ATOM}link").get("href")
        assert href.startswith(f"{SITE_URL}/higashiyama/5/"), href
    assert "&lt;b&gt;&amp;ひがし&lt;/b&gt;" in entries[0].find(f"{ATOM}content").text  # HTML escaped, then XML
    org = _root(feeds["higashiyama.xml"])
    assert org.find(f"{ATOM}id").text == f"{SITE_URL}/feeds/higashiyama.xml"


def test_feed_ids_differ_between_cities(repo, tmp_path):
    """Without site_url the id comes from the publisher: two cities never share a feed id or an
    entry id (every city's was urn:piasite:feed:all)."""
    a = _root(_feeds(repo.root, tmp_path / "a", **ABOUT)["all.xml"])
    b = _root(_feeds(repo.root, tmp_path / "b", **{**ABOUT, "publisher": "西川市 企画課"})["all.xml"])
    ida, idb = a.find(f"{ATOM}id").text, b.find(f"{ATOM}id").text
    assert ida.startswith("urn:uuid:") and ida != idb and ida != "urn:piasite:feed:all"
    ea = {e.find(f"{ATOM}id").text for e in a.findall(f"{ATOM}entry")}
    eb = {e.find(f"{ATOM}id").text for e in b.findall(f"{ATOM}entry")}
    assert ea and not ea & eb
    # relative links without site_url, from the feed's folder
    assert {ln.get("href") for ln in a.findall(f"{ATOM}link") if ln.get("rel") == "alternate"} == {"../changes/"}
    assert a.find(f"{ATOM}entry/{ATOM}link").get("href").startswith("../higashiyama/5/")


def test_feed_bytes_reproducible(repo, tmp_path):
    one = _feeds(repo.root, tmp_path / "a", SITE_URL, **ABOUT)
    two = _feeds(repo.root, tmp_path / "b", SITE_URL, **ABOUT)
    assert one == two
    assert b"python-feedgen" not in one["all.xml"] and b"<generator>piasite</generator>" in one["all.xml"]


def test_feedparser_reads_it(repo, tmp_path):
    import feedparser  # the [test] extra: a test that fails without it, never one that skips

    d = feedparser.parse(_feeds(repo.root, tmp_path / "a", SITE_URL, **ABOUT)["all.xml"])
    assert not d.bozo and d.feed.id == f"{SITE_URL}/feeds/all.xml" and d.feed.rights.startswith("CC BY 4.0")
    assert all(e.link.startswith(SITE_URL + "/") for e in d.entries)
