"""Facets: every choice and checkbox item of every form, asked across the documents.

A facet is one question of the forms (an item of kind choice or multi), found by walking the form
definitions: no item is named here. The same question printed in several places (リスクへの対策は十分か
under every risk) or by several forms (再委託の有無 of the 重点 and the 全項目) is one facet when its key and
its list of choices are the same. Each answer is counted in the form's own choice wording (a document of
an older 様式 version that prints an option another way is counted under the option), with the documents
and the exact item (its anchor) that gives it.

forms/regime/indexes.yaml `facets:` gives the pages' id, title and lead, and which facets are also
Pagefind filters (by the item's key, with the filter's name).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from piasite.core.labels import bare
from piasite.forms import regime
from piasite.forms.items import Item
from piasite.model.reader import Uncertain

KINDS = ("choice", "multi")  # the items a facet is made of
UNREAD = "原文から読み取れませんでした"  # an !要確認 value: counted apart, never as an answer


@dataclass
class Occurrence:
    """One place a document answers the question."""

    assessment: Any
    path: tuple
    anchor: str

    @property
    def where(self) -> str:
        return self.assessment.form.short_label(self.path, self.assessment.public_data)

    @property
    def href(self) -> str:
        return f"{self.assessment.url}#{self.anchor}"


@dataclass
class Answer:
    text: str  # the form's wording (the option's newest printed text), or the value as written
    listed: bool  # one of the form's choices (False: written otherwise, 非公表, unread)
    occurrences: list[Occurrence] = field(default_factory=list)
    written: set[str] = field(default_factory=set)  # other spellings counted under this answer

    @property
    def id(self) -> str:
        return "a-" + hashlib.sha1(self.text.encode()).hexdigest()[:8]

    @property
    def assessments(self) -> list:
        seen: dict[int, Any] = {}
        for o in self.occurrences:
            seen.setdefault(id(o.assessment), o.assessment)
        return list(seen.values())

    def by_assessment(self) -> list[tuple[Any, list[Occurrence]]]:
        out: dict[int, tuple[Any, list[Occurrence]]] = {}
        for o in self.occurrences:
            out.setdefault(id(o.assessment), (o.assessment, []))[1].append(o)
        return list(out.values())


@dataclass
class Facet:
    id: str  # ASCII: indexes/<facets id>/<id>/
    key: str
    title: str  # the item's label without its number
    kind: str  # choice | multi
    choices: tuple[str, ...]  # the form's wording, in the form's order
    places: list[tuple[str, str]] = field(default_factory=list)  # (form name, printed label path)
    forms: list[str] = field(default_factory=list)
    sections: dict[str, str] = field(default_factory=dict)  # form name → the top part it stands in
    answers: dict[str, Answer] = field(default_factory=dict)
    unanswered: list = field(default_factory=list)  # documents of these forms giving no answer
    filter: str | None = None  # the Pagefind filter's name, where the facet is one
    printed: dict[str, list[str]] = field(default_factory=dict)  # choice → its other wordings by version

    def ordered(self) -> list[Answer]:
        """The form's choices in its order (also those nobody chose), then what is written otherwise."""
        listed = [self.answers.get(c) or Answer(c, True) for c in self.choices]
        others = sorted((a for a in self.answers.values() if not a.listed), key=lambda a: (-len(a.occurrences), a.text))
        return listed + others

    @property
    def assessments(self) -> list:
        seen: dict[int, Any] = {}
        for a in self.answers.values():
            for d in a.assessments:
                seen.setdefault(id(d), d)
        return list(seen.values())

    @property
    def count(self) -> int:
        return sum(len(a.occurrences) for a in self.answers.values())


@dataclass
class Facets:
    id: str
    title: str
    lead: str
    facets: list[Facet]

    def groups(self) -> list[tuple[str, list[tuple[str, list[Facet]]]]]:
        """(form name, [(top part, facets)]) in the forms' order and the items' order."""
        out: dict[str, dict[str, list[Facet]]] = {}
        for fc in self.facets:
            for form in fc.forms:
                out.setdefault(form, {}).setdefault(fc.sections[form], []).append(fc)
        return [(form, list(parts.items())) for form, parts in out.items()]


