"""A document whose every printed page is one whitespace-separated line (issue 19, the flattened
layout, importer/reflow.py): a list's names run together, the change log's table run into one
stream, a running footer ending every page. What the stream does not settle is !要確認 with the
reason (never one value holding several, never a row's cells guessed), and what is left unread
counts in the report's headline. The texts are of an invented town (東ノ浦町)."""

from __future__ import annotations

from piasite.importer import import_text
from piasite.importer.report import measure
from piasite.model.reader import Uncertain

COVER = (
    "特定個人情報保護評価書(基礎項目評価書) 評価書番号 評価書名 7 後期高齢者医療に関する事務 基礎項目評価書 "
    "個人のプライバシー等の権利利益の保護の宣言 東ノ浦町は、後期高齢者医療に関する事務における特定個人情報ファイルの"
    "取扱いにあたり、適切な措置を講じ、個人のプライバシー等の権利利益の保護に取り組んでいることを宣言する。 特記事項 なし "
    "評価実施機関名 東ノ浦町長 公表日 令和6年4月1日 [令和6年10月 様式2]"
)


def _body(systems: str) -> str:
    return (
        "Ⅰ 関連情報 1.特定個人情報ファイルを取り扱う事務 ①事務の名称 後期高齢者医療に関する事務 ②事務の概要 "
        "高齢者の医療の確保に関する法律に基づき、資格の管理及び保険料の徴収を行う。 ③システムの名称 "
        f"{systems} 2.特定個人情報ファイル名 後期高齢者医療情報ファイル 3.個人番号の利用 法令上の根拠 "
        "番号法 第9条第1項 別表 項番59 5.評価実施機関における担当部署 ①部署 住民保険課 ②所属長の役職名 住民保険課長"
    )


CHANGES = (
    "変更箇所 変更日 項目 変更前の記載 変更後の記載 提出時期 提出時期に係る説明 "
    "令和5年4月1日 Ⅰ 5. ①部署 町民課 住民保険課 事後 組織の改編による名称の変更 "
    "令和6年4月1日 Ⅱ 1. いつ時点の計数か 令和4年3月1日時点 令和6年3月1日時点 事後 しきい値判断の再実施"
)


def test_a_list_of_names_run_together_is_uncertain_not_one_name():
    imp = import_text(COVER + "\n" + _body("後期高齢者医療システム 団体内統合宛名システム 中間サーバー") + "\n")
    names = imp.data["関連情報"]["事務"]["システムの名称"]
    assert isinstance(names, Uncertain)
    assert "区切られるか" in names.reason and "中間サーバー" in names.source


def test_a_numbered_list_run_together_is_cut_at_its_numbers():
    for printed in ("1 後期高齢者医療システム 2 中間サーバー", "1. 後期高齢者医療システム 2. 中間サーバー"):
        imp = import_text(COVER + "\n" + _body(printed) + "\n")
        names = imp.data["関連情報"]["事務"]["システムの名称"]
        assert not isinstance(names, Uncertain) and len(names) == 2, printed
        assert "中間サーバー" in names[1] and "中間サーバー" not in names[0]


def test_a_flattened_change_log_is_read_by_its_dates_and_timings():
    imp = import_text(COVER + "\n" + _body("後期高齢者医療システム") + " " + CHANGES + "\n")
    rows = imp.data["変更箇所"]
    assert [r["変更日"] for r in rows] == ["2023-04-01", "2024-04-01"]
    assert [r["提出時期"] for r in rows] == ["事後", "事後"]
    assert [r["提出時期に係る説明"] for r in rows] == ["組織の改編による名称の変更", "しきい値判断の再実施"]
    # 項目 / 変更前 / 変更後 run together (a cell may be empty or hold spaces, a 項目 may go on past
    # the form's label it names): never guessed
    for r in rows:
        for key in ("項目", "変更前の記載", "変更後の記載"):
            assert isinstance(r[key], Uncertain) and "区切り" in r[key].reason
    assert "Ⅰ 5. ①部署 町民課 住民保険課" in rows[0]["項目"].source


def test_a_date_right_before_the_timing_opens_no_row():
    log = (
        "変更箇所 変更日 項目 変更前の記載 変更後の記載 提出時期 提出時期に係る説明 "
        "令和5年4月1日 担当課の名称 町民課 住民保険課 事後 組織の改編 "
        "令和6年4月1日 Ⅰ 5. ②所属長の役職名 町民課長 令和6年4月1日 事後 再実施"
    )
    imp = import_text(COVER + "\n" + _body("後期高齢者医療システム") + " " + log + "\n")
    rows = imp.data["変更箇所"]
    # a date right before 提出時期 is a 変更後, not a row: two rows
    assert [r["変更日"] for r in rows] == ["2023-04-01", "2024-04-01"]
    assert [r["提出時期に係る説明"] for r in rows] == ["組織の改編", "再実施"]
    assert "町民課長 令和6年4月1日" in rows[1]["項目"].source


