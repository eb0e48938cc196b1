"""The search index: the same bytes whatever order the file system lists files in; long runs split."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest

from piasite.engine.pagefind import RUN, breakable, index_site


def _digest(root: Path) -> dict:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _copy(src: Path, dst: Path, files: list[Path]) -> None:
    for f in files:
        t = dst / f.relative_to(src)
        t.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, t)


@pytest.fixture
def scratch(tmp_path):
    """A tmpfs folder when there is one (its listing order is the order files were made in,
    unlike ext4's), else tmp_path."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        d = shm / f"piasite-test-{os.getpid()}-{tmp_path.name}"
        d.mkdir()
        yield d
        shutil.rmtree(d, ignore_errors=True)
    else:
        yield tmp_path / "scratch"


def test_index_does_not_depend_on_file_order(fixture_site, scratch):
    site = fixture_site  # tests/roots/basic as build_site makes it (conftest.py): only read here
    files = sorted(p for p in site.rglob("*") if p.is_file() and "pagefind" not in p.relative_to(site).parts)
    a, b = scratch / "a", scratch / "b"
    _copy(site, a, files)
    _copy(site, b, files[::-1])
    # the two trees list their files in different orders (on tmpfs): what made the indexes differ
    index_site(a)
    index_site(b)
    assert _digest(a / "pagefind") == _digest(b / "pagefind") == _digest(site / "pagefind")


def test_long_runs_are_split_for_the_index_only():
    html = "<p>" + "あ" * 2500 + "&amp;" * 300 + "</p><p>" + "普通の文。" * 400 + "</p>"
    out = breakable(html)
    runs = re.split(r"[\s<>。、]", out)
    assert max(len(r) for r in runs) <= RUN + 2
    assert out.replace(" ", "") == html.replace(" ", "")  # only spaces added
    assert "&amp" + " " not in out and "& " not in out  # never inside a character reference
    assert breakable("<p>普通の文。" * 3 + "</p>") == "<p>普通の文。" * 3 + "</p>"


def test_a_large_unbroken_value_is_indexed(tmp_path):
    """300 KB without a break (Pagefind alone is quadratic on it); the page keeps it whole."""
    page = tmp_path / "site" / "x" / "index.html"
    page.parent.mkdir(parents=True)
    value = "あ" * 300_000
    page.write_text(
        '<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>t</title></head><body>'
        f'<div data-pagefind-body><h1>大きい値</h1><p>{value}</p><p>目印の語</p></div></body></html>',
        encoding="utf-8",
    )
    before = page.read_bytes()
    index_site(tmp_path / "site")
    assert page.read_bytes() == before
    fragments = list((tmp_path / "site/pagefind/fragment").glob("*.pf_fragment"))
    text = gzip.decompress(fragments[0].read_bytes()).decode("utf-8").replace("\u200b", "")
    assert len(fragments) == 1 and "目印の語" in text
