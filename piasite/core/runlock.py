"""Runs that cannot interfere: one build per output folder at a time, each run in its own work folder.

A build replaces its output folder (<out>.tmp assembled, <out>.old kept until the swap): two builds
on the same output at once would delete each other's halves. So a build holds an exclusive
fcntl.flock on <out>.lock, a file beside the output that piasite creates and owns (opened without
following a symlink, never truncated before it is held, never deleted: deleting it would let a third
run lock a new file while the second still holds the old one). A second build on the same output is
refused at once, before anything is written. The lock is the kernel's: a run killed with SIGKILL
leaves no stale lock behind.

Each run (build, serve) generates in a private folder of its own, build/run-XXXXXXXX (tempfile.mkdtemp),
holding its generated pages, bodies, theme and engine configuration: a serve's staff build and a
public build never read or write the same file. The folder holds its own lock while the run lives; a
folder whose lock nobody holds (its run was killed) is removed by the next run.

A full disk is told in Japanese, naming the path, instead of Python's or Pagefind's text (disk_full).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from piasite.core.errors import PiasiteError

RUN_PREFIX = "run-"
RUN_LOCK = ".lock"
# What piasite wrote straight into build/ before each run had its own folder: removed (as links when links).
LEGACY = ("docs", "theme", "piasite-bodies", "zensical-site", "serve", "engine-mkdocs.yml", "engine-zensical.yml")
UNLOCKED_GRACE = 600  # seconds a run folder without its lock file is left alone (a run between mkdtemp and lock)


class BusyError(PiasiteError):
    pass


class DiskFullError(PiasiteError):
    pass


def lock_path(out: Path) -> Path:
    """<out>.lock beside the output as given (a symlinked output is refused by outdir.check)."""
    lexical = Path(os.path.abspath(out))
    return lexical.with_name(lexical.name + ".lock")


def _open(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise BusyError(
                f"{path} はシンボリックリンクです。piasite は組み立ての間この錠のファイルを使うため、"
                "リンク先を書き換えないよう止めました。消してから実行してください"
            ) from None
        if e.errno == errno.EISDIR:
            raise BusyError(
                f"{path} がフォルダです。piasite は組み立ての間ここに錠のファイルを作るため、"
                "フォルダを移してから実行してください"
            ) from None
        raise


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


@contextlib.contextmanager
def output(out: Path) -> Iterator[Path]:
    """Hold <out>.lock for the block; BusyError (at once) when another run holds it."""
    path = lock_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _open(path)
    try:
        if not _try_flock(fd):
            try:
                holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
            except OSError:
                holder = ""
            who = f"(プロセス {holder})" if holder.isdigit() else ""
            raise BusyError(
                f"{out} には、別の piasite が今サイトを組み立てています{who}。同じ出力先に同時に 2 つは"
                "組み立てません。前の組み立てが終わってから、もう一度実行してください(これまでのサイトはそのままです)"
            )
        with contextlib.suppress(OSError):  # who holds it, for the message above; a file of someone else's left as is
            if os.pread(fd, 64, 0).strip().isdigit() or os.fstat(fd).st_size == 0:
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield path
    finally:
        os.close(fd)  # releases the flock; the file stays (see the module's docstring)


@contextlib.contextmanager
def private(work: Path) -> Iterator[Path]:
    """A fresh folder work/run-XXXXXXXX of this run only, locked while the block runs, removed after it."""
    sweep(work)
    run = Path(tempfile.mkdtemp(prefix=RUN_PREFIX, dir=work))
    fd = _open(run / RUN_LOCK)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a fresh file: nobody else holds it
    try:
        yield run
    finally:
        shutil.rmtree(run, ignore_errors=True)
        os.close(fd)


def sweep(work: Path) -> None:
    """Remove the run folders of runs that died (their lock is free) and what older versions left in build/."""
    for name in LEGACY:
        p = Path(work) / name
        with contextlib.suppress(OSError):
            if p.is_symlink() or (p.exists() and not p.is_dir()):
                p.unlink()
            elif p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
    for run in Path(work).glob(RUN_PREFIX + "*"):
        with contextlib.suppress(OSError):
            if run.is_symlink() or not run.is_dir():
                run.unlink()
                continue
            lock = run / RUN_LOCK
            if not lock.exists() and not lock.is_symlink():
                if time.time() - run.stat().st_mtime > UNLOCKED_GRACE:
                    shutil.rmtree(run, ignore_errors=True)
                continue
            fd = _open(lock)
            try:
                if _try_flock(fd):
                    shutil.rmtree(run, ignore_errors=True)
            finally:
                os.close(fd)


# -- a full disk -----------------------------------------------------------------------------------
FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
FULL_TEXTS = ("No space left on device", "os error 28", "Errno 28", "Disk quota exceeded", "os error 122")


def is_full(e: BaseException) -> bool:
    return isinstance(e, OSError) and e.errno in FULL_ERRNOS


def said_full(output: str) -> bool:
    """A child process (the engine, Pagefind) failed because the disk is full: what it printed says so."""
    return any(t in (output or "") for t in FULL_TEXTS)


def disk_full(path: Path | str | None, site_kept: bool = True) -> DiskFullError:
    where = f"({path} に書き込めません)" if path else ""
    kept = "(これまでのサイトはそのままです)" if site_kept else ""
    return DiskFullError(f"ディスクがいっぱいです{where}。空きを作ってから、もう一度実行してください{kept}")
