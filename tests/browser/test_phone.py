"""Reading on a phone (issue 22, item 4), in Chromium at 375 px on the repository's site (content/).

The first search result on the first screen (the filters folded behind one control); no sideways
scroll; back to the top and the 項目一覧 from anywhere on a long page; headings bold in dark ink; the
footer in a landmark; the dark scheme when the reader asks for it; axe with no serious and no moderate
violation, in both schemes, the answer pages (indexes/kaito/) included.
"""

from __future__ import annotations

import pytest
import sitefacts as facts
from test_pages import _describe

pytestmark = pytest.mark.browser  # the browser tier: tests/conftest.py refuses a test here without it

BLOCKING = {"serious", "critical", "moderate"}
PAGES = [
    "",
    "search/",
    "kumagaya/5/",
    "hanamaki/1/",
    "indexes/system/",
    "indexes/itakusaki/",
    "indexes/kaito/",
    "indexes/kaito/juten-II-4-t-4/",  # 再委託の有無
    "indexes/kaito/juten-III-2-r-ok/",  # リスクへの対策は十分か
    "kumagaya/",
    "changes/",
    "api/",
    "guides/reading/",
]


def _load(p, url: str) -> None:
    response = p.goto(url)
    assert response and response.ok, f"{url} を開けません ({response and response.status})"
    p.wait_for_load_state("networkidle")


def _first_word() -> str:
    contractor = facts.values_at("委託先名")
    assert contractor, "content/ に委託先名がありません"
    return contractor[0]


def test_the_first_result_of_a_search_is_on_the_first_screen(phone, site_url):
    _load(phone, site_url + "search/?q=" + _first_word())
    phone.wait_for_selector(".pagefind-ui__result", timeout=15000)
    first = phone.evaluate(
        """() => { const r = document.querySelector('.pagefind-ui__result-title').getBoundingClientRect();
                   return {top: r.top, bottom: r.bottom, screen: window.innerHeight}; }"""
    )
    assert first["bottom"] <= first["screen"], f"最初の検索結果が最初の画面に入りません: {first}"
    # the filters are there, folded behind one control, which opens and closes them
    toggle = phone.locator(".pia-filter-toggle")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    panel = phone.locator(".pagefind-ui__filter-panel")
    assert not panel.is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and panel.is_visible()
    names = phone.locator(".pagefind-ui__filter-name").all_inner_texts()
    assert {"システム", "委託先", "再委託"} <= {n.strip() for n in names}, names
    toggle.click()
    assert not panel.is_visible()


def test_the_filters_stay_beside_the_results_on_a_wide_screen(page, site_url):
    _load(page, site_url + "search/?q=" + _first_word())
    page.wait_for_selector(".pagefind-ui__result", timeout=15000)
    assert page.locator(".pagefind-ui__filter-panel").is_visible()
    assert not page.locator(".pia-filter-toggle").is_visible()


@pytest.mark.parametrize("path", PAGES)
def test_no_sideways_scroll_at_375(phone, site_url, path):
    _load(phone, site_url + path)
    width = phone.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{path}: 横にスクロールします ({width[0]} > {width[1]} px)"


def test_back_to_top_and_the_item_list_from_anywhere(phone, site_url):
    _load(phone, site_url + "hanamaki/1/")
    bar = phone.locator(".pia-jump")
    assert not bar.is_visible()  # the first screen is not covered
    phone.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    phone.wait_for_timeout(200)
    assert bar.is_visible()
    opener = bar.locator(".pia-jump-open")
    opener.click()
    assert opener.get_attribute("aria-expanded") == "true"
    links = bar.locator(".pia-jump-list a")
    assert links.count() >= 5
    target = links.nth(2).get_attribute("href")
    links.nth(2).click()
    phone.wait_for_timeout(300)
    assert phone.evaluate("() => location.hash") == target
    assert not bar.locator(".pia-jump-list").is_visible()  # closed once an entry is chosen
    phone.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight - 10)")
    phone.wait_for_timeout(200)
    bar.locator(".pia-jump-top").click()
    phone.wait_for_timeout(300)
    assert phone.evaluate("() => window.scrollY") == 0


def test_headings_bold_in_dark_ink_and_the_footer_in_a_landmark(phone, site_url):
    _load(phone, site_url + "kumagaya/5/")
    h = phone.evaluate(
        """() => [...document.querySelectorAll('article h1, article h2')].slice(0, 4).map(e => {
             const s = getComputedStyle(e); return [e.tagName, s.fontWeight, s.color]; })"""
    )
    for tag, weight, color in h:
        assert int(weight) >= 700, (tag, weight)
        rgb = [int(x) for x in color[color.index("(") + 1 : color.index(")")].split(",")[:3]]
        assert max(rgb) <= 40, (tag, color)  # near-black ink (#1a1a1c), not 54 % black
    where = phone.evaluate(
        """() => { const t = [...document.querySelectorAll('p')].find(p => p.textContent.includes('最終更新'));
                   return t ? (t.closest('footer') ? 'footer' : 'outside') : 'none'; }"""
    )
    assert where == "footer"
    assert phone.locator("footer").count() == 1


def test_headings_break_between_phrases(phone, site_url):
    _load(phone, site_url + "indexes/system/")
    html = phone.locator("article h2").first.inner_html()
    text = phone.locator("article h2").first.inner_text()
    if len(text) > 8:
        assert "<wbr>" in html, html
    assert phone.evaluate("() => getComputedStyle(document.querySelector('article h2')).wordBreak") == "keep-all"


def test_the_dark_scheme_follows_the_reader(browser, site_url, guard):
    context = browser.new_context(viewport={"width": 375, "height": 667}, color_scheme="dark", locale="ja-JP")
    context.route("**/*", guard.route)
    p = context.new_page()
    try:
        _load(p, site_url + "kumagaya/5/")
        bg, fg = p.evaluate(
            """() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.querySelector('article h1')).color]"""
        )
        assert sum(int(x) for x in bg[bg.index("(") + 1 : bg.index(")")].split(",")[:3]) < 120, bg
        assert sum(int(x) for x in fg[fg.index("(") + 1 : fg.index(")")].split(",")[:3]) > 600, fg
    finally:
        context.close()
    guard.check()


def _axe(p, axe_source) -> list[dict]:
    p.add_script_tag(path=str(axe_source))
    result = p.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in BLOCKING]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_axe_no_serious_and_no_moderate_at_375(browser, site_url, axe_source, guard, path, scheme):
    context = browser.new_context(
        viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True, color_scheme=scheme, locale="ja-JP"
    )
    context.route("**/*", guard.route)
    p = context.new_page()
    try:
        _load(p, site_url + path + ("?q=" + _first_word() if path == "search/" else ""))
        if path == "search/":
            p.wait_for_selector(".pagefind-ui__result", timeout=15000)
        bad = _axe(p, axe_source)
    finally:
        context.close()
    assert not bad, f"{path} ({scheme}) に axe-core の違反 (serious・moderate) があります:\n{_describe(bad)}"
    guard.check()
