"""The form registry: the package's definitions, then a city's forms/ folder beside its mkdocs.yml."""

from __future__ import annotations

import pytest

from piasite.core import safefiles
from piasite.core.errors import UnknownForm
from piasite.forms.definition import FormError
from piasite.forms.registry import PACKAGE_FORMS, Registry
from tests.clirun import piasite
from tests.conftest import ROOT

PACKAGE_NAMES = [
    "基礎項目評価書",
    "変更箇所一覧",
    "重点項目評価書",
    "全項目評価書",
]  # by file name: henko_ichiran, juten…


def _city_form(root, name="試行評価書", schema_id="shiko", file="shiko.yaml"):
    """A city's own form: the 重点 definition under another name, in <root>/forms/."""
    d = root / "forms"
    d.mkdir(exist_ok=True)
    src = (PACKAGE_FORMS / "juten.yaml").read_text(encoding="utf-8")
    assert "\nform: 重点項目評価書\n" in src and "\nschema_id: juten\n" in src
    (d / file).write_text(
        src.replace("\nform: 重点項目評価書\n", f"\nform: {name}\n").replace(
            "\nschema_id: juten\n", f"\nschema_id: {schema_id}\n"
        ),
        encoding="utf-8",
    )
    return d / file


def test_the_package_registry_lists_its_definitions_in_file_order():
    r = Registry()
    assert r.names() == sorted(PACKAGE_NAMES, key=lambda n: str(r.files()[n].name))
    assert {r.get(n).name for n in r.names()} == set(PACKAGE_NAMES)
    assert Registry.for_project(ROOT).names() == r.names()  # no forms/ at the top of this repository


def test_a_city_forms_folder_adds_a_form(tmp_path):
    _city_form(tmp_path)
    r = Registry.for_project(tmp_path)
    assert r.names() == [*Registry().names(), "試行評価書"]  # after the package's
    f = r.get("試行評価書")
    assert f.schema_id == "shiko" and f.has_role("contractor")
    assert r.of({r.form_key(): "試行評価書"}) is f and r.find({r.form_key(): "試行評価書"}) is f
    with pytest.raises(UnknownForm):
        Registry().get("試行評価書")  # only the city's registry has it


def test_a_city_form_is_checked_by_the_command_run_in_its_repository(tmp_path):
    _city_form(tmp_path)
    doc = (ROOT / "content" / "kumagaya").glob("*.yaml")
    src = next(p for p in sorted(doc) if "重点項目評価書" in p.read_text(encoding="utf-8"))
    (tmp_path / "content" / "kumagaya").mkdir(parents=True)
    text = src.read_text(encoding="utf-8").replace("様式: 重点項目評価書", "様式: 試行評価書", 1)
    assert "様式: 試行評価書" in text
    (tmp_path / "content" / "kumagaya" / src.name).write_text(text, encoding="utf-8")
    r = piasite("check", "content", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    (tmp_path / "forms" / "shiko.yaml").unlink()  # without the city's definition, the same file is refused
    r = piasite("check", "content", cwd=tmp_path)
    assert r.returncode == 1 and "試行評価書" in r.stderr


def test_a_city_form_named_like_a_package_form_is_an_error_naming_both_files(tmp_path):
    city = _city_form(tmp_path, name="重点項目評価書", schema_id="juten2", file="mine.yaml")
    with pytest.raises(FormError) as e:
        Registry.for_project(tmp_path).get("基礎項目評価書")
    said = str(e.value)
    assert "様式「重点項目評価書」の定義が二つあります" in said
    assert str(PACKAGE_FORMS / "juten.yaml") in said and str(city) in said


def test_two_city_files_of_one_name_are_an_error(tmp_path):
    a = _city_form(tmp_path, file="a.yaml")
    b = _city_form(tmp_path, file="b.yaml")
    with pytest.raises(FormError, match="様式「試行評価書」の定義が二つあります") as e:
        Registry.for_project(tmp_path).names()
    assert str(a) in str(e.value) and str(b) in str(e.value)


def test_an_unknown_form_lists_the_known_names(tmp_path):
    _city_form(tmp_path)
    with pytest.raises(UnknownForm) as e:
        Registry.for_project(tmp_path).get("重点評価書")
    assert str(e.value) == (
        "様式「重点評価書」はありません。次のいずれかを書いてください: "
        + "、".join([*Registry().names(), "試行評価書"])
    )
    assert isinstance(e.value, KeyError) and e.value.name == "重点評価書"


def test_a_link_in_the_city_forms_folder_is_refused(tmp_path):
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "juten_link.yaml").symlink_to(PACKAGE_FORMS / "juten.yaml")
    with pytest.raises(safefiles.UnsafeFile):
        Registry.for_project(tmp_path).names()


def test_a_city_definition_of_aliases_without_end_is_refused_quickly(tmp_path):
    """A pull request can add a definition: nine lists of nine aliases would make 9**8 items."""
    import time

    d = tmp_path / "forms"
    d.mkdir()
    item = "{key: k, label: l, id: '1', kind: text}"
    levels = [f"l0: &l0 [{', '.join([item] * 9)}]"]
    for n in range(1, 9):
        one = f"{{key: k, label: l, id: '1', kind: section, items: *l{n - 1}}}"
        levels.append(f"l{n}: &l{n} [{', '.join([one] * 9)}]")
    (d / "bomb.yaml").write_text(
        "fragments:\n"
        + "".join(f"  {line}\n" for line in levels)
        + "form: 爆弾\ntitle: 爆弾\nschema_id: bomb\nitems: *l8\n",
        encoding="utf-8",
    )
    r = Registry.for_project(tmp_path)
    t0 = time.perf_counter()
    with pytest.raises(FormError, match=r"forms/bomb\.yaml: 項目が多すぎます\(5,000 個まで\)"):
        r.get("爆弾")
    assert time.perf_counter() - t0 < 1.0


def test_a_huge_city_definition_is_refused_before_it_is_read(tmp_path):
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "big.yaml").write_text("form: 大\n" + "#" * 1_000_001 + "\n", encoding="utf-8")
    with pytest.raises(FormError, match="様式の定義が大きすぎます"):
        Registry.for_project(tmp_path).names()


@pytest.mark.parametrize(
    "text, says",
    [
        ("form: [\n", "YAML として読めません"),
        ("- a\n- b\n", "form: (様式の名前) を書いてください"),
        ("title: 名前なし\n", "form: (様式の名前) を書いてください"),
        ("form: 試し\n", "様式の定義として読めません(KeyError"),  # no title, no items
        ("form: 試し\ntitle: 試し\nschema_id: t\nitems: [{key: k}]\n", "様式の定義として読めません(KeyError"),
    ],
)
def test_a_city_file_that_is_no_definition_is_an_error_naming_it(tmp_path, text, says):
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "odd.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(FormError, match=r"forms/odd\.yaml: ") as e:
        r = Registry.for_project(tmp_path)
        r.get(r.names()[-1])
    assert says in str(e.value)


def test_a_broken_city_form_stops_a_command_with_its_message(tmp_path):
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "odd.yaml").write_text("form: [\n", encoding="utf-8")
    (tmp_path / "content" / "kumagaya").mkdir(parents=True)
    (tmp_path / "content" / "kumagaya" / "1.yaml").write_text("様式: 重点項目評価書\n", encoding="utf-8")
    r = piasite("check", "content", cwd=tmp_path)
    assert r.returncode == 1 and "forms/odd.yaml: YAML として読めません" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
