"""The roles API: each definition says where its values live; code asks by role."""

import shutil

import pytest

from piasite.forms.definition import FormError, load_form_file
from piasite.forms.registry import PACKAGE_FORMS, Registry, all_forms, load_form, using
from piasite.forms.roles import EACH

JUTEN = "重点項目評価書"


def _every_form():
    return all_forms()


def test_every_role_of_every_form_resolves():
    seen = 0
    for f in _every_form():
        assert f.roles, f"{f.source} declares no roles"
        for name, pattern in f.roles.items():
            item = f.role_item(name)
            assert item is not None, (f.source, name)
            # the pattern leads through the definition: each key a child, EACH only after a group or a list
            keys = tuple(k for k in pattern if k != EACH)
            assert f.item_at(keys) is item
            seen += 1
    assert seen > 150 and len(_every_form()) >= 4


def test_roles_every_form_must_have():
    for f in _every_form():
        for name in ("form", "organisation", "published", "jimu_name"):
            assert f.has_role(name), (f.source, name)
    f = load_form(JUTEN)
    assert not f.has_role("threshold_result") or f.role_key("threshold_result")
    assert not f.has_role("submitted_kinds")


def test_values_concrete_paths_and_relative_lookups():
    f = load_form(JUTEN)
    files, itaku, tasks = f.role_path("entrustment")[0], f.role_path("entrustment")[2], f.role_path("entrustment")[3]
    doc = {
        files: [
            {"名称": "Aファイル", itaku: {tasks: [{"委託先名": "甲社"}, {"委託先名": "乙社", "名称": "印刷"}]}},
            {"名称": "Bファイル", itaku: {tasks: [{"委託先名": "丙社"}]}},
        ]
    }
    got = list(f.values(doc, "contractor"))
    assert [v for _, v in got] == ["甲社", "乙社", "丙社"]
    assert got[1][0] == (files, 0, itaku, tasks, 1, f.role_key("contractor"))
    # contractors of one file; the 委託事項 of one file; the name of one 委託事項
    assert [v for _, v in f.values(doc, "contractor", within=(files, 1))] == ["丙社"]
    assert len(list(f.values(doc, "entrustment", within=(files, 0)))) == 2
    assert f.value(doc, "entrustment_name", within=(files, 0, itaku, tasks, 1)) == "印刷"
    assert f.value(doc, "entrustment_name", within=(files, 0, itaku, tasks, 0)) is None
    assert f.relative("contractor", "entrustment") == (f.role_key("contractor"),)
    assert f.concrete("entrustment_count", 1) == (files, 1, itaku, f.role_key("entrustment_count"))
    assert f.value(doc, "file_name") == "Aファイル"
    assert list(f.values({}, "contractor")) == []
    # a role the form does not have gives nothing
    assert list(f.values(doc, "submitted_kinds")) == [] and f.value(doc, "submitted_kinds") is None
    with pytest.raises(KeyError):
        f.role_path("submitted_kinds")
    with pytest.raises(KeyError):
        list(f.values(doc, "contractor", within=("変更箇所", 0)))


def test_each_over_a_list_of_scalars():
    kiso = load_form("基礎項目評価書")
    pattern = kiso.role_path("system_name")
    assert pattern[-1] == EACH
    jimu = pattern[:-2]
    doc = {jimu[0]: {jimu[1]: {pattern[-2]: ["住民基本台帳システム", "中間サーバー"]}}}
    assert list(kiso.values(doc, "system_name")) == [
        ((*pattern[:-1], 0), "住民基本台帳システム"),
        ((*pattern[:-1], 1), "中間サーバー"),
    ]
    assert kiso.role_item("system_name").kind == "list"
    assert kiso.anchor((*pattern[:-1], 1)) == kiso.anchor(pattern[:-1])  # a list's entries share the item's anchor
    assert kiso.short_label((*pattern[:-1], 1), doc).endswith("③システムの名称 2")  # the 2nd entry


def _definition_with(tmp_path, role_text):
    src = (PACKAGE_FORMS / "henko_ichiran.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "forms" / "broken.yaml"
    bad.parent.mkdir(exist_ok=True)
    bad.write_text(src.replace("  jimu_name: 事務の名称\n", f"  jimu_name: {role_text}\n"), encoding="utf-8")
    return bad


@pytest.mark.parametrize(
    "role_text, says",
    [
        ("事務の名前", "「事務の名前」という項目が定義にありません"),
        ("システム[].名前", "「名前」という項目が「システム」の下にありません"),
        ("システム.名称", "「システム」は繰り返す項目です。「システム[]」と書いてください"),
        ("一覧[][].箇所", "書き方が違います"),
        ("'  '", "空です"),
    ],
)
def test_bad_role_path_is_an_error_at_load_naming_the_file(tmp_path, role_text, says):
    bad = _definition_with(tmp_path, role_text)
    with pytest.raises(FormError) as e:
        load_form_file(bad)
    assert "broken.yaml" in str(e.value) and "roles.jimu_name" in str(e.value)
    assert says in str(e.value)


def test_bad_role_in_the_forms_folder_stops_loading(tmp_path):
    d = tmp_path / "forms"
    d.mkdir()
    shutil.copy(PACKAGE_FORMS / "juten.yaml", d / "juten.yaml")
    text = (
        (d / "juten.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "contractor: 特定個人情報ファイル[].委託.委託事項[].委託先名",
            "contractor: 特定個人情報ファイル[].委託.委託先",
        )
    )
    (d / "juten.yaml").write_text(text, encoding="utf-8")
    with (
        using(Registry([d])),
        pytest.raises(
            FormError, match=r"juten\.yaml: roles\.contractor: 「委託先」という項目が「委託」の下にありません"
        ),
    ):
        load_form(JUTEN)
