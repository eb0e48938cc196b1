"""Importer: one test per quirk class, with snippets copied from the seed
documents, and an end-to-end import of the four seeds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from piasite.forms.registry import load_form
from piasite.importer import changes as changelog
from piasite.importer import import_file, import_text, measure, render, write
from piasite.importer.body import Notes
from piasite.importer.choices import read_choice, read_count, read_multi
from piasite.importer.text import to_markdown
from tests.clirun import piasite
from tests.conftest import SEEDS, YAML_DUMPER, YAML_LOADER

ROOT = Path(__file__).resolve().parents[2]

FORM = load_form("重点項目評価書")


def item(*path):
    return FORM.item_at(path)


CONNECT = item("基本情報", "システム", "他のシステムとの接続")
RECORDS = item("特定個人情報ファイル", "基本情報", "主な記録項目")
USERS = item("特定個人情報ファイル", "入手・使用", "使用者数")
ENOUGH = item("リスク対策", "入手", "リスク", "リスクへの対策は十分か")
EDU = item("リスク対策", "従業者に対する教育・啓発", "従業者に対する教育・啓発")
PEOPLE = item("基本情報", "事務", "対象人数")
PT = item("特定個人情報ファイル", "提供・移転", "有無")
SENDING = item("特定個人情報ファイル", "提供・移転", "提供先", "提供方法")


# -- HTML cells -------------------------------------------------------------------
def test_html_paragraphs_and_bullet_lists_become_markdown():
    # 000: ②システムの機能 of システム12
    md, _ = to_markdown(
        '<ul style="list-style-type: none"> ・申請データ格納 マイナポータル申請管理でダウンロードしたデータを復号する機能 '
        '・申請内容照会と審査状況管理 申請内容の確認や審査を行う機能</ul>'
    )
    assert (
        md
        == "- 申請データ格納 マイナポータル申請管理でダウンロードしたデータを復号する機能\n- 申請内容照会と審査状況管理 申請内容の確認や審査を行う機能"
    )
    # 004: 保管場所 with <li>
    md, _ = to_markdown(
        '<p>①執務室における措置</p> <ul style="list-style-type: none"> <li>・特定個人情報が記載された届出書等については、'
        '施錠ができるキャビネット等に保管する。</li> </ul>'
    )
    assert md.startswith("①執務室における措置\n\n- ・特定個人情報")
    assert "<" not in md


def test_underline_is_reported_as_dropped():
    # 001: additions underlined
    md, dropped = to_markdown("[] その他 (<u>証明書交付センター</u>)")
    assert md == "[] その他 (証明書交付センター)" and "u" in dropped


# -- checkbox notations (quirks 18, 19, 24) -------------------------------------------
@pytest.mark.parametrize(
    "cell, expected",
    [
        # [○] in <div>s, その他 with a qualifier (000)
        (
            '<div>[] 情報提供ネットワークシステム</div> <div>[○] 宛名システム等</div> <div>[○] その他 （課税原票管理システム、'
            'サービス検索・電子申請機能）</div> <div>[○] 庁内連携システム</div>',
            # (the options ticked, in the form's order: a row printed in columns is read down each column)
            ["庁内連携システム", "宛名システム等", {"その他": "課税原票管理システム、サービス検索・電子申請機能"}],
        ),
        # checked="" inside brackets (002)
        (
            '<p>[] 情報提供ネットワークシステム [] 庁内連携システム</p> <p>[] 住民基本台帳ネットワークシステム '
            '[<input checked="" type="checkbox"/>] 既存住民基本台帳システム</p>',
            ["既存住民基本台帳システム"],
        ),
        # bare inputs, qualifier printed outside the list (000)
        (
            '<div> <div> <input type="checkbox"/> 情報提供ネットワークシステム <input checked="" type="checkbox"/> その他 </div> '
            '<div> <input type="checkbox"/> 税務システム </div> </div> （マイナポータル申請管理）',
            [{"その他": "マイナポータル申請管理"}],
        ),
        # [ <input checked> ] with spaces (004)
        (
            '<p>[ <input checked="" type="checkbox"/> ] 情報提供ネットワークシステム [ <input type="checkbox"/> ] 庁内連携システム</p>',
            ["情報提供ネットワークシステム"],
        ),
        # その他 ( split over divs, nothing in it (000)
        (
            '<div>[] その他 （</div> <div>[] 庁内連携システム</div> <div>[○] 税務システム</div> <div>）</div>',
            ["税務システム"],
        ),
    ],
)
def test_checkbox_notations(cell, expected):
    assert read_multi(cell, CONNECT).value == expected


def test_radio_means_selected_beside_checkboxes():
    # 002: ⑥提供方法 — the radio is the selected one
    r = read_multi(
        '[<input type="radio"/>] 情報提供ネットワークシステム [<input type="checkbox"/>] 専用線 '
        '[<input type="checkbox"/>] 電子メール',
        SENDING,
    )
    assert r.value == ["情報提供ネットワークシステム"] and not r.doubts


def test_radio_beside_empty_brackets_means_selected():
    # 000: ◎ for the selected options, an empty [] for the other: the row itself contrasts them
    r = read_multi(
        '[<input type="radio"/>] 提供を行っている (35) 件 [<input type="radio"/>] 移転を行っている (9) 件 [] 行っていない',
        PT,
    )
    assert r.value == ["提供を行っている", "移転を行っている"] and not r.doubts and not r.unsure
    assert r.radio == "contrast"


def test_radio_alone_is_a_guess():
    # 002:853: every option printed with ◎: the row cannot tell selected from not
    r = read_multi(
        '[<input type="radio"/>] 提供を行っている (35) 件 [<input type="radio"/>] 移転を行っている (9) 件', PT
    )
    assert r.value == ["提供を行っている", "移転を行っている"] and r.radio == "alone"
    assert "区別が読み取れません" in r.unsure


def test_no_mark_at_all_takes_qualified_options_with_a_doubt():
    # 000: ①入手元 printed without any checked box (quirk 19)
    cell = (
        '<input type="checkbox"/> 本人又は本人の代理人 <input type="checkbox"/> 評価実施機関内の他部署 (市民課、保険年金課、生活福祉課) '
        '<input type="checkbox"/> 行政機関・独立行政法人等 (公的年金等の支払者、国税庁)'
    )
    r = read_multi(cell, item("特定個人情報ファイル", "入手・使用", "入手元"))
    assert r.value == [
        {"評価実施機関内の他部署": "市民課、保険年金課、生活福祉課"},
        {"行政機関・独立行政法人等": "公的年金等の支払者、国税庁"},
    ]
    assert r.unsure.startswith("どの選択肢にもチェック記号が付いていません(括弧書きに記入のある")  # a guess


def test_no_mark_and_no_evidence_is_unread():
    # 002: 主な記録項目 all unchecked
    r = read_multi(
        '<ul style="list-style-type: none"> ・識別情報 [<input type="checkbox"/>] 個人番号 '
        '[<input type="checkbox"/>] 個人番号対応符号</ul>',
        RECORDS,
    )
    assert r.value is None and r.unsure == "どの選択肢にもチェック記号が付いていません"


def test_ocr_misread_option_is_matched_with_a_doubt():
    # 000/002: 市内連携システム for 庁内連携システム (quirk 36)
    r = read_multi('<input checked="" type="checkbox"/> 市内連携システム <input type="checkbox"/> 電子メール', CONNECT)
    assert r.value == ["庁内連携システム"] and any("市内連携システム" in d for d in r.doubts)


def test_option_spelling_variant():
    # 000: 5情報 printed for the form's 4情報
    r = read_multi("[○] 5情報(氏名、氏名の振り仮名、性別、生年月日、住所) [○] 連絡先(電話番号等)", RECORDS)
    assert r.value == ["4情報(氏名、性別、生年月日、住所)", "連絡先(電話番号等)"]


# -- choice forms (quirks 21–23) -----------------------------------------------------
@pytest.mark.parametrize(
    "cell, it, expected",
    [
        (
            "<div>＜選択肢＞</div> <div>1) 1,000人未満</div> <div>4) 10万人以上30万人未満</div> <div>[10万人以上30万人未満]</div>",
            PEOPLE,
            "10万人以上30万人未満",
        ),  # value after the options (000)
        (
            "<選択肢> [特に力を入れて行っている] 1) 特に力を入れて行っている 2) 十分に行っている",
            EDU,
            "特に力を入れて行っている",
        ),
        (
            "<p>〔 十分である 〕</p> <p>＜選択肢＞ 1) 特に力を入れている 2) 十分である 3) 課題が残されている</p>",
            ENOUGH,
            "十分である",
        ),
        (
            "[    十分に行っている    ]\t<選択肢> 1) 特に力を入れて行っている 2) 十分に行っている",
            EDU,
            "十分に行っている",
        ),  # 004
        (
            '<input type="checkbox"/> 10人以上50人未満] <ul style="list-style-type: none"> ＜選択肢＞ 1) 10人未満 2) 10人以上50人未満',
            USERS,
            "10人以上50人未満",
        ),  # 002
        (
            '<input type="checkbox"/> 10人以上50人未満 [] <ul style="list-style-type: none"> <選択肢> 1) 10人未満',
            USERS,
            "10人以上50人未満",
        ),
        (
            "<div>システム用ファイル</div> <div> <選択肢> 1) システム用ファイル 2) その他の電子ファイル(表計算ファイル等) </div>",
            item("特定個人情報ファイル", "基本情報", "ファイルの種類"),
            "システム用ファイル",
        ),  # bare value (000)
        (
            "[ 10万人以上30万人未満 ]\t&lt;選択肢&gt; 1) 1,000人未満 3) 1万人以上10万人未満\t2) 1,000人以上1万人未満",
            PEOPLE,
            "10万人以上30万人未満",
        ),  # 004, escaped marker, 2 columns
    ],
)
def test_choice_forms(cell, it, expected):
    r = read_choice(cell, it)
    assert r.value == expected and not r.doubts


def test_choice_outside_the_form_is_matched_with_a_doubt():
    # 000:650 a choice drawn as checkboxes with a non-form option text
    r = read_choice(
        '<div> <input type="checkbox"/> 十分に行っている <input checked="" type="checkbox"/> 十分に力を入れて行っている '
        '<input type="checkbox"/> 十分に行っていない </div>',
        EDU,
    )
    assert r.value == "特に力を入れて行っている" and r.doubts
    r = read_choice("[十分にしている]\t<選択肢> 1) 特に力を入れて行っている 2) 十分にしている", EDU)
    assert r.value == "十分に行っている" and r.doubts


def test_choice_with_no_mark_is_unread():
    # 002: 従業員に対する教育・啓発 with both boxes empty
    r = read_choice('<input type="checkbox"/> 十分に行っている <input type="checkbox"/> 十分に行っていない', EDU)
    assert r.value is None and r.unsure == "どの選択肢にもチェック記号が付いていません"


# -- COUNT quirks (25) -------------------------------------------------------------
def test_counts():
    # 000: "(3) 件" split over divs, looks like option "3)"
    assert (
        read_count(
            "<div> <div>委託する</div> <div> <div>＜選択肢＞</div> <div>1) 委託する</div> <div>2) 委託しない</div> </div> </div> "
            "<div> <div>(</div> <div>3) 件</div> <div>)</div> </div>"
        )
        == 3
    )
    assert read_count("[ 委託する ] <選択肢> 1) 委託する 2) 委託しない ( 6 ) 件") == 6  # 004 spaces
    cell = '[<input checked="" type="checkbox"/>] 提供を行っている () 件 [] 移転を行っている () 件 [] 行っていない'
    assert read_count(cell, "提供を行っている") is None  # 002 empty
    assert (
        read_count(
            '[<input checked="" type="radio"/>] 提供を行っている (98) 件 [<input type="radio"/>] 移転を行っている (26) 件',
            "移転を行っている",
        )
        == 26
    )


def test_a_count_selects_its_option():
    doc = _doc("""5. 特定個人情報の提供・移転(委託に伴うものを除く。)\t
