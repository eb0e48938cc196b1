"""Promise: 組み立ては互いに干渉しない (SECURITY.md).

Each run (build, serve) writes in a private work folder; a second build on the same output is
refused at once with a Japanese message and the previous site is kept whole; serve's staff build
(取込メモ) never reaches a public site built beside it; a full disk and a Pagefind failure are told
in Japanese without Python's or Pagefind's own text; serve with content/ deleted says so.
Real processes where concurrency is the point (piasite/runlock.py, build.py, serve.py)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.clirun import piasite
from tests.gitrepo import base_repo

ROOT = Path(__file__).resolve().parent.parent.parent
CANARY = "職員だけの取込メモ・カナリア七三一"  # a 取込メモ: staff build only, never the public site


def unbroken(html: str) -> str:
    """A page's text as a reader sees it: without the <wbr> of Japanese phrase breaking (site/phrases.py)."""
    return html.replace("<wbr>", "")


def read(path) -> str:
    return unbroken(path.read_text(encoding="utf-8"))


PAGE = "higashiyama/5/index.html"
PANIC = (
    "thread 'main' panicked at pagefind/src/service/mod.rs:87:55:\n"
    "called `Result::unwrap()` on an `Err` value: Os { code: 5, kind: Uncategorized, message: \"I/O error\" }\n"
    "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n"
)


@pytest.fixture
def city(tmp_path):
    r = base_repo(tmp_path / "city")
    shutil.copy(ROOT / "mkdocs.yml", r.path("mkdocs.yml"))
    r.write(".gitignore", "/site/\n/site.lock\n/build/\n")
    text = r.path("content/higashiyama/5.yaml").read_text(encoding="utf-8")
    r.write("content/higashiyama/5.yaml", text + f"取込メモ:\n  - 行: 10\n    本文: {CANARY}\n    理由: テスト\n")
    r.commit("取込メモ")
    (r.root / "node_modules").symlink_to(ROOT / "node_modules")
    return r


def env(**extra: str) -> dict[str, str]:
    """The environment of a piasite process (read at the call: conftest sets the history cache's folder)."""
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


