"""The dates piasite reads from outside the content: the clock (check's re-evaluation warning) and
the last commit of content/ (the build date every engine stamps)."""

from __future__ import annotations

import calendar
import datetime as dt
import os
import subprocess
from pathlib import Path

from piasite.core import dates
from piasite.history.git import git_env


def today() -> dt.date:
    """The one clock date piasite reads: for `check`'s re-evaluation warning only.
    PIASITE_TODAY=YYYY-MM-DD fixes it (tests, reproducible CI)."""
    env = os.environ.get("PIASITE_TODAY")
    return dt.date.fromisoformat(env) if env else dt.date.today()


def source_date_epoch(content_dir: Path, assessments) -> int:
    """The build date every engine stamps (sitemap): the last commit of content/, else the latest 公表日."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", "."],
            cwd=content_dir,
            capture_output=True,
            text=True,
            timeout=30,
            env=git_env(),
        )
        if out.returncode == 0 and out.stdout.strip().isdigit():
            return int(out.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    days = [p[0] for a in assessments if (p := dates.parse_iso(a.published))]
    return calendar.timegm(max(days).timetuple()) if days else 0