提供・移転の有無\t[ <input checked="" type="checkbox"/> ] 提供を行っている ( 4 ) 件 [ <input type="checkbox"/> ] 移転を行っている ( 1 ) 件 [ ] 行っていない
""")
    pt = doc["特定個人情報ファイル"][0]["提供・移転"]
    assert pt["有無"] == ["提供を行っている", "移転を行っている"]
    assert (pt["提供件数"], pt["移転件数"]) == (4, 1)
    assert any("件数が 1 件" in n["理由"] for n in doc["取込メモ"])


# -- body: label variants, layouts, nothing dropped ---------------------------------------
def _doc(body: str) -> dict:
    text = "特定個人情報保護評価書(重点項目評価書)\n\nⅡ 特定個人情報ファイルの概要\n\n" + body
    return import_text(text).data


def test_label_variants_and_layouts():
    text = """特定個人情報保護評価書(重点項目評価書)

I 基本情報

1. 特定個人情報ファイルを取り扱う事務
①事務の名称\t児童手当に関する事務
6. 評価実施機関における担当部署\t
①部署\tこども局 こども育成部 こども支援課
②所属長\tこども支援課長

Ⅱ 特定個人情報ファイルの概要

1. 特定個人情報ファイル名\t
(1) 個人住民税賦課情報ファイル\t
2. 基本情報\t
① ファイルの種類 ※\t<div>システム用ファイル</div> <div> <選択肢> 1) システム用ファイル 2) その他の電子ファイル(表計算ファイル等) </div>
③ 対象となる本人の範囲 ※\t熊谷市民、熊谷市以外の課税対象者
\tその必要性\t住民税の適正な収納管理のため
4. 特定個人情報ファイルの取扱いの委託\t\t
委託の有無 ※\t[ 委託する ] <選択肢> 1) 委託する 2) 委託しない ( 1 ) 件\t
<b>委託事項1</b>\t\t
①委託内容\t児童手当システムのアプリケーション保守作業\t
③委託先名 株式会社 エヌ・ティ・ティ・データ関西\t\t
再委託\t④再委託の有無 ※\t[ 再委託する ] <選択肢> 1) 再委託する 2) 再委託しない

