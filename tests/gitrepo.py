"""A real git repository in a temporary folder, built as a city clerk would edit it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

BASE = Path(__file__).parent / "fixtures" / "handwritten" / "higashiyama" / "5.yaml"


class Repo:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.day = 0
        self.git("init", "-q", "-b", "main")
        # = git config user.email / user.name / commit.gpgsign, written at once (3 processes fewer per repo)
        with open(self.root / ".git" / "config", "a", encoding="utf-8") as f:
            f.write("[user]\n\temail = clerk@example.jp\n\tname = clerk\n[commit]\n\tgpgsign = false\n")

    def git(self, *args: str) -> str:
        self.day += 0  # dates move only in commit()
        env = {**os.environ, "GIT_AUTHOR_DATE": self._date(), "GIT_COMMITTER_DATE": self._date()}
        return subprocess.run(
            ["git", *args], cwd=self.root, check=True, capture_output=True, text=True, env=env
        ).stdout.strip()

    def _date(self) -> str:
        # 2025-12-01 + day, 10:00 JST
        import datetime as dt

        d = dt.date(2025, 12, 1) + dt.timedelta(days=self.day)
        return f"{d.isoformat()}T10:00:00+09:00"

    def path(self, rel: str) -> Path:
        return self.root / rel

    def write(self, rel: str, text: str) -> None:
        p = self.path(rel)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")

    def edit(self, rel: str, old: str, new: str, count: int = 1) -> None:
        text = self.path(rel).read_text(encoding="utf-8")
        assert old in text, old
        self.write(rel, text.replace(old, new, count))

    def commit(self, message: str, days: int = 1) -> str:
        self.day += days
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")


def base_repo(tmp: Path) -> Repo:
    r = Repo(tmp)
    r.write("content/higashiyama/5.yaml", BASE.read_text(encoding="utf-8"))
    r.commit("東山市 個人住民税 重点項目評価書を登録", days=0)
    return r
