"""`piasite check`: every error class names file, line and item, exits 1, never a traceback."""

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT

GOOD = FIXTURES / "handwritten" / "higashiyama" / "5.yaml"


def run_check(*paths, cwd=ROOT):
    """`piasite check` in this process (a new interpreter per call was most of this file's time;
    tests/test_cli_errors.py runs the real entry point)."""
    import os
    from types import SimpleNamespace

    from click.testing import CliRunner

    from piasite.cli import main

    here = os.getcwd()
    os.chdir(cwd)
    try:
        res = CliRunner().invoke(main, ["check", *map(str, paths)])
    finally:
        os.chdir(here)
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.output
    return SimpleNamespace(returncode=res.exit_code, stdout=res.stdout, stderr=res.stderr)


def edited(tmp_path: Path, old: str, new: str, name="5.yaml", org="higashiyama") -> tuple[Path, int]:
    """A copy of the hand-written assessment with one edit; returns (path, line of the edit)."""
    text = GOOD.read_text(encoding="utf-8")
    assert old in text, old
    pos = text.index(old)
    text = text.replace(old, new, 1)
    path = tmp_path / org / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path, text[:pos].count("\n") + 1


def test_handwritten_assessment_passes():
    proc = run_check(GOOD)
    assert proc.returncode == 0, proc.stderr
    assert "エラー 0 件" in proc.stderr


def test_content_passes():
    proc = run_check(ROOT / "content")
    assert proc.returncode == 0, proc.stderr


def expect(proc, path, line, *fragments):
    assert proc.returncode == 1, proc.stderr
    wanted = f"{path}:{line}: "
    lines = [l for l in proc.stderr.splitlines() if l.startswith(wanted)]
    assert lines, f"no message at {wanted}\n{proc.stderr}"
    assert any(all(f in l for f in fragments) for l in lines), proc.stderr


def test_yaml_syntax(tmp_path):
    path, line = edited(
        tmp_path, "    名称: 個人住民税に関する事務\n", "    名称: 個人住民税に関する事務\n   内容: [oops\n"
    )
    proc = run_check(path)
    assert proc.returncode == 1
    assert f"{path}:" in proc.stderr and "YAML の書き方に誤り" in proc.stderr


def test_unknown_key_with_suggestion(tmp_path):
    path, line = edited(
        tmp_path,
        "          委託先名: 株式会社ジーシーシー\n          再委託の有無: 再委託しない\n        - 名称: 通知",
        "          委託先の名: 株式会社ジーシーシー\n          再委託の有無: 再委託しない\n        - 名称: 通知",
    )
    proc = run_check(path)
    expect(
        proc,
        path,
        line,
        "Ⅱ(1) 4. 委託事項2",
        "「委託先の名」という項目はありません",
        "「委託先名」の誤りではありませんか",
    )


def test_missing_required(tmp_path):
    path, line = edited(tmp_path, "    名称: 個人住民税に関する事務\n", "")
    proc = run_check(path)
    expect(proc, path, line - 1, "Ⅰ 1. ①事務の名称", "必須項目「①事務の名称」がありません")


@pytest.mark.parametrize("empty", ["", " ~", " null", ' ""', " []"])
def test_empty_required_key_is_told_at_its_own_line(tmp_path, empty):
    """Issue 21, item 6: a key written with nothing after it is 「…が空です」 at that key's line,
    not 「…がありません」 at the line of the section above it."""
    path, line = edited(tmp_path, "    名称: 個人住民税に関する事務\n", f"    名称:{empty}\n")
    proc = run_check(path)
    expect(proc, path, line, "Ⅰ 1. ①事務の名称", "必須項目「①事務の名称」が空です")
    assert "「①事務の名称」がありません" not in proc.stderr, proc.stderr


def test_choice_not_in_options(tmp_path):
    path, line = edited(tmp_path, "対象人数: 10万人以上30万人未満", "対象人数: 10万人以上30万人")
    proc = run_check(path)
    expect(
        proc,
        path,
        line,
        "Ⅰ 1. ③対象人数",
        "「10万人以上30万人」は選択肢にありません",
        "「10万人以上30万人未満」の誤りではありませんか",
        "1) 1,000人未満",
    )


def test_multi_option_not_in_options(tmp_path):
    path, line = edited(tmp_path, "        - 庁内連携システム\n", "        - 庁内連絡システム\n")
    proc = run_check(path)
    expect(proc, path, line, "Ⅰ 2. システム1 ③他のシステムとの接続", "「庁内連携システム」の誤りではありませんか")


@pytest.mark.parametrize(
    "typed, iso",
    [
        ("令和7年12月1日", "2025-12-01"),
        ("令和元年5月1日", "2019-05-01"),
        ("R7.12.1", "2025-12-01"),
        ("平成30年12月1日", "2018-12-01"),
    ],
)
def test_wareki_dates_say_how_to_write_iso(tmp_path, typed, iso):
    path, line = edited(tmp_path, "公表日: 2025-12-01", f"公表日: {typed}")
    proc = run_check(path)
    expect(proc, path, line, "公表日", f"「{typed}」", f"ISO 8601 形式で {iso} と書いてください")


