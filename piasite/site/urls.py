"""Site URLs and the text of a generated page: written once, used by every page writer.

A site URL is '' for the top and 'kumagaya/5/' for a page (use_directory_urls); links between pages
are relative, so the site works under any sub-path.
"""

from __future__ import annotations

import json


def rel(from_url: str, to_url: str) -> str:
    """Relative link between two site URLs ('' is the top, 'kumagaya/5/' a page)."""
    depth = from_url.count("/")
    return ("../" * depth + to_url) or "./"


def url_of(relpath: str) -> str:
    """build/docs path → site URL (use_directory_urls)."""
    return relpath[: -len("index.md")] if relpath.endswith("index.md") else relpath


def page_text(title: str, body: str, description: str = "") -> str:
    """A Markdown page of the generated tree: front matter with its title (and its description, if
    given), then its (HTML) body."""
    desc = f"description: {json.dumps(description, ensure_ascii=False)}\n" if description else ""
    front = f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n{desc}---\n\n"
    return front + body.strip() + "\n"
