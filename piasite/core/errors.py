"""The one error path: every problem a user can cause is a PiasiteError.

It is a click.ClickException, so the command line prints its Japanese message
(`エラー: file:line: message`) and exits with status 1 — never a traceback.
Usage errors (a bad option or argument) are click's, with status 2, told in Japanese by usage.py.
Modules raise subclasses; only cli.py prints them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import click


class PiasiteError(click.ClickException):
    """A problem with the user's input or environment, told in Japanese."""

    exit_code = 1

    def __init__(
        self, message: str, path: Path | str | None = None, line: int | None = None, problems: Iterable[Any] = ()
    ):
        super().__init__(message)  # sets self.message
        self.path = path
        self.line = line
        self.problems = list(problems)  # validate.Problem lines printed before the message

    def format_message(self) -> str:
        where = f"{self.path}:{self.line}: " if self.path and self.line else f"{self.path}: " if self.path else ""
        return where + self.message

    def __str__(self) -> str:
        return self.format_message()

    def show(self, file: IO[Any] | None = None) -> None:
        for p in self.problems:
            click.echo(str(p), err=True, file=file)
        click.echo(f"エラー: {self.format_message()}", err=True, file=file)

    def __reduce__(self):  # subclasses take other arguments: rebuild from the state (build runs in a child)
        return (_restore, (type(self), self.__dict__.copy()))


def _restore(cls: type[PiasiteError], state: dict) -> PiasiteError:
    e = Exception.__new__(cls)
    Exception.__init__(e, state.get("message", ""))
    e.__dict__.update(state)
    return e


class UserError(PiasiteError):
    """A bad argument or input noticed by a command itself."""


class UnknownForm(PiasiteError, KeyError):
    """A 様式 no definition has (still a KeyError for older callers); known: the names there are."""

    def __init__(self, name: Any, known: Iterable[str], path: Path | str | None = None, line: int | None = None):
        super().__init__(f"様式「{name}」はありません。次のいずれかを書いてください: {'、'.join(known)}", path, line)
        self.name = name

    def __str__(self) -> str:  # KeyError would quote it
        return self.format_message()
