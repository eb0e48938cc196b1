"""`piasite baseline [COMMIT]`: the commit where a repository's change history starts, written into
.piasite-history-baseline (history/versions.py reads it: each assessment's history starts at the last
listed commit that touches it). The file is no longer written by hand: the commit is checked (a full
id, an ancestor of HEAD) before it is added, with its date and subject as a comment."""

from __future__ import annotations

from pathlib import Path

import click

from piasite.core import safefiles
from piasite.core.errors import UserError
from piasite.history.git import GitError, git, repo_root, resolve
from piasite.history.versions import BASELINE_FILE

HEADER = (
    "# 変更履歴の起点(piasite baseline が書きます)。各評価書の変更履歴は、ここに書いたコミットのうち\n"
    "# その評価書を変えた最後のものから始まります。1 行に 1 つ、コミットの完全な ID。# のあとはコメントです。\n"
)


def run(rev: str = "HEAD", where: Path | None = None) -> Path:
    """Add rev's commit to the baseline file of the repository at where (the current folder)."""
    try:
        root = repo_root(Path.cwd() if where is None else where)
        sha = resolve(root, rev)
        head = resolve(root, "HEAD")
    except GitError as e:
        raise UserError(str(e)) from None
    if sha != head:
        try:
            git(root, "merge-base", "--is-ancestor", sha, head)
        except GitError:
            raise UserError(
                f"コミット {sha[:10]}(「{rev}」)は HEAD の祖先ではありません。"
                "取り込まれていないブランチのコミットは起点にできません"
            ) from None
    day, _, subject = git(root, "log", "-1", "--format=%cs %s", sha).decode("utf-8", "replace").strip().partition(" ")
    path = root / BASELINE_FILE
    old = ""
    if safefiles.exists(path):
        try:  # never through a link (UnsafeFile names it): a CI log would quote its target
            old = safefiles.read_text(path, root=root)
        except UnicodeDecodeError:
            raise UserError(f"{BASELINE_FILE}: UTF-8 のテキストとして読めません(何も書いていません)") from None
    listed = {line.split("#", 1)[0].strip() for line in old.splitlines()}
    said = f"コミット {sha[:10]}({day}「{subject[:60]}」)"
    if sha in listed:
        click.echo(f"{BASELINE_FILE} には{said}がもう書かれています(何も変えていません)", err=True)
        return path
    text = (old if old.endswith("\n") or not old else old + "\n") or HEADER
    text += f"{sha}  # {day} {subject[:80]}\n"
    safefiles.write_new(path, text.encode("utf-8"), force=True)
    click.echo(
        f"{BASELINE_FILE} に{said}を書きました。各評価書の変更履歴はこのコミットから始まります。"
        f"`git add {BASELINE_FILE}` してコミットしてください",
        err=True,
    )
    return path
