"""The search index: Pagefind (extended, for Japanese word segmentation) over the built site.

The binary is found through the platform, never at one fixed path (find): PIASITE_PAGEFIND, then
npm's package for this machine (@pagefind/<os>-<arch>, `npm ci`: Pagefind 1.6.0, the version
measured best on Japanese queries, docs/pagefind-versions.md), then PyPI's pagefind[extended]
(pagefind_bin_extended, installed with piasite: 1.5.2 today, for a machine without Node.js), then
PATH. Its `--version` is checked before a build starts and recorded in the site (api/build.json).
It indexes only the assessment pages (data-pagefind-body); every item heading carries an id, so
each hit lands on its item.
"""

from __future__ import annotations

import base64
import importlib
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from piasite.core.errors import PiasiteError
from piasite.core.runlock import disk_full, said_full
from piasite.site.bundles import FIRST

ROOT = Path(__file__).resolve().parent.parent.parent  # the checkout (piasite/engine/ is two below)
ENV = "PIASITE_PAGEFIND"
MINIMUM = (1, 5, 2)  # the oldest version measured (PyPI's): service mode, force_language, the UI below
BUILD_INFO = "api/build.json"  # the site's build information: which Pagefind made its index

# npm's names (Pagefind's own lib/resolveBinary.js): process.platform, "win32" written "windows"; os.arch()
_NPM_OS = {"linux": "linux", "darwin": "darwin", "win32": "windows", "freebsd": "freebsd"}
_NPM_ARCH = {"x86_64": "x64", "amd64": "x64", "x64": "x64", "aarch64": "arm64", "arm64": "arm64"}


class SearchIndexError(PiasiteError):
    pass


@dataclass(frozen=True)
class Pagefind:
    """The binary found, its version (checked) and where it came from (ENV, npm, PyPI, PATH)."""

    path: Path
    version: tuple[int, ...]
    source: str

    @property
    def version_text(self) -> str:
        return ".".join(map(str, self.version))


def npm_package(system: str | None = None, machine: str | None = None) -> str | None:
    """npm's package of Pagefind's binaries for this platform (@pagefind/linux-x64, @pagefind/windows-arm64 …),
    None where Pagefind publishes none."""
    os_name = _NPM_OS.get(system or sys.platform) or _NPM_OS.get((system or sys.platform).rstrip("0123456789"))
    arch = _NPM_ARCH.get((machine or platform.machine()).lower())
    return f"@pagefind/{os_name}-{arch}" if os_name and arch else None


def _exe(name: str, system: str | None = None) -> str:
    return name + ".exe" if (system or sys.platform) == "win32" else name


def npm_binary(roots: list[Path] | None = None, system: str | None = None, machine: str | None = None) -> Path | None:
    """The extended binary of npm's package for this platform, in this checkout's node_modules or the
    city repository's (the current folder: `npm install` there)."""
    package = npm_package(system, machine)
    if package is None:
        return None
    for root in roots if roots is not None else [ROOT, Path.cwd()]:
        binary = root / "node_modules" / package / "bin" / _exe("pagefind_extended", system)
        if binary.is_file():
            return binary
    return None


def pypi_binary() -> Path | None:
    """PyPI's pagefind[extended] (the pagefind_bin_extended wheel for this platform), if installed."""
    try:
        module = importlib.import_module("pagefind_bin_extended")
        return Path(module.get_executable())
    except (ImportError, FileNotFoundError, AttributeError):
        return None


def candidates() -> list[tuple[Path, str]]:
    """[(binary, where from)] in the order tried: the first is used."""
    found: list[tuple[Path, str]] = []
    env = os.environ.get(ENV)
    if env:
        return [(Path(env), ENV)]  # chosen explicitly: no other is tried behind it
    npm = npm_binary()
    if npm:
        found.append((npm, "npm"))
    pypi = pypi_binary()
    if pypi:
        found.append((pypi, "PyPI"))
    on_path = shutil.which(_exe("pagefind_extended"))
    if on_path:
        found.append((Path(on_path), "PATH"))
    return found


_VERSION = re.compile(r"\bpagefind\s+v?(\d+)\.(\d+)\.(\d+)", re.IGNORECASE)


def version_of(binary: Path) -> tuple[int, ...]:
    """`pagefind --version` ("pagefind 1.6.0") read, or a Japanese error naming the binary."""
    try:
        proc = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=60)
    except OSError as e:
        raise SearchIndexError(
            f"検索索引を作る Pagefind ({binary}) を起動できません({e.strerror or e})。"
            "pip install piasite で入れ直すか、リポジトリのフォルダで `npm ci` を実行してください"
        ) from None
    except subprocess.TimeoutExpired:
        raise SearchIndexError(f"Pagefind ({binary}) が --version に 60 秒答えませんでした") from None
    m = _VERSION.search(proc.stdout) if proc.returncode == 0 else None
    if m is None:
        said = _one_line(proc.stderr or proc.stdout)
        raise SearchIndexError(f"{binary} は Pagefind の版を答えませんでした(--version: {said})")
    return tuple(int(g) for g in m.groups())


