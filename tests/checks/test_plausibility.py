"""checks/plausibility.py: what a value can look like, from the item's kind and declared shape."""

import re

import pytest

from piasite.checks import plausibility as P
from piasite.forms.definition import FormError, load_form_file
from piasite.forms.registry import PACKAGE_FORMS, load_form
from piasite.model.reader import Uncertain, Withheld


def _role(form_name: str, role: str):
    form = load_form(form_name)
    return form, form.role_item(role)


def test_a_name_of_several_sentences_or_lines_is_doubted_and_a_short_one_is_not():
    _, name = _role("基礎項目評価書", "jimu_name")
    assert P.value_doubt(name, "児童手当の支給に関する事務") is None
    assert "文章" in P.value_doubt(name, "児童手当法に基づき支給する。対象者の資格を管理する。")
    assert "1 行" in P.value_doubt(name, "児童手当の支給\n対象者の管理")
    assert "長すぎ" in P.value_doubt(name, "あ" * 400)


def test_a_title_ending_in_a_number_and_a_stamp_in_a_text_item_are_doubted():
    form, title = _role("全項目評価書", "title")
    assert P.value_doubt(title, "住民基本台帳に関する事務 全項目評価書") is None
    assert "数字" in P.value_doubt(title, "住民基本台帳に関する事務 全項目評価書 12")
    declaration = next(i for i in form.items if i.kind == "text" and not i.shape and not i.required)
    assert "様式" in P.value_doubt(declaration, "[平成26年4月 様式4]")
    assert P.value_doubt(declaration, "なし") is None


def test_each_element_of_a_list_of_names_is_judged():
    _, systems = _role("基礎項目評価書", "system_name")
    systems = systems.parent if systems.kind != "list" else systems
    assert P.value_doubt(systems, ["住民記録システム", "中間サーバー"]) is None
    assert P.value_doubt(systems, ["住民記録システム", "この事務は法に基づき行う。資格を管理する。"])


def test_fits_is_positive_evidence_of_what_a_value_is():
    form = load_form("基礎項目評価書")
    org, published, number = (form.role_item(r) for r in ("organisation", "published", "number"))
    assert P.fits(org, "西高原町長") and not P.fits(org, "令和6年4月1日")
    assert P.fits(published, "令和6年4月1日") and not P.fits(published, "西高原町長")
    assert P.fits(number, "12") and not P.fits(number, "12番の評価")


def test_the_same_long_text_in_two_items_of_different_names_is_doubted_once():
    form = load_form("基礎項目評価書")
    text = (
        "西高原町は、住民の個人番号を取り扱うにあたり、漏えいその他の事態を防ぐため適切な措置を講じることを宣言する。"
    )
    decl = next(i for i in form.items if i.kind == "text" and i.required and not i.shape)
    other = next(i for i in form.items if i.kind == "text" and not i.required and not i.shape)
    ds = P.doubts(form, {decl.key: text, other.key: text})
    assert [(d.path, "同じ文章" in d.reason) for d in ds] == [((other.key,), True)]
    assert P.doubts(form, {decl.key: text, other.key: "なし"}) == []


def test_withheld_and_unsettled_values_are_not_judged():
    _, name = _role("基礎項目評価書", "jimu_name")
    assert P.value_doubt(name, Withheld("あ。い。" * 50)) is None
    assert P.value_doubt(name, Uncertain(source="あ。い。", reason="x")) is None


def test_an_unknown_shape_in_a_form_definition_is_refused_naming_the_item(tmp_path):
    src = load_form("基礎項目評価書").source

    text = (PACKAGE_FORMS / src).read_text(encoding="utf-8").replace("shape: title", "shape: 題名", 1)
    p = tmp_path / "kiso.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(FormError, match="題名"):
        load_form_file(p)


# -- the label rules ---------------------------------------------------------------------------


