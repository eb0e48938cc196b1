"""Where the search index lives in the site: Pagefind's bundle folders, a site-layout fact.

The search page names the folders (templates/_search.html.j2: data-bundles), the build writes one
Pagefind index into each (engine/pagefind.py), and an organisation folder may not be named like one
(model.py's reserved names).

Pagefind's extended (Japanese) indexer holds about 12 MB per assessment page while it runs; past
PAGES_PER_BUNDLE pages the index is built in parts, one Pagefind run per group of organisations,
which the search box merges (Pagefind's mergeIndex), so memory stays bounded.
"""

from __future__ import annotations

import os

FIRST = "pagefind/"  # the one bundle of a small site, and the first part of a large one
PAGES_PER_BUNDLE = int(os.environ.get("PIASITE_PAGES_PER_BUNDLE", "80"))


def part(n: int) -> str:
    """The folder of the n-th bundle (1 is FIRST): pagefind/, pagefind-part2/, …"""
    return FIRST if n == 1 else f"pagefind-part{n}/"


def bundles(assessments) -> list[tuple[str, list[str]]]:
    """[(bundle folder, organisation slugs)]: one bundle "pagefind/" (every page) while small."""
    by_org: dict[str, int] = {}
    for a in assessments:
        by_org[a.org_slug] = by_org.get(a.org_slug, 0) + 1
    if sum(by_org.values()) <= PAGES_PER_BUNDLE:
        return [(FIRST, [])]
    out: list[tuple[str, list[str]]] = []
    count = PAGES_PER_BUNDLE
    for org, n in sorted(by_org.items()):
        if count + n > PAGES_PER_BUNDLE and (not out or out[-1][1]):
            out.append((part(len(out) + 1), []))
            count = 0
        out[-1][1].append(org)
        count += n
    return out
