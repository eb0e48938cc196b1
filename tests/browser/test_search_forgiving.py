"""Search forgives how people type (issue #10.8): full-width and half-width letters and kana find
what their usual form finds; an abbreviation from content/aliases.yaml (略称:) finds the name the
documents write; a match in a title ranks above a match in body text."""

from __future__ import annotations

import re
import time
import unicodedata

import pytest
import sitefacts as facts
from searchbox import ranked_pages, result_links, site_path

from piasite.model.names import Names

pytestmark = pytest.mark.browser  # the browser tier: tests/conftest.py refuses a test here without it

# (as typed, as written): the typed form must find the same assessments as the written one.
FORMS = [("ＫＳＫ", "KSK"), ("ｴﾇ･ﾃｨ･ﾃｨ", "エヌ・ティ・ティ"), ("ｼﾞｰｼｰｼｰ", "ジーシーシー"), ("ｋｓｋ", "KSK")]


_SETTLED = """() => {
  const m = (document.querySelector('.pagefind-ui__message') || {}).textContent || '';
  const n = parseInt((m.match(/(\\d+)\\s*件/) || [])[1] || '-1', 10);
  const links = [...document.querySelectorAll('.pagefind-ui__result-link')].map(e => e.href);
  return n >= 0 && links.length >= n ? [m, links] : null;
}"""


def _pages(page, site_url, query, until=None, timeout: float = 60.0) -> list[str]:
    """Result pages in ranked order, once every result the message counts is on the page and the
    answer has settled (Pagefind draws results as their data arrives, and on a busy machine an answer
    can change after seconds of quiet). With `until` (a test on the set of pages): as soon as it holds,
    else the last answer at the timeout — so a search that never finds them still fails."""
    page.goto(site_url + "search/")
    result_links(page, site_url, query)
    deadline, last, quiet = time.monotonic() + timeout, None, 0
    while time.monotonic() < deadline:
        now = page.evaluate(_SETTLED)
        if now is not None:
            pages = ranked_pages(now[1], site_url)
            if until is not None and until(set(pages)):
                return pages
            quiet = quiet + 1 if now == last else 0
            if until is None and quiet >= 12:  # unchanged for 3 s
                return pages
        last = now
        page.wait_for_timeout(250)
    return ranked_pages(last[1], site_url) if last else []


@pytest.mark.parametrize("typed,written", FORMS, ids=[t for t, _ in FORMS])
def test_full_and_half_width_find_the_same(page, site_url, typed, written):
    expected = {d.url for d in facts.containing(written)}
    assert expected, f"「{written}」を含む評価書が content/ にありません"
    found = set(_pages(page, site_url, typed, until=expected.issubset))
    assert expected <= found, f"「{typed}」で {sorted(expected)} が見つかりません(見つかったのは {sorted(found)})"


# A katakana word typed in hiragana without converting it (the long-vowel mark ー is only written in
# katakana): it finds what the katakana finds, and only that (Pagefind alone returned unrelated pages).
HIRAGANA = [("じーしーしー", "ジーシーシー"), ("まいなぽーたる", "マイナポータル")]


@pytest.mark.parametrize("typed,written", HIRAGANA, ids=[t for t, _ in HIRAGANA])
def test_hiragana_with_long_vowel_finds_the_katakana_word(page, site_url, typed, written):
    expected = {d.url for d in facts.containing(written)}
    assert expected, f"「{written}」を含む評価書が content/ にありません"
    found = set(_pages(page, site_url, typed, until=expected.__eq__))
    assert found == expected, f"「{typed}」で {sorted(expected)} だけが見つかるはずが {sorted(found)} でした"


ABBREVIATIONS = sorted(Names.load(facts.CONTENT).abbreviations.items())


def test_common_abbreviations_are_in_aliases():
    abbrev = dict(ABBREVIATIONS)
    assert abbrev.get("NEC") == "日本電気", "content/aliases.yaml の 略称: に NEC がありません"
    # the companies and bodies of the seeds that residents call by their initials
    for short, name in [("GCC", "ジーシーシー"), ("J-LIS", "地方公共団体情報システム機構")]:
        if facts.containing(name):
            assert abbrev.get(short) == name, f"content/aliases.yaml の 略称: に {short}: {name} がありません"


@pytest.mark.parametrize("short,name", ABBREVIATIONS, ids=[a for a, _ in ABBREVIATIONS])
def test_abbreviation_from_aliases(page, site_url, short, name):
    expected = {d.url for d in facts.containing(name)}
    assert expected, f"略称 {short} の「{name}」を含む評価書が content/ にありません"
    found = set(_pages(page, site_url, short, until=expected.issubset))
    assert expected <= found, f"「{short}」で{name}の評価書 {sorted(expected)} が見つかりません ({sorted(found)})"


