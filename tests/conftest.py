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
