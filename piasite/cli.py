"""The `piasite` command line: click's declarations of the verbs (arguments, options, help), each handing
over to its module in piasite/commands/ — check, build, diff (+ comment), changelog, import, export, schema,
init, new, serve. Nothing here but the wiring, the Japanese help and the last net for errors."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from piasite.commands.usage import JapaneseContext, japanese
from piasite.core.errors import PiasiteError, UserError
from piasite.core.runlock import disk_full, is_full
from piasite.core.safeout import escape, safe_streams

# LAZY: each command imports its module (piasite/commands/<verb>.py) when it runs, so that `piasite --help`
# and a mistyped command answer at once, without loading MkDocs, Jinja, jsonschema or pykakasi first.

__all__ = ["main", "PiasiteError", "UserError"]


HELP = "このヘルプを表示して終わります。"


class _JapaneseHelp:
    def get_help_option(self, ctx: click.Context):
        opt = super().get_help_option(ctx)  # type: ignore[misc]
        if opt is not None:
            opt.help = HELP
        return opt


class _Command(_JapaneseHelp, click.Command):
    context_class = JapaneseContext


class _Group(_JapaneseHelp, click.Group):
    """Every command's OSError (a folder not writable, a file in the way, a full disk) is the
    user's environment, not a bug: told as a PiasiteError like any other. click's usage errors
    (status 2) are told in Japanese too (usage.py)."""

    command_class = _Command
    group_class = type  # a group's groups (cms) are of this class too: Japanese help, the same errors
    context_class = JapaneseContext

    def main(self, *args, **kwargs):
        """Every byte a command writes (its output, messages and errors: click shows those inside
        main) goes through safeout: control and bidi characters from content, commits or folder
        names are written visibly (<U+001B>), never raw to a terminal or a CI log."""
        with safe_streams():
            return super().main(*args, **kwargs)

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as e:
            raise japanese(e) from None

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except OSError as e:
            if is_full(e):  # ENOSPC, EDQUOT: said so, naming the path (runlock.py)
                raise disk_full(e.filename, site_kept=False) from None
            where = f"{e.filename}: " if e.filename else ""
            raise UserError(f"{where}ファイルを読み書きできません({e.strerror or e})") from None
        except click.UsageError as e:
            raise japanese(e) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _param, value: _version(ctx) if value and not ctx.resilient_parsing else None,
    help="piasite の版と、検索索引を作る Pagefind の版を表示して終わります。",
)
@click.pass_context
def main(ctx: click.Context) -> None:
    """特定個人情報保護評価書を YAML から静的サイトにします。"""
    from piasite.config.settings import CONFIG, read  # noqa: PLC0415 — only when a command runs: --help starts fast
    from piasite.forms import registry  # noqa: PLC0415 — as above

    # The city's settings, read once for the command (commands run at the top of its repository,
    # beside its mkdocs.yml); the forms: the package's, then the city's forms/ beside mkdocs.yml.
    ctx.obj = settings = read(CONFIG)
    before = registry.use(registry.Registry.for_project(settings.root))
    ctx.call_on_close(lambda: registry.use(before))


def _version(ctx: click.Context) -> None:
    """`piasite --version`, in Japanese: piasite's version, then the Pagefind a build would use."""
    from importlib.metadata import PackageNotFoundError  # noqa: PLC0415 — only for --version
    from importlib.metadata import version as installed  # noqa: PLC0415 — as above

    from piasite.engine import pagefind  # noqa: PLC0415 — see LAZY

    try:
        mine = installed("piasite")
    except PackageNotFoundError:
        mine = "不明(インストールされていません)"
    click.echo(f"piasite の版: {mine}")
    try:
        found = pagefind.find()
        click.echo(f"検索索引の Pagefind: {found.version_text}({found.source}: {found.path})")
    except pagefind.SearchIndexError as e:
        click.echo(f"検索索引の Pagefind: 使えません({e.message})")
    ctx.exit(0)


