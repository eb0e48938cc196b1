"""`piasite serve` answers as a server should and as the build writes: HEAD the same length as GET,
and a saved document's 「この評価の評価書」 never gains a link to its own page (the full build has none)."""

from __future__ import annotations

import re
import shutil
import urllib.error
import urllib.request

import pytest

from tests.commands import test_serve
from tests.commands.test_serve import get as get_raw
from tests.commands.test_serve import status, until
from tests.conftest import FIXTURES

pytestmark = pytest.mark.slow
server = test_serve.server  # the fixture: `piasite serve` on a city made by init


def get(url: str) -> str:
    """A page as a reader sees it: without the <wbr> of Japanese phrase breaking (site/phrases.py)."""
    return get_raw(url).replace("<wbr>", "")


def head(url: str):
    req = urllib.request.Request(url, method="HEAD")
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.read() == b""  # HEAD: headers only
        return r.status, r.headers


def length(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as r:
        body = r.read()
        assert int(r.headers["Content-Length"]) == len(body)
        return len(body)


def test_head_answers_the_length_get_sends(server):
    _, base, _ = server
    for path in ("", "higashiyama/1/", "higashiyama/1/index.html", "assets/piasite/piasite.js", "search/"):
        code, headers = head(base + path)
        assert code == 200 and int(headers["Content-Length"]) == length(base + path), path
        assert headers["Content-Type"].startswith("text/html") == path.endswith(("/", ".html")) or path == ""
    code, headers = head(base + "__piasite__/status")
    assert code == 200 and headers["Content-Type"].startswith("application/json")
    with pytest.raises(urllib.error.HTTPError) as e:  # not found: the same page as GET, without its body
        head(base + "no-such-page/")
    with pytest.raises(urllib.error.HTTPError) as g:
        get(base + "no-such-page/")
    assert e.value.code == g.value.code == 404
    assert int(e.value.headers["Content-Length"]) == len(g.value.read()) > 0


def _evaluation_links(page: str) -> list[str]:
    m = re.search(r"この評価の評価書</dt><dd>(.*?)</dd>", page)
    assert m, "no 「この評価の評価書」 on the page"
    return re.findall(r'href="([^"]+)"', m[1])


@pytest.fixture()
def two_documents(server):
    """The example 重点 (評価書番号 1) beside a 基礎 of the same 評価, added while serving."""
    city, base, terminal = server
    kiso = (FIXTURES / "hyoka" / "higashiyama" / "3.yaml").read_text(encoding="utf-8")
    v0 = status(base)["version"]
    (city / "content" / "higashiyama" / "1-kiso.yaml").write_text(
        kiso.replace("評価書番号: 3", "評価書番号: 1"), encoding="utf-8"
    )
    until(lambda: status(base)["version"] > v0 and "この評価の評価書" in get(base + "higashiyama/1/"))
    return city, base, terminal


def test_saved_page_does_not_link_to_itself(two_documents):
    city, base, _ = two_documents
    pages = {"higashiyama/1/": "../../higashiyama/1-kiso/", "higashiyama/1-kiso/": "../../higashiyama/1/"}
    for page, other in pages.items():
        assert _evaluation_links(get(base + page)) == ["../../higashiyama/hyoka-1/", other], page
    for saved in ("1.yaml", "1-kiso.yaml"):
        f = city / "content" / "higashiyama" / saved
        v = status(base)["version"]
        f.write_text(f.read_text(encoding="utf-8").replace("東山市長", "東山市長 "), encoding="utf-8")
        until(lambda v=v: status(base)["version"] > v)
        assert status(base)["problems"] == [], status(base)
        for page, other in pages.items():
            links = _evaluation_links(get(base + page))
            assert links == ["../../higashiyama/hyoka-1/", other], (saved, page, links)
    shutil.rmtree(city / "build", ignore_errors=True)
