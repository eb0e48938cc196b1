"""A choice printed K2-style (one PDF line per text line): its value `[ … ]`, `<選択肢>` and its options packed
into lines of the cell's width, the count `( 3 ) 件` after them. Every options line is the choice's print,
however it wraps (`10) 定められていない` alone on the last one), and the count is the choice's count."""

from __future__ import annotations

from piasite.importer import import_text

HEAD = "特定個人情報保護評価書(全項目評価書)\nⅡ 特定個人情報ファイルの概要\n1. 特定個人情報ファイル名\n(1) 国民年金情報ファイル\n"


def test_the_last_options_line_alone_is_the_choice_s_not_the_next_item_s():
    text = HEAD + (
        "6. 特定個人情報の保管・消去\n①保管場所 ※\n施錠できる書庫に保管する。\n②保管期間\n[ 6年以上10年未満 ]\n<選択肢>\n"
        "1) 1年未満 2) 1年 3) 2年 4) 3年 5) 4年 6) 5年\n7) 6年以上10年未満 8) 10年以上20年未満 9) 20年以上\n"
        "10) 定められていない\nその妥当性\n東山市文書管理規程に定める期間保存するため。\n③消去方法\n溶解処理する。\n"
    )
    f = import_text(text).data["特定個人情報ファイル"][0]["保管・消去"]
    assert f["保管期間"] == "6年以上10年未満"
    assert f["その妥当性"] == "東山市文書管理規程に定める期間保存するため。"


def test_a_count_printed_after_the_options_is_the_choice_s_count():
    text = HEAD + (
        "4. 特定個人情報ファイルの取扱いの委託\n委託の有無 ※\n[ 委託する ]\n<選択肢>\n1) 委託する 2) 委託しない ( 1 ) 件\n"
        "委託事項1\n年金システムの保守\n①委託内容\nシステムの保守を委託する。\n"
    )
    itaku = import_text(text).data["特定個人情報ファイル"][0]["委託"]
    assert itaku["有無"] == "委託する" and itaku["件数"] == 1
