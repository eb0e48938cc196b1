"""Versions are dated by what the content says (公表日, the 変更日 trailer), never by the import or an
editorial commit; a merge's trailers apply per file; check --since warns before an undated change lands."""

from __future__ import annotations

import pytest

from piasite.forms.registry import load_form
from piasite.history import changelog
from piasite.history.policy import check_since
from piasite.history.versions import load_history
from piasite.site.history_pages import _timeline
from tests.gitrepo import BASE, Repo

F = "content/higashiyama/5.yaml"
G = "content/higashiyama/7.yaml"


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    r = Repo(tmp_path_factory.mktemp("dates"))
    text = BASE.read_text(encoding="utf-8").replace("公表日: 2025-12-01", "公表日: 2025-06-01")
    r.write(F, text)
    r.write(G, text.replace("評価書番号: 5", "評価書番号: 7"))
    s = {"import": r.commit("取込み", days=30)}  # committed 2025-12-31, published 2025-06-01
    r.edit(F, "特記事項: なし", "特記事項: 特になし")
    s["editorial"] = r.commit("表記の統一\n\n変更箇所: なし", days=5)
    r.git("checkout", "-q", "-b", "feature")
    r.edit(F, "特記事項: 特になし", "特記事項: 特記事項なし")
    r.commit("表記の統一(5)\n\n変更箇所: なし")
    r.edit(G, "委託先名: 株式会社ジーシーシー", "委託先名: 株式会社プリント")
    r.commit("7 の委託先を変更\n\n変更日: 2026-02-01\n提出時期: 事後\n提出時期に係る説明: 委託先の変更のみ")
    r.git("checkout", "-q", "main")
    r.day += 3
    r.git("merge", "-q", "--no-ff", "-m", "Merge pull request #3", "feature")
    s["merge"] = r.git("rev-parse", "HEAD")
    r.edit(F, "使用目的: 住民税額の算出", "使用目的: 住民税額の算出及び減免の審査")
    s["undated"] = r.commit("使用目的を変更")
    r.edit(G, "使用目的: 住民税額の算出", "使用目的: 住民税額の算出及び減免の審査")
    s["dated"] = r.commit("使用目的を変更\n\n変更日: 2026-03-01\n提出時期: 事前\n提出時期に係る説明: 使用目的の追加")
    r.shas = s
    return r


def _file(repo, rel):
    hist = load_history(repo.root / "content", cache=False)
    return next(f for f in hist.files if f.path == rel)


def test_first_version_is_dated_by_its_publication_not_the_import(repo):
    fh = _file(repo, F)
    timeline = _timeline(fh, changelog.version_changes(fh, load_form()))
    assert [v["date"] for v in timeline][:1] == ["2025-06-01"]
    assert fh.live[0].commit.day == "2025-12-31"  # what the old code showed


def test_editorial_versions_keep_the_date_of_the_version_they_correct(repo):
    fh = _file(repo, F)
    timeline = _timeline(fh, changelog.version_changes(fh, load_form()))
    by_sha = {v["sha"]: v for v in timeline}
    assert by_sha[repo.shas["editorial"]]["date"] == "2025-06-01" and by_sha[repo.shas["editorial"]]["editorial"]
    # the merge brought only an editorial commit for this file (the branch's real change was to 7.yaml)
    assert by_sha[repo.shas["merge"]]["date"] == "2025-06-01" and by_sha[repo.shas["merge"]]["editorial"]
    rows = changelog.derived_rows(fh, load_form())
    assert {r.commit for r in rows} == {repo.shas["undated"]}


def test_a_merge_dates_each_file_by_its_own_commits(repo):
    fh = _file(repo, G)
    rows = changelog.derived_rows(fh, load_form())
    merged = [r for r in rows if r.commit == repo.shas["merge"]]
    assert [(r.date, r.after, r.timing) for r in merged] == [("2026-02-01", "株式会社プリント", "事後")]


def test_check_since_warns_about_an_undated_change(repo):
    probs = check_since([repo.root / F, repo.root / G], repo.shas["merge"])
    undated = [p for p in probs if "変更日" in p.message]
    assert len(undated) == 1, [p.message for p in probs]
    assert repo.shas["undated"][:10] in undated[0].message and str(undated[0].path).endswith(F)
    assert undated[0].severity == "warning"
