"""`piasite --version` in Japanese (issue 21, item 1): piasite's version and the Pagefind a build would use."""

from __future__ import annotations

from importlib.metadata import version

from tests.clirun import piasite


def test_version_in_japanese_with_the_pagefind_found(monkeypatch):
    from piasite.engine.pagefind import find

    proc = piasite("--version")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == f"piasite の版: {version('piasite')}"
    found = find()
    assert lines[1] == f"検索索引の Pagefind: {found.version_text}({found.source}: {found.path})"
    assert "version" not in proc.stdout.lower()


def test_version_says_when_pagefind_is_unusable(monkeypatch, tmp_path):
    monkeypatch.setenv("PIASITE_PAGEFIND", str(tmp_path / "no-such-pagefind"))
    proc = piasite("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("piasite の版: "), proc.stdout
    assert "検索索引の Pagefind: 使えません(" in proc.stdout and "起動できません" in proc.stdout


def test_help_names_the_version_option_in_japanese():
    proc = piasite("--help")
    assert "--version" in proc.stdout and "Pagefind の版を表示して終わります" in proc.stdout
