"""Each assessment's versions, read from git (git.py: plumbing and the blob cache; commits.py: the
log, the chain and the trailers).

Which commits make versions: the first-parent chain from HEAD (or the given
revision). A pull request merged with a merge commit is one version; the
trailers of the branch's own commits count for it (see `side_trailers`).
A squash merge carries its trailers in its own message. Detached HEAD is just
a revision.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from piasite.config.limits import DEFAULT_LIMITS, Limits
from piasite.core import safefiles
from piasite.core.textcheck import visible
from piasite.history import withheld
from piasite.history.commits import Commit, first_parent_chain, read_log, side_trailers, trailer_problems
from piasite.history.git import (
    GITLINK,
    SYMLINK,
    GitError,
    cat_blobs,
    is_content,
    is_shallow,
    parse_blobs,
    repo_root,
    resolve,
)


class ShallowError(GitError):
    pass


class HistoryInputError(GitError):
    """A commit trailer or the baseline file is wrong: the change log would publish a wrong
    date, an unknown 提出時期 or unreviewed versions. `problems`: [(path, line, item, message)]."""

    def __init__(self, problems: list[tuple[str, int, str, str]]):
        lines = [f"{p}:{line}: {item + ': ' if item else ''}{m}" for p, line, item, m in problems]
        super().__init__(
            visible("変更履歴の元になる git の記録に誤りがあるため、変更履歴を作れません:\n" + "\n".join(lines))
        )
        self.problems = problems  # tuples, already in the message: show() prints the message alone

    def show(self, file=None) -> None:
        click.echo(f"エラー: {self.format_message()}", err=True, file=file)


SHALLOW_MESSAGE = (
    "このクローンは履歴が浅い(shallow)ため、変更履歴を作れません。"
    "`git fetch --unshallow` で全履歴を取得してから組み立ててください"
    "(GitHub Actions では actions/checkout に `fetch-depth: 0`)。"
    "変更履歴なしで組み立てるには `--allow-shallow` を付けてください。"
)


@dataclass
class Version:
    commit: Commit
    path: str  # path at that commit, relative to the repository root
    blob: str
    data: Any  # parsed content (Withheld kept); None for a deletion

    @property
    def deleted(self) -> bool:
        return self.data is None

    @property
    def trailers(self) -> dict[str, str]:
        """The commit's trailers as they apply to this file: for a merge, those of the branch's
        commits that changed it (the commit's own win)."""
        if not self.commit.side:
            return self.commit.trailers
        return {**side_trailers(self.commit.side, self.path), **self.commit.trailers_own()}


@dataclass
class FileHistory:
    path: str  # latest path
    versions: list[Version] = field(default_factory=list)  # oldest first; parsed ones and a final deletion

    @property
    def deleted(self) -> bool:
        return bool(self.versions) and self.versions[-1].deleted

    @property
    def live(self) -> list[Version]:
        return [v for v in self.versions if not v.deleted]


@dataclass
class History:
    root: Path
    files: list[FileHistory]
    warnings: list[str]
    shallow: bool = False
    head: Commit | None = None
    errors: list[tuple[str, int, str, str]] = field(default_factory=list)  # see HistoryInputError

    def for_path(self, rel_path: str) -> FileHistory | None:
        for f in self.files:
            if f.path == rel_path and not f.deleted:
                return f
        return None


# -- the history ---------------------------------------------------------------------


def load_history(
    content_dir: Path,
    rev: str = "HEAD",
    allow_shallow: bool = False,
    cache: bool = True,
    strict: bool = True,
    limits: Limits = DEFAULT_LIMITS,
) -> History:
    """Versions of every content file ever on the first-parent chain of rev.
    A wrong trailer or baseline raises HistoryInputError (strict) or is listed in `errors`."""
    content_dir = Path(content_dir).resolve()
    try:
        root = repo_root(content_dir)
    except GitError as e:  # e.g. built from an exported tarball
        if allow_shallow:
            return History(content_dir, [], [], shallow=True)
        raise GitError(f"{e}。履歴なしで組み立てるには `--allow-shallow` を付けてください") from None
    prefix = str(content_dir.relative_to(root.resolve())).replace("\\", "/").strip(".")
    prefix = (prefix + "/") if prefix else ""
    if is_shallow(root):
        if not allow_shallow:
            raise ShallowError(SHALLOW_MESSAGE)
        return History(root, [], [], shallow=True)
    try:
        head = resolve(root, rev)
    except GitError:
        if rev == "HEAD":  # a repository without commits yet
            return History(root, [], [])
        raise
    commits = read_log(root, head)
    chain = first_parent_chain(commits, head)

    # Follow each file through renames: open path → its FileHistory.
    open_files: dict[str, FileHistory] = {}
    files: list[FileHistory] = []
    pending: list[tuple[FileHistory, Commit, str, str]] = []  # (file, commit, path, blob)
    for c in chain:
        for (status, old, new_path, blob), mode in zip(c.changes, c.modes or [""] * len(c.changes), strict=False):
            new = new_path or old  # a path only for renames and copies
            if status != "D" and is_content(new, prefix):
                refuse_odd_entry(c, new, mode)
            if status in "RC":
                src_in, dst_in = is_content(old, prefix), is_content(new, prefix)
                if status == "R" and src_in and old in open_files:
                    fh = open_files.pop(old)
                    if dst_in:
                        fh.path = new
                        open_files[new] = fh
                        pending.append((fh, c, new, blob))
                    else:
                        fh.versions.append(Version(c, old, "", None))
                    continue
                if not dst_in:
                    continue
                old, status = new, "A"
            if not is_content(old, prefix):
                continue
            if status == "D":
                gone = open_files.pop(old, None)
                if gone is not None:
                    gone.versions.append(Version(c, old, "", None))
                continue
            known = open_files.get(old)
            if known is None:
                known = open_files[old] = FileHistory(old)
                files.append(known)
            pending.append((known, c, old, blob))
    where = {b: f"コミット {c.sha[:10]} の {p}" for _, c, p, b in reversed(pending)}
    parsed = parse_blobs(root, {b for *_, b in pending}, cache=cache, where=where, limits=limits)
    warnings = []
    unreadable: list[tuple[FileHistory, Commit, str, str, tuple]] = []  # see unreadable_version
    # Versions are appended in chain order; deletions were appended inline, so rebuild the order.
    order = {c.sha: i for i, c in enumerate(chain)}
    for fh, c, path, blob in pending:
        entry = parsed[blob]
        if entry[0] == "ok" and not isinstance(entry[1], dict):
            if withheld.paths(entry[1]):
                entry = ("err", 1, "「キー: 値」の形の評価書になっていません")
            else:  # nothing in it is withheld: leaving it out hides nothing the other versions need
                warnings.append(
                    f"{path}: コミット {c.sha[:10]}({c.day}「{c.subject}」)の版は「キー: 値」の形の"
                    "評価書になっていない(空のファイルなど)ため変更履歴から除きます"
                )
                continue
        if entry[0] == "err":
            unreadable.append((fh, c, path, blob, entry))
            continue
        fh.versions.append(Version(c, path, blob, entry[1]))
    baseline, errors = check_baseline(root, commits)
    led = withheld.ledger(root, [head], prefix, commits, limits=limits)
    cut: dict[int, int] = {}  # id(file) → order of the commit its history starts at
    for fh in files:
        fh.versions.sort(key=lambda v: order[v.commit.sha])
        starts = [i for i, v in enumerate(fh.versions) if v.commit.sha in baseline]
        if starts:  # history starts at the baseline: earlier versions were never published
            cut[id(fh)] = order[fh.versions[starts[-1]].commit.sha]
            fh.versions = fh.versions[starts[-1] :]
        # An item withheld in any version of any reachable commit is withheld in all (withheld.py).
        for v in fh.versions:
            if not v.deleted:
                v.data = led.mask(v.path, v.data)
    # An unreadable version holding a '!' could hold a !非公表 (every YAML tag, however written,
    # starts with one): what it withholds cannot be known, so it is an error. Without one it
    # withholds nothing and is left out with a warning (a clerk's unfinished commit).
    raw = cat_blobs(root, sorted({blob for *_, blob, _ in unreadable}), where)  # rare: read again
    for fh, c, path, blob, entry in unreadable:
        if b"!" not in raw[blob]:
            warnings.append(
                f"{path}: コミット {c.sha[:10]}({c.day}「{c.subject}」)の版は読めないため変更履歴から除きます"
                f"({entry[1]} 行目: {entry[2]})"
            )
        elif order[c.sha] >= cut.get(id(fh), -1):  # not before the baseline
            errors.append(unreadable_version(c, path, entry))
    trailer_errors, trailer_warnings = check_trailers(files)
    errors += trailer_errors
    warnings += trailer_warnings
    if errors and strict:
        raise HistoryInputError(errors)
    return History(root, files, warnings, head=chain[-1] if chain else None, errors=errors)


def refuse_odd_entry(c: Commit, path: str, mode: str) -> None:
    """A content path in a commit that is not a UTF-8 named regular file: refused, naming both
    (a gitlink's id is a commit of another repository, a symlink's blob is a path)."""
    shown = path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    where = f"コミット {c.sha[:10]}({c.day}「{c.subject[:60]}」)の {shown}"
    if mode == GITLINK:
        raise GitError(
            visible(
                f"{where} はサブモジュール(gitlink)で、評価書のファイルではありません。"
                "content/ の下にサブモジュールは置けません"
            )
        )
    if mode == SYMLINK:
        raise GitError(
            visible(
                f"{where} はシンボリックリンクで、評価書のファイルではありません。"
                "content/ の下には通常のファイルだけを置いてください"
            )
        )
    if mode not in ("", "100644", "100755"):
        raise GitError(visible(f"{where} は通常のファイルではありません(git のモード {mode})"))
    if shown != path:
        raise GitError(visible(f"{where}: ファイル名が UTF-8 ではありません。UTF-8 の名前にしてください"))


def unreadable_version(c: Commit, path: str, entry: tuple) -> tuple[str, int, str, str]:
    """The error for a past version that cannot be parsed and holds a '!'. Not a warning: what
    it withholds cannot be known, and leaving it out would show, in the versions before and
    after it, a value it marks !非公表. The way on is the baseline: a later commit that changes the file
    listed there starts its history after the unreadable version."""
    return (
        path,
        int(entry[1] or 1),
        "",
        f"コミット {c.sha[:10]}({c.day}「{c.subject[:60]}」)の版が読めません({entry[1]} 行目: {entry[2]})。"
        "読めない版の中の非公表の項目が分からないため、変更履歴を作れません"
        f"(この版より後にこのファイルを直したコミットの ID を {BASELINE_FILE} に書くと、"
        "そのコミットより前の版は変更履歴に使いません)",
    )


BASELINE_FILE = ".piasite-history-baseline"


def read_baseline(root: Path) -> set[str]:
    """Commits listed in .piasite-history-baseline (full ids, one a line, # comments).

    A content file's history starts at the last listed commit that touches it: the
    versions before it (an import and its review, say, before the first publication
    from piasite) are neither shown nor compared, like git's blame-ignore-revs.
    """
    path = Path(root) / BASELINE_FILE
    if not safefiles.exists(path):
        return set()
    text = safefiles.read_text(path, root=Path(root))  # a link's target would be quoted in CI logs
    return {line.split("#", 1)[0].strip() for line in text.splitlines()} - {""}


SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def check_baseline(root: Path, commits: dict[str, Commit]) -> tuple[set[str], list]:
    """The baseline's commits, and an error for each line that is not the full id of an ancestor
    of HEAD: a mistyped id would silently publish the versions it was meant to hide."""
    path = Path(root) / BASELINE_FILE
    if not safefiles.exists(path):
        return set(), []
    try:
        text = safefiles.read_text(path, root=Path(root))  # a link's target would be quoted in CI logs
    except safefiles.UnsafeFile as e:
        return set(), [(BASELINE_FILE, 1, "", e.message)]
    except (OSError, UnicodeDecodeError):
        return set(), [(BASELINE_FILE, 1, "", "UTF-8 のテキストとして読めません")]
    found, errors = set(), []
    for n, line in enumerate(text.splitlines(), 1):
        sha = line.split("#", 1)[0].strip()
        if not sha:
            continue
        if not SHA.fullmatch(sha):
            errors.append(
                (
                    BASELINE_FILE,
                    n,
                    "",
                    f"「{sha[:50]}」はコミットの完全な ID(40 桁の英数字)ではありません"
                    "(`git rev-parse コミット` で確かめられます)",
                )
            )
        elif sha not in commits:
            errors.append(
                (
                    BASELINE_FILE,
                    n,
                    "",
                    f"コミット {sha[:10]} は見つからないか、HEAD の祖先ではありません"
                    "(書き誤りか、取り込まれていないブランチのコミットです)",
                )
            )
        else:
            found.add(sha)
    return found, errors


def check_trailers(files: list[FileHistory]) -> tuple[list[tuple[str, int, str, str]], list[str]]:
    """(errors, warnings) for the trailers of every commit that makes a version the site shows."""
    seen: dict[str, str] = {}
    for fh in files:
        for v in fh.versions:
            seen.setdefault(v.commit.sha, v.path)
    by_sha = {v.commit.sha: v.commit for fh in files for v in fh.versions}
    errors, warnings = [], []
    for sha, path in seen.items():
        c = by_sha[sha]
        for severity, key, message in trailer_problems(c):
            text = f"コミット {sha[:10]}「{c.subject[:60]}」のトレーラー「{key}:」: {message}"
            if severity == "error":
                errors.append((path, 1, key, text))
            else:
                warnings.append(f"{path}: {text}")
    return errors, warnings


def warn(history: History) -> None:
    for w in history.warnings:
        print(visible(f"警告: {w}"), file=sys.stderr)
