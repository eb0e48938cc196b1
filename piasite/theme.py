"""Finished HTML pages bypass the site engine's Markdown.

Our pages are HTML we generated (thousands of tags each); given to MkDocs as
Markdown, Python-Markdown and MkDocs re-parse every tag, which was ~95 % of the
engine's time. So a page whose body is plain HTML is written as front matter
only (title + `piasite_body: <file>`), and the body goes into the theme
override folder (theme.custom_dir: build/theme in mkdocs.yml), where
templates/theme/main.html includes it into the page's content block. Both
engines support a custom_dir with Jinja includes; neither copies its .html
files into the site. Nothing is a plugin hook.
"""
from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

from . import resources

THEME = "theme"    # beside build/docs: build/theme (mkdocs.yml theme.custom_dir)
BODIES = "piasite-body"
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_H1 = re.compile(r"\A# (.+)\n")
_ENDRAW = re.compile(r"\{(?=%-?\s*endraw)")


def theme_dir(docs: Path) -> Path:
    return Path(docs).parent / THEME


def prepare(docs: Path) -> None:
    """A fresh build/theme holding the override templates."""
    out = theme_dir(docs)
    shutil.rmtree(out, ignore_errors=True)
    resources.copy_tree("theme", out)


def shelve(docs: Path, relpath: str, text: str) -> str:
    """The Markdown file to write for relpath; its HTML body moved to the theme folder.
    Text that is not (front matter +) an optional `# title` + block HTML is returned as is."""
    m = _FRONT.match(text)
    front, body = (m[1], text[m.end():]) if m else ("", text)
    body = body.strip()
    h = _H1.match(body)
    if h:  # a Markdown title line: the same h1 in HTML, and the page title from it
        body = f"<h1>{h[1].strip()}</h1>\n" + body[h.end():].lstrip()
        if not re.search(r"^title:", front, re.M):
            front = (front + "\n" if front else "") + "title: " + json.dumps(html.unescape(h[1].strip()), ensure_ascii=False)
    if not (body.startswith("<") and body.endswith(">")) or "piasite_body:" in front:
        return text
    name = relpath[:-3] + ".html"
    path = theme_dir(docs) / BODIES / name
    path.parent.mkdir(parents=True, exist_ok=True)
    # Included as a template: a raw block keeps any "{{" of the content literal.
    path.write_text("{% raw %}" + _ENDRAW.sub("&#123;", body) + "\n{% endraw %}", encoding="utf-8", newline="\n")
    return "---\n" + (front + "\n" if front else "") + f"piasite_body: {json.dumps(name)}\n---\n"
