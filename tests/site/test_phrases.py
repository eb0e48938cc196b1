"""Japanese line breaking by phrase (site/phrases.py, issue 22 item 4): <wbr> between BudouX's phrases in
headings, table cells and the indexes' lists of names, and nothing else changed."""

from __future__ import annotations

import re

from piasite.site.phrases import phrase_html, split


def test_phrases_of_a_heading():
    assert split("特定個人情報ファイルの取扱いの委託") == ("特定個人情報ファイルの", "取扱いの", "委託")
    assert split("KSK") == ("KSK",)


def test_only_headings_cells_and_name_lists_get_breaks():
    html = (
        '<h2 id="x" class="pia-h">特定個人情報ファイルの取扱いの委託<a class="pia-link" href="#x">#</a></h2>'
        "<p>特定個人情報ファイルの取扱いの委託</p>"
        '<td data-label="委託事項">申告情報のパンチ入力業務を委託する</td>'
        '<nav class="pia-az"><ul><li><a href="#e">共通基盤システム(庁内連携システム)</a>(3)</li></ul></nav>'
        "<ul><li>共通基盤システム(庁内連携システム)</li></ul>"
        '<script>var t = "<h2>特定個人情報ファイルの取扱いの委託</h2>";</script>'
        "<h3>code: <code>特定個人情報ファイルの取扱いの委託</code></h3>"
    )
    out = phrase_html(html)
    assert out.replace("<wbr>", "") == html  # only <wbr> added
    assert '<h2 id="x" class="pia-h">特定個人情報ファイルの<wbr>取扱いの<wbr>委託<a' in out
    assert "<p>特定個人情報ファイルの取扱いの委託</p>" in out
    assert "<wbr>" in re.search(r"<td.*?</td>", out)[0]
    assert "共通基盤システム<wbr>(庁内連携システム)</a>" in out
    assert "<ul><li>共通基盤システム(庁内連携システム)</li></ul>" in out  # an ordinary list: as written
    assert "<script>var t = \"<h2>特定個人情報ファイルの取扱いの委託</h2>\";</script>" in out
    assert "<code>特定個人情報ファイルの取扱いの委託</code>" in out


def test_entities_stay_entities():
    out = phrase_html("<h2>&lt;script&gt;特定個人情報ファイルの取扱いの委託 &amp; 再委託</h2>")
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp;" in out
    assert out.replace("<wbr>", "") == "<h2>&lt;script&gt;特定個人情報ファイルの取扱いの委託 &amp; 再委託</h2>"


def test_the_built_pages_have_them(fixture_site):
    page = (fixture_site / "indexes" / "system" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<h2 id=\"e-[0-9a-f]+\">[^<]*<wbr>", page)