### Ⅲ リスク対策 ※(7. ②を除く。)

#### 1. 特定個人情報ファイル名

個人住民税賦課情報ファイル

<p>3. 特定個人情報の使用</p>\t\t
<p>リスク1: 目的を超えた紐付け、事務に必要なでない情報との紐付けが行われるリスク</p>\t\t
リスクへの対策は十分な\t[十分である]\t<選択肢> 1) 特に力を入れている 2) 十分である 3) 課題が残されている
<p>4. 特定個人情報ファイルの取扱いの委託 [] 委託しない</p>\t\t
**8. 監査**

実施の有無      [  ] 自己点検                      [○] 内部監査
9. 従業員に対する教育・啓発\t
従業員に対する教育・啓発\t[十分に行っている] <選択肢> 1) 特に力を入れて行っている
"""
    d = import_text(text).data
    assert d["基本情報"]["担当部署"]["所属長の役職名"] == "こども支援課長"  # ②所属長
    f = d["特定個人情報ファイル"][0]
    assert f["名称"] == "個人住民税賦課情報ファイル"
    assert f["基本情報"]["ファイルの種類"] == "システム用ファイル"
    assert f["基本情報"]["その必要性"] == "住民税の適正な収納管理のため"  # sub-label in column 2
    t = f["委託"]["委託事項"][0]
    assert t["委託先名"] == "株式会社 エヌ・ティ・ティ・データ関西"  # label and value in one cell
    assert t["再委託の有無"] == "再委託する"  # 3 columns
    r = d["リスク対策"][0]
    assert r["ファイル名"] == "個人住民税賦課情報ファイル"
    assert r["委託"]["委託しない"] is False  # flag in the heading cell
    assert r["使用"]["リスク1"]["リスクへの対策は十分か"] == "十分である"  # 十分な, 必要なでない
    assert r["監査"]["実施の有無"] == ["内部監査"]  # no tab
    assert r["従業者に対する教育・啓発"]["従業者に対する教育・啓発"] == "十分に行っている"  # 従業員


def test_unplaced_lines_go_to_import_notes():
    # a stray line the form has no place for, and a label repeated (004: two ①システムの名称)
    text = """特定個人情報保護評価書(重点項目評価書)

