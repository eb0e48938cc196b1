"""`piasite harvest`: the open data of many piasite sites (each site's api/) in one SQLite database,
for Datasette: one query across every city ("which assessments use contractor X").

The library is sqlite-utils (Simon Willison's, the companion of Datasette: table creation, bulk
inserts, full-text search set-up), and the database is published as it is with Datasette (facets,
full-text search, CSV/JSON, canned queries: metadata.py). What each row holds comes from the form's
roles (system_name, entrustment/contractor, provision, transfer, changes), never from form keys.

Incremental: each assessment's JSON is kept by its SHA-256; a harvest re-reads only the documents
whose bytes changed, removes those a site no longer lists, and writes each site in one transaction
(a site that fails half-way leaves the database as it was for that site). Nothing is dated by the
clock: the database of the same sites' data is the same.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from piasite.core.errors import PiasiteError
from piasite.forms.registry import form_names, load_form
from piasite.national.fetch import MAX_DOCUMENTS, HarvestError, Site

ROLES = (
    "form",
    "number",
    "title",
    "organisation",
    "published",
    "jimu_name",
    "system_name",
    "entrustment",
    "contractor",
    "changes",
    "change_date",
    "change_item",
    "change_before",
    "change_after",
    "change_timing",
    "change_explanation",
)


@functools.cache
def vocab() -> dict[str, str]:
    """role → the name of its column (or table): the item's label as the forms print it, without its
    number (①事務の名称 → 事務の名称, (別添3) 変更箇所 → 変更箇所), from the first form with the role."""
    out: dict[str, str] = {}
    for name in form_names():
        form = load_form(name)
        for role in ROLES:
            if role not in out and form.has_role(role) and (item := form.role_item(role)) is not None:
                out[role] = re.sub(r"^\s*(?:[(（][^)）]*[)）]|[①-⑳]|\d+\.)\s*", "", item.label).strip()
    return out


# Tables and columns: Japanese, for the people who query them (SQLite takes them unquoted); where a
# column holds an item, it is named by the item's label (vocab)
SITES, DOCS, ITEMS, RECIPIENTS = "サイト", "評価書", "項目の値", "提供移転"
SYSTEMS, ENTRUST, CHANGES = (vocab()[r] for r in ("system_name", "entrustment", "changes"))
CHILDREN = (ITEMS, SYSTEMS, ENTRUST, RECIPIENTS, CHANGES)
CHANGE_ROLES = ("change_date", "change_item", "change_before", "change_after", "change_timing", "change_explanation")
V = vocab()
UNSETTLED = "要確認"  # how the open data writes a !要確認 value: {要確認, 原文, 理由} (site/api.py jsonable)


@dataclass(frozen=True)
class Source:
    name: str  # the site's name in the database (an organisation, a prefecture)
    location: str  # its address (https://…/pia/) or a local folder
    publisher: str = ""
    licence: str = ""
    licence_url: str = ""


@dataclass
class Tally:
    site: str
    listed: int = 0
    read: int = 0  # new or changed, read again
    kept: int = 0  # unchanged
    removed: int = 0
    errors: list[str] = field(default_factory=list)


def create(db: sqlite_utils.Database) -> None:
    """The tables, their keys and indexes (idempotent)."""
    if SITES not in db.table_names():
        db.table(SITES).create(
            {"id": str, "場所": str, "公開者": str, "ライセンス": str, "ライセンスURL": str, "評価書数": int}, pk="id"
        )
    if DOCS not in db.table_names():
        db.table(DOCS).create(
            {
                "id": str,
                "サイト": str,
                "url": str,
                V["form"]: str,
                V["number"]: int,
                V["title"]: str,
                V["organisation"]: str,
                V["published"]: str,
                V["jimu_name"]: str,
                "sha256": str,
            },
            pk="id",
            foreign_keys=[("サイト", SITES, "id")],
        )
        db.table(DOCS).create_index(["サイト"])
        db.table(DOCS).create_index([V["organisation"]])
        db.table(DOCS).create_index([V["form"]])
    columns = {
        ITEMS: {"評価書": str, "場所": str, "項目名": str, "値": str, UNSETTLED: str},
        SYSTEMS: {"評価書": str, SYSTEMS: str},
        ENTRUST: {"評価書": str, V["entrustment"]: str, V["contractor"]: str},
        RECIPIENTS: {"評価書": str, "種別": str, "相手": str},
        CHANGES: {
            "評価書": str,
            **{V[r]: str for r in CHANGE_ROLES},
        },
    }
    for name, cols in columns.items():
        if name not in db.table_names():
            db.table(name).create(cols, foreign_keys=[("評価書", DOCS, "id")])
            db.table(name).create_index(["評価書"])
    if "値" not in {c.name for c in db.table(ITEMS).columns} or not db.table(ITEMS).detect_fts():
        # trigram: Japanese has no spaces between words; any 3 characters find their text
        db.table(ITEMS).enable_fts(["値"], tokenize="trigram", create_triggers=True)
        db.table(ITEMS).create_index(["値"])
    for table, col in ((SYSTEMS, SYSTEMS), (ENTRUST, V["contractor"]), (RECIPIENTS, "相手")):
        if not any(ix.columns == [col] for ix in db.table(table).indexes):
            db.table(table).create_index([col])


def _text(v: Any) -> str | None:
    """A value as text; a !要確認 value (or anything not a scalar) is no value."""
    if v is None or isinstance(v, dict | list):
        return None
    if isinstance(v, bool):
        return "はい" if v else "いいえ"
    return str(v)


def _unsettled(v: Any) -> bool:
    return isinstance(v, dict) and UNSETTLED in v


def _leaves(form, data: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    if _unsettled(data):
        yield path, data
    elif isinstance(data, dict):
        for k, v in data.items():
            if path or form.item_at((k,)) is not None:  # the form key and piasite's notes are not items
                yield from _leaves(form, v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _leaves(form, v, path + (i,))
    elif data is not None and data != "":
        yield path, data


def _all(form, data: dict, role: str, within: tuple = ()) -> list[str]:
    out = []
    for _, v in form.values(data, role, within):
        for x in v if isinstance(v, list) else [v]:
            t = _text(x)
            if t and t.strip():
                out.append(t.strip())
    return out


def rows_of(form, doc_id: str, data: dict) -> dict[str, list[dict]]:
    """The child rows of one assessment, by table."""
    items = []
    for path, v in _leaves(form, data):
        try:
            label = form.short_label(path, data)
        except Exception:  # a path the form does not know (an older site's key): its place is enough
            label = ""
        items.append(
            {
                "評価書": doc_id,
                "場所": ".".join(map(str, path)),
                "項目名": label,
                "値": None if _unsettled(v) else _text(v),
                # what the source showed and why it was not settled; never a value
                UNSETTLED: " / ".join(str(x) for k, x in v.items() if k != UNSETTLED) if _unsettled(v) else None,
            }
        )
    out: dict[str, list[dict]] = {ITEMS: items}
    out[SYSTEMS] = [{"評価書": doc_id, SYSTEMS: n} for n in dict.fromkeys(_all(form, data, "system_name"))]
    entrust = []
    for epath, _ in form.values(data, "entrustment"):
        task = " ".join(_all(form, data, "entrustment_name", epath))
        for who in _all(form, data, "contractor", epath) or [""]:
            entrust.append({"評価書": doc_id, V["entrustment"]: task, V["contractor"]: who})
    out[ENTRUST] = entrust
    recipients = []
    for kind, role, name_role in (("提供", "provision", "provision_name"), ("移転", "transfer", "transfer_name")):
        for ppath, _ in form.values(data, role):
            for who in _all(form, data, name_role, ppath):
                recipients.append({"評価書": doc_id, "種別": kind, "相手": who})
    out[RECIPIENTS] = recipients
    changes = []
    for cpath, _ in form.values(data, "changes"):
        one = lambda r, at=cpath: " ".join(_all(form, data, r, at)) or None  # noqa: E731
        changes.append(
            {
                "評価書": doc_id,
                **{V[r]: one(r) for r in CHANGE_ROLES},
            }
        )
    out[CHANGES] = changes
    return out


def _forms() -> dict[str, Any]:
    return {name: load_form(name) for name in form_names()}


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def harvest_site(db: sqlite_utils.Database, source: Source, forms: dict | None = None) -> Tally:
    """One site into the database, in one transaction. HarvestError: the site's listing is unreadable
    (nothing of that site changed); a document that cannot be read is listed in the tally's errors and
    kept as it was."""
    forms = forms or _forms()
    site = Site(source.location)
    listing = site.read("assessments.json")
    if not isinstance(listing, list):
        raise HarvestError(f"{source.location}: assessments.json が評価書の一覧になっていません")
    if len(listing) > MAX_DOCUMENTS:
        raise HarvestError(f"{source.location}: 評価書が多すぎます({len(listing):,} 件。{MAX_DOCUMENTS:,} 件まで)")
    about = site.maybe("site.json") or {}
    about = about if isinstance(about, dict) else {}
    t = Tally(source.name)
    known = {r["id"]: r["sha256"] for r in db.table(DOCS).rows_where("サイト = ?", [source.name], select="id, sha256")}
    seen: set[str] = set()
    conn = db.conn
    with _transaction(conn):
        _put(
            conn,
            SITES,
            [
                {
                    "id": source.name,
                    "場所": source.location,
                    "公開者": source.publisher or str(about.get("publisher") or ""),
                    "ライセンス": source.licence or str(about.get("license") or ""),
                    "ライセンスURL": source.licence_url or str(about.get("license_url") or ""),
                    "評価書数": 0,
                }
            ],
            replace=True,
        )
        for entry in listing:
            rel = site.own(entry.get("json", "")) if isinstance(entry, dict) else None
            if rel is None:
                t.errors.append(f"{source.location}: 一覧の項目が読めません: {str(entry)[:80]!r}")
                continue
            t.listed += 1
            doc_id = f"{source.name}/{rel[: -len('.json')]}"
            seen.add(doc_id)
            try:
                raw = site.raw(rel)
            except HarvestError as e:
                t.errors.append(str(e.format_message()))
                continue
            digest = hashlib.sha256(raw).hexdigest()
            if known.get(doc_id) == digest:
                t.kept += 1
                continue
            try:
                doc = json.loads(raw.decode("utf-8"))
                form = forms.get(doc.get(V["form"]))
                data = doc.get("data")
            except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
                form, data = None, None
            if form is None or not isinstance(data, dict):
                t.errors.append(f"{source.location}: {rel} は piasite の評価書の JSON ではありません")
                continue
            _replace(conn, doc_id, source, site, about, doc, form, data, digest)
            t.read += 1
        gone = [d for d in known if d not in seen]
        for d in gone:
            for child in CHILDREN:
                conn.execute(f"delete from [{child}] where 評価書 = ?", [d])
            conn.execute(f"delete from [{DOCS}] where id = ?", [d])
        t.removed = len(gone)
        conn.execute(f"update [{SITES}] set 評価書数 = ? where id = ?", [t.listed, source.name])
    return t


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One transaction for the block (sqlite-utils' own writes commit at each call: not used here)."""
    conn.execute("begin immediate")
    try:
        yield
    except BaseException:
        conn.execute("rollback")
        raise
    conn.execute("commit")


