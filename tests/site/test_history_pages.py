"""Site parts from history: pages, feeds, lifecycle — generated into a folder from real git repositories."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from piasite.history.content import load_content
from piasite.history.versions import ShallowError
from piasite.site.history_pages import generate_history
from tests.gitrepo import BASE, base_repo
from tests.history.test_history import ITAKU, G, repo  # noqa: F401  (the shared repository fixture)

ATOM = "{http://www.w3.org/2005/Atom}"


def build(root: Path, out: Path, **kw):
    assessments, problems = load_content(root / "content")
    assert assessments, problems

    def write(rel: str, text: str) -> None:
        p = out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")

    return assessments, generate_history(assessments, root, write, **kw)


@pytest.fixture(scope="module")
def site(repo, tmp_path_factory):  # noqa: F811
    out = tmp_path_factory.mktemp("docs")
    assessments, hs = build(repo.root, out)
    return out, assessments, hs


def test_change_rows_for_the_assessment_page(site):
    out, assessments, hs = site
    rows = hs.change_rows[assessments[0].url]
    assert rows[0]["変更日"] == "2016-07-27"  # imported first
    assert [r["変更日"] for r in rows[1:]] == [
        "2026-01-05",
        "2025-12-03",
        "2025-12-04",
        "2025-12-04",
        "2025-12-05",
        "2026-03-01",
        "2026-04-01",
    ]
    assert any("history/" in x for x in hs.page_extras[assessments[0].url])


def test_timeline_and_past_versions(site, repo):  # noqa: F811
    out, assessments, _ = site
    url = assessments[0].url
    hist = (out / url / "history/index.md").read_text(encoding="utf-8")
    # init, contractor, system, remove, ※, fix (its two 変更箇所: なし commits amend it), merge; not the broken one
    assert hist.count('<li id="v') == 7
    assert "読み取り・表記の訂正 2 件を反映" in hist
    assert "株式会社プリント" in hist
    v1 = (out / url / "v/1/index.md").read_text(encoding="utf-8")
    assert "過去の版" in v1 and "株式会社ジーシーシー" in v1 and "株式会社プリント" not in v1
    # rendered by the code of the current page (pages.AssessmentPage): items, every choice, checkboxes, 項目一覧
    assert 'class="pia-item"' in v1 and '<ul class="pia-choices"' in v1 and 'class="pia-toc"' in v1
    assert '<ul class="pia-multi">' in v1 and "☐" in v1
    last = max(int(p.name) for p in (out / url / "v").iterdir())
    assert not (out / url / f"v/{last + 1}").exists()  # the current version is the page itself


def test_compare_page_data(site):
    out, assessments, _ = site
    page = (out / assessments[0].url / "compare/index.md").read_text(encoding="utf-8")
    assert "株式会社" not in page  # no version inside the page: each pair is a file of its own
    n = page.count("<option ") // 2
    pairs = sorted(p.name for p in (out / assessments[0].url / "compare").glob("*.json"))
    assert len(pairs) == n * (n - 1) // 2 and f"1-{n}.json" in pairs
    data = json.loads((out / assessments[0].url / f"compare/1-{n}.json").read_text(encoding="utf-8"))
    assert (data["from"], data["to"]) == (1, n)
    row = next(r for r in data["rows"] if r["item"].endswith("委託先名") and r["after"] == "株式会社プリント")
    assert row["before"] == "株式会社ジーシーシー"


def test_feeds_and_changes_page(site):
    out, assessments, _ = site
    feed = ET.parse(out / "feeds/all.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated[0].startswith("2025-12-1") and updated[-1].startswith("2016-07-27")  # newest 変更日 first
    content = entries[0].find(f"{ATOM}content").text
    assert "株式会社プリント" in content and "<table>" in content
    assert (out / "feeds/higashiyama.xml").exists()
    changes = (out / "changes/index.md").read_text(encoding="utf-8")
    dates_shown = re.findall(r'<tr data-org="higashiyama"><td[^>]*>([^<]+)</td>', changes)
    assert dates_shown[0] == "令和8年4月1日" and dates_shown[-1] == "平成28年7月27日"


def test_output_is_reproducible_with_or_without_cache(repo, tmp_path):  # noqa: F811
    from piasite.history.cache import cache_dir

    shutil.rmtree(cache_dir(repo.root), ignore_errors=True)
    build(repo.root, tmp_path / "a")
    build(repo.root, tmp_path / "b")  # from the cache
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


def test_removed_assessment_stays_bannered_only_if_it_had_ended(tmp_path):
    """Issue 21.2: a file removed while current (the init's example, a document withdrawn) leaves the
    site with the commit that removes it; one that said 【終了】 first keeps its page, bannered, for
    the three years."""
    r = base_repo(tmp_path / "repo")
    text = r.path("content/higashiyama/5.yaml").read_text(encoding="utf-8")
    for n, title in (("6", "固定資産税に関する事務"), ("7", "軽自動車税に関する事務")):
        r.write(
            f"content/higashiyama/{n}.yaml",
            text.replace("評価書番号: 5", f"評価書番号: {n}").replace(
                "評価書名: 個人住民税に関する事務", f"評価書名: {title}"
            ),
        )
    r.commit("固定資産税と軽自動車税を登録")
    r.edit("content/higashiyama/6.yaml", "評価書名: 固定資産税に関する事務", "評価書名: 【終了】固定資産税に関する事務")
    r.commit("固定資産税の事務を終了")
    r.git("rm", "-q", "content/higashiyama/6.yaml", "content/higashiyama/7.yaml")
    r.commit("終了した評価書と取り下げた評価書を削除")
    out = tmp_path / "docs"
    build(r.root, out)
    page = (out / "higashiyama/6/index.md").read_text(encoding="utf-8")
    assert "終了" in page and "令和7年12月4日" in page and "固定資産税に関する事務" in page
    assert not (out / "higashiyama/7").exists()  # removed while current: gone, history and feed entries too
    for f in out.rglob("*"):
        if f.is_file():
            assert "軽自動車税" not in f.read_text(encoding="utf-8"), f


def test_kept_after_removal_rule():
    from piasite.checks.lifecycle import kept_after_removal

    doc = yaml_doc("評価書名: 個人住民税に関する事務")
    assert not kept_after_removal(doc)
    assert kept_after_removal(yaml_doc("評価書名: 【終了】個人住民税に関する事務"))
    assert kept_after_removal({**doc, "終了日": "2026-03-31"})
    ended_unpublished = yaml_doc("評価書名: 【終了】個人住民税に関する事務")
    ended_unpublished.pop("公表日")
    assert not kept_after_removal(ended_unpublished)  # never published: nothing to keep on the site


def yaml_doc(title_line: str) -> dict:
    from piasite.model.reader import parse

    text = BASE.read_text(encoding="utf-8").replace("評価書名: 個人住民税に関する事務", title_line)
    return dict(parse(text).data)


def test_non_public_values_never_reach_pages(tmp_path):
    r = base_repo(tmp_path / "repo")
    r.edit("content/higashiyama/5.yaml", "委託先名: 株式会社ジーシーシー", "委託先名: !非公表 株式会社ひみつ")
    r.commit("委託先を非公表に")
    r.edit("content/higashiyama/5.yaml", "!非公表 株式会社ひみつ", "!非公表 株式会社ないしょ")
    r.commit("非公表の委託先を変更")
    out = tmp_path / "docs"
    build(r.root, out)
    for p in out.rglob("*"):
        if p.is_file():
            t = p.read_text(encoding="utf-8")
            assert "ひみつ" not in t and "ないしょ" not in t, p


def test_shallow_clone_pages_say_so(repo, tmp_path):  # noqa: F811
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True)
    with pytest.raises(ShallowError):
        build(clone, tmp_path / "x")
    assessments, hs = build(clone, tmp_path / "docs", allow_shallow=True)
    assert hs.shallow and len(hs.change_rows[assessments[0].url]) == 1  # imported rows only
    assert "git の履歴を使わずに" in (tmp_path / "docs/changes/index.md").read_text(encoding="utf-8")
    assert any("git の履歴を使わずに" in x for x in hs.page_extras[assessments[0].url])


def test_end_date_banner_and_three_years(tmp_path):
    r = base_repo(tmp_path / "repo")
    text = r.path("content/higashiyama/5.yaml").read_text(encoding="utf-8")
    r.write("content/higashiyama/6.yaml", text.replace("評価書番号: 5", "評価書番号: 6"))
    r.write(
        "content/higashiyama/7.yaml",
        text.replace("評価書番号: 5", "評価書番号: 7").replace("公表日:", "終了日: 2026-03-31\n公表日:"),
    )
    r.commit("6 と 7 を登録")
    r.git("rm", "-q", "content/higashiyama/6.yaml")
    r.commit("6 を削除")  # removed on 2025-12-03
    r.edit("content/higashiyama/5.yaml", "特記事項: なし", "特記事項: 特になし")
    r.commit("3 年後の編集", days=3 * 365 + 2)  # 2028-12-03: past the three years
    out = tmp_path / "docs"
    assessments, hs = build(r.root, out)
    seven = next(a for a in assessments if a.slug == "7")
    assert any("終了" in x and "令和8年3月31日" in x for x in hs.page_extras[seven.url])
    five = next(a for a in assessments if a.slug == "5")
    assert any("再評価の期限" in x for x in hs.page_extras[five.url])
    assert not (out / "higashiyama/6/index.md").exists()  # ended more than three years before HEAD


def test_empty_file_version_is_skipped(tmp_path):
    r = base_repo(tmp_path / "repo")
    good = r.path("content/higashiyama/5.yaml").read_text(encoding="utf-8")
    r.write("content/higashiyama/5.yaml", "")
    empty = r.commit("空にしてしまった")
    r.write("content/higashiyama/5.yaml", good)
    r.commit("戻した")
    from piasite.history.versions import load_history

    hist = load_history(r.root / "content", cache=False)
    assert len(hist.files) == 1 and not hist.files[0].deleted
    assert [v.commit.sha for v in hist.files[0].versions].count(empty) == 0
    assert any(empty[:10] in w for w in hist.warnings)


def test_versions_dated_by_their_own_dates_and_ordered_by_version(tmp_path):
    """第1版 is dated by its 公表日 (not the day it was committed or imported); a later version by its
    変更日 trailer, even when that is earlier than the commit before it; the list follows the versions."""
    r = base_repo(tmp_path / "repo")
    f = "content/higashiyama/5.yaml"
    # the first version as imported years after it was published
    r.git("checkout", "-q", "--orphan", "imported")
    r.edit(f, "公表日: 2025-12-01", "公表日: 2023-09-25")
    r.commit("取込み", days=0)
    r.edit(f, "委託先名: 株式会社ジーシーシー", "委託先名: 株式会社テスト保守")
    r.commit("委託先を変更\n\n変更日: 2024-04-01")
    out = tmp_path / "docs"
    assessments, hs = build(r.root, out)
    hist = (out / assessments[0].url / "history/index.md").read_text(encoding="utf-8")
    shown = [(n, d.strip()) for n, d in re.findall(r'<li id="v(\d+)"><strong>第\d+版</strong> ([^<(]+)', hist)]
    assert shown == [("2", "令和6年4月1日"), ("1", "令和5年9月25日")], (
        shown
    )  # newest version first, each by its own date
    assert "令和7年12月1日" not in hist  # the commit (import) day dates nothing
