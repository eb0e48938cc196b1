"""`piasite build --offline`, the PR's preview: the built site opened from disk (file://) in Chromium,
as a reviewer opens the downloaded artifact — links open pages (never a folder listing) and the
search answers, with nothing fetched from anywhere but the site's own files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.browser
CONTRACTOR = "東山データサービス株式会社"  # a 委託先 of init's example document (東山市, invented)


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory) -> Path:
    city = tmp_path_factory.mktemp("offline") / "city"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = lambda *cmd, cwd=None: subprocess.run(  # noqa: E731
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert run(sys.executable, "-m", "piasite", "init", str(city), "--name", "東山市").returncode == 0
    (city / "node_modules").symlink_to(REPO / "node_modules")
    git = ["git", "-c", "user.name=テスト", "-c", "user.email=test@example.invalid"]
    run("git", "init", "-q", cwd=city)
    run("git", "add", "-A", cwd=city)
    run(*git, "commit", "-qm", "初版", cwd=city)
    proc = run(sys.executable, "-m", "piasite", "build", "--offline", cwd=city)
    assert proc.returncode == 0, proc.stderr
    return city / "site"


@pytest.fixture
def disk_page(browser):
    """A page whose every request is recorded: only file:// of the site is allowed."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.requests, page.errors = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()
    assert not [u for u in page.requests if not u.startswith(("file://", "data:", "about:"))], page.requests
    assert page.errors == []


def test_links_open_pages_from_disk(offline_site, disk_page):
    page = disk_page
    page.goto(offline_site.joinpath("index.html").as_uri())
    # from the top to the organisation, on to its document, through the indexes and back
    page.locator('#pia-main a[href$="higashiyama/index.html"]').first.click()
    assert page.url.endswith("/higashiyama/index.html") and page.locator("h1").first.inner_text() == "東山市長"
    page.locator('#pia-main a[href$="/1/index.html"]').first.click()
    assert page.url.endswith("/higashiyama/1/index.html")
    assert CONTRACTOR in page.locator("[data-pagefind-body]").inner_text()
    page.locator(f'a:has-text("委託先の索引: {CONTRACTOR}")').first.click()
    assert "/indexes/itakusaki/index.html#" in page.url and page.locator("h1").first.is_visible()
    # every relative link of every page names a file that is there
    for f in sorted(offline_site.rglob("*.html")):
        page.goto(f.as_uri())
        hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
        for href in hrefs:
            if href.startswith("file://"):
                target = Path(href.split("#")[0].split("?")[0].removeprefix("file://"))
                assert target.is_file(), (f, href)


def test_search_answers_from_disk(offline_site, disk_page):
    page = disk_page
    page.goto(offline_site.joinpath("higashiyama", "1", "index.html").as_uri())
    page.fill("#pia-q", "ﾃﾞｰﾀｻｰﾋﾞｽ")  # the header box; half-width kana read as the text writes it (NFKC)
    page.press("#pia-q", "Enter")
    page.wait_for_url("**/search/index.html?q=*")
    results = page.locator(".pia-offline-results > li")
    results.first.wait_for(timeout=10000)
    page.fill("#pia-search input[type=search]", CONTRACTOR)
    page.press("#pia-search input[type=search]", "Enter")
    assert results.count() >= 1 and CONTRACTOR in results.first.inner_text()
    assert page.locator(".pia-offline-results mark").first.inner_text() == CONTRACTOR
    assert "を検索しています" not in page.locator("#pia-search").inner_text()
    results.first.locator("a").first.click()
    assert "/higashiyama/1/index.html#" in page.url
    anchor = page.url.split("#", 1)[1]
    assert CONTRACTOR in page.locator(f'[id="{anchor}"]').evaluate(
        "e => (e.closest('.pia-item, .pia-elem, section') || e.parentElement).textContent"
    )
    page.goto(offline_site.joinpath("search", "index.html").as_uri() + "?q=存在しない語句")
    assert "含むページはありません" in page.locator("#pia-search [role=status]").inner_text()
