"""What stops a publication build (`piasite build --publish`): a document whose required items
(the form's `required: true`) are empty, or any value still !要確認. A hand-written document lacking
a required item is an error for every build already (document.py); an imported one is only warned
about (its source may lack the part), so that staff can build and review it, but it is never
published so."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from piasite.checks.load import content_files, load_document, uncertain_problems
from piasite.config.limits import DEFAULT_LIMITS, Limits
from piasite.core import safefiles
from piasite.core.errors import PiasiteError
from piasite.core.problems import Problem
from piasite.forms.form import Form
from piasite.forms.items import Item
from piasite.forms.registry import form_for
from piasite.forms.values import empty
from piasite.model.reader import Uncertain, Withheld


def empty_required(form: Form, data: dict) -> Iterator[tuple]:
    """The path of every required item without a value (a !要確認 one is told by uncertain_problems):
    in the sections the document has or lacks (an absent section's required items are empty too) and
    in each element of its groups, among the items its version of the form prints."""
    version = form.value(data, "form_version") if form.has_role("form_version") else None
    yield from _walk(form, version, form.root, data, ())


def _walk(form: Form, version: Any, item: Item, value: Any, path: tuple) -> Iterator[tuple]:
    if isinstance(value, Withheld):
        value = value.value
    if value is None:
        value = {}
    if not isinstance(value, dict):
        return
    for child in item.items:
        if not form.printed_in(child, version):
            continue
        v = value.get(child.key)
        p = path + (child.key,)
        if isinstance(v, Uncertain):
            continue
        if child.required and empty(v):
            yield p
            continue
        if child.kind == "section":
            yield from _walk(form, version, child, v, p)
        elif child.kind == "group" and isinstance(v, list):
            for i, elem in enumerate(v):
                yield from _walk(form, version, child, elem, p + (i,))


def required_problems(root: Path, limits: Limits = DEFAULT_LIMITS) -> list[Problem]:
    """One problem per empty required item of every document under root."""
    out = []
    for doc in (load_document(p, limits)[0] for p in content_files(root)):
        form = form_for(doc.data, None) if doc is not None else None
        if form is None or doc is None or not isinstance(doc.data, dict):
            continue
        for path in empty_required(form, doc.data):
            item = form.item_at(path)
            label = item.display_label if item is not None else str(path[-1])
            out.append(
                Problem(
                    doc.path,
                    doc.line(path),
                    form.short_label(path, doc.data),
                    f"必須項目「{label}」が空です(公開の前に書いてください)",
                )
            )
    return out


# The comment `piasite init` puts at the head of its example document (templates/init/content/…)
EXAMPLE_MARK = "書き方の見本として使い、実際の評価書に置き換えてください"
PLACEHOLDER = "要記入"  # what `piasite init` writes where the city's own value belongs (commands/init.py)
# Addresses no city publishes at: the init's own example and the names reserved for examples (RFC 2606/6761)
_EXAMPLE_HOSTS = re.compile(r"(^|\.)(example(\.lg\.jp|\.jp|\.com|\.org|\.net)?|invalid|localhost|test)$", re.I)


def example_problems(root: Path) -> list[Problem]:
    """The example document `piasite init` wrote, still there: a publication would show 東山市's
    invented assessment as the city's."""
    out = []
    for p in content_files(root):
        try:  # never a link, a FIFO or a device (safefiles): only the city's own regular files
            head = safefiles.read_text(p)[:2000]
        except (OSError, UnicodeDecodeError, PiasiteError):
            continue  # the reader says what is wrong with it
        for no, line in enumerate(head.splitlines(), 1):
            if line.lstrip().startswith("#") and EXAMPLE_MARK in line:
                out.append(
                    Problem(
                        p,
                        no,
                        "",
                        "piasite init が置いた例の評価書です(架空の団体)。公開する前に、ファイルを消すか、実際の評価書に"
                        "書き換えてこのコメントを消してください",
                    )
                )
                break
    return out


def settings_problems(config: Path | None, site_url: str) -> list[Problem]:
    """What `piasite init` left for the city to write, still unwritten in its mkdocs.yml (「要記入」: the
    publisher, the contact, the site's name), and an example address as site_url: canonical links,
    the sitemap, the open data and the footer would go out wrong."""
    out: list[Problem] = []
    lines: list[str] = []
    if config is not None:
        try:
            lines = safefiles.read_text(config).splitlines()
        except (OSError, UnicodeDecodeError, PiasiteError):
            lines = []  # the settings' reader has said what is wrong with it
        for no, line in enumerate(lines, 1):
            body = line.split("#", 1)[0] if not line.lstrip().startswith("#") else ""
            if PLACEHOLDER in body:
                key = body.split(":", 1)[0].strip() if ":" in body else ""
                out.append(
                    Problem(
                        Path(config),
                        no,
                        key,
                        f"「{PLACEHOLDER}」が残っています。団体の値に書き換えてください: {body.strip()}",
                    )
                )
    host = (urllib.parse.urlsplit(site_url).hostname or "") if site_url else ""
    if host and _EXAMPLE_HOSTS.search(host):
        at = next((n for n, t in enumerate(lines, 1) if t.startswith("site_url")), 0)
        out.append(
            Problem(
                Path(config) if config is not None else Path("mkdocs.yml"),
                at,
                "site_url",
                f"site_url が例のアドレスのままです({site_url})。公開するサイトのアドレスに書き換えてください"
                "(分からなければ行ごと消すと、リンクはサイトの中の相対リンクになります)",
            )
        )
    return out


def publish_problems(root: Path, limits: Limits = DEFAULT_LIMITS) -> tuple[list[Problem], list[Problem]]:
    """(open !要確認 values, empty required items) of every document under root."""
    return uncertain_problems(root, limits), required_problems(root, limits)
