"""A value published, then withheld: no output made from the history shows it, in any version.

Commit 1 publishes a 委託先名 and a long text; commit 2 withholds both (with new values);
commit 3 changes something else. The whole site (Pagefind's gzipped index included),
`piasite diff` and `piasite changelog` must hold none of the four values; the change log
says that the withheld items changed, and the raw file is not linked.
"""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path

import pytest

from tests.clirun import piasite
from tests.gitrepo import BASE, base_repo

REPO_ROOT = Path(__file__).resolve().parents[2]
F = "content/higashiyama/5.yaml"
SECRETS = ["株式会社ヒミツ工業", "株式会社ナイショ商事", "秘密の手順書アルファ", "秘密の手順書ベータ"]
SOURCE = "https://example.jp/city/pia/blob/main"


def _run(cwd, *args) -> subprocess.CompletedProcess:
    """A command in this process (tests/clirun.py): all it prints, stdout and stderr, is captured."""
    proc = piasite(*args, cwd=cwd)
    assert proc.returncode == 0, (args, proc.stderr)
    return proc


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    r = base_repo(tmp_path_factory.mktemp("withheld"))
    conf = (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    r.write("mkdocs.yml", conf.replace('source_url: ""', f'source_url: "{SOURCE}"'))
    r.write(".gitignore", "/build/\n/site/\n")
    r.write("content/nishiyama/7.yaml", BASE.read_text(encoding="utf-8").replace("評価書番号: 5", "評価書番号: 7"))
    r.edit(F, "委託先名: 株式会社ジーシーシー", f"委託先名: {SECRETS[0]}")
    r.edit(F, "    内容: |\n", f"    内容: |\n      {SECRETS[2]}に従う。\n")
    r.commit("委託先と内容を変更\n\n変更日: 2025-12-10")
    r.edit(F, f"委託先名: {SECRETS[0]}", f"委託先名: !非公表 {SECRETS[1]}")
    r.edit(F, f"    内容: |\n      {SECRETS[2]}に従う。\n", f"    内容: !非公表 |\n      {SECRETS[3]}に従う。\n")
    r.commit("非公表にする\n\n変更日: 2026-01-05")
    r.edit(F, "対象人数: 10万人以上30万人未満", "対象人数: 1万人以上10万人未満")
    r.commit("対象人数を変更\n\n変更日: 2026-02-01")
    return r


def _leaks(data: bytes) -> list[str]:
    return [s for s in SECRETS if s.encode() in data]


def test_no_page_feed_or_index_part_shows_them(repo):
    _run(repo.root, "build")
    site = repo.root / "site"
    n = 0
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":  # Pagefind's index and fragments are gzipped
            raw = gzip.decompress(raw)
        raw = raw.replace(b"<wbr>", b"")  # a text broken by phrase (site/phrases.py) is the text still
        assert not _leaks(raw), (path, _leaks(raw))
        n += 1
    assert n > 30
    assert (site / "higashiyama/5/v/1/index.html").exists() and (site / "higashiyama/5/compare/index.html").exists()
    hist = (site / "higashiyama/5/history/index.html").read_text(encoding="utf-8").replace("<wbr>", "")
    assert "非公表(内容を変更)" in hist
    assert SOURCE not in (site / "nishiyama/7/index.html").read_text(encoding="utf-8")  # public: no source links


@pytest.mark.slow
def test_staff_build_links_no_raw_file_holding_them(repo):
    """The staff build links the raw files, but never one holding 非公表 values (a second build: slow)."""
    _run(repo.root, "build", "--staff", "--out", "site-staff")
    site = repo.root / "site-staff"
    for path in sorted(site.rglob("*.html")):
        assert not _leaks(path.read_bytes()), path
    page = (site / "higashiyama/5/index.html").read_text(encoding="utf-8")
    assert SOURCE not in page  # the raw file holds the withheld values: not linked
    assert f'{SOURCE}/content/nishiyama/7.yaml' in (site / "nishiyama/7/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_diff_does_not_show_them(repo, fmt):
    for base in ("HEAD~1", "HEAD~2", "HEAD~3"):
        out = _run(repo.root, "diff", base, "HEAD", "--format", fmt).stdout
        assert not _leaks(out.encode()), (base, out)
    assert "非公表" in _run(repo.root, "diff", "HEAD~3", "HEAD~1", "--format", fmt).stdout


@pytest.mark.parametrize("fmt", ["md", "json", "csv"])
def test_changelog_does_not_show_them(repo, fmt):
    res = _run(repo.root, "changelog", F, "--format", fmt)
    assert not _leaks((res.stdout + res.stderr).encode())
    assert "非公表(内容を変更)" in res.stdout
    if fmt == "json":
        rows = json.loads(res.stdout)
        assert "2026-01-05" in {r["変更日"] for r in rows if "非公表" in r["変更後の記載"]}