def spec() -> dict:
    """forms/regime/indexes.yaml `facets:` (id, title, lead, filters: {item key: filter name})."""
    s = regime.section("indexes").get("facets")
    if not isinstance(s, dict) or not {"id", "title", "lead"} <= set(s):
        raise regime.RegimeError("forms/regime/indexes.yaml: facets: に id・title・lead を書いてください")
    filters = s.get("filters") or {}
    if not isinstance(filters, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in filters.items()):
        raise regime.RegimeError(
            "forms/regime/indexes.yaml: facets: の filters: は「項目のキー: 絞り込みの名前」で書いてください"
        )
    return {"id": str(s["id"]), "title": str(s["title"]), "lead": str(s["lead"]), "filters": dict(filters)}


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _choices(item: Item) -> tuple[str, ...]:
    """The item's choices as documents write them (an option's text, whatever a version prints)."""
    if item.kind == "multi":
        return tuple(o.text for o in item.options)
    return tuple(item.choices)


def _printed(item: Item) -> dict[str, list[str]]:
    """option text → the other wordings versions of the form print it with (4情報 … / 5情報 …)."""
    out: dict[str, list[str]] = {}
    for o in item.options:
        for s in (o.label or "", *(t for _, t in o.version_labels), *o.variants):
            if s and s != o.text and s not in out.get(o.text, []):
                out.setdefault(o.text, []).append(s)
    return out


def _spellings(item: Item) -> dict[str, str]:
    """Every way a document may write one of the item's options (normalised) → the form's wording."""
    out: dict[str, str] = {}
    if item.kind == "multi":
        for o in item.options:
            for s in (o.text, o.label or "", *o.variants, *(t for _, t in o.version_labels)):
                if s:
                    out.setdefault(_norm(s), o.text)
    else:
        for c in item.choices:
            out.setdefault(_norm(c), c)
    return out


def _in_change_log(form, item: Item) -> bool:
    """The (別添2) change log's rows: the site shows them as git's history makes them (history_pages.py),
    not as the file lists them, and a row's cells have no anchor of their own: they are no question."""
    log = form.role_item("changes") if form.has_role("changes") else None
    node: Item | None = item
    while node is not None:
        if node is log:
            return True
        node = node.parent
    return False


def placements(form) -> Iterator[tuple[Item, tuple]]:
    """Every choice and checkbox item of a form (but the change log's), with its key path (None where
    a group repeats)."""
    for item in form.walk():
        if item.kind in KINDS and not _in_change_log(form, item):
            path: list = []
            node: Item | None = item
            while node is not None:
                path.insert(0, node.key)
                if node.parent is not None and node.parent.kind == "group":
                    path.insert(0, None)  # every element of the group
                node = node.parent
            yield item, tuple(path)


