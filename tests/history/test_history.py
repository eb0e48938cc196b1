"""History, diff and 別添2 rows from a real git repository edited commit by commit."""

from __future__ import annotations

import json
import subprocess

import pytest
from click.testing import CliRunner

from piasite.cli import main
from piasite.forms.registry import load_form
from piasite.history import changelog
from piasite.history.git import GitError
from piasite.history.policy import check_since
from piasite.history.versions import ShallowError, load_history
from tests.gitrepo import base_repo

F = "content/higashiyama/5.yaml"
G = "content/higashiyama/kojin-juminzei.yaml"
FILE1 = "Ⅱ 特定個人情報ファイルの概要 (1)個人住民税賦課情報ファイル "
ITAKU = FILE1 + "4. 特定個人情報ファイルの取扱いの委託 "
SYSTEMS = "Ⅰ 基本情報 2. 特定個人情報ファイルを取り扱う事務において使用するシステム "


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    r = base_repo(tmp_path_factory.mktemp("repo"))
    s = {"init": r.git("rev-parse", "HEAD")}
    r.edit(
        F,
        "委託先名: 株式会社ジーシーシー\n          再委託の有無: 再委託しない\n        - 名称: 通知書",
        "委託先名: 株式会社テスト保守\n          再委託の有無: 再委託しない\n        - 名称: 通知書",
    )
    s["contractor"] = r.commit(
        "保守業務の委託先を変更\n\n変更日: 2026-01-05\n提出時期: 事後\n提出時期に係る説明: 重要な変更に当たらない"
    )
    r.edit(
        F,
        "      他のシステムとの接続: [税務システム]\n",
        "      他のシステムとの接続: [税務システム]\n    - 名称: 電子申請システム\n      機能: オンラインでの申告の受付\n",
    )
    s["system"] = r.commit("電子申請システムを追加")
    r.edit(
        F,
        """        - 名称: 申告情報のパンチ入力業務
          委託内容: 申告情報のパンチ入力
          取扱者数: 50人以上100人未満
          委託先名: 株式会社KSKテクノサポート
          再委託の有無: 再委託する
          再委託の許諾方法: 受注者から書面による申請を受け、それに対し承認を行う。
          再委託事項: 上記委託内容と同様
""",
        "",
    )
    r.edit(F, "      件数: 3\n", "      件数: 2\n")
    s["remove"] = r.commit("パンチ入力業務の委託を廃止\n\n提出時期: 事後\n提出時期に係る説明: 委託の廃止のため")
    r.edit(
        F,
        "使用目的: 住民税額の算出、名寄せ・非課税者の抽出",
        "使用目的: 住民税額の算出、名寄せ・非課税者の抽出、減免の審査",
    )
    s["marked"] = r.commit("使用目的に減免の審査を追加")
    good = r.path(F).read_text(encoding="utf-8")
    r.write(F, good.replace("特記事項: なし", "特記事項: [なし"))
    s["broken"] = r.commit("特記事項を編集(書きかけ)")
    r.write(F, good.replace("公表日: 2025-12-01", "公表日: 2026-03-01"))
    s["fixed"] = r.commit("公表日を更新")
    r.git("mv", F, G)
    r.edit(G, "特記事項: なし", "特記事項: 特になし")
    s["rename"] = r.commit("ファイル名を事務の名前に\n\n変更箇所: なし")
    r.edit(G, "評価書名: 個人住民税に関する事務 重点項目評価書", "評価書名: 個人住民税に関する事務 重点項目評価書 ")
    r.edit(G, "特記事項: 特になし", "特記事項: 特記事項なし")
    s["editorial"] = r.commit("表記の統一\n\n変更箇所: なし")
    r.git("checkout", "-q", "-b", "feature")
    r.edit(G, "委託先名: 株式会社ジーシーシー", "委託先名: 株式会社プリント")
    r.commit("プリント業務の委託先を変更\n\n変更日: 2026-04-01\n提出時期: 事後\n提出時期に係る説明: 委託先の変更のみ")
    r.git("checkout", "-q", "main")
    r.write("README.md", "readme\n")
    r.commit("README")
    r.day += 1
    r.git("merge", "-q", "--no-ff", "-m", "Merge pull request #1 from city/feature", "feature")
    s["merge"] = r.git("rev-parse", "HEAD")
    r.shas = s
    return r


def rows_of(repo, upto=None):
    hist = load_history(repo.root / "content", rev=upto or "HEAD", cache=False)
    fh = next(f for f in hist.files if not f.deleted)
    return hist, changelog.derived_rows(fh, load_form())