def _settings():
    """The command's settings (mkdocs.yml, read once by main)."""
    return click.get_current_context().find_root().obj


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--since",
    "since",
    metavar="BASE",
    help="BASE からの変更で、※項目の変更に提出時期「事前」と説明があるかも確かめます。",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github"]),
    default="text",
    show_default=True,
    help="github: GitHub Actions の注釈 (::error file=…,line=…::…) で出力します(プルリクエストの変更の行に表示されます)",
)
def check(paths: tuple[Path, ...], since: str | None, fmt: str) -> None:
    """評価書 (content/ 以下の YAML) を検査します。"""
    from piasite.commands import check as command  # noqa: PLC0415 — see LAZY

    sys.exit(command.run(paths, since, _settings(), fmt))


@main.command()
@click.option(
    "--content",
    "content_dir",
    default="content",
    type=click.Path(path_type=Path),
    show_default=True,
    help="評価書のフォルダ",
)
@click.option(
    "--out",
    "out_dir",
    default="site",
    type=click.Path(path_type=Path),
    show_default=True,
    help="出力するサイトのフォルダ",
)
@click.option(
    "--engine",
    type=click.Choice(["mkdocs", "zensical"]),
    default="mkdocs",
    show_default=True,
    help="サイトを組み立てるエンジン(zensical は pip install 'piasite[zensical]' で入れます)",
)
@click.option("--allow-shallow", is_flag=True, help="履歴が浅いクローンでも変更履歴なしで組み立てます。")
@click.option(
    "--staff", is_flag=True, help="職員向けのサイト(取込メモと元のファイルの場所も表示。公開しないでください)"
)
@click.option(
    "--publish",
    is_flag=True,
    help="公開用: 原文から読み取れなかった項目(!要確認)か空の必須項目が残っていれば組み立てません。",
)
@click.option(
    "--offline",
    is_flag=True,
    help="ディスクから開けるサイト(リンクは index.html まで書き、検索はサーバーなしで動きます。プルリクエストの確認用)",
)
def build(
    content_dir: Path, out_dir: Path, engine: str, allow_shallow: bool, staff: bool, publish: bool, offline: bool
) -> None:
    """評価書からサイトを組み立てます (site/ に出力)。"""
    from piasite.commands import build as command  # noqa: PLC0415 — see LAZY

    command.run(content_dir, out_dir, engine, allow_shallow, staff, publish, _settings(), offline)


@main.command("diff")
@click.argument("base")
@click.argument("head", required=False)
@click.option(
    "--content",
    "content_dir",
    default="content",
    show_default=True,
    type=click.Path(path_type=Path, exists=True, file_okay=False),
)
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option(
    "--comment", is_flag=True, help="プルリクエストのコメント用: (別添2) に加わる行と ※ 項目の警告も出します。"
)
def diff_cmd(base: str, head: str | None, content_dir: Path, fmt: str, comment: bool) -> None:
    """BASE と HEAD の間で変わった評価書の新旧対照表を出力します。HEAD を省くと、作業中のファイル
    (コミットしていない変更) を BASE と比べます。"""
    from piasite.commands.diff import compare, to_json, to_markdown  # noqa: PLC0415 — see LAZY

    if comment:
        if fmt != "md":
            raise UserError("--comment は --format md と使います")
        from piasite.commands.comment import pr_comment  # noqa: PLC0415 — see LAZY

        click.echo(pr_comment(content_dir, base, head, _settings().limits), nl=False)
        return
    diffs = compare(content_dir, base, head, _settings().limits)
    click.echo((to_json if fmt == "json" else to_markdown)(diffs, base, head or "作業中のファイル"), nl=False)


@main.group("cms", invoke_without_command=True)
@click.option(
    "--out",
    "out_dir",
    default=None,
    type=click.Path(path_type=Path),
    help="ブラウザのフォーム (admin/) を書き出すフォルダ。",
)
@click.pass_context
def cms_cmd(ctx: click.Context, out_dir: Path | None) -> None:
    """職員用のブラウザのフォーム (Decap CMS) を、様式の定義から admin/ に書き出します。"""
    if ctx.invoked_subcommand is not None:
        return
    from piasite.commands import cms as command  # noqa: PLC0415 — see LAZY

    settings = _settings()
    files = command.write(out_dir or Path("admin"), settings.extra, settings.site_url)
    click.echo(f"ブラウザのフォームを {out_dir or 'admin'} に書き出しました({len(files)} ファイル)")


