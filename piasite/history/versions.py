"""Each assessment's versions, read from git.

One `git log` over the whole history per build (renames found by git, merges
diffed against their first parent), blobs read through one `git cat-file
--batch`, and parsed blobs cached by blob id (blobcache.py: JSON in the user's
cache folder, never in the working tree) so that a rebuild parses only blobs it
has never seen. The cache holds only what parsing a blob gives, so it can never
change the output.

Which commits make versions: the first-parent chain from HEAD (or the given
revision). A pull request merged with a merge commit is one version; the
trailers of the branch's own commits count for it (see `side_trailers`).
A squash merge carries its trailers in its own message. Detached HEAD is just
a revision.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from piasite.config.limits import DEFAULT_LIMITS, Limits
from piasite.core import safefiles
from piasite.core.errors import PiasiteError
from piasite.core.problems import WARNING, Problem
from piasite.history import cache as blobcache
from piasite.history import trailers, withheld
from piasite.model.reader import ReadError, parse

CACHE_DIR = Path(".cache/piasite/blobs-v1")  # under the repository root
# Commit trailers (a documented interface of `git commit`, named after the 別添2 columns):
# 変更日, 提出時期, 提出時期に係る説明, and `変更箇所: なし` for an editorial commit.
T_DATE, T_TIMING, T_EXPLANATION, T_NONE = "変更日", "提出時期", "提出時期に係る説明", "変更箇所"  # allow-listed
TRAILER_KEYS = (T_DATE, T_TIMING, T_EXPLANATION, T_NONE)
TRAILER = re.compile(rf"^({T_DATE}|{T_TIMING}|{T_EXPLANATION}|{T_NONE})\s*[:：]\s*(.*?)\s*$")  # stray_trailers only


class GitError(PiasiteError):
    """git could not answer (not a repository, unknown revision…); message in Japanese."""


class ShallowError(GitError):
    pass


class HistoryInputError(GitError):
    """A commit trailer or the baseline file is wrong: the change log would publish a wrong
    date, an unknown 提出時期 or unreviewed versions. `problems`: [(path, line, item, message)]."""

    def __init__(self, problems: list[tuple[str, int, str, str]]):
        lines = [f"{p}:{line}: {item + ': ' if item else ''}{m}" for p, line, item, m in problems]
        from piasite.core.textcheck import visible

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
class Commit:
    sha: str
    parents: list[str]
    date: str  # committer date, ISO 8601 with offset, from git
    message: str  # stripped, for the subject
    changes: list[tuple[str, str, str | None, str]] = field(default_factory=list)  # (status, old, new path, blob)
    side_trailers: dict[str, str] = field(default_factory=dict)
    side: list[Commit] = field(default_factory=list)  # for a merge: the commits it brings in, oldest first
    raw_message: str | None = None  # as in the commit object (trailers are read from it); None: message
    modes: list[str] = field(default_factory=list)  # the new mode of each of changes

    @property
    def day(self) -> str:
        return self.date[:10]

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]

    @property
    def trailers(self) -> dict[str, str]:
        """変更日/提出時期/提出時期に係る説明/変更箇所 trailers; the commit's own win over its branch's."""
        return {**self.side_trailers, **self.trailers_own()}

    def trailers_own(self) -> dict[str, str]:
        """The message's trailers by git's rules (trailers.py: the last paragraph only), the
        allow-listed keys only; a key given twice keeps its first value (trailer_faults tells)."""
        own: dict[str, str] = {}
        for key, value in self._parsed_trailers():
            if key in TRAILER_KEYS:
                own.setdefault(key, value)
        return own

    def _parsed_trailers(self) -> list[tuple[str, str]]:
        cached = self.__dict__.get("_trailers")
        if cached is None:
            text = self.message if self.raw_message is None else self.raw_message
            cached = self.__dict__["_trailers"] = trailers.parse(text)
        return cached

    def trailer_faults(self) -> list[tuple[str, str]]:
        """[(key, message)]: what makes the commit's own trailers unusable (errors)."""
        from piasite.core import textcheck

        out: list[tuple[str, str]] = []
        values: dict[str, str] = {}
        for key, value in self._parsed_trailers():
            if key not in TRAILER_KEYS:
                continue
            for severity, message in textcheck.problems(value):
                if severity == "error":
                    out.append((key, message.split("。")[0] + "。トレーラーの値に見えない文字は書けません"))
            if key in values and values[key] != value:
                out.append((key, "二度、違う値で書かれています。どちらか一つにしてください"))
            values.setdefault(key, value)
        return out

    def stray_trailers(self) -> list[str]:
        """Allow-listed keys written as 'key: value' lines outside the trailer block (not read)."""
        found = {k for k, _ in self._parsed_trailers()}
        text = self.message if self.raw_message is None else self.raw_message
        out = []
        for line in text.split("\n"):
            m = TRAILER.match(line.strip())
            if m and m[1] not in found and m[1] not in out:
                out.append(m[1])
        return out


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


