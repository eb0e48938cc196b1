"""Running page headers and footers (examples.md §3.3: `住民基本台帳事務 全項目評価書`, `12 / 72`,
the department's name at every page break) are page breaks, not values; a value that only
resembles them stays a value. Read from the document's own repetition, never from wording."""

from __future__ import annotations

from piasite.importer import import_text
from piasite.importer.furniture import bare_page_numbers, page_furniture

ZEN = "特定個人情報保護評価書(全項目評価書)\n"
KISO = "特定個人情報保護評価書(基礎項目評価書)\n"


def _footer(page: int, of: int = 9) -> str:
    return f"\n国民健康保険に関する事務　全項目評価書\n{page} / {of}\n東山市健康福祉局保険年金課\n-----\t----\n"


def _line_notes(imp) -> list[dict]:
    return [n for n in imp.data.get("取込メモ", []) if n["行"]]


def test_a_running_footer_at_every_page_break_joins_no_value():
    text = (
        ZEN
        + "I 基本情報\n1. 特定個人情報ファイルを取り扱う事務\n①事務の名称\t国民健康保険に関する事務\n"
        + _footer(1)
        + "7. 評価実施機関における担当部署\n①部署\t健康福祉局 保険年金課\n②所属長の役職名\t保険年金課長\n8. 他の評価実施機関\n－\n"
        + _footer(2)
        + "(別添3) 変更箇所\n変更日\t項目\t変更前の記載\t変更後の記載\t提出時期\t提出時期に係る説明\n"
        "令和6年4月1日\tⅠ 7. ①部署\t保険年金課\t健康福祉局 保険年金課\t事後\t組織改正による\n"
        "国民健康保険に関する事務　全項目評価書\n3 / 9\n東山市健康福祉局保険年金課\n"
        "令和6年5月1日\tⅠ 7. ②所属長の役職名\t課長\t保険年金課長\t事後\t\n"
    )
    imp = import_text(text)
    info = imp.data["基本情報"]
    assert info["他の評価実施機関"] == "－"
    assert info["担当部署"] == {"部署": "健康福祉局 保険年金課", "所属長の役職名": "保険年金課長"}
    rows = imp.data["変更箇所"]
    assert [r["提出時期に係る説明"] for r in rows[:1]] == ["組織改正による"]
    assert len(rows) == 2 and rows[1]["変更後の記載"] == "保険年金課長"
    assert not _line_notes(imp)
    assert all(
        imp.stats["accounted"][k] == "layout" for k, l in enumerate(text.split("\n"), 1) if "東山市健康福祉局" in l
    )


def test_a_page_counter_printed_with_the_department_on_its_line():
    body = [
        KISO,
        "I 関連情報\n1.特定個人情報ファイルを取り扱う事務\n①事務の名称\t児童手当の支給に関する事務\n",
        "②事務の概要\t児童手当法に基づき、児童手当を支給する。\n",
        "1 / 5 東山市こども未来部こども家庭課\n",
        "③システムの名称\t児童手当システム\n2.特定個人情報ファイル名\n児童手当情報ファイル\n",
        "2 / 5 東山市こども未来部こども家庭課\n",
        "3.個人番号の利用\n法令上の根拠\t番号法第9条第1項\n",
    ]
    imp = import_text("".join(body))
    jimu = imp.data["関連情報"]["事務"]
    assert jimu["概要"] == "児童手当法に基づき、児童手当を支給する。"
    assert jimu["システムの名称"] == ["児童手当システム"]
    assert imp.data["関連情報"]["特定個人情報ファイル名"] == ["児童手当情報ファイル"]
    assert not _line_notes(imp)


def test_a_page_counter_and_the_running_title_in_cells_of_one_row():
    lines = [
        "①部署\t市民課",
        "住民基本台帳事務 全項目評価書\t1 / 9\t東山市市民局区政支援課",
        "②所属長の役職名\t課長",
        "住民基本台帳事務 全項目評価書\t2 / 9\t東山市市民局区政支援課",
    ]
    assert page_furniture(lines) == {1, 3}
    # one such row alone is no running footer
    assert page_furniture(lines[:2]) == set()


def test_a_value_seen_away_from_the_page_breaks_is_a_value_there_too():
    # the department's name is also printed as a value, on a line of its own: never furniture
    lines = [
        "I 関連情報",
        "東山市健康福祉局保険年金課",
        "1 / 3",
        "①部署",
        "東山市健康福祉局保険年金課",
        "本文",
        "東山市健康福祉局保険年金課",
        "2 / 3",
    ]
    assert page_furniture(lines) == set()  # (page numbers alone are page breaks already)
    # a short mark (－) beside every page break is a value too often to be told apart
    assert page_furniture(["8. 他の評価実施機関", "－", "1 / 3", "7. 備考", "－", "2 / 3"]) == set()
    # the same footer at two page breaks is furniture
    assert page_furniture(
        [
            "①部署",
            "保険年金課",
            "東山市健康福祉局保険年金課",
            "1 / 3",
            "7. 備考",
            "－",
            "東山市健康福祉局保険年金課",
            "2 / 3",
        ]
    ) == {2, 6}


