"""JSON Schemas of the site's own JSON files (api/schema/): the list of documents (assessments.json),
a document's file (api/<org>/<n>.json, whose `data` each form's schema describes: forms/schema.py),
an index (api/indexes/<id>.json) and the site's description (site.json).

Each names the publisher and licence fields every file holds (api.ABOUT_KEYS). The schemas share the
forms' base $id, so that a document's `data` refers to its form's schema by file name (`$ref:
juten.schema.json`): a validator given every file of api/schema/ resolves them, nothing is fetched.
tests/site/test_open_data.py validates every JSON file a built site writes against its schema.
"""

from __future__ import annotations

from typing import Any

from piasite.forms.registry import form_names, load_form
from piasite.forms.schema import BASE_URL, schema_filename
from piasite.site.api import ABOUT_KEYS, F_FORM, F_NAME, F_NUMBER, F_ORG, F_PUBLISHED, F_TITLE

DRAFT = "https://json-schema.org/draft/2020-12/schema"
ASSESSMENTS, ASSESSMENT, INDEX, SITE = (
    "assessments.schema.json",
    "assessment.schema.json",
    "index.schema.json",
    "site.schema.json",
)
BUILD = "build.schema.json"

_STR = {"type": "string"}
_LINK = {"type": "string", "description": "site_url があれば絶対 URL、なければ相対 URL"}
# a value as the open data writes it: text, number, date (ISO), 非公表 as text, or a value the import
# could not read ({"要確認": …, "原文": …, "理由": …})
_VALUE = {"type": ["string", "integer", "number", "null", "object"]}


def _about() -> dict[str, Any]:
    return {
        "publisher": {**_STR, "title": "発行者", "description": "mkdocs.yml extra.publisher(書いていなければ空)"},
        "license": {**_STR, "title": "ライセンス", "description": "mkdocs.yml extra.license(例 CC BY 4.0)"},
        "license_url": {**_STR, "title": "ライセンスの URL", "description": "mkdocs.yml extra.license_url"},
    }


def _schema(name: str, title: str, body: dict) -> dict:
    return {"$schema": DRAFT, "$id": BASE_URL + name, "title": title, **body}


def assessments_schema() -> dict:
    item = {
        "type": "object",
        "properties": {
            **_about(),
            "url": {**_LINK, "title": "評価書のページ"},
            "json": {**_LINK, "title": "評価書の JSON(相対なら api/ から)"},
            F_ORG: _VALUE,
            F_TITLE: _VALUE,
            F_NUMBER: _VALUE,
            F_PUBLISHED: _VALUE,
            F_FORM: {"enum": form_names()},
        },
        "required": [*ABOUT_KEYS, "url", "json", F_ORG, F_TITLE, F_NUMBER, F_PUBLISHED, F_FORM],
        "additionalProperties": False,
    }
    return _schema(ASSESSMENTS, "評価書の一覧(api/assessments.json)", {"type": "array", "items": item})


def assessment_schema() -> dict:
    by_form = [
        {
            "if": {"properties": {F_FORM: {"const": name}}},
            "then": {"properties": {"data": {"$ref": schema_filename(load_form(name))}}},
        }
        for name in form_names()
    ]
    return _schema(
        ASSESSMENT,
        "評価書の JSON(api/<団体>/<評価書>.json)",
        {
            "type": "object",
            "properties": {
                **_about(),
                "url": {**_LINK, "title": "評価書のページ"},
                F_FORM: {"enum": form_names()},
                "schema": {**_LINK, "title": "data の JSON Schema(相対なら api/ から)"},
                "changes_csv": {**_LINK, "title": "変更箇所(別添2)の CSV(相対なら api/ から)"},
                "source": {**_STR, "title": "元の YAML ファイル(職員向けの組み立てだけ)"},
                "data": {
                    "type": "object",
                    "description": "評価書の内容。様式の項目名がキー。変更箇所はページと同じ行(git の履歴から作った行を含む)",
                },
            },
            "required": [*ABOUT_KEYS, "url", F_FORM, "schema", "data"],
            "additionalProperties": False,
            "allOf": by_form,
        },
    )


def index_schema() -> dict:
    row = {
        "type": "object",
        "properties": {"表記": _STR, "評価書": _STR, "url": {**_LINK, "title": "評価書のページの項目"}},
        "required": ["表記", "評価書", "url"],
        "additionalProperties": {"type": ["string", "null"]},  # the index's own columns (columns)
    }
    entity = {
        "type": "object",
        "properties": {
            "id": _STR,
            "name": {**_STR, "title": F_NAME},
            "spellings": {"type": "array", "items": _STR},
            "rows": {"type": "array", "items": row},
        },
        "required": ["id", "name", "spellings", "rows"],
        "additionalProperties": False,
    }
    return _schema(
        INDEX,
        "索引(api/indexes/<索引>.json)",
        {
            "type": "object",
            "properties": {
                **_about(),
                "id": _STR,
                "title": _STR,
                "columns": {"type": "array", "items": _STR},
                "entities": {"type": "array", "items": entity},
            },
            "required": [*ABOUT_KEYS, "id", "title", "columns", "entities"],
            "additionalProperties": False,
        },
    )


def site_schema() -> dict:
    return _schema(
        SITE,
        "サイトの発行者・ライセンス(api/site.json)",
        {
            "type": "object",
            "properties": {
                **_about(),
                "contact": {**_STR, "title": "問い合わせ先"},
                "site_url": {**_STR, "title": "サイトの URL(mkdocs.yml site_url。なければ空)"},
            },
            "required": [*ABOUT_KEYS, "contact", "site_url"],
            "additionalProperties": False,
        },
    )


def build_schema() -> dict:
    return _schema(
        BUILD,
        "サイトを組み立てた道具(api/build.json)",
        {
            "type": "object",
            "properties": {
                **_about(),
                "検索索引": {
                    "type": "object",
                    "title": "検索索引を作った Pagefind の版",
                    "properties": {"Pagefind": {**_STR, "title": "Pagefind の版(例 1.6.0)"}},
                    "required": ["Pagefind"],
                    "additionalProperties": False,
                },
            },
            "required": [*ABOUT_KEYS, "検索索引"],
            "additionalProperties": False,
        },
    )


def data_schemas() -> list[tuple[str, str, dict]]:
    """(file name, what it describes, schema) of every site JSON file's schema."""
    return [
        (s["$id"][len(BASE_URL) :], s["title"], s)
        for s in (assessments_schema(), assessment_schema(), index_schema(), site_schema(), build_schema())
    ]


def schema_for(rel: str) -> str | None:
    """The schema file (under api/schema/) of the site's JSON file at rel (relative to api/); None for
    a schema itself."""
    parts = rel.split("/")
    if parts[0] == "schema":
        return None
    if rel == "assessments.json":
        return ASSESSMENTS
    if rel == "site.json":
        return SITE
    if rel == "build.json":
        return BUILD
    if parts[0] == "indexes" and len(parts) == 2:
        return INDEX
    return ASSESSMENT if len(parts) == 2 and rel.endswith(".json") else None
