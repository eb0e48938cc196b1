"""Everything downstream works for every form (#9.6): one invented organisation (東山市) with a
基礎項目評価書 and a 全項目評価書 of one 評価 (番号 3), a 重点項目評価書 alone (番号 4) and a
変更箇所一覧, in a real git repository with a second version — checked, generated into a site,
and read back: pages in each form's structure, indexes, search filters, open data and schemas,
the change log from git, `piasite diff`, lifecycle and the 評価 page.

Documents: tests/fixtures/allforms (made with tests/formdocs.full_document, then values set by role).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from piasite.checks import lifecycle
from piasite.commands.diff import compare
from piasite.forms.registry import all_forms, load_form
from piasite.forms.schema import write_schemas
from piasite.history import changelog
from piasite.history.content import load_content
from piasite.history.versions import load_history
from piasite.site.generate import generate
from tests.conftest import FIXTURES, ROOT, schema_validator
from tests.gitrepo import Repo

ORG = "higashiyama"
KISO, ZEN, JUTEN, HENKO = "3", "3-zenkoumoku", "4", "henko"


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Repo:
    r = Repo(tmp_path_factory.mktemp("allforms"))
    shutil.copytree(FIXTURES / "allforms", r.root / "content")
    r.commit("東山市の評価書を登録", days=0)
    r.edit(f"content/{ORG}/{ZEN}.yaml", "東山データ株式会社 東支店", "東山データ株式会社 西支店")
    r.edit(f"content/{ORG}/{KISO}.yaml", "- 東山市中間サーバー", "- 東山市中間サーバー\n    - 東山市宛名システム")
    r.commit(
        "委託先の支店と、システムを追加\n\n変更日: 2026-01-15\n提出時期: 事後\n提出時期に係る説明: 重要な変更に当たらない"
    )
    return r


@pytest.fixture(scope="module")
def built(repo, tmp_path_factory):
    assessments, problems = load_content(repo.root / "content")
    assert not problems, [str(p) for p in problems]
    out = tmp_path_factory.mktemp("docs")
    site = generate(assessments, out, content_dir=repo.root / "content", config=ROOT / "mkdocs.yml")
    return assessments, site, out


def _read(out: Path, relpath: str) -> str:
    """A generated page: its Markdown file and the HTML body the theme keeps beside it."""
    from piasite.site.theme import bodies_dir, key_of

    text = (out / relpath).read_text(encoding="utf-8")
    body = bodies_dir(out) / f"{key_of(relpath)}.html"
    # read as a reader sees it: the <wbr> of Japanese phrase breaking (site/phrases.py) is no character
    return (text + (body.read_text(encoding="utf-8") if body.is_file() else "")).replace("<wbr>", "")


def _page(out: Path, slug: str) -> str:
    return _read(out, f"{ORG}/{slug}/index.md")


def _by_slug(assessments):
    return {a.slug: a for a in assessments}


def test_every_form_is_present_and_checks(built):
    assessments, _, _ = built
    names = {a.form.name for a in assessments}
    assert names == {f.name for f in all_forms()}  # one document of every form piasite knows


def test_pages_follow_each_forms_own_structure(built):
    assessments, _, out = built
    for a in assessments:
        page = _page(out, a.slug)
        assert "東山市長" in page and a.title in page
        f = a.form
        hidden = {f.top_key(r) for r in ("form", "ended", "import_notes")}
        for item in f.items:
            if item.key in hidden or a.data.get(item.key) in (None, "", [], {}):
                continue
            assert f'id="{f.anchor((item.key,))}"' in page, (a.slug, item.label)
            assert item.label.split(" ")[-1] in page
    kiso = _page(out, KISO)
    # the 基礎's ③システムの名称 is a list: one item, its names shown as a list, no numbered blocks
    assert "③システムの名称" in kiso and "東山市宛名システム" in kiso and "システム1" not in kiso
    assert "Ⅱ しきい値判断項目" in kiso and "Ⅳ リスク対策" in kiso


def test_indexes_hold_every_forms_names(built):
    assessments, site, out = built
    ix = {i.id: i for i in site.indexes}
    systems = {r.name: r for _, r in ix["system"].rows()}
    # the 基礎's list entries and the 全項目's system groups are both in the system index
    assert {"東山市住民記録システム", "東山市中間サーバー", "東山市宛名システム"} <= set(systems)
    both = next(e for e in ix["system"].entities if e.name == "東山市住民記録システム")
    assert {r.assessment.slug for r in both.rows} == {KISO, ZEN}
    kiso_row = next(r for r in both.rows if r.assessment.slug == KISO)
    assert (
        kiso_row.href
        == f"{ORG}/{KISO}/#{load_form('基礎項目評価書').anchor(load_form('基礎項目評価書').role_path('system_name')[:-1])}"
    )
    contractors = {r.name: r for _, r in ix["itakusaki"].rows()}
    assert "東山データ株式会社 西支店" in contractors and "株式会社ひがしやま印刷" in contractors
    row = contractors["東山データ株式会社 西支店"]
    assert row.assessment.slug == ZEN and row.cells["支店等"] == "西支店" and row.cells["特定個人情報ファイル"]
    assert any(r.assessment.slug == JUTEN for _, r in ix["itakusaki"].rows())
    assert any(r.assessment.slug == HENKO for _, r in ix["itakusaki"].rows())  # the list's names too
    kinds = {r.cells["種別"] for _, r in ix["teikyosaki"].rows() if r.assessment.slug == ZEN}
    assert kinds == {"提供先", "移転先"}
    forms = {r.cells["様式"] for _, r in ix["kikan"].rows()}
    assert forms == {f.name for f in all_forms()}
    jimu = next(e for e in ix["jimu"].entities if e.name == "住民基本台帳に関する事務")
    assert {r.assessment.slug for r in jimu.rows} == {KISO, ZEN}
    text = _read(out, "indexes/system/index.md")
    assert "東山市宛名システム" in text


def test_search_filters_name_the_form(built):
    assessments, _, out = built
    for a in assessments:
        page = _page(out, a.slug)
        assert f'<span data-pagefind-filter="様式:{a.form.name}"></span>' in page
        assert 'data-pagefind-filter="評価実施機関:東山市長"' in page


def test_open_data_and_schemas(built, tmp_path):
    assessments, _, out = built
    for a in assessments:
        got = json.loads((out / "api" / ORG / f"{a.slug}.json").read_text(encoding="utf-8"))
        assert got["様式"] == a.form.name and got["schema"] == f"schema/{a.form.schema_id}.schema.json"
        schema = json.loads((out / "api" / "schema" / f"{a.form.schema_id}.schema.json").read_text(encoding="utf-8"))
        schema_validator(schema).validate(got["data"])
    listing = json.loads((out / "api" / "assessments.json").read_text(encoding="utf-8"))
    assert {e["様式"] for e in listing} == {f.name for f in all_forms()}
    written = {p.name for p in write_schemas(tmp_path / "schema")}
    assert written == {f"{f.schema_id}.schema.json" for f in all_forms()}
    kiso = json.loads((tmp_path / "schema" / "kiso.schema.json").read_text(encoding="utf-8"))
    f = load_form("基礎項目評価書")
    node = kiso
    for k in f.role_path("system_name")[:-1]:
        node = node["properties"][k]
    assert '"array"' in json.dumps(node) and "properties" not in json.dumps(node)  # a list of names, not blocks


def test_change_log_from_git_for_each_form(built, repo):
    assessments, site, out = built
    a = _by_slug(assessments)
    hist = load_history(repo.root / "content")
    for slug, expect in ((ZEN, "東山データ株式会社 西支店"), (KISO, "東山市宛名システム")):
        doc = a[slug]
        rows = changelog.rows_for(hist.for_path(doc.rel_path), doc.form, doc.data)
        derived = [r for r in rows if r.commit]
        assert derived and derived[0].date == "2026-01-15" and derived[0].timing == "事後"
        assert any(expect in r.after for r in derived), [(r.item, r.after) for r in derived]
        page_rows = site.change_rows[doc.url]
        key = doc.form.role_key("change_date")
        assert page_rows[-1][key] == "2026-01-15"
        assert "2026-01-15" in json.dumps([r.as_dict(doc.form) for r in rows])
        history = _read(out, f"{ORG}/{slug}/history/index.md")
        assert expect in history
    zen = a[ZEN]
    item = next(r.item for r in changelog.rows_for(hist.for_path(zen.rel_path), zen.form, zen.data) if r.commit)
    assert re.search(r"委託事項1 .*委託先名", item), item


def test_piasite_diff_labels_every_form(repo):
    head = repo.git("rev-parse", "HEAD")
    diffs = {Path(d.path).stem: d for d in compare(repo.root / "content", "HEAD~1", head)}
    assert set(diffs) == {KISO, ZEN}
    zen = diffs[ZEN].changes
    assert len(zen) == 1 and zen[0].after == "東山データ株式会社 西支店" and "委託先名" in zen[0].item
    kiso = diffs[KISO].changes
    assert len(kiso) == 1 and "③システムの名称" in kiso[0].item and "東山市宛名システム" in kiso[0].after


def test_lifecycle_for_each_form(built):
    a = _by_slug(built[0])
    for slug in (ZEN, JUTEN):  # evaluations with an 実施日: five years from the later of it and 公表日
        doc = a[slug]
        assert doc.form.has_role("implemented")
        assert lifecycle.reevaluation_due(doc.data).year == 2029
    assert lifecycle.reevaluation_due(a[HENKO].data) is None  # a list of changes is not an evaluation
    for doc in a.values():
        assert not lifecycle.is_ended(doc.data)
        ended = dict(doc.data, **{doc.form.role_key("ended"): "2025-03-31"})
        assert lifecycle.end_date(ended).isoformat() == "2025-03-31"


def test_the_evaluation_page_leads_to_each_document(built):
    _, site, out = built
    ev = _read(out, f"{ORG}/hyoka-3/index.md")
    assert f"../../{ORG}/{KISO}/" in ev and f"../../{ORG}/{ZEN}/" in ev
    assert "基礎項目評価及び全項目評価の実施が義務付けられる" in ev and "10万人以上30万人未満" in ev
    assert (out / ORG / "hyoka-4" / "index.md").is_file()
    assert not (out / ORG / "hyoka-henko").exists()
    kiso = _page(out, KISO)
    assert (
        "この評価の評価書" in kiso and f'href="../../{ORG}/hyoka-3/"' in kiso and f'href="../../{ORG}/{ZEN}/"' in kiso
    )
    assert "この評価の評価書" not in _page(out, JUTEN)  # alone in its 評価
    org = _read(out, f"{ORG}/index.md")
    assert f'href="../{ORG}/hyoka-3/"' in org


def test_document_keys_are_not_items_and_missing_sections_say_so(built):
    from piasite.site.generate import summary
    from piasite.site.pages import EMPTY, MISSING, AssessmentPage

    a = _by_slug(built[0])[JUTEN]
    f = a.form
    data = dict(a.public_data)
    data[f.role_key("form_version")] = "平成26年4月"
    gone = f.role_path("implemented")[:1]  # Ⅴ, as the importer records a section the text lacked
    data.pop(gone[0])
    data[f.role_key("import_missing")] = [f.label_path(gone, data)]
    body = AssessmentPage(a, data).body()
    for item in f.document_items:  # 様式, 様式の版, 終了日, 欠落箇所, 取込メモ: not form items
        assert f'id="{f.anchor((item.key,))}"' not in body
    assert MISSING in body and body.index(MISSING) > body.index(f'id="{f.anchor(gone)}"')
    assert EMPTY in AssessmentPage(a, dict(data, **{f.role_key("import_missing"): []})).body()
    facts = {x["label"]: str(x["html"]) for x in summary(a, data, None)["facts"]}
    assert facts[f.role_item("form_version").label] == "平成26年4月"


def test_a_fourth_form_is_a_definition_file(tmp_path):
    """Adding a form is its definition (here: the 全項目 definition under another name and schema id,
    in the city's own forms/ folder beside its mkdocs.yml) plus documents: check, every stage of
    generation and the indexes work with no code change."""
    import yaml

    from piasite.forms.registry import PACKAGE_FORMS, Registry, using
    from tests.formdocs import full_document

    d = tmp_path / "forms"
    d.mkdir()
    src = (PACKAGE_FORMS / "zenkoumoku.yaml").read_text(encoding="utf-8")
    (d / "shiko.yaml").write_text(
        src.replace("\nform: 全項目評価書\n", "\nform: 試行評価書\n").replace(
            "\nschema_id: zenkoumoku\n", "\nschema_id: shiko\n"
        ),
        encoding="utf-8",
    )
    with using(Registry.for_project(tmp_path)):
        f = load_form("試行評価書")
        doc = full_document(f)
        doc[f.role_key("number")] = 9
        content = tmp_path / "content" / ORG
        content.mkdir(parents=True)
        (content / "9.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        assessments, problems = load_content(tmp_path / "content")
        assert not problems, [str(p) for p in problems]
        out = tmp_path / "docs"
        site = generate(assessments, out, config=ROOT / "mkdocs.yml", extensions=[])
        page = _page(out, "9")
        assert "東山市長" in page and 'data-pagefind-filter="様式:試行評価書"' in page
        assert (out / "api" / "schema" / "shiko.schema.json").is_file()
        systems = [r for _, r in next(i for i in site.indexes if i.id == "system").rows()]
        assert systems and all(r.assessment.form.name == "試行評価書" for r in systems)
    assert "試行評価書" not in Registry().names()  # the package's registry never sees the city's form