def test_a_part_heading_repeated_after_page_breaks_is_the_form_s():
    # Ⅲ printed once per file, each time at the top of a page: the headings open the files' blocks
    head = "III 特定個人情報ファイルの取扱いプロセスにおけるリスク対策 ※(7.リスク1⑨を除く。)"
    lines = ["1 / 4", head, "1. 特定個人情報ファイル名", "(1) Aファイル", "2 / 4", head]
    assert page_furniture(lines) == set()


# -- bare page numbers and the 項目一覧 ------------------------------------------------------------

CONTENTS = (
    "項目一覧\nⅠ 基本情報\n(別添1) 事務の内容\nⅡ 特定個人情報ファイルの概要\n(別添2) 特定個人情報ファイル記録項目\n"
    "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策\nⅣ その他のリスク対策\nⅤ 開示請求、問合せ\n"
    "Ⅵ 評価実施手続\n(別添3) 変更箇所\n"
)
COVER = (
    ZEN + "評価書番号\n3\n評価書名\n国民年金に関する事務 全項目評価書\n個人のプライバシー等の権利利益の保護の宣言\n"
    "東山市は、国民年金に関する事務における特定個人情報ファイルの取扱いにあたり、適切な措置を講じ、"
    "個人のプライバシー等の権利利益の保護に取り組んでいることを宣言する。\n特記事項\nなし\n評価実施機関名\n東山市長\n"
    "公表日\n令和6年7月1日\n"
)
JIMU = "Ⅰ 基本情報\n1. 特定個人情報ファイルを取り扱う事務\n①事務の名称\n国民年金に関する事務\n"
LOG = (
    "(別添3) 変更箇所\n変更日\t項目\t変更前の記載\t変更後の記載\t提出時期\t提出時期に係る説明\n"
    "令和6年4月1日\tⅠ 7. ①部署\t年金課\t市民局 年金課\t事後\t組織改正による\n"
)


def test_a_page_number_after_the_contents_list_never_opens_the_change_log():
    for number in ("2", "- 2 -", "2 / 9", "2/9", "－ 2 －"):
        imp = import_text(COVER + CONTENTS + number + "\n" + JIMU + LOG)
        assert imp.data["基本情報"]["事務"]["名称"] == "国民年金に関する事務", number
        rows = imp.data["変更箇所"]
        assert len(rows) == 1 and rows[0]["変更後の記載"] == "市民局 年金課", number
        assert not _line_notes(imp), (number, _line_notes(imp))


def test_the_contents_entry_of_the_change_log_alone_opens_nothing():
    # the body lost after the 項目一覧 (or not yet written): the entry is no heading, whatever follows
    imp = import_text(COVER + CONTENTS + "2\n" + JIMU)
    assert imp.data["変更箇所"] == [] and imp.data["基本情報"]["事務"]["名称"] == "国民年金に関する事務"
    assert not [n for n in _line_notes(imp) if "変更箇所の表" in n["理由"]]
    # the change log's real heading after the body, its table lost: the heading is still the log's
    imp = import_text(COVER + CONTENTS + JIMU + "(別添3) 変更箇所\n")
    assert imp.data["変更箇所"] == [] and imp.data["基本情報"]["事務"]["名称"] == "国民年金に関する事務"


def _page(n: int) -> str:
    return f"国民年金に関する事務 全項目評価書\n{n}\n東山市市民局年金課\n"


def test_bare_page_numbers_with_a_running_footer_join_no_value():
    # one PDF line per text line: the footer (running title, bare page number, department) between
    # the lines of a value that runs over a page break
    text = (
        COVER
        + _page(1)
        + CONTENTS
        + _page(2)
        + JIMU
        + "②事務の内容 ※\n国民年金法に基づき、被保険者の資格の取得及び喪失に関する届出を受け付け、\n"
        + _page(3)
        + "年金事務所へ進達する。\n③対象人数\n[ 1万人以上10万人未満 ]\n"
        + _page(4)
        + LOG
    )
    imp = import_text(text)
    jimu = imp.data["基本情報"]["事務"]
    assert (
        jimu["内容"] == "国民年金法に基づき、被保険者の資格の取得及び喪失に関する届出を受け付け、年金事務所へ進達する。"
    )
    assert jimu["対象人数"] == "1万人以上10万人未満"
    # the cover's 評価書名 is the running title too: a value on the cover, furniture at the breaks
    assert imp.data["評価書名"] == "国民年金に関する事務 全項目評価書"
    assert len(imp.data["変更箇所"]) == 1
    assert not _line_notes(imp), _line_notes(imp)


def test_bare_numbers_are_pages_only_in_a_run_going_up_with_text_between():
    pages = ["本文", "本文", "本文", "1", "本文", "本文", "本文", "2", "本文", "本文", "本文", "3"]
    assert bare_page_numbers(pages) == {3, 7, 11}
    assert bare_page_numbers(pages[:8]) == set()  # two are as often values as pages
    # a list of numbers, one under the other, is no page
    assert bare_page_numbers(["①件数", "1", "2", "3", "4"]) == set()
    # numbers that do not go up by one are values
    assert bare_page_numbers(["a", "b", "c", "5", "d", "e", "f", "12", "g", "h", "i", "3"]) == set()
    # the cover's lines are the cover reader's (a 評価書番号 printed alone under its label)
    assert bare_page_numbers(pages, cover_end=4) == set()


