"""`piasite build --out DIR` replaces DIR: it refuses any folder piasite did not make."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from piasite.core.outdir import MARKER
from tests.clirun import piasite
from tests.conftest import Project


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    r = Project("minimal", tmp_path_factory.mktemp("out") / "city").git_init("東山市 個人住民税 重点項目評価書を登録")
    r.write("notes.txt", "市の大事なメモ\n")
    r.write("content/README.txt", "コミットしていないファイル\n")
    return r


def _build(cwd, *args):
    return piasite("build", *args, cwd=cwd)


def _tree(root: Path) -> dict:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


@pytest.mark.parametrize(
    "out", [".", "..", "content", "content/higashiyama", "./content/../content", "notes.txt", "build"]
)
def test_refuses_what_is_not_a_site(repo, out):
    before = _tree(repo.root.parent)
    proc = _build(repo.root, "--out", out)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith("エラー: ") and "Traceback" not in proc.stderr, proc.stderr
    assert _tree(repo.root.parent) == before


def test_refuses_a_folder_with_other_files_and_their_tmp_and_old(repo, tmp_path):
    other = tmp_path / "docs"
    other.mkdir()
    (other / "index.html").write_text("市のページ", encoding="utf-8")
    proc = _build(repo.root, "--out", str(other))
    assert proc.returncode == 1 and "空でなく" in proc.stderr and "Traceback" not in proc.stderr
    assert (other / "index.html").read_text(encoding="utf-8") == "市のページ"
    for suffix in (".tmp", ".old"):
        side = tmp_path / f"pub{suffix}"
        side.mkdir()
        (side / "keep.txt").write_text("残す", encoding="utf-8")
        proc = _build(repo.root, "--out", str(tmp_path / "pub"))
        assert proc.returncode == 1 and f"pub{suffix}" in proc.stderr, proc.stderr
        assert (side / "keep.txt").exists()
        shutil.rmtree(side)


@pytest.mark.slow
def test_builds_into_an_empty_folder_and_replaces_its_own_site(repo, tmp_path):
    out = tmp_path / "pub"
    out.mkdir()
    assert _build(repo.root, "--out", str(out)).returncode == 0
    assert (out / MARKER).is_file() and (out / "higashiyama/5/index.html").exists()
    proc = _build(repo.root, "--out", str(out))  # again: its own site is replaced
    assert proc.returncode == 0, proc.stderr
    assert (out / MARKER).is_file() and not (tmp_path / "pub.tmp").exists() and not (tmp_path / "pub.old").exists()
    assert (repo.root / "notes.txt").exists()
