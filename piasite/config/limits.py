"""Size limits of content files, so that no input exhausts the machine.

A content file, a past version of one in git and each value in it have an upper
size; the defaults hold the largest published assessments many times over. A
city changes them in its mkdocs.yml (read once per command into its Settings, settings.py):

    extra:
      piasite:
        limits:
          max_file_bytes: 2000000     # one content file (UTF-8 bytes)
          max_value_chars: 50000      # one value (characters)

Nesting depth is fixed: the forms are a few levels deep, and deeper YAML only
serves to exhaust the parser. So are the pages of a PDF given to `piasite import` (max_pdf_pages: the
longest published 全項目評価書 have about 150; importer/pdf.py reads them one at a time, each with a
bounded number of characters and rules).

A pull request can change mkdocs.yml as easily as content/, so the configured values have a
ceiling in code (CEILINGS, ten to twenty times the defaults): a value above it is an error of
`piasite check` and of the build (「… は … まで」), and the ceiling is what is applied meanwhile
(clamped: nothing is ever read beyond it, whatever reads the limits). mkdocs.yml itself is read
only up to MAX_CONFIG_BYTES.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 40  # mappings/lists inside one another; the forms use at most ~8
MAX_CONFIG_BYTES = 1_000_000  # mkdocs.yml (a city's is a few kilobytes)
KEYS = ("max_file_bytes", "max_value_chars")
# What mkdocs.yml can raise the limits to, at most. The work of check, build and import is linear
# in its input, so these bound its time and memory (a 20 MB file, a value of a million characters).
CEILINGS = {"max_file_bytes": 20_000_000, "max_value_chars": 1_000_000}
UNITS = {"max_file_bytes": "バイト", "max_value_chars": "文字"}


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 2_000_000
    max_value_chars: int = 50_000
    max_pdf_pages: int = 500  # fixed, not read from mkdocs.yml (see the module's docstring)
    problem: str = ""  # a message when the configured values were not usable


DEFAULT_LIMITS = Limits()  # the built-in limits (no mkdocs.yml, or one that sets none)


def limits_of(conf: Any) -> Limits:
    """The limits mkdocs.yml's extra.piasite sets (conf: that mapping, or None), checked and clamped;
    a problem (a message) when a value was not usable."""
    conf = conf.get("limits") if isinstance(conf, dict) else None
    if not isinstance(conf, dict):
        return Limits()
    values, bad, high = {}, [], []
    for key in KEYS:
        if key in conf:
            v = conf[key]
            if isinstance(v, int) and not isinstance(v, bool) and v > 0:
                values[key] = min(v, CEILINGS[key])  # clamped: the ceiling holds even before the error stops a run
                if v > CEILINGS[key]:
                    high.append(key)
            else:
                bad.append(key)
    unknown = [str(k) for k in conf if k not in KEYS]
    problem = ""
    if bad or unknown or high:
        problem = "mkdocs.yml の extra.piasite.limits: " + "、".join(
            [f"{k} は正の整数で書いてください" for k in bad]
            + [
                f"{k} は {CEILINGS[k]:,} {UNITS[k]}までです({conf[k]:,} になっています。"
                "piasite が決めている上限で、mkdocs.yml では超えられません)"
                for k in high
            ]
            + [f"「{k}」という設定はありません(max_file_bytes か max_value_chars)" for k in unknown]
        )
    return Limits(**values, problem=problem)
