"""`piasite import FILE…`: published assessments — their PDFs (read through their tables' geometry,
importer/pdf.py) or text extracted from them — read into YAML by the importer (piasite/importer/), with
the report of what was read as written and what must be checked."""

from __future__ import annotations

from pathlib import Path

import click

from piasite.config.limits import DEFAULT_LIMITS, Limits
from piasite.core.errors import PiasiteError, UserError
from piasite.core.safenames import message, safe
from piasite.importer import import_file, measure, render, write


def run(files: tuple[Path, ...], out_dir: Path | None, report_only: bool, limits: Limits = DEFAULT_LIMITS) -> None:
    results = []
    for f in files:
        if not f.is_file():
            raise UserError(f"{f} がありません")
        if not report_only and not safe(f.stem):  # the YAML's name would be a page's URL (safenames.py)
            raise UserError(
                f"{f}: 取り込んだ YAML の"
                + message("file", f.stem)
                + "。元のファイルの名前を変えてから取り込んでください(何も書き出していません)"
            )
        try:
            imported = import_file(f, limits)
        except UnicodeDecodeError:
            raise UserError(f"{f}: UTF-8 のテキストとして読めません") from None
        except PiasiteError as e:  # the text itself (nothing in it): the file is named
            raise UserError(f"{f}: {e.message}") from None
        if imported.stats.get("unrecognised"):
            click.echo(
                f"警告: {f}: 様式の題名も項目名も見つかりません。{imported.form.name}として読みましたが、"
                "評価書のテキストか(文字が欠けていないか)確かめてください",
                err=True,
            )
        if not report_only:
            target = (out_dir or f.parent) / f"{f.stem}.yaml"
            write(imported, f, target, repo_root=Path.cwd())
            click.echo(f"{target} に書き出しました", err=True)
        results.append(measure(f.name, imported))
    click.echo(render(results))
