"""The layers (docs/architecture.md) hold: import-linter's contracts in pyproject.toml — each layer imports
only the layers below it, and no cycle among the modules of one layer. Run as a subprocess, as a
developer runs `lint-imports`, so that its report is what a failure shows."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept():
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
            "--no-cache",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout, run.stdout[-2000:]