def test_a_text_that_is_only_a_label_of_the_form_is_doubted():
    form = load_form("基礎項目評価書")
    outline = form.role_item("jimu_name").parent.child("概要") or next(
        i for i in form.role_item("jimu_name").parent.items if i.kind == "text" and not i.shape
    )
    ds = P.doubts(form, {"関連情報": {"事務": {outline.key: "③システムの名称"}}})
    assert [(d.path[-1], "項目名だけ" in d.reason) for d in ds] == [(outline.key, True)]
    # a label's words inside a sentence are no label
    ok = "システムの名称は別に定める。"
    assert P.doubts(form, {"関連情報": {"事務": {outline.key: ok}}}) == []


def test_a_value_that_begins_with_the_next_items_label_is_doubted():
    form = load_form("基礎項目評価書")
    name = form.role_item("jimu_name")
    section = name.parent
    after = section.items[section.items.index(name) + 1]  # the item printed after 事務の名称
    top = {section.parent.key: {section.key: {name.key: f"{after.label} 児童手当の支給"}}}
    ds = P.doubts(form, top)
    assert len(ds) == 1 and after.label in ds[0].reason and ds[0].path[-1] == name.key
    # the bare label as the first word of a sentence, not a cell of its own, is not
    top[section.parent.key][section.key][name.key] = "児童手当の支給に関する事務"
    assert P.doubts(form, top) == []


def test_a_title_ending_in_a_number_right_after_its_last_word_is_doubted():
    _, title = _role("重点項目評価書", "title")
    assert P.value_doubt(title, "個人住民税に関する事務 重点項目評価書12")
    assert P.value_doubt(title, "個人住民税に関する事務 重点項目評価書(案)　３")
    assert P.value_doubt(title, "令和6年度 個人住民税に関する事務 重点項目評価書") is None


def test_a_paragraph_in_a_list_of_names_is_doubted_at_its_element():
    form = load_form("基礎項目評価書")
    systems = form.role_item("system_name")
    systems = systems if systems.kind == "list" else systems.parent
    section = systems.parent
    data = {section.parent.key: {section.key: {systems.key: ["西高原システム", "一つ目の文。\n\n二つ目の段落。"]}}}
    ds = P.doubts(form, data)
    assert [d.path[-1] for d in ds] == [1]


# -- piasite check ------------------------------------------------------------------------------


def test_check_warns_at_each_doubted_value_with_its_line_and_label_and_exits_0(tmp_path):
    from tests.checks.test_check import edited, run_check

    path, line = edited(
        tmp_path, "    名称: 個人住民税に関する事務", "    名称: 個人住民税を賦課する。納税者の申告を受け付ける。"
    )
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "評価書名: 個人住民税に関する事務 重点項目評価書", "評価書名: 個人住民税に関する事務 重点項目評価書 5"
    )
    path.write_text(text, encoding="utf-8")
    proc = run_check(path)
    assert proc.returncode == 0, proc.stderr
    warned = [l for l in proc.stderr.splitlines() if "ではないようです" in l]
    assert any(l.startswith(f"{path}:{line}: 警告: ") and "①事務の名称" in l and "文章" in l for l in warned), warned
    assert any(l.startswith(f"{path}:5: 警告: 評価書名: ") and "数字" in l for l in warned), warned
    assert len(warned) == 2


def test_check_says_nothing_new_on_the_real_documents_and_the_acceptance_truths():
    from piasite.forms.registry import form_for
    from piasite.model.reader import read
    from tests.conftest import FIXTURES, ROOT

    files = sorted((ROOT / "content").rglob("*.yaml")) + sorted((FIXTURES / "acceptance").glob("*.expected.yaml"))
    files = [f for f in files if f.name != "aliases.yaml"]
    assert len(files) >= 12
    for f in files:
        doc = read(f)
        assert P.doubts(form_for(doc.data, None), doc.data) == [], f


def test_a_value_the_checker_already_refuses_is_not_doubted_again(tmp_path):
    from tests.checks.test_check import edited, run_check

    # a list where a text is expected: an error there, and no second message about the same value
    path, line = edited(tmp_path, "    名称: 個人住民税に関する事務", "    名称: [一つ目の文。二つ目の文。]")
    proc = run_check(path)
    at = [l for l in proc.stderr.splitlines() if l.startswith(f"{path}:{line}:")]
    assert proc.returncode == 1 and len(at) == 1 and "文章で書いてください" in at[0], at


