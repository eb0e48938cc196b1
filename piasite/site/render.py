"""The one Jinja2 environment every page writer renders through (site pages, change-log pages, feeds).

Every template is ours or a city's override of one (templates/*.j2, overrides/*.j2): HTML, Markdown
pages whose body is HTML, and the Atom feed (XML). All of them are autoescaped, so a value from
content is text wherever it is printed; a template marks what is already HTML with Markup (the
page bodies we built and escaped ourselves) or one of the filters below.
"""

from __future__ import annotations

import html
import json
from typing import Any

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup, escape

from piasite.config.resources import Resources
from piasite.core import dates
from piasite.history.itemdiff import highlighted, marked_html
from piasite.site.urls import page_text, rel, url_of


def environment(resources: Resources) -> Environment:
    """The environment of one city's build: its overrides/ first, then the package's templates."""
    env = Environment(
        loader=resources.loader(),
        undefined=StrictUndefined,
        autoescape=True,  # every template: HTML, Markdown holding HTML, or XML (the feed)
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["wareki"] = lambda v: dates.wareki(v) if dates.parse_iso(v) else ("" if v is None else str(v))
    env.filters["rel"] = rel
    # Pagefind 1.6 decodes a filter value's entities twice (`&amp;lt;` becomes `<`): escaped twice,
    # the value it stores is the text itself, which the search page shows as text (search.py).
    env.filters["pagefind_filter"] = lambda v: Markup(html.escape(html.escape(str(v))))
    env.filters["br"] = br
    env.filters["marked"] = marked
    env.filters["html_in_xml"] = lambda s: Markup(html.escape(html.escape(str(s)).replace("\n", "<br>")))
    env.filters["tojson_safe"] = lambda v: Markup(
        json.dumps(v, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    )
    return env


def br(s: Any) -> Markup:
    """Text with its line breaks, escaped."""
    return Markup("<br>").join(escape(s).split("\n"))


def marked(value: Any, other: Any, side: str) -> Markup:
    """`{{ r.before | marked(r.after, "before") }}`: one side of a long value's change with the changed
    words in <del>/<ins> (itemdiff.highlighted, marked_html: escaped, with text for screen
    readers); a short value, or one sharing nothing with the other side, as text."""
    value, other = "" if value is None else str(value), "" if other is None else str(other)
    before, after = (value, other) if side == "before" else (other, value)
    segs = highlighted(before, after)
    return Markup(marked_html(segs, side)) if segs else br(value)


def page(env: Environment, relpath: str, template: str, title: str, description: str = "", **ctx: Any) -> str:
    """The text of the page at relpath (build/docs path) through a template, which sees `root` (the
    relative link to the top), `url` (the page's own URL) and `title` besides ctx. description: the
    page's <meta name="description"> (none given: its title and a sentence on what the site holds)."""
    url = url_of(relpath)
    body = env.get_template(template).render(root=rel(url, ""), url=url, title=title, **ctx)
    return page_text(title, body, description)
