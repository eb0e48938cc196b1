"""The compare view and the 更新履歴 filter in real headless Chromium, on a site built with MkDocs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from harness import serve

from tests.gitrepo import base_repo

pytestmark = pytest.mark.browser  # the browser tier: tests/conftest.py refuses a test here without it

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    r = base_repo(tmp_path_factory.mktemp("site-repo"))
    f = "content/higashiyama/5.yaml"
    r.edit(f, "委託先名: 株式会社ジーシーシー", "委託先名: 株式会社テスト保守")
    r.commit("保守の委託先を変更\n\n提出時期: 事後\n提出時期に係る説明: 委託先の変更")
    r.edit(f, "特記事項: なし", "特記事項: <script>alert(1)</script>")
    r.commit("特記事項")
    text = r.path(f).read_text(encoding="utf-8")
    r.write("content/minamino/1.yaml", text.replace("評価実施機関名: 東山市長", "評価実施機関名: 南野市長"))
    r.commit("行田市を登録")
    r.edit("content/minamino/1.yaml", "使用目的: 住民税額の算出", "使用目的: 住民税額の算定")
    r.commit("行田市 使用目的")
    shutil.copy(ROOT / "mkdocs.yml", r.root / "mkdocs.yml")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "piasite", "build"], cwd=r.root, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    return r.root / "site"


@pytest.fixture(scope="module")
def built_url(built):
    with serve(built) as base:
        yield base


def test_compare_any_two_versions(built_url, page):
    page.goto(f"{built_url}/higashiyama/5/compare/")
    rows = page.locator("#pia-compare-rows tr")
    assert rows.count() == 1  # latest pair: 特記事項 only
    assert "<script>alert(1)</script>" in rows.first.inner_text()  # shown as text, not run
    page.select_option("select[name=a]", "0")
    assert page.locator("#pia-compare-rows tr").count() == 2
    assert "株式会社テスト保守" in page.locator("#pia-compare-rows").inner_text()
    assert "2 項目" in page.locator("#pia-compare-summary").inner_text()


def test_changes_page_filter(built_url, page):
    page.goto(f"{built_url}/changes/")
    visible = page.locator("#pia-changes tbody tr:visible")
    total = visible.count()
    page.select_option("#pia-org-filter", "minamino")
    assert 0 < page.locator("#pia-changes tbody tr:visible").count() < total
    assert "東山市長" not in page.locator("#pia-changes tbody tr:visible").all_inner_texts()[0]


def test_past_version_banner(built_url, page):
    page.goto(f"{built_url}/higashiyama/5/v/1/")
    assert "過去の版" in page.locator(".pia-banner").inner_text()


def test_assessment_page_shows_the_row_and_versions(built_url, page):
    page.goto(f"{built_url}/higashiyama/5/")
    assert "株式会社テスト保守" in page.locator("body").inner_text()  # the derived 別添2 row, on the site's page
    page.locator("details.pia-versions summary").click()
    page.locator("details.pia-versions a", has_text="第1版").click()
    assert "過去の版" in page.locator(".pia-banner").inner_text()
