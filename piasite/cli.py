"""The `piasite` command: check, build, import, diff, changelog, schema."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from piasite.checks.document import ERROR
from piasite.commands.usage import JapaneseContext
from piasite.core.errors import PiasiteError, UserError

__all__ = ["main", "PiasiteError", "UserError"]


def _report(problems) -> int:
    errors = [p for p in problems if p.severity == ERROR]
    for p in sorted(problems, key=lambda p: (str(p.path), p.line)):
        click.echo(str(p), err=True)
    return len(errors)


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
    context_class = JapaneseContext

    def main(self, *args, **kwargs):
        """Every byte a command writes (its output, messages and errors: click shows those inside
        main) goes through safeout: control and bidi characters from content, commits or folder
        names are written visibly (<U+001B>), never raw to a terminal or a CI log."""
        from piasite.core.safeout import safe_streams

        with safe_streams():
            return super().main(*args, **kwargs)

    def make_context(self, info_name, args, parent=None, **extra):
        from piasite.commands.usage import japanese

        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as e:
            raise japanese(e) from None

    def invoke(self, ctx: click.Context):
        from piasite.commands.usage import japanese

        try:
            return super().invoke(ctx)
        except OSError as e:
            from piasite.core.runlock import disk_full, is_full

            if is_full(e):  # ENOSPC, EDQUOT: said so, naming the path (runlock.py)
                raise disk_full(e.filename, site_kept=False) from None
            where = f"{e.filename}: " if e.filename else ""
            raise UserError(f"{where}ファイルを読み書きできません({e.strerror or e})") from None
        except click.UsageError as e:
            raise japanese(e) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="piasite", help="piasite の版を表示して終わります。")
def main() -> None:
    """特定個人情報保護評価書を YAML から静的サイトにします。"""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--since",
    "since",
    metavar="BASE",
    help="BASE からの変更で、※項目の変更に提出時期「事前」と説明があるかも確かめます。",
)
def check(paths: tuple[Path, ...], since: str | None) -> None:
    """評価書 (content/ 以下の YAML) を検査します。"""
    from piasite.checks.load import check_paths, content_files

    files: list[Path] = []
    for p in paths or (Path("content"),):
        if not p.exists():
            raise UserError(f"{p} がありません")
        files += content_files(p, aliases=True) if p.is_dir() else [p]
    if not files:
        raise UserError("検査する評価書 (.yaml) がありません")
    docs, problems = check_paths(files)
    from piasite.checks import lifecycle
    from piasite.history.versions import today
    from piasite.history.withheld import check_problems

    problems += check_problems(docs)  # a !非公表 removed: the value stays unpublished, said here
    problems += lifecycle.check(docs, today())  # the one place a clock date is read (PIASITE_TODAY fixes it)
    if since is not None:
        if not since.strip():
            raise UserError("--since には比べる版(ブランチ名やコミット。例 main)を指定してください")
        from piasite.history.versions import check_since  # the change-log stage owns this rule

        problems += check_since(files, since)
    n_err = _report(problems)
    n_warn = len(problems) - n_err
    from piasite.model.names import ALIASES_FILE

    n_docs = sum(1 for f in files if f.name != ALIASES_FILE)  # aliases.yaml is checked, but is no assessment
    also = f"(と {ALIASES_FILE})" if n_docs < len(files) else ""
    click.echo(f"{n_docs} 件の評価書{also}を検査しました: エラー {n_err} 件、警告 {n_warn} 件", err=True)
    sys.exit(1 if n_err else 0)


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
    "--publish", is_flag=True, help="公開用: 原文から読み取れなかった項目(!要確認)が残っていれば組み立てません。"
)
def build(content_dir: Path, out_dir: Path, engine: str, allow_shallow: bool, staff: bool, publish: bool) -> None:
    """評価書からサイトを組み立てます (site/ に出力)。"""
    if publish:
        from piasite.checks.load import uncertain_problems  # noqa: PLC0415 -- loaded by this command only

        open_items = uncertain_problems(content_dir)
        if open_items:
            raise UserError(
                f"原文から読み取れなかった項目(!要確認)が {len(open_items)} 件残っているため、"
                "公開用のサイトを組み立てませんでした(これまでのサイトはそのままです)",
                problems=open_items,
            )
    from piasite.engine.run import build_site  # noqa: PLC0415 -- the engine, Jinja2, Markdown: not at `piasite --help`

    t0 = time.perf_counter()
    timings: dict = {}
    build_site(content_dir, out_dir, engine=engine, allow_shallow=allow_shallow, timings=timings, staff=staff)
    click.echo(
        f"{timings.get('pages', 0)} 件の評価書から {count_pages(out_dir)} ページを "
        f"{time.perf_counter() - t0:.1f} 秒で組み立てました: {out_dir}/",
        err=True,
    )


def count_pages(site: Path) -> int:
    return sum(1 for _ in Path(site).rglob("*.html"))


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
    from piasite.commands.diff import compare, to_json, to_markdown

    if comment:
        if fmt != "md":
            raise UserError("--comment は --format md と使います")
        from piasite.commands.comment import pr_comment

        click.echo(pr_comment(content_dir, base, head), nl=False)
        return
    diffs = compare(content_dir, base, head)
    click.echo((to_json if fmt == "json" else to_markdown)(diffs, base, head or "作業中のファイル"), nl=False)


@main.command("changelog")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["md", "json", "csv"]), default="md", show_default=True)
@click.option("--allow-shallow", is_flag=True, help="履歴が浅いクローンでは取り込んだ行だけを出力します。")
def changelog_cmd(path: Path, fmt: str, allow_shallow: bool) -> None:
    """1 件の評価書の (別添2) 変更箇所 を、取り込んだ行と git の履歴から出力します。"""
    from piasite.checks.load import check_paths
    from piasite.forms.form import form_of
    from piasite.history import changelog
    from piasite.history.versions import load_history, repo_root, warn

    docs, probs = check_paths([path])
    errors = [p for p in probs if p.severity == ERROR]
    if errors:
        raise UserError(f"{path} に誤りがあるため、変更箇所を出せません", problems=errors)
    doc = docs[0]
    root = repo_root(path)
    rel = str(path.resolve().relative_to(root.resolve())).replace("\\", "/")
    hist = load_history(root / rel.split("/")[0], allow_shallow=allow_shallow)
    warn(hist)
    form = form_of(doc.data)
    from piasite.history.withheld import mask_document

    rows = changelog.rows_for(hist.for_path(rel), form, mask_document(path, doc.data))
    if fmt == "json":
        click.echo(changelog.to_json(rows, form), nl=False)
    elif fmt == "csv":
        click.echo(changelog.to_csv(rows, form), nl=False)
    else:
        if hist.shallow:
            click.echo("(履歴が浅いクローンのため、git の履歴からの行はありません)")
        click.echo(changelog.to_markdown(rows, form), nl=False)


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
def import_cmd(files: tuple[Path, ...], out_dir: Path | None, report_only: bool) -> None:
    """PDF から抽出した評価書のテキストを評価書の YAML に取り込み、取り込みの報告を表示します。"""
    from piasite.core.safenames import message, safe
    from piasite.importer import import_file, measure, render, write

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
            imported = import_file(f)
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


@main.command("export")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text"]),
    default="text",
    show_default=True,
    help="text: 様式どおりの並びのテキスト (ラベル、タブ、値。印刷用、取り込みの確認用)",
)
def export_cmd(path: Path, fmt: str) -> None:
    """1 件の評価書を様式どおりの並びのテキストにして出力します (非公表の値は出しません)。"""
    from piasite.checks.document import check_document
    from piasite.checks.load import load_document
    from piasite.commands.export import export_text, form_of

    doc, probs = load_document(path)
    if doc is None:
        raise UserError(str(probs[0]))
    errors = [p for p in check_document(doc) if p.severity == ERROR]
    if errors:
        _report(errors)
        raise UserError(f"{path}: 検査に通らないため書き出せません(エラー {len(errors)} 件)")
    form = form_of(doc.data)
    if form is None:  # reported by the check above: not reached
        raise UserError(f"{path}: 様式が分かりません")
    from piasite.history.withheld import mask_document

    click.echo(export_text(form, mask_document(path, doc.data)), nl=False)


@main.command("schema")
@click.option("--out", "out_dir", default="schema", type=click.Path(path_type=Path), show_default=True)
def schema_cmd(out_dir: Path) -> None:
    """様式定義から JSON Schema を書き出します (schema/*.schema.json)。"""
    from piasite.forms.schema import write_schemas

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
    from piasite.commands.init import init, local_source, requirement

    files = init(directory, name=name, site_url=site_url, publisher=publisher, contact=contact, licence=licence)
    local = local_source()
    if local:  # a wheel on this machine: the README's and CI's `pip install -r requirements.txt` cannot reach it
        click.echo(
            f"注意: この piasite は手元のファイル {local} から入れたため、requirements.txt には「{requirement()}」と"
            "書きました(PyPI から入れる書き方です)。PyPI から入れられないときは、その wheel を置いた場所"
            "(社内のサーバーの URL、git のリポジトリなど)に書き換えてください",
            err=True,
        )
    click.echo(
        f"{directory}/ に {len(files)} 個のファイルを作りました。mkdocs.yml の「要記入」を書き換え、"
        f"content/ の例を実際の評価書に置き換えてください(cd {directory} && npm install && piasite check && "
        "piasite build。npm install は検索索引の Pagefind を入れます)",
        err=True,
    )


@main.command("new")
@click.argument("form")
@click.argument("org")
@click.argument("number")
@click.option("--content", "content_dir", default="content", type=click.Path(path_type=Path), show_default=True)
@click.option("--org-name", default="", help="評価実施機関名(省略時は同じフォルダの評価書から)。")
def new_cmd(form: str, org: str, number: str, content_dir: Path, org_name: str) -> None:
    """様式 FORM の空の評価書を content/ORG/NUMBER.yaml に作ります (全項目を空で並べます)。"""
    from piasite.commands.init import new

    path = new(content_dir, form, org, number, org_name)
    beside = (
        ""
        if "-" not in path.stem
        else f"(同じ評価書番号の別の様式の評価書 {path.with_name(path.stem.split('-')[0] + '.yaml')} があるため、この名前にしました)"
    )
    click.echo(f"{path} を作りました{beside}。空の項目に記入し、piasite check {path} で確かめてください", err=True)


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
    from piasite.commands.serve import serve  # noqa: PLC0415 -- the whole build behind it: not at `piasite --help`

    serve(content_dir, port)


def run() -> None:
    """The console entry point: click's handling, and a last net so that no user sees a traceback.
    An error reaching the net is a bug of piasite (tests assert none does); PIASITE_DEBUG=1 shows it."""
    import os

    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001
        if os.environ.get("PIASITE_DEBUG"):
            raise
        from piasite.core.safeout import escape

        click.echo(
            f"エラー: 予期しないエラーで止まりました({type(e).__name__}: {escape(str(e))})。"
            "piasite の不具合です。PIASITE_DEBUG=1 を付けて実行した結果を添えて報告してください",
            err=True,
        )
        sys.exit(1)


if __name__ == "__main__":
    run()
