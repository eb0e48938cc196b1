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


def index_site(site_dir: Path) -> None:
    cmd = [str(pagefind_binary()), "--site", str(site_dir), "--force-language", "ja", "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SearchIndexError(f"Pagefind が検索索引を作れませんでした:\n{(proc.stderr or proc.stdout).strip()}")
