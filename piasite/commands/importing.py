"""`piasite import FILE|FOLDER…`: published assessments — their PDFs (read through their tables' geometry,
importer/pdf.py) or text extracted from them — read into YAML by the importer (piasite/importer/), with
the report of what was read as written and what must be checked.

A folder stands for the .pdf and .txt files directly in it, in name order (a city's published PDFs
in one place). One file that cannot be imported does not stop the others: each refusal is said with
its file at the end, and the command exits 1. Nothing is overwritten: a YAML that is already there
(perhaps edited since) is kept unless --force says to replace it."""

from __future__ import annotations

from pathlib import Path

import click

from piasite.config.limits import DEFAULT_LIMITS, Limits
from piasite.core.errors import PiasiteError, UserError
from piasite.core.safenames import message, safe
from piasite.importer import import_file, measure, render, write

SUFFIXES = (".pdf", ".txt")  # what a folder is read for


def sources(args: tuple[Path, ...]) -> tuple[list[Path], list[str]]:
    """The files to import (a folder → its .pdf and .txt files, by name; never through a symbolic
    link, which could lead anywhere), and the refusals of the arguments themselves."""
    files: list[Path] = []
    refused: list[str] = []
    for a in args:
        if a.is_dir() and not a.is_symlink():
            found = sorted(p for p in a.iterdir() if p.suffix.lower() in SUFFIXES and not p.name.startswith("."))
            for p in found:
                if p.is_symlink():
                    refused.append(f"{p}: シンボリックリンクは読みません(リンク先のファイルを直接指定してください)")
                elif p.is_file():
                    files.append(p)
            if not found:
                refused.append(f"{a}: .pdf と .txt のファイルがありません")
        elif a.is_file():
            files.append(a)
        else:
            refused.append(f"{a} がありません")
    return files, refused


def run(
    files: tuple[Path, ...],
    out_dir: Path | None,
    report_only: bool,
    limits: Limits = DEFAULT_LIMITS,
    force: bool = False,
) -> None:
    todo, refused = sources(files)
    single = len(files) == 1 and not files[0].is_dir()  # one file: its refusal alone, as its own message
    if single and refused:
        raise UserError(refused[0])
    results = []
    targets: dict[Path, Path] = {}
    for f in todo:
        try:
            target = None if report_only else _target(f, out_dir, targets, force)
            imported = import_file(f, limits)
        except UserError as e:
            refused.append(e.message)
            continue
        except UnicodeDecodeError:
            refused.append(f"{f}: UTF-8 のテキストとして読めません(PDF なら拡張子を .pdf にしてください)")
            continue
        except PiasiteError as e:  # the text itself (nothing in it): the file is named
            refused.append(f"{f}: {e.message}")
            continue
        if imported.stats.get("unrecognised"):
            click.echo(
                f"警告: {f}: 様式の題名も項目名も見つかりません。{imported.form.name}として読みましたが、"
                "評価書のテキストか(文字が欠けていないか)確かめてください",
                err=True,
            )
        if target is not None:
            write(imported, f, target, repo_root=Path.cwd())
            click.echo(f"{target} に書き出しました", err=True)
        results.append(measure(f.name, imported))
    if results:
        click.echo(render(results))
    if refused:
        if single:
            raise UserError(refused[0])
        raise UserError(
            f"{len(refused)} 件は取り込めませんでした(ほかの {len(results)} 件は取り込みました):\n"
            + "\n".join(f"  {r}" for r in refused)
        )


def _target(f: Path, out_dir: Path | None, taken: dict[Path, Path], force: bool) -> Path:
    if not safe(f.stem):  # the YAML's name would be a page's URL (safenames.py)
        raise UserError(
            f"{f}: 取り込んだ YAML の"
            + message("file", f.stem)
            + "。元のファイルの名前を変えてから取り込んでください(何も書き出していません)"
        )
    target = (out_dir or f.parent) / f"{f.stem}.yaml"
    if target in taken:
        raise UserError(f"{f}: {taken[target]} と同じ {target} に書き出すことになります(名前を変えてください)")
    if (target.exists() or target.is_symlink()) and not force:
        raise UserError(
            f"{f}: {target} はもうあります。書き換えるときは --force を付けてください(何も書き出していません)"
        )
    taken[target] = f
    return target
