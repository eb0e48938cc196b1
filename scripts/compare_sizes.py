"""Sizes of the compare pages and of their per-pair files (issue 22, item 2).

    python3 -m bench.corpus /tmp/corpus --size 10
    PYTHONPATH=$PWD python3 scripts/compare_sizes.py /tmp/corpus /tmp/compare-out

REPO is a git repository with content/ (the bench corpus, or this repository); OUT is emptied and
receives what the change-log stage writes (Markdown pages before the engine, the JSON pair files).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from piasite.history.content import load_content
from piasite.site.history_pages import generate_history


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit(__doc__)
    root, out = Path(argv[0]), Path(argv[1])
    shutil.rmtree(out, ignore_errors=True)
    assessments, _ = load_content(root / "content")

    def write(rel: str, text: str) -> None:
        p = out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")

    generate_history(assessments, root, write)
    pages = {str(p): p.stat().st_size for p in out.glob("*/*/compare/index.md")}
    pairs = {str(p): p.stat().st_size for p in out.glob("*/*/compare/*.json")}
    for k, v in sorted(pages.items(), key=lambda kv: -kv[1])[:3]:
        print(f"{k}\t{v / 1000:.1f} kB")
    for name, sizes in (("compare pages", pages), ("pair files", pairs)):
        total, largest = sum(sizes.values()) / 1000, max(sizes.values(), default=0) / 1000
        print(f"{name}: {len(sizes)}, total {total:.1f} kB, largest {largest:.1f} kB")


if __name__ == "__main__":
    main(sys.argv[1:])
