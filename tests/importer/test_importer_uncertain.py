"""The importer marks what it could not read for certain at the item, as `!要確認` (原文, 行,
理由, 読み), instead of a guess or an empty value — and uses the document's own evidence first:
blocks it says are unused stay empty, its change log (別添2) and its glyph conventions settle
what they can. Invented documents (東山市) for the cases; the four seeds for the counts."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from piasite.commands.export import export_text
from piasite.forms.values import value_at
from piasite.importer import import_file, import_text, measure, render, write
from piasite.importer.report import marked
from piasite.importer.text import plain
from piasite.importer.writer import dump
from piasite.model.reader import Uncertain, parse
from tests.conftest import FIXTURES, ROOT

BOX = '<input type="checkbox"/>'
RADIO = '<input type="radio"/>'
NO_MARK = "どの選択肢にもチェック記号が付いていません"
HEAD = ["特定個人情報保護評価書(重点項目評価書)", "", "評価実施機関名", "", "東山市長", ""]
SYSTEMS = [
    "Ⅰ 基本情報",
    "",
    "2. 特定個人情報ファイルを取り扱う事務において使用するシステム",
    "システム1",
    "①システムの名称\t東山市住民記録システム",
    f"③他のシステムとの接続\t{BOX} 情報提供ネットワークシステム {BOX} 庁内連携システム {BOX} 税務システム {BOX} その他 ( )",
    "システム2",
    "①システムの名称\t東山市宛名システム",
    f"③他のシステムとの接続\t{BOX} 情報提供ネットワークシステム {BOX} 庁内連携システム {BOX} その他 (東山市中間サーバー)",
    "",
]
FILE = [
    "Ⅱ 特定個人情報ファイルの概要",
    "",
    "1. 特定個人情報ファイル名\t東山市住民記録ファイル",
    "2. 基本情報",
    "⑤保有開始日\t平成30年13月",
    "",
]
RISKS = [
    "Ⅲ リスク対策 ※",
    "",
    "1. 特定個人情報ファイル名\t東山市住民記録ファイル",
    "",
    "4. 特定個人情報ファイルの取扱いの委託\t\t[○] 委託しない",
    "",
    "リスク： 委託先における不正な使用等のリスク",
    "委託契約書中の特定個人情報ファイルの取扱いに関する規定\t[ ]\t<選択肢> 1) 定めている 2) 定めていない",
    "リスクへの対策は十分か\t[ ]\t<選択肢> 1) 特に力を入れている 2) 十分である 3) 課題が残されている",
    "",
    "9. 従業者に対する教育・啓発",
    f"従業者に対する教育・啓発\t{BOX} 特に力を入れて行っている {BOX} 十分に行っている {BOX} 十分に行っていない",
    "",
]
CHANGES = ["(別添2) 変更箇所", "", "変更日\t項目\t変更前の記載\t変更後の記載\t提出時期\t提出時期に係る説明"]


def _text(*parts: list[str]) -> str:
    return "\n".join(HEAD + [l for p in parts for l in p]) + "\n"


def _line(text: str, start: str) -> int:
    return next(k for k, l in enumerate(text.split("\n"), 1) if l.startswith(start))


def _value_text(raw: str) -> str:
    """A source line without its label: the cells after the first, or (a line laid out with
    spaces, 004) what follows the first run of spaces."""
    cells = raw.split("\t")
    if len(cells) == 1:
        cells = re.split(r"\s{2,}", raw.strip(), maxsplit=1)
    return plain(" ".join(cells[1:] if len(cells) > 1 else cells))


CONNECT = ("基本情報", "システム", 0, "他のシステムとの接続")
CONNECT2 = ("基本情報", "システム", 1, "他のシステムとの接続")
EDU = ("リスク対策", 0, "従業者に対する教育・啓発", "従業者に対する教育・啓発")


def test_a_row_without_any_mark_is_uncertain_at_the_item_with_its_line_and_reason():
    text = _text(SYSTEMS, FILE, RISKS)
    imp = import_text(text)
    line = _line(text, "③他のシステムとの接続")
    u = value_at(imp.data, CONNECT)
    assert u == Uncertain(
        "☐ 情報提供ネットワークシステム ☐ 庁内連携システム ☐ 税務システム ☐ その他 ( )", line, NO_MARK, None
    )
    edu = value_at(imp.data, EDU)
    assert (
        isinstance(edu, Uncertain) and edu.reason == NO_MARK and edu.line == _line(text, "従業者に対する教育・啓発\t")
    )
    # the item holds the reason: no 取込メモ row repeats it
    assert not any(n["行"] in (line, edu.line) for n in imp.data.get("取込メモ", []))
    c = imp.stats["classified"]
    assert c.by_path[CONNECT] == "uncertain" and c.count("unread") == 0


def test_filled_in_brackets_are_the_reading_not_the_value():
    text = _text(SYSTEMS)
    u = value_at(import_text(text).data, CONNECT2)
    assert isinstance(u, Uncertain) and u.line == text.split("\n").index(SYSTEMS[8]) + 1
    assert u.reading == [{"その他": "東山市中間サーバー"}]
    assert u.reason.startswith(NO_MARK + "(括弧書きに記入のある選択肢は選ばれていると思われますが")
    assert "東山市中間サーバー" in u.source


def test_a_date_that_does_not_parse_is_uncertain():
    text = _text(FILE)
    u = value_at(import_text(text).data, ("特定個人情報ファイル", 0, "基本情報", "保有開始日"))
    assert u == Uncertain("平成30年13月", _line(text, "⑤保有開始日"), "日付として読めませんでした", None)


def test_rows_of_a_block_the_document_says_is_unused_stay_empty():
    text = _text(RISKS)
    imp = import_text(text)
    risk = value_at(imp.data, ("リスク対策", 0, "委託"))
    assert risk == {"委託しない": True}  # the unmarked rows under 委託しない: empty, as they should be
    c = imp.stats["classified"]
    assert c.by_path[("リスク対策", 0, "委託", "リスク", "リスクへの対策は十分か")] == "empty"
    assert not any(isinstance(u, Uncertain) for _, u in marked({"x": risk}))
    # the same rows where the block is in use: not read, and said so at the items
    used = import_text(text.replace("[○] 委託しない", "[ ] 委託しない"))
    rows = value_at(used.data, ("リスク対策", 0, "委託", "リスク"))
    assert isinstance(rows["リスクへの対策は十分か"], Uncertain) and isinstance(rows["取扱いに関する規定"], Uncertain)
    assert used.stats["classified"].count("uncertain") == 3  # with 従業者に対する教育・啓発


def test_the_written_yaml_reads_back_to_the_same_values_and_checks_with_warnings(tmp_path: Path):
    text = _text(SYSTEMS, FILE, RISKS)
    imp = import_text(text)
    out = tmp_path / "higashiyama" / "9.yaml"
    write(imp, Path("higashiyama.txt"), out)
    written = out.read_text(encoding="utf-8")
    assert "    他のシステムとの接続: !要確認\n      原文: ☐ 情報提供ネットワークシステム" in written
    assert "      読み: [{その他: 東山市中間サーバー}]\n" in written
    assert "!要確認 4 件" in written.split("\n")[1]
    doc = parse(written, out)
    mine = dict(marked(imp.data))
    assert len(mine) == 4 and dict(marked(doc.data)) == mine
    assert parse(dump(doc.data, imp.form, [], "../../schema")).data == doc.data  # and again
    r = subprocess.run([sys.executable, "-m", "piasite", "check", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("!要確認 原文から読み取れませんでした") == 4 and "エラー 0 件" in r.stderr


def test_the_change_log_settles_a_row_printed_without_marks():
    text = _text(
        SYSTEMS,
        RISKS,
        CHANGES
        + [
            # the item added whole: 変更後 states its value
            "令和2年4月1日\tⅠ 基本情報 2. 特定個人情報ファイルを取り扱う事務において使用するシステム システム1 ③他のシステムとの接続"
            "\t\t[○] 庁内連携システム [○] 税務システム\t事後\t東山市の説明",
            # a change to part of a list (変更前 names an option): 変更後 need not be the whole list
            "令和3年4月1日\tⅠ 2. システム2 ③他のシステムとの接続\t[○] 情報提供ネットワークシステム\t[○] その他(東山市中間サーバー)\t事後\t",
            # a choice: 変更後 is its whole value
            "令和4年4月1日\tⅢ リスク対策 9. 従業者に対する教育・啓発 従業者に対する教育・啓発\t十分に行っている\t特に力を入れて行っている\t事前\t",
        ],
    )
    imp = import_text(text)
    assert value_at(imp.data, CONNECT) == ["庁内連携システム", "税務システム"]
    assert value_at(imp.data, EDU) == "特に力を入れて行っている"
    assert isinstance(value_at(imp.data, CONNECT2), Uncertain)
    line = _line(text, "③他のシステムとの接続")
    note = next(n for n in imp.data["取込メモ"] if n["行"] == line)
    assert "変更箇所(2020-04-01)の変更後の記載から読みました" in note["理由"]
    assert imp.stats["classified"].by_path[CONNECT] == "altered"


def test_a_later_row_that_may_quote_part_of_the_list_leaves_it_uncertain():
    text = _text(
        SYSTEMS,
        CHANGES
        + [
            "令和2年4月1日\tⅠ 2. システム1 ③他のシステムとの接続\t\t[○] 庁内連携システム [○] 税務システム\t事後\t",
            "令和5年4月1日\tⅠ 2. システム1 ③他のシステムとの接続\t[○] 税務システム\t[○] その他(東山市中間サーバー)\t事後\t",
            # a row about another system, or naming no system where there are two, settles nothing
            "令和5年5月1日\tⅠ 2. システム3 ③他のシステムとの接続\t\t[○] 税務システム\t事後\t",
        ],
    )
    imp = import_text(text)
    assert isinstance(value_at(imp.data, CONNECT), Uncertain)
    assert isinstance(value_at(imp.data, CONNECT2), Uncertain)


def _recipients(methods: list[str]) -> list[str]:
    out = [
        "Ⅱ 特定個人情報ファイルの概要",
        "",
        "1. 特定個人情報ファイル名\t東山市住民記録ファイル",
        "5. 特定個人情報の提供・移転(委託に伴うものを除く。)",
        f"提供・移転の有無\t[○] 提供を行っている ({len(methods)}) 件 [ ] 移転を行っている ( ) 件 [ ] 行っていない",
    ]
    for k, m in enumerate(methods, 1):
        out += [f"提供先{k}\t東山県{k}", f"⑥提供方法\t{m}"]
    return out + [""]


def test_the_other_rows_of_the_table_offer_a_reading_not_a_value():
    ticked = f"[○] 情報提供ネットワークシステム {BOX} 専用線 {BOX} 紙"
    text = _text(_recipients([ticked, ticked, f"{BOX} 情報提供ネットワークシステム {BOX} 専用線 {BOX} 紙"]))
    imp = import_text(text)
    path = ("特定個人情報ファイル", 0, "提供・移転", "提供先", 2, "提供方法")
    u = value_at(imp.data, path)
    assert isinstance(u, Uncertain) and u.reading == ["情報提供ネットワークシステム"]
    assert u.reason == NO_MARK + "(同じ表のほかの 2 件ではすべて「情報提供ネットワークシステム」が選ばれています)"
    assert u.line == len(text.split("\n")) - 2


def test_radio_alone_follows_the_documents_own_convention():
    audit = [
        "Ⅲ リスク対策 ※",
        "",
        "1. 特定個人情報ファイル名\t東山市住民記録ファイル",
        "",
        "8. 監査",
        f"実施の有無\t[{RADIO}] 自己点検 [{RADIO}] 内部監査 [{RADIO}] 外部監査",
        "",
    ]
    path = ("リスク対策", 0, "監査", "実施の有無")
    alone = import_text(_text(audit))
    u = value_at(alone.data, path)
    assert isinstance(u, Uncertain) and u.reading == ["自己点検", "内部監査", "外部監査"] and "◎" in u.reason
    # elsewhere the document draws ◎ beside empty brackets: its convention reads this row too
    contrast = [
        f"③他のシステムとの接続\t[{RADIO}] 庁内連携システム [] 税務システム" if l.startswith("③") else l
        for l in SYSTEMS
    ]
    settled = import_text(_text(contrast, audit))
    assert value_at(settled.data, path) == ["自己点検", "内部監査", "外部監査"]
    assert value_at(settled.data, CONNECT) == ["庁内連携システム"]


def test_export_of_a_document_holding_uncertain_values_prints_the_source_and_reimports():
    imp = import_text(_text(SYSTEMS, FILE, RISKS))
    text = export_text(imp.form, parse(dump(imp.data, imp.form, [], "../../schema")).data)
    assert (
        "③他のシステムとの接続\t☐ 情報提供ネットワークシステム ☐ 庁内連携システム ☐ 税務システム ☐ その他 ( )" in text
    )
    again = import_text(text)
    before = {p: (u.source, u.reason, u.reading) for p, u in marked(imp.data)}
    after = {p: (u.source, u.reason, u.reading) for p, u in marked(again.data)}
    assert {p: after.get(p) for p in before} == before
    # the rest: the rows of the sections the snippet lacks, printed empty by the export ([ ])
    rest = {r for p, (_, r, _) in after.items() if p not in before}
    assert rest == {"選ばれた選択肢を記入する括弧の中が空です", NO_MARK}


# -- the seeds: what the importer leaves !要確認 ---------------------------------------------

SEEDS = FIXTURES / "seeds"
MARKED_LINES = {
    "000_2291bdb7c9ff38d3": [162, 169, 170, 260, 261],
    "001_c1917c492a0e6abc": [],
    "002_b811fdfc73e7ad83": [61, 99, 106, 107, 188, 196, 324, 332, 443, 451, 502, 560, 689, 774],
    "004_b59fdad0dd46cf5a": [93, 102, 376],
}


@pytest.fixture(scope="module")
def seeds():
    return {stem: import_file(SEEDS / f"{stem}.txt") for stem in MARKED_LINES}


@pytest.mark.parametrize("stem", list(MARKED_LINES))
def test_seed_items_left_uncertain_point_at_their_source_line(seeds, stem):
    imp = seeds[stem]
    found = list(marked(imp.data))
    assert sorted(u.line for _, u in found) == MARKED_LINES[stem]
    src = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8").split("\n")
    for path, u in found:
        shown = re.sub(r"\s", "", _value_text(src[u.line - 1]))
        assert shown and shown in re.sub(r"\s", "", u.source), (path, u.line)
        assert u.reason.startswith(NO_MARK) or "読めません" in u.reason
        # never a 取込メモ row repeating what the item says
        assert not any(n["行"] == u.line and NO_MARK in n["理由"] for n in imp.data.get("取込メモ", [])), u.line
    f = measure(stem, imp)
    assert len(f.marked) == len(MARKED_LINES[stem])
    assert f"要確認 (!要確認 の項目): {len(MARKED_LINES[stem])} 件" in render([f])


def test_seed_evidence_settles_what_the_document_itself_shows(seeds):
    # 000: システム7 and 8 print no mark; the change log added them whole on 2018-12-18
    d = seeds["000_2291bdb7c9ff38d3"].data
    systems = d["基本情報"]["システム"]
    assert systems[6]["他のシステムとの接続"] == [
        "既存住民基本台帳システム",
        "税務システム",
        {"その他": "中間サーバ、個別業務システム"},
    ]
    assert systems[7]["他のシステムとの接続"] == ["情報提供ネットワークシステム", "宛名システム等"]
    # 002:853 ◎ alone, where 002:708 draws ◎ beside an empty [] (the document's convention)
    d = seeds["002_b811fdfc73e7ad83"].data
    assert d["リスク対策"][2]["監査"]["実施の有無"] == ["自己点検", "内部監査", "外部監査"]
    # 004: ◎ beside empty brackets in one row is selected, no doubt about it
    d = seeds["004_b59fdad0dd46cf5a"].data
    assert d["特定個人情報ファイル"][0]["提供・移転"]["提供先"][0]["提供方法"] == ["情報提供ネットワークシステム"]
