"""Text layouts real extractors make of the form's table (issue 19, Deliver 2), read by the form's
label sequence and by what each value is (importer/reflow.py): a page flattened into one stream,
labels of a merged label column printed before their values, a label printed in the middle of its
tall value. What the layout does not settle is !要確認 with the reason, never a silent guess.

The small texts are of invented organisations (北見台町, 南沢市); the real excerpts are
tests/fixtures/public/ (K1 flattened, K2 line per line, Z2 labels before values)."""

from __future__ import annotations

from piasite.forms.registry import load_form
from piasite.importer import import_file, import_text
from piasite.importer.reflow import assign, reflow
from piasite.model.reader import Uncertain
from tests.conftest import FIXTURES

PUBLIC = FIXTURES / "public"
KISO_TITLE = "特定個人情報保護評価書(基礎項目評価書)\n"
ZEN_TITLE = "特定個人情報保護評価書(全項目評価書)\n"

# 北見台町's 基礎 as a page-to-one-line extraction prints it: the cover, Ⅰ and Ⅱ 1, each page one line
FLAT = (
    "特定個人情報保護評価書(基礎項目評価書) 評価書番号 評価書名 12 児童扶養手当の支給に関する事務 基礎項目評価書 "
    "個人のプライバシー等の権利利益の保護の宣言 北見台町は、児童扶養手当の支給に関する事務における特定個人情報ファイルの"
    "取扱いにあたり、適切な措置を講じ、個人のプライバシー等の権利利益の保護に取り組んでいることを宣言する。 特記事項 なし "
    "評価実施機関名 北見台町長 公表日 令和6年4月1日 [令和6年10月 様式2]\n"
    "Ⅰ 関連情報 1.特定個人情報ファイルを取り扱う事務 ①事務の名称 ②事務の概要 ③システムの名称 児童扶養手当の支給に関する事務 "
    "児童扶養手当法に基づき、受給資格の認定及び手当の支給を行う。 1.児童扶養手当システム 2.中間サーバー "
    "2.特定個人情報ファイル名 児童扶養手当情報ファイル 3.個人番号の利用 法令上の根拠 番号法 第9条第1項 別表 項番37 "
    "4.情報提供ネットワークシステムによる情報連携 ①実施の有無 ②法令上の根拠 [ 実施する ] <選択肢> 1) 実施する 2) 実施しない "
    "3) 未定 番号法 第19条第8号 5.評価実施機関における担当部署 ①部署 ②所属長の役職名 こども家庭課 こども家庭課長 "
    "6.他の評価実施機関 なし\n"
    "Ⅱ しきい値判断項目 1.対象人数 評価対象の事務の対象人数は何人か いつ時点の計数か [ 1,000人以上1万人未満 ] <選択肢> "
    "1) 1,000人未満(任意実施) 2) 1,000人以上1万人未満 3) 1万人以上10万人未満 4) 10万人以上30万人未満 5) 30万人以上 "
    "令和6年3月1日 時点\n"
)


def _reasons(imp) -> list[str]:
    return [n["理由"] for n in imp.data.get("取込メモ", [])]


# -- a page flattened into one stream ---------------------------------------------------------


def test_a_flattened_page_is_read_by_the_forms_labels_in_order():
    imp = import_text(FLAT)
    d = imp.data
    assert d["評価書番号"] == 12 and d["評価書名"] == "児童扶養手当の支給に関する事務 基礎項目評価書"
    assert d["評価実施機関名"] == "北見台町長" and d["公表日"] == "2024-04-01" and d["様式の版"] == "令和6年10月"
    assert d["特記事項"] == "なし" and d["個人のプライバシー等の権利利益の保護の宣言"].endswith("宣言する。")
    jimu = d["関連情報"]["事務"]
    assert jimu == {
        "名称": "児童扶養手当の支給に関する事務",
        "概要": "児童扶養手当法に基づき、受給資格の認定及び手当の支給を行う。",
        "システムの名称": ["児童扶養手当システム", "中間サーバー"],
    }
    rel = d["関連情報"]
    assert rel["特定個人情報ファイル名"] == ["児童扶養手当情報ファイル"]
    # 法令上の根拠 twice in the form: each where the cursor reads it
    assert rel["個人番号の利用"]["法令上の根拠"] == "番号法 第9条第1項 別表 項番37"
    assert rel["情報連携"] == {"実施の有無": "実施する", "法令上の根拠": "番号法 第19条第8号"}
    assert rel["担当部署"] == {"部署": "こども家庭課", "所属長の役職名": "こども家庭課長"}
    assert rel["他の評価実施機関"] == "なし"
    assert d["しきい値判断項目"]["対象人数"] == {"人数": "1,000人以上1万人未満", "時点": "令和6年3月1日 時点"}
    assert not any("取り込めません" in r or "判断できません" in r for r in _reasons(imp))


def test_the_real_flattened_excerpt_places_what_it_prints():
    """K1 (赤磐市, expydoc): labels first, values after, `-` for an empty text, an option list cut
    short by the excerpt (…)."""
    d = import_file(PUBLIC / "K1_akaiwa_kiso_expydoc_oneline.txt").data
    rel = d["関連情報"]
    assert rel["事務"] == {
        "名称": "保育料の決定事務",
        "概要": "保育所利用者の保育料の算出、決定を行う。保育料の収納管理を行う。",
        "システムの名称": ["保育システム"],
    }
    assert rel["特定個人情報ファイル名"] == ["入所者ファイル"]
    assert rel["個人番号の利用"]["法令上の根拠"] == "番号法 第9条第1項 別表第一 項番8"
    # `-`: the empty 法令上の根拠's mark, kept as the same text read line by line keeps it
    assert rel["情報連携"] == {"実施の有無": "実施しない", "法令上の根拠": "-"}
    assert rel["担当部署"] == {"部署": "子育て支援課", "所属長の役職名": "(氏名)"}
    assert rel["他の評価実施機関"] == "なし"
    assert d["しきい値判断項目"]["対象人数"] == {"人数": "1,000人以上1万人未満"}  # 時点 not in the excerpt


