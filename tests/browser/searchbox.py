"""Driving the site's search box the way a resident does, whatever UI renders it.

The box is found by role or label (検索), results are the links that appear
after typing; no selector of a particular search library is required.
"""

from __future__ import annotations

import re
import time
from urllib.parse import unquote, urldefrag

BOX = (
    'input[type="search"], [role="searchbox"], input.pagefind-ui__search-input, '
    'input[aria-label*="検索"], input[placeholder*="検索"]'
)

# Links in light DOM and open shadow roots, in document order.
_LINKS_JS = """(mark) => {
  const out = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.tagName === 'A' && el.hasAttribute('href')) {
        if (mark) { el.dataset.preSearch = '1'; continue; }
        if (!el.dataset.preSearch && el.getClientRects().length > 0) out.push(el.href);
      }
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  return out;
}"""


def find_box(page):
    for scope in (page.locator("main"), page):
        box = scope.locator(BOX).filter(visible=True)
        if box.count():
            return box.first
    # a search behind a button (a modal or a collapsed header search)
    button = page.get_by_role("button", name=re.compile("検索")).filter(visible=True)
    if button.count():
        button.first.click()
        box = page.locator(BOX).filter(visible=True)
        box.first.wait_for(state="visible", timeout=5000)
        return box.first
    raise AssertionError("検索ボックスが見つかりません (input[type=search] か「検索」というラベルの入力欄)")


def result_links(page, base: str, query: str, timeout: float = 30.0) -> list[str]:
    """Type `query` into the box on the current page; the result links (absolute URLs)."""
    page.evaluate(_LINKS_JS, True)
    box = find_box(page)
    box.click()
    box.fill(query)
    deadline, last, stable = time.time() + timeout, None, 0
    while time.time() < deadline:
        links = [u for u in page.evaluate(_LINKS_JS, False) if u.startswith(base)]
        if links and links == last:
            stable += 1
            if stable >= 8:  # unchanged for ~2 s: the search has settled (index parts load one by one; slow under load)
                return links
        else:
            stable = 0
        last = links
        page.wait_for_timeout(250)
    return last or []


def pick(page, url: str) -> None:
    """Mark the first visible result link resolving to `url` (data-pick) for clicking."""
    found = page.evaluate(
        """(u) => {
      const find = (root) => {
        for (const a of root.querySelectorAll('a[href]'))
          if (a.href === u && !a.dataset.preSearch && a.getClientRects().length) return a;
        for (const el of root.querySelectorAll('*'))
          if (el.shadowRoot) { const r = find(el.shadowRoot); if (r) return r; }
        return null;
      };
      const a = find(document);
      if (a) a.dataset.pick = '1';
      return !!a;
    }""",
        url,
    )
    assert found, f"結果のリンク {url} が見つかりません"


def site_path(url: str, base: str) -> str:
    """http://…/city/pia/kumagaya/5/index.html#x → kumagaya/5/"""
    path = urldefrag(url)[0][len(base) :]
    path = re.sub(r"(^|/)index\.html$", r"\1", path)
    return path


def ranked_pages(links: list[str], base: str) -> list[str]:
    out: list[str] = []
    for u in links:
        p = site_path(u, base)
        if p not in out:
            out.append(p)
    return out


def fragment(url: str) -> str:
    return unquote(urldefrag(url)[1])
