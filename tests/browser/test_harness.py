"""The harness itself: a missing browser fails, and the request guard catches."""

from __future__ import annotations

import pytest
from harness import missing_tool

pytestmark = pytest.mark.browser  # the browser tier: tests/conftest.py refuses a test here without it


@pytest.mark.parametrize(
    "ci,skip_asked,outcome",
    [
        ("true", "1", pytest.fail.Exception),  # CI never skips, even when asked
        ("", "", pytest.fail.Exception),  # a missing browser is a failure by default
        ("", "1", pytest.skip.Exception),  # only an explicit opt-out outside CI skips
    ],
)
def test_missing_browser_fails_unless_explicitly_skipped(monkeypatch, ci, skip_asked, outcome):
    monkeypatch.setenv("CI", ci)
    monkeypatch.setenv("PIASITE_SKIP_BROWSER", skip_asked)
    with pytest.raises(outcome):
        missing_tool("Chromium (/nonexistent)")


def test_guard_records_requests_to_other_hosts(page, guard, site_url):
    page.goto(site_url)
    page.evaluate("""async () => {
      await fetch('https://fonts.googleapis.com/css?family=Noto+Sans+JP').catch(() => 0);
      await new Promise(r => { const i = new Image(); i.onload = i.onerror = r; i.src = 'http://example.com/t.gif'; });
    }""")
    assert any("fonts.googleapis.com" in u for u in guard.external)
    assert any("example.com" in u for u in guard.external)
    guard.external.clear()  # the page fixture checks the guard afterwards