def digest(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def complete(site: Path) -> None:
    assert (site / PAGE).is_file() and (site / "index.html").is_file() and (site / ".piasite-site").is_file()
    assert (site / "pagefind" / "pagefind.js").is_file() and (site / "pagefind" / "pagefind-entry.json").is_file()


def leaks(site: Path, text: str) -> list[str]:
    out = []
    for p in site.rglob("*"):
        if p.is_file():
            raw = p.read_bytes()
            if raw[:2] == b"\x1f\x8b":  # Pagefind's index and fragments are gzipped
                raw = gzip.decompress(raw)
            raw = raw.replace(b"<wbr>", b"")  # a text broken into phrases is still the text
            if text.encode("utf-8") in raw:
                out.append(p.relative_to(site).as_posix())
    return out


def clean(stderr: str) -> None:
    for raw in ("Traceback", "panicked", "RUST_BACKTRACE", "Errno", "No space left", "OSError", "os error"):
        assert raw not in stderr, (raw, stderr)


def build_proc(cwd: Path, *args: str, environ: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "piasite", "build", *args],
        cwd=cwd,
        env=environ or env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def slow_pagefind(tmp_path: Path, seconds: float) -> Path:
    """The real Pagefind, started `seconds` late: a build that holds its lock long enough to be met."""
    real = ROOT / "node_modules" / "@pagefind" / "linux-x64" / "bin" / "pagefind_extended"
    fake = tmp_path / "slow-pagefind"
    # its version answered at once (the build checks it before taking its lock)
    fake.write_text(
        f'#!/bin/sh\n[ "$1" = --version ] && exec {real} --version\nsleep {seconds}\nexec {real} "$@"\n',
        encoding="utf-8",
    )
    fake.chmod(0o755)
    return fake


def fake_pagefind(tmp_path: Path, stderr: str, code: int = 101, read_first: bool = False) -> Path:
    fake = tmp_path / "broken-pagefind"
    (tmp_path / "panic.txt").write_text(stderr, encoding="utf-8")
    # read_first: it takes the first request (the index is being made), then dies
    wait = "head -c 10 >/dev/null\n" if read_first else ""
    version = '[ "$1" = --version ] && echo "pagefind 1.6.0" && exit 0\n'  # it starts, then fails on the index
    fake.write_text(f"#!/bin/sh\n{version}{wait}cat {tmp_path / 'panic.txt'} >&2\nexit {code}\n", encoding="utf-8")
    fake.chmod(0o755)
    return fake


def held(lock: Path) -> bool:
    """Another process holds an flock on lock (tried from here without waiting)."""
    import fcntl

    if not lock.exists():
        return False
    fd = os.open(lock, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def until(fn, seconds: float = 60.0, every: float = 0.05):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            v = fn()
            if v:
                return v
        except OSError:
            pass
        time.sleep(every)
    raise AssertionError("timed out")


# -- a second build on the same output -------------------------------------------------------------
def test_a_build_meeting_a_held_lock_refuses_at_once_and_keeps_the_site(city):
    """Fast tier: the lock held from here (another open file: flock conflicts within one process too)."""
    from piasite.core import runlock

    assert piasite("build", cwd=city.root).returncode == 0
    site = city.root / "site"
    before = digest(site)
    with runlock.output(site):
        t0 = time.monotonic()
        proc = piasite("build", cwd=city.root)
        took = time.monotonic() - t0
    assert proc.returncode == 1 and "別の piasite" in proc.stderr and "そのまま" in proc.stderr, proc.stderr
    clean(proc.stderr)
    assert took < 5, took
    assert digest(site) == before
    assert not (city.root / "site.tmp").exists() and not (city.root / "site.old").exists()
    assert piasite("build", cwd=city.root).returncode == 0  # free again: nothing stale left behind


@pytest.mark.slow
def test_two_builds_at_once_one_refuses_the_other_completes(city, tmp_path):
    assert piasite("build", cwd=city.root).returncode == 0
    site = city.root / "site"
    before = digest(site)
    first = build_proc(city.root, environ=env(PIASITE_PAGEFIND=str(slow_pagefind(tmp_path, 4))))
    try:
        until(lambda: held(city.root / "site.lock") or first.poll() is not None, 60)
        assert first.poll() is None, first.communicate()
        t0 = time.monotonic()
        second = subprocess.run(
            [sys.executable, "-m", "piasite", "build"],
            cwd=city.root,
            env=env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        took = time.monotonic() - t0
        assert second.returncode == 1, second.stderr
        assert "別の piasite" in second.stderr and "site" in second.stderr and "そのまま" in second.stderr, (
            second.stderr
        )
        clean(second.stderr)
        assert took < 10, took  # at once, not after the first one's work
        assert digest(site) == before  # the previous site whole while the first one works
        _, err = first.communicate(timeout=180)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
    assert first.returncode == 0, err
    complete(site)
    assert digest(site) == before  # same content, reproducible: the whole site, not a mix of two
    assert not (city.root / "site.tmp").exists() and not (city.root / "site.old").exists()
    assert not list((city.root / "build").glob("run-*"))  # each run's folder went with it


@pytest.mark.slow
def test_builds_to_two_outputs_at_once_both_complete(city, tmp_path):
    """Different outputs are not refused: each run has its own work folder, so neither sees the other's pages."""
    slow = env(PIASITE_PAGEFIND=str(slow_pagefind(tmp_path, 2)))
    a = build_proc(city.root, "--out", "site-a", environ=slow)
    b = build_proc(city.root, "--out", "site-b", "--staff")
    (_, ea), (_, eb) = a.communicate(timeout=180), b.communicate(timeout=180)
    assert a.returncode == 0 and b.returncode == 0, (ea, eb)
    complete(city.root / "site-a")
    complete(city.root / "site-b")
    assert leaks(city.root / "site-a", CANARY) == []
    assert CANARY in read(city.root / "site-b" / PAGE)


def test_a_symlinked_lock_file_is_refused_not_followed(city, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("書き換えない", encoding="utf-8")
    (city.root / "site.lock").symlink_to(victim)
    proc = piasite("build", cwd=city.root)
    assert proc.returncode == 1 and "site.lock" in proc.stderr and "シンボリックリンク" in proc.stderr, proc.stderr
    clean(proc.stderr)
    assert victim.read_text(encoding="utf-8") == "書き換えない" and not (city.root / "site").exists()


def test_a_lock_file_that_is_not_ours_is_left_as_it_is(city):
    """Never truncated nor deleted: piasite only takes an flock on it."""
    (city.root / "site.lock").write_text("ユーザーのメモ\n", encoding="utf-8")
    assert piasite("build", cwd=city.root).returncode == 0
    assert (city.root / "site.lock").read_text(encoding="utf-8") == "ユーザーのメモ\n"


@pytest.mark.slow
def test_sigkill_during_builds_leaves_the_site_whole_and_the_next_build_works(city):
    assert piasite("build", cwd=city.root).returncode == 0
    site = city.root / "site"
    before = digest(site)
    rnd = random.Random(17)
    for _ in range(6):
        proc = build_proc(city.root)
        time.sleep(rnd.uniform(0.3, 2.5))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        assert digest(site) == before
    assert piasite("build", cwd=city.root).returncode == 0  # no stale lock: the kernel dropped it
    assert digest(site) == before
    assert not list((city.root / "build").glob("run-*"))  # the killed runs' folders were swept


# -- serve beside build ----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


@pytest.fixture
def served(city):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "piasite", "serve", "--port", str(port)],
        cwd=city.root,
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        until(lambda: get(base + "__piasite__/status")[0] == 200 or proc.poll() is not None, 120, 0.2)
        assert proc.poll() is None, proc.communicate()
        yield city, base
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                _, err = proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                _, err = proc.communicate()
        else:
            _, err = proc.communicate()
        assert "Traceback" not in err, err


def status(base: str) -> dict:
    return json.loads(get(base + "__piasite__/status")[1])


@pytest.mark.slow
def test_a_build_while_serve_runs_is_public_and_the_preview_stays_staff(served):
    city, base = served
    assert CANARY in unbroken(get(base + "higashiyama/5/")[1])  # the preview is the staff build
    f = city.root / "content/higashiyama/5.yaml"
    text = f.read_text(encoding="utf-8")
    stop = threading.Event()

    def keep_saving() -> None:  # serve regenerates its staff pages again and again while the build runs
        n = 0
        while not stop.is_set():
            n += 1
            f.write_text(
                text.replace("個人住民税に関する事務", f"個人住民税に関する事務{n % 2 or ''}", 1), encoding="utf-8"
            )
            time.sleep(0.15)

    saver = threading.Thread(target=keep_saving)
    saver.start()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "piasite", "build"],
            cwd=city.root,
            env=env(),
            capture_output=True,
            text=True,
            timeout=180,
        )
    finally:
        stop.set()
        saver.join()
        f.write_text(text, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr
    site = city.root / "site"
    complete(site)
    assert leaks(site, CANARY) == []
    assert leaks(site, "content/higashiyama/5.yaml") == []  # the staff build's file paths neither
    # the preview still serves its own staff pages: the build replaced none of its files
    until(lambda: status(base)["problems"] == [] and CANARY in unbroken(get(base + "higashiyama/5/")[1]), 60, 0.2)
    # nothing of serve's is where build reads or writes: only run folders in build/
    assert {p.name.split("-")[0] for p in (city.root / "build").iterdir()} <= {"run"}


@pytest.mark.slow
def test_serve_with_content_deleted_says_so(served):
    city, base = served
    assert CANARY in unbroken(get(base + "higashiyama/5/")[1])
    content = city.root / "content"
    content.rename(city.root / "content-moved")
    until(lambda: any("見つかりません" in p for p in status(base)["problems"]), 30, 0.2)
    code, page = get(base + "higashiyama/5/")
    assert code == 200 and "評価書" in page  # the last good page stays, with the message over it (status)
    code, page = get(base + "higashiyama/99/")
    assert code == 404 and "評価書のフォルダ" in page and "見つかりません" in page, page
    assert "__piasite__/status" in page  # it reloads itself once the folder is back
    assert "Error response" not in page and "File not found" not in page
    (city.root / "content-moved").rename(content)
    until(lambda: status(base)["problems"] == [] and CANARY in unbroken(get(base + "higashiyama/5/")[1]), 60, 0.2)


# -- a full disk, a failing Pagefind -------------------------------------------------------------------
@pytest.fixture
def tiny_disk(tmp_path):
    """A 12 MB tmpfs (root only; skipped elsewhere): a real ENOSPC, from Python, MkDocs and Pagefind alike."""
    where = tmp_path / "tiny"
    where.mkdir()
    ok = (
        os.geteuid() == 0
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(where)], capture_output=True
        ).returncode
        == 0
    )
    if not ok:
        pytest.skip("a tiny tmpfs needs root (mount -t tmpfs)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill_up(where: Path, leave: int) -> None:
    """Fill the file system at where, leaving about `leave` bytes free."""
    st = os.statvfs(where)
    free = st.f_bavail * st.f_frsize
    with open(where / "filler", "wb") as f:
        f.write(b"\0" * max(0, free - leave))


@pytest.mark.slow
@pytest.mark.parametrize("leave", [40_000, 1_500_000, 3_600_000])
def test_a_full_disk_under_the_output_is_told_in_japanese(city, tiny_disk, leave):
    """The output on a full disk: the engine's writing, Pagefind's or piasite's own fails on ENOSPC,
    as far as the free space leaves each one to go."""
    out = tiny_disk / "site"
    first = subprocess.run(
        [sys.executable, "-m", "piasite", "build", "--out", str(out)],
        cwd=city.root,
        env=env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    if first.returncode != 0:
        pytest.skip(f"the site does not fit 12 MB once: {first.stderr[-300:]}")
    before = digest(out)
    fill_up(tiny_disk, leave)
    proc = subprocess.run(
        [sys.executable, "-m", "piasite", "build", "--out", str(out)],
        cwd=city.root,
        env=env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 1, proc.stderr
    assert "ディスクがいっぱいです" in proc.stderr and str(tiny_disk) in proc.stderr, proc.stderr
    assert "そのまま" in proc.stderr
    clean(proc.stderr)
    assert digest(out) == before
    assert not (tiny_disk / "site.tmp").exists() and not (tiny_disk / "site.old").exists()


@pytest.mark.slow
def test_a_full_disk_under_the_project_is_told_in_japanese(city, tiny_disk):
    """The project itself (its work folder build/) on a full disk: the generation fails on ENOSPC."""
    project = tiny_disk / "city"
    shutil.copytree(city.root, project, symlinks=True, ignore=shutil.ignore_patterns("site", "build"))
    site = city.root / "elsewhere-site"
    fill_up(tiny_disk, 20_000)
    proc = subprocess.run(
        [sys.executable, "-m", "piasite", "build", "--allow-shallow", "--out", str(site)],
        cwd=project,
        env=env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 1, proc.stderr
    assert "ディスクがいっぱいです" in proc.stderr and str(tiny_disk) in proc.stderr, proc.stderr
    clean(proc.stderr)
    assert not site.exists()


def test_pagefind_out_of_space_is_a_full_disk(city, tmp_path, monkeypatch):
    """Pagefind's own panic on ENOSPC (what it prints when its WriteFiles fails) is told as a full disk."""
    assert piasite("build", cwd=city.root).returncode == 0
    before = digest(city.root / "site")
    panic = PANIC.replace(
        'Os { code: 5, kind: Uncategorized, message: "I/O error" }',
        'Os { code: 28, kind: StorageFull, message: "No space left on device" }',
    )
    monkeypatch.setenv("PIASITE_PAGEFIND", str(fake_pagefind(tmp_path, panic, read_first=True)))
    proc = piasite("build", cwd=city.root)
    assert proc.returncode == 1 and "ディスクがいっぱいです" in proc.stderr and "そのまま" in proc.stderr, proc.stderr
    clean(proc.stderr)
    assert digest(city.root / "site") == before


@pytest.mark.parametrize("read_first", [False, True])
def test_a_failing_pagefind_is_told_without_its_panic(city, tmp_path, monkeypatch, read_first):
    assert piasite("build", cwd=city.root).returncode == 0
    before = digest(city.root / "site")
    monkeypatch.setenv("PIASITE_PAGEFIND", str(fake_pagefind(tmp_path, PANIC, read_first=read_first)))
    proc = piasite("build", cwd=city.root)
    assert proc.returncode == 1, proc.stderr
    assert "Pagefind" in proc.stderr and "検索索引を作れませんでした" in proc.stderr and "そのまま" in proc.stderr, (
        proc.stderr
    )
    clean(proc.stderr)
    assert "unwrap" not in proc.stderr and "mod.rs" not in proc.stderr
    assert digest(city.root / "site") == before
    assert not (city.root / "site.tmp").exists()


def test_a_pagefind_that_cannot_start_is_told(city, tmp_path, monkeypatch):
    bad = tmp_path / "pagefind-not-executable"
    bad.write_text("not a program", encoding="utf-8")
    monkeypatch.setenv("PIASITE_PAGEFIND", str(bad))
    proc = piasite("build", cwd=city.root)
    assert proc.returncode == 1 and "Pagefind" in proc.stderr and "起動できません" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and not (city.root / "site").exists()