I 基本情報

2. 特定個人情報ファイルを取り扱う事務において使用するシステム
システム6
①システムの名称\tサービス検索・電子申請機能(マイナポータル/ポータルサービス)

①システムの名称\t\tサービス検索・電子申請機能(マイナポータル)びったりサービス\t
③他のシステムとの接続\t[○] 宛名システム等
[illegible]
"""
    imp = import_text(text)
    notes = {n["行"]: n for n in imp.data["取込メモ"]}
    lines = text.split("\n")
    dup = lines.index("①システムの名称\t\tサービス検索・電子申請機能(マイナポータル)びったりサービス\t") + 1
    assert "二度" in notes[dup]["理由"]
    assert notes[lines.index("[illegible]") + 1]["本文"] == "[illegible]"
    # the printed number is kept on the system (システム6 alone: not 1, 2, 3), not noted
    assert [e.get("番号") for e in imp.data["基本情報"]["システム"]] == [6]
    assert not any("原文の番号" in n["理由"] for n in imp.data["取込メモ"])
    # every non-blank line is placed somewhere
    acc = imp.stats["accounted"]
    assert all(acc.get(i + 1) for i, l in enumerate(lines) if l.strip())


def test_label_printed_mid_value():
    # 000: lines of ②法令上の根拠 printed before its label (quirk 2)
    d = _doc_i("""5. 情報提供ネットワークシステムによる情報連携 ※\t\t