def test_a_value_that_reads_as_a_later_label_is_not_taken_for_it():
    """`2.中間サーバー` among the systems is a value (2.特定個人情報ファイル名 is the next item, not
    `2.` alone); a label the form expects much later (リスク対策's) inside a value is a value."""
    text = KISO_TITLE + (
        "Ⅰ 関連情報 1.特定個人情報ファイルを取り扱う事務 ①事務の名称 ②事務の概要 ③システムの名称 児童手当の支給に関する事務 "
        "受給資格を認定し、手当を支給する。 1.児童手当システム 2.中間サーバー 2.特定個人情報ファイル名 児童手当ファイル "
        "3.個人番号の利用 法令上の根拠 番号法 別表 リスクへの対策は十分か 4.情報提供ネットワークシステムによる情報連携 "
        "①実施の有無 [ 実施しない ] <選択肢> 1) 実施する 2) 実施しない 3) 未定\n"
    )
    rel = import_text(text).data["関連情報"]
    assert rel["事務"]["システムの名称"] == ["児童手当システム", "中間サーバー"]
    assert rel["特定個人情報ファイル名"] == ["児童手当ファイル"]
    assert rel["個人番号の利用"]["法令上の根拠"] == "番号法 別表 リスクへの対策は十分か"
    assert rel["情報連携"]["実施の有無"] == "実施しない"


def test_flattened_values_the_layout_does_not_settle_are_uncertain():
    """Two names and one value: 部署 or 所属長? The layout does not say: both !要確認."""
    text = KISO_TITLE + (
        "Ⅰ 関連情報 5.評価実施機関における担当部署 ①部署 ②所属長の役職名 こども家庭課 6.他の評価実施機関 なし\n"
    )
    rel = import_text(text).data["関連情報"]
    dept = rel["担当部署"]
    assert isinstance(dept["部署"], Uncertain) and isinstance(dept["所属長の役職名"], Uncertain)
    assert dept["部署"].source == "こども家庭課" and "値の区切り" in dept["部署"].reason
    assert rel["他の評価実施機関"] == "なし"


def test_a_line_with_a_label_or_two_is_not_a_flattened_page():
    """`６．情報提供ネットワークシステムとの接続　□ 接続しない（入手）…`: a heading and the boxes of its row."""
    form = load_form("基礎項目評価書")
    lines = list(
        enumerate(
            [
                KISO_TITLE.strip(),
                "Ⅳ リスク対策",
                "６．情報提供ネットワークシステムとの接続　□ 接続しない（入手）　■ 接続しない（提供）",
            ],
            1,
        )
    )
    assert [(n, str(r)) for n, r in reflow(form, lines)] == lines


# -- labels of a merged label column first, then their values ---------------------------------


def test_labels_printed_before_their_values_get_them_by_what_each_is():
    """Three labels, then seven lines: the name is one line; the systems are the lines numbered
    from 1 (the 概要's own ① is not a system); the wrapped 概要 line is joined."""
    text = KISO_TITLE + (
        "Ⅰ 関連情報\n1.特定個人情報ファイルを取り扱う事務\n①事務の名称\n②事務の概要\n③システムの名称\n"
        "児童扶養手当の支給に関する事務\n"
        "児童扶養手当法に基づき、受給資格の認定、手当額の決定、支払及び現況届の受付を行う。特定個\n"
        "人情報ファイルは、以下の場合に使用する。\n①受給資格者の所得の確認\n"
        "1.児童扶養手当システム\n2.団体内統合宛名システム\n3.中間サーバー\n"
        "2.特定個人情報ファイル名\n児童扶養手当情報ファイル\n"
    )
    jimu = import_text(text).data["関連情報"]["事務"]
    assert jimu["名称"] == "児童扶養手当の支給に関する事務"
    assert jimu["概要"] == (
        "児童扶養手当法に基づき、受給資格の認定、手当額の決定、支払及び現況届の受付を行う。"
        "特定個人情報ファイルは、以下の場合に使用する。\n\n①受給資格者の所得の確認"
    )
    assert jimu["システムの名称"] == ["児童扶養手当システム", "団体内統合宛名システム", "中間サーバー"]


