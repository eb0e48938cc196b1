"""Printing an assessment (issue #10.11): laid out like the official form, measured in Chromium.

Print media: no site chrome (header, navigation, breadcrumb, 項目一覧, footer), no "#", every
collapsed box open, each item a label | value row; page.pdf() gives the page count, which
must stay far below the 132 A4 pages the site printed before (花巻市's page)."""

from __future__ import annotations

import re

import pytest
import sitefacts as facts

pytestmark = pytest.mark.browser  # the browser tier: tests/conftest.py refuses a test here without it

HIDDEN = [
    ".md-header",
    ".md-sidebar--primary",
    ".md-sidebar--secondary",
    ".pia-crumbs",
    ".pia-toc",
    ".pia-link",
    ".pia-context",
    ".pia-footer",
    ".md-footer",
    ".pia-skip",
]


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.parametrize("url", [d.url for d in facts.docs()])
def test_print_like_the_form(page, site_url, url):
    page.goto(site_url + url)
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    shown = page.evaluate(
        """(sel) => sel.filter(s => [...document.querySelectorAll(s)].some(e => e.checkVisibility()))""", HIDDEN
    )
    assert not shown, f"{url} の印刷に {shown} が出ます"
    # every <details> that prints (not the hidden 項目一覧) prints open (its content visible without a click)
    closed = page.evaluate("""() => [...document.querySelectorAll('article details')].filter(d => d.checkVisibility() &&
        [...d.children].some(c => c.tagName !== 'SUMMARY' && !c.checkVisibility())).length""")
    assert closed == 0, f"{url}: 印刷で閉じたままの欄が {closed} 個あります"
    # an item prints as a label | value row
    row = page.evaluate("""() => { const i = document.querySelector('.pia-item'); const h = i.querySelector('.pia-h'), v = i.querySelector('.pia-val');
        return [getComputedStyle(i).display, h.getBoundingClientRect().top === v.getBoundingClientRect().top || Math.abs(h.getBoundingClientRect().top - v.getBoundingClientRect().top) < 6,
                h.getBoundingClientRect().left < v.getBoundingClientRect().left]; }""")
    assert row == ["grid", True, True], f"{url}: 印刷で項目が「項目名|記載」の行になっていません ({row})"
    page.emulate_media(
        media=None
    )  # page.pdf() prints with the print stylesheet (an emulated "screen" would override it)
    pages = _pdf_pages(page.pdf(format="A4", print_background=True))
    print(f"{url}: {pages} ページ (A4)")
    assert 0 < pages <= 90, f"{url} が {pages} ページで印刷されます"


A4_TEXT_WIDTH = 703  # px at 96 dpi: 210 mm less the print stylesheet's 12 mm margins (@page)


@pytest.mark.parametrize("path", [d.url for d in facts.docs()] + ["changes/", "indexes/itakusaki/"])
def test_printed_tables_keep_three_characters_a_cell(browser, site_url, path):
    """On paper as on screen, no table cell is narrower than three characters (提出時期, ページ and 評価書
    printed one or two characters a line)."""
    from test_readable import NARROW

    context = browser.new_context(locale="ja-JP", viewport={"width": A4_TEXT_WIDTH, "height": 1000})
    try:
        p = context.new_page()
        p.goto(site_url + path)
        p.wait_for_load_state("networkidle")
        p.emulate_media(media="print")
        narrow = p.evaluate(NARROW)
        assert not narrow, f"{path} の印刷で 3 文字より狭いセルがあります: {narrow[:5]}"
    finally:
        context.close()