def test_header_box_reads_the_words_the_same_way(page, site_url):
    """The header box sends the typed words to the search page, where they are read the same way."""
    page.goto(site_url + "kumagaya/5/")
    page.fill("#pia-q", "ＫＳＫ")
    page.press("#pia-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    page.wait_for_selector(".pagefind-ui__result-link")
    assert "kumagaya/5/" in page.locator(".pagefind-ui__result-link").first.get_attribute("href")


def test_title_match_ranks_above_body_text(page, site_url):
    """住民基本台帳 is the 事務 of one assessment and a word in the text of others: that one comes first."""
    jimu = {d.url: d for d in facts.docs()}
    target = "hanamaki/1/"
    assert target in jimu
    ranked = _pages(page, site_url, "住民基本台帳")
    others = [u for u in ranked if u != target]
    assert ranked and ranked[0] == target and others, (
        f"事務名に「住民基本台帳」を持つ評価書が先頭にありません: {ranked}"
    )


@pytest.mark.parametrize(
    "path,box", [("kumagaya/5/", "#pia-q"), ("search/", ".pagefind-ui__search-input")], ids=["header", "search-page"]
)
def test_placeholder_fits(page, phone, site_url, path, box):
    """The hint in the header's box and in the search page's box is whole at 1280 and 375 px."""
    for p in (page, phone):
        p.goto(site_url + path)
        p.wait_for_selector(box)
        fits = p.evaluate(
            """(sel) => { const i = document.querySelector(sel); const c = document.createElement('canvas').getContext('2d');
            const s = getComputedStyle(i); c.font = s.fontSize + ' ' + s.fontFamily;
            return [i.placeholder, c.measureText(i.placeholder).width, i.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)]; }""",
            box,
        )
        assert fits[0] and fits[1] <= fits[2], (
            f"{path} 幅 {p.viewport_size['width']}px: 検索欄の案内文「{fits[0]}」が欄に収まりません ({fits[1]:.0f}px > {fits[2]:.0f}px)"
        )


# Queries that Pagefind splits into several index words (日本電気 → 日本 電気, マイナポータル → マイナ ポータル):
# each excerpt shown under a result is taken where the word typed stands whole, never a part of it
# elsewhere (日本 of 日本年金機構, ポータル of 申告ポータル), on a page that holds the word.
SNIPPETS = ["ＮＥＣ", "ﾏｲﾅﾎﾟｰﾀﾙ", "J-LIS", "住民税 委託"]


def _read(query: str) -> list[str]:
    """The words as the site reads them (NFKC, abbreviations from aliases.yaml)."""
    abbrev = {facts.norm(k).lower(): v for k, v in ABBREVIATIONS}
    return [facts.norm(abbrev.get(facts.norm(w).lower(), w)) for w in unicodedata.normalize("NFKC", query).split()]


@pytest.mark.parametrize("query", SNIPPETS)
def test_snippets_show_the_words_typed(page, site_url, query):
    words = _read(query)
    _pages(page, site_url, query)
    results = page.evaluate("""() => [...document.querySelectorAll('.pagefind-ui__result')].map(r => ({
        url: r.querySelector('.pagefind-ui__result-link').href,
        excerpts: [...r.querySelectorAll('.pagefind-ui__result-excerpt')].map(e => e.textContent)}))""")
    assert results, f"「{query}」で結果がありません"
    checked = 0
    for r in results:
        doc = next((d for d in facts.docs() if site_path(r["url"], site_url) == d.url), None)
        held = [w for w in words if doc and doc.paths_with(w)]
        if not held:
            continue  # a page that holds none of the words whole: nothing clean to show
        for ex in r["excerpts"]:
            checked += 1
            assert any(w in facts.norm(ex) for w in held), (
                f"「{query}」の結果 {r['url']} の抜粋「{ex}」に、入力した語 {held} がありません"
            )
    assert checked, f"「{query}」の結果に抜粋がありません"


def test_places_under_a_result_are_told_apart(page, site_url):
    # 熊谷市 names one contractor in several 委託事項: each place says which (not three 「③委託先名」)
    _pages(page, site_url, "ジーシーシー")
    titles = page.evaluate("""() => [...document.querySelectorAll('.pagefind-ui__result-nested .pagefind-ui__result-link')]
        .map(a => a.textContent.trim())""")
    assert len(titles) >= 2, titles
    assert len(set(titles)) == len(titles), titles
    assert all(re.match(r"^委託事項\d+ .+ › ③委託先名$", t) for t in titles if "③委託先名" in t), titles
