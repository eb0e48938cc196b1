"""The `piasite` command: check, build, import, diff, changelog, schema."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .validate import ERROR


class UserError(click.ClickException):
    """A problem with the user's input: message printed, exit status 1, no traceback."""

    def show(self, file=None) -> None:
        click.echo(f"エラー: {self.message}", err=True)


def _report(problems) -> int:
    errors = [p for p in problems if p.severity == ERROR]
    for p in sorted(problems, key=lambda p: (str(p.path), p.line)):
        click.echo(str(p), err=True)
    return len(errors)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="piasite")
def main() -> None:
    """特定個人情報保護評価書を YAML から静的サイトにします。"""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--since", "since", metavar="BASE", help="BASE からの変更で、※項目の変更に提出時期「事前」と説明があるかも確かめます。")
def check(paths: tuple[Path, ...], since: str | None) -> None:
    """評価書 (content/ 以下の YAML) を検査します。"""
    from .model import check_paths, content_files

    files: list[Path] = []
    for p in paths or (Path("content"),):
        if not p.exists():
            raise UserError(f"{p} がありません")
        files += content_files(p) if p.is_dir() else [p]
    if not files:
        raise UserError("検査する評価書 (.yaml) がありません")
    docs, problems = check_paths(files)
    from . import lifecycle
    from .history import today

    problems += lifecycle.check(docs, today())  # the one place a clock date is read (PIASITE_TODAY fixes it)
    if since:
        from .history import GitError, check_since  # the change-log stage owns this rule

        try:
            problems += check_since(files, since)
        except GitError as e:
            raise UserError(str(e)) from None
    n_err = _report(problems)
    n_warn = len(problems) - n_err
    click.echo(f"{len(files)} 件の評価書を検査しました: エラー {n_err} 件、警告 {n_warn} 件", err=True)
    sys.exit(1 if n_err else 0)


@main.command()
@click.option("--content", "content_dir", default="content", type=click.Path(path_type=Path), show_default=True,
              help="評価書のフォルダ")
@click.option("--out", "out_dir", default="site", type=click.Path(path_type=Path), show_default=True,
              help="出力するサイトのフォルダ")
@click.option("--engine", type=click.Choice(["mkdocs", "zensical"]), default="mkdocs", show_default=True,
              help="サイトを組み立てるエンジン")
@click.option("--allow-shallow", is_flag=True, help="履歴が浅いクローンでも変更履歴なしで組み立てます。")
@click.option("--staff", is_flag=True, help="職員向けのサイト(取込メモと元のファイルの場所も表示。公開しないでください)")
def build(content_dir: Path, out_dir: Path, engine: str, allow_shallow: bool, staff: bool) -> None:
    """評価書からサイトを組み立てます (site/ に出力)。"""
    from .build import BuildError, build_site

    try:
        build_site(content_dir, out_dir, engine=engine, allow_shallow=allow_shallow, staff=staff)
    except BuildError as e:
        for p in e.problems:
            click.echo(str(p), err=True)
        raise UserError(e.message) from None


@main.command("diff")
@click.argument("base")
@click.argument("head", default="HEAD")
@click.option("--content", "content_dir", default="content", type=click.Path(path_type=Path), show_default=True)
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
def diff_cmd(base: str, head: str, content_dir: Path, fmt: str) -> None:
    """BASE と HEAD の間で変わった評価書の新旧対照表を出力します (プルリクエストのコメント用)。"""
    from .history import GitError
    from .review import compare, to_json, to_markdown

    try:
        diffs = compare(content_dir, base, head)
    except GitError as e:
        raise UserError(str(e)) from None
    click.echo((to_json if fmt == "json" else to_markdown)(diffs, base, head), nl=False)


@main.command("changelog")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["md", "json", "csv"]), default="md", show_default=True)
@click.option("--allow-shallow", is_flag=True, help="履歴が浅いクローンでは取り込んだ行だけを出力します。")
def changelog_cmd(path: Path, fmt: str, allow_shallow: bool) -> None:
    """1 件の評価書の (別添2) 変更箇所 を、取り込んだ行と git の履歴から出力します。"""
    from . import changelog
    from .history import GitError, load_history, repo_root, warn
    from .model import load_document

    doc, probs = load_document(path)
    if doc is None:
        raise UserError(str(probs[0]))
    try:
        root = repo_root(path)
        rel = str(path.resolve().relative_to(root.resolve())).replace("\\", "/")
        hist = load_history(root / rel.split("/")[0], allow_shallow=allow_shallow)
    except GitError as e:
        raise UserError(str(e)) from None
    warn(hist)
    from .form import load_form

    form = load_form(doc.data.get("様式", "重点項目評価書"))
    rows = changelog.rows_for(hist.for_path(rel), form, doc.data)
    if fmt == "json":
        click.echo(changelog.to_json(rows), nl=False)
    elif fmt == "csv":
        click.echo(changelog.to_csv(rows, form), nl=False)
    else:
        if hist.shallow:
            click.echo("(履歴が浅いクローンのため、git の履歴からの行はありません)")
        click.echo(changelog.to_markdown(rows, form), nl=False)


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", default=None, type=click.Path(path_type=Path),
              help="YAML を書き出すフォルダ (省略時は元のファイルと同じフォルダ)。ファイル名は元の名前の .yaml です。")
@click.option("--report", "report_only", is_flag=True, help="YAML を書き出さず、取り込みの報告だけを表示します。")
def import_cmd(files: tuple[Path, ...], out_dir: Path | None, report_only: bool) -> None:
    """PDF から抽出した評価書のテキストを評価書の YAML に取り込み、取り込みの報告を表示します。"""
    from .importer import import_file, measure, render, write

    results = []
    for f in files:
        if not f.is_file():
            raise UserError(f"{f} がありません")
        try:
            imported = import_file(f)
        except UnicodeDecodeError:
            raise UserError(f"{f}: UTF-8 のテキストとして読めません") from None
        if not report_only:
            target = (out_dir or f.parent) / f"{f.stem}.yaml"
            write(imported, f, target, repo_root=Path.cwd())
            click.echo(f"{target} に書き出しました", err=True)
        results.append(measure(f.name, imported))
    click.echo(render(results))


@main.command("schema")
@click.option("--out", "out_dir", default="schema", type=click.Path(path_type=Path), show_default=True)
def schema_cmd(out_dir: Path) -> None:
    """様式定義から JSON Schema を書き出します (schema/*.schema.json)。"""
    from .schema import write_schemas

    for p in write_schemas(out_dir):
        click.echo(str(p))


if __name__ == "__main__":
    main()