①実施の有無\t[実施する]\t<選択肢> 1) 実施する 2) 実施しない 3) 未定
\t・番号法第十九条第八号に基づく利用
②法令上の根拠\t92 94条1号ニ、3号イ、4号イ
\t96 98条4号 98 100条1号
""")
    v = d["基本情報"]["情報連携"]
    assert v["実施の有無"] == "実施する"
    assert (
        v["法令上の根拠"]
        == "・番号法第十九条第八号に基づく利用\n\n92 94条1号ニ、3号イ、4号イ\n\n96 98条4号 98 100条1号"
    )


def _doc_i(body: str) -> dict:
    return import_text("特定個人情報保護評価書(重点項目評価書)\n\nI 基本情報\n\n" + body).data


def test_truncated_cell_is_noted():
    # 000: a cell cut mid-word by the extraction (quirk 39)
    d = _doc_i("6. 評価実施機関における担当部署\t\n①部署\t不正な名寄せが行われるリスクに対応してい\n")
    assert d["基本情報"]["担当部署"]["部署"].endswith("対応してい")
    assert any("途中で切れて" in n["理由"] for n in d["取込メモ"])


# -- 別添2 ----------------------------------------------------------------------------
def _rows(text: str):
    notes, acc = Notes(), {}
    lines = list(enumerate(text.split("\n"), 1))
    rows, stats = changelog.parse(lines, FORM, notes, acc)
    return rows, stats, notes


def test_change_log_continuations_and_repeated_headers():
    rows, stats, _ = _rows("""(別添2)変更箇所

変更日\t項目\t変更前の記載\t変更後の記載\t提出時期\t提出時期に係る説明
令和1年10月4日\tI 基本情報 5. 情報提供ネットワークシステムによる情報連携 ②法令上の根拠\t<p>・番号利用法第19条第7号</p>\t<p>・番号利用法第19条第8号</p>\t事前\t

令和1年10月4日\t同上\t37 23条2号\t38 24条2号
-----------\t----\t--\t--\t----\t----

令和1年10月4日\t同上\t<p>94 47条1項</p>\t<p>97 48条</p>\t事前\t
令和1年12月17日\t<p>Ⅱ. 特定個人情報ファイルの概要(1)</p> <p>4. 委託事項1</p> <p>④再委託の有無</p>\t再委託しない\t再委託する\t事前\t

## (別添2)変更箇所

変更日\t項目\t変更前の記載\t変更後の記載\t提出時期\t提出時期に係る説明
令和5年9月4日\tI 6①部署\t健康福祉局 子ども未来部 子ども支援課\tこども局 こども育成部 こども支援課\t事後\t組織変更に伴う単なる名称変更であるため、重要な変更には該当しない。

