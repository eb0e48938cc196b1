"""Text laid out in columns (`pdftotext -layout` of a PDF): label, sub-label and value at roughly
fixed columns, a cell's further lines indented to its column, a wrapped section label continued at
column 0 between the value's lines, a change table under its header row. The pre-pass
(piasite/importer/columns.py) reads it by the form's labels and the columns; other text is untouched."""

from __future__ import annotations

from piasite.forms.registry import load_form
from piasite.importer import import_text
from piasite.importer.columns import looks_columnar, rewrite

HEAD = "                         東雲村 福祉に関する事務     基礎項目評価書\n\n\n"
TITLE = "                      特定個人情報保護評価書(基礎項目評価書)\n"

PAGE1 = (
    HEAD + TITLE + "評価書番号              評価書名\n"
    "7                  福祉に関する事務   基礎項目評価書\n"
    "個人のプライバシー等の権利利益の保護の宣言\n"
    "東雲村は、福祉に関する事務における特定個人情報ファイルの取扱いにあたり、適切な措置を講じ\n"
    "ることを宣言する。\n"
    "特記事項\n－\n評価実施機関名\n\n東雲村長\n公表日\n令和7年2月3日\n"
    "                                                   [令和6年10月 様式2]\n\n\n"
    "                                        1/4\n"
)
PAGE2 = (
    "\f" + HEAD + TITLE + "Ⅰ 関連情報\n"
    "1. 特定個人情報ファイルを ①事務の名称            福祉に関する事務\n"
    "取り扱う事務\n"
    "               ②事務の概要            福祉法に基づき、受給者の資格管理及び給付に関する事務を行う。詳細は、別\n"
    "                                 の評価書を参照。\n"
    "                 ③システムの名称        福祉システム\n"
    "                                 団体内統合宛名システム\n"
    "                                 中間サーバー\n"
    "2. 特定個人情報ファイル名                   福祉情報ファイル\n"
    "5. 評価実施機関における担 ①部署               住民課   福祉係\n"
    "当部署\n"
    "               ②所属長の役職名          住民課長\n"
    "6. 他の評価実施機関                      －\n\n\n"
    "                                        2/4\n"
)
PAGE3 = (
    "\f" + HEAD + TITLE + "Ⅱ しきい値判断項目\n"
    "2. 取扱者数      特定個人情報ファイル取扱者数は500人以上 [ 500人未満 ]                <選択肢> 1) 500人以上 2) 500人未満\n"
    "             か\n"
    "             いつ時点の計数か                令和6年12月1日時点\n\n\n"
    "                                        3/4\n"
)
PAGE4 = (
    "\f" + HEAD + "変更箇所\n"
    "変更日          項目                      変更前の記載                 変更後の記載                      提出時期   提出時期に係る説明\n"
    "令和6年4月1日     Ⅰ 5. 評価実施機関における担当部署 ①   住民課              住民課　福祉係                     事後     組織改正による\n"
    "             部署\n"
    "令和7年1月6日     Ⅰ 1. 特定個人情報ファイルを取り扱う事 1. 福祉システム 2. 宛名システム 1. 福祉システム 2. 団体内統合宛 事前\n"
    "             務 ③システムの名称            3. 中間サーバー               名システム 3. 中間サーバー\n\n\n"
    "                                        4/4\n"
)
TEXT = PAGE1 + PAGE2 + PAGE3 + PAGE4


def test_cells_at_columns_are_read_by_the_forms_labels():
    imp = import_text(TEXT)
    rel = imp.data["関連情報"]
    assert rel["事務"]["名称"] == "福祉に関する事務"
    # a value's next line indented to its column joins the value; a wrapped section label does not
    assert (
        rel["事務"]["概要"].replace("\n", "")
        == "福祉法に基づき、受給者の資格管理及び給付に関する事務を行う。詳細は、別の評価書を参照。"
    )
    # a list of names, one a line: lines that would have fitted on the line before
    assert rel["事務"]["システムの名称"] == ["福祉システム", "団体内統合宛名システム", "中間サーバー"]
    assert rel["特定個人情報ファイル名"] == ["福祉情報ファイル"]
    # an ideographic space printed as a run of spaces inside a value opens no column
    assert rel["担当部署"]["部署"].split() == ["住民課", "福祉係"] and rel["担当部署"]["所属長の役職名"] == "住民課長"
    assert rel["他の評価実施機関"] == "－"
    # the cover's table: as many cells as its header (an ideographic space is no column)
    assert imp.data["評価書名"].split() == ["福祉に関する事務", "基礎項目評価書"]


def test_a_sub_label_wrapped_and_its_box_one_space_after_it():
    imp = import_text(TEXT)
    staff = imp.data["しきい値判断項目"]["取扱者数"]
    assert staff == {"500人以上か": "500人未満", "時点": "令和6年12月1日時点"}


def test_a_change_table_read_by_its_header_columns():
    rows = import_text(TEXT).data["変更箇所"]
    assert rows[0]["項目"] == "Ⅰ 5. 評価実施機関における担当部署 ①部署"
    assert rows[0]["提出時期"] == "事後" and rows[0]["提出時期に係る説明"] == "組織改正による"
    # cells one space apart: cut before the next cell's first character, never after a list's number
    assert rows[1]["項目"] == "Ⅰ 1. 特定個人情報ファイルを取り扱う事務 ③システムの名称"
    assert rows[1]["変更前の記載"].replace(" ", "") == "1.福祉システム2.宛名システム3.中間サーバー"
    assert rows[1]["提出時期"] == "事前"


def test_other_text_is_not_rewritten():
    form = load_form("基礎項目評価書")
    seeds = ["1. 特定個人情報ファイルを取り扱う事務", "①事務の名称\t福祉に関する事務"] * 20
    assert not looks_columnar(seeds) and rewrite(form, seeds) == seeds
    flat = [
        "Ⅰ 関連情報 1. 特定個人情報ファイルを取り扱う事務 ①事務の名称 福祉に関する事務 ②事務の概要 福祉法に基づき"
    ] * 30
    assert not looks_columnar(flat)
    assert looks_columnar(TEXT.split("\n"))


RISK = (
    "                      特定個人情報保護評価書(基礎項目評価書)\n"
    "Ⅳ リスク対策\n"
    "2. 特定個人情報の入手(情 目的外の入手が行われるリスクへの対策は [ 十分である ]                 <選択肢> 1) 特に力を入れている 2) 十分である\n"
    "報提供ネットワークシステ 十分か                                             3) 課題が残されている\n"
    "ムを通じた入手を除く。)\n"
    "7. 特定個人情報の保管・消 特定個人情報の漏えい・滅失・毀損リスク [ 課題が残されている ]          <選択肢> 1) 特に力を入れている 2) 十分である\n"
    "去              への対策は十分か                                               3) 課題が残されている\n"
)


def test_a_section_label_its_sub_label_and_box_on_one_line_with_single_spaces():
    # Chrome's PDFs through pdftotext -layout: no running header, cells one space apart
    lines = (TEXT.split("\f")[0] + RISK * 1).split("\n") + [""] * 2
    imp = import_text("\n".join(lines))
    risk = imp.data["リスク対策"]
    assert risk["入手"]["目的外の入手"] == "十分である"
    assert risk["保管・消去"]["漏えい・滅失・毀損"] == "課題が残されている"
