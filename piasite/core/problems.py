"""A problem found in the user's input: a file, a line, the form item, a message in Japanese.

Every stage that checks something (the documents, mkdocs.yml, the history, the evaluations) reports
Problem lines, printed as `path:line: Ⅱ(1) 4. 委託事項1 ③委託先名: message`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from piasite.core import textcheck

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    item: str
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}: "
        what = f"{self.item}: " if self.item else ""
        tag = "" if self.severity == ERROR else "警告: "
        return textcheck.visible(f"{where}{tag}{what}{self.message}")