--\t--\t--\t--\t--\t--
""")
    assert stats == {"physical": 5, "merged": 2, "rows": 3, "unsure": 0}
    first = rows[0]
    assert first["変更日"] == "2019-10-04" and first["提出時期"] == "事前"
    assert first["変更前の記載"] == "・番号利用法第19条第7号\n\n37 23条2号\n\n94 47条1項"
    assert rows[1]["項目"] == "Ⅱ. 特定個人情報ファイルの概要(1)\n\n4. 委託事項1\n\n④再委託の有無"
    assert rows[2]["提出時期に係る説明"].startswith("組織変更")


def test_same_item_on_the_same_day_is_not_a_continuation_without_a_page_break():
    # 000: two 保管場所 rows of the same date are two changes
    rows, stats, _ = _rows(
        "平成30年12月18日\tⅡ 6. 保管場所\tA\tB\t事前\t\n平成30年12月18日\tⅡ 6. 保管場所\tC\tD\t事前\t\n"
    )
    assert stats["rows"] == 2


@pytest.mark.parametrize(
    "written, iso",
    [
        ("令和1年10月4日", "2019-10-04"),
        ("令和元年5月1日", "2019-05-01"),
        ("2015/2/25", "2015-02-25"),
        ("H30.5.21", "2018-05-21"),
        ("<p>平成30年12月18日</p>", "2018-12-18"),
        ("平成29年8月30日.", "2017-08-30"),
    ],
)
def test_change_dates(written, iso):
    rows, _, _ = _rows(f"{written}\tV1①実施日\t平成26年12月22日\t平成29年8月30日\t事前\t")
    assert rows[0]["変更日"] == iso


def test_a_date_that_is_not_a_date_keeps_its_text():
    rows, _, _ = _rows("平成28年12月(予定)\tII 2⑤保有開始日\t平成27年6月予定\t平成28年12月\t事前\t")
    assert rows[0]["変更日"] == "平成28年12月(予定)" and "日付として読めません" in rows[0]["備考"]
    rows, _, _ = _rows("令和2年3月29日\t評価の再実施\t\t\t\t5年経過前の評価の再実施")
    assert "提出時期" not in rows[0] and rows[0]["提出時期に係る説明"] == "5年経過前の評価の再実施"


# -- end to end --------------------------------------------------------------------
SEED_FIGURES = {
    # stem: (form, change-log rows in the source, rows imported, systems, 委託先)
    "000_2291bdb7c9ff38d3": (
        "重点項目評価書",
        140,
        135,  # 7 of them rows after a page break with the date and item of the row before (要確認)
        12,
        {"株式会社KSKテクノサポート", "株式会社ジーシーシー", "株式会社アイヴィジット"},
    ),
    "001_c1917c492a0e6abc": ("変更箇所一覧", 11, 11, 1, {"富士通株式会社"}),
    "002_b811fdfc73e7ad83": (
        "重点項目評価書",
        62,
        62,
        5,
        {"日本電気株式会社岩手支店", "一般社団法人花巻地域農業管理センター"},
    ),
    "004_b59fdad0dd46cf5a": (
        "重点項目評価書",
        112,
        112,
        5,
        {
            "株式会社 エヌ・ティ・ティ・データ関西",
            "株式会社 熊本計算センター",
            "日本電気株式会社 熊本支店",
            "株式会社エヌ・ティ・ティ・データ関西",
            "アイピーシステム株式会社",
            "株式会社 スーブル",
        },
    ),
}


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("content")
    result = {}
    for stem in SEED_FIGURES:
        src = SEEDS / f"{stem}.txt"
        imp = import_file(src)
        org = out / stem[:3]
        write(imp, src, org / f"{stem[:3]}.yaml", repo_root=ROOT)
        result[stem] = imp
    return out, result


@pytest.mark.parametrize("stem", list(SEED_FIGURES))
def test_seed_report_figures(imported, stem):
    form, physical, rows, n_sys, itaku = SEED_FIGURES[stem]
    f = measure(stem, imported[1][stem])
    assert f.form == form
    assert f.changes["physical"] == physical and f.changes["rows"] == rows
    assert len(f.systems) == n_sys
    assert {t for _, t in f.itaku if t} == itaku
    assert f.coverage >= 95.0
    assert f.html_tags == 0
    data = imported[1][stem].data
    if form == "変更箇所一覧":
        assert [s["名称"] for s in data["システム"]] == ["証明書自動交付システム"]
        assert data["評価実施機関名"] == "新宿区"
        assert all(r.get("ページ") for r in data["一覧"][:8])
    # every source line ends in a value, the layout, or 取込メモ
    acc = imported[1][stem].stats["accounted"]
    text = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8").split("\n")
    assert all(acc.get(i + 1) in ("value", "layout", "note", "blank") for i, l in enumerate(text) if l.strip())


def test_000_change_log_rows_merged_across_pages(imported):
    rows = imported[1]["000_2291bdb7c9ff38d3"].data["変更箇所"]
    merged = [r for r in rows if r["変更日"] == "2019-10-04"]
    assert len(merged) == 1 and "94 47条1項" in merged[0]["変更前の記載"] and "37 23条2号" in merged[0]["変更後の記載"]


def test_imported_seeds_pass_check_and_hold_no_html(imported):
    out, _ = imported
    files = sorted(out.rglob("*.yaml"))
    assert len(files) == 4
    r = piasite("check", str(out), cwd=ROOT)
    assert r.returncode == 0, r.stderr
    for p in files:
        text = p.read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=")
        data = yaml.load(text.replace("!要確認", "!uncertain"), Loader=_Editor)
        notes = data.pop("取込メモ", [])  # quotes the source lines verbatim, markup included
        body = yaml.dump(data, Dumper=YAML_DUMPER, allow_unicode=True)
        assert not re.search(r"</?(p|div|input|ul|li|span|table|td|tr|b|u|small|br)\b", body), p
        # a note quotes its source line verbatim and whole, once per line
        src = (
            (SEEDS / f"{next(s for s in SEED_FIGURES if s.startswith(p.stem))}.txt")
            .read_text(encoding="utf-8")
            .split("\n")
        )
        lines = [n["行"] for n in notes if n["行"]]
        assert len(lines) == len(set(lines)), p
        assert all(n["本文"] == src[n["行"] - 1] for n in notes if n["行"]), p


class _Editor(YAML_LOADER):  # !要確認 read as its plain mapping (原文, 行, 理由, 読み)
    pass


_Editor.add_constructor("!uncertain", _Editor.construct_mapping)


def test_committed_content_passes_check_and_holds_no_html():
    r = piasite("check", "content", cwd=ROOT)
    assert r.returncode == 0, r.stderr
    for p in (ROOT / "content").rglob("*.yaml"):
        assert not re.search(
            r"</?(p|div|input|ul|li|span|table|td|tr|b|u|small|br)\b", p.read_text(encoding="utf-8")
        ), p


def test_cli_import_writes_yaml_and_prints_the_report(tmp_path):
    src = SEEDS / "001_c1917c492a0e6abc.txt"
    r = piasite("import", str(src), "--out", str(tmp_path), cwd=ROOT)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "001_c1917c492a0e6abc.yaml"
    data = yaml.load(out.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    assert data["様式"] == "変更箇所一覧" and data["委託事項"][0]["委託先名"] == "富士通株式会社"
    assert "原文のページ参照 10 件とページのない区切り 1 件 → 11 件" in r.stdout
    r = piasite("import", "--report", str(src), cwd=ROOT)
    assert r.returncode == 0 and "取込メモ" in r.stdout
    r = piasite("import", str(tmp_path / "missing.txt"), cwd=ROOT)
    assert r.returncode == 1 and r.stderr.startswith("エラー:") and "Traceback" not in r.stderr


def test_report_renders_every_figure(imported):
    text = render([measure(s, i) for s, i in imported[1].items()])
    assert (
        "原文 140 行 → 135 件 (ページをまたぐ続きの行 5 行を結合、前の行の続きかもしれない行 7 行は別の件として要確認)"
        in text
    )
    assert "富士通株式会社" in text and "HTML タグの残り: 0 個" in text


def test_values_the_checker_rejects_move_to_import_notes(tmp_path):
    # a count contradicting the listed 委託事項 (000's change log shows such counts): the output must pass check
    text = """特定個人情報保護評価書(重点項目評価書)

