"""Open data under site/api/: JSON per assessment, JSON and CSV per index, the JSON Schemas.

Only public values are written (reader.public); output is deterministic
(fixed key order, no timestamps) so that two builds are byte-identical.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from piasite.core import csvsafe
from piasite.forms.registry import form_names, load_form
from piasite.forms.schema import form_schema, schema_filename
from piasite.model.reader import Uncertain, public
from piasite.site import facets

API = "api"
# Field names of the open data (a published format; the same words as the form keys they hold,
# fixed for every form so that users read every document the same way). Allow-listed.
F_FORM, F_ORG, F_TITLE, F_NUMBER, F_PUBLISHED = "様式", "評価実施機関名", "評価書名", "評価書番号", "公表日"
F_NAME = "名称"  # the index column holding an entity's name


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


def assessment_json(a, staff: bool = False) -> str:
    """staff: the staff build's data also holds the 取込メモ (role import_notes) and the file's path;
    the public open data never does."""
    notes = a.form.top_key("import_notes") if a.form.has_role("import_notes") else None
    data = {k: v for k, v in a.public_data.items() if staff or k != notes}
    out = {"url": a.url, F_FORM: a.form.name, "schema": f"schema/{schema_filename(a.form)}"}
    if staff:
        out["source"] = a.rel_path
    out["data"] = jsonable(data)
    return dumps(out)


def _url(base: str, href: str) -> str:
    """An absolute URL when the site's address is known (mkdocs.yml site_url), else relative to the site."""
    return f"{base}/{href}" if base else href


def index_json(index, base: str = "") -> str:
    return dumps(
        {
            "id": index.id,
            "title": index.title,
            "columns": [F_NAME, "表記", *index.columns, "評価書", "url"],
            "entities": [
                {
                    "id": e.id,
                    "name": e.name,
                    "spellings": e.spellings,
                    "rows": [
                        {"表記": r.name, **r.cells, "評価書": r.assessment.full_title, "url": _url(base, r.href)}
                        for r in e.rows
                    ],
                }
                for e in index.entities
            ],
        }
    )


def index_csv(index, base: str = "") -> str:
    text = csvsafe.rows(
        [F_NAME, "表記", *index.columns, "評価書", "url"],
        (
            [e.name, r.name, *[r.cells.get(c, "") for c in index.columns], r.assessment.full_title, _url(base, r.href)]
            for e, r in index.rows()
        ),
    )
    return "\ufeff" + text  # BOM: Excel opens UTF-8 CSV correctly


def write_api(site, indexes, base: str = "") -> None:
    """The site-wide files; each assessment's own JSON is written with its page (generator.py).
    base: the site's address (mkdocs.yml site_url) for absolute URLs, '' for relative ones."""
    site.write_page(
        f"{API}/assessments.json",
        dumps(
            [
                {
                    "url": _url(base, a.url),
                    "json": _url(base, assessment_path(a)) if base else assessment_path(a)[len(API) + 1 :],
                    F_ORG: a.org,
                    F_TITLE: a.title,
                    F_NUMBER: jsonable(public(a.number)),
                    F_PUBLISHED: jsonable(public(a.published)),
                    F_FORM: a.form.name,
                }
                for a in site.assessments
            ]
        ),
    )
    # who publishes these data and under which licence (mkdocs.yml extra), for harvesters (piasite harvest)
    prov = getattr(site, "provenance", None) or {}
    site.write_page(
        f"{API}/site.json",
        dumps({k: prov.get(k, "") for k in ("publisher", "contact", "license", "license_url", "site_url")}),
    )
    for ix in indexes:
        site.write_page(f"{API}/indexes/{ix.id}.json", index_json(ix, base))
        site.write_page(f"{API}/indexes/{ix.id}.csv", index_csv(ix, base))
    fs = getattr(site, "facets", None)
    if fs is not None:
        header, body = facets.csv_rows(fs, base)
        site.write_page(f"{API}/indexes/{fs.id}.csv", "\ufeff" + csvsafe.rows(header, body))
    for name in form_names():
        form = load_form(name)
        site.write_page(f"{API}/schema/{schema_filename(form)}", dumps(form_schema(form)))
