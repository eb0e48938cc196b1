"""What the public site holds, read from the generated tree of the repository's content/ (issue #10.9,
#10.3, #10.7): staff material only in the staff build; no pseudo-label or repeated name; the city in
every title; placeholders are not entities; indexes in 五十音 order."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from piasite.checks.load import full_title
from piasite.history.content import load_content
from piasite.model.names import Names, is_placeholder
from piasite.site.generate import generate

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"


def _tree(tmp: Path, staff: bool) -> dict[str, str]:
    assessments, _ = load_content(CONTENT)
    out = tmp / ("staff" if staff else "public")
    generate(
        assessments,
        out,
        allow_shallow=True,
        content_dir=CONTENT,
        config=REPO / "mkdocs.yml",
        extensions=[],
        staff=staff,
    )
    # the generated tree: Markdown front matter, open data, and each page's body and title
    # (build/piasite-bodies/<key>.html, filled in after the engine: theme.py) as "body:<page>"
    from piasite.site.theme import bodies_dir, key_of

    tree = {
        str(f.relative_to(out.parent)): f.read_text(encoding="utf-8")
        for f in out.rglob("*")
        if f.is_file() and f.suffix in (".md", ".json", ".csv")
    }
    for f in list(out.rglob("*.md")):
        rel = str(f.relative_to(out))
        for ext in (".html", ".title"):
            part = bodies_dir(out) / f"{key_of(rel)}{ext}"
            if part.exists():
                tree[f"body{ext}:{rel}"] = part.read_text(encoding="utf-8")
    return tree


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    return _tree(tmp_path_factory.mktemp("pub"), staff=False)


@pytest.fixture(scope="module")
def staff(tmp_path_factory):
    return _tree(tmp_path_factory.mktemp("staff"), staff=True)


def test_staff_material_only_in_the_staff_build(public, staff):
    assessments, _ = load_content(CONTENT)
    with_notes = [a for a in assessments if a.data.get("取込メモ")]
    assert with_notes, "content/ に取込メモのある評価書がありません(この検査が意味を持ちません)"
    for name, text in public.items():
        if "/api/schema/" in name or "/guides/" in name:
            continue  # the schema and the guides describe the file format (key names, folders), hold no content
        assert "取込メモ" not in text, f"公開サイトの {name} に取込メモがあります"
        assert "content/" not in text and "元の YAML" not in text, f"公開サイトの {name} に元のファイルの場所があります"
    staff_text = "".join(staff.values())
    assert "取込メモ" in staff_text and with_notes[0].rel_path in staff_text


def test_no_pseudo_labels_or_repeated_names(public):
    bodies = {
        k: v
        for k, v in public.items()
        if k.startswith("body.html:") and re.search(r"/(\d+|[a-z-]+-henko)/index\.md$", k)
    }
    assert bodies
    for name, html in bodies.items():
        headings = re.findall(r'<h[2-6] id="[^"]+" class="pia-h">(.*?)</h[2-6]>', html)
        assert not [h for h in headings if re.search(r"[(（]\s*[)）]\s*件", h)], f"{name}: 「( ) 件」の見出しがあります"
        # an element's heading names it; its own name item is not repeated below it
        for m in re.finditer(
            r'class="pia-h">([^<]+?)\d+<span class="pia-elname">([^<]+)</span></h\d>.{0,600}?class="pia-h">([^<]+)</h',
            html,
            re.S,
        ):
            assert m[3].strip() != m[1].strip(), f"{name}: {m[1]} の名前が見出しの下でもう一度項目になっています"


def test_city_in_every_title(public):
    assessments, _ = load_content(CONTENT)
    for a in assessments:
        title = public[f"body.title:{a.url}index.md"]
        assert title == full_title(a.org, a.title) and title.startswith(a.org)
    assert full_title("熊谷市長", "熊谷市長 個人住民税に関する事務") == "熊谷市長 個人住民税に関する事務"  # never twice


def test_placeholders_are_not_entities_and_counts_are_told(public):
    data = json.loads(public["public/api/indexes/teikyosaki.json"])
    names = [e["name"] for e in data["entities"]]
    assert not [n for n in names if is_placeholder(n)], "提供先・移転先の索引に「添付資料を参照」などが入っています"
    assert "件中" in public["body.html:indexes/teikyosaki/index.md"]
    assert is_placeholder("添付資料(II. 1提供先一覧)を参照") and not is_placeholder("厚生労働大臣")


def test_indexes_in_gojuon_order(public):
    names = Names.load(CONTENT)
    for ix in ("itakusaki", "system", "teikyosaki"):
        entities = [e["name"] for e in json.loads(public[f"public/api/indexes/{ix}.json"])["entities"]]
        keys = [names.sort_key(n) for n in entities]
        assert keys == sorted(keys), f"{ix} の索引が五十音順ではありません: {entities}"
    assert (
        names.sort_key("株式会社アイヴィジット") < names.sort_key("日本電気株式会社") < names.sort_key("富士通株式会社")
    )


def test_provenance_footer_open_data_and_absolute_urls(tmp_path):
    """Publisher, contact, licence and last update (mkdocs.yml extra, git) in every footer and on the
    open-data page; a document's 原本 / 掲載ページ as links; absolute URLs in CSV/JSON with site_url."""
    import shutil

    import yaml

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    doc = content / "kumagaya" / "5.yaml"
    doc.write_text(
        doc.read_text(encoding="utf-8").replace(
            "評価書番号:",
            "原本: https://www.city.example.jp/a/5.pdf\n掲載ページ: https://www.city.example.jp/a/\n評価書番号:",
            1,
        ),
        encoding="utf-8",
    )
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["site_url"] = "https://pia.example.jp/city/"
    config["extra"].update(
        publisher="東山市 総務部 情報政策課",
        contact="電話 000-000-0000",
        license="CC BY 4.0",
        license_url="https://creativecommons.org/licenses/by/4.0/deed.ja",
    )
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    assessments, problems = load_content(content)
    assert not [p for p in problems if p.severity == "error"], problems
    out = tmp_path / "build" / "docs"
    generate(assessments, out, allow_shallow=True, content_dir=content, config=tmp_path / "mkdocs.yml", extensions=[])
    from piasite.site.generate import FOOTER_KEY

    footer = (tmp_path / "build" / "piasite-bodies" / f"{FOOTER_KEY}.html").read_text(encoding="utf-8")
    for part in ("東山市 総務部 情報政策課", "電話 000-000-0000", "CC BY 4.0", "最終更新: ", "creativecommons.org"):
        assert part in footer, f"フッターに「{part}」がありません"
    main = (REPO / "templates" / "theme" / "main.html").read_text(encoding="utf-8")
    assert f"<!--piasite-body:{FOOTER_KEY}-->" in main  # in every page the engine writes
    from piasite.site.theme import key_of

    body = lambda rel: (tmp_path / "build" / "piasite-bodies" / f"{key_of(rel)}.html").read_text(encoding="utf-8")  # noqa: E731
    opendata = body("api/index.md")
    assert "東山市 総務部 情報政策課" in opendata and "CC BY 4.0" in opendata and "最終更新" in opendata
    from piasite.forms.registry import form_names, load_form
    from piasite.forms.schema import schema_filename

    for name in form_names():
        assert f'api/schema/{schema_filename(load_form(name))}"' in opendata, (
            f"{name} の JSON Schema へのリンクがありません"
        )
    page = body("kumagaya/5/index.md")
    assert '<a href="https://www.city.example.jp/a/5.pdf" rel="external">' in page
    assert '<a href="https://www.city.example.jp/a/" rel="external">' in page
    csv = (out / "api" / "indexes" / "itakusaki.csv").read_text(encoding="utf-8")
    assert ",https://pia.example.jp/city/kumagaya/5/#" in csv
    listed = json.loads((out / "api" / "assessments.json").read_text(encoding="utf-8"))
    assert listed[0]["url"].startswith("https://pia.example.jp/city/")
