"""`piasite changelog PATH`: one assessment's (別添2) 変更箇所 — the rows it was imported with and those
git's history adds — as Markdown, JSON or CSV, withheld values masked."""

from __future__ import annotations

from pathlib import Path

import click

from piasite.config.settings import Settings
from piasite.core.errors import UserError
from piasite.core.problems import ERROR
from piasite.forms.registry import form_of
from piasite.history import changelog
from piasite.history.content import check_paths
from piasite.history.git import repo_root
from piasite.history.published import published
from piasite.history.versions import load_history, warn
from piasite.history.withheld import mask_document


def run(path: Path, fmt: str, allow_shallow: bool, settings: Settings | None = None) -> None:
    settings = Settings() if settings is None else settings  # the city's, read by the command
    docs, probs = check_paths([path], settings)
    errors = [p for p in probs if p.severity == ERROR]
    if errors:
        raise UserError(f"{path} に誤りがあるため、変更箇所を出せません", problems=errors)
    doc = docs[0]
    root = repo_root(path)
    rel = str(path.resolve().relative_to(root.resolve())).replace("\\", "/")
    hist = load_history(root / rel.split("/")[0], allow_shallow=allow_shallow, limits=settings.limits)
    warn(hist)
    form = form_of(doc.data)
    fh = hist.for_path(rel)
    versions = published(fh).history if fh is not None else None  # the versions the site shows (published.py)
    rows = changelog.rows_for(versions, form, mask_document(path, doc.data, settings.limits))
    if fmt == "json":
        click.echo(changelog.to_json(rows, form), nl=False)
    elif fmt == "csv":
        click.echo(changelog.to_csv(rows, form), nl=False)
    else:
        if hist.shallow:
            click.echo("(履歴が浅いクローンのため、git の履歴からの行はありません)")
        click.echo(changelog.to_markdown(rows, form), nl=False)
