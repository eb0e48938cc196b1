"""Invented documents with every item of a form filled, for round-trip and check tests.

The organisation is invented (東山市); values are made from each item's own place in the
form, so that a value that lands in the wrong item is seen at once, each in its item's shape
(forms/regime/shapes.yaml: a name of one short line for a name item, a title ending as titles do,
the organisation for an organisation): a plausible document, which check does not doubt. Walks the definition
generically: a fourth form gets its documents from here without a line of change.
"""

from __future__ import annotations

import re
from typing import Any

from piasite.forms.form import Form
from piasite.forms.items import Item

ORG = "東山市長"


def _bare(label: str) -> str:
    return re.sub(r"^(?:[①-⑳]|\d+\.\s*|\(別添\d\)\s*|[ⅠⅡⅢⅣⅤⅥ]\s+)", "", label).split("：")[-1].strip()


class _Filler:
    def __init__(self, form: Form, paragraphs: bool):
        self.form = form
        self.paragraphs = paragraphs
        self.n = 0

    def text(self, item: Item, where: str) -> str:
        self.n += 1
        if item.shape == "organisation":
            return ORG
        if item.shape:
            # a name, a title: one short line as the form expects one, not a sentence
            # (checks/plausibility.py doubts a sentence there, and the importer marks it !要確認)
            name = f"東山市{where}{_bare(item.label)}(第{self.n}号)"
            return f"{name} {self.form.name}" if item.shape == "title" else name
        body = f"東山市では{where}{_bare(item.label)}について第{self.n}号の定めにより記載する。"
        if self.paragraphs and self.n % 4 == 0:
            body += f"\n\n東山市の補足として第{self.n}段落を記す。\n\n- 東山市項目{self.n}のA\n- 東山市項目{self.n}のB"
        return body

    def value(self, item: Item, where: str, index: int = 0) -> Any:
        k = item.kind
        if k in ("text",):
            return self.text(item, where)
        if k == "ref":
            return "別添を参照。"
        if k == "list":  # its elements are names (システムの名称, ファイル名): short, one line each
            return [f"東山市{where}{_bare(item.label)}{c}" for c in "AB"]
        if k == "choice":
            return item.choices[0]
        if k == "multi":
            out: list = []
            for o in item.options[:2]:
                out.append({o.text: f"東山市{_bare(item.label)}の内訳"} if o.qualifier else o.text)
            q = next((o for o in item.options[2:] if o.qualifier), None)
            if q is not None:
                out.append({q.text: f"東山市{_bare(item.label)}の{q.text}"})
            return out
        if k == "date":
            return "2018-12" if item.precision == "month" else "2024-04-01"
        if k == "integer":
            return 3
        if k == "flag":
            return False
        raise ValueError(k)

    def mapping(self, item: Item, where: str) -> dict:
        out: dict = {}
        groups = [c for c in item.items if c.kind == "group"]
        counts = [c for c in item.items if c.kind == "count"]
        for c in item.items:
            if c.kind == "count":
                continue
            if c.kind == "section":
                out[c.key] = self.mapping(c, where)
            elif c.kind == "group":
                out[c.key] = self.group(c, where)
            else:
                out[c.key] = self.value(c, where)
        # a count tells how many elements the group below it lists (委託の有無 ( ) 件 → 委託事項)
        for count, group in zip(counts, groups, strict=False):  # a group may have no count
            out[count.key] = len(out[group.key])
        return out

    def group(self, item: Item, where: str, names: list[str] | None = None) -> list[dict]:
        rows = []
        for i in range(2):
            prefix = f"{where}{_bare(item.element or item.label).replace('{n}', '').replace('{name}', '').strip('()')}{i + 1}の"
            elem = self.mapping(item, prefix)
            if item.name_key:
                elem[item.name_key] = names[i] if names else f"東山市{_bare(item.label)}{'甲乙'[i]}"
            rows.append(elem)
        return rows


def full_document(form: Form, version: str | None = None, paragraphs: bool = True) -> dict:
    """Every item of the form filled (two elements per group), with the document keys."""
    f = _Filler(form, paragraphs)
    doc: dict = {form.role_key("form"): form.name}
    if version:
        doc[form.role_key("form_version")] = version
    names: list[str] | None = None
    for item in form.items:
        if item.kind == "section":
            doc[item.key] = f.mapping(item, "")
        elif item.kind == "group" and not item.name_key and all(not c.is_container for c in item.items):
            doc[item.key] = [_change_row(item, i) for i in range(2)]
        elif item.kind == "group":
            # Ⅱ and Ⅲ repeat per file: the same names in both
            doc[item.key] = f.group(item, "", names)
            names = names or [e[item.name_key] for e in doc[item.key]]
        else:
            doc[item.key] = f.value(item, "")
    for role, value in (("organisation", ORG), ("number", 3), ("published", "2024-04-01")):
        if form.has_role(role):
            doc[form.role_key(role)] = value
    return doc


def _change_row(group: Item, i: int) -> dict:
    row = {}
    for c in group.items:
        if c.kind == "date":
            row[c.key] = f"2023-0{i + 4}-01"
        elif c.kind == "choice":
            row[c.key] = c.choices[i % len(c.choices)]
        elif c.label == "備考":
            continue  # piasite's own remark column: not printed
        else:
            row[c.key] = f"東山市変更{i + 1}の{c.label}"
    return row


def leaves(d: Any, path: tuple = ()):
    """(path, value) for every leaf of a document's data (a !要確認 value is one leaf), for comparing an
    import with its truth leaf by leaf (scripts/roundtrip.py, scripts/layout_score.py, the PDF tests)."""
    if isinstance(d, dict):
        for k, v in d.items():
            yield from leaves(v, path + (k,))
    elif isinstance(d, list):
        for i, v in enumerate(d):
            yield from leaves(v, path + (i,))
    else:
        yield path, d
