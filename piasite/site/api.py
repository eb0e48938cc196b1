"""Open data under site/api/: JSON per assessment, JSON and CSV per index, the (別添2) change rows
as CSV, the JSON Schemas.

Every JSON and CSV file names who publishes it and under which licence (mkdocs.yml extra
publisher, license, license_url: `about`), so that a client can cite what it took: a JSON object
holds them as its first keys, each element of a JSON list and each row of a CSV file as fields. With
mkdocs.yml site_url set, every link in them is absolute (a document's own url too), else relative
to the site's top (`json` in assessments.json: to api/).

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
from piasite.forms.values import value_at
from piasite.history.changelog import columns, has_table
from piasite.model.reader import Uncertain, public
from piasite.site import facets

API = "api"
# Field names of the open data (a published format; the same words as the form keys they hold,
# fixed for every form so that users read every document the same way). Allow-listed.
F_FORM, F_ORG, F_TITLE, F_NUMBER, F_PUBLISHED = "様式", "評価実施機関名", "評価書名", "評価書番号", "公表日"
F_NAME = "名称"  # the index column holding an entity's name
# Who publishes the data and under which licence: the JSON keys (as site.json has them since piasite
# harvest reads it), and the CSV columns that hold the same in every row.
ABOUT_KEYS = ("publisher", "license", "license_url")
ABOUT_COLUMNS = ("発行者", "ライセンス", "ライセンスURL")
C_MARKED, C_URL, C_DOCUMENT = "重要な変更", "url", "評価書"  # the change-row CSV's own columns


def about(site) -> dict[str, str]:
    """publisher, license, license_url (mkdocs.yml extra, '' when not written) and site_url (no
    trailing slash), read from the site's checked settings: the same for every file of a build."""
    config = getattr(site, "config", None) or {}
    return about_of(config.get("extra") or {}, str(config.get("site_url") or ""))


def about_of(extra: dict, site_url: str) -> dict[str, str]:
    out = {k: str(extra.get(k) or "").strip() for k in ABOUT_KEYS}
    out["site_url"] = str(site_url or "").strip().rstrip("/")
    return out


def _about_fields(ab: dict) -> dict[str, str]:
    return {k: ab.get(k, "") for k in ABOUT_KEYS}


def _about_cells(ab: dict) -> list[str]:
    return [ab.get(k, "") for k in ABOUT_KEYS]


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


def changes_csv_path(a) -> str:
    """The document's (別添2) rows as CSV, beside its JSON."""
    return f"{API}/{a.org_slug}/{a.slug}.changes.csv"


def _url(base: str, href: str) -> str:
    """An absolute URL when the site's address is known (mkdocs.yml site_url), else relative to the site."""
    return f"{base}/{href}" if base else href


def _json_rows(form, rows: list[dict]) -> list[dict]:
    """The rows the page shows (imported and from git: Site.change_rows), as the form's 変更箇所
    elements: its column keys only, an empty cell null as in the document's own data."""
    keys = [form.role_key(r) for r in _CHANGE_ROLES if form.has_role(r)]
    return [{k: (r.get(k) if r.get(k) not in ("", None) else None) for k in keys} for r in rows]


def assessment_json(a, staff: bool = False, change_rows: list[dict] | None = None, ab: dict | None = None) -> str:
    """staff: the staff build's data also holds the 取込メモ (role import_notes) and the file's path;
    the public open data never does. change_rows: the (別添2) rows the page shows (Site.change_rows:
    the imported ones and those made from git), in place of the content's own table. ab: about()."""
    ab = ab or {}
    base = ab.get("site_url", "")
    notes = a.form.top_key("import_notes") if a.form.has_role("import_notes") else None
    data = {k: v for k, v in a.public_data.items() if staff or k != notes}
    out: dict[str, Any] = {
        **_about_fields(ab),
        "url": _url(base, a.url),
        F_FORM: a.form.name,
        "schema": _url(base, f"{API}/schema/{schema_filename(a.form)}")
        if base
        else f"schema/{schema_filename(a.form)}",
    }
    if has_table(a.form):  # a file's links are relative to api/ (as schema), a page's to the top (as url)
        out["changes_csv"] = _url(base, changes_csv_path(a)) if base else changes_csv_path(a)[len(API) + 1 :]
    if staff:
        out["source"] = a.rel_path
    out["data"] = jsonable(data)
    path = a.form.concrete("changes") if has_table(a.form) else ()
    if change_rows is not None and path and all(isinstance(k, str) for k in path):
        holder = out["data"]
        for k in path[:-1]:
            holder = holder.setdefault(k, {}) if isinstance(holder.get(k, {}), dict) else {}
        holder[path[-1]] = _json_rows(a.form, change_rows)
    return dumps(out)