def test_rows_printed_without_their_timing_are_rows_of_their_own():
    # two dates between two 提出時期, each followed by a 項目 naming a part: a row from each
    log = (
        "変更箇所 変更日 項目 変更前の記載 変更後の記載 提出時期 提出時期に係る説明 "
        "令和5年4月1日 Ⅰ 5. ①部署 町民課 住民保険課 事後 組織の改編 "
        "令和5年10月1日 Ⅰ 3. 法令上の根拠 (新設) 番号法 "
        "令和6年4月1日 Ⅱ 1. いつ時点の計数か 令和4年3月1日時点 令和6年3月1日時点 事前 再実施"
    )
    imp = import_text(COVER + "\n" + _body("後期高齢者医療システム") + " " + log + "\n")
    rows = imp.data["変更箇所"]
    assert [r["変更日"] for r in rows] == ["2023-04-01", "2023-10-01", "2024-04-01"]
    assert [r.get("提出時期") for r in rows] == ["事後", None, "事前"]
    assert rows[0]["提出時期に係る説明"] == "組織の改編" and rows[2]["提出時期に係る説明"] == "再実施"


def test_two_dates_between_two_timings_leave_the_rest_of_the_log_unread():
    # the second row prints no 提出時期 and its 項目 names no part: how many rows the dates open
    # is not settled
    log = (
        "変更箇所 変更日 項目 変更前の記載 変更後の記載 提出時期 提出時期に係る説明 "
        "令和5年4月1日 Ⅰ 5. ①部署 町民課 住民保険課 事後 組織の改編 "
        "令和5年10月1日 法令上の根拠 (新設) 番号法 "
        "令和6年4月1日 Ⅱ 1. いつ時点の計数か 令和4年3月1日 令和6年3月1日 事前 再実施"
    )
    imp = import_text(COVER + "\n" + _body("後期高齢者医療システム") + " " + log + "\n")
    rows = imp.data["変更箇所"]
    assert len(rows) == 1 and rows[0]["変更日"] == "2023-04-01" and "提出時期に係る説明" not in rows[0]
    notes = " ".join(str(n["本文"]) for n in imp.data["取込メモ"])
    assert "令和5年10月1日" in notes and "再実施" in notes


def test_a_running_footer_ending_every_flattened_page_is_not_a_value():
    footer = " - {} - 後期高齢者医療に関する事務 基礎項目評価書"
    pages = [
        COVER + footer.format(1),
        _body("後期高齢者医療システム") + footer.format(2),
        "6.他の評価実施機関 なし 7.特定個人情報の開示・訂正・利用停止請求 請求先 東ノ浦町総務課 "
        "8.特定個人情報ファイルの取扱いに関する問合せ 連絡先 東ノ浦町住民保険課 電話 0000-00-0000" + footer.format(3),
        CHANGES + footer.format(4),
    ]
    imp = import_text("\n".join(pages) + "\n")
    d = imp.data
    assert d["関連情報"]["担当部署"]["所属長の役職名"] == "住民保険課長"
    assert d["関連情報"]["他の評価実施機関"] == "なし"
    assert d["関連情報"]["問合せ"]["連絡先"] == "東ノ浦町住民保険課 電話 0000-00-0000"
    # the last page: fewer labels than a page usually carries, cut all the same
    assert d["変更箇所"][1]["提出時期に係る説明"] == "しきい値判断の再実施"


def test_the_headline_counts_the_change_cells_left_uncertain():
    imp = import_text(COVER + "\n" + _body("後期高齢者医療システム") + " " + CHANGES + "\n")
    f = measure("東ノ浦町", imp)
    assert f.filled < f.valued


def test_the_headline_counts_the_cells_of_change_rows_left_unread():
    log = (
        "変更箇所 変更日 項目 変更前の記載 変更後の記載 提出時期 提出時期に係る説明 "
        "令和5年4月1日 Ⅰ 5. ①部署 町民課 住民保険課 事後 組織の改編 "
        "令和5年10月1日 法令上の根拠 (新設) 番号法 "
        "令和6年4月1日 Ⅱ 1. いつ時点の計数か 令和4年3月1日 令和6年3月1日 事前 再実施"
    )
    imp = import_text(COVER + "\n" + _body("後期高齢者医療システム") + " " + log + "\n")
    f = measure("東ノ浦町", imp)
    # the row read: 変更日, 項目, 提出時期 placed, 変更前/変更後 !要確認; its 説明 and the two rows
    # after it unread: 1 + 6 + 6 cells at most one a token, none placed
    assert f.valued - f.filled >= 2 + 1 + 5 + 6
    assert f.filled <= f.valued and f.coverage < 80


def test_words_after_a_run_of_text_labels_in_a_stream_are_not_dealt_one_a_label():
    # その内容 / 再発防止策の内容 / その他の措置の内容 printed one under the other, empty but the last:
    # flattened, three words follow the three labels; a word is not a value, any cut is a reading
    from piasite.forms.registry import load_form
    from piasite.importer.reflow import assign

    form = load_form("重点項目評価書")
    labels = ("その内容", "再発防止策の内容", "その他の措置の内容")
    items = [next(i for i in form.walk() if i.label == lab and not i.is_container) for lab in labels]
    words = ["<東ノ浦町における措置>", "○サーバーは施錠した部屋に設置し、", "入退室を記録している。"]
    assert assign(items, words, lines=False) is None
    # printed as lines, one under each label, the reading stays the one the layout gives
    assert assign(items, words, lines=True) == [[w] for w in words]
