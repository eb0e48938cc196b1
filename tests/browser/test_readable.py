"""Every page type as a resident reads it, measured in Chromium (issue #10.3, 10.4, 10.5, 10.13).

Widths: at 1280 px no table cell is narrower than three characters; at 375 px nothing
makes the page scroll sideways and tables become cards. Names: the 評価実施機関 is in
the title, the h1 and every index row. Navigation: a 項目一覧 on the page and in the
sidebar, a line saying where you are, a skip link, item links out of the tab order,
a visible focus. axe-core: no serious or critical violation on any page type.
"""
from __future__ import annotations

import pytest

import sitefacts as facts
from test_history_browser import built, built_url  # noqa: F401 -- a site with past versions
from test_pages import SERIOUS, _describe

# One page of each type on the repository's site (content/), and on the site with history.
PAGE_TYPES = {
    "top": "",
    "assessment": "kumagaya/5/",
    "assessment-2": "hanamaki/1/",
    "index-kikan": "indexes/kikan/",
    "index-jimu": "indexes/jimu/",
    "index-system": "indexes/system/",
    "index-itakusaki": "indexes/itakusaki/",
    "index-teikyosaki": "indexes/teikyosaki/",
    "organisation": "kumagaya/",
    "changes": "changes/",
    "changes-org": "changes/kumagaya/",
    "history": "hanamaki/1/history/",
    "search": "search/",
    "opendata": "api/",
}
HISTORY_TYPES = {"compare": "higashiyama/5/compare/", "past-version": "higashiyama/5/v/1/"}

NARROW = """() => {
  const em = parseFloat(getComputedStyle(document.querySelector('article') || document.body).fontSize);
  return [...document.querySelectorAll('article td, article th')]
    .filter(c => c.offsetParent !== null && c.textContent.trim())
    .map(c => {
      const cs = getComputedStyle(c);
      const ch = parseFloat(cs.fontSize);
      const inner = c.getBoundingClientRect().width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      return {text: c.textContent.trim().slice(0, 20), width: Math.round(inner), need: 3 * ch};
    })
    .filter(c => c.width < c.need);
}"""

OVERFLOW = """() => ({
  viewport: window.innerWidth,
  doc: document.documentElement.scrollWidth,
  body: document.body.scrollWidth,
  wide: [...document.body.querySelectorAll('article *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.pia-table-wrap, .pia-sr, thead'))
    .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + (typeof e.className === 'string' ? e.className : ''))
})"""


def _load(page, url: str) -> None:
    response = page.goto(url)
    assert response and response.ok, f"{url} を開けません ({response and response.status})"
    page.wait_for_load_state("networkidle")


def _url(kind: str, site_url: str, request) -> str:
    if kind in HISTORY_TYPES:
        return request.getfixturevalue("built_url") + "/" + HISTORY_TYPES[kind]
    return site_url + PAGE_TYPES[kind]


ALL = list(PAGE_TYPES) + list(HISTORY_TYPES)


@pytest.mark.parametrize("kind", ALL)
def test_no_cell_narrower_than_three_characters_at_1280(page, site_url, request, kind):
    url = _url(kind, site_url, request)
    _load(page, url)
    narrow = page.evaluate(NARROW)
    assert not narrow, f"{url}: 幅 1280px で 3 文字より狭いセルがあります: {narrow[:5]}"


@pytest.mark.parametrize("kind", ALL)
def test_no_horizontal_overflow_at_375(phone, site_url, request, kind):
    url = _url(kind, site_url, request)
    _load(phone, url)
    w = phone.evaluate(OVERFLOW)
    assert w["doc"] <= w["viewport"] and w["body"] <= w["viewport"] and not w["wide"], (
        f"{url}: 幅 {w['viewport']}px で横にはみ出しています (document {w['doc']}px; 例: {w['wide']})")


@pytest.mark.parametrize("path,table", [("changes/", "#pia-changes"), ("kumagaya/5/", "section:has(> .pia-hrow > #A2) table"),
                                        ("indexes/itakusaki/", ".pia-entity table")])
def test_tables_are_cards_on_phones(phone, site_url, path, table):
    _load(phone, site_url + path)
    t = phone.locator(table).first
    assert t.count() == 1, f"{path} に表 {table} がありません"
    row = t.locator("tbody tr").first
    cell = row.locator("td").first
    shape = cell.evaluate("""td => ({row: getComputedStyle(td.parentElement).display, label: getComputedStyle(td, '::before').content,
                                    header: td.closest('table').querySelector('th').textContent.trim()})""")
    assert shape["row"] == "block", f"{path}: スマートフォンで表の行がカードになっていません ({shape})"
    assert shape["label"].strip('"') == shape["header"], f"{path}: カードの各行に列の見出しがありません ({shape})"