def test_two_paragraph_items_and_hard_wrapped_lines_are_uncertain():
    """①事務実施上の必要性 / ②実現が期待されるメリット, then three wrapped lines, in a text that prints
    its labels first (Ⅰ 1 shows it): where the first text ends is not in the values: both items
    !要確認, quoting the lines, the guess never a value."""
    text = ZEN_TITLE + (
        "Ⅰ 基本情報\n1.特定個人情報ファイルを取り扱う事務\n①事務の名称\n②事務の内容\n③対象人数\n"
        "住民基本台帳に関する事務\n住民の居住関係を公証し、住民基本台帳を作成する。\n[30万人以上]\n"
        "4.特定個人情報ファイルを取り扱う理由\n①事務実施上の必要性\n②実現が期待されるメリット\n"
        "住民の異動を正確に記録し、各種の行政サービスの基礎とするため、個人番号を住民票に記載する必\n"
        "要がある。転入及び転出の手続において本人確認を確実に行うことで、\n"
        "住民の利便性の向上と行政事務の効率化が図られる。\n"
        "5.個人番号の利用\n法令上の根拠\n住民基本台帳法\n"
    )
    d = import_text(text).data["基本情報"]
    why = d["取り扱う理由"]
    for key in ("事務実施上の必要性", "実現が期待されるメリット"):
        assert isinstance(why[key], Uncertain), key
        assert "決まりません" in why[key].reason and "住民の利便性の向上" in why[key].source
    assert d["事務"]["名称"] == "住民基本台帳に関する事務" and d["個人番号の利用"]["法令上の根拠"] == "住民基本台帳法"


def test_a_choice_printed_after_a_text_is_found_by_its_brackets():
    """Z2 (相模原市): ②事務の内容 and ③対象人数 printed first, the choice's bracket split over lines."""
    d = import_file(PUBLIC / "Z2_sagamihara_zenkoumoku_expydoc_lines.txt").data
    jimu = d["基本情報"]["事務"]
    assert jimu["対象人数"] == "30万人以上"
    assert jimu["内容"].startswith("①個人住民税に関する事務\n\n②固定資産税・都市計画税に関する事務")


def test_an_empty_label_followed_by_a_label_and_its_value_is_read_as_before():
    """`①事務の名称` / `②事務の概要` / one sentence: the name cannot be a sentence, so the name is empty
    and the sentence the 概要 (the values settle it)."""
    text = KISO_TITLE + (
        "Ⅰ 関連情報\n1.特定個人情報ファイルを取り扱う事務\n①事務の名称\n②事務の概要\n"
        "受給資格を認定し、手当を支給する。\n③システムの名称\n児童手当システム\n"
    )
    jimu = import_text(text).data["関連情報"]["事務"]
    assert "名称" not in jimu and jimu["概要"] == "受給資格を認定し、手当を支給する。"


def test_assign_by_kinds_and_shapes():
    form = load_form("基礎項目評価書")
    name, summary, systems = (form.item_at(("関連情報", "事務", k)) for k in ("名称", "概要", "システムの名称"))
    # n labels, n values: in order
    assert assign([name, summary, systems], ["甲事務", "甲を行う。", "甲システム"], lines=True) == [
        ["甲事務"],
        ["甲を行う。"],
        ["甲システム"],
    ]
    # a sentence is not a name; numbered names count from 1
    assert assign([summary, systems], ["甲を行う。", "1.甲システム", "2.乙システム"], lines=True) == [
        ["甲を行う。"],
        ["1.甲システム", "2.乙システム"],
    ]
    # two names, one value: not settled
    assert assign([name, systems], ["甲事務"], lines=True) is None
    choice = form.item_at(("関連情報", "情報連携", "実施の有無"))
    basis = form.item_at(("関連情報", "情報連携", "法令上の根拠"))
    units = ["[", "実施する", "]", "<選択肢>", "1)", "実施する", "2)", "実施しない", "3)", "未定", "番号法"]
    assert assign([choice, basis], units, lines=False) == [units[:10], ["番号法"]]


# -- a label printed in the middle of its tall value ------------------------------------------


def test_a_label_printed_mid_value_gives_the_lines_above_it_to_its_item():
    text = KISO_TITLE + (
        "Ⅰ 関連情報\n1.特定個人情報ファイルを取り扱う事務\n①事務の名称\n児童扶養手当の支給に関する事務\n"
        "児童扶養手当法に基づき、受給資格の認定、手当額の決定を行う。\n②事務の概要\n"
        "特定個人情報ファイルは、受給資格者の所得の確認に使用する。\n③システムの名称\n児童扶養手当システム\n"
    )
    jimu = import_text(text).data["関連情報"]["事務"]
    assert jimu["名称"] == "児童扶養手当の支給に関する事務"
    assert jimu["概要"] == (
        "児童扶養手当法に基づき、受給資格の認定、手当額の決定を行う。\n\n"
        "特定個人情報ファイルは、受給資格者の所得の確認に使用する。"
    )
    assert jimu["システムの名称"] == ["児童扶養手当システム"]


def test_a_name_wrapped_at_the_cell_edge_stays_the_name():
    text = KISO_TITLE + (
        "Ⅰ 関連情報\n1.特定個人情報ファイルを取り扱う事務\n①事務の名称\n災害時における被災者台帳の作成及び被災者支援に関す\n"
        "る事務\n②事務の概要\n災害対策基本法に基づき、被災者台帳を作成する。\n"
    )
    jimu = import_text(text).data["関連情報"]["事務"]
    assert jimu["名称"] == "災害時における被災者台帳の作成及び被災者支援に関する事務"
    assert jimu["概要"] == "災害対策基本法に基づき、被災者台帳を作成する。"


def test_a_second_line_that_may_finish_the_name_or_open_the_text_is_uncertain():
    text = KISO_TITLE + (
        "Ⅰ 関連情報\n1.特定個人情報ファイルを取り扱う事務\n①事務の名称\n南沢市における被災者台帳の作成及び被災者支援に関す\n"
        "る事務の実施に当たり、被災者の援護を総合的かつ効率的に\n②事務の概要\n実施するため、被災者台帳を作成する。\n"
    )
    jimu = import_text(text).data["関連情報"]["事務"]
    assert isinstance(jimu["名称"], Uncertain) and "2 行目が名称の続きか" in jimu["名称"].reason
    assert "被災者の援護" in jimu["名称"].source
    assert isinstance(jimu["概要"], Uncertain)  # where it begins is as open


