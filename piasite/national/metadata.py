"""Datasette's metadata for a harvested database (`datasette national.db -m national.metadata.json`):
titles and descriptions in Japanese, each site's publisher and licence, facets, the full-text search
of the items, and the questions people ask across cities as canned queries."""

from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils

from piasite.national.harvest import CHANGES, DOCS, ENTRUST, ITEMS, RECIPIENTS, SITES, SYSTEMS, V

QUERIES = {
    "委託先で探す": {
        "title": "委託先で探す(全国)",
        "description": "委託先名にこの文字を含む委託事項と、その評価書",
        "sql": f"""select d.評価実施機関名, d.評価書名, d.様式, e.委託事項, e.委託先名, d.サイト, d.url
from [{ENTRUST}] e join [{DOCS}] d on d.id = e.評価書
where e.委託先名 like '%' || :委託先 || '%'
order by d.評価実施機関名, d.評価書名""",
    },
    "システムで探す": {
        "title": "システムで探す(全国)",
        "description": "システムの名称にこの文字を含む評価書",
        "sql": f"""select d.評価実施機関名, d.評価書名, d.様式, s.システムの名称, d.url
from [{SYSTEMS}] s join [{DOCS}] d on d.id = s.評価書
where s.システムの名称 like '%' || :システム || '%'
order by d.評価実施機関名, d.評価書名""",
    },
    "項目の値で探す": {
        "title": "項目の値で探す(様式を選んで)",
        "description": "ある様式の評価書で、項目の値がこの値と同じもの(例: 全項目評価書 / 課題が残されている)",
        "sql": f"""select d.評価実施機関名, d.評価書名, i.項目名, i.値, d.url
from [{ITEMS}] i join [{DOCS}] d on d.id = i.評価書
where i.値 = :値 and d.様式 = :様式
order by d.評価実施機関名, d.評価書名, i.場所""",
    },
    "変更箇所で探す": {
        "title": "変更箇所で探す",
        "description": "変更前・変更後の記載にこの文字を含む変更",
        "sql": f"""select d.評価実施機関名, d.評価書名, c.変更日, c.項目, c.変更前の記載, c.変更後の記載, d.url
from [{CHANGES}] c join [{DOCS}] d on d.id = c.評価書
where c.変更後の記載 like '%' || :文字 || '%' or c.変更前の記載 like '%' || :文字 || '%'
order by c.変更日 desc""",
    },
}


def metadata(db_path: Path) -> dict:
    db = sqlite_utils.Database(db_path)
    try:
        sites = list(db.table(SITES).rows) if SITES in db.table_names() else []
    finally:
        db.close()
    licences = sorted({s["ライセンス"] for s in sites if s["ライセンス"]})
    lines = [
        f"- {s['id']}: {s['公開者'] or '(公開者の記載なし)'} / {s['ライセンス'] or '(ライセンスの記載なし)'}"
        for s in sites
    ]
    out: dict = {
        "title": "特定個人情報保護評価書 横断データ",
        "description_html": None,
        "description": "各団体のサイト(piasite)が公開するオープンデータ(api/)を集めたものです。出典とライセンスは団体ごとに"
        "サイト表のとおりです。\n" + "\n".join(lines),
        "databases": {
            db_path.stem: {
                "tables": {
                    SITES: {"description": "集めたサイト、その公開者とライセンス"},
                    DOCS: {
                        "description": "評価書 1 件 1 行",
                        "facets": [V["form"], V["organisation"], "サイト"],
                        "sort_desc": V["published"],
                    },
                    ITEMS: {
                        "description": "評価書の項目 1 つ 1 行(!要確認 の項目は値が空で、要確認 に理由)",
                        "fts_table": f"{ITEMS}_fts",
                        "fts_pk": "rowid",
                        "searchmode": "raw",
                    },
                    SYSTEMS: {"description": "評価書ごとのシステムの名称", "facets": [SYSTEMS]},
                    ENTRUST: {"description": "委託事項と委託先", "facets": [V["contractor"]]},
                    RECIPIENTS: {"description": "提供先・移転先", "facets": ["種別", "相手"]},
                    CHANGES: {"description": "変更箇所の表", "facets": [V["change_timing"]]},
                },
                "queries": QUERIES,
            }
        },
    }
    del out["description_html"]
    if len(licences) == 1:
        out["license"] = licences[0]
        urls = sorted({s["ライセンスURL"] for s in sites if s["ライセンスURL"]})
        if len(urls) == 1:
            out["license_url"] = urls[0]
    return out


def write_metadata(db_path: Path, out: Path) -> None:
    from piasite.core import safefiles  # noqa: PLC0415

    text = json.dumps(metadata(db_path), ensure_ascii=False, indent=1) + "\n"
    safefiles.write_new(out, text.encode("utf-8"), force=True)
