"""The tiers are marked at the tests (tests/conftest.py): a test under tests/browser without the
`browser` mark is a collection error, since the fast tier does not even import that folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYPROJECT = """[tool.pytest.ini_options]
addopts = "--strict-markers"
markers = ["browser: drives Chromium", "slow: full suite only"]
"""


MARKED = "import pytest\n\npytestmark = pytest.mark.browser\n\n\ndef test_a():\n    pass\n"
UNMARKED = "import pytest\n\n\ndef test_a():\n    pass\n\n\n@pytest.mark.browser\ndef test_b():\n    pass\n"


def test_an_unmarked_browser_test_is_a_collection_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (tmp_path / "tests" / "browser").mkdir(parents=True)
    shutil.copy(HERE / "conftest.py", tmp_path / "tests" / "conftest.py")
    (tmp_path / "tests" / "browser" / "test_marked.py").write_text(MARKED, encoding="utf-8")
    (tmp_path / "tests" / "browser" / "test_unmarked.py").write_text(UNMARKED, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "--collect-only", "-q"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = proc.stdout
    assert proc.returncode == 2, out + proc.stderr  # pytest: interrupted by a collection error
    assert "ERROR collecting tests/browser/test_unmarked.py" in out
    assert "ERROR collecting tests/browser/test_marked.py" not in out
    told = out.split("must be marked browser")[1].split("=====")[0]
    assert "tests/browser/test_unmarked.py::test_a" in told
    assert "test_b" not in told and "test_marked" not in told
    assert "tests/browser/test_marked.py::test_a" in out  # collected as usual


def _test_command(*args: str) -> str:
    """The pytest line of the README's test command (scripts/test.sh), printed, not run."""
    env = dict(os.environ, PIASITE_DRY_RUN="1")
    proc = subprocess.run(
        ["bash", str(HERE.parent / "scripts" / "test.sh"), *args],
        cwd=HERE.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return next(line for line in proc.stdout.splitlines() if " -m pytest" in line)


def test_the_test_command_runs_on_every_core_unless_told_otherwise():
    assert _test_command().endswith(" -m pytest -n auto --dist worksteal")
    assert _test_command("-m", "not browser and not slow").endswith(
        " -m pytest -n auto --dist worksteal -m not browser and not slow"
    )
    for own in (["-p", "no:xdist"], ["-n", "1"], ["-n3"], ["--numprocesses=2"], ["--dist", "load"]):
        line = _test_command(*own, "tests/test_tiers.py")
        assert line.endswith(" -m pytest " + " ".join(own) + " tests/test_tiers.py"), line
