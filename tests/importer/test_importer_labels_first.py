"""Labels of a merged label column printed first, then all their values (issue 19, the
`labels-first` layout; importer/reflow.py `settle`): the values given to the labels by what each
item is — a choice's bracket and its options, a multi-choice's boxes by its options in the form's
order, a date, a one-line name — and by where a printed paragraph ends (a line as wide as the
value cell, the width read from the text, runs on into the next). A stretch of values the layout
does not settle is !要確認; the rest of the run is kept.

The texts are of an invented town (北見台町), built from the forms' labels."""

from __future__ import annotations

from piasite.importer import import_text
from piasite.importer.reflow import cell_width
from piasite.model.reader import Uncertain

ZEN_TITLE = "特定個人情報保護評価書(全項目評価書)\n"
WIDTH = 30


def _wrapped(text: str, width: int = WIDTH) -> str:
    """A value hard-wrapped at the cell's width, as a PDF's text layer prints it."""
    return "\n".join(text[k : k + width] for k in range(0, len(text), width))


# Ⅱ 3 of 北見台町's 全項目, its labels printed first (one merged label column), then its values
ACQUISITION = ZEN_TITLE + (
    "Ⅱ 特定個人情報ファイルの概要\n1.特定個人情報ファイル名\n介護保険情報ファイル\n"
    "3.特定個人情報の入手・使用\n"
    "①入手元 ※\n②入手方法\n③入手の時期・頻度\n④入手に係る妥当性\n⑤本人への明示\n⑥使用目的 ※\n"
    "変更の妥当性\n⑦使用の主体 使用部署 ※\n使用者数\n⑨使用開始日\n"
    "[○] 本人又は本人の代理人\n[○] 評価実施機関内の他部署 (市民課)\n"
    "[ ] 行政機関・独立行政法人等 ( ) [ ] 地方公共団体・地方独立行政法人 ( )\n"
    "[ ] 民間事業者 ( ) [ ] その他 ( )\n"
    "[○] 紙 [ ] 電子記録媒体(フラッシュメモリを除く。)\n[ ] フラッシュメモリ [ ] 電子メール [ ] 専用線\n"
    "[○] 庁内連携システム [ ] 情報提供ネットワークシステム\n[ ] その他 ( )\n"
    "届出の都度入手する。\n介護保険法の定めによる。\n届出書に記載している。\n介護保険の資格管理のため。\n"
    "－\n介護保険課\n[ 10人以上50人未満 ]\n<選択肢>\n1) 10人未満 2) 10人以上50人未満 3) 50人以上100人未満\n"
    "4) 100人以上500人未満 5) 500人以上1,000人未満\n6) 1,000人以上\n平成28年1月\n"
)


def _file(text: str) -> dict:
    return import_text(text).data["特定個人情報ファイル"][0]


def test_a_run_goes_on_through_a_label_printed_after_its_rows_group():
    """`⑦使用の主体 使用部署 ※` is one of the run's labels: the boxes go to the two multi-choices by
    their options (each starting again from its first), the six one-line texts to the six texts,
    the bracket and its wrapped options to 使用者数, the date to 使用開始日."""
    use = _file(ACQUISITION)["入手・使用"]
    assert use["入手元"] == ["本人又は本人の代理人", {"評価実施機関内の他部署": "市民課"}]
    assert use["入手方法"] == ["紙", "庁内連携システム"]
    assert use["入手の時期・頻度"] == "届出の都度入手する。"
    assert use["入手に係る妥当性"] == "介護保険法の定めによる。"
    assert use["本人への明示"] == "届出書に記載している。"
    assert use["使用目的"] == "介護保険の資格管理のため。"
    assert use["変更の妥当性"] == "－"
    assert use["使用部署"] == "介護保険課"
    assert use["使用者数"] == "10人以上50人未満"
    assert str(use["使用開始日"]).startswith("2016-01")


def test_the_count_printed_after_a_choices_options_is_read():
    """`1) 委託する 2) 委託しない ( 1 ) 件` under a single choice's bracket: the count's own item."""
    assert _file(ENTRUSTED)["委託"]["件数"] == 1


