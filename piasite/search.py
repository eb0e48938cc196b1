"""The search index: Pagefind (extended, for Japanese word segmentation) over the built site.

Pagefind 1.6.0 comes from npm (package.json; `npm ci`), the version measured
best on Japanese queries. It indexes only the assessment pages
(data-pagefind-body); every item heading carries an id, so each hit lands on
its item.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .exceptions import PiasiteError

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "node_modules" / "@pagefind" / "linux-x64" / "bin" / "pagefind_extended"


class SearchIndexError(PiasiteError):
    pass


def pagefind_binary() -> Path:
    env = os.environ.get("PIASITE_PAGEFIND")
    if env:
        return Path(env)
    for root in (ROOT, Path.cwd()):  # this checkout, or the city's repository (npm install there)
        binary = root / BINARY.relative_to(ROOT)
        if binary.exists():
            return binary
    found = shutil.which("pagefind_extended")
    if found:
        return Path(found)
    raise SearchIndexError("検索索引を作る Pagefind が見つかりません。リポジトリのフォルダで `npm install` を実行してください")


# Pagefind's extended (Japanese) indexer holds about 12 MB per assessment page while it
# runs; past this many pages the index is built in parts, one Pagefind run per group of
# organisations, which the search box merges (Pagefind's mergeIndex), so memory stays bounded.
PAGES_PER_BUNDLE = int(os.environ.get("PIASITE_PAGES_PER_BUNDLE", "80"))


def bundles(assessments) -> list[tuple[str, list[str]]]:
    """[(bundle folder, organisation slugs)]: one bundle "pagefind/" while small."""
    by_org: dict[str, int] = {}
    for a in assessments:
        by_org[a.org_slug] = by_org.get(a.org_slug, 0) + 1
    if sum(by_org.values()) <= PAGES_PER_BUNDLE:
        return [("pagefind/", [])]
    out: list[tuple[str, list[str]]] = []
    count = PAGES_PER_BUNDLE
    for org, n in sorted(by_org.items()):
        if count + n > PAGES_PER_BUNDLE and (not out or out[-1][1]):
            out.append((f"pagefind-part{len(out) + 1}/" if out else "pagefind/", []))
            count = 0
        out[-1][1].append(org)
        count += n
    return out


def index_site(site_dir: Path, parts: list[tuple[str, list[str]]] | None = None) -> None:
    for folder, orgs in parts or [("pagefind/", [])]:
        cmd = [str(pagefind_binary()), "--site", str(site_dir), "--force-language", "ja", "--quiet",
               "--output-subdir", folder.rstrip("/")]
        if orgs:
            cmd += ["--glob", ("{" + ",".join(orgs) + "}" if len(orgs) > 1 else orgs[0]) + "/**/*.html"]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SearchIndexError(f"Pagefind が検索索引を作れませんでした:\n{(proc.stderr or proc.stdout).strip()}")
