"""Open data under site/api/: JSON per assessment, JSON and CSV per index, the JSON Schemas.

Only public values are written (reader.public); output is deterministic
(fixed key order, no timestamps) so that two builds are byte-identical.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from . import csvsafe
from .form import form_names, load_form
from .reader import Uncertain, public
from .schema import form_schema, schema_filename

API = "api"


def jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [jsonable(x) for x in v]
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, Uncertain):  # what the source showed, marked as unread (never a guess)
        return {"要確認": str(v), "原文": v.source, "理由": v.reason}
    return v


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1) + "\n"


def assessment_path(a) -> str:
    return f"{API}/{a.org_slug}/{a.slug}.json"


STAFF_ONLY = ("取込メモ",)  # document keys for the city's staff: never in the public open data


def assessment_json(a, staff: bool = False) -> str:
    data = {k: v for k, v in a.public_data.items() if staff or k not in STAFF_ONLY}
    out = {"url": a.url, "様式": a.form.name, "schema": f"schema/{schema_filename(a.form)}"}
    if staff:
        out["source"] = a.rel_path
    out["data"] = jsonable(data)
    return dumps(out)


def _url(base: str, href: str) -> str:
    """An absolute URL when the site's address is known (mkdocs.yml site_url), else relative to the site."""
    return f"{base}/{href}" if base else href


def index_json(index, base: str = "") -> str:
    return dumps({
        "id": index.id, "title": index.title, "columns": ["名称", "表記", *index.columns, "評価書", "url"],
        "entities": [{
            "id": e.id, "name": e.name, "spellings": e.spellings,
            "rows": [{"表記": r.name, **r.cells, "評価書": r.assessment.full_title, "url": _url(base, r.href)}
                     for r in e.rows],
        } for e in index.entities],
    })


def index_csv(index, base: str = "") -> str:
    text = csvsafe.rows(["名称", "表記", *index.columns, "評価書", "url"],
                        ([e.name, r.name, *[r.cells.get(c, "") for c in index.columns], r.assessment.full_title,
                          _url(base, r.href)] for e, r in index.rows()))
    return "\ufeff" + text  # BOM: Excel opens UTF-8 CSV correctly


def write_api(site, indexes, base: str = "") -> None:
    """The site-wide files; each assessment's own JSON is written with its page (generator.py).
    base: the site's address (mkdocs.yml site_url) for absolute URLs, '' for relative ones."""
    site.write_page(f"{API}/assessments.json", dumps([{
        "url": _url(base, a.url), "json": _url(base, assessment_path(a)) if base else assessment_path(a)[len(API) + 1:],
        "評価実施機関名": a.org, "評価書名": a.title,
        "評価書番号": jsonable(public(a.number)), "公表日": jsonable(public(a.published)), "様式": a.form.name,
    } for a in site.assessments]))
    for ix in indexes:
        site.write_page(f"{API}/indexes/{ix.id}.json", index_json(ix, base))
        site.write_page(f"{API}/indexes/{ix.id}.csv", index_csv(ix, base))
    for name in form_names():
        form = load_form(name)
        site.write_page(f"{API}/schema/{schema_filename(form)}", dumps(form_schema(form)))