@cms_cmd.command("trailers")
@click.option("--base", required=True, help="プルリクエストの元のコミット (例 origin/main)。")
@click.option(
    "--content",
    "content_dir",
    default="content",
    show_default=True,
    type=click.Path(path_type=Path, exists=True, file_okay=False),
)
@click.option(
    "--commit",
    is_flag=True,
    help="届出の行を評価書から除き、BASE からのコミットを届出のトレーラー付きの 1 つにまとめます。",
)
def cms_trailers_cmd(base: str, content_dir: Path, commit: bool) -> None:
    """フォームで保存した届出(変更日・提出時期 …)を、コミットのトレーラーとして出力します。"""
    from piasite.commands import cms as command  # noqa: PLC0415 — see LAZY

    click.echo(command.trailers(base, content_dir, commit), nl=False)


@main.command("changelog")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["md", "json", "csv"]), default="md", show_default=True)
@click.option("--allow-shallow", is_flag=True, help="履歴が浅いクローンでは取り込んだ行だけを出力します。")
def changelog_cmd(path: Path, fmt: str, allow_shallow: bool) -> None:
    """1 件の評価書の (別添2) 変更箇所 を、取り込んだ行と git の履歴から出力します。"""
    from piasite.commands import changelog as command  # noqa: PLC0415 — see LAZY

    command.run(path, fmt, allow_shallow, _settings())


@main.command("baseline")
@click.argument("commit", default="HEAD")
def baseline_cmd(commit: str) -> None:
    """変更履歴の起点にするコミット COMMIT(既定 HEAD。取込みと見直しを終えたコミット)を
    .piasite-history-baseline に書き足します。"""
    from piasite.commands import baseline as command  # noqa: PLC0415 — see LAZY

    command.run(commit)


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    default=None,
    type=click.Path(path_type=Path),
    help="YAML を書き出すフォルダ (省略時は元のファイルと同じフォルダ)。ファイル名は元の名前の .yaml です。",
)
@click.option("--report", "report_only", is_flag=True, help="YAML を書き出さず、取り込みの報告だけを表示します。")
@click.option("--force", is_flag=True, help="書き出す先に同じ名前の YAML があるとき、書き換えます。")
def import_cmd(files: tuple[Path, ...], out_dir: Path | None, report_only: bool, force: bool) -> None:
    """公表済みの評価書(PDF、または PDF から抽出したテキスト)を評価書の YAML に取り込み、取り込みの報告を
    表示します。フォルダを指定すると、その中の .pdf と .txt をすべて取り込みます。"""
    from piasite.commands import importing as command  # noqa: PLC0415 — see LAZY

    command.run(files, out_dir, report_only, _settings().limits, force)


@main.command("export")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "xlsx"]),
    default="text",
    show_default=True,
    help="text: 様式どおりの並びのテキスト (ラベル、タブ、値。印刷用、取り込みの確認用)。"
    "xlsx: 様式の Excel ブック (印刷・提出用。変更箇所は別のシート)",
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="書き出し先のファイル (xlsx では必須。text で省略すると画面に出力)",
)
@click.option("--force", is_flag=True, help="書き出し先のファイルがもうあるとき、書き換えます。")
def export_cmd(path: Path, fmt: str, out: Path | None, force: bool) -> None:
    """1 件の評価書を様式どおりの並びで書き出します (テキスト、または Excel の様式。非公表の値は出しません)。"""
    from piasite.commands import export as command  # noqa: PLC0415 — see LAZY

    command.run(path, _settings().limits, fmt, out, force)