def shown_rows(site, a) -> list[dict]:
    """The (別添2) rows the document's page shows: from the history stage (Site.change_rows), else the
    content's own table."""
    rows = site.change_rows.get(a.url)
    if rows is None:
        rows = value_at(a.public_data, a.form.concrete("changes")) or []
    return [r for r in rows if isinstance(r, dict)]


def change_records(a, rows: list[dict], base: str = "") -> list[list]:
    """A document's (別添2) rows as CSV records: the form's columns, ※ for a 重要な変更, the row's
    link on the document's page."""
    f = a.form
    keys = [f.role_key(r) for r in _CHANGE_ROLES if f.has_role(r)]
    out = []
    for i, r in enumerate(rows):
        anchor = f.anchor(f.concrete("changes", i))
        out.append([r.get(k) for k in keys] + ["※" if r.get(C_MARKED) else "", _url(base, f"{a.url}#{anchor}")])
    return out


_CHANGE_ROLES = (
    "change_date",
    "change_item",
    "change_before",
    "change_after",
    "change_timing",
    "change_explanation",
    "change_note",
)


def changes_csv(a, rows: list[dict], ab: dict) -> str:
    """The document's (別添2) rows (what its page shows) as CSV, each row naming the publisher and licence."""
    text = csvsafe.rows(
        [*columns(a.form), C_MARKED, C_URL, *ABOUT_COLUMNS],
        (rec + _about_cells(ab) for rec in change_records(a, rows, ab.get("site_url", ""))),
    )
    return "\ufeff" + text  # BOM: Excel opens UTF-8 CSV correctly


def index_json(index, base: str = "", ab: dict | None = None) -> str:
    return dumps(
        {
            **_about_fields(ab or {}),
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


def index_csv(index, base: str = "", ab: dict | None = None) -> str:
    cells = _about_cells(ab or {})
    text = csvsafe.rows(
        [F_NAME, "表記", *index.columns, "評価書", "url", *ABOUT_COLUMNS],
        (
            [
                e.name,
                r.name,
                *[r.cells.get(c, "") for c in index.columns],
                r.assessment.full_title,
                _url(base, r.href),
                *cells,
            ]
            for e, r in index.rows()
        ),
    )
    return "\ufeff" + text  # BOM: Excel opens UTF-8 CSV correctly


def all_changes_csv(site, ab: dict) -> str:
    """Every document's (別添2) rows in one CSV (api/changes.csv), each naming its document."""
    base = ab.get("site_url", "")
    # the same 別添2 columns in every form that has the table (tests/site/test_open_data.py)
    head = next(columns(f) for f in map(load_form, form_names()) if has_table(f))
    body = []
    for a in site.assessments:
        if has_table(a.form):
            for rec in change_records(a, shown_rows(site, a), base):
                body.append([a.full_title, a.org, *rec, *_about_cells(ab)])
    return "\ufeff" + csvsafe.rows([C_DOCUMENT, F_ORG, *head, C_MARKED, C_URL, *ABOUT_COLUMNS], body)


def write_api(site, indexes, base: str = "") -> None:
    """The site-wide files; each assessment's own JSON is written with its page (generator.py).
    base: the site's address (mkdocs.yml site_url) for absolute URLs, '' for relative ones."""
    ab = {**about(site), "site_url": base}
    fields = _about_fields(ab)
    site.write_page(
        f"{API}/assessments.json",
        dumps(
            [
                {
                    **fields,
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
        dumps({k: prov.get(k, ab.get(k, "")) for k in ("publisher", "contact", "license", "license_url", "site_url")}),
    )
    site.write_page(f"{API}/changes.csv", all_changes_csv(site, ab))
    for ix in indexes:
        site.write_page(f"{API}/indexes/{ix.id}.json", index_json(ix, base, ab))
        site.write_page(f"{API}/indexes/{ix.id}.csv", index_csv(ix, base, ab))
    fs = getattr(site, "facets", None)
    if fs is not None:
        header, body = facets.csv_rows(fs, base)
        cells = _about_cells(ab)  # publisher and licence on every row, as in every CSV of the site
        rows = ([*row, *cells] for row in body)
        site.write_page(f"{API}/indexes/{fs.id}.csv", "\ufeff" + csvsafe.rows([*header, *ABOUT_COLUMNS], rows))
    for name in form_names():
        form = load_form(name)
        site.write_page(f"{API}/schema/{schema_filename(form)}", dumps(form_schema(form)))
