from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"  # published texts, copied from shared/seeds
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def seeds() -> Path:
    assert SEEDS.is_dir(), f"seed texts expected at {SEEDS}"
    return SEEDS
