"""What the history accepts from git: trailers, the baseline file, past versions (real repositories)."""

from __future__ import annotations

import os
import re
import shutil
import time

import pytest
from click.testing import CliRunner

from piasite.cli import main
from piasite.engine.run import BuildError, build_site
from piasite.history.versions import HistoryInputError, load_history
from tests.conftest import FIXTURES, ROOT
from tests.gitrepo import base_repo

F = "content/higashiyama/5.yaml"


def since(repo, base: str, *extra: str):
    old = os.getcwd()
    os.chdir(repo.root)
    try:
        res = CliRunner().invoke(main, ["check", "--since", base, *extra, "content"])
    finally:
        os.chdir(old)
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    assert "Traceback" not in res.output
    return res


def edit_contractor(r, message: str) -> str:
    r.edit(F, "委託先名: 株式会社ジーシーシー", "委託先名: 株式会社テスト保守")
    return r.commit(message)


def test_invalid_trailers_are_errors_naming_the_commit(tmp_path):
    r = base_repo(tmp_path)
    base = r.git("rev-parse", "HEAD")
    sha = edit_contractor(r, "保守の委託先を変更\n\n変更日: 2025-02-30\n提出時期: そのうち\n")
    res = since(r, base)
    assert res.exit_code == 1, res.output
    head = f"{F}:1: "  # as the clerk sees it from the repository's folder
    assert (
        f"{head}変更日: コミット {sha[:10]}「保守の委託先を変更」のトレーラー「変更日:」: 「2025-02-30」は日付として読めません"
        in res.output
    )
    assert (
        f"{head}提出時期: コミット {sha[:10]}「保守の委託先を変更」のトレーラー「提出時期:」: 「そのうち」は選べません"
        in res.output
    )
    with pytest.raises(HistoryInputError) as e:
        load_history(r.root / "content", cache=False)
    assert sha[:10] in str(e.value) and len(e.value.problems) == 2
    assert load_history(r.root / "content", cache=False, strict=False).errors == [
        (F, 1, k, m) for _, _, k, m in e.value.problems
    ]


def test_build_refuses_a_bad_trailer_and_keeps_the_old_site(tmp_path):
    r = base_repo(tmp_path / "repo")
    shutil.copy(ROOT / "mkdocs.yml", r.root / "mkdocs.yml")
    edit_contractor(r, "保守の委託先を変更\n\n変更日: 令和7年13月1日\n")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old site", encoding="utf-8")
    (site / ".piasite-site").write_text("", encoding="utf-8")  # a site piasite built earlier
    with pytest.raises(BuildError) as e:
        build_site(r.root / "content", site, config=r.root / "mkdocs.yml")
    assert "「令和7年13月1日」は日付として読めません" in e.value.message
    assert (site / "index.html").read_text(encoding="utf-8") == "old site"
    assert sorted(p.name for p in site.iterdir()) == [".piasite-site", "index.html"]


def test_side_branch_trailers_are_checked_through_the_merge(tmp_path):
    r = base_repo(tmp_path)
    base = r.git("rev-parse", "HEAD")
    r.git("checkout", "-q", "-b", "feature")
    edit_contractor(r, "委託先を変更\n\n提出時期: 後で\n")
    r.git("checkout", "-q", "main")
    r.day += 1
    r.git("merge", "-q", "--no-ff", "-m", "Merge pull request #2", "feature")
    res = since(r, base)
    assert (
        res.exit_code == 1 and "「Merge pull request #2」のトレーラー「提出時期:」: 「後で」は選べません" in res.output
    )


def test_trailers_before_the_baseline_are_not_published_so_not_checked(tmp_path):
    r = base_repo(tmp_path)
    edit_contractor(r, "取込みの見直し\n\n変更日: いつか\n")
    r.edit(F, "特記事項: なし", "特記事項: 特になし")
    fixed = r.commit("見直しの完了")
    r.write(".piasite-history-baseline", f"{fixed}\n")
    r.commit("変更履歴の起点")
    assert load_history(r.root / "content", cache=False).errors == []


@pytest.mark.parametrize(
    "line, why",
    [
        ("0123456789abcdef0123456789abcdef01234567", "見つからないか、HEAD の祖先ではありません"),
        ("65fa5d32", "コミットの完全な ID(40 桁の英数字)ではありません"),
        ("side", "見つからないか、HEAD の祖先ではありません"),
    ],
)
def test_baseline_ids_must_be_ancestors(tmp_path, line, why):
    r = base_repo(tmp_path)
    base = r.git("rev-parse", "HEAD")
    if line == "side":  # a real commit, on a branch never merged
        r.git("checkout", "-q", "-b", "unmerged")
        line = edit_contractor(r, "試し")
        r.git("checkout", "-q", "main")
    r.write(".piasite-history-baseline", f"# 起点\n{base}\n{line}  # 二つめ\n")
    r.commit("変更履歴の起点")
    res = since(r, base)
    assert res.exit_code == 1, res.output
    assert ".piasite-history-baseline:3: " in res.output.splitlines()[0] and why in res.output
    with pytest.raises(HistoryInputError, match=re.escape(why)):
        load_history(r.root / "content", cache=False)


def test_bomb_in_a_past_commit_is_skipped_quickly_with_a_warning(tmp_path):
    r = base_repo(tmp_path)
    base = r.git("rev-parse", "HEAD")
    good = r.path(F).read_text(encoding="utf-8")
    r.write(F, (FIXTURES / "hostile" / "yaml" / "bomb_billion_laughs.yaml").read_text(encoding="utf-8"))
    bomb = r.commit("壊れた版")
    r.write(F, good.replace("特記事項: なし", "特記事項: 特になし"))
    r.commit("直した版")
    t0 = time.perf_counter()
    hist = load_history(r.root / "content", cache=False)
    assert time.perf_counter() - t0 < 5
    assert len(hist.files[0].versions) == 2
    assert any(bomb[:10] in w and "「壊れた版」" in w and "アンカー" in w for w in hist.warnings), hist.warnings
    res = since(r, base)
    assert res.exit_code == 0 and f"コミット {bomb[:10]}" in res.output and "警告: " in res.output


def test_history_errors_never_quote_withheld_values(tmp_path):
    """Unreadable versions that hold a '!' (here a !非公表) are errors, not left out with a
    warning: what they withhold cannot be known (the versions around them would show it).
    Neither the errors nor check quote the value."""
    r = base_repo(tmp_path)
    base = r.git("rev-parse", "HEAD")
    good = r.path(F).read_text(encoding="utf-8")
    for bad in (
        '特記事項: !非公表 "秘密の特記\\x1b"\n特記事項: 重複',
        '特記事項: !非公表 秘密の特記\n  : [',
        '特記事項: !非公表 !!binary 秘密の特記',
        '特記事項: !非公表 [秘密の特記, *x]',
    ):
        r.write(F, good.replace("特記事項: なし", bad))
        r.commit("非公表の値を含む壊れた版")
    r.write(F, good)
    r.commit("戻した版")
    hist = load_history(r.root / "content", cache=False, strict=False)
    assert len(hist.errors) == 4 and not hist.warnings
    res = since(r, base)
    assert res.exit_code == 1
    assert "秘密" not in " ".join(e[3] for e in hist.errors) + res.output