def _put(conn: sqlite3.Connection, table: str, rows: list[dict], replace: bool = False) -> None:
    cols = list(rows[0])
    names = ", ".join(f"[{c}]" for c in cols)
    marks = ", ".join("?" for _ in cols)
    verb = "insert or replace" if replace else "insert"
    conn.executemany(f"{verb} into [{table}] ({names}) values ({marks})", [[r.get(c) for c in cols] for r in rows])


def _replace(
    conn: sqlite3.Connection,
    doc_id: str,
    source: Source,
    site: Site,
    about: dict,
    doc: dict,
    form,
    data: dict,
    digest: str,
) -> None:
    for child in CHILDREN:
        conn.execute(f"delete from [{child}] where 評価書 = ?", [doc_id])
    url = str(doc.get("url") or "")
    if url and not url.startswith(("http://", "https://")):
        if site.is_web:
            url = site.api_url[: -len("api/")] + url
        elif base := str(about.get("site_url") or "").rstrip("/"):
            url = f"{base}/{url}"
    one = lambda role: _text(form.value(data, role)) if form.has_role(role) else None  # noqa: E731
    row = {
        "id": doc_id,
        "サイト": source.name,
        "url": url,
        V["form"]: form.name,
        V["number"]: _int(form.value(data, "number")) if form.has_role("number") else None,
        **{V[r]: one(r) for r in ("title", "organisation", "published", "jimu_name")},
        "sha256": digest,
    }
    _put(conn, DOCS, [row], replace=True)
    for table, rows in rows_of(form, doc_id, data).items():
        if rows:
            _put(conn, table, rows)


def harvest(db_path: Path, sources: list[Source]) -> list[Tally]:
    """Every source into the database at db_path (created when missing). A site whose listing cannot be
    read is reported and left as it was; the others are harvested."""
    if not sources:
        raise PiasiteError("集めるサイトがありません")
    db = sqlite_utils.Database(db_path)
    try:
        db.conn.isolation_level = None  # transactions are ours (_transaction), one per site
        db.execute("pragma journal_mode = wal")
        create(db)
        forms = _forms()
        out = []
        for s in sources:
            try:
                out.append(harvest_site(db, s, forms))
            except HarvestError as e:
                out.append(Tally(s.name, errors=[str(e.format_message())]))
        return out
    finally:
        db.close()
