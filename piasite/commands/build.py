"""`piasite build`: the site from content/ (engine/run.py's build_site), refused for publishing while a
value the importer could not read (!要確認) remains."""

from __future__ import annotations

import time
from pathlib import Path

import click

from piasite.checks.load import uncertain_problems
from piasite.config.settings import Settings
from piasite.core.errors import UserError
from piasite.engine.run import build_site


def run(
    content_dir: Path,
    out_dir: Path,
    engine: str,
    allow_shallow: bool,
    staff: bool,
    publish: bool,
    settings: Settings | None = None,
) -> None:
    """settings: the city's, read by the command (None: read from mkdocs.yml by build_site)."""
    if publish:
        open_items = uncertain_problems(content_dir, (settings or Settings()).limits)
        if open_items:
            raise UserError(
                f"原文から読み取れなかった項目(!要確認)が {len(open_items)} 件残っているため、"
                "公開用のサイトを組み立てませんでした(これまでのサイトはそのままです)",
                problems=open_items,
            )
    t0 = time.perf_counter()
    timings: dict = {}
    build_site(
        content_dir,
        out_dir,
        engine=engine,
        allow_shallow=allow_shallow,
        timings=timings,
        staff=staff,
        settings=settings,
    )
    click.echo(
        f"{timings.get('pages', 0)} 件の評価書から {count_pages(out_dir)} ページを "
        f"{time.perf_counter() - t0:.1f} 秒で組み立てました: {out_dir}/",
        err=True,
    )


def count_pages(site: Path) -> int:
    return sum(1 for _ in Path(site).rglob("*.html"))