Ⅱ 特定個人情報ファイルの概要

1. 特定個人情報ファイル名\t
(1) 収納管理ファイル\t
4. 特定個人情報ファイルの取扱いの委託\t\t
委託の有無 ※\t[委託する] <選択肢> 1) 委託する 2) 委託しない (2) 件\t
委託事項1\tシステム保守業務\t
③委託先名\t株式会社ジーシーシー\t
"""
    imp = import_text(text)
    itaku = imp.data["特定個人情報ファイル"][0]["委託"]
    assert "件数" not in itaku and itaku["委託事項"][0]["委託先名"] == "株式会社ジーシーシー"
    assert any("検査に通らない" in n["理由"] and n["本文"] == "2" for n in imp.data["取込メモ"])
    out = tmp_path / "city" / "x.yaml"
    write(imp, Path("x.txt"), out)
    r = piasite("check", str(out), cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "必須項目" in r.stderr and "取込メモを見て書き足してください" in r.stderr  # missing parts: warnings


def test_json_schema_accepts_the_committed_content():
    import datetime as dt
    import json

    from tests.conftest import schema_validator

    def plain(v):
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v.isoformat() if isinstance(v, dt.date) else v

    from piasite.checks.load import content_files  # assessments only, not content/aliases.yaml

    class Editor(YAML_LOADER):  # as the editor reads the tags (.vscode/settings.json): their plain nodes
        pass

    Editor.add_constructor("!uncertain", Editor.construct_mapping)
    Editor.add_constructor(
        "!withheld",
        lambda loader, node: (
            loader.construct_scalar(node)
            if isinstance(node, yaml.ScalarNode)
            else loader.construct_sequence(node)
            if isinstance(node, yaml.SequenceNode)
            else loader.construct_mapping(node)
        ),
    )
    for p in content_files(ROOT / "content"):
        text = p.read_text(encoding="utf-8")
        schema = json.loads((p.parent / text.split("\n", 1)[0].split("=", 1)[1]).read_text(encoding="utf-8"))
        data = yaml.load(text.replace("!要確認", "!uncertain").replace("!非公表", "!withheld"), Loader=Editor)
        errors = list(schema_validator(schema).iter_errors(plain(data)))
        assert not errors, (p, errors[0].message)


def test_change_list_entries_pages_and_reasons():
    # 001: page and reason in one cell, a page on its own line, `<p>94</p> <p>…</p>`
    text = """