def _values(data: Any, pattern: tuple, prefix: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """The document's values at a key path, None standing for every element of a group."""
    if not pattern:
        yield prefix, data
        return
    head, rest = pattern[0], pattern[1:]
    if head is None:
        for i, elem in enumerate(data if isinstance(data, list) else []):
            yield from _values(elem, rest, (*prefix, i))
    elif isinstance(data, dict) and head in data:
        yield from _values(data[head], rest, (*prefix, head))


def _answers(item: Item, value: Any, spellings: dict[str, str]) -> list[tuple[str, str, bool]]:
    """(answer, as written, listed) for one value: one for a choice, one per box checked."""
    if value is None or value == "":
        return []
    if isinstance(value, Uncertain):
        return [(UNREAD, UNREAD, False)]
    entries = value if item.kind == "multi" and isinstance(value, list) else [value]
    out = []
    for e in entries:
        if isinstance(e, dict) and len(e) == 1:  # 「その他: 内容」: the box is その他
            e = next(iter(e))
        if isinstance(e, Uncertain):
            out.append((UNREAD, UNREAD, False))
            continue
        text = str(e).strip()
        if not text:
            continue
        answer = spellings.get(_norm(text))
        out.append((answer or text, text, answer is not None))
    return out


def _place(item: Item) -> str:
    """Where the item is printed in its form, without element numbers (Ⅱ … 4. … 委託事項 ④再委託の有無)."""
    labels: list[str] = []
    node: Item | None = item
    while node is not None:
        labels.insert(0, node.label)
        node = node.parent
    return " ".join(labels)


def _facet_id(forms_items: list[tuple[Any, Item]]) -> str:
    """A readable ASCII id: the form's schema id and the item ids down to it (juten-II-f-4-t-4)."""
    form, item = forms_items[0]
    ids: list[str] = []
    node: Item | None = item
    while node is not None:
        ids.insert(0, node.id)
        node = node.parent
    return "-".join([form.schema_id, *[i for i in ids if i]])


def build_facets(assessments: list, forms: list) -> Facets:
    """Every facet of the forms (in the forms' order, then the items'), counted over the assessments.
    Ids and titles are made from all the forms given (so they do not change when a site adds its first
    document of another form); only the facets of the assessments' forms are kept, with those forms."""
    s = spec()
    by_identity: dict[tuple, Facet] = {}
    members: dict[tuple, list[tuple[Any, Item, tuple]]] = {}
    for form in forms:
        for item, pattern in placements(form):
            identity = (item.key, item.kind, _choices(item))
            members.setdefault(identity, []).append((form, item, pattern))
    used: set[str] = set()
    for identity, ms in members.items():
        fid = _facet_id([(f, i) for f, i, _ in ms])
        while fid in used:
            fid += "x"
        used.add(fid)
        key, kind, choices = identity
        fc = Facet(fid, key, bare(ms[0][1].label), kind, choices, filter=s["filters"].get(key))
        for form, item, pattern in ms:
            fc.places.append((form.name, _place(item)))
            for text, others in _printed(item).items():
                fc.printed.setdefault(text, [])
                fc.printed[text] += [o for o in others if o not in fc.printed[text]]
            if form.name not in fc.forms:
                fc.forms.append(form.name)
                top = item
                while top.parent is not None:
                    top = top.parent
                fc.sections[form.name] = top.label if top is not item else ""
        by_identity[identity] = fc
    _distinct_titles(list(by_identity.values()), members)
    for a in assessments:
        data, form = a.public_data, a.form
        for identity, ms in members.items():
            mine = [(item, pattern) for f, item, pattern in ms if f is form]
            if not mine:
                continue
            fc = by_identity[identity]
            answered = False
            for item, pattern in mine:
                spellings = _spellings(item)
                for path, value in _values(data, pattern):
                    for answer, written, listed in _answers(item, value, spellings):
                        ans = fc.answers.setdefault(answer, Answer(answer, listed))
                        ans.occurrences.append(Occurrence(a, path, form.anchor(path)))
                        if written != answer:
                            ans.written.add(written)
                        answered = True
            if not answered:
                fc.unanswered.append(a)
    used = {a.form.name for a in assessments}
    kept = []
    for fc in by_identity.values():
        shown = [f for f in fc.forms if f in used]
        if shown:
            fc.places = [(f, p) for f, p in fc.places if f in used]
            fc.sections = {f: fc.sections[f] for f in shown}
            fc.forms = shown
            kept.append(fc)
    return Facets(s["id"], s["title"], s["lead"], kept)


def _distinct_titles(facets: list[Facet], members: dict) -> None:
    """Two questions printed alike (実施の有無 of Ⅰ 5 and of Ⅲ 8) are told apart by the group they stand in,
    then by their forms (様式の版 of each form)."""
    items = {fc.id: ms for fc, ms in zip(facets, members.values(), strict=True)}

    def clashing() -> dict[str, list[Facet]]:
        seen: dict[str, list[Facet]] = {}
        for fc in facets:
            seen.setdefault(fc.title, []).append(fc)
        return {t: fs for t, fs in seen.items() if len(fs) > 1}

    for fs in clashing().values():
        named = [f for fc in fs for f in fc.forms]
        for fc in fs:
            parent = items[fc.id][0][1].parent
            if len(named) == len(set(named)):  # each in other forms: the forms tell them apart
                fc.title = f"{fc.title}({'・'.join(fc.forms)})"
            elif parent is not None and bare(parent.label) != fc.title:
                fc.title = f"{bare(parent.label)} {fc.title}"
    for fs in clashing().values():
        for fc in fs:
            fc.title = f"{fc.title}({'・'.join(fc.forms)})"


def filters_of(facets: Facets, a) -> list[tuple[str, str]]:
    """The Pagefind filters (name, answer) a document's page carries for the facets that are filters."""
    out: list[tuple[str, str]] = []
    for fc in facets.facets:
        if not fc.filter:
            continue
        for ans in fc.answers.values():
            if ans.listed and any(o.assessment is a for o in ans.occurrences) and (fc.filter, ans.text) not in out:
                out.append((fc.filter, ans.text))
    return out


def csv_rows(facets: Facets, base: str = "") -> tuple[list[str], list[list[str]]]:
    """One row per answer given: the question, the form's wording, the document and the item's URL."""
    header = ["質問", "質問の id", "回答", "選択肢の文言", "評価書", "該当箇所", "url"]
    rows = []
    for fc in facets.facets:
        for ans in fc.ordered():
            for o in ans.occurrences:
                href = f"{base}/{o.href}" if base else o.href
                rows.append(
                    [
                        fc.title,
                        fc.id,
                        ans.text,
                        "はい" if ans.listed else "いいえ",
                        o.assessment.full_title,
                        o.where,
                        href,
                    ]
                )
    return header, rows
