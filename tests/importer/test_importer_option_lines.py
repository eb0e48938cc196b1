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


def test_a_checkbox_row_whose_qualifier_wraps_past_its_last_box_keeps_its_tail():
    # `理)` alone: the qualifier of the last box, hard-wrapped; never the next item's first words
    text = (
        "特定個人情報保護評価書(全項目評価書)\n" + HEAD.split("\n", 1)[1] + "3. 特定個人情報の入手・使用\n②入手方法\n"
        "[ ] 紙 [ ] 電子メール [ ] 専用線 [○] 庁内連携システム [○] その他 (住民基本台帳ネットワークシステム、申請管\n"
        "理)\n③入手の時期・頻度\n年金額の算定の都度\n"
    )
    use = import_text(text).data["特定個人情報ファイル"][0]["入手・使用"]
    assert use["入手の時期・頻度"] == "年金額の算定の都度"
    assert use["入手方法"][0] == "庁内連携システム"
    assert use["入手方法"][1]["その他"].replace(" ", "") == "住民基本台帳ネットワークシステム、申請管理"


def test_a_value_opening_with_a_label_s_words_is_the_value_of_the_label_above_it():
    # 添付資料 is a label; `添付資料(別紙)…` under 添付資料 or under ①法令上の根拠 is their value
    text = HEAD + (
        "5. 特定個人情報の提供・移転(委託に伴うものを除く。)\n提供・移転の有無\n[○] 提供を行っている (1) 件\n"
        "[ ] 移転を行っている () 件 [ ] 行っていない\n添付資料\n添付資料(別紙1)、添付資料(別紙2)の一覧のとおり、\n"
        "添付資料(別紙3)にも記載\n提供先1\n都道府県知事\n①法令上の根拠\n添付資料(別紙1)に記載\n②提供先における用途\n"
        "年金の支給\n"
    )
    pt = import_text(text).data["特定個人情報ファイル"][0]["提供・移転"]
    assert pt["添付資料"] == "添付資料(別紙1)、添付資料(別紙2)の一覧のとおり、添付資料(別紙3)にも記載"
    assert pt["提供先"][0]["法令上の根拠"] == "添付資料(別紙1)に記載"
    assert pt["提供先"][0]["用途"] == "年金の支給"


def test_an_option_name_wrapped_onto_a_line_without_boxes_is_the_row_s():
    # `[○] その他識別情報` / `(内部番号)`: the option's name finished on the next line, then the row goes on
    text = HEAD + (
        "2. 基本情報\n①ファイルの種類 ※\n[ システム用ファイル ]\n<選択肢>\n1) システム用ファイル 2) その他の電子ファイル(表計算ファイル等)\n"
        "②対象となる本人の数\n[ 1万人以上10万人未満 ]\n③対象となる本人の範囲 ※\n国民年金の被保険者\n"
        "④記録される項目\n[ 10項目以上50項目未満 ]\n主な記録項目 ※\n・識別情報 [○] 個人番号 [ ] 個人番号対応符号 [○] その他識別情報\n"
        "(内部番号)\n・連絡先等情報 [○] 4情報(氏名、性別、生年月日、住所) [ ] 連絡先\n(電話番号等) [ ] その他住民票関係情報\n"
        "その妥当性\n被保険者を特定するため\n"
    )
    info = import_text(text).data["特定個人情報ファイル"][0]["基本情報"]
    assert info["主な記録項目"] == ["個人番号", "その他識別情報(内部番号)", "4情報(氏名、性別、生年月日、住所)"]
    assert info["その妥当性"] == "被保険者を特定するため"
