"""piasite harvest: sites' open data (api/) in one SQLite database, queried through Datasette.

The sites are built by piasite from tests/roots/basic (fixture_site), read from their folder and from
a local web server; their data are treated as a stranger's (names outside api/, symlinks, other
hosts, broken JSON)."""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from pathlib import Path
from urllib.parse import quote as q

import pytest
import sqlite_utils
from click.testing import CliRunner

from piasite.cli import main
from piasite.national.harvest import Source, harvest
from piasite.national.metadata import QUERIES, metadata

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
from harness import serve  # noqa: E402


def _run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _copy(site: Path, to: Path) -> Path:
    shutil.copytree(site, to, symlinks=True)
    return to


def test_a_site_folder_fills_every_table_from_the_forms_roles(fixture_site, tmp_path):
    db_path = tmp_path / "n.db"
    r = _run("harvest", str(fixture_site), "--db", str(db_path))
    assert r.exit_code == 0, r.output
    db = sqlite_utils.Database(db_path)
    listing = json.loads((fixture_site / "api" / "assessments.json").read_text(encoding="utf-8"))
    assert db["評価書"].count == len(listing) > 0
    orgs = {r["評価実施機関名"] for r in db["評価書"].rows}
    assert orgs == {a["評価実施機関名"] for a in listing}
    # every assessment's systems and contractors, as the site's own indexes list them
    index = json.loads((fixture_site / "api" / "indexes" / "itakusaki.json").read_text(encoding="utf-8"))
    names = {r["表記"] for e in index["entities"] for r in e["rows"]}
    assert {r["委託先名"] for r in db["委託事項"].rows if r["委託先名"]} == names
    assert db["システムの名称"].count > 0 and db["項目の値"].count > 100
    # the full-text search of the items finds a contractor inside a longer text (trigram: no word breaks)
    name = sorted(names)[0]
    hits = list(
        db.query(
            "select 値 from 項目の値 where rowid in (select rowid from 項目の値_fts where 項目の値_fts match ?)",
            [f'"{name[1:5]}"'],
        )
    )
    assert hits and all(name[1:5] in h["値"] for h in hits)
    assert (tmp_path / "n.metadata.json").is_file()


def test_a_second_harvest_reads_only_what_changed_and_drops_what_a_site_no_longer_lists(fixture_site, tmp_path):
    site = _copy(fixture_site, tmp_path / "site")
    db_path = tmp_path / "n.db"
    first = harvest(db_path, [Source("東山", str(site))])[0]
    assert first.read == first.listed > 1 and not first.errors
    again = harvest(db_path, [Source("東山", str(site))])[0]
    assert (again.read, again.kept) == (0, first.listed)
    listing_file = site / "api" / "assessments.json"
    listing = json.loads(listing_file.read_text(encoding="utf-8"))
    doc_file = site / "api" / listing[0]["json"]
    doc = json.loads(doc_file.read_text(encoding="utf-8"))
    title_role_value = doc["data"]["評価書名"]
    doc["data"]["評価書名"] = title_role_value + "(改)"
    doc_file.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    listing_file.write_text(
        json.dumps(listing[:-1] if len(listing) > 2 else listing, ensure_ascii=False), encoding="utf-8"
    )
    third = harvest(db_path, [Source("東山", str(site))])[0]
    assert third.read == 1
    db = sqlite_utils.Database(db_path)
    assert db["評価書"].count == third.listed
    assert any(r["評価書名"].endswith("(改)") for r in db["評価書"].rows)
    if len(listing) > 2:
        assert third.removed == 1
        gone = f"東山/{listing[-1]['json'][: -len('.json')]}"
        assert not list(db.query("select 1 from 項目の値 where 評価書 = ?", [gone]))


def test_a_site_on_the_web_is_read_through_its_address(fixture_site, tmp_path):
    root = tmp_path / "www"
    _copy(fixture_site, root / "pia")
    with serve(root) as base:
        t = harvest(tmp_path / "n.db", [Source("web", f"{base}/pia/", "東山市", "CC BY 4.0")])[0]
    assert t.read == t.listed > 0 and not t.errors
    db = sqlite_utils.Database(tmp_path / "n.db")
    assert all(r["url"].startswith(f"{base}/pia/") for r in db["評価書"].rows)
    assert next(db["サイト"].rows)["ライセンス"] == "CC BY 4.0"
    assert metadata(tmp_path / "n.db")["license"] == "CC BY 4.0"


