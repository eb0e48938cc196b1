"""The search index: Pagefind (extended, for Japanese word segmentation) over the built site.

Pagefind 1.6.0 comes from npm (package.json; `npm ci`), the version measured
best on Japanese queries. It indexes only the assessment pages
(data-pagefind-body); every item heading carries an id, so each hit lands on
its item.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import cast

from piasite.core.errors import PiasiteError
from piasite.core.runlock import disk_full, said_full
from piasite.site.bundles import FIRST

ROOT = Path(__file__).resolve().parent.parent.parent  # the checkout (piasite/engine/ is two below)
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
    raise SearchIndexError(
        "検索索引を作る Pagefind が見つかりません。リポジトリのフォルダで `npm install` を実行してください"
    )


def index_site(site_dir: Path, parts: list[tuple[str, list[str]]] | None = None) -> None:
    """One Pagefind index per bundle (site/bundles.py: its folder, the organisations it covers)."""
    site_dir = Path(site_dir)
    pages = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html"))
    # Pagefind indexes only the pages marked data-pagefind-body once any page is: the others are
    # not even sent (when no page is, every page is, as Pagefind's own crawl would).
    marked = {p for p in pages if b"data-pagefind-body" in (site_dir / p).read_bytes()}
    for folder, orgs in parts or [(FIRST, [])]:
        chosen = [p for p in pages if (p in marked or not marked) and (not orgs or p.split("/", 1)[0] in orgs)]
        with _Service(pagefind_binary(), site_dir) as pf:
            index = pf.call({"type": "NewIndex", "config": {"force_language": "ja"}})["index_id"]
            for rel in chosen:  # in sorted order: the index is the same whatever the file system's order
                text = (site_dir / rel).read_text(encoding="utf-8")
                pf.call({"type": "AddFile", "index_id": index, "url": _url(rel), "file_contents": breakable(text)})
            pf.call({"type": "WriteFiles", "index_id": index, "output_path": str((site_dir / folder).resolve())})
        plain_filter_labels(site_dir / folder / "pagefind-ui.js")


def _one_line(text: str) -> str:
    """Pagefind's own error message, one line, printable characters only, short."""
    line = next((l.strip() for l in text.splitlines() if l.strip()), "理由は示されていません")
    return "".join(c if c.isprintable() else "?" for c in line)[:200]


def _url(rel: str) -> str:
    """The URL Pagefind's own crawl gives a file: /kumagaya/5/ for kumagaya/5/index.html."""
    return "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


class _Service:
    """Pagefind's service mode (`--service`, what its Node API drives): messages are base64 JSON
    followed by a comma, both ways; each request is answered before the next is sent. Used
    instead of `pagefind --site`, whose output follows the order the file system lists files in
    (tmpfs and ext4 gave different indexes of the same site)."""

    def __init__(self, binary: Path, site: Path | None = None):
        try:
            self.proc = subprocess.Popen(
                [str(binary), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        except OSError as e:
            raise SearchIndexError(
                f"検索索引を作る Pagefind ({binary}) を起動できません({e.strerror or e})。"
                "リポジトリのフォルダで `npm install` をやり直してください"
            ) from None
        self.site = site
        self.buf = b""
        self.id = 0

    def __enter__(self) -> _Service:
        return self

    def __exit__(self, *exc) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def call(self, payload: dict) -> dict:
        self.id += 1
        msg = base64.b64encode(json.dumps({"message_id": self.id, "payload": payload}).encode()) + b","
        assert self.proc.stdin and self.proc.stdout and self.proc.stderr  # opened as pipes in __init__
        try:
            self.proc.stdin.write(msg)
            self.proc.stdin.flush()
            while b"," not in self.buf:
                chunk = cast(io.BufferedReader, self.proc.stdout).read1(1 << 20)  # what is there, no waiting for more
                if not chunk:
                    raise OSError("Pagefind が応答しません")
                self.buf += chunk
        except OSError:
            raise self.failed() from None
        raw, self.buf = self.buf.split(b",", 1)
        reply = json.loads(base64.b64decode(raw))
        out = reply.get("payload") or {}
        if out.get("type") == "Error" or reply.get("message_id") != self.id:
            said = str(out.get("message", ""))
            if said_full(said):
                raise disk_full(self.site)
            raise SearchIndexError(f"Pagefind が検索索引を作れませんでした({_one_line(said)})")
        return out

    def failed(self) -> PiasiteError:
        """Pagefind stopped (it crashed, was killed, or the disk is full): told in Japanese, without its
        panic text (Rust's `thread 'main' panicked at …` is for Pagefind's developers, not the city)."""
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        assert self.proc.stderr
        err = self.proc.stderr.read().decode(errors="replace")
        if said_full(err):
            return disk_full(self.site)
        rc = self.proc.returncode
        how = f"シグナル {-rc} で止まりました" if rc is not None and rc < 0 else f"終了コード {rc} で止まりました"
        return SearchIndexError(
            f"Pagefind が検索索引を作れませんでした(Pagefind が途中で{how})。"
            "もう一度実行し、続くときは `npm ci` で Pagefind を入れ直してください"
        )


# A value with no break for megabytes makes Pagefind's Japanese indexing quadratic (1 MB: 20 s,
# 10 MB: > 15 min). The copy Pagefind reads (never the page) gets a space every RUN characters of
# such a run of text; ordinary Japanese text breaks at 。、 long before.
RUN = 1000
_C = r"[^\s<>。、．，！？]"  # a character of a run: anything but a break (tags count as breaks)
_RUNS = re.compile(rf"(?<!{_C}){_C}{{{RUN + 1},}}")  # from the start of a run only: linear


def breakable(html: str) -> str:
    return _RUNS.sub(lambda m: _split(m[0]), html)


def _split(run: str) -> str:
    parts, start = [], 0
    while len(run) - start > RUN:
        cut = start + RUN
        amp = run.rfind("&", cut - 12, cut)  # never inside a character reference (&amp; &#12354;)
        if amp > start and run.find(";", amp, cut) == -1:
            cut = amp
        parts.append(run[start:cut])
        start = cut
    parts.append(run[start:])
    return " ".join(parts)


# Pagefind UI 1.6.0 renders each filter value (our 評価実施機関・事務, content) with Svelte's HtmlTag,
# i.e. innerHTML: `<img onerror=…>` in a name would run, `&lt;` would become `<`. It has no option
# for it, so its one HtmlTag is replaced by a text node with the same interface (m/p/d): the labels
# are plain text. Result titles are text nodes already; excerpts are Pagefind's own escaped text
# with <mark>. The check below fails the build if another Pagefind version changes the code.
_HTML_TAG = "new At(!1)"
_TEXT_TAG = (
    "var __piaText=class{constructor(){this.n=null;this.a=null}c(e){}"
    "m(e,t,s=null){this.n=document.createTextNode(e);t.insertBefore(this.n,s)}"
    "p(e){this.n&&(this.n.data=e)}d(){this.n&&this.n.parentNode&&this.n.parentNode.removeChild(this.n)}};\n"
)


def plain_filter_labels(ui: Path) -> None:
    text = ui.read_text(encoding="utf-8")
    if text.startswith(_TEXT_TAG):
        return
    if text.count(_HTML_TAG) != 1:
        raise SearchIndexError(
            f"{ui.name} が想定した Pagefind UI (1.6.0) と違うため、絞り込みの名前を文字として"
            "表示できません。package.json の Pagefind の版を確かめてください"
        )
    ui.write_text(_TEXT_TAG + text.replace(_HTML_TAG, "new __piaText()"), encoding="utf-8")
