"""pdftotext without -layout (its reading order): a label cell's lines are printed as the cell wraps
them, between the lines of the cells beside it — a section's numbered label in pieces around the
labels inside it (`2. 特定個人情報ファイルの ①連絡先` / `取扱いに関する問合せ`), an item's long label over
several lines with a one-word value printed on its first line (`…(情報提供ネットワーク －`). The
pieces are the label's, never a value: read only where they spell the form's label to its end.

The texts are of an invented town (北見台町), built from the forms' labels."""

from __future__ import annotations

from piasite.forms.registry import load_form
from piasite.importer import import_text, reflow
from piasite.model.reader import Uncertain

ZEN = "特定個人情報保護評価書(全項目評価書)\n"
KISO = "特定個人情報保護評価書(基礎項目評価書)\n"


def test_a_section_label_wrapped_around_its_first_label_is_no_value():
    text = ZEN + (
        "Ⅴ 開示請求、問合せ\n1. 特定個人情報の開示・訂正・利用停止請求\n①請求先\n北見台町役場 総務課\n"
        "②請求方法\n書面により請求する。\n⑥個人情報ファイル簿への不記載等\n－\n"
        "2. 特定個人情報ファイルの ①連絡先\n取扱いに関する問合せ\n北見台町役場 税務課 電話 000-111-2222\n"
        "②対応方法\n記録を残す。\n"
    )
    part = import_text(text).data["開示請求・問合せ"]
    assert part["開示・訂正・利用停止請求"]["個人情報ファイル簿への不記載等"] == "－"
    assert part["問合せ"] == {"連絡先": "北見台町役場 税務課 電話 000-111-2222", "対応方法": "記録を残す。"}


def test_a_section_label_in_pieces_between_a_group_heading_and_its_labels():
    """`2. 特定個人情報ファイルを システム1` / `取り扱う事務において使用` / `①システムの名称` / `するシステム`:
    the last piece is the section's, not the system's name."""
    text = ZEN + (
        "Ⅰ 基本情報\n1. 特定個人情報ファイルを取り扱う事務\n①事務の名称\n北見台町の犬の登録に関する事務\n"
        "2. 特定個人情報ファイルを システム1\n取り扱う事務において使用\n①システムの名称\nするシステム\n"
        "北見台町畜犬台帳システム\n"
    )
    systems = import_text(text).data["基本情報"]["システム"]
    assert systems[0]["名称"] == "北見台町畜犬台帳システム"


def test_a_wrapped_section_label_with_a_flag_glued_to_its_piece():
    """`5. 特定個人情報の提供・移 [ ] 提供・移転しない転(…`: the box is the flag's, the rest the section's."""
    text = ZEN + (
        "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策\n1. 特定個人情報ファイル名\n畜犬台帳ファイル\n"
        "5. 特定個人情報の提供・移 [○] 提供・移転しない転（委託や情報提供ネット\n"
        "ワークシステムを通じた提供を除く。）\n"
    )
    risks = import_text(text).data["リスク対策"][0]
    assert risks["提供・移転"]["提供・移転しない"] is True


def test_a_long_label_over_three_lines_with_its_dash_on_the_first():
    text = ZEN + (
        "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策\n1. 特定個人情報ファイル名\n畜犬台帳ファイル\n"
        "6. 情報提供ネットワークシステムとの接続\n"
        "情報提供ネットワークシステムとの接続に －\n伴うその他のリスク及びそのリスクに対す\nる措置\n"
        "7. 特定個人情報の保管・消去\n"
    )
    risks = import_text(text).data["リスク対策"][0]
    assert risks["情報提供ネットワークシステムとの接続"]["その他のリスク"] == "－"


def test_pieces_that_do_not_spell_a_label_stay_values():
    """A value opening like a section's label but going on otherwise is a value."""
    text = KISO + (
        "Ⅰ 関連情報\n1. 特定個人情報ファイルを取り扱う事務\n①事務の名称\n北見台町の犬の登録に関する事務\n"
        "②事務の概要\n1. 特定個人情報ファイルを 利用して犬の登録を管理する。\n③システムの名称\n畜犬台帳システム\n"
    )
    work = import_text(text).data["関連情報"]["事務"]
    assert "利用して犬の登録を管理する" in work["概要"]


