"""`piasite build --publish` refuses a document whose required items are empty or !要確認 (checks/publish.py),
naming the file and the items, before anything is built; staff and plain builds of the same content go on.
Invented bodies (南浦村, 北浦町)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from piasite.checks.publish import publish_problems
from piasite.cli import main
from piasite.forms.registry import load_form
from tests.conftest import FIXTURES, ROOTS

# What `piasite import` writes for a text it could place nothing of: every item empty, the text in 取込メモ.
EMPTY_IMPORT = """様式: 基礎項目評価書
変更箇所: []
取込メモ:
- 行: 1
  本文: Ⅰ 関連情報 1.特定個人情報ファイルを取り扱う事務 ①事務の名称 南浦村の保育に関する事務
  理由: 取り込めませんでした
"""


def _build(cwd: Path, *args: str):
    here = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, ["build", "--allow-shallow", *args])
    finally:
        os.chdir(here)


def _with_empty_import(project) -> tuple:
    p = project("basic")
    doc = p.content / "minamiura" / "1.yaml"
    doc.parent.mkdir()
    doc.write_text(EMPTY_IMPORT, encoding="utf-8")
    return p, doc


def test_publish_refuses_an_import_whose_required_items_are_empty_and_builds_nothing(project):
    p, doc = _with_empty_import(project)
    old = p.root / "site"
    old.mkdir()
    (old / "index.html").write_text("これまでのサイト", encoding="utf-8")
    r = _build(p.root, "--publish", "--content", "content", "--out", "site")
    assert r.exit_code == 1 and "Traceback" not in r.output
    form = load_form("基礎項目評価書")
    required = [i for i in form.items if i.required and not i.is_container]
    assert required  # the form has required items on its cover
    said = r.output
    assert "空の必須項目が" in said and "公開用のサイトを組み立てませんでした" in said
    assert "content/minamiura/1.yaml: " in said  # the file, then its items
    assert "Ⅰ 1. ①事務の名称: 必須項目" in said  # in a section the import lacks altogether
    for item in required:
        assert f"必須項目「{item.display_label}」が空です" in said, item.key
    # nothing built, nothing half-built: the site already there is untouched and no other folder appeared
    assert (old / "index.html").read_text(encoding="utf-8") == "これまでのサイト"
    assert sorted(x.name for x in old.iterdir()) == ["index.html"]
    assert not (p.root / "site.tmp").exists()
    assert not (p.root / "build").exists()


def test_a_required_item_left_unsettled_is_refused_by_its_label(project):
    p = project("basic")
    doc = p.content / "higashiyama" / "5.yaml"
    text = doc.read_text(encoding="utf-8")
    org = "評価実施機関名: 東山市長\n"
    assert org in text
    doc.write_text(
        text.replace(
            org, "評価実施機関名: !要確認\n  原文: 東山市長 公表日\n  行: 3\n  理由: 値の区切りが分かりません\n"
        ),
        encoding="utf-8",
    )
    r = _build(p.root, "--publish", "--content", "content", "--out", "site")
    assert r.exit_code == 1
    assert "!要確認)が 1 件" in r.output and "空の必須項目" not in r.output
    assert "content/higashiyama/5.yaml: 評価実施機関名" in r.output
    assert not (p.root / "site").exists()


def test_the_projects_tests_publish_have_no_empty_required_item():
    # the sample projects and fixtures that tests build with --publish stay publishable
    for root in [*(d / "content" for d in sorted(ROOTS.iterdir()) if (d / "content").is_dir()), FIXTURES / "allforms"]:
        open_items, empty = publish_problems(root)
        assert open_items == [] and empty == [], (root, [str(p) for p in open_items + empty][:3])


def test_an_element_of_a_group_lacking_a_required_item_is_named_with_its_number(tmp_path):
    from piasite.checks.publish import empty_required
    from tests.formdocs import full_document

    form = load_form("重点項目評価書")
    data = full_document(form)
    assert list(empty_required(form, data)) == []  # a full document lacks nothing
    group = next(i for i in form.walk() if i.kind == "group" and i.name_key and i.child(i.name_key).required)
    elems = next(v for v in _lists(data, group.key))
    elems[1][group.name_key] = ""
    paths = list(empty_required(form, data))
    assert len(paths) == 1 and paths[0][-2:] == (1, group.name_key)


def _lists(data, key):
    if isinstance(data, dict):
        for k, v in data.items():
            if k == key and isinstance(v, list):
                yield v
            else:
                yield from _lists(v, key)
    elif isinstance(data, list):
        for v in data:
            yield from _lists(v, key)


@pytest.mark.slow
def test_staff_and_plain_builds_of_the_same_content_go_on(project):
    p, _ = _with_empty_import(project)
    for extra in ((), ("--staff",)):
        out = f"site{len(extra)}"
        r = _build(p.root, *extra, "--content", "content", "--out", out)
        assert r.exit_code == 0, r.output
        assert (p.root / out / "minamiura" / "1" / "index.html").is_file()
        # the review build says what a publication would still refuse; the plain one is as it was
        told = [l for l in r.output.splitlines() if "公開用(--publish)にはまだ組み立てられません" in l]
        assert len(told) == (1 if extra else 0) and (not told or "content/minamiura/1.yaml: 評価書番号" in told[0])


def test_publish_refuses_what_init_left_unwritten_and_its_example_document(tmp_path):
    """A city's repository as `piasite init` writes it: 「要記入」 in mkdocs.yml, the example site_url and the
    example document are each named, file and line, and nothing is built; a staff build goes on."""
    from piasite.checks.publish import EXAMPLE_MARK
    from piasite.commands.init import init

    city = tmp_path / "city"
    init(city)
    example = next((city / "content").rglob("*.yaml"), None)
    examples = [p for p in (city / "content").rglob("*.yaml") if EXAMPLE_MARK in p.read_text(encoding="utf-8")]
    assert example is not None and examples  # the template still carries the mark the gate looks for
    r = _build(city, "--publish")
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output
    said = r.output
    assert "公開用のサイトを組み立てませんでした" in said
    assert "mkdocs.yml: " in said and "発行者" in said and "問い合わせ先" in said
    assert "site_url" in said
    assert f"{examples[0].relative_to(city)}: " in said
    assert not (city / "site").exists()
    # each placeholder named with its line
    from piasite.checks.publish import example_problems, settings_problems
    from piasite.config.settings import read as read_settings

    settings = read_settings(city / "mkdocs.yml")
    problems = settings_problems(settings.path, settings.site_url)
    text = (city / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    assert problems and all("要記入" in text[p.line - 1] or p.item == "site_url" for p in problems)
    assert [p.path for p in example_problems(city / "content")] == examples


def test_publish_takes_a_finished_city(tmp_path):
    from piasite.checks.publish import example_problems, settings_problems
    from piasite.commands.init import init
    from piasite.config.settings import read as read_settings

    city = tmp_path / "city"
    init(city, name="南浦村", site_url="https://www.vill.minamiura.lg.jp/pia/", publisher="南浦村", contact="総務課")
    for p in (city / "content").rglob("*.yaml"):
        if "aliases" not in p.name:
            p.unlink()
    settings = read_settings(city / "mkdocs.yml")
    assert settings_problems(settings.path, settings.site_url) == []
    assert example_problems(city / "content") == []


def test_the_example_removed_after_the_first_commit_leaves_the_published_site(tmp_path):
    """Issue 21.2: README's way — commit what init wrote, then delete the example and add the city's
    own document. The example (never ended) is not on the published site: no page, no 更新履歴 or feed
    entry, not in the sitemap (it stayed there as 「(終了)」)."""
    from piasite.commands.init import init
    from tests.gitrepo import BASE, Repo

    city = tmp_path / "city"
    init(city, name="南浦村", site_url="https://www.vill.minamiura.lg.jp/pia/", publisher="南浦村", contact="総務課")
    example = next(p for p in (city / "content").rglob("*.yaml") if "aliases" not in p.name)
    slug = example.parent.name
    repo = Repo(city)
    repo.commit("piasite init", days=0)
    example.unlink()
    own = BASE.read_text(encoding="utf-8").replace("東山市", "南浦村")
    repo.write("content/minamiura/5.yaml", own)
    repo.commit("例の評価書を消し、南浦村の評価書を登録")
    r = _build(city, "--publish")
    assert r.exit_code == 0, r.output
    site = city / "site"
    assert (site / "minamiura/5/index.html").is_file()
    assert not (site / slug).exists(), sorted(x.name for x in site.iterdir())
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/minamiura/5/" in sitemap and f"/{slug}/" not in sitemap
    for f in [*(site / "feeds").glob("*.xml"), site / "changes/index.html", site / "api/assessments.json"]:
        assert f"{slug}/" not in f.read_text(encoding="utf-8"), f