def test_the_real_line_per_line_excerpt_is_read_as_before():
    """K2 (内子町): label, then value, hard-wrapped: no layout to rewrite, nothing uncertain."""
    d = import_file(PUBLIC / "K2_uchiko_kiso_expydoc_lines.txt").data
    jimu = d["関連情報"]["事務"]
    assert jimu["名称"] == "児童手当の支給に関する事務"
    assert jimu["システムの名称"] == ["児童手当システム", "ID連携サーバ(団体内統合利用番号連携サーバ)", "中間サーバ"]
    assert not any(isinstance(v, Uncertain) for v in jimu.values())


def test_a_flattened_zenkoumoku_with_its_contents_and_system_elements():
    """南沢市's 全項目, page by page: the 項目一覧's part headings start nothing, システム1 / システム2
    are elements of their group, a multi-choice's boxes are the rest of the values after its label."""
    text = (
        "特定個人情報保護評価書(全項目評価書) 評価書番号 評価書名 3 介護保険に関する事務 全項目評価書 評価実施機関名 南沢市長 "
        "公表日 令和6年7月1日 [令和6年10月 様式4] 項目一覧 Ⅰ 基本情報 Ⅱ 特定個人情報ファイルの概要 "
        "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策\n"
        "Ⅰ 基本情報 1.特定個人情報ファイルを取り扱う事務 ①事務の名称 介護保険に関する事務 ②事務の内容 "
        "介護保険法に基づき、被保険者の資格管理及び保険給付を行う。 ③対象人数 [ 10万人以上30万人未満 ] <選択肢> 1) 1,000人未満 "
        "2) 1,000人以上1万人未満 3) 1万人以上10万人未満 4) 10万人以上30万人未満 5) 30万人以上 "
        "2.特定個人情報ファイルを取り扱う事務において使用するシステム システム1 ①システムの名称 ②システムの機能 "
        "③他のシステムとの接続 介護保険システム 資格管理、賦課及び給付の管理を行う。 [○] 庁内連携システム "
        "[ ] 住民基本台帳ネットワークシステム [○] 宛名システム等 システム2 ①システムの名称 中間サーバー ②システムの機能 "
        "情報照会及び情報提供を行う。\n"
    )
    d = import_text(text).data
    assert d["評価書番号"] == 3 and d["評価実施機関名"] == "南沢市長" and d["公表日"] == "2024-07-01"
    kihon = d["基本情報"]
    assert kihon["事務"]["対象人数"] == "10万人以上30万人未満"
    assert kihon["システム"] == [
        {
            "名称": "介護保険システム",
            "機能": "資格管理、賦課及び給付の管理を行う。",
            "他のシステムとの接続": ["庁内連携システム", "宛名システム等"],
        },
        {"名称": "中間サーバー", "機能": "情報照会及び情報提供を行う。"},
    ]


def test_labels_first_with_boxes_and_an_option_list_printed_before_its_bracket():
    text = ZEN_TITLE + (
        "Ⅰ 基本情報\n1.特定個人情報ファイルを取り扱う事務\n①事務の名称\n②事務の内容 ※\n③対象人数\n"
        "介護保険に関する事務\n介護保険法に基づき、被保険者の資格管理及び保険給付を行う。\n"
        "<選択肢> 1) 1,000人未満 2) 1,000人以上1万人未満 3) 1万人以上10万人未満 4) 10万人以上30万人未満 "
        "5) 30万人以上 [10万人以上30万人未満]\n"
        "2.特定個人情報ファイルを取り扱う事務において使用するシステム\nシステム1\n"
        "①システムの名称\n②システムの機能\n③他のシステムとの接続\n"
        "介護保険システム\n資格管理、賦課及び給付の管理を行う。\n"
        "☑ 庁内連携システム　☐ 住民基本台帳ネットワークシステム　☑ 宛名システム等\n"
    )
    kihon = import_text(text).data["基本情報"]
    assert kihon["事務"] == {
        "名称": "介護保険に関する事務",
        "内容": "介護保険法に基づき、被保険者の資格管理及び保険給付を行う。",
        "対象人数": "10万人以上30万人未満",
    }
    system = kihon["システム"][0]
    assert system["名称"] == "介護保険システム" and system["機能"] == "資格管理、賦課及び給付の管理を行う。"
    assert system["他のシステムとの接続"] == ["庁内連携システム", "宛名システム等"]


def test_a_label_printed_mid_value_with_its_value_beside_it():
    """The same tall cell where each label shares its line with a value (a table's cells, or
    separated by a full-width space): the line under the name is the 概要's first."""
    for sep in ("\t", "\u3000"):
        text = KISO_TITLE + (
            f"Ⅰ 関連情報\n1.特定個人情報ファイルを取り扱う事務\n①事務の名称{sep}児童扶養手当の支給に関する事務\n"
            "児童扶養手当法に基づき、受給資格の認定、手当額の決定を行う。\n"
            f"②事務の概要{sep}特定個人情報ファイルは、受給資格者の所得の確認に使用する。\n"
            f"③システムの名称{sep}児童扶養手当システム\n"
        )
        jimu = import_text(text).data["関連情報"]["事務"]
        assert jimu["名称"] == "児童扶養手当の支給に関する事務", sep
        assert jimu["概要"].startswith("児童扶養手当法に基づき") and jimu["概要"].endswith("使用する。"), sep


