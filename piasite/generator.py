"""Writes the generated tree (Markdown pages) from validated assessments."""
from __future__ import annotations

import shutil
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from . import dates
from .reader import public

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      autoescape=False, keep_trailing_newline=True)
    env.filters["wareki"] = dates.wareki
    return env


def generate(assessments, out: Path, allow_shallow: bool = False) -> None:
    out = Path(out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    env = environment()
    for a in assessments:
        page = out / a.url / "index.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(env.get_template("assessment.md.j2").render(a=a, data=public(a.data)), encoding="utf-8")
    (out / "index.md").write_text(env.get_template("index.md.j2").render(assessments=assessments), encoding="utf-8")
