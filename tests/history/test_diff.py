"""Item-level diff along the form: identity matching, long-text passages, 非公表."""

from __future__ import annotations

import copy

from piasite.forms.registry import load_form
from piasite.history.itemdiff import diff, marked_html, passages
from piasite.model.reader import Withheld, parse
from tests.gitrepo import BASE

FORM = load_form()
DOC = parse(BASE.read_text(encoding="utf-8")).data


def changed(mutate):
    new = copy.deepcopy(DOC)
    mutate(new)
    return diff(FORM, DOC, new)


def test_no_change_no_rows():
    assert diff(FORM, DOC, copy.deepcopy(DOC)) == []


def test_reordered_systems_are_not_changes():
    assert changed(lambda d: d["基本情報"]["システム"].reverse()) == []


def test_inserting_a_system_first_is_one_added_row():
    ch = changed(lambda d: d["基本情報"]["システム"].insert(0, {"名称": "新システム", "機能": "受付"}))
    assert [(c.kind, c.item.split()[-1], c.after) for c in ch] == [
        ("追加", "システム1", "①システムの名称: 新システム\n②システムの機能: 受付")
    ]


def test_renaming_an_element_in_place_is_one_changed_name():
    def rename(d):
        d["特定個人情報ファイル"][0]["委託"]["委託事項"][2]["名称"] = "通知書等の印刷業務"

    ch = changed(rename)
    assert [(c.kind, c.path) for c in ch] == [("変更", ("特定個人情報ファイル", 0, "委託", "委託事項", 2, "名称"))]
    assert "委託事項3" in ch[0].item


def test_risk_part_matched_by_file_name():
    def edit(d):
        d["リスク対策"].insert(0, {"ファイル名": "収納管理ファイル"})
        d["リスク対策"][1]["監査"]["実施の有無"] = ["自己点検"]

    ch = changed(edit)
    assert [c.kind for c in ch] == ["追加", "変更"]
    assert all(c.marked for c in ch)  # every Ⅲ item is ※


def test_long_text_marks_the_changed_passage():
    a = "市民税課において、施錠できる場所に保管する。電子媒体は暗号化する。"
    b = "市民税課において、施錠できる書庫に保管する。電子媒体は暗号化する。"
    seg = passages(a, b)
    assert ("-", "場所") in seg and ("+", "書庫") in seg and ("=", "電子媒体は暗号化する。") in seg
    assert marked_html([("=", "<b>"), ("-", "x&y"), ("+", "z")], "before") == (
        '&lt;b&gt;<del><span class="pia-sr" data-pagefind-ignore>〔削除:〕</span>x&amp;y'
        '<span class="pia-sr" data-pagefind-ignore>〔削除ここまで〕</span></del>'
    )
    ch = changed(
        lambda d: d["特定個人情報ファイル"][0]["保管・消去"].__setitem__(
            "保管場所",
            d["特定個人情報ファイル"][0]["保管・消去"]["保管場所"].replace("施錠できる場所", "施錠できる書庫"),
        )
    )
    assert ch[0].segments and ">書庫<" in marked_html(ch[0].segments, "after").split("<ins>")[1]


def test_withheld_values_never_show_and_changes_say_only_that():
    def hide(d, value):
        d["特定個人情報ファイル"][0]["委託"]["委託事項"][1]["委託先名"] = Withheld(value)

    old = copy.deepcopy(DOC)
    hide(old, "株式会社ひみつ")
    new = copy.deepcopy(old)
    hide(new, "株式会社ないしょ")
    ch = diff(FORM, old, new)
    assert [(c.kind, c.before, c.after) for c in ch] == [("変更", "非公表", "非公表(内容を変更)")]
    # public, then withheld: the earlier value is withheld too (withheld.py), whatever it was
    ch = diff(FORM, DOC, old)
    assert [(c.before, c.after) for c in ch] == [("非公表", "非公表(内容を変更)")]
    assert "株式会社ジーシーシー" not in repr(ch)
    same = copy.deepcopy(DOC)
    hide(same, DOC["特定個人情報ファイル"][0]["委託"]["委託事項"][1]["委託先名"])
    assert diff(FORM, DOC, same) == []  # only marked 非公表: nothing to publish about it
