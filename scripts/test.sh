#!/usr/bin/env bash
# The README's test command (.ci/run calls it). On a fresh machine it installs
# everything the tests need — the Python package with its [test] extra, the npm
# tools (Pagefind, axe-core) and Debian's Chromium with Japanese fonts for the
# browser tests — then runs pytest with any arguments given.
#
# PIASITE_DRY_RUN=1 prints the commands instead of running them.
set -euo pipefail
cd "$(dirname "$0")/.."

run() {
  if [ -n "${PIASITE_DRY_RUN:-}" ]; then echo "+ $*"; else "$@"; fi
}

# The Python the tests use: the virtual environment already active, else .venv (made here when
# missing), on every system — Debian's python3 refuses `pip install` outside one (PEP 668), and
# another Python (pyenv, python.org, Homebrew) must not get the test tools in its global
# site-packages either. Only a CI machine (CI=true) without .venv installs into its interpreter: it
# is thrown away, and on Debian that takes --break-system-packages.
pip_flags=(-q)
py=python3
state=$(python3 -c 'import os, sys, sysconfig
venv = sys.prefix != sys.base_prefix
managed = not venv and os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))
print(int(venv), int(managed))')
in_venv=${state% *}
managed=${state#* }
if [ "$in_venv" = 1 ]; then
  : # the active one (python3 is its interpreter)
elif [ -x .venv/bin/python3 ]; then
  py=.venv/bin/python3
  echo "仮想環境 .venv を使います(有効にするには . .venv/bin/activate)" >&2
elif [ "${CI:-}" = true ]; then
  if [ "$managed" = 1 ]; then pip_flags+=(--break-system-packages); fi
else
  if ! run python3 -m venv .venv; then
    echo "エラー: 仮想環境 .venv を作れません。Debian・Ubuntu では root で apt-get install python3-venv を実行してください" >&2
    exit 1
  fi
  py=.venv/bin/python3
  echo "仮想環境 .venv を作って使います(有効にするには . .venv/bin/activate)" >&2
fi
run "$py" -m pip install "${pip_flags[@]}" -e '.[test]'
run npm ci --no-audit --no-fund

# The browser tests drive Debian's Chromium; they fail (never skip) without it.
chromium="${PIASITE_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  sudo=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null; then sudo=(sudo); else
      echo "エラー: $chromium がありません。root で apt-get install chromium fonts-noto-cjk を実行してください" >&2
      exit 1
    fi
  fi
  run "${sudo[@]}" apt-get update
  run "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-cjk
fi

# The type check (mypy) and the lint (ruff) run inside pytest: tests/test_types.py, tests/test_lint.py.
# On every core (pytest-xdist, -n auto). --dist worksteal: each worker starts on one contiguous half of
# the tests (so a module's fixtures, the sites it builds, are mostly built once) and an idle worker
# takes the tail of the other's queue. Not loadfile: tests/security/test_bounded_work.py alone is
# about two thirds of the fast tier, and one worker sat idle while the other ran it. Not in
# pyproject's addopts, where `pytest -p no:xdist` (or a plugin-less run) could not read it; arguments
# that choose for themselves (-n, --numprocesses, --dist, -p no:xdist) are passed on alone.
xdist=(-n auto --dist worksteal)
for a in "$@"; do
  case "$a" in
    -n | -n* | --numprocesses* | --dist* | no:xdist | -pno:xdist) xdist=() ;;
  esac
done
run "$py" -m pytest "${xdist[@]}" "$@"
