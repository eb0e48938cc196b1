"""Every page type as a resident reads it, measured in Chromium (issue #10.3, 10.4, 10.5, 10.13).

Widths: at 1280 px no table cell is narrower than three characters; at 375 px nothing
makes the page scroll sideways and tables become cards. Names: the 評価実施機関 is in
the title, the h1 and every index row. Navigation: a 項目一覧 on the page and in the
sidebar, a line saying where you are, a skip link, item links out of the tab order,
a visible focus. axe-core: no serious or critical violation on any page type.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
import sitefacts as facts
from harness import serve
from test_history_browser import built, built_url  # noqa: F401 -- a site with past versions
from test_pages import SERIOUS, _describe

pytestmark = pytest.mark.browser  # the browser tier: tests/conftest.py refuses a test here without it

FIXTURES = facts.REPO / "tests" / "fixtures"

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
    "evaluation": "kumagaya/hyoka-5/",
    "henko": "shinjuku/juminzei-henko/",
    "guides": "guides/",
    "guide-reading": "guides/reading/",
    "guide-writing": "guides/writing/",
    "guide-review": "guides/review/",
}
HISTORY_TYPES = {"compare": "higashiyama/5/compare/", "past-version": "higashiyama/5/v/1/"}
# The forms content/ has no document of: a 基礎項目評価書, a 全項目評価書 and their 評価 (tests/fixtures/allforms).
ALLFORMS_TYPES = {
    "kiso": "higashiyama/3/",
    "zenkoumoku": "higashiyama/3-zenkoumoku/",
    "evaluation-kiso": "higashiyama/hyoka-3/",
    "index-system-allforms": "indexes/system/",
}


@pytest.fixture(scope="module")
def allforms_url(tmp_path_factory):
    """tests/fixtures/allforms built as a site, served under a sub-path."""
    root = tmp_path_factory.mktemp("allforms")
    out = root / "city" / "all"
    proc = subprocess.run(
        [sys.executable, "-m", "piasite", "build", "--content", str(FIXTURES / "allforms"), "--out", str(out)],
        cwd=facts.REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with serve(root) as base:
        yield base + "/city/all/"
    shutil.rmtree(root, ignore_errors=True)


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
    .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + (typeof e.className === 'string' ? e.className : '')),
  // text running out of its own block (a long path or URL without a break), even inside the page's margin;
  // a box that scrolls or clips on purpose is not text running out
  spill: [...document.body.querySelectorAll('article p, article li, article td, article dd, article h1, article h2, article h3')]
    .filter(e => e.checkVisibility() && e.clientWidth && e.scrollWidth > e.clientWidth + 1 && !e.closest('.pia-sr, thead, pre')
                 && !['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(e).overflowX))
    .slice(0, 5).map(e => e.tagName.toLowerCase() + ' ' + e.scrollWidth + '>' + e.clientWidth + ' ' + e.textContent.trim().slice(0, 40))
})"""


def _load(page, url: str) -> None:
    response = page.goto(url)
    assert response and response.ok, f"{url} を開けません ({response and response.status})"
    page.wait_for_load_state("networkidle")


def _url(kind: str, site_url: str, request) -> str:
    if kind in HISTORY_TYPES:
        return request.getfixturevalue("built_url") + "/" + HISTORY_TYPES[kind]
    if kind in ALLFORMS_TYPES:
        return request.getfixturevalue("allforms_url") + ALLFORMS_TYPES[kind]
    return site_url + PAGE_TYPES[kind]


ALL = list(PAGE_TYPES) + list(HISTORY_TYPES) + list(ALLFORMS_TYPES)


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
        f"{url}: 幅 {w['viewport']}px で横にはみ出しています (document {w['doc']}px; 例: {w['wide']})"
    )
    assert not w["spill"], f"{url}: 幅 {w['viewport']}px で文字が枠からはみ出しています: {w['spill']}"


@pytest.mark.parametrize(
    "path,table",
    [
        ("changes/", "#pia-changes"),
        ("kumagaya/5/", "section:has(> .pia-hrow > #A2) table"),
        ("indexes/itakusaki/", ".pia-entity table"),
    ],
)
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
    for part in (
        "Ⅰ 基本情報",
        "Ⅱ 特定個人情報ファイルの概要",
        "(別添2)",
        "(1)",
        "4. 特定個人情報ファイルの取扱いの委託",
    ):
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
    first = page.evaluate(
        "() => [document.activeElement.textContent.trim(), document.activeElement.getAttribute('href')]"
    )
    assert first == ["本文へ移動", "#pia-main"], f"最初の Tab で本文へのスキップリンクに移りません: {first}"
    assert page.locator("#pia-main").count() == 1
    stops = page.evaluate("""() => [...document.querySelectorAll('#pia-main a[href], #pia-main button, #pia-main input, #pia-main summary')]
        .filter(e => e.tabIndex >= 0 && e.offsetParent !== null).length""")
    items = page.locator(".pia-item").count()
    toc = page.locator("nav.pia-toc a").count()
    names = page.locator(".pia-indexlink a").count()  # a name's link to its index entry: one per name, not per item
    assert stops <= toc + names + 40 and stops < items / 2, (
        f"本文の Tab 移動先が多すぎます ({stops} 箇所、項目 {items}、項目一覧 {toc}、索引へのリンク {names})"
    )
    assert page.locator(".pia-link").first.get_attribute("tabindex") == "-1"
    for selector in ("#pia-q", "nav.pia-toc a", ".pia-summary a"):
        el = page.locator(selector).first
        el.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        ring = el.evaluate(
            "e => { const s = getComputedStyle(e); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
        )
        assert ring[0] != "none" and ring[1] >= 2, f"{selector} にキーボードのフォーカスが見えません ({ring})"


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("kind", ALL)
def test_axe_every_page_type(page, phone, site_url, axe_source, request, kind, width):
    """At both widths: a phone lays pages out differently (cards, code blocks that scroll)."""
    url = _url(kind, site_url, request)
    p = page if width == 1280 else phone
    _load(p, url)
    p.add_script_tag(path=str(axe_source))
    result = p.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v.get("impact") in SERIOUS]
    assert not bad, f"{url} (幅 {width}px) に axe-core の重大な違反があります:\n{_describe(bad)}"


FOCUS = """() => { const e = document.activeElement; if (!e || e === document.body) return null;
  const s = getComputedStyle(e), r = e.getBoundingClientRect();
  return {what: e.tagName.toLowerCase() + ' ' + (e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30),
          seen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth
                && s.visibility !== 'hidden',
          ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none'}; }"""


@pytest.mark.parametrize("path", ["hanamaki/1/", "changes/"])
def test_every_tab_stop_is_seen_with_its_focus_ring(page, phone, site_url, path):
    """The first 40 Tab stops, at 1280 and 375 px: each is on screen with a visible focus ring (on a phone the
    closed navigation drawer's links took the focus while off screen)."""
    for p in (page, phone):
        _load(p, site_url + path)
        bad = []
        for i in range(40):
            p.keyboard.press("Tab")
            stop = p.evaluate(FOCUS)
            if stop and not (stop["seen"] and stop["ring"]):
                bad.append((i + 1, stop))
        assert not bad, (
            f"{path} 幅 {p.viewport_size['width']}px: 見えない、または枠の出ない Tab 移動先があります: {bad[:5]}"
        )
