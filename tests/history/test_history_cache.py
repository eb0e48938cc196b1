"""The history cache holds data only, outside the working tree; a bad entry is ignored."""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import shutil
import subprocess
import sys

import pytest

from piasite.history import cache as blobcache
from piasite.history.versions import load_history
from piasite.model.reader import Uncertain, Withheld
from tests.gitrepo import base_repo

REPO_ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


class _Boom:
    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _piasite(cwd, *args):
    return subprocess.run(
        [sys.executable, "-m", "piasite", *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


@pytest.mark.slow
def test_a_committed_pickle_runs_nothing(tmp_path):
    r = base_repo(tmp_path / "origin")
    marker = tmp_path / "pwned"
    blob = r.git("rev-parse", "HEAD:content/higashiyama/5.yaml")
    evil = pickle.dumps(("ok", _Boom(marker)))
    for sub in ("blobs-v1", "blobs-v2"):  # where the cache was, and beside it
        for name in (blob, blob + ".json"):
            f = r.path(f".cache/piasite/{sub}/{blob[:2]}/{name}")
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_bytes(evil)
    shutil.copy(REPO_ROOT / "mkdocs.yml", r.path("mkdocs.yml"))
    r.git("add", "-f", ".cache", "mkdocs.yml")
    r.commit("キャッシュを追加")
    r.edit("content/higashiyama/5.yaml", "委託先名: 株式会社ジーシーシー", "委託先名: 株式会社テスト保守")
    r.commit("委託先を変更")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(r.root), str(clone)], check=True)
    assert (clone / ".cache/piasite/blobs-v1").is_dir()
    for args in (["build"], ["changelog", "content/higashiyama/5.yaml"], ["check", "--since", "HEAD~2"]):
        proc = _piasite(clone, *args)
        assert proc.returncode == 0, (args, proc.stderr)
        assert not marker.exists(), args
    assert (clone / "site/higashiyama/5/index.html").exists()


def test_cache_is_outside_the_working_tree(tmp_path, monkeypatch):
    monkeypatch.delenv("PIASITE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    d = blobcache.cache_dir(tmp_path / "repo")
    assert d.is_relative_to(tmp_path / "xdg" / "piasite")
    assert d != blobcache.cache_dir(tmp_path / "other")  # one folder per repository
    monkeypatch.setenv("PIASITE_CACHE_DIR", str(tmp_path / "mine"))
    assert blobcache.cache_dir(tmp_path / "repo").is_relative_to(tmp_path / "mine")


def test_values_round_trip_and_others_are_not_cached(tmp_path):
    data = {
        "公表日": dt.date(2025, 12, 1),
        "時刻": dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=9))),
        "秘": Withheld({"a": [Withheld("b"), 1.5, None, True]}),
        "\0x": {"\0date": "2025-01-01"},
        "n": 10**30,
        "inf": float("inf"),
        "list": [{"\0withheld": 1}],
        "要確認": Uncertain("原文の行", 12, "読めない", {"guess": [1, "x"]}),
    }
    sha = "ab" * 20
    blobcache.store(tmp_path, sha, ("ok", data))
    assert blobcache.load(tmp_path, sha) == ("ok", data)
    blobcache.store(tmp_path, "cd" * 20, ("ok", {"x": b"binary"}))
    assert blobcache.load(tmp_path, "cd" * 20) is None
    blobcache.store(tmp_path, "ef" * 20, ("err", 3, "YAML の書き方に誤りがあります"))
    assert blobcache.load(tmp_path, "ef" * 20) == ("err", 3, "YAML の書き方に誤りがあります")
    assert blobcache.load(tmp_path, "../../etc/passwd") is None


def test_invalid_entries_are_ignored(tmp_path):
    r = base_repo(tmp_path / "repo")
    r.edit("content/higashiyama/5.yaml", "委託先名: 株式会社ジーシーシー", "委託先名: 株式会社テスト保守")
    r.commit("委託先を変更")
    fresh = load_history(r.root / "content", cache=False)
    load_history(r.root / "content")  # fills the cache
    files = sorted(blobcache.cache_dir(r.root).rglob("*.json"))
    assert len(files) == 2
    sha0 = files[0].stem
    bad = [
        b"\x80garbage",
        b"[1, 2]",
        json.dumps({"v": 2, "blob": "0" * 40, "entry": ["ok", {}]}).encode(),
        json.dumps({"v": 2, "blob": sha0, "entry": ["ok", {"\0date": 5}]}).encode(),
        json.dumps({"v": 2, "blob": sha0, "entry": ["ok", {"\0python": "os.system"}]}).encode(),
        json.dumps({"v": 2, "blob": sha0, "entry": ["err", "1", "x"]}).encode(),
        b"[" * 100000,
    ]
    for content in bad:
        for f in files:
            f.write_bytes(content)
        again = load_history(r.root / "content")
        assert [[v.data for v in fh.versions] for fh in again.files] == [
            [v.data for v in fh.versions] for fh in fresh.files
        ]
    warm = load_history(r.root / "content")  # rewritten by the last run: a valid cache again
    assert [[v.data for v in fh.versions] for fh in warm.files] == [[v.data for v in fh.versions] for fh in fresh.files]
