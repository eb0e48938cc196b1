"""The 404 page under a city's sub-path (issue 21, item 3): a server answers every missing address,
at any depth, with the site's 404.html (as nginx's `error_page 404 /city/pia/404.html` or GitHub
Pages do); in Chromium its links lead to the site's top under the sub-path, found by the page's
script, and nothing it loads fails."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest
from conftest import SUB_PATH
from harness import _Quiet

pytestmark = pytest.mark.browser


class _NotFound(_Quiet):
    """A missing file under the sub-path is answered with the site's 404.html, status 404."""

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / SUB_PATH.strip("/") / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextlib.contextmanager
def _serve(directory: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_NotFound, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_404_under_a_sub_path_links_the_top(fixture_site, tmp_path, page):
    docroot = tmp_path / "docroot"
    shutil.copytree(fixture_site, docroot / SUB_PATH.strip("/"))
    with _serve(docroot) as base:
        failed: list[str] = []
        page.on("requestfailed", lambda r: failed.append(r.url))
        for missing in ("nosuch/", "higashiyama/99/history/", "a/b/c/d/e.html"):
            resp = page.goto(f"{base}{SUB_PATH}{missing}")
            assert resp is not None and resp.status == 404
            assert page.locator("h1").inner_text() == "ページが見つかりません"
            top = page.locator("a[data-pia-top='']")
            page.wait_for_function("document.querySelector(\"a[data-pia-top='']\").hasAttribute('href')")
            assert top.get_attribute("href") == SUB_PATH, missing
            assert page.locator("a[data-pia-top='search/']").get_attribute("href") == SUB_PATH + "search/"
        top.click()
        page.wait_for_load_state()
        assert page.url == f"{base}{SUB_PATH}" and "特定個人情報保護評価書" in page.title()
        # the probes above the top answer 404 (or are cut short by the next navigation); nothing else fails
        assert not [u for u in failed if not u.endswith("/api/site.json")], failed