def simple(rows):
    return [(r.commit, r.date, r.item, r.before, r.after, r.timing, r.explanation, r.marked) for r in rows]


def test_rows_per_commit(repo):
    s = repo.shas
    hist, rows = rows_of(repo)
    assert hist.files[0].path == G  # followed through the rename
    assert simple(rows) == [
        (
            s["contractor"],
            "2026-01-05",
            ITAKU + "委託事項2 ③委託先名",
            "株式会社ジーシーシー",
            "株式会社テスト保守",
            "事後",
            "重要な変更に当たらない",
            False,
        ),
        (
            s["system"],
            "2025-12-03",
            SYSTEMS + "システム3",
            "",
            "①システムの名称: 電子申請システム\n②システムの機能: オンラインでの申告の受付",
            "",
            "",
            False,
        ),
        (s["remove"], "2025-12-04", ITAKU + "委託の有無 ( ) 件", "3", "2", "事後", "委託の廃止のため", True),
        (
            s["remove"],
            "2025-12-04",
            ITAKU + "委託事項1",
            "委託事項: 申告情報のパンチ入力業務\n①委託内容: 申告情報のパンチ入力\n"
            "②委託先における取扱者数: 50人以上100人未満\n③委託先名: 株式会社KSKテクノサポート\n"
            "④再委託の有無: 再委託する\n⑤再委託の許諾方法: 受注者から書面による申請を受け、それに対し承認を行う。\n⑥再委託事項: 上記委託内容と同様",
            "",
            "事後",
            "委託の廃止のため",
            False,
        ),
        (
            s["marked"],
            "2025-12-05",
            FILE1 + "3. 特定個人情報の入手・使用 ③使用目的",
            "住民税額の算出、名寄せ・非課税者の抽出",
            "住民税額の算出、名寄せ・非課税者の抽出、減免の審査",
            "事前",
            "",
            True,
        ),
        (s["fixed"], "2026-03-01", "公表日", "令和7年12月1日", "令和8年3月1日", "", "", False),
        (
            s["merge"],
            "2026-04-01",
            ITAKU + "委託事項2 ③委託先名",
            "株式会社ジーシーシー",
            "株式会社プリント",
            "事後",
            "委託先の変更のみ",
            False,
        ),
    ]
    marked = [r for r in rows if r.marked]
    assert marked[0].timing_given and not marked[1].timing_given  # 事前 pre-filled, not said by the commit


def test_unparsable_commit_warns(repo):
    hist, _ = rows_of(repo)
    broken = repo.shas["broken"][:10]
    assert any(broken in w and "特記事項を編集" in w for w in hist.warnings), hist.warnings
    assert broken not in {v.commit.sha[:10] for v in hist.files[0].versions}


def test_imported_rows_come_first(repo):
    hist, _ = rows_of(repo)
    fh = hist.files[0]
    rows = changelog.rows_for(fh, load_form(), fh.live[-1].data)
    assert rows[0].imported and rows[0].date == "2016-07-27" and rows[0].after == "株式会社KSKデータ"
    assert not any(r.imported for r in rows[1:])


def test_cache_is_reused_and_harmless(repo):
    from piasite.history.cache import cache_dir

    a = load_history(repo.root / "content")
    assert any(cache_dir(repo.root).rglob("*.json")) and not (repo.root / ".cache").exists()
    b = load_history(repo.root / "content")
    fa, fb = a.files[0], b.files[0]
    assert simple(changelog.derived_rows(fa, load_form())) == simple(changelog.derived_rows(fb, load_form()))


def test_detached_head(repo):
    repo.git("checkout", "-q", "--detach", repo.shas["system"])
    try:
        _, rows = rows_of(repo)
        assert [r.commit for r in rows] == [repo.shas["contractor"], repo.shas["system"]]
    finally:
        repo.git("checkout", "-q", "main")


def test_check_since_warns_on_marked_change(repo):
    probs = check_since([repo.root / G], repo.shas["remove"])
    marked = [p for p in probs if "※" in p.message]
    assert len(marked) == 1 and "使用目的" in marked[0].item and marked[0].severity == "warning"
    assert any("読めない" in p.message for p in probs)
    assert [p for p in check_since([repo.root / G], repo.shas["marked"]) if "※" in p.message] == []


