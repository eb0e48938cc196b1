"""Pagefind found through the platform (issue 21, item 1): PIASITE_PAGEFIND, npm's package for this
OS and CPU, PyPI's pagefind[extended], PATH — its version checked before a build, recorded in the site."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from piasite.engine import pagefind
from piasite.engine.pagefind import SearchIndexError
from tests.conftest import ROOT

NPM = ROOT / "node_modules" / "@pagefind" / "linux-x64" / "bin" / "pagefind_extended"


@pytest.mark.parametrize(
    ("system", "machine", "package"),
    [
        ("linux", "x86_64", "@pagefind/linux-x64"),
        ("linux", "aarch64", "@pagefind/linux-arm64"),
        ("darwin", "x86_64", "@pagefind/darwin-x64"),
        ("darwin", "arm64", "@pagefind/darwin-arm64"),
        ("win32", "AMD64", "@pagefind/windows-x64"),
        ("win32", "ARM64", "@pagefind/windows-arm64"),
        ("freebsd14", "amd64", "@pagefind/freebsd-x64"),
        ("linux", "riscv64", None),
        ("sunos5", "x86_64", None),
    ],
)
def test_npm_package_for_each_platform(system, machine, package):
    assert pagefind.npm_package(system, machine) == package


def fake(path: Path, version: str = "pagefind 1.6.0") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\n[ "$1" = --version ] && echo "{version}" && exit 0\nexit 3\n', encoding="utf-8")
    path.chmod(0o755)
    return path


def test_npm_binary_of_this_platform_only(tmp_path):
    """Windows' package holds pagefind_extended.exe; another platform's package is never taken."""
    win = fake(tmp_path / "node_modules/@pagefind/windows-arm64/bin/pagefind_extended.exe")
    fake(tmp_path / "node_modules/@pagefind/linux-x64/bin/pagefind_extended")
    assert pagefind.npm_binary([tmp_path], "win32", "ARM64") == win
    assert pagefind.npm_binary([tmp_path], "darwin", "arm64") is None
    assert pagefind.npm_binary([tmp_path / "nothing", tmp_path], "linux", "x86_64") == (
        tmp_path / "node_modules/@pagefind/linux-x64/bin/pagefind_extended"
    )


@pytest.fixture
def nowhere(tmp_path, monkeypatch):
    """No checkout node_modules, a city folder without one, nothing on PATH, no PIASITE_PAGEFIND."""
    monkeypatch.setattr(pagefind, "ROOT", tmp_path / "checkout")
    city = tmp_path / "city"
    city.mkdir()
    monkeypatch.chdir(city)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.delenv("PIASITE_PAGEFIND", raising=False)
    return city


def test_the_order_env_npm_pypi_path(nowhere, tmp_path, monkeypatch):
    monkeypatch.setattr(pagefind, "pypi_binary", lambda: None)
    assert pagefind.candidates() == []
    on_path = fake(tmp_path / "empty-bin/pagefind_extended")
    assert pagefind.candidates() == [(on_path, "PATH")]
    pypi = fake(tmp_path / "pypi/pagefind_extended", "pagefind 1.5.2")
    monkeypatch.setattr(pagefind, "pypi_binary", lambda: pypi)
    assert [s for _, s in pagefind.candidates()] == ["PyPI", "PATH"]
    package = pagefind.npm_package()
    assert package, "this machine has an npm package of Pagefind"
    npm = fake(nowhere / "node_modules" / package / "bin" / pagefind._exe("pagefind_extended"))
    assert pagefind.candidates()[0] == (npm, "npm")
    found = pagefind.find()
    assert (found.path, found.version, found.source) == (npm, (1, 6, 0), "npm")
    env = fake(tmp_path / "mine/pagefind")
    monkeypatch.setenv("PIASITE_PAGEFIND", str(env))
    assert pagefind.candidates() == [(env, "PIASITE_PAGEFIND")]  # chosen: nothing tried behind it


def test_pypi_binary_is_pagefind_extended_without_node(nowhere):
    """Installed with piasite (pyproject: pagefind[extended]); found with no Node.js and no node_modules."""
    found = pagefind.find()
    assert found.source == "PyPI" and found.path.name.startswith("pagefind_extended")
    assert found.version >= pagefind.MINIMUM
    said = subprocess.run([found.path, "--version"], capture_output=True, text=True, check=True).stdout
    assert said.strip() == f"pagefind {found.version_text}"


def test_none_found_is_told_in_japanese(nowhere, monkeypatch):
    monkeypatch.setattr(pagefind, "pypi_binary", lambda: None)
    with pytest.raises(SearchIndexError) as e:
        pagefind.find()
    said = str(e.value)
    assert "Pagefind が見つかりません" in said and "pip install piasite" in said and "PIASITE_PAGEFIND" in said
    assert "npm ci" in said and pagefind.npm_package() in said


def test_too_old_is_refused_naming_the_version(nowhere, tmp_path, monkeypatch):
    monkeypatch.setenv("PIASITE_PAGEFIND", str(fake(tmp_path / "old/pagefind_extended", "pagefind 1.3.0")))
    with pytest.raises(SearchIndexError, match=r"Pagefind の版 1\.3\.0 .*古すぎます。1\.5\.2 以上が要ります"):
        pagefind.find()


def test_no_version_answered(nowhere, tmp_path, monkeypatch):
    monkeypatch.setenv("PIASITE_PAGEFIND", str(fake(tmp_path / "odd/tool", "something else")))
    with pytest.raises(SearchIndexError, match="Pagefind の版を答えませんでした"):
        pagefind.find()
    monkeypatch.setenv("PIASITE_PAGEFIND", str(tmp_path / "missing"))
    with pytest.raises(SearchIndexError, match="起動できません"):
        pagefind.find()


def test_build_checks_pagefind_before_writing_anything(project, tmp_path, monkeypatch):
    """A build with no usable Pagefind stops at once, before site/ or build/ is made."""
    basic = project("basic")
    basic.git_init()
    monkeypatch.setenv("PIASITE_PAGEFIND", str(fake(tmp_path / "old/pagefind_extended", "pagefind 1.0.0")))
    with pytest.raises(SearchIndexError, match="古すぎます"):
        basic.build()
    assert not (basic.root / "site").exists() and not (basic.root / "site.tmp").exists()
    assert not (basic.root / "build").exists()


def test_build_records_the_pagefind_used(fixture_site):
    """api/build.json: the version (not the path, not how it was found: the same bytes for the same binary)."""
    raw = (fixture_site / "api/build.json").read_bytes()
    info = json.loads(raw)
    used = pagefind.find()
    assert info["検索索引"] == {"Pagefind": used.version_text}
    assert list(info) == ["publisher", "license", "license_url", "検索索引"]  # like every file under api/
    assert str(used.path.parent).encode() not in raw and b"/" not in json.dumps(info["検索索引"]).encode()