def test_a_named_item_of_digits_only_a_text_with_the_forms_option_list_and_one_note_repeated_are_doubted():
    form, title = _role("基礎項目評価書", "title")
    assert "数字だけ" in P.value_doubt(title, "5")
    declaration = next(i for i in form.items if i.kind == "text" and not i.shape and not i.required)
    said = P.value_doubt(declaration, "[ 実施する ] <選択肢> 1) 実施する 2) 実施しない\n\n番号法第19条第8号")
    assert "選択肢の一覧" in said
    assert "3 回" in P.value_doubt(declaration, "—\n\n—\n\n—")
    assert "チェック欄" in P.value_doubt(declaration, "[○] 本人又は本人の代理人 [ ] 評価実施機関内の他部署")
    assert P.value_doubt(declaration, "年1回 [定期] に点検する。") is None  # one bracketed word is no box
    assert P.value_doubt(declaration, "—") is None and P.value_doubt(declaration, "甲。\n\n乙。") is None


def test_a_numbered_labels_words_may_be_a_value_but_the_numbered_label_is_not():
    form = load_form("重点項目評価書")
    section = form.role_item("system_name").parent
    function = next(i for i in section.items if i.kind == "text" and not i.shape)
    numbered = next(i for i in form.walk() if re.match(r"^\d+\. ", i.label) and not i.parent.parent)
    words = re.sub(r"^\d+\. ", "", numbered.label)
    elem = {section.items[0].key: "西高原システム", function.key: words}
    data = {section.key: [elem]}
    up = section.parent
    while up is not None and up.key:  # the sections around the group, to the top
        data = {up.key: data}
        up = up.parent
    assert P.doubts(form, data) == []
    elem[function.key] = numbered.label
    assert [d.path[-1] for d in P.doubts(form, data)] == [function.key]


def test_a_paragraph_that_begins_with_the_next_items_numbered_label_is_doubted():
    form = load_form("基礎項目評価書")
    name = form.role_item("jimu_name")
    section = name.parent
    outline = section.items[section.items.index(name) + 1]
    after = section.items[section.items.index(outline) + 1]
    assert re.match(r"^[①-⑳]", after.label)
    value = f"児童手当を支給する。\n\n{after.label} 西高原システム"
    ds = P.doubts(form, {section.parent.key: {section.key: {outline.key: value}}})
    assert len(ds) == 1 and "段落が" in ds[0].reason and after.label in ds[0].reason
    # its words inside a later paragraph are no label
    value = f"児童手当を支給する。\n\n{re.sub(r'^[①-⑳]', '', after.label)}は別に定める。"
    assert P.doubts(form, {section.parent.key: {section.key: {outline.key: value}}}) == []


def test_a_name_holding_a_tab_has_taken_in_the_next_cell():
    _, name = _role("基礎項目評価書", "jimu_name")
    assert "タブ" in P.value_doubt(name, "取り扱う事務において使用するシステム\t①システムの名称\t介護システム")


def test_a_radical_copied_out_of_a_pdf_is_named_with_the_kanji_it_looks_like():
    _, name = _role("基礎項目評価書", "jimu_name")
    why = P.value_doubt(name, "住⺠基本台帳に関する事務")  # ⺠ U+2EA0, as Chrome's PDFs give 民
    assert "⺠" in why and "U+2EA0" in why and "「民」" in why
    assert P.value_doubt(name, "住民基本台帳に関する事務") is None


def test_a_dash_followed_by_more_text_is_doubted():
    """`－` (nothing to say) and then a paragraph: the next cell's value read into this one."""
    from piasite.checks.plausibility import value_doubt
    from piasite.forms.registry import load_form

    item = load_form("全項目評価書").item_at(("基本情報", "他の評価実施機関"))
    assert "記載なし" in (value_doubt(item, "－\n\n環境課長") or "")
    assert value_doubt(item, "－") is None
    assert value_doubt(item, "北見台町教育委員会") is None
