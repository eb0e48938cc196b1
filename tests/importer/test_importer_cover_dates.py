"""A cover printed out of order (Z6: 公表日's value right after the 宣言, `公表日 <機関名>` at the end): the
date is told by what it is; the paragraphs under their own labels stay theirs."""

from __future__ import annotations

from piasite.importer import import_text
from piasite.model.reader import Uncertain

ZEN = "特定個人情報保護評価書(全項目評価書)\n"
BODY = "項目一覧\nⅠ 基本情報\nⅠ 基本情報\n1. 特定個人情報ファイルを取り扱う事務\n①事務の名称\n国民年金に関する事務\n"


def _cover(approval: str = "") -> str:
    return (
        ZEN + "評価書番号 評価書名\n4 国民年金に関する事務 全項目評価書\n個人のプライバシー等の権利利益の保護の宣言\n"
        "東山市は、国民年金に関する事務における特定個人情報ファイルの取扱いにあたり、適切な措置を講じ\n"
        "ることを宣言する。\n令和6年7月1日\n特記事項\n年金システムは共同利用のクラウドで運用している。\n"
        + (f"個人情報保護委員会 承認日 【行政機関等のみ】\n{approval}\n" if approval else "")
        + "評価実施機関名\n公表日 東山市長\n"
    )


def test_the_date_after_the_declaration_is_the_publication_date_and_the_paragraphs_stay_under_their_labels():
    data = import_text(_cover() + BODY).data
    assert str(data["公表日"]) == "2024-07-01"
    assert data["個人のプライバシー等の権利利益の保護の宣言"].startswith("東山市は、国民年金")
    assert data["個人のプライバシー等の権利利益の保護の宣言"].endswith("宣言する。")
    assert data["特記事項"] == "年金システムは共同利用のクラウドで運用している。"
    assert data["評価実施機関名"] == "東山市長"


def test_two_dates_of_one_value_for_two_date_items_are_both_settled():
    data = import_text(_cover("令和6年7月1日") + BODY).data
    assert str(data["公表日"]) == "2024-07-01"
    assert not isinstance(data.get("承認日"), Uncertain) and str(data["承認日"]) == "2024-07-01"