def find() -> Pagefind:
    """The Pagefind to use, its version checked (at the start of a build, before anything is written)."""
    tried = candidates()
    if not tried:
        raise SearchIndexError(
            "検索索引を作る Pagefind が見つかりません。`pip install piasite` で入れ直してください"
            f"(Pagefind の PyPI の版 pagefind[extended] が入ります)。Node.js があれば、リポジトリのフォルダで "
            f"`npm ci` を実行すると npm の版 ({npm_package() or 'この OS の版はありません'}) を使います。"
            f"ほかの場所のものは環境変数 {ENV} に指定します"
        )
    binary, source = tried[0]
    version = version_of(binary)
    if version < MINIMUM:
        need = ".".join(map(str, MINIMUM))
        raise SearchIndexError(
            f"Pagefind の版 {'.'.join(map(str, version))} ({binary}、{source}) は古すぎます。{need} 以上が要ります。"
            "`pip install -U piasite` か、リポジトリのフォルダで `npm ci` を実行してください"
        )
    return Pagefind(binary, version, source)


def write_build_info(site_dir: Path, pagefind: Pagefind, about: dict[str, str] | None = None) -> None:
    """api/build.json: which Pagefind made the search index. Its version only: the same binary gives the
    same bytes however it was found (PIASITE_PAGEFIND or npm), and a staff PC's folders are not the site's."""
    path = Path(site_dir) / BUILD_INFO
    path.parent.mkdir(parents=True, exist_ok=True)
    # publisher and licence first, as in every file under api/ (site/api.py ABOUT_KEYS; its schema:
    # api/schema/build.schema.json)
    info = {**(about or {}), "検索索引": {"Pagefind": pagefind.version_text}}
    path.write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def index_site(
    site_dir: Path, parts: list[tuple[str, list[str]]] | None = None, pagefind: Pagefind | None = None
) -> Pagefind:
    """One Pagefind index per bundle (site/bundles.py: its folder, the organisations it covers), by the
    Pagefind given (found at the build's start) or found now; returns the one used."""
    site_dir = Path(site_dir)
    pagefind = pagefind or find()
    pages = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html"))
    # Pagefind indexes only the pages marked data-pagefind-body once any page is: the others are
    # not even sent (when no page is, every page is, as Pagefind's own crawl would).
    marked = {p for p in pages if b"data-pagefind-body" in (site_dir / p).read_bytes()}
    for folder, orgs in parts or [(FIRST, [])]:
        chosen = [p for p in pages if (p in marked or not marked) and (not orgs or p.split("/", 1)[0] in orgs)]
        with _Service(pagefind.path, site_dir) as pf:
            index = pf.call({"type": "NewIndex", "config": {"force_language": "ja"}})["index_id"]
            for rel in chosen:  # in sorted order: the index is the same whatever the file system's order
                text = (site_dir / rel).read_text(encoding="utf-8")
                pf.call({"type": "AddFile", "index_id": index, "url": _url(rel), "file_contents": breakable(text)})
            pf.call({"type": "WriteFiles", "index_id": index, "output_path": str((site_dir / folder).resolve())})
        plain_filter_labels(site_dir / folder / "pagefind-ui.js")
    return pagefind


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
                "pip install piasite で入れ直すか、リポジトリのフォルダで `npm ci` をやり直してください"
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
            "もう一度実行し、続くときは Pagefind を入れ直してください(pip install piasite か npm ci)"
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


# Pagefind UI (1.5.2 and 1.6.0) renders each filter value (our 評価実施機関・事務, content) with Svelte's
# HtmlTag, i.e. innerHTML: `<img onerror=…>` in a name would run, `&lt;` would become `<`. It has no
# option for it, so its one HtmlTag is replaced by a text node with the same interface (m/p/d): the
# labels are plain text. The class is found by its shape (`X=class{is_svg=!1;`: minified, its name
# differs by version, At in 1.6.0, It in 1.5.2) and must be made exactly once (`new X(!1)`). Result
# titles are text nodes already; excerpts are Pagefind's own escaped text with <mark>. The check
# below fails the build if another Pagefind version changes the code.
_HTML_TAG_CLASS = re.compile(r"\b([A-Za-z_$][\w$]*)=class\{is_svg=!1;")
_TEXT_TAG = (
    "var __piaText=class{constructor(){this.n=null;this.a=null}c(e){}"
    "m(e,t,s=null){this.n=document.createTextNode(e);t.insertBefore(this.n,s)}"
    "p(e){this.n&&(this.n.data=e)}d(){this.n&&this.n.parentNode&&this.n.parentNode.removeChild(this.n)}};\n"
)


def plain_filter_labels(ui: Path) -> None:
    text = ui.read_text(encoding="utf-8")
    if text.startswith(_TEXT_TAG):
        return
    classes = _HTML_TAG_CLASS.findall(text)
    made = f"new {classes[0]}(!1)" if len(classes) == 1 else None
    if made is None or text.count(made) != 1:
        raise SearchIndexError(
            f"{ui.name} が想定した Pagefind UI (1.5.2・1.6.0) と違うため、絞り込みの名前を文字として"
            "表示できません。Pagefind の版を確かめてください(package.json か pip の pagefind)"
        )
    ui.write_text(_TEXT_TAG + text.replace(made, "new __piaText()"), encoding="utf-8")
