"""The built site: pages, anchors, indexes, open data, escaping, 非公表, engines, reproducibility.

A small site is built once per session from the sample project tests/roots/basic (the hand-written
東山市 fixture plus a 西川市 file carrying spelling variants, 非公表 values and
hostile text); the Zensical build and the reproducibility check build again.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from piasite.config.layout import NAV
from piasite.engine.run import BuildError
from piasite.forms.registry import load_form
from piasite.history.content import load_content
from piasite.model.reader import Withheld
from tests.conftest import schema_validator

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "roots" / "basic" / "content"


def _build(project, **kw) -> Path:
    """tests/roots/basic built again, as fixture_site is (conftest.py): a fresh copy, its own history."""
    basic = project("basic")
    basic.git_init()
    return basic.build(**kw)


@pytest.fixture(scope="session")
def site(fixture_site) -> Path:
    return fixture_site  # _build(...) of tests/roots/basic, shared with other modules (conftest.py): read only


@pytest.fixture(scope="session")
def assessments():
    out, problems = load_content(FIXTURE)
    assert out, problems
    return out


class Page(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.assets: list[str] = []
        self.headings: list[tuple[int, str]] = []
        self.lang = None
        self._h = None
        self._text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("href") is not None:
            self.links.append(a["href"])
        if tag in ("script", "img", "iframe") and a.get("src"):
            self.assets.append(a["src"])
        if tag == "link" and a.get("href"):
            self.assets.append(a["href"])
        if re.fullmatch(r"h[1-6]", tag):
            self._h = (int(tag[1]), a.get("id", ""))
            self._text = []

    def handle_data(self, data):
        if self._h:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._h and re.fullmatch(r"h[1-6]", tag):
            self.headings.append((self._h[0], "".join(self._text).strip()))
            self._h = None


def pages(site: Path):
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)


def parse(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def test_assessment_page_follows_the_form(site, assessments):
    a = next(x for x in assessments if x.slug == "5")
    html = (site / a.url / "index.html").read_text(encoding="utf-8")
    page = Page(html)
    form = a.form

    # every item present in the document has its permanent anchor and printed label
    def walk(item, value, path):
        for child in item.items:
            if child.key not in value or (not path and child.key in ("様式", "取込メモ")):
                continue
            p = path + (child.key,)
            v = value[child.key]
            if child.kind == "group" and isinstance(v, list):
                for i, elem in enumerate(v):
                    assert form.anchor(p + (i,)) in page.ids, p + (i,)
                    if isinstance(elem, dict) and (child.name_key or any(c.is_container for c in child.items)):
                        walk(child, elem, p + (i,))
            elif child.kind == "section" and isinstance(v, dict):
                assert form.anchor(p) in page.ids, p
                walk(child, v, p)
            else:
                assert form.anchor(p) in page.ids, p

    walk(form.root, a.data, ())
    labels = [t for _, t in page.headings]
    for path in [("基本情報", "事務", "名称"), ("特定個人情報ファイル", 0, "委託", "委託事項", 2, "委託先名")]:
        assert form.item_at(path).label in labels
    # order of the parts as on the form
    tops = [form.top(k).label for k in ("基本情報", "特定個人情報ファイル", "リスク対策", "評価実施手続")]
    positions = [next(i for i, h in enumerate(labels) if h.split(" ※")[0] == t) for t in tops]
    assert positions == sorted(positions)
    # choice: chosen marked, the others still visible
    assert re.search(r'class="is-on"><span aria-hidden="true">●</span> \d\) 委託する', html)
    assert re.search(r'class="is-off" data-pagefind-ignore><span aria-hidden="true">○</span> \d\) 委託しない', html)
    # multi: ☑/☐ with その他 qualifier
    assert "☑</span> その他 (課税原票管理システム、サービス検索・電子申請機能)" in html
    assert "☐</span> 住民基本台帳ネットワークシステム" in html
    # repeating groups as numbered blocks, 和暦 dates, 別添2 as a table with headers
    for n in (1, 2, 3):
        assert f">委託事項{n}<" in html
    assert "令和7年12月1日" in html and "平成30年12月" in html
    assert '<th scope="col">変更前の記載</th>' in html and "株式会社埼玉電算センター" in html
    # one h1, headings never skip a level going down
    levels = [lvl for lvl, _ in page.headings]
    assert levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    # search: filters and an indexed body
    for f in ("評価実施機関", "事務", "様式"):
        assert f'data-pagefind-filter="{f}:' in html
    assert "data-pagefind-body" in html


@pytest.mark.slow
def test_import_notes_only_for_staff_collapsed_and_not_indexed(site, project):
    public = (site / "nishikawa/20/index.html").read_text(encoding="utf-8")
    assert "取込メモ" not in public and "pia-notes" not in public
    staff = _build(project, staff=True)
    html = (staff / "nishikawa/20/index.html").read_text(encoding="utf-8")
    notes = html[html.index('<details class="pia-notes"') :].replace("<wbr>", "")  # phrases.py's breaks
    assert 'data-pagefind-ignore="all"' in notes[:120]
    assert (
        "取込メモの本文ないしょ" in notes
        and "取込メモの本文ないしょ" not in html[: html.index('<details class="pia-notes"')]
    )


def _withheld(value, out):
    if isinstance(value, Withheld):
        out.append(str(value.value))
    elif isinstance(value, dict):
        for v in value.values():
            _withheld(v, out)
    elif isinstance(value, list):
        for v in value:
            _withheld(v, out)
    return out


def test_withheld_values_reach_no_file(site, assessments):
    secrets = [s for a in assessments for s in _withheld(a.data, [])]
    assert len(secrets) >= 2
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":  # Pagefind's index and fragments are gzipped
            raw = gzip.decompress(raw)
        raw = raw.replace(b"<wbr>", b"")  # a value broken by phrase (site/phrases.py) is the value still
        for s in secrets:
            assert s.encode() not in raw, (s, path)
    assert "非公表" in (site / "nishikawa/20/index.html").read_text(encoding="utf-8")


def test_content_is_escaped(site):
    html = (site / "nishikawa/20/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    assert "javascript:" not in html
    assert "tracker.example" not in html  # an image would be a request to another host
    # a heading line in content text does not become a heading of the page
    assert re.search(r"<strong>見出しのような行</strong>", html)


def test_links_relative_and_resolving(site):
    assert (site / "404.html").exists()  # served at any address: tests/site/test_open_data.py, tests/browser
    parsed: dict[Path, Page] = {}  # each page parsed once (a page is the target of thousands of links)

    def page_at(p: Path) -> Page:
        if p not in parsed:
            parsed[p] = parse(p)
        return parsed[p]

    for path in pages(site):
        page = page_at(path)
        assert page.lang == "ja", path
        for ref in page.links + page.assets:
            if ref.startswith(("mailto:", "tel:")):
                continue
            assert not ref.startswith("/"), (path, ref)
            if ref.startswith(("http://", "https://", "//")):
                assert ref not in page.assets, (path, ref)  # nothing loaded from another host
                continue
            target, _, frag = ref.partition("#")
            dest = (path.parent / target).resolve() if target else path
            if dest.is_dir():
                dest = dest / "index.html"
            assert dest.exists(), (path, ref)
            if frag and dest.suffix == ".html":
                assert frag in page_at(dest).ids, (path, ref)


def test_no_external_assets_anywhere(site):
    for path in pages(site):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r'(?:src|href)="(https?:)?//([^"/]+)', text):
            tag_start = text.rfind("<", 0, m.start())
            tag = text[tag_start : m.start()]
            assert tag.startswith("<a "), (path, text[tag_start : m.end()])
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text


def test_indexes(site):
    html = (site / "indexes/itakusaki/index.html").read_text(encoding="utf-8")
    # spellings merged by folding (spaces), by the alias file, and branches as an attribute
    data = json.loads((site / "api/indexes/itakusaki.json").read_text(encoding="utf-8"))
    by_name = {e["name"]: e for e in data["entities"]}
    ntt = by_name["株式会社エヌ・ティ・ティ・データ関西"]
    assert "株式会社 エヌ・ティ・ティ・データ関西" in ntt["spellings"]
    nec = by_name["日本電気株式会社"]
    assert nec["rows"][0]["支店等"] == "西川支店"
    assert len(by_name["株式会社ジーシーシー"]["rows"]) == 2
    row = by_name["株式会社KSKテクノサポート"]["rows"][0]
    assert row["委託事項"] == "申告情報のパンチ入力業務" and row["再委託"].startswith("再委託する")
    assert row["url"] == "higashiyama/5/#II-f1-4-t1-3"
    assert "株式会社 エヌ・ティ・ティ・データ関西" in html  # original spelling visible
    systems = json.loads((site / "api/indexes/system.json").read_text(encoding="utf-8"))
    names = {e["name"] for e in systems["entities"]}
    assert "課税原票管理システム" in names and "中間サーバー" in names
    csv = (site / "api/indexes/itakusaki.csv").read_text(encoding="utf-8-sig")
    assert csv.splitlines()[0].startswith("名称,表記,評価実施機関")
    for _title, rel in NAV:
        assert (site / rel.replace("index.md", "index.html")).exists(), rel


def test_nav_matches_mkdocs_yml():
    class Loose(yaml.SafeLoader):
        pass

    Loose.add_multi_constructor("", lambda l, s, n: None)
    conf = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loose)
    assert [(k, v) for entry in conf["nav"] for k, v in entry.items()] == NAV
    assert conf["theme"]["font"] is False and conf["theme"]["language"] == "ja"


def test_open_data(site, assessments):
    form = load_form("重点項目評価書")
    schema = json.loads((site / "api/schema/juten.schema.json").read_text(encoding="utf-8"))
    a = json.loads((site / "api/higashiyama/5.json").read_text(encoding="utf-8"))
    assert a["url"] == "higashiyama/5/" and a["様式"] == form.name
    schema_validator(schema).validate(a["data"])
    b = json.loads((site / "api/nishikawa/20.json").read_text(encoding="utf-8"))
    assert b["data"]["基本情報"]["担当部署"]["所属長の役職名"] == "非公表"
    listing = json.loads((site / "api/assessments.json").read_text(encoding="utf-8"))
    assert {x["url"] for x in listing} == {x.url for x in assessments}
    top = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="api/"' in top and 'id="pia-search"' in top


def _digest(root: Path) -> dict:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_build_is_reproducible(site, project):
    again = _build(project)
    assert _digest(site) == _digest(again)


@pytest.mark.slow
def test_zensical_builds_the_same_tree(project):
    z = _build(project, engine="zensical")
    html = (z / "higashiyama/5/index.html").read_text(encoding="utf-8")
    assert 'id="II-f1-4-t1-3"' in html and 'lang="ja"' in html
    assert (z / "pagefind/pagefind-ui.js").exists()
    assert (z / "indexes/itakusaki/index.html").exists() and (z / "api/higashiyama/5.json").exists()
    assert not (z.parent / ".piasite-zensical.yml").exists()


def test_bad_content_keeps_the_old_site(site, project):
    p = project("basic")
    (p.content / "x").mkdir()
    (p.content / "x" / "1.yaml").write_text("様式: 重点項目評価書\n評価書番号: [\n", encoding="utf-8")
    out = shutil.copytree(site, p.root / "site")
    with pytest.raises(BuildError):
        p.build(out)
    assert (out / "higashiyama/5/index.html").exists()


@pytest.mark.slow
def test_search_index_in_parts_for_large_sites(project, monkeypatch):
    """Past PAGES_PER_BUNDLE pages, Pagefind runs once per group of organisations (bounded memory)."""
    import piasite.site.bundles as bundles

    monkeypatch.setattr(bundles, "PAGES_PER_BUNDLE", 1)
    s = _build(project)
    assert (s / "pagefind/pagefind-ui.js").exists() and (s / "pagefind-part2/pagefind-entry.json").exists()
    top = (s / "index.html").read_text(encoding="utf-8")
    assert 'data-bundles="pagefind/,pagefind-part2/"' in top
    for part in ("pagefind", "pagefind-part2"):
        entry = json.loads((s / part / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert entry["languages"]["ja"]["page_count"] == 1