def test_a_short_second_line_that_may_be_the_names_is_uncertain_in_both_items():
    """`子育て支援課長` / `(兼務)` / `6.他の評価実施機関`: the name's second line or the next item's
    first? Neither item is given a guess."""
    text = KISO_TITLE + (
        "Ⅰ 関連情報\n5.評価実施機関における担当部署\n①部署\n子育て支援課\n②所属長の役職名\n子育て支援課長\n(兼務)\n"
        "6.他の評価実施機関\nなし\n"
    )
    rel = import_text(text).data["関連情報"]
    assert rel["担当部署"]["部署"] == "子育て支援課"
    assert isinstance(rel["担当部署"]["所属長の役職名"], Uncertain)
    assert isinstance(rel["他の評価実施機関"], Uncertain)
    assert "(兼務)" in rel["他の評価実施機関"].source


def test_labels_first_under_a_heading_the_form_prints_in_several_processes():
    """Ⅲ 2 リスク1 (its heading printed again under later processes): the three measures printed
    first, then their three sentences, land under this risk."""
    text = ZEN_TITLE + (
        "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策\n1.特定個人情報ファイル名\n(1) 介護保険情報ファイル\n"
        "2.特定個人情報の入手(情報提供ネットワークシステムを通じた入手を除く。)\nリスク1: 目的外の入手が行われるリスク\n"
        "対象者以外の情報の入手を防止するための措置の内容\n必要な情報以外を入手することを防止するための措置の内容\n"
        "その他の措置の内容\n届出の受付時に、本人確認書類により本人であることを確認している。\n"
        "定められた様式の届出書を用いる。\n－\n"
    )
    risk = import_text(text).data["リスク対策"][0]["入手"]["リスク1"]
    assert (
        risk["対象者以外の情報の入手を防止するための措置の内容"]
        == "届出の受付時に、本人確認書類により本人であることを確認している。"
    )
    assert risk["必要な情報以外を入手することを防止するための措置の内容"] == "定められた様式の届出書を用いる。"
    assert risk["その他の措置の内容"] == "－"


def test_bare_labels_in_a_text_that_never_prints_labels_first_are_empty_items():
    """`その内容` / `再発防止策の内容` / `その他の措置の内容`, then a text of several lines, in a text
    whose other labels all come with their values: the first two are empty, as printed one under
    the other (nothing in the text says its labels come first)."""
    text = ZEN_TITLE + (
        "Ⅰ 基本情報\n1.特定個人情報ファイルを取り扱う事務\n①事務の名称\n住民基本台帳に関する事務\n"
        "4.特定個人情報ファイルを取り扱う理由\n①事務実施上の必要性\n②実現が期待されるメリット\n"
        "住民の異動を正確に記録し、各種の行政サービスの基礎とするため、個人番号を住民票に記載する必\n"
        "要がある。転入及び転出の手続において本人確認を確実に行うことで、\n"
        "住民の利便性の向上と行政事務の効率化が図られる。\n"
    )
    why = import_text(text).data["基本情報"]["取り扱う理由"]
    assert "事務実施上の必要性" not in why
    assert why["実現が期待されるメリット"].endswith("効率化が図られる。")


# -- labels centred in their cells, one after another (a chain read by the counts) ---------------

_CENTRED_KISO = KISO_TITLE + (
    "Ⅰ 関連情報\n1.特定個人情報ファイルを取り扱う事務\n①事務の名称\n北見台町児童手当支給事務\n"
    "児童手当法に基づき、受給資格の認定及び手当の支給を行う。\n②事務の概要\n"
    "特定個人情報ファイルは、受給資格者の所得の確認に使用する。\n児童手当システム\n③システムの名称\n"
    "団体内統合宛名システム\n中間サーバー\n2.特定個人情報ファイル名\n児童手当情報ファイル\n3.個人番号の利用\n"
)


def test_labels_centred_in_a_column_of_tall_cells_give_each_value_its_lines():
    """Of a value of n lines, n // 2 print above its label: the 概要's first line above ②, the first
    system above ③; a file name ends in ファイル (the system list's last name is not one)."""
    rel = import_text(_CENTRED_KISO).data["関連情報"]
    assert rel["事務"] == {
        "名称": "北見台町児童手当支給事務",
        "概要": "児童手当法に基づき、受給資格の認定及び手当の支給を行う。\n\n"
        "特定個人情報ファイルは、受給資格者の所得の確認に使用する。",
        "システムの名称": ["児童手当システム", "団体内統合宛名システム", "中間サーバー"],
    }
    assert rel["特定個人情報ファイル名"] == ["児童手当情報ファイル"]


def test_centred_labels_whose_lines_the_counts_and_shapes_do_not_settle_are_uncertain():
    """The same column, the file named without ファイル: three systems and one file, or two and
    two? Every item of the chain whose lines differ between the two is !要確認, none guessed."""
    rel = import_text(_CENTRED_KISO.replace("児童手当情報ファイル", "児童手当台帳")).data["関連情報"]
    assert rel["事務"]["名称"] == "北見台町児童手当支給事務"
    for value in (rel["事務"]["システムの名称"], rel["特定個人情報ファイル名"]):
        assert isinstance(value, Uncertain) and "値の途中に印字" in value.reason
        assert "中間サーバー" in value.source and "児童手当台帳" in value.source


