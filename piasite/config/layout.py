"""The site's layout: its navigation, the top-level names the build writes, and its URLs.

Pure data and helpers (no file is read): the checks refuse an organisation folder named like a part
of the site (reserved), the engine's settings list the navigation (NAV), the pages link relatively.
"""

from __future__ import annotations

# The navigation, owned here and mirrored by mkdocs.yml `nav:` (a test checks
# both agree): indexes and organisations, never one entry per assessment.
NAV = [
    ("はじめに", "index.md"),
    ("評価実施機関", "indexes/kikan/index.md"),
    ("事務", "indexes/jimu/index.md"),
    ("システム", "indexes/system/index.md"),
    ("委託先", "indexes/itakusaki/index.md"),
    ("提供先・移転先", "indexes/teikyosaki/index.md"),
    ("選択肢の回答", "indexes/kaito/index.md"),  # site/facets.py: forms/regime/indexes.yaml facets:
    ("更新履歴", "changes/index.md"),  # written by the change-log stage (history_pages.py)
    ("検索", "search/index.md"),
    ("オープンデータ", "api/index.md"),
    ("使い方", "guides/index.md"),  # guides.py: for staff and residents
]


# Top-level names the build writes beside the organisations' folders: NAV's sections, our and the
# engine's assets, the staff's form (admin/), the change-log stage's feeds, Pagefind's bundles (pagefind/, pagefind-part2/…)
# and the engines' own files. An organisation folder of content/ named like one would replace that
# part of the site: checks/load.py refuses it.
RESERVED = frozenset(
    {path.split("/")[0] for _, path in NAV if "/" in path}
    | {
        "admin",  # the staff's browser form (site/cms.py)
        "assets",
        "feeds",
        "pagefind",
        "index.md",
        "404.html",
        "sitemap.xml",
        "sitemap.xml.gz",
        "search",
        "stylesheets",
        "javascripts",
    }
)
RESERVED_PREFIXES = ("pagefind",)


def reserved(name: str) -> bool:
    return name.lower() in RESERVED or name.lower().startswith(RESERVED_PREFIXES)


def rel(from_url: str, to_url: str) -> str:
    """Relative link between two site URLs ('' is the top, 'kumagaya/5/' a page)."""
    depth = from_url.count("/")
    return ("../" * depth + to_url) or "./"


def url_of(relpath: str) -> str:
    """build/docs path → site URL (use_directory_urls)."""
    return relpath[: -len("index.md")] if relpath.endswith("index.md") else relpath
