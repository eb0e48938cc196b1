"""`piasite ARGS` run in this process, for tests about what a command does rather than about the
process it runs in (those keep `python -m piasite` in a subprocess: the console entry, resource limits,
a whole build as a city runs it). A subprocess costs ~0.3 s of interpreter and import start-up each.

Through click's CliRunner: stdout and stderr are captured apart (everything piasite writes goes through
sys.stdout/sys.stderr, so a value that must not show is seen here as well), and an exception other than
SystemExit fails the test — piasite's last-resort net (cli.run) is not in the way to hide it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from click.testing import CliRunner

from piasite.cli import main


def piasite(*args: str, cwd: Path | str | None = None) -> subprocess.CompletedProcess:
    """Like subprocess.run([python, -m, piasite, *args], cwd=cwd, capture_output=True, text=True)."""
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        res = CliRunner().invoke(main, [str(a) for a in args])
    finally:
        os.chdir(old)
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise AssertionError(
            f"piasite {' '.join(map(str, args))} raised {type(res.exception).__name__}: {res.exception}\n{res.output}"
        ) from res.exception
    return subprocess.CompletedProcess(["piasite", *args], res.exit_code, res.stdout, res.stderr)
