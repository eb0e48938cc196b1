"""The search index: Pagefind (extended, for Japanese word segmentation) over the built site.

Pagefind 1.6.0 comes from npm (package.json; `npm ci`), the version measured
best on Japanese queries. It indexes only the assessment pages
(data-pagefind-body); every item heading carries an id, so each hit lands on
its item.

Pagefind holds every indexed page's words until it writes the index: about
9 MB per assessment page, so 1,000 assessments needed ~7 GB. The pages are
therefore indexed in parts of at most PART_BYTES of HTML, each by its own
Pagefind run into its own bundle (pagefind/, pagefind-1/, …), and the search
box merges them in the browser (Pagefind's mergeIndex; the list is
pagefind/piasite-parts.js). A small site stays one bundle.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "node_modules" / "@pagefind" / "linux-x64" / "bin" / "pagefind_extended"


class SearchIndexError(Exception):
    pass


def pagefind_binary() -> Path:
    env = os.environ.get("PIASITE_PAGEFIND")
    if env:
        return Path(env)
    if BINARY.exists():
        return BINARY
    found = shutil.which("pagefind_extended")
    if found:
        return Path(found)
    raise SearchIndexError("検索索引を作る Pagefind が見つかりません。リポジトリのフォルダで `npm ci` を実行してください")


PART_BYTES = 40_000_000  # HTML per Pagefind run: ~1 GB of Pagefind memory
PARTS_SCRIPT = "piasite-parts.js"


def searchable_pages(site_dir: Path) -> list[Path]:
    """The pages Pagefind indexes (those with data-pagefind-body), in a stable order."""
    return [p for p in sorted(site_dir.rglob("*.html")) if b"data-pagefind-body" in p.read_bytes()]


def parts(pages: list[Path], limit: int) -> list[list[Path]]:
    out: list[list[Path]] = [[]]
    size = 0
    for p in pages:
        n = p.stat().st_size
        if out[-1] and size + n > limit:
            out.append([])
            size = 0
        out[-1].append(p)
        size += n
    return out


def index_site(site_dir: Path, part_bytes: int | None = None) -> None:
    site_dir = Path(site_dir)
    limit = part_bytes or int(os.environ.get("PIASITE_SEARCH_PART_BYTES") or PART_BYTES)
    groups = parts(searchable_pages(site_dir), limit)
    if len(groups) == 1:
        _pagefind(site_dir, site_dir / "pagefind")
        extra: list[str] = []
    else:
        extra = []
        for i, group in enumerate(groups):
            bundle = "pagefind" if i == 0 else f"pagefind-{i}"
            with tempfile.TemporaryDirectory(dir=site_dir.parent, prefix=".piasite-search-") as tmp:
                # the part's pages at their own paths (hard links), so result URLs stay right
                for p in group:
                    rel = p.relative_to(site_dir)
                    (Path(tmp) / rel).parent.mkdir(parents=True, exist_ok=True)
                    os.link(p, Path(tmp) / rel)
                _pagefind(Path(tmp), site_dir / bundle)
            if i:
                extra.append(bundle + "/")
    # The search box reads the other bundles from here (an empty list for one bundle).
    (site_dir / "pagefind" / PARTS_SCRIPT).write_text(
        "window.piasiteSearchParts = " + json.dumps(extra) + ";\n", encoding="utf-8")


def _pagefind(site: Path, output: Path) -> None:
    cmd = [str(pagefind_binary()), "--site", str(site), "--output-path", str(output.resolve()),
           "--force-language", "ja", "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SearchIndexError(f"Pagefind が検索索引を作れませんでした:\n{(proc.stderr or proc.stdout).strip()}")