変更または追記した箇所\tページ\t事由等
-------------\t-----\t-----

I 基本情報

2. 特定個人情報ファイルを取り扱う事務において使用するシステム\t\t
システム11\t\t
①システムの名称\t証明書自動交付システム\t8 コンビニ交付サービス実施のため追記
②システムの機能\t<p>1 データ連携機能 税務情報トータルシステムから賦課・収納に関するデータを日々連携する。</p>\t

変更または追記した箇所\tページ\t事由等
I 基本情報

(別添1)事務の内容

14 コンビニ交付サービス実施のため追記

- 住民税の収納管理業務

変更または追記した箇所\tページ\t事由等
7. 特定個人情報の保管・消去\t\t
特定個人情報の保管・消去におけるその他のリスク及びそのリスクに対する措置\t\t
\t<p><u><キオスク端末における措置></u> ・<u>個人番号カードの取り忘れ防止のため</u></p>\t<p>94</p> <p>コンビニ交付サービス実施のため追記</p>
委託事項3\t証明書自動交付システムの保守業務\t49
⑥委託先名\t富士通株式会社\t

※ 青字下線部分は、9月5日の差替えによる追加箇所です。
"""
    imp = import_text(text)
    d = imp.data
    assert d["様式"] == "変更箇所一覧"
    rows = d["一覧"]
    assert "変更箇所" not in d
    assert [r.get("ページ") for r in rows] == [8, 14, 94, 49]
    assert (
        rows[0]["箇所"]
        == "I 基本情報 2. 特定個人情報ファイルを取り扱う事務において使用するシステム システム11 ①システムの名称"
    )
    assert rows[0]["事由"] == "コンビニ交付サービス実施のため追記" and "データ連携機能" in rows[0]["抜粋"]
    assert rows[1]["箇所"] == "I 基本情報 (別添1)事務の内容" and rows[1]["抜粋"] == "- 住民税の収納管理業務"
    assert rows[2]["箇所"].endswith("その他のリスク及びそのリスクに対する措置") and "<" not in rows[2]["抜粋"].replace(
        "<キオスク端末における措置>", ""
    )
    assert d["システム"] == [{"名称": "証明書自動交付システム"}]
    assert d["委託事項"] == [{"名称": "証明書自動交付システムの保守業務", "委託先名": "富士通株式会社"}]
    assert "青字下線部分" in d["注記"]
    assert any("下線" in n["理由"] for n in d["取込メモ"])
