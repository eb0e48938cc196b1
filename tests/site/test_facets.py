"""Facets (site/facets.py, issue 22 item 1): the answers to every choice and checkbox item, counted.

The counts are checked against a script that knows nothing of piasite: it reads the YAML files as
plain data and counts, for a key, every string written under it (and the documents writing it).
Three questions a resident asks: 再委託の有無, 重大事故の発生, リスクへの対策は十分か — on the
repository's content/ (the seeds) and on tests/fixtures/allforms (a 基礎 and a 全項目 too).
"""

from __future__ import annotations

import csv
import io
import re
from html import escape
from collections import Counter
from pathlib import Path

import pytest
import yaml

from piasite.forms.registry import all_forms
from piasite.history.content import load_content
from piasite.site import facets

REPO = Path(__file__).resolve().parents[2]
TREES = {"seeds": REPO / "content", "allforms": REPO / "tests" / "fixtures" / "allforms"}
QUESTIONS = ("再委託の有無", "重大事故の発生", "リスクへの対策は十分か")
UNREAD = object()


class _Plain(yaml.SafeLoader):
    pass


# !要確認 (unread) and !非公表 (withheld): the script only needs to know the value is not a plain answer
# (PyYAML's scanner takes ASCII tags only: the two are renamed before parsing)
_Plain.add_constructor("!unread", lambda loader, node: UNREAD)
_Plain.add_constructor("!withheld", lambda loader, node: "非公表")


def script_count(tree: Path, key: str) -> tuple[Counter, dict[str, set[str]]]:
    """(answer → places, answer → files) for every `key:` in every YAML file of the tree."""
    places: Counter = Counter()
    files: dict[str, set[str]] = {}

    def walk(node, name):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == key and (isinstance(v, str) or v is UNREAD):
                    answer = "原文から読み取れませんでした" if v is UNREAD else v
                    places[answer] += 1
                    files.setdefault(answer, set()).add(name)
                else:
                    walk(v, name)
        elif isinstance(node, list):
            for v in node:
                walk(v, name)

    for p in sorted(tree.rglob("*.yaml")):
        if p.name == "aliases.yaml":
            continue
        text = p.read_text(encoding="utf-8").replace("!要確認", "!unread").replace("!非公表", "!withheld")
        walk(yaml.load(text, Loader=_Plain), p.relative_to(tree).with_suffix("").as_posix())
    return places, files


@pytest.fixture(scope="module", params=sorted(TREES))
def tree(request):
    assessments, problems = load_content(TREES[request.param])
    assert assessments, problems
    return TREES[request.param], assessments, facets.build_facets(assessments, all_forms())


@pytest.mark.parametrize("key", QUESTIONS)
def test_counts_equal_what_a_script_counts_in_the_yaml(tree, key):
    root, _, fs = tree
    places, files = script_count(root, key)
    assert places, f"{root}: no {key} at all (the test would prove nothing)"
    found = [fc for fc in fs.facets if fc.key == key]
    assert len(found) == 1, [fc.id for fc in found]  # one question, whatever form or place prints it
    fc = found[0]
    got = {a.text: len(a.occurrences) for a in fc.answers.values()}
    assert got == dict(places)
    docs = {a.text: {o.assessment.url.rstrip("/") for o in a.occurrences} for a in fc.answers.values()}
    assert docs == files
    # every occurrence links to the item's anchor on the document's page
    for a in fc.answers.values():
        for o in a.occurrences:
            assert o.href == f"{o.assessment.url}#{o.assessment.form.anchor(o.path)}"


def test_every_choice_and_checkbox_item_of_the_forms_in_use_is_a_facet(tree):
    _, assessments, fs = tree
    used = {a.form.name for a in assessments}
    expected = {
        (f.name, item.key, tuple(item.choices) or tuple(o.text for o in item.options))
        for f in all_forms()
        if f.name in used
        for item in f.walk()
        if item.kind in ("choice", "multi") and not facets._in_change_log(f, item)  # 別添2: made from git
    }
    assert any(facets._in_change_log(f, item) for f in all_forms() for item in f.walk() if item.kind == "choice")
    got = {(form, fc.key, fc.choices) for fc in fs.facets for form in fc.forms}
    assert got == expected
    assert len({fc.id for fc in fs.facets}) == len(fs.facets)
    assert all(re.fullmatch(r"[A-Za-z0-9-]+", fc.id) for fc in fs.facets)  # URLs
    assert len({fc.title for fc in fs.facets}) == len(fs.facets)  # told apart on the list page


def test_ids_do_not_depend_on_the_forms_a_site_uses(tree):
    _, assessments, fs = tree
    alone = facets.build_facets(assessments[-1:], all_forms())
    ids = {fc.key: (fc.id, fc.title) for fc in fs.facets}
    for fc in alone.facets:
        assert ids.get(fc.key, (fc.id, fc.title)) == (fc.id, fc.title) or fc.key not in QUESTIONS


def test_the_filters_are_those_the_regime_names():
    wanted = facets.spec()["filters"]
    assert set(QUESTIONS) <= set(wanted)
    assessments, _ = load_content(TREES["seeds"])
    fs = facets.build_facets(assessments, all_forms())
    for a in assessments:
        pairs = facets.filters_of(fs, a)
        names = {n for n, _ in pairs}
        assert names <= set(wanted.values())
        for n, answer in pairs:
            fc = next(fc for fc in fs.facets if fc.filter == n)
            assert answer in fc.choices  # only the form's wording, never an unread or withheld value


def test_an_option_printed_otherwise_by_another_version_is_one_answer():
    """全項目's 4情報 option is printed 5情報(…) by the newest 様式: documents of every version write its
    text, counted as one answer, the same question as the 重点's list (whose option reads the same)."""
    forms = {f.name: f for f in all_forms()}
    juten, zenkoumoku = forms["重点項目評価書"], forms["全項目評価書"]
    assessments = load_content(TREES["seeds"])[0] + load_content(TREES["allforms"])[0]
    fs = facets.build_facets(assessments, all_forms())
    key = "主な記録項目"
    found = [fc for fc in fs.facets if fc.key == key]
    assert len(found) == 1 and set(found[0].forms) >= {juten.name, zenkoumoku.name}
    fc = found[0]
    option = next(o for it in zenkoumoku.walk() if it.key == key for o in it.options if o.label)
    assert option.text in fc.choices and option.label in fc.printed[option.text]
    assert {a.text for a in fc.answers.values() if a.listed} <= set(fc.choices)
    assert fc.answers[option.text].occurrences  # the seeds check it


def test_the_pages_and_the_csv(fixture_site):
    site = fixture_site
    listing = (site / "indexes" / "kaito" / "index.html").read_text(encoding="utf-8")
    text = (site / "api" / "indexes" / "kaito.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows
    for fid in {r["質問の id"] for r in rows}:
        page = (site / "indexes" / "kaito" / fid / "index.html").read_text(encoding="utf-8").replace("<wbr>", "")
        assert f'href="{fid}/"' in listing
        mine = [r for r in rows if r["質問の id"] == fid]
        for answer, n in Counter(r["回答"] for r in mine).items():
            docs = len({r["評価書"] for r in mine if r["回答"] == answer})
            assert f">{escape(answer)}(評価書 {docs} 件、{n} 箇所)</h2>" in page
        for r in mine:
            assert f'href="../../../{r["url"]}"' in page  # the item, on the document's page