def test_titles_name_the_organisation(page, site_url):
    for d in facts.docs():
        _load(page, site_url + d.url)
        h1 = page.locator("h1").first.inner_text()
        assert h1.startswith(d.org), f"{d.url}: h1「{h1}」に評価実施機関「{d.org}」がありません"
        assert d.org in page.title(), f"{d.url}: ページの題「{page.title()}」に評価実施機関がありません"
        assert d.org in page.locator(".pia-crumbs").inner_text()
    _load(page, site_url)
    assert page.title() == "特定個人情報保護評価書", f"トップページの題が重複しています: {page.title()}"
    _load(page, site_url + "indexes/jimu/")
    for link in page.locator(".pia-entity tbody tr td:first-child a").all():
        text = link.inner_text()
        assert any(text.startswith(d.org) for d in facts.docs()), f"事務の索引の行「{text}」に評価実施機関がありません"


def test_item_list_on_page_and_sidebar_and_where_you_are(page, site_url):
    _load(page, site_url + "kumagaya/5/")
    toc = page.locator("nav.pia-toc")
    assert toc.count() == 1, "評価書のページに項目一覧がありません"
    labels = toc.inner_text()
    for part in ("Ⅰ 基本情報", "Ⅱ 特定個人情報ファイルの概要", "(別添2)", "(1)", "4. 特定個人情報ファイルの取扱いの委託"):
        assert part in labels, f"項目一覧に「{part}」がありません"
    side = page.locator(".md-sidebar--secondary nav.pia-toc-side")
    assert side.is_visible(), "サイドバーに項目一覧がありません"
    assert side.locator("a").count() == toc.locator("a").count()
    line = page.locator(".pia-context")
    assert line.is_hidden()
    page.evaluate("document.getElementById('II-f2-4').scrollIntoView()")
    page.mouse.wheel(0, 30)
    page.wait_for_timeout(300)
    assert line.is_visible(), "スクロールしても、いまどのファイル・項目にいるかが表示されません"
    text = line.inner_text()
    assert "(2)" in text and "4." in text, f"いまいる場所の表示が正しくありません: {text}"
    assert line.bounding_box()["y"] < 150, "いまいる場所の表示が画面上部に留まっていません"
    current = side.locator("a[aria-current]")
    assert current.count() == 1 and "4." in current.inner_text()
    # a link of the 項目一覧 lands on its section
    toc.locator("a", has_text="(別添2)").click()
    assert page.evaluate("location.hash") == "#A2"


def test_keyboard_skip_link_few_tab_stops_visible_focus(page, site_url):
    _load(page, site_url + "hanamaki/1/")
    page.keyboard.press("Tab")
    first = page.evaluate("() => [document.activeElement.textContent.trim(), document.activeElement.getAttribute('href')]")
    assert first == ["本文へ移動", "#pia-main"], f"最初の Tab で本文へのスキップリンクに移りません: {first}"
    assert page.locator("#pia-main").count() == 1
    stops = page.evaluate("""() => [...document.querySelectorAll('#pia-main a[href], #pia-main button, #pia-main input, #pia-main summary')]
        .filter(e => e.tabIndex >= 0 && e.offsetParent !== null).length""")
    items = page.locator(".pia-item").count()
    toc = page.locator("nav.pia-toc a").count()
    names = page.locator(".pia-indexlink a").count()  # a name's link to its index entry: one per name, not per item
    assert stops <= toc + names + 40 and stops < items / 2, (
        f"本文の Tab 移動先が多すぎます ({stops} 箇所、項目 {items}、項目一覧 {toc}、索引へのリンク {names})")
    assert page.locator(".pia-link").first.get_attribute("tabindex") == "-1"
    for selector in ("#pia-q", "nav.pia-toc a", ".pia-summary a"):
        el = page.locator(selector).first
        el.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        ring = el.evaluate("e => { const s = getComputedStyle(e); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
        assert ring[0] != "none" and ring[1] >= 2, f"{selector} にキーボードのフォーカスが見えません ({ring})"


@pytest.mark.parametrize("kind", ALL)
def test_axe_every_page_type(page, site_url, axe_source, request, kind):
    url = _url(kind, site_url, request)
    _load(page, url)
    page.add_script_tag(path=str(axe_source))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v.get("impact") in SERIOUS]
    assert not bad, f"{url} に axe-core の重大な違反があります:\n{_describe(bad)}"
