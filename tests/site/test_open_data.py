"""Open data a client can cite (issue 21, item 3): every JSON and CSV file of the site names its
publisher and licence, its links are absolute with site_url, the (別添2) rows made from git are in the
document's JSON and in CSV files, every JSON file valid against its schema; and what finds the site:
description and OpenGraph meta, the feed's auto-discovery link, robots.txt, a 404 page.

One site is built (MkDocs, history from a real git repository with one change made after the first
commit) from tests/roots/basic with a city's mkdocs.yml filled in."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

SITE_URL = "https://pia.city.higashiyama.invalid/hyoka"
ABOUT = {
    "publisher": "東山市 総務部 情報政策課",
    "license": "CC BY 4.0",
    "license_url": "https://creativecommons.org/licenses/by/4.0/deed.ja",
}
CSV_ABOUT = {"発行者": ABOUT["publisher"], "ライセンス": ABOUT["license"], "ライセンスURL": ABOUT["license_url"]}


def _city(project, site_url: str = SITE_URL):
    p = project("basic")
    conf = yaml.safe_load(p.config.read_text(encoding="utf-8"))
    if site_url:
        conf["site_url"] = site_url + "/"
    conf["extra"].update(ABOUT, contact="電話 000-000-0000")
    p.config.write_text(yaml.safe_dump(conf, allow_unicode=True, sort_keys=False), encoding="utf-8")
    repo = p.git_init()
    repo.edit(
        "content/higashiyama/5.yaml", "委託先名: 株式会社ジーシーシー", "委託先名: 株式会社ひがしやま計算センター"
    )
    repo.commit(
        "保守業務の委託先を変更\n\n変更日: 2026-01-05\n提出時期: 事後\n提出時期に係る説明: 重要な変更に当たらない"
    )
    return p


@pytest.fixture(scope="module")
def city_site(tmp_path_factory) -> Path:
    from tests.conftest import Project

    made = {"n": 0}

    def project(name):
        made["n"] += 1
        return Project(name, tmp_path_factory.mktemp("opendata") / name)

    return _city(project).build()


def _json_files(site: Path) -> list[Path]:
    return sorted(p for p in (site / "api").rglob("*.json") if "schema" not in p.relative_to(site / "api").parts)


def _csv(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("\ufeff"), path  # Excel reads UTF-8 with its BOM
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_every_json_names_publisher_and_licence(city_site):
    files = _json_files(city_site)
    assert {"assessments.json", "site.json", "5.json", "20.json", "itakusaki.json"} <= {p.name for p in files}
    for p in files:
        data = json.loads(p.read_text(encoding="utf-8"))
        for obj in data if isinstance(data, list) else [data]:
            for k, v in ABOUT.items():
                assert obj.get(k) == v, f"{p.relative_to(city_site)}: {k} が {obj.get(k)!r}"


def test_every_csv_names_publisher_and_licence(city_site):
    files = sorted((city_site / "api").rglob("*.csv"))
    assert {"changes.csv", "5.changes.csv", "itakusaki.csv", "system.csv"} <= {p.name for p in files}
    for p in files:
        rows = _csv(p)
        assert rows, p
        for r in rows:
            assert {k: r[k] for k in CSV_ABOUT} == CSV_ABOUT, p


def _links(obj, key_names=("url", "json", "schema", "changes_csv")):
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in key_names and isinstance(v, str):
                yield v
            else:
                yield from _links(v, key_names)
    elif isinstance(obj, list):
        for x in obj:
            yield from _links(x, key_names)


def test_links_absolute_with_site_url(city_site):
    doc = json.loads((city_site / "api/higashiyama/5.json").read_text(encoding="utf-8"))
    assert doc["url"] == f"{SITE_URL}/higashiyama/5/"  # the document's own url too
    assert doc["schema"] == f"{SITE_URL}/api/schema/juten.schema.json"
    assert doc["changes_csv"] == f"{SITE_URL}/api/higashiyama/5.changes.csv"
    for p in _json_files(city_site):
        data = json.loads(p.read_text(encoding="utf-8"))
        links = list(_links(data))
        if p.name not in ("site.json", "build.json"):  # (build.json: the tools that built the site, no link)
            assert links, p
        for link in links:
            assert link.startswith(SITE_URL + "/"), f"{p.name}: {link}"
            if p.name != "site.json":
                target = link[len(SITE_URL) + 1 :].split("#")[0]
                assert (city_site / target).exists() or (city_site / target / "index.html").exists(), link
    for p in sorted((city_site / "api").rglob("*.csv")):
        for r in _csv(p):
            assert r["url"].startswith(SITE_URL + "/"), f"{p.name}: {r['url']}"


def test_relative_links_without_site_url(project):
    site = _city(project, site_url="").build()
    doc = json.loads((site / "api/higashiyama/5.json").read_text(encoding="utf-8"))
    assert doc["url"] == "higashiyama/5/" and doc["changes_csv"] == "higashiyama/5.changes.csv"
    assert (site / "api" / doc["changes_csv"]).is_file() and (site / "api" / doc["schema"]).is_file()
    assert doc["publisher"] == ABOUT["publisher"]


def _page_change_rows(site: Path, url: str) -> int:
    """Rows of the 変更箇所 table on the document's page (the table whose head names 変更前の記載)."""
    html = (site / url / "index.html").read_text(encoding="utf-8")
    table = next(t for t in html.split("<table")[1:] if "変更前の記載" in t.split("</thead>")[0])
    body = table.split("<tbody>")[1].split("</tbody>")[0]
    return body.count("<tr")