def test_boxes_are_the_options_they_print_at_their_longest_and_in_any_printed_form():
    """個人番号対応符号 is not 個人番号 followed by a qualifier, and 5情報(…) is the stored 4情報
    option as the newest form prints it: the boxes are one multi-choice's, in its order."""
    text = ZEN_TITLE + (
        "Ⅱ 特定個人情報ファイルの概要\n1.特定個人情報ファイル名\n介護保険情報ファイル\n2.基本情報\n"
        "④記録される項目\n主な記録項目 ※\nその妥当性\n全ての記録項目\n⑤保有開始日\n⑥事務担当部署\n"
        "[ 10項目以上50項目未満 ]\n<選択肢>\n1) 10項目未満 2) 10項目以上50項目未満\n3) 50項目以上100項目未満 4) 100項目以上\n"
        "[○] 個人番号 [○] 個人番号対応符号\n[ ] その他識別情報(内部番号)\n"
        "[○] 5情報(氏名、氏名の振り仮名、性別、生年月日、住所)\n[ ] 連絡先(電話番号等) [ ] その他住民票関係情報\n"
        "[ ] 国税関係情報 [○] 地方税関係情報 [ ] 健康・医療関係情報\n[ ] その他 ( )\n"
        "資格の管理に必要な項目に限る。\n別添2を参照。\n平成28年1月\n介護保険課\n"
        "3.特定個人情報の入手・使用\n"
    )
    basic = _file(text)["基本情報"]
    assert basic["主な記録項目"] == [
        "個人番号",
        "個人番号対応符号",
        "4情報(氏名、性別、生年月日、住所)",
        "地方税関係情報",
    ]
    assert basic["その妥当性"] == "資格の管理に必要な項目に限る。"
    assert basic["全ての記録項目"] == "別添2を参照。"
    assert basic["事務担当部署"] == "介護保険課"


# 委託事項1's labels first; the texts hard-wrapped at the cell's width (30), which the text shows
_LONG = "再委託先の名称、再委託する業務の範囲及び安全管理措置を書面で提出させ、承認する。"
ENTRUSTED = ZEN_TITLE + (
    "Ⅱ 特定個人情報ファイルの概要\n1.特定個人情報ファイル名\n介護保険情報ファイル\n"
    "4.特定個人情報ファイルの取扱いの委託\n委託の有無 ※\n[ 委託する ]\n<選択肢>\n1) 委託する 2) 委託しない ( 1 ) 件\n"
    "委託事項1\n介護保険システムの運用保守\n"
    "①委託内容\n③委託先における取扱者数\n⑤委託先名の確認方法\n⑥委託先名\n再委託 ⑦再委託の有無 ※\n"
    "⑧再委託の許諾方法\n⑨再委託事項\n"
    + _wrapped(
        "介護保険システムの運用及び保守を委託する。障害の対応、定期的な保守作業、帳票の出力及び封入封緘、"
        "利用者からの問合せへの対応、操作研修の実施、データの抽出及び集計の作業、法令改正に伴う改修を含む。"
    )
    + "\n[ 10人未満 ]\n<選択肢>\n1) 10人未満 2) 10人以上50人未満\n3) 50人以上100人未満 4) 100人以上500人未満\n"
    "5) 500人以上1,000人未満 6) 1,000人以上\n"
    + _wrapped("北見台町の公告及び契約の締結により確認することができ、町のホームページで公表する。")
    + "\n株式会社北見台情報サービス\n[ 再委託する ]\n<選択肢>\n1) 再委託する 2) 再委託しない\n"
    + _wrapped(_LONG)
    + "\n帳票の印刷及び封入封緘業務\n"
)


def test_the_cell_width_is_read_from_the_text():
    assert cell_width(ENTRUSTED.split("\n")) == WIDTH
    assert cell_width(ACQUISITION.split("\n")) is None  # too few lines fill a cell: no edge to read


def test_a_line_that_fills_the_cell_runs_on_so_only_one_cut_fits():
    """⑧ / ⑨ and three lines: the first two fill the cell, so the value cannot end after them; the
    only cut is before the third (a one-line value of ⑨). The same for ⑤ and the name under it."""
    item = _file(ENTRUSTED)["委託"]["委託事項"][0]
    assert item["委託内容"].startswith("介護保険システムの運用") and item["委託内容"].endswith("改修を含む。")
    assert item["取扱者数"] == "10人未満"
    assert item["委託先名の確認方法"].endswith("ホームページで公表する。")
    assert item["委託先名"] == "株式会社北見台情報サービス"
    assert item["再委託の有無"] == "再委託する"
    assert item["再委託の許諾方法"] == _LONG
    assert item["再委託事項"] == "帳票の印刷及び封入封緘業務"


