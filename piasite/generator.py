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
    history = _history(assessments, out, allow_shallow)
    for a in assessments:
        page = out / a.url / "index.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        text = env.get_template("assessment.md.j2").render(a=a, data=public(a.data))
        text += "".join("\n" + block + "\n" for block in history.page_extras.get(a.url, []))
        page.write_text(text, encoding="utf-8")
    (out / "index.md").write_text(env.get_template("index.md.j2").render(assessments=assessments), encoding="utf-8")


def _history(assessments, out: Path, allow_shallow: bool):
    """History pages (piasite/history_pages.py): 別添2 rows, timelines, past versions, 更新履歴, feeds."""
    from .history_pages import generate_history

    def write(relpath: str, text: str) -> None:
        p = out / relpath
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8", newline="\n")

    root = assessments[0].content_root.resolve().parent if assessments else Path(".").resolve()
    return generate_history(assessments, root, write, allow_shallow=allow_shallow)
