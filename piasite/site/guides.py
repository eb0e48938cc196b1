"""The guides (使い方): Markdown pages for staff and residents, written into the site under guides/.

They are package data (templates/guides/*.md); a city's overrides/guides/ may replace any of them
or add its own. They are our text, not content: the engine renders them as Markdown."""

from __future__ import annotations

FOLDER = "guides"


def write_guides(site) -> None:
    pages: dict[str, str] = {}
    resources = site.resources  # the city's overrides/ first (config/resources.py)
    for folder in reversed(resources.search_path(FOLDER)):  # the city's last, so that its files win
        if folder.is_dir():
            for p in sorted(folder.glob("*.md")):
                pages[p.name] = resources.read_text(p)  # the city's never through a link
    for name, text in sorted(pages.items()):
        site.write_page(f"{FOLDER}/{name}", text)
