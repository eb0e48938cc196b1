"""Where the templates, theme and assets are, and how a city overrides them without forking.

The source folder is templates/ at the top of this repository; an installed
wheel carries it as the package piasite.templates (pyproject's package-dir).
A city's repository may hold an `overrides/` folder beside its mkdocs.yml with
the same layout: a file there (overrides/assessment.md.j2,
overrides/assets/piasite.css, overrides/theme/main.html …) is used instead of
ours; everything else comes from the package.
"""
from __future__ import annotations

import shutil
from pathlib import Path

_HERE = Path(__file__).resolve().parent
OVERRIDES = "overrides"  # beside the city's mkdocs.yml

_project: Path | None = None  # the city's repository (the folder of its mkdocs.yml), set by the build


def templates_dir() -> Path:
    """The tool's own templates: inside the installed package, else the source tree's templates/."""
    inside = _HERE / "templates"
    return inside if (inside / "theme").is_dir() else _HERE.parent / "templates"


def set_project(root: Path | None) -> None:
    """The city's repository whose overrides/ win (None: the tool's templates only)."""
    global _project
    _project = Path(root).resolve() if root is not None else None


def overrides_dir() -> Path | None:
    """The city's overrides/ folder, when it has one (never the tool's own tree)."""
    if _project is None:
        return None
    d = _project / OVERRIDES
    return d if d.is_dir() and d.resolve() != templates_dir().resolve() else None


def search_path(sub: str = "") -> list[Path]:
    """Folders to look a template up in, the city's first."""
    out = []
    o = overrides_dir()
    if o is not None and (o / sub).is_dir():
        out.append(o / sub)
    out.append(templates_dir() / sub)
    return out


def copy_tree(sub: str, dest: Path) -> None:
    """templates/<sub> copied to dest, then the city's overrides/<sub> over it."""
    shutil.copytree(templates_dir() / sub, dest)
    o = overrides_dir()
    if o is not None and (o / sub).is_dir():
        shutil.copytree(o / sub, dest, dirs_exist_ok=True)
