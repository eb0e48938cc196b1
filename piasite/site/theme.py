"""Page bodies and titles reach no template engine: the engine sees inert tokens only.

Our pages are HTML we generated and escaped ourselves. Given to MkDocs as
Markdown, Python-Markdown would re-parse every tag (~95 % of the engine's
time); given to the theme as a Jinja include, the content would be template
source, and no escaping of "{% endraw" survives Jinja's whitespace-control
forms ({%+ endraw %}, {%- endraw -%}…): text of a content file would run code
at build time. So a page is written as front matter only:

    title: piasitetitle<key>x      an ASCII token in place of the title
    description: piasitetitle<k2>x the same for its description (given, else from the title)
    piasite_body: <key>             printed by templates/theme/main.html as <!--piasite-body:<key>-->

and the body and the title are kept in build/piasite-bodies/<key>.html and
<key>.title, a folder no engine reads. After the engine has run,
`fill(site)` (called by build.py before Pagefind) replaces each token in the
output HTML: the body as bytes, the title HTML-escaped. One pass over the
engine's output, so nothing inserted is ever scanned again, and the theme's
own printing of titles (unescaped in MkDocs, whose autoescape is off) only
ever prints the token. Both engines behave alike; nothing is a plugin hook.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

from piasite.config.resources import Resources
from piasite.core import workdir, yamlcore
from piasite.core.xmlsafe import clean

THEME = "theme"  # beside build/docs: build/theme (mkdocs.yml theme.custom_dir)
BODIES = "piasite-bodies"  # beside build/docs: read by fill() only, never by an engine
# A page's description (<meta name="description">, og:description) when it gives none: its title, then this.
DESCRIPTION = "特定個人情報保護評価書(マイナンバーを扱う事務について、個人のプライバシー等に与える影響とその対策を評価し、公表する文書)を掲載しています。"
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_H1 = re.compile(r"\A# (.+)\n")
# What the engine prints for a page: a body placeholder and title tokens (letters and digits
# only, so that any filter a theme applies — escape, striptags, urlencode — leaves them as is).
_TOKENS = re.compile(rb"<!--piasite-body:([0-9a-f]{32})-->|piasitetitle([0-9a-f]{32})x")


class FillError(Exception):
    pass


def theme_dir(docs: Path) -> Path:
    return Path(docs).parent / THEME


def bodies_dir(docs: Path) -> Path:
    return Path(docs).parent / BODIES


def prepare(docs: Path, resources: Resources) -> None:
    """A fresh build/theme holding the override templates, and an empty build/piasite-bodies."""
    out = theme_dir(docs)
    workdir.clear(out)  # a symlink standing there is removed as a link, never followed
    resources.copy_tree("theme", out)
    workdir.fresh(bodies_dir(docs))


def key_of(relpath: str) -> str:
    return hashlib.sha256(relpath.encode("utf-8")).hexdigest()[:32]


def title_token(key: str) -> str:
    return f"piasitetitle{key}x"


def shelve(docs: Path, relpath: str, text: str) -> str:
    """The Markdown file to write for relpath: front matter with tokens; the body (block HTML, after
    an optional `# title` line) and the title go to build/piasite-bodies. Text whose body is not
    HTML stays Markdown for the engine (which renders Markdown, never template source)."""
    m = _FRONT.match(text)
    front, body = (m[1], text[m.end() :]) if m else ("", text)
    meta = (yamlcore.safe_load(front) if front.strip() else None) or {}
    body = body.strip()
    h = _H1.match(body)
    if h:  # a Markdown title line: the same h1 in HTML, and the page title from it
        body = f"<h1>{h[1].strip()}</h1>\n" + body[h.end() :].lstrip()
        meta.setdefault("title", html.unescape(h[1].strip()))
    key = key_of(relpath)
    out = bodies_dir(docs)
    out.mkdir(parents=True, exist_ok=True)
    rest = ""
    if "title" in meta:
        meta.setdefault("description", f"{meta['title']}。{DESCRIPTION}")
    if meta.get("description"):  # <meta name="description"> and og:description: a token like the title
        dkey = key_of("\0description/" + relpath)
        (out / f"{dkey}.title").write_text(clean(str(meta["description"])), encoding="utf-8", newline="\n")
        meta["description"] = title_token(dkey)
    if "title" in meta:
        (out / f"{key}.title").write_text(clean(str(meta["title"])), encoding="utf-8", newline="\n")
        meta["title"] = title_token(key)
    if body.startswith("<") and body.endswith(">"):
        (out / f"{key}.html").write_text(body + "\n", encoding="utf-8", newline="\n")
        meta["piasite_body"] = key
    else:
        rest = body + "\n"
    lines = "".join(
        f"{json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in meta.items()
    )
    return "---\n" + lines + "---\n" + rest


def fill(site: Path, docs: Path) -> None:
    """Replace the tokens in every HTML file the engine wrote: bodies as bytes, titles escaped."""
    src = bodies_dir(docs)
    cache: dict[str, bytes] = {}

    def part(m: re.Match) -> bytes:
        key = m[1] or m[2]
        name = key.decode() + (".html" if m[1] else ".title")
        if name not in cache:
            try:
                raw = (src / name).read_bytes()
            except OSError:
                raise FillError(f"ページの部品 {name} が見つかりません") from None
            cache[name] = raw if m[1] else html.escape(raw.decode("utf-8")).encode("utf-8")
        return cache[name]

    for path in sorted(Path(site).rglob("*.html")):
        raw = path.read_bytes()
        if b"piasite" not in raw:
            continue
        new = _TOKENS.sub(part, raw)
        if new != raw:
            path.write_bytes(new)
        cache = {k: v for k, v in cache.items() if k.endswith(".title")}  # bodies are used once
