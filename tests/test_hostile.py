"""Hostile content (tests/hostile.py) built with both engines: nothing evaluated, nothing unescaped.

No template engine sees content (piasite/theme.py): bodies and titles are put into the
engine's output after it ran. Browser checks are in tests/browser/test_hostile_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.hostile import EVALUATED, PAYLOADS, build, hostile_repo

ENGINES = ["mkdocs", pytest.param("zensical", marks=pytest.mark.slow)]  # the second engine: full suite only


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return hostile_repo(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module", params=ENGINES)
def site(request, repo) -> Path:
    return build(repo, request.param)


def _outputs(site: Path):
    for p in sorted(site.rglob("*")):
        if p.suffix in (".html", ".xml") and "pagefind" not in p.relative_to(site).parts:
            yield p, p.read_text(encoding="utf-8")


def test_no_content_is_evaluated_or_unescaped(site):
    n = 0
    for path, text in _outputs(site):
        for bad in EVALUATED:
            assert bad not in text, (path, bad)
        n += 1
    assert n > 13 * 5  # every payload's pages: assessment, history, compare, past version, 更新履歴


def test_every_page_kind_shows_the_payload_as_text(site):
    text = (site / "h8/1/index.html").read_text(encoding="utf-8")  # <img src=x onerror=alert(1)>
    esc = "&lt;img src=x onerror=alert(1)&gt;"
    assert f"<title>東山市長{esc} 評価書{esc} - " in text  # the 評価実施機関 first (issue #10.3)
    assert f"東山市長{esc}" in text and f"事務{esc}" in text
    for page in ("h8/1/history/", "h8/1/compare/", "h8/1/v/1/", "h8/", "changes/h8/", "changes/"):
        t = (site / page / "index.html").read_text(encoding="utf-8")
        assert esc in t, page
        assert re.search(r"<title>[^<]*&lt;img", t) or page in ("changes/",), page


def test_entity_encoded_text_stays_text(site):
    text = (site / "h10/1/index.html").read_text(encoding="utf-8")
    assert re.search(r"<title>[^<]* 評価書&amp;lt;script&amp;gt;alert\(3\)&amp;lt;/script&amp;gt; - ", text)
    h1 = re.search(r"<h1 [^>]*>(.*?)</h1>", text)[1].replace("<wbr>", "")  # phrases.py's line breaks
    # the 評価実施機関 is shown before the title in its own span (kept out of the search index)
    assert (
        re.sub(r"<span data-pagefind-ignore>[^<]*</span>", "", h1)
        == "評価書&amp;lt;script&amp;gt;alert(3)&amp;lt;/script&amp;gt;"
    )
    # (a long text is Markdown, where an entity is an entity: markup.py, not the engine's business)


def test_template_syntax_is_printed_literally(site):
    text = (site / "h0/1/index.html").read_text(encoding="utf-8")
    assert "{%+ endraw %}[{{ 6*7 }}]{%+ raw %}" in text
    hist = (site / "h0/1/history/index.html").read_text(encoding="utf-8")
    assert "{%+ endraw %}[{{ 6*7 }}]{%+ raw %}" in hist  # the trailer 提出時期に係る説明


def test_placeholders_in_content_stay_text(site):
    """Content spelling our own placeholders is neither replaced nor able to pull in another body."""
    for path, text in _outputs(site):
        assert "<!--piasite-body:" not in text, path
        for token in re.findall(r"piasitetitle[0-9a-f]{32}x", text):
            assert token == "piasitetitle" + "0" * 32 + "x", (path, token)
    text = (site / "h12/1/index.html").read_text(encoding="utf-8")
    assert "&lt;!--piasite-body:" + "0" * 32 + "--&gt;" in text


def test_payloads_pass_check(repo):
    from tests.clirun import piasite

    proc = piasite("check", cwd=repo.root)
    assert proc.returncode == 0, proc.stderr
    assert f"{len(PAYLOADS)} 件の評価書を検査しました" in proc.stderr
