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
        plain_filter_labels(Path(site_dir) / folder / "pagefind-ui.js")


# Pagefind UI 1.6.0 renders each filter value (our 評価実施機関・事務, content) with Svelte's HtmlTag,
# i.e. innerHTML: `<img onerror=…>` in a name would run, `&lt;` would become `<`. It has no option
# for it, so its one HtmlTag is replaced by a text node with the same interface (m/p/d): the labels
# are plain text. Result titles are text nodes already; excerpts are Pagefind's own escaped text
# with <mark>. The check below fails the build if another Pagefind version changes the code.
_HTML_TAG = "new At(!1)"
_TEXT_TAG = ("var __piaText=class{constructor(){this.n=null;this.a=null}c(e){}"
             "m(e,t,s=null){this.n=document.createTextNode(e);t.insertBefore(this.n,s)}"
             "p(e){this.n&&(this.n.data=e)}d(){this.n&&this.n.parentNode&&this.n.parentNode.removeChild(this.n)}};\n")


def plain_filter_labels(ui: Path) -> None:
    text = ui.read_text(encoding="utf-8")
    if text.startswith(_TEXT_TAG):
        return
    if text.count(_HTML_TAG) != 1:
        raise SearchIndexError(f"{ui.name} が想定した Pagefind UI (1.6.0) と違うため、絞り込みの名前を文字として"
                               "表示できません。package.json の Pagefind の版を確かめてください")
    ui.write_text(_TEXT_TAG + text.replace(_HTML_TAG, "new __piaText()"), encoding="utf-8")
