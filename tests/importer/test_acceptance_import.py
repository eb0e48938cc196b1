"""The acceptance check of issue 9, played with documents the importer was not written for.

tests/fixtures/acceptance holds published-style texts of invented organisations (a 基礎項目評価書
of 南川町, a 全項目評価書 of 北浜市, a second pair in other extraction styles, and a second author's set:
白砂町's 基礎 of the 平成26年4月 form, 青葉台市's 全項目 with running page footers, and its 重点 and 基礎
of one 評価), each with the
YAML a clerk would write from it (`*.expected.yaml`, written by hand from the text, not from the
importer's output). Each text is imported and must give exactly that YAML, with nothing left in
取込メモ and no !要確認; the imported documents pass `piasite check`; the built pages name the
organisation in their title and heading, and the indexes list their systems and 委託先.
"""

from __future__ import annotations

import html
import random
import re
import shutil
from pathlib import Path

import pytest

from piasite.forms.registry import load_form
from piasite.importer import import_file, write
from piasite.importer.writer import dump
from piasite.model.reader import parse, read
from tests.conftest import FIXTURES, ROOT
from tests.gitrepo import Repo
from tests.importer.test_importer_forms import _damage, assert_imported_whole

ACCEPTANCE = FIXTURES / "acceptance"
TEXTS = sorted(p.name for p in ACCEPTANCE.glob("*.txt"))


def _expected(name: str) -> Path:
    return ACCEPTANCE / name.replace(".txt", ".expected.yaml")


def _org_folder(name: str) -> tuple[str, str]:
    """minamikawa-9-kiso.txt → (minamikawa, 9-kiso)"""
    org, rest = name[:-4].split("-", 1)
    return org, rest


def test_every_text_has_its_expected_yaml():
    assert len(TEXTS) >= 2
    for name in TEXTS:
        assert _expected(name).is_file(), name


@pytest.mark.parametrize("name", TEXTS)
def test_values_land_in_their_items_exactly(name):
    imp = import_file(ACCEPTANCE / name)
    form = imp.form
    notes = form.role_key("import_notes")
    assert notes not in imp.data, imp.data.get(notes)
    got = parse(dump(imp.data, form, [], "../schema"), name).data
    want = read(_expected(name)).data
    assert got == want, _first_difference(want, got)
    # the report counts every value as taken as printed or as a named change, none unread
    c = imp.stats["classified"]
    assert c.count("unread") == 0 and c.count("uncertain") == 0


def _first_difference(want, got, path=()):
    if isinstance(want, dict) and isinstance(got, dict):
        for k in list(want) + [k for k in got if k not in want]:
            if want.get(k) != got.get(k):
                return _first_difference(want.get(k), got.get(k), path + (k,))
    if isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        for i, (w, g) in enumerate(zip(want, got, strict=True)):
            if w != g:
                return _first_difference(w, g, path + (i,))
    return f"{'.'.join(map(str, path))}: expected {want!r}, imported {got!r}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The texts imported into a city's repository, checked and built as the city runs it."""
    from tests.clirun import piasite

    repo = Repo(tmp_path_factory.mktemp("acceptance"))
    content = repo.root / "content"
    for name in TEXTS:
        org, rest = _org_folder(name)
        src = repo.root / name
        src.write_text((ACCEPTANCE / name).read_text(encoding="utf-8"), encoding="utf-8")
        write(import_file(src), src, content / org / f"{rest}.yaml", repo_root=repo.root)
    repo.write("content/aliases.yaml", "同じもの: []\n別のもの: []\n")  # a city's alias file: checked, not counted
    shutil.copy(ROOT / "mkdocs.yml", repo.root / "mkdocs.yml")
    repo.write(".gitignore", "/site/\n/site.tmp/\n/site.old/\n")
    repo.commit("取り込んだ評価書を登録", days=0)
    check = piasite("check", cwd=repo.root)
    build = piasite("build", "--out", "site", cwd=repo.root)
    assert build.returncode == 0, build.stderr
    return check, repo.root / "site"


def test_imported_documents_pass_check(site):
    check, _ = site
    assert check.returncode == 0, check.stderr
    assert f"{len(TEXTS)} 件の評価書(と aliases.yaml)を検査しました: エラー 0 件、警告 0 件" in check.stderr


def _text(html_text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def test_pages_name_the_organisation_in_title_and_heading(site):
    _, out = site
    for name in TEXTS:
        org, rest = _org_folder(name)
        want = read(_expected(name)).data
        form = load_form(want["様式"])
        city = want[form.role_key("organisation")]
        page = (out / org / rest / "index.html").read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?)</title>", page, re.S)
        h1 = re.search(r"<h1\b[^>]*>(.*?)</h1>", page, re.S)
        assert title and city in _text(title.group(1)), (name, title)
        assert h1 and city in _text(h1.group(1)), (name, h1)


def _role_names(form, data, role):
    return {str(v) for _, v in form.values(data, role)} if form.has_role(role) else set()


def test_systems_and_contractors_are_in_the_indexes(site):
    _, out = site
    systems = _text((out / "indexes" / "system" / "index.html").read_text(encoding="utf-8"))
    contractors = _text((out / "indexes" / "itakusaki" / "index.html").read_text(encoding="utf-8"))
    want_systems: set[str] = set()
    want_contractors: set[str] = set()
    for name in TEXTS:
        data = read(_expected(name)).data
        form = load_form(data["様式"])
        want_systems |= _role_names(form, data, "system_name")
        want_contractors |= _role_names(form, data, "contractor")
    assert want_systems and want_contractors
    assert not {s for s in want_systems if s not in systems}
    assert not {c for c in want_contractors if c not in contractors}


def test_the_documents_of_one_evaluation_share_its_page(site):
    """A 基礎 and a 重点/全項目 of one organisation under one 評価書番号: the 評価 page leads to both."""
    _, out = site
    by: dict[tuple[str, int], list[str]] = {}
    for name in TEXTS:
        org, rest = _org_folder(name)
        want = read(_expected(name)).data
        by.setdefault((org, want[load_form(want["様式"]).role_key("number")]), []).append(rest)
    shared = {k: v for k, v in by.items() if len(v) >= 2}
    assert shared
    for (org, no), rests in shared.items():
        page = (out / org / f"hyoka-{no}" / "index.html").read_text(encoding="utf-8")
        h1 = re.search(r"<h1\b[^>]*>(.*?)</h1>", page, re.S)
        want = read(_expected(f"{org}-{rests[0]}.txt")).data
        city = want[load_form(want["様式"]).role_key("organisation")]
        assert h1 and city in _text(h1.group(1)) and f"評価書番号 {no}" in _text(h1.group(1))
        assert all(f'href="../../{org}/{r}/"' in page for r in rests), rests


@pytest.mark.parametrize("name", TEXTS)
@pytest.mark.parametrize("how", ["dropped", "swapped", "truncated", "cells cut"])
def test_damaged_copies_import_without_a_crash_or_a_lost_line(name, how):
    assert_imported_whole(_damage((ACCEPTANCE / name).read_text(encoding="utf-8"), how, random.Random(11)))
