"""`piasite check [PATHS] [--since BASE]`: every assessment (and aliases.yaml) against its form, the
withheld ledger and the lifecycle; with --since, the change-log rule for ※ items too."""

from __future__ import annotations

from pathlib import Path

import click

from piasite.checks import lifecycle
from piasite.checks.load import content_files
from piasite.config.settings import Settings
from piasite.core.errors import UserError
from piasite.core.problems import ERROR
from piasite.core.textcheck import visible
from piasite.history.clock import today
from piasite.history.content import check_paths
from piasite.history.policy import check_since
from piasite.history.withheld import check_problems
from piasite.model.names import ALIASES_FILE

FORMATS = ("text", "github")


def _data(text: str) -> str:
    """A workflow command's message, escaped as GitHub's runner reads it (a newline cannot start a command)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(p) -> str:
    """`::error file=…,line=…,title=…::message`: GitHub Actions shows it on the file's line in the pull
    request's changes (warnings as ::warning)."""
    kind = "error" if p.severity == ERROR else "warning"
    title = f",title={_property(visible(p.item))}" if p.item else ""
    return f"::{kind} file={_property(p.path.as_posix())},line={max(p.line, 1)}{title}::{_data(visible(p.message))}"


def report(problems, fmt: str = "text") -> int:
    """Every problem, in file and line order (text: on stderr; github: annotations on stdout, where the
    runner reads workflow commands); returns how many are errors."""
    errors = [p for p in problems if p.severity == ERROR]
    for p in sorted(problems, key=lambda p: (str(p.path), p.line)):
        if fmt == "github":
            click.echo(annotation(p))
        else:
            click.echo(str(p), err=True)
    return len(errors)


def run(paths: tuple[Path, ...], since: str | None, settings: Settings | None = None, fmt: str = "text") -> int:
    """The exit status: 1 when any error was found. fmt: text, or github (annotations)."""
    files: list[Path] = []
    for p in paths or (Path("content"),):
        if not p.exists():
            raise UserError(f"{p} がありません")
        files += content_files(p, aliases=True) if p.is_dir() else [p]
    if not files:
        raise UserError("検査する評価書 (.yaml) がありません")
    settings = Settings() if settings is None else settings  # the city's, read by the command
    docs, problems = check_paths(files, settings)
    problems += check_problems(docs, settings.limits)  # a !非公表 removed: the value stays unpublished, said here
    problems += lifecycle.check(docs, today())  # the one place a clock date is read (PIASITE_TODAY fixes it)
    if since is not None:
        if not since.strip():
            raise UserError("--since には比べる版(ブランチ名やコミット。例 main)を指定してください")
        problems += check_since(files, since, settings.limits)  # the change-log stage owns this rule
    n_err = report(problems, fmt)
    n_warn = len(problems) - n_err
    n_docs = sum(1 for f in files if f.name != ALIASES_FILE)  # aliases.yaml is checked, but is no assessment
    also = f"(と {ALIASES_FILE})" if n_docs < len(files) else ""
    click.echo(f"{n_docs} 件の評価書{also}を検査しました: エラー {n_err} 件、警告 {n_warn} 件", err=True)
    return 1 if n_err else 0
