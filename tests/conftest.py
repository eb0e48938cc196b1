import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"  # published texts, copied from shared/seeds
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def _history_cache(tmp_path_factory):
    """The history cache (blobcache.py) in a temporary folder, for this process and the builds it runs."""
    old = os.environ.get("PIASITE_CACHE_DIR")
    os.environ["PIASITE_CACHE_DIR"] = str(tmp_path_factory.mktemp("piasite-cache"))
    yield
    if old is None:
        os.environ.pop("PIASITE_CACHE_DIR", None)
    else:
        os.environ["PIASITE_CACHE_DIR"] = old


@pytest.fixture
def seeds() -> Path:
    assert SEEDS.is_dir(), f"seed texts expected at {SEEDS}"
    return SEEDS


def use_forms(monkeypatch, tmp_path: Path, *fixture_forms: str) -> Path:
    """Point piasite at a forms folder holding the real definitions, with the named test
    definitions from tests/fixtures/forms replacing a real one of the same `form:` name."""
    import shutil

    import yaml

    from piasite import form as form_mod

    d = tmp_path / "forms"
    d.mkdir()
    replaced = {}
    for name in fixture_forms:
        src = FIXTURES / "forms" / name
        replaced[yaml.safe_load(src.read_text(encoding="utf-8"))["form"]] = src
    for src in sorted(form_mod.FORMS_DIR.glob("*.yaml")):
        if yaml.safe_load(src.read_text(encoding="utf-8"))["form"] not in replaced:
            shutil.copy(src, d / src.name)
    for src in replaced.values():
        shutil.copy(src, d / f"test_{src.name}")
    monkeypatch.setattr(form_mod, "FORMS_DIR", d)
    form_mod.clear_caches()
    return d