def test_a_multi_choices_boxes_printed_round_its_label_are_its_value():
    """Box rows above and below ③他のシステムとの接続 are its value; the 機能's second line, above
    them, is the 機能's; システム1 prints no name under its heading."""
    text = ZEN_TITLE + (
        "Ⅰ 基本情報\n2.特定個人情報ファイルを取り扱う事務において使用するシステム\nシステム1\n①システムの名称\n"
        "南沢市介護保険システム\n資格管理及び保険料の賦課を行う。\n②システムの機能\n給付の管理を行う。\n"
        "[○] 庁内連携システム [ ] 住民基本台帳ネットワークシステム\n③他のシステムとの接続\n"
        "[○] 宛名システム等 [ ] 税務システム\nシステム2\n①システムの名称\n中間サーバー\n"
    )
    system = import_text(text).data["基本情報"]["システム"][0]
    assert system == {
        "名称": "南沢市介護保険システム",
        "機能": "資格管理及び保険料の賦課を行う。\n\n給付の管理を行う。",
        "他のシステムとの接続": ["庁内連携システム", "宛名システム等"],
    }


def test_a_part_that_is_one_text_has_its_label_centred_too():
    """(別添1) 事務の内容 is a label like any other: the lines above it, after 他の評価実施機関's
    `－`, are its first ones."""
    text = ZEN_TITLE + (
        "Ⅰ 基本情報\n7.評価実施機関における担当部署\n①部署\n南沢市健康福祉部介護保険課\n②所属長の役職名\n介護保険課長\n"
        "8.他の評価実施機関\n－\n1.被保険者の資格を管理する。\n(別添1) 事務の内容\n2.保険料を賦課し、収納する。\n"
        "Ⅱ 特定個人情報ファイルの概要\n"
    )
    d = import_text(text).data
    assert d["基本情報"]["他の評価実施機関"] == "－"
    assert d["事務の内容"] == "1.被保険者の資格を管理する。\n\n2.保険料を賦課し、収納する。"


def test_an_option_numbered_10_wrapped_onto_its_line_is_the_choices():
    text = ZEN_TITLE + (
        "Ⅱ 特定個人情報ファイルの概要\n1.特定個人情報ファイル名\n介護保険情報ファイル\n6.特定個人情報の保管・消去\n"
        "①保管場所\n庁舎内のサーバ室に保管する。\n②保管期間\n[ 5年 ]\n<選択肢>\n"
        "1) 1年未満 2) 1年 3) 2年 4) 3年 5) 4年 6) 5年\n7) 6年以上10年未満 8) 10年以上20年未満 9) 20年以上\n"
        "10) 定められていない\nその妥当性\n南沢市文書管理規程による。\n"
    )
    kept = import_text(text).data["特定個人情報ファイル"][0]["保管・消去"]
    assert kept["保管期間"] == "5年" and kept["その妥当性"] == "南沢市文書管理規程による。"


def test_a_tall_value_after_a_choices_wrapped_options_is_read_from_its_first_line():
    """使用者数's bracket and options wrapped over four lines (one row again), then ⑧使用方法 and the
    values after it printed with each label inside its value: 権利利益's sentence cut at the cell's
    edge by its label goes on after it, the lines right after the options are 使用方法's."""
    filled = "西ヶ丘市では{}について定めにより記載する。"
    text = ZEN_TITLE + (
        "Ⅱ 特定個人情報ファイルの概要\n1.特定個人情報ファイル名\n西ヶ丘市国民健康保険情報ファイル\n"
        "3. 特定個人情報の入手・使用\n③入手の時期・頻度\n" + filled.format("入手の時期") + "\n"
        "④入手に係る妥当性\n"
        + filled.format("入手の妥当性")
        + "\n"
        + filled.format("使用目的")
        + "\n西ヶ丘市の補足として段落を記す。\n⑥使用目的 ※\n- 西ヶ丘市項目のA\n"
        "- 西ヶ丘市項目のB\n⑦使用の主体 使用部署 ※\n西ヶ丘市保険年金課\n使用者数\n[ 10人未満 ]\n<選択肢>\n"
        "1) 10人未満 2) 10人以上50人未満 3) 50人以上100人未満\n4) 100人以上500人未満 5) 500人以上1,000人未満\n"
        "6) 1,000人以上\n⑧使用方法 ※\n" + filled.format("使用方法") + "\n" + filled.format("情報の突合") + "\n"
        "西ヶ丘市の補足として第二段落を記す。\n情報の突合 ※\n- 西ヶ丘市突合のA\n- 西ヶ丘市突合のB\n情報の統計分析 ※\n"
        + filled.format("統計分析")
        + "\n西ヶ丘市では権利利益に影響を与え得る決定について定めにより記載す\n"
        "権利利益に影響を与え得る決定 ※\nる。\n⑨使用開始日\n平成30年12月\n"
    )
    use = import_text(text).data["特定個人情報ファイル"][0]["入手・使用"]
    assert use["使用者数"] == "10人未満"
    assert use["使用方法"] == filled.format("使用方法")
    assert use["権利利益に影響を与え得る決定"] == "西ヶ丘市では権利利益に影響を与え得る決定について定めにより記載する。"


