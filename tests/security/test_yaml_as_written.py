"""YAML は書いたとおりに読む (SECURITY.md): YAML 1.1, which PyYAML resolves by, reads `010` as 8,
`1:20` as 80, `yes` as true, `1_000` as 1000, `.inf` as infinity, `1.50` as 1.5 and `2024-1-1` as
2024-01-01: a value would change between the file and the page with nobody told. Every YAML file
piasite reads (content, aliases.yaml, mkdocs.yml, the forms, page front matter) is read with the
YAML 1.2 core forms that print back as written (piasite/yamlcore.py): anything else is the text
written, or — where a number or a date is needed — an error naming the line. Duplicate keys are an
error in mkdocs.yml as in content."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piasite.config import settings as engineconf
from piasite.core import yamlcore
from piasite.model.names import Names
from piasite.model.reader import ReadError, parse
from tests.clirun import piasite
from tests.gitrepo import BASE, base_repo

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DOC = BASE.read_text(encoding="utf-8")
REL = "content/higashiyama/5.yaml"

# Each is something other than its text under YAML 1.1 (or under the 1.2 core schema).
FORMS = [
    "010",
    "0o10",
    "0x1F",
    "0b101",
    "1:20",
    "190:20:30.15",
    "1_000",
    "+5",
    "-0",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Yes",
    "NO",
    "True",
    "FALSE",
    "Null",
    "NULL",
    ".inf",
    "-.inf",
    ".NaN",
    "1.50",
    "1.0e+3",
    "6.8523015e+5",
    ".5",
    "1.",
    "2024-1-1",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5",
    "2002-12-14 00:00",
    "=",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One build of a document whose systems are named and described by every form above."""
    r = base_repo(tmp_path_factory.mktemp("yaml") / "city")
    shutil.copy(REPO_ROOT / "mkdocs.yml", r.path("mkdocs.yml"))
    r.write(".gitignore", "/site/\n/build/\n")
    systems = "".join(f"    - 名称: {f}\n      機能: {f}\n" for f in FORMS)
    r.edit(REL, "  システム:\n", "  システム:\n" + systems)
    r.edit(REL, "特記事項: なし", "特記事項: 1:20")
    r.commit("システムを追加")
    check = piasite("check", cwd=r.root)
    assert check.returncode == 0, check.stderr
    build = piasite("build", cwd=r.root)
    assert build.returncode == 0, build.stderr
    return r.root / "site"


def _text(page: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "\n", page.read_text(encoding="utf-8")))


@pytest.mark.parametrize("form", FORMS)
def test_a_yaml_1_1_form_reaches_the_page_as_written(built, form):
    page = _text(built / "higashiyama" / "5" / "index.html")
    lines = {line.strip() for line in page.splitlines()}
    assert form in lines, form
    index = _text(built / "indexes" / "system" / "index.html")
    assert form in {line.strip() for line in index.splitlines()}, form


def test_sexagesimal_in_a_text_field(built):
    page = _text(built / "higashiyama" / "5" / "index.html")
    assert "1:20" in page and "\n80\n" not in page


@pytest.mark.parametrize("form", FORMS)
def test_the_reader_keeps_the_text(form):
    doc = parse(f"a: {form}\nb:\n  - {form}\n{form}: x\n")
    assert doc.data == {"a": form, "b": [form], form: "x"}
    assert doc.line(("b", 0)) == 3 and doc.line((form,)) == 4  # the line table is kept


@pytest.mark.parametrize(
    "old,new,says",
    [
        ("評価書番号: 5", "評価書番号: 010", "数字だけで書いてください(「010」になっています)"),
        ("評価書番号: 5", "評価書番号: 0o5", "数字だけで書いてください(「0o5」になっています)"),
        ("評価書番号: 5", "評価書番号: 0x5", "数字だけで書いてください(「0x5」になっています)"),
        ("評価書番号: 5", "評価書番号: 5_0", "数字だけで書いてください(「5_0」になっています)"),
        ("評価書番号: 5", "評価書番号: 0:5", "数字だけで書いてください(「0:5」になっています)"),
        ("評価書番号: 5", "評価書番号: !!int 010", "タグ !!int は「010」に付けられません"),
        ("評価書番号: 5", "評価書番号: !!float 5.0", "タグ !!float は「5.0」に付けられません"),
        ("公表日: 2025-12-01", "公表日: 2025-12-1", "2025-12-01 と書いてください"),
        ("公表日: 2025-12-01", "公表日: !!timestamp 2025-12-1", "タグ !!timestamp は「2025-12-1」に付けられません"),
    ],
)
def test_where_a_number_or_date_is_needed_the_written_form_is_an_error(tmp_path, old, new, says):
    path = tmp_path / "higashiyama" / "5.yaml"
    path.parent.mkdir()
    text = DOC.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    proc = piasite("check", str(path))
    line = text[: text.index(new)].count("\n") + 1
    assert proc.returncode == 1, proc.stderr
    assert re.search(rf"^{re.escape(str(path))}:{line}: .*{re.escape(says)}", proc.stderr, re.M), proc.stderr


