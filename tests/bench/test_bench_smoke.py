"""The benchmarks of bench/ run (smoke tests, not timed: the figures are theirs to print, issue 20)."""

from __future__ import annotations

import collections
import subprocess
import sys
from pathlib import Path

import pytest

from bench import build_time, corpus

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, timeout: int = 900) -> str:
    p = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert p.returncode == 0, p.stderr[-3000:]
    return p.stdout


def test_corpus_holds_the_mix_of_forms():
    forms = collections.Counter(form for _, form, _ in corpus.documents(30))
    assert forms == {"基礎項目評価書": 21, "重点項目評価書": 6, "全項目評価書": 3}


def test_corpus_versions_are_commits_with_trailers_and_check_clean(tmp_path):
    content = corpus.make(tmp_path / "repo", 10, versions=3)
    log = subprocess.run(
        ["git", "log", "--format=%B%x00"], cwd=tmp_path / "repo", capture_output=True, text=True, check=True
    ).stdout
    messages = [m.strip() for m in log.split("\0") if m.strip()]
    assert len(messages) == 1 + 2 * 10
    assert sum("変更日: " in m and "提出時期: 事後" in m for m in messages) == 20
    out = subprocess.run(
        [sys.executable, "-m", "piasite", "check", str(content)], cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "エラー 0 件" in out.stdout + out.stderr
    # each later version changed the document (no empty commit)
    stat = subprocess.run(
        ["git", "log", "--format=", "--numstat"], cwd=tmp_path / "repo", capture_output=True, text=True, check=True
    ).stdout
    assert stat.count("\n") >= 1 + 2 * 10


def test_corpus_is_the_same_every_run(tmp_path):
    heads = []
    for k in range(2):
        corpus.make(tmp_path / f"r{k}", 5)
        heads.append(
            subprocess.run(["git", "rev-parse", "HEAD"], cwd=tmp_path / f"r{k}", capture_output=True, text=True).stdout
        )
    assert heads[0] == heads[1]


def test_tree_memory_counts_the_children():
    code = (
        "import subprocess, sys; subprocess.run([sys.executable, '-c', "
        "\"b = bytearray(80 * 1024 * 1024); import time; time.sleep(1.5)\"])"
    )
    p = subprocess.Popen([sys.executable, "-c", code])
    sampler = build_time.TreeSampler(p.pid)
    sampler.start()
    p.wait()
    sampler.stop.set()
    sampler.join()
    assert sampler.peak_kb >= 80 * 1024, sampler.peak_kb  # the grandchild's 80 MB are in the sum


def test_history_bench_runs():
    out = _run("-m", "bench.history_time", "--files", "10", "--commits", "40")
    assert "キャッシュなし" in out and "git log --raw" in out


@pytest.mark.slow
def test_build_bench_runs():
    out = _run("-m", "bench.build_time", "--sizes", "10", "--no-seed")
    assert "| synthetic-10 |" in out and "プロセスツリー全体の最大" in out and "変更履歴 キャッシュなし" in out


@pytest.mark.slow
def test_serve_bench_runs():
    out = _run("-m", "bench.serve_time", "--size", "10", "--repeat", "1")
    assert "比 (1 ファイルの変更 / 全体の組み立て)" in out