def test_labels_inside_their_values_right_after_a_run_of_labels_printed_first():
    """①保管場所 and ②保管期間 printed first, their values after them (the text shows that layout);
    then その妥当性 … (別添2) each label inside its value: the lines above (別添2), after 備考's, are its."""
    cut = "西ヶ丘市では{}について西ヶ丘市個人情報保護条例及び同施行規則の定めにより記載す"
    filled = "西ヶ丘市では{}について定めにより記載する。"
    text = ZEN_TITLE + (
        "Ⅱ 特定個人情報ファイルの概要\n1.特定個人情報ファイル名\n西ヶ丘市国民健康保険情報ファイル\n"
        "3. 特定個人情報の入手・使用\n⑤本人への明示\n"
        + filled.format("本人への明示")
        + "\n"
        + cut.format("使用目的")
        + "\n⑥使用目的 ※\nる。\n⑧使用方法 ※\n"
        + filled.format("使用方法")
        + "\n"
        + cut.format("情報の突合")
        + "\n情報の突合 ※\nる。\n⑨使用開始日\n平成30年12月\n"
        "6. 特定個人情報の保管・消去\n①保管場所 ※\n②保管期間\n" + filled.format("保管場所") + "\n"
        "[ 1年未満 ]\n<選択肢>\n1) 1年未満 2) 1年 3) 2年 4) 3年 5) 4年 6) 5年\n"
        "7) 6年以上10年未満 8) 10年以上20年未満 9) 20年以上\n10) 定められていない\n"
        "その妥当性\n"
        + filled.format("妥当性")
        + "\n③消去方法\n"
        + filled.format("消去方法")
        + "\n7. 備考\n"
        + filled.format("備考")
        + "\n"
        + cut.format("記録項目")
        + "\n(別添2) 特定個人情報ファイル記録項目\nる。\n"
        "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策 ※\n"
    )
    d = import_text(text).data
    kept = d["特定個人情報ファイル"][0]["保管・消去"]
    assert kept["保管場所"] == filled.format("保管場所") and kept["保管期間"] == "1年未満"
    assert d["特定個人情報ファイル"][0]["備考"] == filled.format("備考")
    assert d["特定個人情報ファイル記録項目"] == cut.format("記録項目") + "る。"


def test_a_label_inside_its_value_after_a_run_of_labels_left_open_is_uncertain_too():
    """①②③ printed first, their values after them, the run not settled by the values (a 概要 of
    several lines, then names): the lines run on to 2.特定個人情報ファイル名 printed inside its value, so
    the file name's first line may be among them — the file name is !要確認 too, never the half
    below its label alone."""
    text = KISO_TITLE + (
        "Ⅰ 関連情報\n1.特定個人情報ファイルを取り扱う事務\n①事務の名称\n②事務の概要\n③システムの名称\n"
        "北見台町介護保険事務\n介護保険法に基づき、以下の事務を行う。\n①被保険者の資格の管理\n②保険料の賦課及び徴収\n"
        "介護保険システム\n中間サーバー\n介護保険資格情報ファイル\n2. 特定個人情報ファイル名\n介護保険給付情報ファイル\n"
        "3. 個人番号の利用\n番号法 第9条第1項\n法令上の根拠\n番号法別表の主務省令で定める事務を定める命令 第50条\n"
        "4.情報提供ネットワークシステムによる情報連携\n①実施の有無\n②法令上の根拠\n[ 実施する ]\n<選択肢>\n"
        "1) 実施する 2) 実施しない 3) 未定\n番号法 第19条第8号\n5.評価実施機関における担当部署\n①部署\n②所属長の役職名\n"
        "介護保険課\n介護保険課長\n"
    )
    rel = import_text(text).data["関連情報"]
    assert isinstance(rel["事務"]["概要"], Uncertain)
    files = rel["特定個人情報ファイル名"]
    assert isinstance(files, Uncertain), files
    assert "介護保険資格情報ファイル" in files.source and "区切れません" in files.reason
    # the values a settled run gives stay as they are
    assert rel["担当部署"] == {"部署": "介護保険課", "所属長の役職名": "介護保険課長"}
    assert rel["情報連携"]["実施の有無"] == "実施する"


def test_the_last_value_of_a_run_of_labels_printed_first_gives_its_tail_to_a_label_inside_the_next():
    """②保管期間 and その妥当性 printed first, then the choice and the 妥当性's sentence; ③消去方法 is
    printed inside its value: the line cut at the cell's edge above it opens the 消去方法, whose
    tail is under the label — it is not the end of the 妥当性."""
    cut = "西ヶ丘市では{}について西ヶ丘市個人情報保護条例及び同施行規則の定めにより記載す"
    filled = "西ヶ丘市では{}について定めにより記載する。"
    text = ZEN_TITLE + (
        "Ⅱ 特定個人情報ファイルの概要\n1.特定個人情報ファイル名\n西ヶ丘市国民健康保険情報ファイル\n"
        "3. 特定個人情報の入手・使用\n⑤本人への明示\n"
        + filled.format("本人への明示")
        + "\n"
        + cut.format("使用目的")
        + "\n⑥使用目的 ※\nる。\n⑨使用開始日\n平成30年12月\n"
        "6. 特定個人情報の保管・消去\n①保管場所 ※\n" + filled.format("保管場所") + "\n②保管期間\nその妥当性\n"
        "[ 1年未満 ]\n<選択肢>\n1) 1年未満 2) 1年 3) 2年 4) 3年 5) 4年 6) 5年\n"
        "7) 6年以上10年未満 8) 10年以上20年未満 9) 20年以上\n10) 定められていない\n"
        + filled.format("妥当性")
        + "\n"
        + cut.format("消去方法")
        + "\n③消去方法\nる。\n7. 備考\n"
        + filled.format("備考")
        + "\nⅢ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策 ※\n"
    )
    for printed in (text, text.replace("その妥当性\n[", "その妥当性\n\n[")):  # a page break before the values
        kept = import_text(printed).data["特定個人情報ファイル"][0]["保管・消去"]
        assert kept["保管期間"] == "1年未満"
        assert kept["その妥当性"] == filled.format("妥当性")
        assert kept["消去方法"] == cut.format("消去方法") + "る。"