def test_dates_and_numbers_written_plainly_keep_working():
    doc = parse(DOC)
    assert doc.data["公表日"] == dt.date(2025, 12, 1) and doc.data["評価書番号"] == 5
    assert parse("a: true\nb: false\nc:\nd: ~\ne: null\nf: 0\ng: -3\n").data == {
        "a": True,
        "b": False,
        "c": None,
        "d": None,
        "e": None,
        "f": 0,
        "g": -3,
    }


def test_aliases_yaml_reads_names_as_written(tmp_path):
    path = tmp_path / "aliases.yaml"
    path.write_text(
        "同じもの:\n  - [yes, 株式会社イエス]\n  - [010, 株式会社ゼロイチゼロ]\n略称:\n  on: 株式会社オン\n",
        encoding="utf-8",
    )
    names = Names.load_file(path)
    assert names.key("yes") == names.key("株式会社イエス") and names.key("010") == names.key("株式会社ゼロイチゼロ")
    assert names.abbreviations == {"on": "株式会社オン"}


# -- mkdocs.yml ------------------------------------------------------------------------------


@pytest.fixture
def city(tmp_path):
    r = base_repo(tmp_path / "city")
    r.write("mkdocs.yml", (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    r.write(".gitignore", "/site/\n/build/\n")
    r.commit("設定")
    return r


@pytest.mark.parametrize("value", ["0000-00-00", "2024-13-01", "9" * 5000])
def test_mkdocs_yml_value_no_type_can_hold_is_no_internal_error(tmp_path, value):
    path = tmp_path / "mkdocs.yml"
    path.write_text(f"site_name: {value}\ncopyright: 2024-01-01\n", encoding="utf-8")
    s = engineconf.read(path)
    assert s.texts["site_name"] == value and s.texts["copyright"] == "2024-01-01", s


def test_mkdocs_yml_texts_as_written(tmp_path):
    path = tmp_path / "mkdocs.yml"
    path.write_text(
        "site_name: 010\nsite_author: yes\ncopyright: 1:20\nextra:\n  publisher: 0x1F\n  contact: on\n",
        encoding="utf-8",
    )
    s = engineconf.read(path)
    assert not s.problems, s.problems
    assert s.texts["site_name"] == "010" and s.texts["site_author"] == "yes" and s.texts["copyright"] == "1:20"
    assert s.extra == {"publisher": "0x1F", "contact": "on"}


def test_mkdocs_yml_limits_written_otherwise_are_refused(city):
    city.edit("mkdocs.yml", "extra:\n", "extra:\n  piasite:\n    limits:\n      max_value_chars: 60_000\n")
    city.commit("上限")
    proc = piasite("check", cwd=city.root)
    assert proc.returncode == 1 and "max_value_chars は正の整数で書いてください" in proc.stderr, proc.stderr


@pytest.mark.parametrize(
    "old,new,key",
    [
        ("nav:\n", "site_name: 二つ目  # dup\nnav:\n", "site_name"),
        ("nav:\n", "theme:  # dup\n  name: material\nnav:\n", "theme"),
        ('  publisher: ""', '  publisher: ""\n  publisher: 二つ目  # dup', "publisher"),
    ],
)
def test_mkdocs_yml_duplicate_key_is_an_error_naming_the_line(city, old, new, key):
    """The loader would keep the last value silently (MkDocs's too)."""
    text = (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace(old, new, 1)
    city.write("mkdocs.yml", text)
    city.commit("重複")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "# dup" in l)
    for cmd in ("check", "build"):
        proc = piasite(cmd, cwd=city.root)
        assert proc.returncode == 1, proc.stderr
        assert f"mkdocs.yml:{line}: キー「{key}」が重複しています" in proc.stderr, proc.stderr
    assert not (city.root / "site").exists()


def test_content_duplicate_key_is_an_error_naming_the_line(tmp_path):
    path = tmp_path / "higashiyama" / "5.yaml"
    path.parent.mkdir()
    path.write_text(DOC.replace("特記事項: なし", "特記事項: なし\n特記事項: あり"), encoding="utf-8")
    line = DOC[: DOC.index("特記事項: なし")].count("\n") + 2
    proc = piasite("check", str(path))
    assert proc.returncode == 1 and f"{path}:{line}: キー「特記事項」が重複しています" in proc.stderr, proc.stderr


def test_the_forms_read_the_same_as_written():
    """piasite's own definitions mean what they say under the restricted resolvers (merge keys kept)."""

    class Old(yaml.SafeLoader):
        pass

    for path in sorted((REPO_ROOT / "piasite" / "forms").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=yamlcore.as_written(type("L", (yaml.SafeLoader,), {}), merge=True)) == yaml.load(
            text, Loader=Old
        ), path


# -- no silent conversion, for any text ------------------------------------------------------

_ALPHABET = "0123456789+-._:~eEoOxXbB abcdfnlrstuyTFNY!@#%&*,/\\'\"<=>?[]{}|`^$()\tあ"
_SCALARS = st.one_of(
    st.text(_ALPHABET, max_size=12),
    st.from_regex(r"[-+]?[0-9_]{0,6}(\.[0-9_]{0,4})?([eE][-+]?[0-9]{1,3})?", fullmatch=True),
    st.from_regex(r"[0-9]{1,4}(:[0-5]?[0-9]){1,3}(\.[0-9]+)?", fullmatch=True),
    st.from_regex(
        r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{2}(:[0-9]{2})?(\.[0-9]*)?( ?(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?)?",
        fullmatch=True,
    ),
    st.sampled_from(
        [
            "yes",
            "Yes",
            "YES",
            "no",
            "No",
            "NO",
            "on",
            "On",
            "ON",
            "off",
            "Off",
            "OFF",
            "y",
            "Y",
            "n",
            "N",
            "true",
            "True",
            "TRUE",
            "false",
            "False",
            "FALSE",
            "null",
            "Null",
            "NULL",
            "~",
            ".inf",
            ".Inf",
            "-.INF",
            ".nan",
            ".NaN",
            "0o17",
            "0x1f",
            "0b11",
            "<<",
            "=",
        ]
    ),
)


def _plain(s: str) -> bool:
    """Whether s can be written as a plain scalar (the emitter's own test)."""
    if not s or s != s.strip():
        return False
    analysis = yaml.emitter.Emitter(None).analyze_scalar(s)  # type: ignore[arg-type]
    return analysis.allow_block_plain and not analysis.multiline


def _as_written(value, s: str) -> bool:
    """The loaded value is the text written: the text itself, or a type whose printing is the text."""
    if isinstance(value, str):
        return value == s
    if isinstance(value, bool):
        return s == ("true" if value else "false")
    if isinstance(value, int):
        return str(value) == s
    if value is None:
        return s in ("~", "null")
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat() == s
    return False


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_SCALARS)
def test_load_of_a_plain_scalar_is_the_text_or_an_error(s):
    if not _plain(s):
        return
    try:
        doc = parse(f"a: {s}\nb:\n  - {s}\n{s}: k\n")
    except ReadError:
        return  # refused, with its line: never silently something else
    assert _as_written(doc.data["a"], s), (s, doc.data["a"])
    assert _as_written(doc.data["b"][0], s), (s, doc.data["b"])
    keys = [k for k in doc.data if k not in ("a", "b")]
    assert keys == [s] or (len(keys) == 1 and _as_written(keys[0], s)), (s, keys)


@settings(max_examples=200, deadline=None)
@given(_SCALARS)
def test_mkdocs_yml_texts_are_the_text_or_an_error(s):
    if not _plain(s) or s in ("~", "null"):
        return
    loader = engineconf._Loader(f"site_name: {s}\n")
    try:
        data = loader.get_single_data()
    finally:
        loader.dispose()
    assert isinstance(data["site_name"], str) and data["site_name"] == s or _as_written(data["site_name"], s), (s, data)
    assert not isinstance(data["site_name"], dt.date)  # mkdocs.yml has no dates: a date-like text stays text
