"""The built site in Chromium: nothing leaves the page, accessibility, phones.

The `page`/`phone` fixtures block and record every request to a host other than
127.0.0.1; the explicit assertions here make that the point of a test.
"""

from __future__ import annotations

import pytest
import sitefacts as facts
from searchbox import result_links

pytestmark = pytest.mark.browser  # the browser tier: tests/conftest.py refuses a test here without it

SERIOUS = {"serious", "critical"}


def _assessment() -> str:
    """The assessment with the most content: the heaviest page is the one to check."""
    return max(facts.docs(), key=lambda d: len(d.leaves)).url


@pytest.fixture(scope="session")
def some_index(index_pages) -> str:
    assert index_pages, "索引のページ (委託先・システム・事務・評価実施機関など) がサイトにありません"
    return index_pages[0]


def _load(page, url: str) -> None:
    response = page.goto(url)
    assert response and response.ok, f"{url} を開けません ({response and response.status})"
    page.wait_for_load_state("networkidle")


def test_no_external_request_on_top_page(page, guard, site_url):
    _load(page, site_url)
    guard.check()


def test_no_external_request_on_assessment_page(page, guard, site_url):
    _load(page, site_url + _assessment())
    guard.check()


def test_no_external_request_on_index_pages(page, guard, site_url, index_pages):
    assert index_pages, "索引のページがサイトにありません"
    for p in index_pages:
        _load(page, site_url + p)
    guard.check()


def test_no_external_request_while_searching(page, guard, site_url):
    _load(page, site_url)
    query = facts.docs()[0].org
    assert result_links(page, site_url, query), f"「{query}」で検索結果が出ません"
    page.wait_for_load_state("networkidle")
    guard.check()


def _axe(page, axe_source) -> list[dict]:
    page.add_script_tag(path=str(axe_source))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in SERIOUS]


def _describe(violations) -> str:
    return "\n".join(
        f"{v['impact']}: {v['id']} — {v['help']} ({len(v['nodes'])} 箇所: "
        f"{', '.join(n['target'][0] if isinstance(n['target'][0], str) else str(n['target'][0]) for n in v['nodes'][:3])})"
        for v in violations
    )


@pytest.mark.parametrize("which", ["top", "assessment", "index"])
def test_axe_no_serious_violations(page, site_url, axe_source, request, which):
    path = {"top": "", "assessment": _assessment()}.get(which)
    url = site_url + (path if path is not None else request.getfixturevalue("some_index"))
    _load(page, url)
    bad = _axe(page, axe_source)
    assert not bad, f"{url} に axe-core の重大な違反があります:\n{_describe(bad)}"


def test_phone_assessment_page_fits_width(phone, site_url, tmp_path):
    url = site_url + _assessment()
    _load(phone, url)
    phone.screenshot(path=str(tmp_path / "assessment-phone.png"), full_page=False)
    widths = phone.evaluate("""() => ({
      viewport: window.innerWidth,
      doc: document.documentElement.scrollWidth,
      body: document.body.scrollWidth,
      wide: [...document.body.querySelectorAll('*')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                     && !e.closest('.md-typeset__scrollwrap, .md-sidebar, .md-nav, [hidden]')
                     && getComputedStyle(e).visibility !== 'hidden')
        .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                                 (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : ''))
    })""")
    assert widths["doc"] <= widths["viewport"] and widths["body"] <= widths["viewport"], (
        f"スマートフォン幅 {widths['viewport']}px で横にはみ出しています "
        f"(document {widths['doc']}px, body {widths['body']}px; 例: {widths['wide']})"
    )
