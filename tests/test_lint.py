"""ruff on piasite/ and tests/ (its rules in pyproject.toml): `ruff check` finds nothing and
`ruff format --check` would change nothing. The failure shows ruff's own report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "command",
    [["check", "--output-format", "concise"], ["format", "--check"]],
    ids=["check", "format"],
)
def test_ruff_is_clean(command):
    # --no-cache: nothing written into the checkout (a wheel test on another worker copies it)
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "--no-cache", "piasite", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:  # 1: findings; 2: ruff itself failed (its message is in stderr)
        pytest.fail(f"ruff {' '.join(command)} (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}", pytrace=False)
