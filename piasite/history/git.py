"""git plumbing: every git command piasite runs, the objects read through one `git cat-file --batch`,
and blobs parsed through a content-addressed cache (cache.py: JSON in the user's cache folder, never in
the working tree), so that a rebuild parses only blobs it has never seen. The cache holds only what
parsing a blob gives, so it can never change the output."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from piasite.config.limits import DEFAULT_LIMITS, Limits
from piasite.core.errors import PiasiteError
from piasite.history import cache as blobcache
from piasite.model.reader import ReadError, parse

GITLINK, SYMLINK = "160000", "120000"  # the modes of a submodule and of a symbolic link in a tree


class GitError(PiasiteError):
    """git could not answer (not a repository, unknown revision…); message in Japanese."""


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


def decode_path(name: bytes) -> str:
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


def is_content(path: str | None, prefix: str) -> bool:
    return (
        path is not None
        and path.startswith(prefix)
        and path.endswith(".yaml")
        and not path.rsplit("/", 1)[-1].startswith(".")
        and not path.endswith("/aliases.yaml")
    )
