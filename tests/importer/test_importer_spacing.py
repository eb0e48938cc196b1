"""Copies printed with a space between every character (document-mirror sites, docsplayer-style;
examples.md §3.5): the spacing measured, the inter-character spaces removed, the real ones kept,
the form's labels put back with their circled numbers (importer/spacing.py, issue 19).

The texts are of invented organisations (東雲台市, 西ヶ丘町)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from piasite.forms.registry import load_form
from piasite.importer import import_text, spacing
from piasite.model.reader import Uncertain

_TOKEN = re.compile(r"[A-Za-z0-9.,]+|\S")
_CIRCLED = {chr(0x2460 + i): str(i + 1) for i in range(20)}


def spaced(text: str) -> str:
    """A text as a document-mirror copy prints it: a space between every character, a run of ASCII
    letters and digits whole, circled numbers as digits, all white space one space."""
    out = []
    for line in text.split("\n"):
        line = "".join(_CIRCLED.get(c, c) for c in line)
        out.append(" ".join(_TOKEN.findall(line)))
    return "\n".join(out)


KISO = """特定個人情報保護評価書(基礎項目評価書)
評価書番号
7
評価書名
後期高齢者医療に関する事務 基礎項目評価書
個人のプライバシー等の権利利益の保護の宣言
東雲台市は、後期高齢者医療に関する事務における特定個人情報ファイルの取扱いにあたり、適切な措置を講じ、個人のプライバシー等の権利利益の保護に取り組んでいることを宣言する。
特記事項
なし
評価実施機関名
東雲台市長
公表日
令和6年9月2日
[令和6年10月 様式2]
Ⅰ 関連情報
1. 特定個人情報ファイルを取り扱う事務
①事務の名称
後期高齢者医療に関する事務
②事務の概要
高齢者の医療の確保に関する法律に基づき、被保険者の資格管理及び保険料の徴収を行う。
③システムの名称
後期高齢者医療システム
Windows Server 2019 基盤
2. 特定個人情報ファイル名
後期高齢者医療情報ファイル
3. 個人番号の利用
法令上の根拠
番号法第9条第1項 別表の59の項
4. 情報提供ネットワークシステムによる情報連携
①実施の有無
[ 実施する ]
<選択肢>
1) 実施する 2) 実施しない 3) 未定
②法令上の根拠
番号法第19条第8号
5. 評価実施機関における担当部署
①部署
市民生活部 保険年金課
②所属長の役職名
保険年金課長
"""

PLAIN = [
    "特定個人情報保護評価書(基礎項目評価書)",
    "評価書番号 7 後期高齢者医療に関する事務 基礎項目評価書",
    "東雲台市は、後期高齢者医療に関する事務における特定個人情報ファイルの取扱いにあたり、",
]


# -- the spacing, measured -------------------------------------------------------------------------


def test_the_spacing_is_measured_as_the_share_of_lone_characters():
    copy = spaced(KISO).split("\n")
    assert spacing.share(copy) > 0.95
    assert spacing.share(KISO.split("\n")) < 0.05
    assert spacing.is_spaced(copy) and not spacing.is_spaced(KISO.split("\n"))
    assert not spacing.is_spaced(PLAIN)
    # a few spaced words in a text typed normally do not make it a spaced copy
    assert not spacing.is_spaced([*PLAIN, "氏 名", "住 所"])
    # too little text to tell: left as it is
    assert not spacing.is_spaced(["事 務"])


def test_a_text_typed_normally_is_not_despaced():
    lines = KISO.split("\n")
    assert spacing.despace(lines) == lines


# -- the spaces removed, the real ones kept ---------------------------------------------------------


def test_spaces_between_characters_go_and_ascii_words_keep_theirs():
    assert spacing.despace_line("番 号 法 第 9 条 第 1 項") == "番号法第9条第1項"
    assert spacing.despace_line("Windows Server 2019 基 盤") == "Windows Server 2019基盤"
    assert spacing.despace_line("〒 000 - 0000 東 雲 台 市") == "〒000-0000東雲台市"
    assert spacing.despace_line("IC カ ー ド") == "ICカード"
    # a real gap the copy kept (two spaces, a tab, an ideographic space) stays a gap
    assert spacing.despace_line("部 署  市 民 課") == "部署 市民課"
    assert spacing.despace_line("部 署\t市 民 課") == "部署\t市民課"


def test_the_forms_notation_gets_its_spaces_back():
    assert spacing.despace_line("[ ○ ] 紙 [ ] 専 用 線") == "[○] 紙 [ ] 専用線"
    assert spacing.despace_line("[ 実 施 す る ]") == "[ 実施する ]"
    assert spacing.despace_line("< 選 択 肢 >") == "<選択肢>"
    assert spacing.despace_line("1 ) 実 施 す る 2 ) 実 施 し な い 3 ) 未 定") == "1) 実施する 2) 実施しない 3) 未定"
    assert spacing.despace_line("1. 特 定 個 人 情 報 フ ァ イ ル 名") == "1. 特定個人情報ファイル名"
    assert spacing.despace_line("Ⅰ 関 連 情 報") == "Ⅰ 関連情報"
    assert spacing.despace_line("- ・ 施 錠 す る 。") == "- ・施錠する。"
    assert spacing.despace_line("☑ 個 人 番 号 ☐ 連 絡 先") == "☑ 個人番号 ☐ 連絡先"
    assert spacing.despace_line("使 用 者 数 ［ 50 人 未 満 ］") == "使用者数［ 50人未満 ］"
    # a number in brackets inside a value is not an option
    assert spacing.despace_line("フ ァ イ ル ( 1 ) の 記 載") == "ファイル(1)の記載"


_CJK_WORD = st.text(alphabet="東雲台市民課保険年金のにはをしてある、。アイウカード", min_size=1, max_size=8)
_ASCII_WORD = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,6}", fullmatch=True)


@st.composite
def _printed(draw) -> str:
    """A line as typed: Japanese words run together, ASCII words one space apart where two meet."""
    words = draw(st.lists(st.one_of(_CJK_WORD, _ASCII_WORD), min_size=1, max_size=8))
    out = ""
    for w in words:
        if out and out[-1].isascii() and out[-1].isalnum() and w[0].isascii():
            out += " "
        out += w
    return out


@given(_printed())
def test_spacing_then_despacing_a_line_gives_it_back(line):
    assert spacing.despace_line(spaced(line)) == line


# -- the form's labels put back --------------------------------------------------------------------


def test_a_digit_becomes_the_circled_number_only_where_the_label_says_so():
    kiso = load_form("基礎項目評価書")
    assert spacing.resync(kiso, ["1事務の名称", "2事務の概要", "1実施の有無"]) == [
        "①事務の名称",
        "②事務の概要",
        "①実施の有無",
    ]
    # a value's own number stays a digit (the copy destroyed its circle, if it had one)
    assert spacing.resync(kiso, ["1課税資料管理機能"]) == ["1課税資料管理機能"]


def test_a_label_and_its_value_on_one_line_are_put_apart():
    kiso = load_form("基礎項目評価書")
    juten = load_form("重点項目評価書")
    zen = load_form("全項目評価書")
    assert spacing.resync(kiso, ["1部署市民生活部保険年金課"]) == ["①部署\u3000市民生活部保険年金課"]
    # a row group's cell and its first sub-label; a label and its variant
    assert spacing.resync(juten, ["4使用の主体使用部署"]) == ["④使用の主体 使用部署"]
    assert spacing.resync(zen, ["2保管期間期間"]) == ["②保管期間 期間"]
    # a label beside its box
    assert spacing.resync(kiso, ["4.特定個人情報ファイルの取扱いの委託 [ ] 委託しない"]) == [
        "4. 特定個人情報ファイルの取扱いの委託 [ ] 委託しない"
    ]
    # a value the item's kind recognises after a short label: a date, the word for none
    assert spacing.resync(kiso, ["公表日令和6年9月2日", "特記事項なし"]) == [
        "公表日\u3000令和6年9月2日",
        "特記事項\u3000なし",
    ]
    # an element's heading and its name
    assert spacing.resync(juten, ["委託事項1課税資料のデータ入力業務"]) == ["委託事項1\u3000課税資料のデータ入力業務"]
    # a label's mark ※ after it: the label is certain, whatever follows
    assert spacing.resync(juten, ["主な記録項目※・識別情報 ☑ 個人番号"]) == [
        "主な記録項目 ※\u3000・識別情報 ☑ 個人番号"
    ]
    # words of a value that begin like a label: left as the value's line
    assert spacing.resync(juten, ["委託事項1と同じ"]) == ["委託事項1と同じ"]
    assert spacing.resync(juten, ["委託事項2"]) == ["委託事項2"]


# -- the import --------------------------------------------------------------------------------------


def test_a_spaced_copy_imports_as_the_text_it_copies():
    imp = import_text(spaced(KISO) + "\n")
    d = imp.data
    assert d["評価書番号"] == 7
    assert d["評価書名"] == "後期高齢者医療に関する事務基礎項目評価書"  # the space between two words is lost
    assert d["評価実施機関名"] == "東雲台市長" and d["公表日"] == "2024-09-02" and d["様式の版"] == "令和6年10月"
    jimu = d["関連情報"]["事務"]
    assert jimu["名称"] == "後期高齢者医療に関する事務"
    assert jimu["概要"].startswith("高齢者の医療の確保に関する法律に基づき")
    assert jimu["システムの名称"] == ["後期高齢者医療システム", "Windows Server 2019基盤"]
    rel = d["関連情報"]
    assert rel["情報連携"]["実施の有無"] == "実施する"
    assert rel["担当部署"] == {"部署": "市民生活部保険年金課", "所属長の役職名": "保険年金課長"}
    assert not any(isinstance(v, Uncertain) for v in jimu.values())


# -- the 変更箇所 table ------------------------------------------------------------------------------

CHANGES = """(別添) 変更箇所
変更日\t項目\t変更前の記載\t変更後の記載\t提出時期\t提出時期に係る説明
令和5年4月1日\tⅠ 5. ①部署\t市民部 保険年金課\t市民生活部 保険年金課\t事後\t組織改正による名称の変更
令和6年4月1日\tⅠ 4. ①実施の有無\t[ 未定 ]\t[ 実施する ]\t事前\t情報連携の開始
令和6年5月1日\tⅠ 9. 適用した理由\t(新設)\t別紙のとおり\t事後\t規則改正
令和6年6月1日\tⅡ 1. いつ時点の計数か\t令和5年4月1日\t令和6年4月1日\t事後\t
令和6年7月1日\tⅠ 8. 連絡先\t電話 000-000-0000\t電話 000-000-0001 事前に周知\t事後\t番号の変更
"""


def test_a_change_row_keeps_its_date_and_timing_and_its_open_cells_are_unsettled():
    imp = import_text(spaced(KISO + CHANGES) + "\n")
    rows = imp.data["変更箇所"]
    assert [r["変更日"] for r in rows] == ["2023-04-01", "2024-04-01", "2024-05-01", "2024-06-01", "2024-07-01"]
    first = rows[0]
    assert first["提出時期"] == "事後" and first["提出時期に係る説明"] == "組織改正による名称の変更"
    # where 変更前 ends and 変更後 begins is not in the copy: !要確認 with the row quoted, no guess
    for col in ("項目", "変更前の記載", "変更後の記載"):
        assert isinstance(first[col], Uncertain), col
        assert "字間に空白" in first[col].reason and "市民部保険年金課市民生活部保険年金課" in first[col].source
    # the text settles it: two bracketed choices, a 変更前 printed (新設), two dates
    assert (rows[1]["項目"], rows[1]["変更前の記載"], rows[1]["変更後の記載"]) == (
        "Ⅰ4.1実施の有無",
        "[ 未定 ]",
        "[ 実施する ]",
    )
    assert (rows[2]["変更前の記載"], rows[2]["変更後の記載"]) == ("(新設)", "別紙のとおり")
    assert (rows[3]["変更前の記載"], rows[3]["変更後の記載"]) == ("令和5年4月1日", "令和6年4月1日")
    assert rows[3]["項目"] == "Ⅱ1.いつ時点の計数か"
    # 事前 twice in the row (a word of a cell): the timing is not settled either
    last = rows[4]
    assert all(isinstance(last[c], Uncertain) for c in ("項目", "提出時期", "提出時期に係る説明"))


def test_a_value_whose_line_begins_with_a_labels_words_is_unsettled():
    # 期間 is a label (a variant of ②保管期間) and the first word of this value's second line: the
    # copy cannot tell a label and its value from the value's own words
    text = spaced(
        "特定個人情報保護評価書(全項目評価書)\nⅡ 特定個人情報ファイルの概要\n1. 特定個人情報ファイル名\n住民記録ファイル\n"
        "6. 特定個人情報の保管・消去\n①保管場所 ※\nデータセンターのサーバー室に保管する。\n"
        "期間は条例で定める。\n③消去方法\n保存期間を過ぎたデータは消去する。\n"
    )
    imp = import_text(text + "\n")
    place = imp.data["特定個人情報ファイル"][0]["保管・消去"]["保管場所"]
    assert isinstance(place, Uncertain) and "「期間」が項目名なのか記載の一部なのか" in place.reason
    assert imp.data["特定個人情報ファイル"][0]["保管・消去"]["消去方法"] == "保存期間を過ぎたデータは消去する。"
