"""Search forgives how people type (issue #10.8): full-width and half-width letters and kana find
what their usual form finds; an abbreviation from content/aliases.yaml (略称:) finds the name the
documents write; a match in a title ranks above a match in body text."""
from __future__ import annotations

import pytest

import sitefacts as facts
from searchbox import ranked_pages, result_links
from piasite.names import Names

# (as typed, as written): the typed form must find the same assessments as the written one.
FORMS = [("ＫＳＫ", "KSK"), ("ｴﾇ･ﾃｨ･ﾃｨ", "エヌ・ティ・ティ"), ("ｼﾞｰｼｰｼｰ", "ジーシーシー"), ("ｋｓｋ", "KSK")]


def _pages(page, site_url, query) -> list[str]:
    """Result pages in ranked order, once every result the message counts is on the page
    (Pagefind draws results as their data arrives, slowly on a busy machine)."""
    page.goto(site_url + "search/")
    result_links(page, site_url, query)
    page.wait_for_function("""() => {
      const m = (document.querySelector('.pagefind-ui__message') || {}).textContent || '';
      const n = parseInt((m.match(/(\\d+)\\s*件/) || [])[1] || '-1', 10);
      return n >= 0 && document.querySelectorAll('.pagefind-ui__result-link').length >= n;
    }""", timeout=30000)
    links = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.href)")
    return ranked_pages(links, site_url)


@pytest.mark.parametrize("typed,written", FORMS, ids=[t for t, _ in FORMS])
def test_full_and_half_width_find_the_same(page, site_url, typed, written):
    expected = {d.url for d in facts.containing(written)}
    assert expected, f"「{written}」を含む評価書が content/ にありません"
    found = set(_pages(page, site_url, typed))
    assert expected <= found, f"「{typed}」で {sorted(expected)} が見つかりません(見つかったのは {sorted(found)})"


def test_abbreviation_from_aliases(page, site_url):
    abbrev = Names.load(facts.CONTENT).abbreviations
    assert abbrev.get("NEC") == "日本電気", "content/aliases.yaml の 略称: に NEC がありません"
    expected = {d.url for d in facts.containing("日本電気")}
    found = set(_pages(page, site_url, "NEC"))
    assert expected and expected <= found, f"「NEC」で日本電気の評価書 {sorted(expected)} が見つかりません ({sorted(found)})"
    # the header box sends the typed words to the search page, where they are read the same way
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
    assert ranked and ranked[0] == target and others, f"事務名に「住民基本台帳」を持つ評価書が先頭にありません: {ranked}"


def test_header_placeholder_fits(page, phone, site_url):
    for p in (page, phone):
        p.goto(site_url + "kumagaya/5/")
        fits = p.evaluate("""() => { const i = document.getElementById('pia-q'); const c = document.createElement('canvas').getContext('2d');
            const s = getComputedStyle(i); c.font = s.fontSize + ' ' + s.fontFamily;
            return [c.measureText(i.placeholder).width, i.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)]; }""")
        assert fits[0] <= fits[1], f"検索欄の案内文が欄に収まりません ({fits[0]:.0f}px > {fits[1]:.0f}px)"
