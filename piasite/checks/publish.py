"""What stops a publication build (`piasite build --publish`): a document whose required items
(the form's `required: true`) are empty, or any value still !要確認. A hand-written document lacking
a required item is an error for every build already (document.py); an imported one is only warned
about (its source may lack the part), so that staff can build and review it, but it is never
published so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from piasite.checks.load import content_files, load_document, uncertain_problems
from piasite.config.limits import DEFAULT_LIMITS, Limits
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


def publish_problems(root: Path, limits: Limits = DEFAULT_LIMITS) -> tuple[list[Problem], list[Problem]]:
    """(open !要確認 values, empty required items) of every document under root."""
    return uncertain_problems(root, limits), required_problems(root, limits)
