"""The sample projects of tests/roots are copies (tests/roots/README.md): each stays equal to what it copies,
so a change to a fixture, the init example or mkdocs.yml reaches the tests that build a root."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, ROOT, ROOTS

# root → {file in the root: the file it copies}
COPIES = {
    "basic": {f"content/{p.relative_to(FIXTURES / 'site')}": p for p in (FIXTURES / "site").rglob("*.yaml")},
    "minimal": {"content/higashiyama/5.yaml": FIXTURES / "handwritten" / "higashiyama" / "5.yaml"},
    "example": {"content/higashiyama/1.yaml": ROOT / "templates" / "init" / "content" / "higashiyama" / "1.yaml"},
}


@pytest.mark.parametrize("name", sorted(p.name for p in ROOTS.iterdir() if p.is_dir()))
def test_root_is_its_copies_and_nothing_else(name):
    root = ROOTS / name
    expected = {"mkdocs.yml": ROOT / "mkdocs.yml", **COPIES.get(name, {})}
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert files == sorted(expected), f"tests/roots/{name}: {files} (COPIES in {__file__} names its files)"
    for rel, src in expected.items():
        assert (root / rel).read_bytes() == src.read_bytes(), f"tests/roots/{name}/{rel} differs from {src}"
    assert f"- `{name}`: " in (ROOTS / "README.md").read_text(encoding="utf-8"), "tests/roots/README.md"
