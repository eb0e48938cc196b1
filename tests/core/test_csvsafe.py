"""CSV cells never start a formula (OWASP CSV injection): open data indexes and `piasite changelog`."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from piasite.checks.load import load_content
from piasite.cli import main
from piasite.core.csvsafe import cell
from piasite.site.generate import generate
from tests.gitrepo import base_repo

FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\u3000=1+1",
]


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_cells_are_neutralised(value):
    assert cell(value) == "'" + value


@pytest.mark.parametrize("value", ["株式会社KSKテクノサポート", "2025-12-01", "", "10万人以上", "a=b", "※"])
def test_other_cells_are_as_is(value):
    assert cell(value) == value


def _cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row]


def _safe(c: str) -> bool:
    return not c.lstrip(" \u3000").startswith(("=", "+", "-", "@", "\t", "\r", "\n"))


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    r = base_repo(tmp_path_factory.mktemp("csv"))
    names = iter(FORMULAS)
    text = r.path("content/higashiyama/5.yaml").read_text(encoding="utf-8")
    for old in ("委託先名: 株式会社KSKテクノサポート", "委託先名: 株式会社ジーシーシー"):
        text = text.replace(old, f"委託先名: {json.dumps(next(names), ensure_ascii=False)}", 1)
    r.write("content/higashiyama/5.yaml", text)
    r.commit("委託先を変更\n\n提出時期に係る説明: =1+1")
    return r


def test_index_csv(repo, tmp_path):
    assessments, problems = load_content(repo.root / "content")
    assert assessments, problems
    generate(assessments, tmp_path / "docs", content_dir=repo.root / "content")
    text = (tmp_path / "docs/api/indexes/itakusaki.csv").read_text(encoding="utf-8")
    cells = _cells(text)
    assert "'" + FORMULAS[0] in cells and "'" + FORMULAS[1] in cells
    assert all(_safe(c) for c in cells), [c for c in cells if not _safe(c)]


def test_changelog_csv(repo, monkeypatch):
    monkeypatch.chdir(repo.root)
    res = CliRunner().invoke(main, ["changelog", "content/higashiyama/5.yaml", "--format", "csv"])
    assert res.exit_code == 0, res.output
    cells = _cells(res.output)
    assert "'=1+1" in cells and any(c.startswith("'=HYPERLINK") for c in cells)
    assert all(_safe(c) for c in cells), [c for c in cells if not _safe(c)]
