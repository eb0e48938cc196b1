"""The built site, served under a sub-path, driven by Debian's Chromium.

Built once per session from the repository's content/, copied under
/city/pia/ of a local web server (as a city webmaster would upload it), and
opened in headless Chromium with every request to another host recorded and
blocked: a page that reaches for a font, CDN or tracker fails its test.

A missing browser or npm tool is a failure, never a skip: `bash scripts/test.sh`
installs them. Only PIASITE_SKIP_BROWSER=1 (outside CI) skips, on purpose.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from harness import Guard, missing_tool, serve

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PIASITE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SUB_PATH = "/city/pia/"


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    """`piasite build` of the repository's content/ into a temporary site/."""
    out = tmp_path_factory.mktemp("built") / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "piasite", "build", "--content", str(REPO / "content"), "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if proc.returncode != 0:
        pytest.fail(
            f"piasite build が失敗しました (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}", pytrace=False
        )
    return out


@pytest.fixture(scope="session")
def site_url(site_dir, tmp_path_factory) -> str:
    """http://127.0.0.1:PORT/city/pia/ serving a copy of the built site."""
    docroot = tmp_path_factory.mktemp("docroot")
    shutil.copytree(site_dir, docroot / SUB_PATH.strip("/"))
    with serve(docroot) as base:
        yield f"{base}{SUB_PATH}"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        missing_tool(f"Chromium ({CHROMIUM})")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("Python の playwright")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def axe_source() -> Path:
    if not AXE.exists():
        missing_tool(f"axe-core ({AXE.relative_to(REPO)})")
    return AXE


def _open(browser, guard: Guard, **context_args):
    context = browser.new_context(locale="ja-JP", service_workers="block", **context_args)
    context.route("**/*", guard.route)
    page = context.new_page()
    page.on("pageerror", lambda e: guard.errors.append(str(e)))
    return context, page


@pytest.fixture
def guard() -> Guard:
    return Guard()


@pytest.fixture
def page(browser, guard):
    """A desktop page; the test fails afterwards if anything left 127.0.0.1."""
    context, page = _open(browser, guard, viewport={"width": 1280, "height": 900})
    yield page
    context.close()
    guard.check()


@pytest.fixture
def phone(browser, guard):
    """A small phone (iPhone SE size) with touch, as residents read the site."""
    context, page = _open(
        browser, guard, viewport={"width": 375, "height": 667}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    yield page
    context.close()
    guard.check()


def html_pages(site: Path) -> list[str]:
    """Site paths of every page (kumagaya/5/ for kumagaya/5/index.html)."""
    out = []
    for f in sorted(site.rglob("*.html")):
        rel = f.relative_to(site).as_posix()
        out.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return out


@pytest.fixture(scope="session")
def index_pages(site_dir) -> list[str]:
    """Pages that are neither the top page, an assessment nor the 404 page:
    the cross-document indexes and organisation pages."""
    import sitefacts as facts

    assessments = {d.url for d in facts.docs()}
    return [p for p in html_pages(site_dir) if p and p not in assessments and p != "404.html"]
