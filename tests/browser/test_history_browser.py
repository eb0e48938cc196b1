"""History pages in real headless Chromium: the compare view, the 更新履歴 filter, a past version.

The site is built with `piasite build` from a small git repository made commit
by commit, and served over HTTP on 127.0.0.1 (the `page` fixture fails the test
on any request to another host or any script error).
"""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.gitrepo import base_repo

ROOT = Path(__file__).resolve().parents[2]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript", ".json": "application/json"}

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def history_site(tmp_path_factory):
    r = base_repo(tmp_path_factory.mktemp("site-repo"))
    f = "content/kumagaya/5.yaml"
    r.edit(f, "委託先名: 株式会社ジーシーシー", "委託先名: 株式会社テスト保守")
    r.commit("保守の委託先を変更\n\n提出時期: 事後\n提出時期に係る説明: 委託先の変更")
    r.edit(f, "特記事項: なし", "特記事項: <script>alert(1)</script>")
    r.commit("特記事項")
    text = r.path(f).read_text(encoding="utf-8")
    r.write("content/gyoda/1.yaml", text.replace("評価実施機関名: 熊谷市長", "評価実施機関名: 行田市長"))
    r.commit("行田市を登録")
    r.edit("content/gyoda/1.yaml", "使用目的: 住民税額の算出", "使用目的: 住民税額の算定")
    r.commit("行田市 使用目的")
    shutil.copy(ROOT / "mkdocs.yml", r.root / "mkdocs.yml")
    (r.root / "node_modules").symlink_to(ROOT / "node_modules")  # Pagefind, from `npm ci`
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "piasite", "build"], cwd=r.root, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(r.root / "site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_compare_any_two_versions(history_site, page):
    page.goto(history_site + "kumagaya/5/compare/")
    rows = page.locator("#pia-compare-rows tr")
    assert rows.count() == 1  # the latest pair: 特記事項 only
    assert "<script>alert(1)</script>" in rows.first.inner_text()  # shown as text, never run
    page.select_option("select[name=a]", "0")
    assert page.locator("#pia-compare-rows tr").count() == 2
    assert "株式会社テスト保守" in page.locator("#pia-compare-rows").inner_text()
    assert "2 項目" in page.locator("#pia-compare-summary").inner_text()


def test_changes_page_filter(history_site, page):
    page.goto(history_site + "changes/")
    total = page.locator("#pia-changes tbody tr:visible").count()
    page.select_option("#pia-org-filter", "gyoda")
    shown = page.locator("#pia-changes tbody tr:visible")
    assert 0 < shown.count() < total
    assert all("行田市長" in t for t in shown.all_inner_texts())


def test_assessment_page_shows_the_row_and_versions(history_site, page):
    page.goto(history_site + "kumagaya/5/")
    body = page.locator("body").inner_text()
    assert "株式会社テスト保守" in body  # the derived 別添2 row, rendered by the site's page
    page.locator("details.pia-versions summary").click()
    page.locator("details.pia-versions a", has_text="第1版").click()
    assert "過去の版" in page.locator(".pia-banner").inner_text()
