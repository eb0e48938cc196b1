"""Cross-document indexes: by 評価実施機関, 事務, システム, 委託先, 提供先・移転先.

Each index is a list of entities (one per normalised name, see names.py); each
entity lists every place an assessment names it, with the item's anchor, so a
page or a JSON consumer can link to the exact item. Only public values are read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from piasite.core import dates
from piasite.core.labels import bare
from piasite.core.markup import plain
from piasite.forms import regime
from piasite.model.lists import files as files_of
from piasite.model.lists import systems as systems_of
from piasite.model.lists import tasks as tasks_of
from piasite.model.names import Names, is_placeholder, nfkc, split_branch
from piasite.site.listing import listing, partial_note

# Column headings of the indexes (what a reader sees, and the open data's field names): the
# same words as some form labels, but headings, not document keys.
COL_NUMBER, COL_PUBLISHED, COL_FORM = "評価書番号", "公表日", "様式"  # allow-listed in test_no_form_keys
COL_TASK, COL_FILE, COL_BASIS = "委託事項", "特定個人情報ファイル", "法令上の根拠"  # allow-listed too


@dataclass
class Row:
    name: str  # as written in the assessment
    assessment: Any
    path: tuple
    anchor: str
    cells: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        """Where the name is written, as cities write it (Ⅱ(1) 4. 委託事項1 ③委託先名)."""
        return self.assessment.form.short_label(self.path, self.assessment.data)

    @property
    def href(self) -> str:
        return f"{self.assessment.url}#{self.anchor}"


@dataclass
class Entity:
    key: str
    name: str
    rows: list[Row] = field(default_factory=list)

    @property
    def id(self) -> str:
        """Stable ASCII anchor of the entity on its index page."""
        return "e-" + hashlib.sha1(self.key.encode()).hexdigest()[:10]

    @property
    def spellings(self) -> list[str]:
        return sorted({r.name for r in self.rows})

    @property
    def assessments(self) -> list:
        seen: dict[int, Any] = {}
        for r in self.rows:
            seen.setdefault(id(r.assessment), r.assessment)
        return list(seen.values())


@dataclass
class Index:
    id: str  # ASCII: URL indexes/<id>/, api/indexes/<id>.json
    title: str
    lead: str
    columns: list[str]
    entities: list[Entity]
    partial: list[tuple] = field(default_factory=list)  # (assessment, partial_note): counted more than listed

    def rows(self):
        for e in self.entities:
            for r in e.rows:
                yield e, r


def _label(a, path: tuple) -> str:
    item = a.form.item_at(path)
    return item.label if item else str(path[-1])


def _group(rows: list[tuple[str, Row]], names: Names) -> list[Entity]:
    """rows: (key, Row). Entity name: the alias file's preferred name, else the commonest spelling."""
    by_key: dict[str, Entity] = {}
    for key, row in rows:
        by_key.setdefault(key, Entity(key, "")).rows.append(row)
    for e in by_key.values():
        counts: dict[str, int] = {}
        for r in e.rows:
            base = split_branch(r.name)[0] if r.cells.get("_company") else nfkc(r.name)
            counts[base] = counts.get(base, 0) + 1
        e.name = names.preferred.get(e.key) or sorted(counts, key=lambda s: (-counts[s], s.count(" "), s))[0]
        for r in e.rows:
            r.cells.pop("_company", None)
    return sorted(by_key.values(), key=lambda e: (names.sort_key(e.name), e.key))  # 五十音


def jimu_path(a) -> tuple | None:
    """Where an assessment names its 事務, whatever its form."""
    return a.form.role_path("jimu_name") if a.form.has_role("jimu_name") else None


