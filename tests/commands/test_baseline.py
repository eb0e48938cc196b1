"""`piasite baseline [COMMIT]` (issue 21, item 6): .piasite-history-baseline written by a command, in the
form versions.read_baseline and check_baseline read, never by hand."""

from __future__ import annotations

import os

from tests.clirun import piasite
from tests.gitrepo import base_repo

FILE = ".piasite-history-baseline"


def test_baseline_writes_head_then_adds_another(tmp_path):
    from piasite.history.versions import check_baseline, read_baseline

    r = base_repo(tmp_path / "city")
    first = r.git("rev-parse", "HEAD")
    proc = piasite("baseline", cwd=r.root)
    assert proc.returncode == 0, proc.stderr
    assert f"コミット {first[:10]}" in proc.stderr and "書きました" in proc.stderr and f"git add {FILE}" in proc.stderr
    text = r.path(FILE).read_text(encoding="utf-8")
    assert text.startswith("# ") and f"\n{first}  # " in text and "東山市 個人住民税 重点項目評価書を登録" in text
    assert read_baseline(r.root) == {first}
    r.commit("変更履歴の起点")
    r.edit("content/higashiyama/5.yaml", "特記事項: なし", "特記事項: 特になし")
    second = r.commit("見直しの完了")
    assert piasite("baseline", cwd=r.root).returncode == 0
    assert read_baseline(r.root) == {first, second}
    found, errors = check_baseline(r.root, {first: None, second: None})
    assert found == {first, second} and errors == []
    again = piasite("baseline", second[:8], cwd=r.root)  # a short id is resolved; listed already: unchanged
    assert again.returncode == 0 and "もう書かれています" in again.stderr
    assert r.path(FILE).read_text(encoding="utf-8").count(second) == 1


def test_baseline_refuses_what_is_not_an_ancestor(tmp_path):
    r = base_repo(tmp_path / "city")
    r.git("checkout", "-q", "-b", "side")
    r.edit("content/higashiyama/5.yaml", "特記事項: なし", "特記事項: 特になし")
    side = r.commit("試し")
    r.git("checkout", "-q", "main")
    proc = piasite("baseline", side, cwd=r.root)
    assert proc.returncode == 1 and "HEAD の祖先ではありません" in proc.stderr, proc.stderr
    proc = piasite("baseline", "no-such-thing", cwd=r.root)
    assert proc.returncode == 1 and "「no-such-thing」が見つかりません" in proc.stderr, proc.stderr
    assert not r.path(FILE).exists()


def test_baseline_never_writes_through_a_link(tmp_path):
    r = base_repo(tmp_path / "city")
    victim = tmp_path / "victim.txt"
    victim.write_text("そのまま\n", encoding="utf-8")
    os.symlink(victim, r.path(FILE))
    proc = piasite("baseline", cwd=r.root)
    assert proc.returncode == 1 and FILE in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert victim.read_text(encoding="utf-8") == "そのまま\n"
