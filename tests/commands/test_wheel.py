"""A non-editable install from a wheel: a fresh virtual environment, a city's repository made by
`piasite init` in a folder with nothing of this checkout, checked and built."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

# What a run leaves in the checkout besides build/ and .cache/: tools' caches, which a test on another
# worker (pytest-xdist) may be writing or pruning while the tree is copied; never part of a package.
CACHES = (".hypothesis", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".grimp_cache", ".benchmarks")
NOT_SOURCE = (".git", "node_modules", ".cache", "*.egg-info", "__pycache__", ".venv", *CACHES)
# What a build leaves at the top of the checkout only: piasite/site/ is a package, never left out.
TOP_ONLY = ("site", "site.*", "build")


def not_source(*more: str):
    """copytree's ignore: NOT_SOURCE (and more) anywhere, TOP_ONLY at the checkout's top only."""
    anywhere = shutil.ignore_patterns(*NOT_SOURCE, *more)
    top = shutil.ignore_patterns(*TOP_ONLY)

    def ignore(folder, names):
        out = set(anywhere(folder, names))
        if Path(folder).resolve() == ROOT.resolve():
            out |= set(top(folder, names))
        return out

    return ignore


IGNORE = not_source("tests")


def run(cmd, cwd, env):
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr
    return proc


def no_node_path(tmp_path: Path) -> str:
    """A PATH with git and nothing of Node.js: a staff PC that never installed it."""
    tools = tmp_path / "tools"
    tools.mkdir()
    git = shutil.which("git")
    assert git
    (tools / "git").symlink_to(git)
    return str(tools)


def test_wheel_install_init_check_build(tmp_path):
    """Also the city without Node.js (issue 21, item 1): no node or npm on PATH, no node_modules anywhere
    the installed piasite looks, PIASITE_PAGEFIND unset: the build uses PyPI's Pagefind
    (pagefind[extended], a dependency of piasite) and records it in api/build.json."""
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=IGNORE)  # build from a copy: the checkout gets no build/ or egg-info
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "dist"),
            str(src),
        ],
        tmp_path,
        env,
    )
    wheel = next((tmp_path / "dist").glob("piasite-*.whl"))
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], tmp_path, env)
    # The dependencies (MkDocs, Material …) come from the test's environment, read only: a path in a
    # .pth file adds the folder without running its .pth files (so this checkout's editable install
    # does not come along); the wheel's piasite, in the new environment, comes first.
    py = venv / "bin" / "python"
    site = run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path, env
    ).stdout.strip()
    Path(site, "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], tmp_path, env)
    where = run([str(py), "-c", "import piasite.config.resources as r; print(r.templates_dir())"], tmp_path, env).stdout
    assert where.strip().startswith(site), where  # templates from the installed package

    env = {k: v for k, v in env.items() if k != "PIASITE_PAGEFIND"}
    env = {**env, "PATH": f"{venv / 'bin'}{os.pathsep}{no_node_path(tmp_path)}", "PIASITE_TODAY": "2026-05-01"}
    assert shutil.which("node", path=env["PATH"]) is None and shutil.which("npm", path=env["PATH"]) is None
    work = tmp_path / "elsewhere"
    work.mkdir()
    run(["piasite", "init", "city", "--name", "東山市"], work, env)
    city = work / "city"
    run(["piasite", "check"], city, env)
    run(["piasite", "new", "重点項目評価書", "higashiyama", "2"], city, env)
    proc = subprocess.run(["piasite", "check"], cwd=city, env=env, capture_output=True, text=True)
    assert proc.returncode == 1 and "必須項目" in proc.stderr and "Traceback" not in proc.stderr
    (city / "content" / "higashiyama" / "2.yaml").unlink()
    proc = run(["piasite", "build"], city, env)
    assert "site/" in proc.stderr.strip().splitlines()[-1]
    page = (city / "site" / "higashiyama" / "1" / "index.html").read_text(encoding="utf-8")
    assert "東山データサービス株式会社" in page
    assert (city / "site" / "assets" / "piasite" / "piasite.css").is_file()
    assert (city / "site" / "pagefind").is_dir()
    assert not (city / "node_modules").exists()
    info = json.loads((city / "site" / "api" / "build.json").read_text(encoding="utf-8"))
    import pagefind_bin_extended  # PyPI's, which pip installed beside the tests' dependencies

    version = subprocess.run([pagefind_bin_extended.get_executable(), "--version"], capture_output=True, text=True)
    assert info["検索索引"] == {"Pagefind": version.stdout.split()[-1]}, info


def test_sdist_carries_the_templates_and_builds_the_same_wheel(tmp_path):
    """The sdist (MANIFEST.in): every template and form, no half of the test suite; a wheel built
    from it carries what the source tree's templates/ holds."""
    import tarfile
    import zipfile

    src = tmp_path / "src"
    shutil.copytree(
        ROOT,
        src,
        ignore=not_source(),
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    out = tmp_path / "sdist"
    run([sys.executable, "-c", f"from setuptools import build_meta as b; b.build_sdist({str(out)!r})"], src, env)
    sdist = next(out.glob("piasite-*.tar.gz"))
    with tarfile.open(sdist) as t:
        names = {n.split("/", 1)[1] for n in t.getnames() if "/" in n}
    templates = {
        str(p.relative_to(ROOT))
        for p in (ROOT / "templates").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    forms = {str(p.relative_to(ROOT)) for p in (ROOT / "piasite" / "forms").glob("*.yaml")}
    assert templates | forms <= names, sorted((templates | forms) - names)
    assert not any(n.startswith("tests/") for n in names), sorted(n for n in names if n.startswith("tests/"))[:5]
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "dist"),
            str(sdist),
        ],
        tmp_path,
        env,
    )
    wheel = next((tmp_path / "dist").glob("piasite-*.whl"))
    assert {f"piasite/{t}" for t in templates} | forms <= set(zipfile.ZipFile(wheel).namelist())