def test_git_change_rows_in_the_document_json_and_csv(city_site):
    doc = json.loads((city_site / "api/higashiyama/5.json").read_text(encoding="utf-8"))
    rows = doc["data"]["変更箇所"]
    shown = _page_change_rows(city_site, "higashiyama/5")
    assert len(rows) == shown == 2, (rows, shown)  # the imported row and the one made from git
    made = rows[1]
    assert made["変更日"] == "2026-01-05" and made["提出時期"] == "事後"
    assert made["変更前の記載"] == "株式会社ジーシーシー" and made["変更後の記載"] == "株式会社ひがしやま計算センター"
    per_doc = _csv(city_site / "api/higashiyama/5.changes.csv")
    assert [r["変更日"] for r in per_doc] == [r["変更日"] for r in rows]
    assert per_doc[1]["変更後の記載"] == "株式会社ひがしやま計算センター"
    assert per_doc[1]["url"].startswith(f"{SITE_URL}/higashiyama/5/#")
    anchor = per_doc[1]["url"].split("#")[1]
    assert f'id="{anchor}"' in (city_site / "higashiyama/5/index.html").read_text(encoding="utf-8")
    every = _csv(city_site / "api/changes.csv")
    assert [r for r in every if r["評価実施機関名"] == "東山市長"] and len(every) == 3  # 2 of 東山市, 1 of 西川市
    assert every[1]["変更後の記載"] == "株式会社ひがしやま計算センター"


def test_change_columns_the_same_in_every_form():
    """api/changes.csv has one set of 別添2 columns for every form that has the table."""
    from piasite.forms.registry import form_names, load_form
    from piasite.history.changelog import columns, has_table

    heads = {tuple(columns(f)) for f in map(load_form, form_names()) if has_table(f)}
    assert len(heads) == 1, heads


def _validate_site(site: Path) -> int:
    """Every JSON file under api/ against its schema (api/schema/, the forms' among them: a document's
    data is checked against its form's); returns how many files were checked."""
    import jsonschema
    from referencing import Registry, Resource

    from piasite.site.opendata_schema import schema_for

    schemas = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (site / "api/schema").glob("*.json")}
    assert {"assessments.schema.json", "assessment.schema.json", "index.schema.json", "site.schema.json"} <= set(
        schemas
    )
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
    n = 0
    for p in sorted((site / "api").rglob("*.json")):
        rel = str(p.relative_to(site / "api"))
        name = schema_for(rel)
        if name is None:
            assert rel.startswith("schema/"), rel  # every other JSON file has a schema
            jsonschema.validators.validator_for(schemas[p.name]).check_schema(schemas[p.name])
            continue
        cls = jsonschema.validators.validator_for(schemas[name])
        errors = list(cls(schemas[name], registry=registry).iter_errors(json.loads(p.read_text(encoding="utf-8"))))
        assert not errors, f"{rel}: {[(list(e.absolute_path), e.message[:200]) for e in errors[:3]]}"
        n += 1
    return n


def test_every_json_valid_against_its_schema(city_site):
    assert _validate_site(city_site) == len(_json_files(city_site)) == 10  # build.json among them


def test_every_json_of_the_fixture_site_valid(fixture_site):
    assert _validate_site(fixture_site) >= 9


