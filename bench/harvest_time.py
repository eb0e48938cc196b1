"""Benchmark of `piasite harvest` (not a test): python3 -m bench.harvest_time [--docs 30000] [--per-site 100]

Writes synthetic sites' open data — per 10 documents 7 基礎, 2 重点, 1 全項目, made from the acceptance
documents (tests/fixtures/acceptance, invented organisations) with each site's organisation, systems
and contractors renamed deterministically — as api/ folders in the format `piasite build` writes
(assessments.json, one JSON per assessment: site/api.py), then harvests them all into one database
and asks the three questions of issue 20 through Datasette's own query engine:

  1. which assessments nationwide use contractor X (委託先で探す)
  2. which 全項目 answered 課題が残されている (項目の値で探す)
  3. which changes mention a name in their 変更後の記載 (変更箇所で探す)

and a second harvest with one document changed (incremental). Prints each figure beside its goal:
each query < 1 s. Wall times depend on what else runs on the machine; CPU seconds are printed too.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from piasite.forms.registry import load_form
from piasite.model.reader import public, read
from piasite.national.harvest import Source, harvest
from piasite.national.metadata import metadata

ROOT = Path(__file__).resolve().parent.parent
ACCEPTANCE = ROOT / "tests" / "fixtures" / "acceptance"
MIX = ["kiso"] * 7 + ["juten"] * 2 + ["zenkoumoku"]
_A = "東西南北上下中大小新古本高若朝夕"
_B = "山川田野原沢森浜崎岡島谷台松"
COMPANIES = [
    f"株式会社{a}{b}システム" for a in "あかさたなはまやらわ" for b in "いきしちにひみりゐ"
]  # 90 invented names


def _place(i: int) -> str:
    return _A[i % len(_A)] + _B[(i // len(_A)) % len(_B)] + ("市" if i % 3 else "町")


def _jsonable(v):
    import datetime as dt  # noqa: PLC0415

    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def _templates() -> dict[str, list[tuple[object, dict]]]:
    out: dict[str, list] = {k: [] for k in set(MIX)}
    for f in sorted(ACCEPTANCE.glob("*.expected.yaml")):
        kind = f.stem.split("-")[-1].split(".")[0]
        doc = read(f)
        form = load_form(doc.data["様式"])
        out[kind].append((form, _jsonable(public(doc.data))))
    return out


def _rename(form, data: dict, place: str, k: int) -> dict:
    """The template as another organisation's: its name, its contractors and systems renamed."""
    d = copy.deepcopy(data)
    text = json.dumps(d, ensure_ascii=False)
    for org in {str(v) for _, v in form.values(data, "organisation")}:
        city = org.rstrip("長")
        text = text.replace(city, place)
    if (k // 10) % 4 == 0:  # one block of ten in four answers a risk question otherwise (a realistic spread)
        text = text.replace('"十分である"', '"課題が残されている"', 1)
    d = json.loads(text)
    for i, (path, _) in enumerate(form.values(d, "contractor")):
        node = d
        for p in path[:-1]:
            node = node[p]
        node[path[-1]] = COMPANIES[(k * 7 + i) % len(COMPANIES)]
    return d


def write_sites(root: Path, docs: int, per_site: int) -> list[Source]:
    templates = _templates()
    sources = []
    n = 0
    s = 0
    while n < docs:
        place = _place(s)
        api = root / f"site{s:04d}" / "api"
        listing = []
        for j in range(min(per_site, docs - n)):
            kind = MIX[(n + j) % len(MIX)]
            form, data = templates[kind][(s + j) % len(templates[kind])]
            d = _rename(form, data, place, s * per_site + j)
            slug = f"{j + 1}-{kind}"
            (api / "org").mkdir(parents=True, exist_ok=True)
            doc = {"url": f"org/{slug}/", "様式": form.name, "schema": "schema/x.schema.json", "data": d}
            (api / "org" / f"{slug}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
            listing.append({"url": f"org/{slug}/", "json": f"org/{slug}.json", "様式": form.name})
        (api / "assessments.json").write_text(json.dumps(listing, ensure_ascii=False), encoding="utf-8")
        sources.append(Source(f"{place}{s}", str(api.parent), f"{place}", "CC BY 4.0"))
        n += len(listing)
        s += 1
    return sources


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=30000)
    ap.add_argument("--per-site", type=int, default=100)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="piasite-harvest-"))
    try:
        t0 = time.perf_counter()
        sources = write_sites(tmp / "sites", a.docs, a.per_site)
        t1 = time.perf_counter()
        print(f"sites written: {len(sources)} sites, {a.docs:,} documents in {t1 - t0:.1f} s")
        db = tmp / "national.db"
        c0 = _cpu()
        t1 = time.perf_counter()
        tallies = harvest(db, sources)
        t2 = time.perf_counter()
        read_n = sum(t.read for t in tallies)
        errors = sum(len(t.errors) for t in tallies)
        size = db.stat().st_size
        print(f"harvest: {read_n:,} documents in {t2 - t1:.1f} s wall, {_cpu() - c0:.1f} s CPU "
              f"({1000 * (t2 - t1) / max(read_n, 1):.1f} ms/document), {errors} errors; "
              f"database {size / 1e6:.0f} MB ({size / max(read_n, 1) / 1e3:.1f} kB/document)")  # fmt: skip
        first = Path(sources[0].location) / "api" / "org" / "1-kiso.json"
        doc = json.loads(first.read_text(encoding="utf-8"))
        doc["data"]["評価書名"] += "(改)"
        first.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        t3 = time.perf_counter()
        again = harvest(db, sources)
        t4 = time.perf_counter()
        print(f"second harvest, one document changed: {sum(t.read for t in again)} re-read, "
              f"{sum(t.kept for t in again):,} kept, in {t4 - t3:.1f} s")  # fmt: skip
        asyncio.run(_queries(db))
        print(f"peak memory (this process): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    finally:
        if a.keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


async def _queries(db: Path) -> None:
    from datasette.app import Datasette  # noqa: PLC0415

    ds = Datasette([str(db)], metadata=metadata(db))
    name = db.stem
    asks = [
        ("委託先で探す", {"委託先": COMPANIES[3]}),
        ("項目の値で探す", {"値": "課題が残されている", "様式": "全項目評価書"}),
        ("変更箇所で探す", {"文字": "株式会社"}),
    ]
    for query, params in asks:
        url = (
            ds.urls.query(name, query, format="json")
            + "?"
            + "&".join(f"{quote(k)}={quote(v)}" for k, v in params.items())
        )
        best = None
        for _ in range(3):
            t = time.perf_counter()
            r = await ds.client.get(url + "&_size=max")
            dt_ = time.perf_counter() - t
            best = dt_ if best is None else min(best, dt_)
        rows = r.json().get("rows", []) if r.status_code == 200 else []
        print(f"query {query} {params}: HTTP {r.status_code}, {len(rows)} rows, {best * 1000:.0f} ms (goal < 1000 ms)")


if __name__ == "__main__":
    sys.exit(main())
