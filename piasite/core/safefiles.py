"""Reading and copying the repository's files without following a link out of it.

A repository's files come from whoever can open a pull request: a committed symbolic link
(overrides/x.txt -> ../.git/config, content/aliases.yaml -> /etc/passwd) would publish or print
what it points to, and a FIFO would hang the build. Every file piasite reads or copies from the
working tree (content, aliases.yaml, mkdocs.yml, .piasite-history-baseline, overrides/ and its
templates, guides and assets) goes through here: each part of its path below the repository root
is lstat-ed (never followed), a symbolic link or anything but a regular file (a folder for the
folders) is refused with an error naming the file, and the file is opened with O_NOFOLLOW and
O_NONBLOCK, then fstat-ed, so that a file swapped in between is refused too.

The repository root is the current folder (where mkdocs.yml is; every command runs there). A path
outside it (given on the command line) has only itself checked. piasite's own package data is not
read through here.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from piasite.core.errors import PiasiteError

_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
LINK = (
    "シンボリックリンクは読みません{part}。リンクではなく、ファイルそのものをリポジトリに置いてください"
    "(リンク先がリポジトリの外や .git の中でも、その中身がサイトやログに出てしまいます)"
)
NOT_REGULAR = "通常のファイルではありません(FIFO・デバイス・ソケットなど){part}。読みません"
NOT_FOLDER = "フォルダではありません{part}"


class UnsafeFile(PiasiteError):
    """A path of the repository that is a symbolic link, not a regular file or outside it."""

    def __init__(self, path: Path | str, message: str):
        super().__init__(message, path)


def _kind(mode: int) -> str:
    return (
        "FIFO"
        if stat.S_ISFIFO(mode)
        else "ソケット"
        if stat.S_ISSOCK(mode)
        else "デバイス"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "特殊なファイル"
    )


def _parts(path: Path, root: Path | None) -> list[Path]:
    """The path's parts to lstat: each one below root when the path is inside it, else the path."""
    p = Path(os.path.abspath(path))
    base = Path(os.path.abspath(root if root is not None else Path.cwd()))
    try:
        rel = p.relative_to(base)
    except ValueError:
        return [p]
    out, cur = [], base
    for part in rel.parts:
        cur = cur / part
        out.append(cur)
    return out


def check(path: Path | str, root: Path | None = None, folder: bool = False) -> os.stat_result:
    """The lstat of path once every part of it below root is a real folder and it is a regular file
    (a folder with folder=True); else UnsafeFile naming the file (and the part that is a link).
    FileNotFoundError when it is not there."""
    parts = _parts(Path(path), root)
    st = None
    for i, part in enumerate(parts):
        st = os.lstat(part)
        last = i == len(parts) - 1
        where = (
            ""
            if last
            else f"(途中のフォルダ {part.name} が{'リンク' if stat.S_ISLNK(st.st_mode) else 'フォルダではありません'}です)"
        )
        if stat.S_ISLNK(st.st_mode):
            raise UnsafeFile(path, LINK.format(part=where))
        if not last and not stat.S_ISDIR(st.st_mode):
            raise UnsafeFile(path, NOT_FOLDER.format(part=where))
    assert st is not None
    if folder and not stat.S_ISDIR(st.st_mode):
        raise UnsafeFile(path, NOT_FOLDER.format(part=""))
    if not folder and not stat.S_ISREG(st.st_mode):
        what = "フォルダです" if stat.S_ISDIR(st.st_mode) else NOT_REGULAR.format(part=f"({_kind(st.st_mode)})")
        raise UnsafeFile(path, what)
    return st


def exists(path: Path | str) -> bool:
    """Whether anything stands at path, a link included (os.path.exists follows links)."""
    return os.path.lexists(path)


def read_bytes(path: Path | str, root: Path | None = None) -> bytes:
    check(path, root)
    try:
        fd = os.open(path, _FLAGS)
    except OSError as e:
        if e.errno in (getattr(os, "ELOOP", -1), getattr(os, "EMLINK", -1)):  # swapped for a link since
            raise UnsafeFile(path, LINK.format(part="")) from None
        raise
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFile(path, NOT_REGULAR.format(part=f"({_kind(st.st_mode)})"))
        return f.read()


def read_text(path: Path | str, root: Path | None = None) -> str:
    """The file's text as UTF-8 (UnicodeDecodeError as Path.read_text); newlines as written."""
    return read_bytes(path, root).decode("utf-8")


def walk(folder: Path | str, root: Path | None = None) -> Iterator[Path]:
    """Every regular file under folder (sorted, depth first), any link or special file refused."""
    folder = Path(folder)
    check(folder, root, folder=True)
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        p = folder / entry.name
        st = entry.stat(follow_symlinks=False)
        if stat.S_ISLNK(st.st_mode):
            raise UnsafeFile(p, LINK.format(part=""))
        if stat.S_ISDIR(st.st_mode):
            yield from walk(p, root)
        elif stat.S_ISREG(st.st_mode):
            yield p
        else:
            raise UnsafeFile(p, NOT_REGULAR.format(part=f"({_kind(st.st_mode)})"))


def copy_tree(src: Path | str, dest: Path | str, root: Path | None = None) -> None:
    """src's files copied over dest (shutil.copytree(dirs_exist_ok=True) without following a link);
    every file is checked before any is written."""
    src, dest = Path(src), Path(dest)
    files = [(p, read_bytes(p, root)) for p in walk(src, root)]
    dest.mkdir(parents=True, exist_ok=True)
    for p, data in files:
        out = dest / p.relative_to(src)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)


def write_new(
    path: Path | str, data: bytes, force: bool = False, source: Path | str | None = None, folders: bool = False
) -> Path:
    """Write a file a command makes (an import's YAML, an export) whole or not at all: into a temporary
    file beside it, then renamed over (a full disk or a kill leaves the old file, never half a new one).
    A file already there is kept unless `force` (it may have been edited since); a symbolic link there
    is replaced as a link, never written through; `source`, the file the command read, is never the
    file it writes (`export 1.yaml --out 1.yaml`). `folders`: make the missing folders on the way."""
    path = Path(path)
    if source is not None and path.exists() and os.path.samefile(path, source):
        raise PiasiteError(f"{path}: 読み込んだファイルそのものには書き出せません(別の名前を指定してください)")
    if (path.exists() or path.is_symlink()) and not force:
        raise PiasiteError(f"{path} はもうあります。書き換えるときは --force を付けてください(何も書き出していません)")
    if path.is_dir():
        raise PiasiteError(f"{path} はフォルダです。ファイルの名前を指定してください(何も書き出していません)")
    if folders:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.parent.is_dir():
        raise PiasiteError(f"{path.parent} というフォルダがありません(何も書き出していません)")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise PiasiteError(f"{path} に書き出せません({e.strerror or e})。何も書き出していません") from None
    return path
