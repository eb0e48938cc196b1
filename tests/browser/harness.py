"""The pieces of the browser harness that are tested themselves (test_harness.py)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

LOCAL_HOSTS = {"127.0.0.1"}


def missing_tool(what: str) -> None:
    """Fail (or, outside CI and only when asked, skip) for a missing tool."""
    msg = f"{what} がありません。`bash scripts/test.sh` で入れてから実行してください"
    if os.environ.get("PIASITE_SKIP_BROWSER") == "1" and os.environ.get("CI") != "true":
        pytest.skip(msg + " (PIASITE_SKIP_BROWSER=1)")
    pytest.fail(msg, pytrace=False)


class Guard:
    """Records (and blocks) requests leaving 127.0.0.1, and script errors."""

    def __init__(self) -> None:
        self.external: list[str] = []
        self.errors: list[str] = []

    def route(self, route, request) -> None:
        url = request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def check(self) -> None:
        assert not self.external, "外部へのリクエストがありました:\n" + "\n".join(self.external)
        assert not self.errors, "ページのスクリプトでエラーが起きました:\n" + "\n".join(self.errors)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
    }

    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve a folder on 127.0.0.1 (a free port); yields the base URL without a trailing slash."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
