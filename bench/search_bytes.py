"""Bytes of a first search (issue 20): `python3 -m bench.search_bytes SITE [--query 委託先名の一部]`.

Serves a built site under /pia/ from a server that compresses as a web server does
(gzip for text, JavaScript, JSON, SVG and WebAssembly when the browser accepts it; Pagefind's
own index files are gzip already and go out as they are), opens the search page in headless
Chromium (Debian's /usr/bin/chromium through Playwright) as a resident who has never visited,
types a query and waits for the results. What counts is every response from the first request
of the page to the last result drawn: body bytes as sent (compressed) plus headers, and the
number of requests. The default query is a contractor's name taken from the site's open data.
"""

from __future__ import annotations

import argparse
import gzip
import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PREFIX = "/pia/"
_COMPRESS = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".wasm", ".mjs"}


class GzipHandler(SimpleHTTPRequestHandler):
    """Files of one folder under PREFIX, compressed like nginx's gzip on (level 6)."""

    def log_message(self, *args) -> None:  # quiet
        pass

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(PREFIX):
            return str(Path(self.directory) / "__outside__")
        return super().translate_path("/" + path[len(PREFIX) :])

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404)
            return None
        body = path.read_bytes()
        encoding = None
        if path.suffix in _COMPRESS and "gzip" in self.headers.get("Accept-Encoding", ""):
            body, encoding = gzip.compress(body, 6, mtime=0), "gzip"
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        import io  # noqa: PLC0415 — only here

        return io.BytesIO(body)


def default_query(site: Path) -> str:
    """A contractor's name from the site's open data (api/), else a word every page has."""
    from piasite.forms.registry import form_names, load_form  # noqa: PLC0415 — only for the default

    keys = set()
    for name in form_names():
        try:
            keys.add(load_form(name).role_key("contractor"))
        except Exception:  # noqa: BLE001 — a form without contractors
            continue
    for p in sorted((site / "api").rglob("*.json")):
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        stack = [data]
        while stack:
            v = stack.pop()
            if isinstance(v, dict):
                for k, x in v.items():
                    if k in keys and isinstance(x, str) and len(x) >= 4 and not x.startswith("("):
                        return x.replace("株式会社", "")[:8]
                    stack.append(x)
            elif isinstance(v, list):
                stack.extend(v)
    return "個人番号"


def first_search(site: Path, query: str | None = None, timeout_ms: int = 60000) -> dict:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 — the browser only when measured

    query = query or default_query(site)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(GzipHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    sizes: list[int] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page()

            def done(request) -> None:
                s = request.sizes()
                sizes.append(s["responseBodySize"] + s["responseHeadersSize"])

            page.on("requestfinished", done)
            page.goto(base + "search/", wait_until="networkidle")
            box = page.locator('input[type="search"], input.pagefind-ui__search-input').first
            box.fill(query)
            page.wait_for_selector(".pagefind-ui__result-link", timeout=timeout_ms)
            page.wait_for_load_state("networkidle")
            results = page.locator(".pagefind-ui__result-link").count()
            browser.close()
    finally:
        server.shutdown()
    return {
        "first_search_bytes": sum(sizes),
        "first_search_requests": len(sizes),
        "first_search_query": query,
        "first_search_results": results,
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python3 -m bench.search_bytes", description="最初の検索の転送量を測ります")
    ap.add_argument("site", type=Path, help="組み立てたサイトのフォルダ")
    ap.add_argument("--query", help="検索する語(省略時はオープンデータの委託先名の一部)")
    a = ap.parse_args(argv)
    r = first_search(a.site, a.query)
    kb = r["first_search_bytes"] / 1000
    mark = "OK" if kb <= 300 else "未達"
    print(
        f"最初の検索「{r['first_search_query']}」: {kb:.0f} kB (目標 300 kB 以下: {mark})、"
        f"{r['first_search_requests']} リクエスト、結果 {r['first_search_results']} 件"
    )


if __name__ == "__main__":
    main()
