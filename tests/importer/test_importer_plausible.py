"""importer/plausible.py: a value placed in an item it does not look like it belongs to is !要確認 at that
item with the reason and the source text, never published as read; the report's headline counts what
is placed and plausible, never 100 % while one is not. Invented bodies (北浦町, 南浦村)."""

from __future__ import annotations

from pathlib import Path

from piasite.importer import import_text, measure, render, write
from piasite.importer.report import Fidelity
from piasite.model.reader import Uncertain
from tests.clirun import piasite
from tests.conftest import ROOT

COVER = """特定個人情報保護評価書(基礎項目評価書)

評価書番号	評価書名
7	{title}

評価実施機関名

北浦町長

公表日

令和6年4月1日

Ⅰ 関連情報

1. 特定個人情報ファイルを取り扱う事務

①事務の名称	{name}
②事務の概要	予防接種法に基づき、定期の予防接種の実施、記録の管理を行う。
③システムの名称	1.健康管理システム 2.中間サーバー

2. 特定個人情報ファイル名
予防接種情報ファイル
"""

NAME = "予防接種に関する事務"
TITLE = "予防接種に関する事務 基礎項目評価書"


def _doc(name: str = NAME, title: str = TITLE) -> str:
    return COVER.format(name=name, title=title)


def test_a_plausible_import_is_unchanged_and_its_headline_is_100():
    imp = import_text(_doc())
    jimu = imp.data["関連情報"]["事務"]
    assert jimu["名称"] == NAME and imp.data["評価書名"] == TITLE
    f = measure("x", imp)
    assert f.marked == [] and f.filled == f.valued and "(100.0%)" in render([f])


def test_sentences_read_into_a_name_are_unsettled_with_the_reason_and_the_source():
    text = "予防接種法に基づき接種を行う。接種記録を管理する。"
    imp = import_text(_doc(name=text))
    u = imp.data["関連情報"]["事務"]["名称"]
    assert isinstance(u, Uncertain)
    assert "文章" in u.reason and u.source == text and u.reading == text
    assert _doc(name=text).split("\n")[u.line - 1].endswith(text)  # the line the clerk looks at


def test_a_title_that_took_the_number_after_it_is_unsettled():
    imp = import_text(_doc(title=TITLE + " 7"))
    u = imp.data["評価書名"]
    assert isinstance(u, Uncertain) and "数字" in u.reason and u.reading == TITLE + " 7"


def test_a_list_of_names_holding_a_paragraph_is_unsettled_whole_with_its_reading():
    text = _doc().replace(
        "1.健康管理システム 2.中間サーバー", "健康管理システムで接種の記録を管理する。台帳と照合する。"
    )
    imp = import_text(text)
    u = imp.data["関連情報"]["事務"]["システムの名称"]
    assert isinstance(u, Uncertain) and "文章" in u.reason
    assert u.reading == ["健康管理システムで接種の記録を管理する。台帳と照合する。"]


def test_the_headline_is_never_100_while_a_value_is_implausible_and_lists_the_reason():
    imp = import_text(_doc(name="予防接種法に基づき接種を行う。接種記録を管理する。"))
    f = measure("kitaura", imp)
    assert f.filled == f.valued - 1 and f.coverage < 100
    out = render([f])
    assert "(100.0%)" not in out
    line = next(l for l in out.splitlines() if l.strip().startswith("要確認: Ⅰ 1. ①事務の名称"))
    assert "文章" in line  # the item and what it could not settle


def test_a_source_text_placed_in_no_item_counts_against_the_headline():
    # a stray line between two items: the reading places it nowhere, 取込メモ keeps it
    text = _doc().replace("評価実施機関名\n", "南浦村立北浦診療所\n\n評価実施機関名\n")
    imp = import_text(text)
    f = measure("x", imp)
    notes = [n["本文"] for n in imp.data.get("取込メモ", []) if n["行"]]
    assert "南浦村立北浦診療所" in notes
    assert any("南浦村立北浦診療所" in u for u in f.unplaced)
    assert f.valued == f.exact + f.altered + f.uncertain + f.unread + f.unplaced_values
    assert f.coverage < 100 and "置き場所不明 1" in render([f])


def test_the_percentage_is_rounded_down():
    f = Fidelity("x", "基礎項目評価書", valued=2000, filled=1999)
    assert f.coverage == 99.9
    assert Fidelity("x", "基礎項目評価書", valued=3, filled=3).coverage == 100.0


def test_a_marked_import_passes_check_with_the_warning_at_the_item(tmp_path):
    imp = import_text(_doc(name="予防接種法に基づき接種を行う。接種記録を管理する。"))
    out = tmp_path / "kitaura" / "7.yaml"
    write(imp, Path("7.txt"), out)
    r = piasite("check", str(out), cwd=ROOT)
    assert r.returncode == 0, r.stderr
    said = [l for l in r.stderr.splitlines() if "①事務の名称" in l]
    assert len(said) == 1 and "!要確認" in said[0] and "文章" in said[0], said  # told once, as !要確認