def test_only_the_segment_the_values_do_not_settle_is_uncertain():
    """Two texts of two paragraphs each between the boxes and the choice: where the first ends is
    not in the lines; those two are !要確認 with the lines quoted, the run's other items are kept."""
    text = ACQUISITION.replace(
        "届出の都度入手する。\n介護保険法の定めによる。\n",
        "届出の都度入手する。\n毎月の更新時にも入手する。\n介護保険法の定めによる。\n",
    )
    text = text.replace(
        "③入手の時期・頻度\n④入手に係る妥当性\n⑤本人への明示\n⑥使用目的 ※\n変更の妥当性\n⑦使用の主体 使用部署 ※\n",
        "③入手の時期・頻度\n④入手に係る妥当性\n⑦使用の主体 使用部署 ※\n",
    )
    text = text.replace("届出書に記載している。\n介護保険の資格管理のため。\n－\n", "")
    # the 委託 after it, whose run settles whole, shows that the text prints its labels first
    text += ENTRUSTED[ENTRUSTED.index("4.特定個人情報ファイルの取扱いの委託") :]
    use = _file(text)["入手・使用"]
    for key in ("入手の時期・頻度", "入手に係る妥当性", "使用部署"):
        assert isinstance(use[key], Uncertain), key
        assert "決まりません" in use[key].reason and "毎月の更新時にも入手する。" in use[key].source
    assert use["入手方法"] == ["紙", "庁内連携システム"] and use["使用者数"] == "10人以上50人未満"
    assert str(use["使用開始日"]).startswith("2016-01")


def test_a_value_that_opens_with_its_labels_words_is_the_value():
    """`添付資料` then `添付資料(別紙1 提供先一覧)…` wrapped at the cell's edge onto a line that again
    opens with `添付資料`: both lines are the value, not the label printed twice."""
    value = "添付資料(別紙1 提供先一覧)、添付資料(別紙2 移転先一覧)、添付資料(別紙3 委託先一覧)"
    cut = value.index("添付資料(別紙3")
    text = ZEN_TITLE + (
        "Ⅱ 特定個人情報ファイルの概要\n1.特定個人情報ファイル名\n介護保険情報ファイル\n"
        "5.特定個人情報の提供・移転(委託に伴うものを除く。)\n提供・移転の有無\n"
        "[○] 提供を行っている ( 1 ) 件 [ ] 移転を行っている ( ) 件 [ ] 行っていない\n"
        "添付資料\n" + value[:cut] + "\n" + value[cut:] + "\n"
        "提供先1\n北見台県知事\n①法令上の根拠\n番号法第19条第8号\n"
    )
    assert _file(text)["提供・移転"]["添付資料"] == value


def test_a_footer_between_a_bracket_and_its_options_leaves_the_text_after_it_uncertain():
    """A page's footer line the furniture reading left between `[ 1万人未満 ]` and its `<選択肢>`: the
    option list is then among the next text's lines, which plausibility says are another cell's —
    that text is !要確認, never given the options."""
    text = ENTRUSTED + (
        "5.特定個人情報の提供・移転(委託に伴うものを除く。)\n提供・移転の有無\n"
        "[○] 提供を行っている ( 1 ) 件 [ ] 移転を行っている ( ) 件 [ ] 行っていない\n"
        "提供先1\n北見台県知事\n"
        "①法令上の根拠\n②提供先における用途\n③提供する情報\n④提供する情報の対象となる本人の数\n"
        "⑤提供する情報の対象となる本人の範囲\n"
        "番号法第19条第8号\n県の介護保険事務\n被保険者の資格情報\n[ 1万人未満 ]\n北見台町総務部総務課\n<選択肢>\n"
        "1) 1万人未満 2) 1万人以上10万人未満\n3) 10万人以上100万人未満 4) 100万人以上1,000万人未満\n"
        "5) 1,000万人以上\n介護保険の被保険者\n"
    )
    given = _file(text)["提供・移転"]["提供先"][0]
    assert given["対象となる本人の数"] == "1万人未満" and given["法令上の根拠"] == "番号法第19条第8号"
    scope = given["対象となる本人の範囲"]
    assert isinstance(scope, Uncertain) and "介護保険の被保険者" in scope.source