@main.command("schema")
@click.option("--out", "out_dir", default="schema", type=click.Path(path_type=Path), show_default=True)
def schema_cmd(out_dir: Path) -> None:
    """様式定義から JSON Schema を書き出します (schema/*.schema.json)。"""
    from piasite.forms.schema import write_schemas  # noqa: PLC0415 — see LAZY

    for p in write_schemas(out_dir):
        click.echo(str(p))


@main.command("init")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--name", default="", help="団体名(例 東山市)。サイトの名前になります。")
@click.option("--site-url", default="", help="サイトを公開する URL(サブパスでも可)。")
@click.option("--publisher", default="", help="発行者(例 東山市 総務部 情報政策課)。")
@click.option("--contact", default="", help="問い合わせ先。")
@click.option("--license", "licence", default="", help="掲載内容のライセンス(既定 CC BY 4.0)。")
def init_cmd(directory: Path, name: str, site_url: str, publisher: str, contact: str, licence: str) -> None:
    """団体のリポジトリ (評価書・設定・CI) を新しいフォルダ DIRECTORY に作ります。"""
    from piasite.commands.init import run_init  # noqa: PLC0415 — see LAZY

    run_init(directory, name, site_url, publisher, contact, licence)


@main.command("new")
@click.argument("form")
@click.argument("org")
@click.argument("number")
@click.option("--content", "content_dir", default="content", type=click.Path(path_type=Path), show_default=True)
@click.option("--org-name", default="", help="評価実施機関名(省略時は同じフォルダの評価書から)。")
def new_cmd(form: str, org: str, number: str, content_dir: Path, org_name: str) -> None:
    """様式 FORM の空の評価書を content/ORG/NUMBER.yaml に作ります (全項目を空で並べます)。"""
    from piasite.commands.init import run_new  # noqa: PLC0415 — see LAZY

    run_new(form, org, number, content_dir, org_name, _settings().limits)


@main.command("serve")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="待ち受けるポート (0: 空いている番号)",
)
@click.option(
    "--content",
    "content_dir",
    default="content",
    type=click.Path(path_type=Path),
    show_default=True,
    help="評価書のフォルダ",
)
def serve_cmd(port: int, content_dir: Path) -> None:
    """職員向けの確認用サイトを http://127.0.0.1:PORT/ で表示します。YAML を保存すると組み立て直し、
    ブラウザを再読み込みします。"""
    from piasite.commands.serve import serve  # noqa: PLC0415 — see LAZY

    serve(content_dir, port)


@main.command("harvest")
@click.argument("locations", nargs=-1)
@click.option(
    "--sources",
    "sources_file",
    default=None,
    type=click.Path(path_type=Path, dir_okay=False),
    help="集めるサイトの一覧 (YAML: - 名前 / 場所 / 公開者 / ライセンス / ライセンスのURL)",
)
@click.option(
    "--db",
    "db_path",
    default="national.db",
    show_default=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="書き込む SQLite のデータベース (変わった評価書だけ読み直します)",
)
def harvest_cmd(locations: tuple[str, ...], sources_file: Path | None, db_path: Path) -> None:
    """いくつものサイトのオープンデータ (api/) を 1 つの SQLite データベースに集めます。場所は公開しているアドレス
    (https://…/pia/) か、組み立てたサイトのフォルダです。Datasette で見られます
    (datasette national.db -m national.metadata.json)。"""
    from piasite.commands import harvest as command  # noqa: PLC0415 — see LAZY

    command.run(locations, sources_file, db_path)


def run() -> None:
    """The console entry point: click's handling, and a last net so that no user sees a traceback.
    An error reaching the net is a bug of piasite (tests assert none does); PIASITE_DEBUG=1 shows it."""
    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001
        if os.environ.get("PIASITE_DEBUG"):
            raise
        click.echo(
            f"エラー: 予期しないエラーで止まりました({type(e).__name__}: {escape(str(e))})。"
            "piasite の不具合です。PIASITE_DEBUG=1 を付けて実行した結果を添えて報告してください",
            err=True,
        )
        sys.exit(1)


if __name__ == "__main__":
    run()