# -- running footers found by their repetition beside page counters -----------------------------------

FOOTERS = {
    "name-form-number-department": lambda p: ["国民年金に関する事務", "全項目評価書", str(p), "東山市市民局年金課"],
    "name-counter-department": lambda p: ["国民年金に関する事務", f"{p} / 9", "東山市市民局年金課"],
    "dashed-counter-title": lambda p: [f"- {p} -", "国民年金に関する事務 全項目評価書"],
}


def _paged(pages: list[list[str]], footer, first: int = 1, skip: tuple[int, ...] = ()) -> list[str]:
    out: list[str] = []
    numbers = [n for n in range(first, first + len(pages) + len(skip)) if n not in skip]
    for n, page in zip(numbers, pages, strict=False):
        out += page + footer(n)
    return out


def test_a_running_footer_whose_text_is_also_a_value_is_furniture_only_at_the_counters():
    """The 事務 printed in every footer is the 事務の名称's value too: the footer's lines go, the value stays
    (the footer is told by the same lines beside a counter going up, never by its wording)."""
    pages = [
        ["Ⅰ 基本情報", "①事務の名称", "国民年金に関する事務", "②事務の内容 ※", "国民年金法に基づき、"],
        ["被保険者の資格を管理する。", "③対象人数", "[ 1万人以上10万人未満 ]", "④備考"],
        ["国民年金に関する事務", "⑤部署", "市民局 年金課", "⑥役職名"],
        ["課長", "⑦他の評価実施機関", "－", "⑧その他"],
    ]
    for style, footer in FOOTERS.items():
        lines = _paged(pages, footer)
        got = page_furniture(lines)
        kept = [l for k, l in enumerate(lines) if k not in got]
        assert kept == [l for p in pages for l in p], style


def test_running_footers_hold_where_the_document_leaves_pages_out():
    # an excerpt: pages 3, 6 and 7 are not in the text, the counters still go up
    pages = [[f"第{n}段の一行目です。", f"第{n}段の二行目です。", f"第{n}段の三行目です。"] for n in range(5)]
    for style, footer in FOOTERS.items():
        lines = _paged(pages, footer, skip=(3, 6, 7))
        kept = [l for k, l in enumerate(lines) if k not in page_furniture(lines)]
        assert kept == [l for p in pages for l in p], style


def test_a_line_beside_most_counters_but_not_nearly_all_is_the_page_s_own():
    # 保険年金課長 ends two pages of four: the pages' own text, not a footer printed on every page
    pages = [
        ["①部署", "保険年金課", "②役職名", "保険年金課長"],
        ["③連絡先", "東山市役所 電話 000-0000", "④備考", "保険年金課長"],
        ["⑤実施日", "令和6年4月1日", "⑥方法", "窓口"],
        ["⑦意見", "なし", "⑧結果", "特になし"],
    ]
    lines = _paged(pages, lambda p: [f"- {p} -", "国民年金に関する事務 全項目評価書"])
    kept = [l for k, l in enumerate(lines) if k not in page_furniture(lines)]
    assert kept == [l for p in pages for l in p]


def test_two_changes_of_one_item_parted_by_a_footer_stay_two_rows():
    """Two rows of one date and item, each with its own 提出時期, either side of a page's footer: two
    changes or one printed in two parts, the text cannot tell; kept as printed, the second row says so.
    A second part without its own 提出時期 is the first row's continuation."""
    head = "(別添3) 変更箇所\n変更日\t項目\t変更前の記載\t変更後の記載\t提出時期\t提出時期に係る説明\n"
    item = "Ⅱ 6. 保管場所"
    row_a = f"令和6年4月1日\t{item}\t＜東山市における措置＞ 庁舎に保管\t＜東山市における措置＞ データセンターに保管\t事前\t更改による\n"
    row_b = (
        f"令和6年4月1日\t{item}\t＜委託先における措置＞ 施錠保管\t＜委託先における措置＞ 入退室管理\t事前\t更改による\n"
    )
    footer = _page(3)
    text = COVER + _page(1) + CONTENTS + _page(2) + JIMU + head + row_a + footer + row_b + _page(4)
    rows = import_text(text).data["変更箇所"]
    assert [r["変更前の記載"] for r in rows] == ["＜東山市における措置＞ 庁舎に保管", "＜委託先における措置＞ 施錠保管"]
    assert "要確認" in rows[1]["備考"] and "備考" not in rows[0]
    part = f"令和6年4月1日\t{item}\t施錠保管(続き)\t入退室管理(続き)\t\t\n"
    rows = import_text(text.replace(row_b, part)).data["変更箇所"]
    assert len(rows) == 1 and rows[0]["変更後の記載"].endswith("入退室管理(続き)")
