"""scripts/test.sh (the README's test command) uses a virtual environment on every system, not only on
Debian (issue 21, item 1): outside one it makes or reuses .venv; only CI installs into its interpreter."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SCRIPT = HERE.parent / "scripts" / "test.sh"


def dry_run(tmp_path: Path, python: Path, **extra: str) -> list[str]:
    """The commands test.sh would run in a copy of the checkout's layout, with `python` as python3
    (an environment's own bin/ first on PATH, as its activation does)."""
    (tmp_path / "scripts").mkdir(exist_ok=True)
    shutil.copy(SCRIPT, tmp_path / "scripts" / "test.sh")
    bindir = python.parent
    if not (bindir / "pyvenv.cfg").exists() and not (bindir.parent / "pyvenv.cfg").exists():
        bindir = tmp_path / "bin"
        bindir.mkdir(exist_ok=True)
        if not (bindir / "python3").exists():
            (bindir / "python3").symlink_to(python)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "VIRTUAL_ENV")}
    env.update(PIASITE_DRY_RUN="1", PATH=f"{bindir}{os.pathsep}{os.environ['PATH']}", **extra)
    proc = subprocess.run(
        ["bash", str(tmp_path / "scripts" / "test.sh"), "-m", "not browser", "tests/test_x.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return [l for l in proc.stdout.splitlines() if l.startswith("+ ")]


@pytest.fixture
def base_python() -> Path:
    """An interpreter outside any virtual environment (pyenv's, python.org's …: not Debian's managed one)."""
    base = Path(sys.base_prefix) / "bin" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    if (
        not base.exists()
        or Path(
            sys.base_prefix, "lib", f"python{sys.version_info[0]}.{sys.version_info[1]}", "EXTERNALLY-MANAGED"
        ).exists()
    ):
        pytest.skip("no unmanaged base interpreter here")
    return base


def test_outside_a_venv_it_makes_and_uses_venv(tmp_path, base_python):
    cmds = dry_run(tmp_path, base_python)
    assert cmds[0] == "+ python3 -m venv .venv", cmds
    assert any(c.startswith("+ .venv/bin/python3 -m pip install -q -e .[test]") for c in cmds), cmds
    assert cmds[-1].startswith("+ .venv/bin/python3 -m pytest"), cmds
    assert not any(c.startswith("+ python3 -m pip") for c in cmds), cmds  # never the global interpreter


def test_an_existing_venv_is_used_not_made_again(tmp_path, base_python):
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python3").symlink_to(base_python)
    cmds = dry_run(tmp_path, base_python)
    assert "+ python3 -m venv .venv" not in cmds
    assert cmds[0].startswith("+ .venv/bin/python3 -m pip install") and cmds[-1].startswith(
        "+ .venv/bin/python3 -m pytest"
    )
    assert dry_run(tmp_path, base_python, CI="true")[0].startswith("+ .venv/bin/python3 -m pip install")


def test_ci_without_venv_and_an_active_venv_use_their_interpreter(tmp_path, base_python):
    cmds = dry_run(tmp_path, base_python, CI="true")
    assert cmds[0].startswith("+ python3 -m pip install -q -e .[test]") and "venv" not in " ".join(cmds), cmds
    venv = tmp_path / "active"
    subprocess.run([base_python, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    other = tmp_path / "other"
    other.mkdir()
    cmds = dry_run(other, venv / "bin" / "python3")
    assert cmds[0].startswith("+ python3 -m pip install") and not (other / ".venv").exists(), cmds


def test_venv_and_dist_are_ignored_and_the_licence_is_there():
    """`git add -A` after the README's set-up commits neither .venv/ nor dist/; LICENSE is the MIT of pyproject."""
    import tomllib

    root = HERE.parent
    proc = subprocess.run(
        ["git", "check-ignore", "--no-index", ".venv/bin/python3", "dist/piasite-0.1.0-py3-none-any.whl"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert proc.stdout.split() == [".venv/bin/python3", "dist/piasite-0.1.0-py3-none-any.whl"], proc
    licence = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["license"]["text"]
    assert licence == "MIT" and (root / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_readme_first_command_installs_only_what_builds():
    """The README's first command: piasite and what a build needs (Pagefind from PyPI), no test tools, no npm."""
    import re
    import tomllib

    root = HERE.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```sh\n(.*?)\n```", readme, re.S)
    assert first, "README に ```sh のコマンドがありません"
    command = first[1]
    assert "pip install -e . " in command + " " and "piasite build" in command, command
    assert "[test]" not in command and "npm" not in command, command
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    base = " ".join(project["dependencies"])
    assert "pagefind[extended]" in base
    assert not any(tool in base for tool in ("pytest", "playwright", "mypy", "zensical", "ruff"))
    extras = project["optional-dependencies"]
    assert {"test", "zensical"} <= set(extras) and any(d.startswith("zensical") for d in extras["zensical"])