def test_impossible_date(tmp_path):
    path, line = edited(tmp_path, "公表日: 2025-12-01", "公表日: 2025-13-01")
    proc = run_check(path)
    expect(proc, path, line, "公表日", "日付として読めません")


def test_month_precision_allowed_where_the_form_allows_it(tmp_path):
    # ⑥使用開始日 accepts month precision (so does ⑤保有開始日) — but 公表日 does not (below)
    path, _ = edited(tmp_path, "使用開始日: 2018-12-01", "使用開始日: 2018-12")
    assert run_check(path).returncode == 0


# One edit of the hand-written assessment → the item and message fragments expected on that line.
SINGLE_EDITS = [
    (
        "使用開始日: 2018-12-01",
        "使用開始日: 平成30年12月",
        "Ⅱ(1) 3. ⑥使用開始日",
        "ISO 8601 形式で 2018-12 と書いてください",
    ),
    ("公表日: 2025-12-01", "公表日: 2025-12", "公表日", "日まで書いてください"),
    ("評価書番号: 5", "評価書番号: 五", "評価書番号", "数字だけで書いてください"),
    ("      委託しない: false", "      委託しない: いいえ", "Ⅲ(1) 4. 委託しない", "true(チェックあり)か false(なし)"),
    (
        "  特定個人情報ファイル名: (1)個人住民税賦課情報ファイル、(2)収納管理ファイル",
        "  特定個人情報ファイル名: [個人住民税賦課情報ファイル, 収納管理ファイル]",
        "Ⅰ 3. 特定個人情報ファイル名",
        "文章で書いてください",
    ),
    (
        "他のシステムとの接続: [税務システム]",
        "他のシステムとの接続: 税務システム",
        "Ⅰ 2. システム2 ③他のシステムとの接続",
        "リストで書いてください",
    ),
]


@pytest.mark.parametrize("old, new, item, message", SINGLE_EDITS)
def test_wrong_dates_and_types(tmp_path, old, new, item, message):
    path, line = edited(tmp_path, old, new)
    expect(run_check(path), path, line, item, message)


def test_itaku_count_mismatch(tmp_path):
    path, line = edited(tmp_path, "      件数: 3", "      件数: 4")
    expect(run_check(path), path, line, "Ⅱ(1) 4. 委託の有無 ( ) 件", "件数は 4 件ですが、委託事項は 3 件")


def test_provision_count_warning_with_attachment_and_error_without(tmp_path):
    proc = run_check(GOOD)
    assert proc.returncode == 0
    assert "警告: Ⅱ(1) 5. 提供を行っている ( ) 件: 提供は 98 件ですが 提供先は 1 件だけ" in proc.stderr
    path, _ = edited(tmp_path, "      添付資料: 添付資料(Ⅱ. ①提供先一覧)、添付資料(Ⅱ. ②移転先一覧)\n", "")
    text = path.read_text(encoding="utf-8").replace("添付資料(Ⅱ. ①提供先一覧)を参照", "東山市 福祉課")
    text = text.replace("添付資料(Ⅱ. ②移転先一覧)を参照", "東山市 職員課")
    path.write_text(text, encoding="utf-8")
    line = text[: text.index("      提供件数: 98")].count("\n") + 1
    expect(run_check(path), path, line, "Ⅱ(1) 5.", "提供は 98 件ですが、提供先は 1 件")


def test_duplicate_number_within_organisation(tmp_path):
    a, _ = edited(tmp_path, "評価書番号: 5", "評価書番号: 5", name="5.yaml")
    b, line = edited(tmp_path, "評価書番号: 5", "評価書番号: 5", name="5b.yaml")
    c, _ = edited(tmp_path, "評価書番号: 5", "評価書番号: 5", name="5.yaml", org="hanamaki")
    proc = run_check(tmp_path)
    expect(proc, b, line, "評価書番号", "評価書番号 5 は", "重複しています")
    assert not [l for l in proc.stderr.splitlines() if l.startswith(str(c)) and "重複" in l]


@pytest.mark.parametrize("content", [b"", b"- a\n- b\n", b"\xff\xfe\x00garbage", "様式: 全部項目評価書\n".encode()])
def test_garbage_never_tracebacks(tmp_path, content):
    path = tmp_path / "x" / "1.yaml"
    path.parent.mkdir()
    path.write_bytes(content)
    proc = run_check(path)
    assert proc.returncode == 1
    assert f"{path}:1: " in proc.stderr


def test_warnings_exit_zero(tmp_path):
    # a Hangul letter in a Japanese value: a PDF reading slip, warned (a folder name that cannot be a
    # URL was this test's warning; it is an error now: tests/security/test_safe_names.py)
    path, _ = edited(tmp_path, "名称: 課税原票管理システム", "名称: 課税原票管리システム")
    proc = run_check(path)
    assert proc.returncode == 0, proc.stderr
    assert "警告" in proc.stderr


def test_missing_path_is_a_user_error(tmp_path):
    proc = run_check(tmp_path / "nope")
    assert proc.returncode == 1 and proc.stderr.startswith("エラー: ")