def test_diff_command(repo):
    res = CliRunner().invoke(
        main, ["diff", repo.shas["system"], repo.shas["marked"], "--content", str(repo.root / "content")]
    )
    assert res.exit_code == 0, res.output
    out = res.output
    assert "| 項目 | 変更前 | 変更後 |" in out
    assert f"| {ITAKU}委託事項1 | 委託事項: 申告情報のパンチ入力業務<br>" in out
    assert f"| {FILE1}3. 特定個人情報の入手・使用 ③使用目的 ※ |" in out
    res = CliRunner().invoke(
        main,
        ["diff", repo.shas["system"], repo.shas["marked"], "--format", "json", "--content", str(repo.root / "content")],
    )
    data = json.loads(res.output)
    ch = data["assessments"][0]["changes"]
    assert [(c["種別"], c["重要な変更"]) for c in ch] == [("変更", True), ("変更", True), ("削除", False)]


def test_diff_unknown_revision(repo):
    res = CliRunner().invoke(main, ["diff", "no-such-rev", "--content", str(repo.root / "content")])
    assert res.exit_code == 1 and "no-such-rev" in res.output


def test_changelog_command_csv(repo):
    res = CliRunner().invoke(main, ["changelog", str(repo.root / G), "--format", "csv"])
    assert res.exit_code == 0, res.output
    import csv
    import io

    table = list(csv.reader(io.StringIO(res.stdout)))
    assert table[0][:5] == ["変更日", "項目", "変更前の記載", "変更後の記載", "提出時期"]
    assert [r[0] for r in table[1:]] == [
        "2016-07-27",
        "2026-01-05",
        "2025-12-03",
        "2025-12-04",
        "2025-12-04",
        "2025-12-05",
        "2026-03-01",
        "2026-04-01",
    ]
    assert table[6][4] == "事前" and table[6][7] == "※"


def test_shallow_clone_detected(repo, tmp_path):
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True)
    with pytest.raises(ShallowError, match="git fetch --unshallow"):
        load_history(clone / "content")
    assert load_history(clone / "content", allow_shallow=True).shallow
    res = CliRunner().invoke(main, ["changelog", str(clone / G)])
    assert res.exit_code == 1 and "--unshallow" in res.output


def test_check_command_since(repo, monkeypatch):
    monkeypatch.setenv("PIASITE_TODAY", "2026-05-01")
    res = CliRunner().invoke(main, ["check", str(repo.root / G), "--since", repo.shas["remove"]])
    assert res.exit_code == 0, res.output
    warned = [line for line in res.output.splitlines() if "※の項目" in line]
    assert len(warned) == 1 and "③使用目的" in warned[0] and repo.shas["marked"][:10] in warned[0]
    res = CliRunner().invoke(main, ["check", str(repo.root / G), "--since", "nope"])
    assert res.exit_code == 1 and "nope" in res.output


def test_check_since_names_the_file_as_given_and_the_line_of_the_item(repo, monkeypatch):
    monkeypatch.setenv("PIASITE_TODAY", "2026-05-01")
    monkeypatch.chdir(repo.root)
    res = CliRunner().invoke(main, ["check", G, "--since", repo.shas["remove"]])
    warned = [line for line in res.output.splitlines() if "※の項目" in line]
    line = next(i for i, t in enumerate(repo.path(G).read_text(encoding="utf-8").splitlines(), 1) if "使用目的:" in t)
    assert len(warned) == 1 and warned[0].startswith(f"{G}:{line}: "), (warned, line)


def test_reevaluation_warning_uses_injected_today(repo, monkeypatch):
    monkeypatch.setenv("PIASITE_TODAY", "2031-03-02")
    res = CliRunner().invoke(main, ["check", str(repo.root / G)])
    assert "再評価の期限(令和13年3月1日" in res.output  # 公表日 2026-03-01 + 5 years
    monkeypatch.setenv("PIASITE_TODAY", "2031-03-01")
    res = CliRunner().invoke(main, ["check", str(repo.root / G)])
    assert "再評価の期限" not in res.output


def test_outside_git(tmp_path):
    (tmp_path / "content/higashiyama").mkdir(parents=True)
    with pytest.raises(GitError, match="--allow-shallow"):
        load_history(tmp_path / "content")
    assert load_history(tmp_path / "content", allow_shallow=True).shallow


def test_history_baseline_drops_earlier_versions(repo):
    s = repo.shas
    _, before = rows_of(repo)
    repo.write(".piasite-history-baseline", f"# 取込みと見直しが終わった時点\n{s['system']}\n")
    repo.commit("変更履歴の起点を設定")
    hist, rows = rows_of(repo)
    fh = next(f for f in hist.files if not f.deleted)
    assert fh.versions[0].commit.sha == s["system"]
    assert [r.commit for r in rows] == [r.commit for r in before if r.commit not in (s["contractor"], s["system"])]
