"""Where the templates, theme and assets are, and how a city overrides them without forking.

The source folder is templates/ at the top of this repository; an installed
wheel carries it as the package piasite.templates (pyproject's package-dir).
A city's repository may hold an `overrides/` folder beside its mkdocs.yml with
the same layout: a file there (overrides/assessment.md.j2,
overrides/assets/piasite.css, overrides/theme/main.html …) is used instead of
ours; everything else comes from the package.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from jinja2 import BaseLoader, Environment, FileSystemLoader
from jinja2.loaders import split_template_path

from piasite.core import safefiles

_HERE = Path(__file__).resolve().parent.parent  # the package piasite/
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
    """templates/<sub> copied to dest, then the city's overrides/<sub> over it (never through a
    link: shutil.copytree would copy what a committed link points to, .git/config included)."""
    shutil.copytree(templates_dir() / sub, dest)
    o = overrides_dir()
    if o is not None and (o / sub).is_dir():
        safefiles.copy_tree(o / sub, dest, root=_project)


def read_text(path: Path) -> str:
    """A file of search_path(): the city's read without following a link, the package's as is."""
    if _project is not None and Path(path).is_relative_to(_project / OVERRIDES):
        return safefiles.read_text(path, root=_project)
    return Path(path).read_text(encoding="utf-8")


class _Loader(BaseLoader):
    """Jinja's FileSystemLoader over search_path(), but a template of the city's overrides/ is read
    through safefiles (FileSystemLoader follows links and opens FIFOs)."""

    def __init__(self) -> None:
        self.city = [p for p in search_path() if p not in search_path_package()]
        self.package = FileSystemLoader(search_path_package())

    def get_source(self, environment: Environment, template: str):
        pieces = split_template_path(template)
        for folder in self.city:
            p = folder.joinpath(*pieces)
            if os.path.lexists(p):
                text = safefiles.read_text(p, root=_project)
                mtime = os.lstat(p).st_mtime_ns
                return text, str(p), lambda: os.path.lexists(p) and os.lstat(p).st_mtime_ns == mtime
        return self.package.get_source(environment, template)


def search_path_package(sub: str = "") -> list[Path]:
    return [templates_dir() / sub]


def loader() -> BaseLoader:
    """The templates' loader: the city's overrides/ first (checked), then the package's."""
    return _Loader()
