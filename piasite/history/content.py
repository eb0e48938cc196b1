"""content/ read and checked knowing its history. checks.load checks the files and reads no git;
what any version in git withholds (withheld.py) is passed in here, so that no message quotes a value
an earlier version withheld and no alias names it. Every command that checks content calls these."""

from __future__ import annotations

from pathlib import Path

from piasite.checks import load
from piasite.checks.load import Assessment
from piasite.config.settings import Settings
from piasite.core.problems import Problem
from piasite.history.withheld import FromHistory
from piasite.model.reader import Document


def check_paths(paths: list[Path], settings: Settings | None = None) -> tuple[list[Document], list[Problem]]:
    """load.check_paths with what the repository's history withholds (settings: the city's, or the built-in)."""
    settings = Settings() if settings is None else settings
    return load.check_paths(paths, FromHistory(settings.limits), settings)


def load_content(root: Path, settings: Settings | None = None) -> tuple[list[Assessment], list[Problem]]:
    """load.load_content with what the repository's history withholds (settings: as check_paths)."""
    settings = Settings() if settings is None else settings
    return load.load_content(root, FromHistory(settings.limits), settings)
