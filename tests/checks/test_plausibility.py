"""checks/plausibility.py: what a value can look like, from the item's kind and declared shape."""

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