# -- git plumbing ------------------------------------------------------------------


def git_env() -> dict[str, str]:
    """The environment of every git piasite runs: the objects as they are, never `git replace`
    refs or a grafts file (either rewrites a commit's parents, tree or message as git reads it)."""
    return {**os.environ, "GIT_NO_REPLACE_OBJECTS": "1", "GIT_GRAFT_FILE": os.devnull}


def git(root: Path, *args: str, input: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=root, input=input, capture_output=True, env=git_env())
    except FileNotFoundError:  # no git installed, or root does not exist
        raise GitError(
            "git を実行できません(git がインストールされているか、フォルダがあるかを確かめてください)"
        ) from None
    if proc.returncode != 0:
        raise GitError(f"git {' '.join(args[:2])} が失敗しました: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def repo_root(path: Path) -> Path:
    import shutil

    if shutil.which("git") is None:
        raise GitError(
            "git コマンドが見つかりません。git をインストールしてください(変更履歴は git の履歴から作ります)"
        )
    try:
        out = git(Path(path) if Path(path).is_dir() else Path(path).parent, "rev-parse", "--show-toplevel")
    except (GitError, FileNotFoundError):
        raise GitError(f"{path} は git のリポジトリの中にありません(変更履歴は git の履歴から作ります)") from None
    return Path(out.decode().strip())


def is_shallow(root: Path) -> bool:
    return git(root, "rev-parse", "--is-shallow-repository").decode().strip() == "true"


def resolve(root: Path, rev: str) -> str:
    try:
        return git(root, "rev-parse", "--verify", "--quiet", rev + "^{commit}").decode().strip()
    except GitError:
        try:
            shallow = is_shallow(root)
        except GitError:
            shallow = False
        hint = "(履歴が浅いクローンです。`git fetch --unshallow` で全履歴を取得してください)" if shallow else ""
        raise GitError(f"リビジョン「{rev}」が見つかりません{hint}") from None


# One `git log -z` line per commit holds only what git writes itself: ids, the committer
# date and the parents (hex, digits and ISO punctuation); --raw adds the changes, each path a
# NUL-terminated field. Messages are never in it: they are read from the commit objects
# through `git cat-file --batch`, which gives each object's length first. No byte of a
# message (or of a path) can end a record or start another.
_LOG_FORMAT = "--format=%H %cI %P"
_HEX = re.compile(rb"[0-9a-f]{40}|[0-9a-f]{64}")
_ISO = re.compile(rb"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:Z|[+-][0-9]{2}:[0-9]{2})")
_RAW = re.compile(rb"\n?:([0-7]{6}) ([0-7]{6}) ([0-9a-f]{40,64}) ([0-9a-f]{40,64}) ([ACDMRTUX])([0-9]{0,3})")
GITLINK, SYMLINK = "160000", "120000"


def read_log(root: Path, rev: str = "HEAD") -> dict[str, Commit]:
    """Every commit reachable from rev with its raw changes (one `git log -z`) and its message
    (one `git cat-file --batch` over the commit objects)."""
    out = git(
        root,
        "log",
        "-z",
        "--raw",
        "--no-abbrev",
        "--find-renames",
        "--diff-merges=first-parent",
        "--no-color",
        "--no-show-signature",
        "--no-notes",
        _LOG_FORMAT,
        rev,
        "--",
    )
    toks = out.split(b"\0")
    if toks and toks[-1] == b"":
        toks.pop()
    commits: dict[str, Commit] = {}
    i = 0
    while i < len(toks):
        fields = toks[i].split(b" ")
        i += 1
        if (
            len(fields) < 2
            or not _HEX.fullmatch(fields[0])
            or not _ISO.fullmatch(fields[1])
            or not all(_HEX.fullmatch(p) for p in fields[2:] if p)
        ):
            raise GitError(f"git log の出力を読めません(「{fields[0][:40].decode(errors='replace')}」の行)")
        c = Commit(fields[0].decode(), [p.decode() for p in fields[2:] if p], fields[1].decode(), "")
        while i < len(toks):
            m = _RAW.fullmatch(toks[i])
            if m is None:
                break  # the next commit's line
            status, blob, mode = m[5].decode(), m[4].decode(), m[2].decode()
            paths = 2 if status in "RC" else 1
            if i + paths >= len(toks):
                raise GitError(f"git log の出力を読めません(コミット {c.sha[:10]} の変更の一覧が途中で終わっています)")
            names = [_path(t) for t in toks[i + 1 : i + 1 + paths]]
            c.changes.append((status, names[0], names[1] if paths == 2 else None, blob))
            c.modes.append(mode)
            i += 1 + paths
        if c.sha in commits:
            raise GitError(f"git log の出力でコミット {c.sha[:10]} が二度出てきました")
        commits[c.sha] = c
    for sha, raw in cat_objects(root, list(commits), "commit").items():
        c = commits[sha]
        c.raw_message = commit_message(raw)
        c.message = c.raw_message.strip()
    return commits


def _path(name: bytes) -> str:
    """A path from git: UTF-8, or a name load_history refuses (surrogate escapes kept it apart)."""
    return name.decode("utf-8", "surrogateescape")


def commit_message(raw: bytes) -> str:
    """The message of a commit object: after the headers' blank line, in its `encoding` (UTF-8
    by default; undecodable bytes as U+FFFD)."""
    head, sep, body = raw.partition(b"\n\n")
    if not sep:
        return ""
    encoding = "utf-8"
    for line in head.split(b"\n"):
        if line.startswith(b"encoding "):
            encoding = line[9:].decode("ascii", "replace").strip()
    try:
        return body.decode(encoding, "replace")
    except LookupError:
        return body.decode("utf-8", "replace")


class ObjectError(GitError):
    """An object git cannot give: missing, corrupt, or not of the kind expected."""

    def __init__(self, sha: str, kind: str, found: str, where: str = ""):
        what = {"missing": "ないか壊れています"}.get(found, f"{kind} ではなく {found} です")
        super().__init__(
            f"{where or 'git のオブジェクト ' + sha[:10]}: git のオブジェクト {sha[:10]} が{what}。"
            "`git fsck` でリポジトリを確かめてください(読めない版からは変更履歴を作れません)"
        )
        self.sha = sha


def cat_objects(
    root: Path, shas: list[str], kind: str = "blob", where: dict[str, str] | None = None
) -> dict[str, bytes]:
    """Contents of many objects of one kind from one `git cat-file --batch` (each object's
    length comes first). A missing, corrupt or other-kind object raises ObjectError naming it
    (where: sha → what it is, e.g. the commit and path of a blob)."""
    if not shas:
        return {}
    try:
        proc = subprocess.run(
            ["git", "cat-file", "--batch"],
            cwd=root,
            capture_output=True,
            env=git_env(),
            input=("\n".join(shas) + "\n").encode(),
        )
    except FileNotFoundError:
        raise GitError(
            "git を実行できません(git がインストールされているか、フォルダがあるかを確かめてください)"
        ) from None
    out, objs, pos = proc.stdout, {}, 0
    for sha in shas:
        nl = out.find(b"\n", pos)
        header = out[pos:nl].split(b" ") if nl >= 0 else []
        if len(header) == 2 and header[1] == b"missing" or len(header) != 3 or header[0] != sha.encode():
            raise ObjectError(sha, kind, "missing", (where or {}).get(sha, ""))
        if header[1] != kind.encode():
            raise ObjectError(sha, kind, header[1].decode(errors="replace"), (where or {}).get(sha, ""))
        size = int(header[2]) if header[2].isdigit() else -1
        if size < 0 or nl + 1 + size + 1 > len(out) or out[nl + 1 + size : nl + 2 + size] != b"\n":
            raise ObjectError(sha, kind, "missing", (where or {}).get(sha, ""))
        objs[sha] = out[nl + 1 : nl + 1 + size]
        pos = nl + 1 + size + 1
    if proc.returncode != 0:
        raise GitError(f"git cat-file が失敗しました: {proc.stderr.decode(errors='replace').strip()}")
    return objs


def first_parent_chain(commits: dict[str, Commit], head: str) -> list[Commit]:
    chain: list[Commit] = []
    sha: str | None = head
    while sha in commits:
        chain.append(commits[sha])
        sha = commits[sha].parents[0] if commits[sha].parents else None
    chain.reverse()
    for c in chain:
        if len(c.parents) > 1:
            c.side = _side_commits(commits, c, {x.sha for x in chain})
            c.side_trailers = side_trailers(c.side)
    return chain


def _side_commits(commits: dict[str, Commit], merge: Commit, chain: set[str]) -> list[Commit]:
    """The commits a merge brings in, oldest first, walking back to the main line."""
    seen, todo, side = set(), list(merge.parents[1:]), []
    while todo:
        sha = todo.pop()
        if sha in seen or sha in chain or sha not in commits:
            continue
        seen.add(sha)
        side.append(commits[sha])
        todo += commits[sha].parents
    side.sort(key=lambda c: c.date)
    return side


def side_trailers(side: list[Commit], path: str | None = None) -> dict[str, str]:
    """Trailers of a merge's side commits (newest wins). With a path, only the commits that
    changed that file count, so that a branch's editorial commit on one file and its real change
    to another each keep their meaning.

    `変更箇所: なし` counts only if every such commit that changed something says so, so
    that one editorial commit in a branch does not hide the branch's real changes.
    """
    if path is not None:
        mine = [c for c in side if any(path in (old, new) for _, old, new, _ in c.changes)]
        side = mine or side  # a path the branch reached by a rename: fall back to the whole branch
    out: dict[str, str] = {}
    for c in side:
        out.update(c.trailers)
    if out.get(T_NONE) == "なし" and not all(c.trailers.get(T_NONE) == "なし" for c in side if c.changes):
        del out[T_NONE]
    return out


def cat_blobs(root: Path, shas: list[str], where: dict[str, str] | None = None) -> dict[str, bytes]:
    """Contents of many blobs from one `git cat-file --batch`."""
    return cat_objects(root, shas, "blob", where)


# -- parsing with a content-addressed cache -----------------------------------------


def parse_data(text: str, limits: Limits = DEFAULT_LIMITS) -> Any:
    """reader.parse's data (libyaml when available, the reader's limits and messages)."""
    return parse(text, limits=limits).data  # raises the reader's ReadError


def parse_blobs(
    root: Path,
    shas: set[str],
    cache: bool = True,
    where: dict[str, str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, tuple]:
    """blob → ("ok", data) or ("err", line, message). where: blob → its commit and path, for the
    error when git cannot give a blob."""
    cdir = blobcache.cache_dir(root, limits)
    result: dict[str, tuple] = {}
    missing = []
    for sha in sorted(shas):
        entry = blobcache.load(cdir, sha) if cache else None
        if entry is not None:
            result[sha] = entry
        else:
            missing.append(sha)
    for sha, raw in cat_blobs(root, missing, where).items():
        try:
            entry = ("ok", parse_data(raw.decode("utf-8"), limits))
        except UnicodeDecodeError as e:
            entry = ("err", 1, f"UTF-8 で保存してください(位置 {e.start} のバイトが読めません)")
        except ReadError as e:
            entry = ("err", e.line, e.message)
        result[sha] = entry
        if cache:
            blobcache.store(cdir, sha, entry)
    return result


# -- the history ---------------------------------------------------------------------


def _is_content(path: str | None, prefix: str) -> bool:
    return (
        path is not None
        and path.startswith(prefix)
        and path.endswith(".yaml")
        and not path.rsplit("/", 1)[-1].startswith(".")
        and not path.endswith("/aliases.yaml")
    )


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
        for (status, old, new_path, blob), mode in zip(c.changes, c.modes or [""] * len(c.changes)):
            new = new_path or old  # a path only for renames and copies
            if status != "D" and _is_content(new, prefix):
                refuse_odd_entry(c, new, mode)
            if status in "RC":
                src_in, dst_in = _is_content(old, prefix), _is_content(new, prefix)
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
            if not _is_content(old, prefix):
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
    from piasite.core.textcheck import visible

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


def trailer_values() -> dict[str, tuple[str, ...]]:
    """Allowed values of the trailers that name a choice (提出時期): the forms' choices."""
    from piasite.forms.registry import all_forms

    timing: list[str] = []
    for form in all_forms():
        item = form.role_item("change_timing") if form.has_role("change_timing") else None
        for c in item.choices if item and item.choices else ():
            if c not in timing:
                timing.append(c)
    return {T_TIMING: tuple(timing)}


def trailer_problems(commit: Commit) -> list[tuple[str, str, str]]:
    """[(severity, trailer, message)] for the trailers of a commit (and of the commits a merge
    brings in). A date or 提出時期 the change log cannot use, control and bidi characters in a
    value and a key given twice with different values are errors (the commit is named: a merged
    commit cannot be corrected, only listed in the baseline); an allow-listed key outside the
    trailer block is a warning, as it is not read."""
    from piasite.core import dates

    out = []
    tr = commit.trailers
    for c in [commit, *commit.side]:
        shown = "" if c is commit else f"(取り込んだコミット {c.sha[:10]}「{c.subject[:60]}」)"
        for key, message in c.trailer_faults():
            out.append(("error", key, shown + message))
        for key in c.stray_trailers():
            out.append(
                (
                    "warning",
                    key,
                    shown + "メッセージの最後の段落の外にあるため、トレーラーとして読みません"
                    "(トレーラーは空行の後の最後の段落に、ほかの文と混ぜずに書いてください)",
                )
            )
    if T_DATE in tr:
        v = tr[T_DATE]
        if not (dates.parse_iso(v) or dates.parse_date(v)):
            out.append(
                (
                    "error",
                    T_DATE,
                    f"「{v}」は日付として読めません({dates.RANGE_JA}の日付を 2025-12-01 のように書いてください)"
                    if v
                    else "値が空です(2025-12-01 のように書いてください)",
                )
            )
    choices = trailer_values()
    for key, allowed in choices.items():
        if key in tr and allowed and tr[key] not in allowed:
            out.append(("error", key, f"「{tr[key]}」は選べません。{' か '.join(allowed)} と書いてください"))
    return out


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
    from piasite.core.textcheck import visible

    for w in history.warnings:
        print(visible(f"警告: {w}"), file=sys.stderr)


# -- piasite check --since -------------------------------------------------------------


def check_since(files: list[Path], since: str, limits: Limits = DEFAULT_LIMITS) -> list:
    """Warnings for ※ item changes since BASE whose commits lack 提出時期 事前 and its explanation."""
    from piasite.forms.registry import form_for
    from piasite.history.changelog import derived_rows

    given = {Path(f).resolve(): Path(f) for f in files}  # messages name files as the user gave them
    files = list(given)
    if not files:
        return []
    root = repo_root(files[0])
    base = resolve(root, since)
    content_dir = _content_dir(root, files)
    hist = load_history(content_dir, strict=False, limits=limits)
    after_base = set(git(root, "rev-list", f"{base}..HEAD").decode().split())
    problems = []
    for path, line, item, message in hist.errors:  # the build would refuse them: errors here too
        problems.append(Problem(_shown(root / path), line, item, message))
    for w in hist.warnings:
        problems.append(Problem(_shown(root / w.split(":", 1)[0]), 1, "", w.split(": ", 1)[1], WARNING))
    wanted = {str(f.relative_to(root.resolve())).replace("\\", "/"): given[f] for f in files}
    for fh in hist.files:
        if fh.path not in wanted or fh.deleted or not fh.live:
            continue
        form = form_for(fh.live[-1].data)
        if form is None:
            continue  # the check of the file itself reports it
        rows = derived_rows(fh, form)
        undated = {r.commit for r in rows if r.commit in after_base} - _dated_commits(fh)
        for sha in sorted(undated, key=[v.commit.sha for v in fh.live].index):
            problems.append(
                Problem(
                    wanted[fh.path],
                    1,
                    "",
                    f"コミット {sha[:10]} に「変更日: YYYY-MM-DD」がなく公表日も変わっていないため、"
                    "(別添2) の変更日はコミットの日付になります。変更日を書くか、"
                    "誤字の修正などなら「変更箇所: なし」と書いてください",
                    WARNING,
                )
            )
        lines = _current_lines(wanted[fh.path], limits)
        for row in rows:
            if row.commit not in after_base or not row.marked:
                continue
            if row.timing == "事前" and row.timing_given and row.explanation:
                continue
            line = lines.line(row.change.path) if lines is not None and row.change is not None else 1
            problems.append(
                Problem(
                    wanted[fh.path],
                    line,
                    row.item,
                    f"※の項目(重要な変更)がコミット {row.commit[:10]} で変わりましたが、"
                    "コミットメッセージに「提出時期: 事前」と「提出時期に係る説明: …」がありません",
                    WARNING,
                )
            )
    return problems


def _shown(path: Path) -> Path:
    """A path of the repository as the user sees it: relative to the working folder when inside it."""
    try:
        # the folder resolved, not the file: a link is named as itself, never as what it points to
        return (path.parent.resolve() / path.name).relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _current_lines(path: Path, limits: Limits = DEFAULT_LIMITS):
    """The working file's lines (a changed item is named at its line today), or None if unreadable."""
    from piasite.model.reader import ReadError, read

    try:
        return read(path, limits)
    except (ReadError, OSError):
        return None


def _dated_commits(fh: FileHistory) -> set[str]:
    """Commits whose version of the file states its date: a 変更日 trailer or a new 公表日."""
    from piasite.history.changelog import published_date

    out, prev = set(), None
    for v in fh.live:
        if v.trailers.get(T_DATE) or (prev is not None and published_date(v.data) != published_date(prev.data)):
            out.add(v.commit.sha)
        prev = v
    return out


def _content_dir(root: Path, files: list[Path]) -> Path:
    """The content/ folder holding the files (the first path part under the root)."""
    rel = files[0].relative_to(root.resolve())
    return root / rel.parts[0] if len(rel.parts) > 1 else root


def today() -> dt.date:
    """The one clock date piasite reads: for `check`'s re-evaluation warning only.
    PIASITE_TODAY=YYYY-MM-DD fixes it (tests, reproducible CI)."""
    env = os.environ.get("PIASITE_TODAY")
    return dt.date.fromisoformat(env) if env else dt.date.today()