def test_schema_catches_a_wrong_document():
    """The schemas are not empty shells: a document without its publisher, or whose data breaks its
    form's schema, is refused."""
    import jsonschema
    from referencing import Registry, Resource

    from piasite.forms.registry import form_names, load_form
    from piasite.forms.schema import form_schema
    from piasite.site.opendata_schema import assessment_schema

    forms = [form_schema(load_form(n)) for n in form_names()]
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in forms)
    v = jsonschema.Draft202012Validator(assessment_schema(), registry=registry)
    good = {**ABOUT, "url": "a/1/", "様式": "重点項目評価書", "schema": "schema/juten.schema.json", "data": {}}
    assert not [e for e in v.iter_errors(good) if e.validator != "required" or list(e.absolute_path) != ["data"]]
    assert list(v.iter_errors({k: x for k, x in good.items() if k != "publisher"}))
    assert list(v.iter_errors({**good, "data": {"知らない項目": 1}}))


class Head(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.feeds: list[str] = []
        self.loads: list[str] = []  # what the page loads (stylesheets, scripts, images)
        self.links: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and (a.get("name") or a.get("property")):
            self.meta[a.get("name") or a["property"]] = a.get("content", "")
        if tag == "link" and a.get("rel") == "alternate" and a.get("type") == "application/atom+xml":
            self.feeds.append(a["href"])
        elif tag == "link" and a.get("href"):
            self.loads.append(a["href"])
        if tag in ("script", "img") and a.get("src"):
            self.loads.append(a["src"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])


def _html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts and p.name != "404.html")


def test_pages_have_description_opengraph_and_feed_link(city_site):
    pages = _html_pages(city_site)
    assert len(pages) > 20
    for p in pages:
        h = Head(p.read_text(encoding="utf-8"))
        rel = p.relative_to(city_site)
        assert h.meta.get("description") and "piasitetitle" not in h.meta["description"], rel
        assert h.meta.get("og:title") and h.meta.get("og:description") == h.meta["description"], rel
        assert h.meta.get("og:site_name") and h.meta.get("og:locale") == "ja_JP", rel
        assert h.meta.get("og:url", "").startswith(SITE_URL + "/"), rel
        assert len(h.feeds) == 1 and (p.parent / h.feeds[0]).resolve() == (city_site / "feeds/all.xml").resolve(), rel
    doc = Head((city_site / "higashiyama/5/index.html").read_text(encoding="utf-8"))
    assert doc.meta["og:title"] == "東山市長 個人住民税に関する事務 重点項目評価書"
    assert doc.meta["og:url"] == f"{SITE_URL}/higashiyama/5/"
    assert "東山市長が公表した特定個人情報保護評価書(重点項目評価書)" in doc.meta["description"]


def test_description_is_escaped(tmp_path):
    """A title with markup reaches the meta tags as text (the description is a token like the title)."""
    from piasite.site.theme import bodies_dir, shelve

    docs = tmp_path / "docs"
    front = shelve(docs, "a/index.md", '---\ntitle: "<script>x</script>\\" onload=1"\n---\n<p>x</p>')
    assert "<script>" not in front and "piasitetitle" in front
    descs = [p.read_text(encoding="utf-8") for p in bodies_dir(docs).glob("*.title")]
    assert any(d.startswith('<script>x</script>" onload=1。') for d in descs)  # raw here, escaped by fill()


def test_robots_txt(city_site, fixture_site, tmp_path):
    text = (city_site / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in text and "Allow: /" in text and f"Sitemap: {SITE_URL}/sitemap.xml" in text
    assert (city_site / "sitemap.xml").is_file()
    plain = (fixture_site / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap:" not in plain and "Allow: /" in plain  # no address, no sitemap line (it must be absolute)
    from piasite.history.content import load_content
    from piasite.site.generate import generate
    from tests.conftest import ROOTS

    content = ROOTS / "basic" / "content"
    assessments, _ = load_content(content)
    out = tmp_path / "build" / "docs"
    generate(
        assessments,
        out,
        allow_shallow=True,
        content_dir=content,
        config=ROOTS / "basic/mkdocs.yml",
        extensions=[],
        staff=True,
    )
    assert "Disallow: /" in (out / "robots.txt").read_text(encoding="utf-8")  # the staff build: for no crawler


def test_404_page_loads_nothing_and_links_the_top(city_site, fixture_site):
    for site in (city_site, fixture_site):
        text = (site / "404.html").read_text(encoding="utf-8")
        h = Head(text)
        assert not h.loads, h.loads  # nothing that a sub-path would break
        assert "ページが見つかりません" in text and 'lang="ja"' in text and "piasitetitle" not in text
        assert h.meta.get("robots") == "noindex"
    with_url = Head((city_site / "404.html").read_text(encoding="utf-8"))
    assert with_url.links and all(x.startswith(SITE_URL + "/") for x in with_url.links), with_url.links
    assert "<script" not in (city_site / "404.html").read_text(encoding="utf-8")
    assert "api/site.json" in (fixture_site / "404.html").read_text(encoding="utf-8")  # finds the top by script
