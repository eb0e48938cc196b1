"""scripts/pagefind_compare.py (issue 21, item 1) without building or a browser: its queries each have
an answer in content/, it includes the kinds it promises, and its table marks a difference."""

from __future__ import annotations

import sys

from tests.conftest import ROOT


def _script():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import pagefind_compare
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return pagefind_compare


def test_queries_cover_the_kinds_and_each_has_an_answer():
    c = _script()
    qs = c.queries()
    kinds = {q.kind for q in qs}
    assert {"全角・半角", "ひらがな", "略称", "カタカナ", "長い文の中の委託先"} <= kinds, kinds
    assert all(c.facts.containing(q.written) for q in qs)
    assert any(q.typed != q.written for q in qs) and len(qs) == len(set(qs))
    for name in c.long_text_contractors():
        assert any(len(t) >= 100 and c.facts.norm(name) in t for d in c.facts.docs() for _p, _r, t in d.leaves)


def test_table_marks_a_difference_and_counts():
    c = _script()
    qs = [c.Query("カタカナ", "マイナポータル", "マイナポータル"), c.Query("略称", "NEC", "日本電気")]
    a = [c.Outcome(["x/1/"], {"x/1/", "y/2/"}, True), c.Outcome(["z/3/", "w/4/"], {"z/3/"}, True)]
    b = [c.Outcome(["x/1/", "y/2/"], {"x/1/", "y/2/"}, True), c.Outcome(["z/3/"], {"z/3/"}, False)]
    md = c.table(qs, ["PyPI 1.5.2", "npm 1.6.0"], [a, b])
    lines = md.splitlines()
    assert lines[2] == "| カタカナ | マイナポータル | 〃 | 1/2 | 2/2 | **差**"
    assert lines[3] == "| 略称 | NEC | 日本電気 | 1/1(ほか 1) | 1/1・項目ずれ | **差**"
    assert lines[-1].endswith("| **1/2** | **1/2** |")
