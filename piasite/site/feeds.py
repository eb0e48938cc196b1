"""The Atom feeds of the change log (feeds/all.xml, feeds/<org-slug>.xml), written by feedgen.

feedgen writes the XML (escaping, namespaces, the required elements), so no feed is a hand-written
template. Each feed names the city: its id is the feed's own address when mkdocs.yml site_url is set,
else a UUID made from the publisher (mkdocs.yml extra.publisher) or, without one, the organisations'
names — never the same id for two cities (every city's feed was urn:piasite:feed:all). The entries'
ids are made from the same key, so that an aggregator reading several cities keeps each one's
entries. The feed's rights are the licence (name and URL, also as a rel="license" link), its author
the publisher; its links are absolute with site_url, else relative to the feed.

Nothing depends on the clock: every date given to feedgen comes from the content or git (an entry
feedgen would date itself is given its own date first). Every text is cleaned of what XML cannot hold
(xmlsafe) before lxml sees it.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Iterable
from typing import Any

from feedgen.feed import FeedGenerator

from piasite.core import dates
from piasite.core.xmlsafe import clean
from piasite.site.urls import rel

FEED_NS = uuid.UUID("6f1c1c1e-3c0b-4c39-9a57-6b0f0a2d5e11")  # fixed: ids are stable across builds
GENERATOR = "piasite"
DEFAULT_AUTHOR = "特定個人情報保護評価書"


def site_key(about: dict, orgs: Iterable[str] = ()) -> str:
    """What tells this city's site from another's: its address, else its publisher, else its
    organisations' names."""
    return about.get("site_url") or about.get("publisher") or "|".join(sorted(set(orgs))) or "piasite"


def feed_id(about: dict, key: str, self_path: str) -> str:
    base = about.get("site_url", "")
    if base:
        return f"{base}/{self_path}"
    return "urn:uuid:" + str(uuid.uuid5(FEED_NS, f"{key}|{self_path}"))


def entry_id(key: str, e: Any) -> str:
    return "urn:uuid:" + str(uuid.uuid5(FEED_NS, f"{key}|{e.url}|{e.version}|{e.date}|{e.updated}"))


def _href(about: dict, self_path: str, target: str) -> str:
    base = about.get("site_url", "")
    return f"{base}/{target}" if base else rel(self_path, target)


def _content(e: Any) -> str:
    """The entry's changes as an HTML table (the HTML escaped here, the whole escaped again by the XML)."""
    esc = lambda s: html.escape(str(s or "")).replace("\n", "<br>")  # noqa: E731
    when = dates.wareki(e.date) if dates.parse_iso(e.date) else str(e.date or "")
    rows = "".join(
        f"<tr><td>{esc(r.item)}{' ※' if r.marked else ''}</td><td>{esc(r.before)}</td><td>{esc(r.after)}</td></tr>"
        for r in e.rows
    )
    return f"<p>変更日: {esc(when)}</p><table><tr><th>項目</th><th>変更前</th><th>変更後</th></tr>{rows}</table>"


def atom(
    title: str,
    entries: list,
    updated: str,
    self_path: str,
    alternate: str,
    about: dict,
    key: str,
    full_title,
) -> str:
    """The feed at self_path (e.g. feeds/all.xml) of entries (history_pages.Entry), its HTML page at
    alternate (a site URL, e.g. changes/); about: publisher, license, license_url, site_url (api.about)."""
    fg = FeedGenerator()
    fg.id(feed_id(about, key, self_path))
    fg.title(clean(title))
    fg.language("ja")
    fg.updated(updated)
    fg.generator(GENERATOR)
    fg.author(
        {
            "name": clean(about.get("publisher") or DEFAULT_AUTHOR),
            **({"uri": about["site_url"] + "/"} if about.get("site_url") else {}),
        }
    )
    fg.link(href=_href(about, self_path, self_path), rel="self", type="application/atom+xml")
    fg.link(href=_href(about, self_path, alternate), rel="alternate", type="text/html")
    licence, licence_url = about.get("license", ""), about.get("license_url", "")
    if licence or licence_url:
        fg.rights(clean(f"{licence}({licence_url})" if licence and licence_url else licence or licence_url))
    if licence_url:
        fg.link(href=clean(licence_url), rel="license")
    for e in entries:
        fe = fg.add_entry(order="append")
        fe.id(entry_id(key, e))
        fe.title(clean(f"{full_title(e.org, e.title)}: {len(e.rows)} 項目を変更"))
        fe.updated(e.updated)
        fe.link(
            href=_href(about, self_path, f"{e.url}{'history/#v' + str(e.version) if e.version else ''}"),
            rel="alternate",
            type="text/html",
        )
        fe.content(clean(_content(e)), type="html")
    return fg.atom_str(pretty=True, encoding="UTF-8").decode("utf-8")
