"""`piasite build`: the site from content/ (engine/run.py's build_site), refused for publishing while a
value the importer could not read (!要確認) remains or a required item is empty (checks/publish.py);
staff and plain builds go on, the check's warnings said."""

from __future__ import annotations

import time
from pathlib import Path

import click

from piasite.checks.publish import example_problems, publish_problems, settings_problems
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
    offline: bool = False,
) -> None:
    """settings: the city's, read by the command (None: read from mkdocs.yml by build_site). offline: a
    site to open from disk, the PR's preview (engine/offline.py)."""
    if publish:
        refuse_unpublishable(content_dir, settings)
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
        offline=offline,
    )
    click.echo(
        f"{timings.get('pages', 0)} 件の評価書から {count_pages(out_dir)} ページを "
        f"{time.perf_counter() - t0:.1f} 秒で組み立てました: {out_dir}/",
        err=True,
    )
    if staff and not publish:
        # the review build: what a publication would still refuse, said once (the site is built)
        what, named, _ = unpublishable(content_dir, settings)
        if what:
            click.echo(f"警告: {what}残っているため、公開用(--publish)にはまだ組み立てられません。{named}", err=True)


def count_pages(site: Path) -> int:
    return sum(1 for _ in Path(site).rglob("*.html"))


def unpublishable(content_dir: Path, settings: Settings | None = None) -> tuple[str, str, list]:
    """What keeps content_dir from a publication (checks/publish.py): (how many of what, each file with its
    items, the problems); ('', '', []) when nothing does."""
    settings = settings or Settings()
    open_items, empty = publish_problems(content_dir, settings.limits)
    unfinished = settings_problems(settings.path, settings.site_url) + example_problems(content_dir)
    if not open_items and not empty and not unfinished:
        return "", "", []
    said = []
    if unfinished:
        said.append(f"書き換えていない設定か例の評価書が {len(unfinished)} 件")
    if open_items:
        said.append(f"原文から読み取れなかった項目(!要確認)が {len(open_items)} 件")
    if empty:
        said.append(f"空の必須項目が {len(empty)} 件")
    per_file: dict[Path, list[str]] = {}
    for p in sorted(unfinished + open_items + empty, key=lambda p: (str(p.path), p.line)):
        per_file.setdefault(p.path, []).append(p.item or p.message.split("。")[0])
    named = "; ".join(
        f"{path}: {'、'.join(items[:5])}{f' ほか {len(items) - 5} 項目' if len(items) > 5 else ''}"
        for path, items in per_file.items()
    )
    return "、".join(said), named, unfinished + open_items + empty


def refuse_unpublishable(content_dir: Path, settings: Settings | None = None) -> None:
    """Before anything is built: the documents a publication may not show (checks/publish.py), each
    named with its items; the site already there stays as it is."""
    what, named, problems = unpublishable(content_dir, settings)
    if what:
        raise UserError(
            f"{what}残っているため、公開用のサイトを組み立てませんでした(これまでのサイトはそのままです)。{named}",
            problems=problems,
        )