def build_indexes(assessments: list, names: Names) -> list[Index]:
    kikan, jimu, systems, tasks, recipients, partial = [], [], [], [], [], []
    for a in assessments:
        d, f = a.public_data, a.form
        org = plain(f.value(d, "organisation") or a.org_slug)
        common = {"評価実施機関": org}
        p = f.role_path("organisation")
        number, published = f.value(d, "number"), f.value(d, "published")
        kikan.append(
            (
                names.key(org),
                Row(
                    org,
                    a,
                    p,
                    a.form.anchor(p),
                    {
                        COL_NUMBER: str(number if number is not None else ""),
                        "評価書": a.title,
                        COL_PUBLISHED: dates.wareki(published) if published else "",
                        COL_FORM: a.form.name,
                    },
                ),
            )
        )
        p = jimu_path(a)
        jimu_name = f.value(d, "jimu_name")
        if jimu_name and p:
            jimu.append((names.key(jimu_name), Row(plain(jimu_name), a, p, a.form.anchor(p), dict(common))))
        for p, name in systems_of(a, d):
            systems.append((names.key(name), Row(plain(name), a, p, a.form.anchor(p), dict(common))))
        for tpath, _task, fname in tasks_of(a, d):
            contractor = f.value(d, "contractor", within=tpath)
            if not contractor or is_placeholder(plain(contractor)):  # 「添付資料を参照」 names no one
                continue
            p = (*tpath, *f.relative("contractor", "entrustment"))
            company, branch = split_branch(contractor)
            cells = dict(common, _company="1")
            cells["支店等"] = branch
            cells[COL_TASK] = plain(
                f.value(d, "entrustment_name", within=tpath) or f.value(d, "entrustment_content", within=tpath) or ""
            )
            cells[COL_FILE] = fname
            sub = plain(f.value(d, "subcontract_flag", within=tpath) or "")
            sub_task = f.value(d, "subcontract_task", within=tpath)
            if sub_task:
                sub = f"{sub}({plain(sub_task)})" if sub else plain(sub_task)
            cells["再委託"] = sub
            tasks.append((names.key(company), Row(plain(contractor), a, p, a.form.anchor(p), cells)))
        for fpath, fname in files_of(a, d):
            for kind in ("provision", "transfer"):  # 提供先 (other bodies), 移転先 (own departments)
                for rpath, rec in f.values(d, kind, within=fpath):
                    rname = f.value(d, f"{kind}_name", within=rpath) if isinstance(rec, dict) else None
                    if not rname or is_placeholder(plain(rname)):
                        continue  # 「添付資料を参照」 is where the list is, not a recipient
                    p = (*rpath, *f.relative(f"{kind}_name", kind))
                    key = names.key(rname)
                    if kind == "transfer":  # a department is the organisation's own
                        key = f"{names.key(org)}/{key}"
                    cells = dict(common)
                    cells["種別"] = _label(a, rpath[:-1])
                    cells[COL_FILE] = fname
                    cells[COL_BASIS] = plain(f.value(d, f"{kind}_basis", within=rpath) or "")
                    recipients.append((key, Row(plain(rname), a, p, a.form.anchor(p), cells)))
        for kind in ("provision", "transfer"):
            if f.has_role(kind) and f.has_role("file"):
                total, m, where = listing(f, d, kind)
                if total > m:
                    partial.append((a, partial_note(bare(f.role_item(kind).label), total, m, where)))
    collected = {"organisation": kikan, "jimu": jimu, "system": systems, "entrustment": tasks, "recipient": recipients}
    return [
        Index(
            spec["id"],
            spec["title"],
            spec["lead"],
            list(spec["columns"]),
            _group(collected[spec["collect"]], names),
            partial if spec["collect"] == "recipient" else [],  # counted more than listed: 提供先・移転先 only
        )
        for spec in specifications()
    ]


COLLECTORS = ("organisation", "jimu", "system", "entrustment", "recipient")  # what build_indexes can collect


def specifications() -> list[dict]:
    """The site's indexes as forms/regime/indexes.yaml declares them (id, title, lead, collect, columns),
    in their order; a specification this code cannot build is an error of the installation."""
    specs = regime.section("indexes").get("indexes")
    if not isinstance(specs, list) or not specs:
        raise regime.RegimeError("forms/regime/indexes.yaml: indexes: に索引の並びを書いてください")
    for spec in specs:
        if not isinstance(spec, dict) or set(spec) != {"id", "title", "lead", "collect", "columns"}:
            raise regime.RegimeError(
                f"forms/regime/indexes.yaml: 索引は id・title・lead・collect・columns で書いてください({spec!r})"
            )
        if spec["collect"] not in COLLECTORS:
            raise regime.RegimeError(
                f"forms/regime/indexes.yaml: {spec['id']} の collect「{spec['collect']}」は {'・'.join(COLLECTORS)} のどれかです"
            )
    return specs
