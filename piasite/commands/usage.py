"""click's usage errors (a bad option or argument: exit status 2) told in Japanese, like every other error.

click writes its messages in English through gettext; piasite ships no catalogue. The error classes
carry what went wrong (the parameter, the option name, the value), so the message is rebuilt from
them; the few plain UsageErrors are recognised by their text. What is not recognised keeps click's
text after a Japanese sentence, so a newer click never leaves an error untold.
"""

from __future__ import annotations

import re
from typing import IO, Any

import click


class JapaneseHelp(click.HelpFormatter):
    """click's help in Japanese where click itself writes English: the usage prefix, the section
    headings, the default and required marks."""

    HEADINGS = {"Options": "オプション", "Commands": "コマンド", "Arguments": "引数"}
    MARKS = (("[default: ", "[既定: "), ("[required]", "[必須]"), ("default: ", "既定: "))

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "使い方: " if prefix is None else prefix)

    def section(self, name: str):
        return super().section(self.HEADINGS.get(name, name))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        def ja(text: str) -> str:
            for en, jp in self.MARKS:
                text = text.replace(en, jp)
            return text

        super().write_dl([(a, ja(b)) for a, b in rows], col_max, col_spacing)


class JapaneseContext(click.Context):
    formatter_class = JapaneseHelp


class JapaneseUsageError(click.UsageError):
    """A usage error whose message is Japanese; shown as 「使い方: …」 and 「エラー: …」."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        if self.ctx is not None:
            usage = self.ctx.get_usage().replace("Usage:", "使い方:", 1)
            click.echo(usage, err=True, file=file)
            where = self.ctx.command_path
            click.echo(f"エラー: {self.message}(詳しくは {where} --help)", err=True, file=file)
        else:
            click.echo(f"エラー: {self.message}", err=True, file=file)


_HELP_SHOWN = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click ≥ 8.2: `piasite` alone shows the help


def japanese(e: click.UsageError) -> click.UsageError:
    if isinstance(e, (JapaneseUsageError, _HELP_SHOWN)):
        return e
    return JapaneseUsageError(message(e), e.ctx)


def _hint(e: click.BadParameter) -> str:
    if isinstance(e.param, click.Argument):
        return e.param.human_readable_name  # its metavar, as the usage line writes it (BASE)
    if e.param_hint:
        hint = e.param_hint if isinstance(e.param_hint, str) else " / ".join(e.param_hint)
    elif e.param is not None:
        hint = " / ".join(getattr(e.param, "opts", []) or [e.param.human_readable_name])
    else:
        hint = ""
    return hint.replace("'", "").replace('"', "")


_VALUE = [  # click.types' texts for a bad value (the part after "Invalid value for X: ")
    (r"^'?(.*?)'? is not one of (.*)\.$", lambda m: f"「{m[1]}」は使えません。次のいずれかです: {m[2]}"),
    (
        r"^'?(.*?)'? is not (?:a valid )?(?:integer|integer range|float|float range)\.?$",
        lambda m: f"「{m[1]}」は数字ではありません",
    ),
    (r"^'?(.*?)'? is not in the range (.*)\.$", lambda m: f"「{m[1]}」は範囲({m[2]})の外です"),
    (r"^'?(.*?)'? is not a valid boolean.*$", lambda m: f"「{m[1]}」は true か false で指定してください"),
    (r"^\w+ '(.*)' does not exist\.$", lambda m: f"{m[1]} がありません"),
    (r"^\w+ '(.*)' is a file\.$", lambda m: f"{m[1]} はファイルです(フォルダを指定してください)"),
    (r"^\w+ '(.*)' is a directory\.$", lambda m: f"{m[1]} はフォルダです(ファイルを指定してください)"),
    (r"^\w+ '(.*)' is not readable\.$", lambda m: f"{m[1]} を読めません"),
    (r"^\w+ '(.*)' is not writable\.$", lambda m: f"{m[1]} に書き込めません"),
]
_PLAIN = [  # plain UsageErrors of click.core and click.parser
    (r"^No such command '(.*)'\.$", lambda m: f"「{m[1]}」というコマンドはありません"),
    (r"^Got unexpected extra arguments? \((.*)\)$", lambda m: f"余分な引数があります: {m[1]}"),
    (r"^Option '(.*)' requires an argument\.$", lambda m: f"オプション {m[1]} の後に値を書いてください"),
    (r"^Option '(.*)' requires (\d+) arguments\.$", lambda m: f"オプション {m[1]} の後に値を {m[2]} 個書いてください"),
    (r"^Option '(.*)' does not take a value\.$", lambda m: f"オプション {m[1]} には値を付けません"),
    (r"^Argument '(.*)' takes (\d+) values\.$", lambda m: f"引数 {m[1]} には値を {m[2]} 個書いてください"),
    (r"^Missing command\.$", lambda m: "コマンドを指定してください"),
]


def _match(table: list, text: str) -> str | None:
    for pattern, build in table:
        m = re.match(pattern, text.strip(), re.S)
        if m:
            return build(m)
    return None


def message(e: click.UsageError) -> str:
    if isinstance(e, click.NoSuchOption):
        close = "".join(f"(「{p}」の誤りではありませんか)" for p in (e.possibilities or [])[:1])
        return f"{e.option_name} というオプションはありません{close}"
    if isinstance(e, click.MissingParameter):
        return f"{_hint(e)} を指定してください"
    if isinstance(e, click.BadParameter):
        value = _match(_VALUE, e.message)
        return f"{_hint(e)} の値が正しくありません。{value or e.message}"
    said = _match(_PLAIN, e.message)
    return said or f"コマンドの書き方に誤りがあります({e.message})"
