"""Japanese search in the built site, typed into its search box in Chromium.

Each query must bring an assessment that contains it into the top 3 result
pages, and following that result must land on the assessment page at the
anchor of an item that holds the text. Which assessment and which anchors are
right is read from content/ (facts.py), so the queries below only say what a
resident types.
"""

from __future__ import annotations

import pytest
import sitefacts as facts
from searchbox import fragment, pick, ranked_pages, result_links, site_path

pytestmark = pytest.mark.browser  # the browser tier: tests/conftest.py refuses a test here without it

# What residents type, by kind (the examples, from the seed documents).
TYPED = [
    ("委託先", "富士通"),
    ("委託先", "株式会社ジーシーシー"),
    ("システム", "中間サーバー"),
    ("システム", "証明書自動交付システム"),
    ("漢字の複合語", "課税原票"),
    ("漢字の複合語", "転出証明書"),
    ("カタカナ", "マイナポータル"),
    ("カタカナ", "パンチ"),
    ("地名", "花巻"),
    ("地名", "熊本"),
]


def _sampled() -> list[tuple[str, str]]:
    """More queries of each kind drawn from whatever content/ holds now."""
    out = [("委託先", q) for q in facts.sample(facts.values_at("委託先名"), 4)]
    out += [("システム", q) for q in facts.sample(facts.values_at("名称", under="システム"), 4)]
    out += [("地名", q) for q in facts.sample(facts.place_names(), 4)]
    out += [("漢字の複合語", q) for q in facts.kanji_compounds(3)]
    out += [("カタカナ", q) for q in facts.katakana_words(3)]
    typed = {q for _, q in TYPED}
    return [(k, q) for k, q in dict.fromkeys(out) if q not in typed]


QUERIES = TYPED + _sampled()


@pytest.mark.parametrize("kind,query", QUERIES, ids=[f"{k}:{q}" for k, q in QUERIES])
def test_search_finds_assessment_and_item(page, site_url, kind, query):
    expected = {d.url: d for d in facts.containing(query)}
    assert expected, f"「{query}」を含む評価書が content/ にありません (取り込まれていない?)"

    page.goto(site_url)
    links = result_links(page, site_url, query)
    top3 = ranked_pages(links, site_url)[:3]
    assert set(top3) & set(expected), (
        f"「{query}」({kind}) の検索結果の上位3件 {top3} に、これを含む評価書 {sorted(expected)} がありません"
    )

    # every result that opens an assessment opens it at an item
    assessments = {d.url for d in facts.docs()}
    for u in links:
        if site_path(u, site_url) in assessments:
            assert fragment(u), f"検索結果 {u} が項目のアンカー (#…) を指していません"

    # follow the first result for a right assessment, as a resident would click it
    target = next(u for u in links if site_path(u, site_url) in expected)
    doc = expected[site_path(target, site_url)]
    pick(page, target)
    page.locator("[data-pick]").first.click()
    page.wait_for_url(lambda u: site_path(u, site_url) == doc.url and "#" in u, timeout=10000)
    anchor = fragment(page.url)
    assert page.evaluate("id => !!document.getElementById(id)", anchor), f"#{anchor} が {doc.url} にありません"
    allowed = doc.anchors_for(query)
    assert anchor in allowed, (
        f"「{query}」の結果は #{anchor} に着きましたが、その語を含む項目のアンカーは {sorted(allowed)} です"
    )
