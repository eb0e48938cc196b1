"""The build pipeline: content → model → generated tree → site engine → site/.

Our generation is plain Python writing Markdown/HTML into build/docs; the site
engine (MkDocs today, Zensical tomorrow) only turns that tree into HTML. The
new site is assembled beside the old one and swapped in only when complete.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .model import load_content
from .validate import ERROR

GENERATED = Path("build/docs")


class BuildError(Exception):
    def __init__(self, message: str, problems=()):
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


def build_site(content_dir: Path, out_dir: Path, engine: str = "mkdocs", allow_shallow: bool = False,
               config: Path = Path("mkdocs.yml")) -> None:
    content_dir, out_dir = Path(content_dir), Path(out_dir)
    if not content_dir.is_dir():
        raise BuildError(f"評価書のフォルダ {content_dir} がありません")
    assessments, problems = load_content(content_dir)
    errors = [p for p in problems if p.severity == ERROR]
    if errors:
        raise BuildError(f"評価書にエラーが {len(errors)} 件あるため、サイトを組み立てませんでした"
                         "(これまでのサイトはそのままです)", errors)
    from .generator import generate

    from .history import GitError

    try:
        generate(assessments, GENERATED, allow_shallow=allow_shallow)
    except GitError as e:  # a shallow clone, or no git: stop before touching site/
        raise BuildError(str(e)) from None
    run_engine(engine, config, out_dir)


def run_engine(engine: str, config: Path, out_dir: Path) -> None:
    """Build with the engine into a temporary folder, then swap it in."""
    out_dir = Path(out_dir)
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    if engine == "mkdocs":
        cmd = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--strict", "-f", str(config), "-d", str(tmp.resolve())]
    else:
        cmd = [sys.executable, "-m", "zensical", "build", "-f", str(config)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise BuildError(f"{engine} がサイトを組み立てられませんでした:\n{proc.stderr.strip() or proc.stdout.strip()}")
    old = out_dir.with_name(out_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if out_dir.exists():
        out_dir.rename(old)
    tmp.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)