def test_the_same_long_text_in_two_items_leaves_both_unsettled():
    # the cover read out of order: 特記事項 took the 宣言 as well; which one is misplaced the text
    # alone does not say, so neither is published as read
    decl = (
        "北浦町は、予防接種に関する事務における特定個人情報ファイルの取扱いにあたり、個人のプライバシー等の"
        "権利利益の保護に取り組んでいることを宣言する。"
    )
    text = _doc().replace(
        "評価実施機関名\n",
        f"個人のプライバシー等の権利利益の保護の宣言\n\n{decl}\n\n特記事項\n\n{decl}\n\n評価実施機関名\n",
    )
    imp = import_text(text)
    form = imp.form
    said = [k for k, v in imp.data.items() if isinstance(v, Uncertain) and "同じ文章" in v.reason]
    assert len(said) == 2, {k: v for k, v in imp.data.items() if k in said}
    assert all(imp.data[k].reading == decl for k in said)
    assert measure("x", imp).coverage < 100
    assert form.role_key("organisation") not in said


def test_the_headline_of_a_layout_that_misplaces_values_is_what_a_person_counts():
    # Ⅰ 1 printed as a merged label column: its three labels first, then their three values. Whatever
    # the reading makes of it, the headline counts as placed only values equal to the clean import's,
    # and as values all those the clean import has (a value read into another item is not one placed)
    from piasite.forms.values import value_at
    from tests.conftest import FIXTURES

    lines = (FIXTURES / "acceptance" / "aobadai-5-kiso.txt").read_text(encoding="utf-8").split("\n")
    k = next(i for i, l in enumerate(lines) if l.startswith("①事務の名称\t"))
    block = [l.split("\t", 1) for l in lines[k : k + 3]]
    assert [b[0][0] for b in block] == ["①", "②", "③"]
    moved = lines[:k] + [b[0] for b in block] + [b[1] for b in block] + lines[k + 3 :]
    clean, imp = import_text("\n".join(lines)), import_text("\n".join(moved))
    f, truth = measure("moved", imp), measure("clean", clean)
    c = imp.stats["classified"]
    right = sum(
        1
        for p, kind in c.by_path.items()
        if kind in ("exact", "altered") and value_at(imp.data, p) == value_at(clean.data, p)
    )
    assert f.filled == right and f.valued == truth.valued
    assert f.filled < f.valued or imp.data["関連情報"]["事務"] == clean.data["関連情報"]["事務"]


def test_labels_printed_first_and_every_value_read_into_the_last_label_is_unsettled():
    # ①請求先 ②請求方法 as a merged label column: both labels, then both values. Read into ② with ①
    # left empty, ② is !要確認 (one paragraph for each label); printed in rows, nothing is doubted
    from piasite.forms.values import value_at
    from tests.conftest import FIXTURES

    lines = (FIXTURES / "acceptance" / "aobadai-5-juten.txt").read_text(encoding="utf-8").split("\n")
    k = next(i for i, l in enumerate(lines) if l.startswith("①請求先\t"))
    (a, va), (b, vb) = (l.split("\t", 1) for l in lines[k : k + 2])
    assert b.startswith("②")
    clean = import_text("\n".join(lines))
    moved = import_text("\n".join(lines[:k] + [a, b, va, vb] + lines[k + 2 :]))
    second = next(p for p in clean.stats["valued"] if clean.form.item_at(p).label == b)
    got = value_at(moved.data, second)
    if isinstance(got, Uncertain):
        assert "段落が 2 つ" in got.reason and got.reading.endswith(vb)
    else:  # a reading that splits the values by their labels: each in its own item
        assert got == value_at(clean.data, second) == vb
    assert not any(isinstance(value_at(clean.data, p), Uncertain) for p in clean.stats["valued"])


def test_a_line_no_item_holds_counts_a_value_for_each_item_label_it_prints():
    # a page flattened into one line that the reading could not split: each label in it, one value
    line = (
        "①事務の名称 ②事務の概要 ③システムの名称 予防接種に関する事務 予防接種法に基づき接種を行う。 健康管理システム"
    )
    text = _doc().replace(
        "①事務の名称\t予防接種に関する事務\n"
        "②事務の概要\t予防接種法に基づき、定期の予防接種の実施、記録の管理を行う。\n"
        "③システムの名称\t1.健康管理システム 2.中間サーバー\n",
        line + "\n",
    )
    imp = import_text(text)
    f = measure("x", imp)
    jimu = imp.data.get("関連情報", {}).get("事務", {})
    if jimu == {}:  # placed nowhere: three values not taken
        assert any("項目名 3 個" in u for u in f.unplaced)
    # however it is read, the three values count, and none is taken as its item's unless it is one
    assert f.valued >= 3 + 3  # 評価書番号, 評価書名, ファイル名 … and the three of the line
    right = [k for k, v in jimu.items() if not isinstance(v, Uncertain)]
    assert f.filled <= f.valued - 3 + len(right)


def test_a_wrapped_line_of_the_forms_own_text_counts_as_no_value():
    # an option list or an instruction of the form wrapped at the cell edge: form text, not a value
    from piasite.checks.plausibility import printed_by_form
    from piasite.forms.registry import load_form

    form = load_form("基礎項目評価書")
    chooser = next(i for i in form.walk() if i.kind == "choice" and len(i.choices) >= 3)
    a, b = chooser.choices[0], chooser.choices[1]
    wrapped = f"{a[len(a) // 2 :]} 2) {b[: len(b) // 2]}"  # the middle of "1) a 2) b", as a line break cuts it
    assert printed_by_form(form, wrapped)
    assert not printed_by_form(form, "北浦町立診療所") and not printed_by_form(form, "1")
