"""How each item of an imported document compares with its source text:
exact, altered (placed, but not as printed), uncertain (the item holds !要確認:
the source showed something the importer could not read for certain), unread
(the source had something, the item has nothing), legitimately empty (the document says the block is not
used: 委託しない, 行っていない, 接続しない …) — and the sections the extraction
lacks altogether. Driven by the definition (`unused_if` on items), no form key."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from piasite.forms.form import Form
from piasite.forms.items import Item
from piasite.forms.values import value_at
from piasite.importer.text import plain
from piasite.model.reader import Uncertain

EXACT, ALTERED, UNCERTAIN, UNREAD, EMPTY = "exact", "altered", "uncertain", "unread", "empty"


def _blank(v: Any) -> bool:
    return v is None or v == "" or v == [] or v == {}


def _flat(s: str) -> str:
    """Text for comparison: no spaces, no bullet marks (・, Markdown "- "), no markup."""
    s = re.sub(r"(?m)^\s*-\s+", "", s)
    return re.sub(r"[\s・]", "", plain(s))


@dataclass
class Classified:
    by_path: dict[tuple, str] = field(default_factory=dict)
    unused: list[tuple] = field(default_factory=list)  # sections the document says are not used
    missing: list[tuple] = field(default_factory=list)  # sections absent from the source

    def count(self, what: str) -> int:
        return sum(1 for v in self.by_path.values() if v == what)


def _concrete(item: Item, value: Any, path: tuple) -> Iterator[tuple[Item, tuple, Any]]:
    """Every item under `item` with its concrete path and value (absent values as None)."""
    for c in item.items:
        v = value.get(c.key) if isinstance(value, dict) else None
        p = path + (c.key,)
        yield c, p, v
        if c.kind == "section":
            yield from _concrete(c, v, p)
        elif c.kind == "group" and isinstance(v, list):
            for i, e in enumerate(v):
                yield from _concrete(c, e, p + (i,))


def unused_sections(form: Form, data: dict) -> list[tuple]:
    """Sections whose every `unused_if` item says the section is not used."""
    out = []
    for item, path, _v in _concrete(form.root, data, ()):
        if not item.is_container:
            continue
        flags = [c for c in item.items if c.unused_if]
        if flags and all(value_at(data, path + (c.key,)) in c.unused_if for c in flags):
            out.append(path)
    return out


def _under(path: tuple, prefixes: list[tuple]) -> bool:
    return any(path[: len(p)] == p and path != p for p in prefixes)


def classify(form: Form, data: dict, parser, source_texts: dict[tuple, str], doubtful: set[tuple]) -> Classified:
    r = Classified()
    r.unused = unused_sections(form, data)
    for path in parser.valued:
        v = value_at(data, path)
        if isinstance(v, Uncertain):
            r.by_path[path] = UNCERTAIN
            continue
        if _blank(v):
            r.by_path[path] = EMPTY if _under(path, r.unused) else UNREAD
            continue
        item = form.item_at(path)
        if item is not None and item.kind in ("text", "ref", "list") and path in source_texts:
            shown = "\n".join(map(str, v)) if isinstance(v, list) else str(v)
            r.by_path[path] = EXACT if _flat(shown) == _flat(source_texts[path]) else ALTERED
        else:
            r.by_path[path] = ALTERED if path in doubtful else EXACT
    # a required item whose label the source prints but which holds nothing, with values read after
    # it: its value went elsewhere (labels printed first, then their values, all read into the last)
    # or was lost — a value not taken, as a person reading the source counts it (a label the text
    # ends at, an excerpt cut short, shows no value)
    order = {id(i): k for k, i in enumerate(form.walk())}
    placed = [form.item_at(p) for p, k in r.by_path.items() if k in (EXACT, ALTERED, UNCERTAIN)]
    last = max((order.get(id(i), -1) for i in placed if i is not None), default=-1)
    for path in getattr(parser, "hit", ()):
        item = form.item_at(path)
        if (
            item is not None
            and item.required
            and not item.is_container
            and order.get(id(item), last) < last
            and path not in r.by_path
            and not _under(path, r.unused)
            and _blank(value_at(data, path))
        ):
            r.by_path[path] = UNREAD
    # the unused blocks' items the source leaves blank are empty as the document says
    for sec in r.unused:
        item = form.item_at(sec)
        if item is None:  # unused_sections only yields paths of the form's own sections
            continue
        for c, p, v in _concrete(item, value_at(data, sec), sec):
            if not c.is_container and not c.unused_if and _blank(v) and p not in r.by_path:
                r.by_path[p] = EMPTY
    return r


def missing_sections(form: Form, data: dict, parser) -> list[tuple]:
    """Parts, and numbered sections of the parts read, that no line of the source reached."""
    hits = parser.hit

    def reached(prefix: tuple) -> bool:
        return any(h[: len(prefix)] == prefix for h in hits)

    version = form.value(data, "form_version") if form.has_role("form_version") else None
    out: list[tuple] = []
    for part in parser.parts:
        if not form.printed_in(part, version):
            continue  # not on the document's version of the form
        if not reached((part.key,)):
            out.append((part.key,))
            continue
        n = len(data.get(part.key) or []) if part.kind == "group" else 0
        bases = [(part.key, i) for i in range(n)] if part.kind == "group" else [(part.key,)]
        for base in bases:
            for child in part.items:
                if not form.printed_in(child, version):
                    continue
                if child.is_container or re.match(r"^\d+\.", child.label):
                    if not reached(base + (child.key,)):
                        out.append(base + (child.key,))
    return out