def test_where_the_run_s_last_value_and_the_next_centred_value_meet_unseen_both_are_uncertain():
    """The same, the line above ③消去方法 a whole sentence: the 妥当性's second paragraph or the
    消去方法's first line — the lines do not say, both !要確認 quoting them, neither guessed."""
    filled = "西ヶ丘市では{}について定めにより記載する。"
    text = ZEN_TITLE + (
        "Ⅱ 特定個人情報ファイルの概要\n1.特定個人情報ファイル名\n西ヶ丘市国民健康保険情報ファイル\n"
        "3. 特定個人情報の入手・使用\n⑤本人への明示\n"
        + filled.format("本人への明示")
        + "\n西ヶ丘市では使用目的について西ヶ丘市個人情報保護条例及び同施行規則の定めにより記載す"
        "\n⑥使用目的 ※\nる。\n⑨使用開始日\n平成30年12月\n"
        "6. 特定個人情報の保管・消去\n①保管場所 ※\n" + filled.format("保管場所") + "\n②保管期間\nその妥当性\n"
        "[ 1年未満 ]\n<選択肢>\n1) 1年未満 2) 1年 3) 2年 4) 3年 5) 4年 6) 5年\n"
        "7) 6年以上10年未満 8) 10年以上20年未満 9) 20年以上\n10) 定められていない\n"
        + filled.format("妥当性")
        + "\n"
        + filled.format("消去方法")
        + "\n③消去方法\n紙媒体は溶解により廃棄する。\n7. 備考\n"
        + filled.format("備考")
        + "\nⅢ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策 ※\n"
    )
    broken = text.replace("<選択肢>\n", "<選択肢>\n-----\n")  # a page break among the options
    for printed in (text, broken):
        kept = import_text(printed).data["特定個人情報ファイル"][0]["保管・消去"]
        assert kept["保管期間"] == "1年未満"
        for key in ("その妥当性", "消去方法"):
            value = kept[key]
            assert isinstance(value, Uncertain), (key, value)
            assert filled.format("消去方法") in value.source and "決まりません" in value.reason


def test_a_page_break_between_a_values_upper_half_and_its_centred_label_keeps_the_half_its():
    """委託事項1's name under its heading, then 委託内容's first line (cut at the cell's edge), a page
    break (its footer read as a rule), ①委託内容 and the rest: the line above the break is the
    委託内容's, not the name's second line."""
    cut = "西ヶ丘市では{}について西ヶ丘市個人情報保護条例及び同施行規則の定めにより記載す"
    filled = "西ヶ丘市では{}について定めにより記載する。"
    text = ZEN_TITLE + (
        "Ⅱ 特定個人情報ファイルの概要\n1.特定個人情報ファイル名\n西ヶ丘市国民健康保険情報ファイル\n"
        "3. 特定個人情報の入手・使用\n⑤本人への明示\n"
        + filled.format("本人への明示")
        + "\n"
        + cut.format("使用目的")
        + "\n⑥使用目的 ※\nる。\n⑨使用開始日\n平成30年12月\n"
        "4. 特定個人情報ファイルの取扱いの委託\n委託事項1\n国民健康保険システムの運用保守\n"
        + cut.format("委託内容")
        + "\n-----\n-----\n①委託内容\nる。\n"
        "②取扱いを委託する特定個人情報ファイルの範囲\n[ 特定個人情報ファイルの全体 ]\n"
    )
    entrusted = import_text(text).data["特定個人情報ファイル"][0]["委託"]["委託事項"][0]
    assert entrusted["名称"] == "国民健康保険システムの運用保守"
    assert entrusted["委託内容"] == cut.format("委託内容") + "る。"


def test_a_choice_printed_as_boxes_fixes_the_line_after_it_for_labels_printed_inside_values():
    """A choice whose options print as boxes (☑ 甲 ☐ 乙) is its value's one line: what follows is the
    next items', a chain of labels printed inside their values read from there — the line above
    10. その他のリスク対策 (cut at the cell's edge) opens that value, it is not the 具体的な方法's end."""
    cut = "東谷町では{}について東谷町情報セキュリティ対策基準の定めにより年に一回以上記載す"
    text = "特定個人情報保護評価書(重点項目評価書)\n" + (
        "Ⅲ リスク対策 ※\n1. 特定個人情報ファイル名\n東谷町住民基本台帳ファイル\n"
        "9. 従業者に対する教育・啓発\n従業者に対する教育・啓発\n☑ 十分に行っている ☐ 十分に行っていない\n"
        "<東谷町における措置>\n"
        + cut.format("研修")
        + "\n具体的な方法\nる。\n○新採用職員を対象に研修を実施している。\n"
        + cut.format("その他のリスク対策")
        + "\n10. その他のリスク対策\nる。\n"
    )
    risk = import_text(text).data["リスク対策"][0]
    education = risk["従業者に対する教育・啓発"]
    assert education["従業者に対する教育・啓発"] == "十分に行っている"
    assert education["具体的な方法"] == (
        "<東谷町における措置>\n\n" + cut.format("研修") + "る。\n\n○新採用職員を対象に研修を実施している。"
    )
    assert risk["その他のリスク対策"] == cut.format("その他のリスク対策") + "る。"
