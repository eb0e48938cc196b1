"""Hostile content (tests/hostile.py) in Chromium, both engines: no dialog, no script, no injected element.

Every page kind a payload reaches is opened; on the search page the payload organisations
are searched for, so that Pagefind's results and filter labels (評価実施機関・事務) are shown:
they must show the text as text.
"""

from __future__ import annotations

import shutil

import pytest
from harness import serve
from searchbox import result_links

from tests.hostile import PAYLOADS, build, hostile_repo

pytestmark = pytest.mark.browser  # the browser tier: tests/conftest.py refuses a test here without it

SUB = "city/pia"
PAGES = ["h{i}/1/", "h{i}/1/history/", "h{i}/1/compare/", "h{i}/1/v/1/", "h{i}/", "changes/h{i}/"]
SHARED = ["changes/", "", "indexes/itakusaki/", "indexes/kikan/", "indexes/jimu/"]
MARKUP = [i for i, p in enumerate(PAYLOADS) if "<" in p or "&" in p]  # the template ones: tests/test_hostile.py
# Elements a payload would make if it became markup.
INJECTED_JS = """() => {
  const hits = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.matches('img[src="x"], svg, math, iframe, object, embed, base, [onerror], [onload], [onmouseover], [onclick], '
                     + 'a[href^="javascript" i], a[href^="data" i], body style')
          && !el.closest('.md-header, .md-footer, .md-nav, .md-search')) hits.push(el.outerHTML.slice(0, 120));
      if (el.tagName === 'SCRIPT' && el.type !== 'application/json' && /alert/.test(el.textContent)) hits.push(el.outerHTML.slice(0, 120));
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  if (window.__pwned) hits.push('window.__pwned');
  return hits;
}"""


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def hostile_url(request, tmp_path_factory):
    repo = hostile_repo(tmp_path_factory.mktemp("hostile-browser"))
    site = build(repo, request.param)
    docroot = tmp_path_factory.mktemp("hostile-docroot")
    shutil.copytree(site, docroot / SUB)
    with serve(docroot) as base:
        yield f"{base}/{SUB}/"


def _watch(page) -> list[str]:
    dialogs: list[str] = []

    def on_dialog(d):
        dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


def test_no_page_runs_content(page, hostile_url):
    dialogs = _watch(page)
    for p in SHARED + [p.format(i=i) for i in MARKUP for p in PAGES]:
        page.goto(hostile_url + p)
        page.wait_for_load_state("load")
        assert page.evaluate(INJECTED_JS) == [], p
    page.wait_for_timeout(300)
    assert dialogs == []


def test_search_shows_names_as_text(page, hostile_url):
    dialogs = _watch(page)
    page.goto(hostile_url + "search/")
    links = result_links(page, hostile_url, "東山市長")
    assert links, "検索結果がありません"
    page.wait_for_function(
        "() => document.querySelectorAll('.pagefind-ui__filter-label, [data-pia-filter]').length >= 3", timeout=15000
    )
    page.wait_for_timeout(500)
    labels = page.evaluate(
        "() => [...document.querySelectorAll('.pagefind-ui__filter-label, [data-pia-filter]')].map(l => l.textContent)"
    )
    text = "\n".join(labels)
    assert "東山市長<img src=x onerror=alert(1)>" in text, labels
    assert "東山市長&lt;script&gt;alert(3)&lt;/script&gt;" in text, labels
    assert "事務</title><script>alert(2)</script>" in text, labels
    titles = page.evaluate(
        "() => [...document.querySelectorAll('.pagefind-ui__result-title, .pagefind-ui__result-link')]"
        ".map(l => l.textContent)"
    )
    assert any("評価書<img src=x onerror=alert(1)>" in t for t in titles), titles
    assert any("評価書&lt;script&gt;alert(3)&lt;/script&gt;" in t for t in titles), titles
    # the excerpts piasite.js cuts from the item a hit lands on (Pagefind's escaped text, put in as HTML)
    excerpts = page.evaluate(
        "() => [...document.querySelectorAll('.pagefind-ui__result-excerpt')].map(e => e.textContent)"
    )
    assert any("<img src=x onerror=alert(1)>" in e for e in excerpts), excerpts
    # places under a result, titled with the heading they stand under (a 委託事項's name from content)
    result_links(page, hostile_url, "パンチ")
    page.wait_for_timeout(500)
    places = page.evaluate(
        "() => [...document.querySelectorAll('.pagefind-ui__result-nested .pagefind-ui__result-link')]"
        ".map(l => l.textContent)"
    )
    assert any("申告情報のパンチ入力業務<img src=x onerror=alert(1)> ›" in t for t in places), places
    assert page.evaluate(INJECTED_JS) == []
    page.wait_for_timeout(300)
    assert dialogs == []
