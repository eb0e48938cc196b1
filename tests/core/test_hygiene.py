"""Text hygiene: foreign-script letters and wrapped-cell spaces (piasite/hygiene.py, piasite check)."""

from pathlib import Path

from click.testing import CliRunner

from piasite.cli import main
from piasite.core import hygiene
from tests.conftest import ROOT


def test_foreign_scripts_found_with_their_names():
    assert hygiene.foreign_runs("持ち込んで서는ならない") == [("서는", "ハングル")]
    assert hygiene.foreign_runs("特定個人情報ที่ไม่正確") == [("ที่ไม่", "タイ文字")]
    assert hygiene.foreign_runs("НЕС株式会社") == [("НЕС", "キリル文字")]
    # Japanese, Latin, full-width letters and Greek symbols are at home in an assessment.
    assert hygiene.foreign_runs("ＫＳＫ株式会社 NEC β版 α線 ①②") == []


WRAPPED = (
    "○サーバ設置場所への入退室には、ICカード 認証を用い、さらに入退室記録(ログ)を採取し ている。"
    " ○適宜バックアップを行っている。バックアップ データについては、遠隔地保管を行っている。"
    " ○機器の廃棄時には磁気データ消去又は物理 破壊を行っている。"
)


def test_wrapped_cell_is_joined_where_the_column_broke():
    joined = hygiene.join_breaks(WRAPPED)
    assert "ICカード認証を用い" in joined and "採取している" in joined and "物理破壊" in joined
    assert " ○適宜" in joined  # a space before a bullet is not inside a word


def test_spaces_between_fields_and_words_are_kept():
    address = "郵便番号360-8601 東山市宮町2丁目47番地1 東山市総務部庶務課行政係 電話048-524-1111 内線223"
    assert hygiene.line_breaks(address, address) == []
    # fields of different lengths close to one another show no column width
    address = "〒000-0000 東山市中央一丁目1番1号 東山市総務局法務課 情報公開コーナー 電話 000-000-0000"
    assert hygiene.line_breaks(address, address) == []
    label = "Ⅱ 特定個人情報ファイルの概要 システム システム2 ②システムの機能"
    assert hygiene.line_breaks(label, label + " システム") == []
    assert hygiene.line_breaks("株式会社 東山計算センター") == []


def test_katakana_word_joined_only_on_the_documents_own_evidence():
    text = "個別業務システ ム)"
    assert hygiene.line_breaks(text) == []  # no evidence without the document
    assert hygiene.join_breaks(text, "…庁内連携システムを使う…") == "個別業務システム)"


def test_check_warns_with_line_and_item_and_never_quotes_withheld(tmp_path: Path):
    doc = tmp_path / "higashiyama" / "1.yaml"
    doc.parent.mkdir()
    doc.write_text(
        "様式: 重点項目評価書\n評価書番号: 1\n評価実施機関名: 東山市長\n公表日: 2025-01-01\n"
        "基本情報:\n  事務:\n    名称: 住民基本台帳に関する事務\n"
        "    内容: 住民の記録を持ち込んで서는ならない。個別業務システ ムを使う。庁内連携システムです。\n"
        "特記事項: !非公表 秘密の서는値\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["check", str(doc)])
    out = result.output
    assert f"{doc}:8: 警告: Ⅰ 1. ②事務の内容: 日本語の文書にない文字(ハングル)があります" in out
    assert (
        f"{doc}:8: 警告: Ⅰ 1. ②事務の内容: 語の途中に改行の名残と思われる空白があります: 「…別業務システ ムを使う。庁…」"
        in out
    )
    assert "秘密" not in out


def test_kana_words_differing_only_by_voicing_marks_are_found():
    texts = [
        "サービス検索・電子申請機能(マイナポータルびったりサービス)",
        "マイナポータルぴったりサービス",
        "びったりサービスからの申請",
        "株式会社 スーブル",
        "株式会社 スープル",
        "株式会社スープル",
    ]
    assert hygiene.mark_variants(texts) == [[("びったり", 2), ("ぴったり", 1)], [("スープル", 2), ("スーブル", 1)]]
    # a mark against none is another word (ハンド / バンド), short runs are left alone (ぱ / ば)
    assert hygiene.mark_variants(["ハンドブック", "バンドブック", "ぱ", "ば", "ポート", "ポート"]) == []


def test_check_warns_once_per_word_with_both_spellings_not_from_import_notes(tmp_path: Path):
    doc = tmp_path / "higashiyama" / "1.yaml"
    doc.parent.mkdir()
    doc.write_text(
        "様式: 重点項目評価書\n評価書番号: 1\n評価実施機関名: 東山市長\n公表日: 2025-01-01\n"
        "基本情報:\n  事務:\n    名称: 住民基本台帳に関する事務\n"
        "    内容: マイナポータルぴったりサービスで受け付ける。びったりサービスから取り込む。びったりサービスで送る。\n"
        "特記事項: !非公表 ぽったり\n"
        "取込メモ:\n- 行: 3\n  本文: ボッタリ\n  理由: 原文の引用\n- 行: 4\n  本文: ポッタリ\n  理由: 原文の引用\n",
        encoding="utf-8",
    )
    out = CliRunner().invoke(main, ["check", str(doc)]).output
    assert out.count("゛ と ゜ だけ違う") == 1, out
    assert f"{doc}:8: 警告: Ⅰ 1. ②事務の内容: 「びったり」(2 か所)、「ぴったり」(1 か所)が、゛ と ゜ だけ違う" in out
    assert "ぽったり" not in out and "ボッタリ" not in out  # withheld values and 取込メモ's quotations are not compared


def test_published_seeds_are_clean():
    for path in sorted((ROOT / "content").rglob("*.yaml")):
        if path.name == "aliases.yaml":
            continue
        result = CliRunner().invoke(main, ["check", str(path)])
        assert "日本語の文書にない文字" not in result.output, result.output
        assert "改行の名残" not in result.output, result.output