def test_a_list_line_before_a_label_is_not_a_piece_of_it():
    """`- 事故の報告` above a label: the dash is the list's (the label's normal form drops it), the
    words a value; nothing is joined."""
    form = load_form("全項目評価書")
    lines = list(
        enumerate(["- 事故の報告", "再委託先による特定個人情報ファイルの適切な取扱いの確保", "[ 十分に行っている ]"], 1)
    )
    assert reflow._wrapped_sections(reflow._Cursor(form), lines) == lines


def _page(no: int, of: int, before: str = "") -> str:
    """A page break as pdftotext prints it: the counter, what the page's label column repeats, the
    running header, the title again."""
    return f"\n{no} / {of}\n\n{before}畜犬登録事務 全項目評価書\n\n" + ZEN


def test_running_headers_above_each_pages_title_join_no_value():
    """The header stands above the title on every page, the counter away from it where a label cell
    is repeated at the page's top: furniture there, a value where it is printed elsewhere."""
    text = (
        "畜犬登録事務 全項目評価書\n\n"
        + ZEN
        + "Ⅰ 基本情報\n1. 特定個人情報ファイルを取り扱う事務\n①事務の名称\n畜犬登録事務\n"
        + "②事務の内容 ※\n犬の登録を行う。"
        + _page(2, 4)
        + "7. 評価実施機関における担当部署\n①部署\n環境課"
        + _page(3, 4, "7. 評価実施機関における担\n当部署\n\n")
        + "②所属長の役職名\n環境課長\n8. 他の評価実施機関\n－\n"
        + _page(4, 4)
        + "Ⅴ 開示請求、問合せ\n1. 特定個人情報の開示・訂正・利用停止請求\n①請求先\n北見台町役場 総務課\n"
    )
    info = import_text(text).data["基本情報"]
    assert info["担当部署"] == {"部署": "環境課", "所属長の役職名": "環境課長"}
    assert info["事務"]["内容"] == "犬の登録を行う。"
    assert info["他の評価実施機関"] == "－"


def test_fewer_values_than_labels_in_a_reading_order_apart_are_left_open():
    """Labels printed apart from their values (the wrapped section shows it): two labels, one value
    after them — which of the two is empty the text does not say, so neither is guessed."""
    text = KISO + (
        "Ⅰ 関連情報\n1. 特定個人情報ファイルを ①事務の名称\n取り扱う事務\n\n北見台町の犬の登録に関する事務\n\n"
        "5. 評価実施機関における担 ①部署\n当部署\n②所属長の役職名\n\n環境部 環境課\n\n6. 他の評価実施機関\n\n－\n"
    )
    dept = import_text(text).data["関連情報"]["担当部署"]
    assert isinstance(dept["所属長の役職名"], Uncertain)
    assert isinstance(dept["部署"], Uncertain)


def test_a_wrapped_label_with_its_choice_on_its_first_line():
    """`特定個人情報ファイル取扱者数は500人以上 [ 500人未満 ]` / `か`: the bracket is the value, the last
    line the label's end."""
    text = KISO + (
        "Ⅱ しきい値判断項目\n1. 対象人数\n評価対象の事務の対象人数は何人か\n[ 1,000人以上1万人未満 ]\n"
        "いつ時点の計数か\n令和6年4月1日時点\n2. 取扱者数\n"
        "特定個人情報ファイル取扱者数は500人以上 [ 500人未満 ]\nか\nいつ時点の計数か\n令和6年4月1日時点\n"
    )
    count = import_text(text).data["しきい値判断項目"]["取扱者数"]
    assert count["500人以上か"] == "500人未満"
    assert str(count["時点"]) == "令和6年4月1日時点"
