"""Where the templates, theme and assets are, and how a city overrides them without forking.

The source folder is templates/ at the top of this repository; an installed
wheel carries it as the package piasite.templates (pyproject's package-dir).
A city's repository may hold an `overrides/` folder beside its mkdocs.yml with
the same layout: a file there (overrides/assessment.md.j2,
overrides/assets/piasite.css, overrides/theme/main.html …) is used instead of
ours; everything else comes from the package. A Resources is made for one city's repository
(its Settings' root) and given to what reads templates (the site's stages).
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


def templates_dir() -> Path:
    """The tool's own templates: inside the installed package, else the source tree's templates/."""
    inside = _HERE / "templates"
    return inside if (inside / "theme").is_dir() else _HERE.parent / "templates"


def search_path_package(sub: str = "") -> list[Path]:
    return [templates_dir() / sub]


class Resources:
    """The templates, theme and assets for one city: its overrides/ first, then the package's."""

    def __init__(self, project: Path | None = None):
        """project: the city's repository (the folder of its mkdocs.yml); None: the tool's templates only."""
        self.project = Path(project).resolve() if project is not None else None

    def overrides_dir(self) -> Path | None:
        """The city's overrides/ folder, when it has one (never the tool's own tree)."""
        if self.project is None:
            return None
        d = self.project / OVERRIDES
        return d if d.is_dir() and d.resolve() != templates_dir().resolve() else None

    def search_path(self, sub: str = "") -> list[Path]:
        """Folders to look a template up in, the city's first."""
        out = []
        o = self.overrides_dir()
        if o is not None and (o / sub).is_dir():
            out.append(o / sub)
        out.append(templates_dir() / sub)
        return out

    def copy_tree(self, sub: str, dest: Path) -> None:
        """templates/<sub> copied to dest, then the city's overrides/<sub> over it (never through a
        link: shutil.copytree would copy what a committed link points to, .git/config included)."""
        shutil.copytree(templates_dir() / sub, dest)
        o = self.overrides_dir()
        if o is not None and (o / sub).is_dir():
            safefiles.copy_tree(o / sub, dest, root=self.project)

    def read_text(self, path: Path) -> str:
        """A file of search_path(): the city's read without following a link, the package's as is."""
        if self.project is not None and Path(path).is_relative_to(self.project / OVERRIDES):
            return safefiles.read_text(path, root=self.project)
        return Path(path).read_text(encoding="utf-8")

    def loader(self) -> BaseLoader:
        """The templates' loader: the city's overrides/ first (checked), then the package's."""
        return _Loader(self)


class _Loader(BaseLoader):
    """Jinja's FileSystemLoader over search_path(), but a template of the city's overrides/ is read
    through safefiles (FileSystemLoader follows links and opens FIFOs)."""

    def __init__(self, resources: Resources) -> None:
        self.project = resources.project
        self.city = [p for p in resources.search_path() if p not in search_path_package()]
        self.package = FileSystemLoader(search_path_package())

    def get_source(self, environment: Environment, template: str):
        pieces = split_template_path(template)
        for folder in self.city:
            p = folder.joinpath(*pieces)
            if os.path.lexists(p):
                text = safefiles.read_text(p, root=self.project)
                mtime = os.lstat(p).st_mtime_ns
                return text, str(p), lambda p=p, mtime=mtime: os.path.lexists(p) and os.lstat(p).st_mtime_ns == mtime
        return self.package.get_source(environment, template)
