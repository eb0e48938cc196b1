"""!要確認: a value the importer could not read is shown as such, never as a guess.

The page says 「原文から読み取れませんでした」 with what the source showed; the guess
(読み) reaches no page, open data or search file; `piasite check` warns for each open
one; `piasite build --publish` refuses while any remain.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from piasite.cli import main
from piasite.model.reader import Uncertain, parse

GUESS = "推測ではこのシステム"  # a reading that must never be published
MARKED = (
    "      他のシステムとの接続: !要確認\n"
    "        原文: '☐ 情報提供ネットワークシステム ☐ 庁内連携システム ☐ 税務システム'\n"
    "        行: 61\n"
    "        理由: どの選択肢にもチェック記号が付いていません\n"
    f"        読み: [その他: {GUESS}]\n"
)


def _mark(content: Path) -> None:
    doc = content / "higashiyama" / "5.yaml"
    text = doc.read_text(encoding="utf-8")
    start = text.index("      他のシステムとの接続:\n")
    end = text.index("\n    - 名称:", start) + 1  # システム2
    doc.write_text(text[:start] + MARKED + text[end:], encoding="utf-8")


def test_reader_keeps_source_reason_and_reading():
    doc = parse("a: !要確認\n  原文: '[ ] 1) 甲'\n  行: 3\n  理由: 印がない\n  読み: 甲\n")
    assert doc.data["a"] == Uncertain("[ ] 1) 甲", 3, "印がない", "甲")
    assert str(doc.data["a"]) == "原文から読み取れませんでした"


def test_malformed_tag_is_a_clear_error(tmp_path: Path):
    bad = tmp_path / "x" / "1.yaml"
    bad.parent.mkdir()
    bad.write_text("様式: 重点項目評価書\n評価書番号: !要確認 5\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:2: !要確認 の後には「原文:」「理由:」" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_page_shows_unread_not_a_guess_and_publish_refuses(project):
    p = project("basic")
    _mark(p.content)
    content = p.content
    doc = content / "higashiyama" / "5.yaml"
    check = CliRunner().invoke(main, ["check", str(doc)])
    assert check.exit_code == 0, check.output
    assert (
        "Ⅰ 2. システム1 ③他のシステムとの接続: !要確認 原文から読み取れませんでした"
        "(どの選択肢にもチェック記号が付いていません。原文 61 行目" in check.output
    )
    assert GUESS not in check.output

    site = p.build(allow_shallow=True)
    page = (site / "higashiyama" / "5" / "index.html").read_text(encoding="utf-8")
    anchor = page.index('id="I-2-s1-3"')
    block = page[anchor : page.index('class="pia-hrow"', anchor + 20)]
    assert "原文から読み取れませんでした" in block and "どの選択肢にもチェック記号が付いていません" in block
    assert "☐ 情報提供ネットワークシステム ☐ 庁内連携システム" in block
    assert "☑" not in block and "記載なし" not in block
    data = json.loads((site / "api" / "higashiyama" / "5.json").read_text(encoding="utf-8"))
    shown = data["data"]["基本情報"]["システム"][0]["他のシステムとの接続"]
    assert shown["要確認"] == "原文から読み取れませんでした" and "読み" not in shown
    for f in site.rglob("*"):
        if f.is_file() and f.suffix in (".html", ".json", ".csv", ".xml"):
            assert GUESS not in f.read_text(encoding="utf-8"), f

    before = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    result = CliRunner().invoke(
        main, ["build", "--publish", "--allow-shallow", "--content", str(content), "--out", str(site)]
    )
    assert result.exit_code == 1
    assert (
        f"{doc}:" in result.output
        and "Ⅰ 2. システム1 ③他のシステムとの接続: 原文から読み取れませんでした(要確認)" in result.output
    )
    assert "1 件残っているため、公開用のサイトを組み立てませんでした" in result.output
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()} == before