def test_a_strangers_names_outside_api_symlinks_and_broken_json_are_not_read(fixture_site, tmp_path):
    site = _copy(fixture_site, tmp_path / "site")
    secret = tmp_path / "secret.json"
    secret.write_text('{"様式": "基礎項目評価書", "data": {"評価書名": "秘密"}}', encoding="utf-8")
    api = site / "api"
    listing = json.loads((api / "assessments.json").read_text(encoding="utf-8"))
    (api / "link.json").symlink_to(secret)
    (api / "broken.json").write_text("{not json", encoding="utf-8")
    listing += [
        {"json": "../../secret.json"},
        {"json": "/etc/passwd.json"},
        {"json": "link.json"},
        {"json": "broken.json"},
        {"json": "https://evil.example/api/x.json"},
    ]
    (api / "assessments.json").write_text(json.dumps(listing, ensure_ascii=False), encoding="utf-8")
    db_path = tmp_path / "n.db"
    r = _run("harvest", str(site), "--db", str(db_path))
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert r.output.count("読めません") >= 5
    db = sqlite_utils.Database(db_path)
    assert not list(db.query("select 1 from 項目の値 where 値 = '秘密'"))
    assert db["評価書"].count == len(listing) - 5  # the site's own documents were harvested


def test_a_sources_file_error_names_its_line(tmp_path):
    f = tmp_path / "sources.yaml"
    f.write_text("- 名前: 東山市\n  場所: ./site\n- 名前: 西川市\n  住所: x\n", encoding="utf-8")
    r = _run("harvest", "--sources", str(f), "--db", str(tmp_path / "n.db"))
    assert r.exit_code == 1 and f"{f}:4:" in r.output and "「住所」" in r.output
    assert not (tmp_path / "n.db").exists()


def test_the_questions_across_cities_answer_through_datasette(fixture_site, tmp_path):
    from datasette.app import Datasette

    db_path = tmp_path / "national.db"
    harvest(db_path, [Source("a", str(fixture_site)), Source("b", str(_copy(fixture_site, tmp_path / "b")))])
    db = sqlite_utils.Database(db_path)
    contractor = next(r["委託先名"] for r in db["委託事項"].rows if r["委託先名"])
    ds = Datasette([str(db_path)], metadata=metadata(db_path))
    assert set(QUERIES) >= {"委託先で探す", "項目の値で探す"}

    async def ask():
        r = await ds.client.get(
            ds.urls.query("national", "委託先で探す", format="json") + f"?{q('委託先')}={q(contractor)}&_shape=array"
        )
        assert r.status_code == 200, r.text
        rows = r.json()
        assert rows and all(contractor in x["委託先名"] for x in rows)
        assert {x["サイト"] for x in rows} == {"a", "b"}  # one question, every site
        r = await ds.client.get(
            ds.urls.table("national", "評価書", format="json") + f"?_facet={q('様式')}&_shape=objects"
        )
        assert r.status_code == 200 and r.json()["facet_results"]
        r = await ds.client.get(ds.urls.table("national", "評価書", format="csv"))
        assert r.status_code == 200 and "評価実施機関名" in r.text

    asyncio.run(ask())


@pytest.mark.parametrize("bad", ["", "not a list"])
def test_a_listing_that_is_not_a_list_is_refused_for_that_site_only(fixture_site, tmp_path, bad):
    site = _copy(fixture_site, tmp_path / "site")
    (site / "api" / "assessments.json").write_text(json.dumps(bad), encoding="utf-8")
    out = harvest(tmp_path / "n.db", [Source("bad", str(site)), Source("good", str(fixture_site))])
    assert out[0].errors and not out[1].errors and out[1].read > 0


def test_a_site_that_fails_half_way_leaves_the_database_as_it_was(fixture_site, tmp_path, monkeypatch):
    from piasite.national import harvest as H

    db_path = tmp_path / "n.db"
    site = _copy(fixture_site, tmp_path / "site")
    harvest(db_path, [Source("東山", str(site))])
    before = {t: sqlite_utils.Database(db_path)[t].count for t in ("評価書", "項目の値", "委託事項")}
    for f in (site / "api").rglob("*.json"):
        if f.parent.name != "indexes" and f.name not in ("assessments.json", "site.json") and "schema" not in f.parts:
            f.write_text(f.read_text(encoding="utf-8").replace("株式会社", "有限会社"), encoding="utf-8")
    calls = []
    real = H.rows_of

    def failing(*a, **k):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(*a, **k)

    monkeypatch.setattr(H, "rows_of", failing)
    with pytest.raises(OSError):
        harvest(db_path, [Source("東山", str(site))])
    db = sqlite_utils.Database(db_path)
    assert {t: db[t].count for t in before} == before
    assert not list(db.query("select 1 from 委託事項 where 委託先名 like '有限会社%'"))
