"""`piasite serve`: the staff build on 127.0.0.1, rebuilt as content/ is saved, the browser reloaded.

The site engine never sees a page body: it prints tokens, which theme.fill
replaces afterwards (theme.py). So the preview keeps the engine's output with
its tokens and fills each page when it is requested, from build/piasite-bodies.
A saved assessment then costs only its own page and the pages every assessment
feeds (organisation, indexes, top, open data) — regenerated in this process,
without the engine. A file added or removed, or aliases.yaml, changes the set
of pages or names: the whole preview is built again. Search (Pagefind) is
indexed once, at the start: results may lag an edit until the next full build.

Each served page gets a small inline script that polls /__piasite__/status
(this server, no other host) and reloads when the version changes; a file with
errors keeps the last good pages and shows its messages over the page.
The git history is read once, at the start (uncommitted edits are not history).

The preview runs the build's own stages (engine/run.py: BUILD, on a Build with `preview` set); a
save runs the pages stage for the assessments whose page it changed (the saved one, and any whose
names now link to another index entry or spelling) and the shared stages (site/generate.py).

The preview is built in a folder of its own, build/run-XXXXXXXX (runlock.private), never in the
folders a `piasite build` reads or writes: its staff pages (取込メモ, file paths) cannot reach a
public site built meanwhile, and a public build cannot replace the bodies the preview serves.
When content/ disappears while serving, the last pages stay and every page (and any address that
is not found) says so, until the folder is back.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import click

from piasite.checks.load import Assessment
from piasite.config.settings import read as read_settings
from piasite.config.settings import require
from piasite.core import runlock, workdir
from piasite.core.errors import PiasiteError, UserError
from piasite.core.problems import ERROR
from piasite.engine.run import BUILD, DOCS, Build
from piasite.forms.registry import form_for
from piasite.history.content import check_paths
from piasite.history.withheld import mask_assessments
from piasite.site.generate import SHARED_STAGES, pages_stage
from piasite.site.stages import run as run_stages
from piasite.site.theme import bodies_dir

STATUS = "/__piasite__/status"
POLL_SECONDS = 0.4
_TOKENS = re.compile(rb"<!--piasite-body:([0-9a-f]{32})-->|piasitetitle([0-9a-f]{32})x")

RELOAD = """<div id="piasite-serve-problems" role="alert" hidden
 style="position:fixed;inset:0 0 auto 0;z-index:99;max-height:50vh;overflow:auto;margin:0;padding:1em;
 background:#fff3f3;color:#600;border-bottom:3px solid #c00;font:14px/1.6 monospace;white-space:pre-wrap"></div>
<script>(function () {
  var seen = null, box = document.getElementById("piasite-serve-problems");
  function show(list) {
    box.hidden = !list.length;
    box.textContent = list.length ? "評価書に誤りがあります(直すまで前のページを表示しています):\\n" + list.join("\\n") : "";
  }
  function poll() {
    fetch("%(status)s", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.version !== seen) { location.reload(); return; }
      seen = s.version; show(s.problems || []);
    }).catch(function () {}).then(function () { setTimeout(poll, %(ms)d); });
  }
  poll();
})();</script>
""".replace("%(status)s", STATUS).replace("%(ms)d", "500")


@dataclass
class State:
    version: int = 0
    problems: list[str] = field(default_factory=list)
    last: dict[str, float] = field(default_factory=dict)  # seconds each kind of rebuild took
    kind: str = ""  # the last rebuild's kind: full | page | error


class Preview:
    """The preview's build: one full build, then per-file updates."""

    def __init__(self, content_dir: Path, config: Path = Path("mkdocs.yml")):
        self.content_dir = Path(content_dir)
        self.config = Path(config)
        self.root = self.config.resolve().parent
        self._run: contextlib.ExitStack | None = None
        self._work: Path | None = None
        self.lock = threading.RLock()
        self.state = State()
        self.site: Any = None
        self.snapshot: dict[Path, tuple[int, int]] = {}
        if not self.content_dir.is_dir():
            raise UserError(f"評価書のフォルダ {self.content_dir} がありません")
        self.settings = require(self.config)  # missing or unusable: told now, in Japanese

    @property
    def work(self) -> Path:
        """This preview's own folder (build/run-XXXXXXXX), made at the first build, removed by close()."""
        if self._work is None:
            stack = contextlib.ExitStack()
            self._work = stack.enter_context(runlock.private(workdir.root(self.root)))
            self._run = stack
        return self._work

    def close(self) -> None:
        if self._run is not None:
            self._run.close()
            self._run = self._work = None

    @property
    def raw(self) -> Path:
        """The engine's output with its tokens, served."""
        return self.work / "site"

    @property
    def docs(self) -> Path:
        return self.work / DOCS

    @property
    def bodies(self) -> Path:
        return bodies_dir(self.docs)

    # -- building --------------------------------------------------------------------------
    def full(self) -> None:
        """Everything: model, generated tree, engine, search index (the build's stages, BUILD)."""
        t0 = time.perf_counter()
        with self.lock:
            self.snapshot = self._scan()
            self.settings = read_settings(self.config)  # as a build reads them (checked by run_engine)
            b = Build(
                self.content_dir,
                self.settings,
                self.work,
                self.raw,
                allow_shallow=True,
                staff=True,  # the preview is the staff's own
                preview=True,
            )
            run_stages(BUILD, b)
            self.site = b.site
            self._done([str(p) for p in b.errors], "full", t0)

    def update(self, path: Path) -> None:
        """One assessment saved: its page and the shared pages, or its messages when it has errors."""
        t0 = time.perf_counter()
        with self.lock:
            docs, problems = check_paths([path], self.settings)
            errors = [str(p) for p in problems if p.severity == ERROR]
            if errors or not docs:
                self._done(errors or [f"{path}: 読めません"], "error", t0)
                return
            doc = docs[0]
            site = self.site
            form = form_for(doc.data)
            if form is None:  # check_paths reported it: not reached
                return
            new = Assessment(doc, form, self.content_dir)
            mask_assessments([new], self.content_dir, self.settings.limits)  # what any version withheld stays so
            old = [a for a in site.assessments if a.path.resolve() == Path(path).resolve()]
            if not old or old[0].url != new.url:
                self.full()
                return
            site.assessments[site.assessments.index(old[0])] = new
            links = site.entity_links
            site.refresh()  # the indexes, their links and the 評価, from the assessments as they are now
            changed = [a for a in site.assessments if a is new or links.get(a.url) != site.entity_links.get(a.url)]
            pages_stage(site, changed)
            run_stages(SHARED_STAGES, site)
            self._done([], "page", t0)

    def _done(self, problems: list[str], kind: str, t0: float) -> None:
        self.state.problems = problems
        self.state.version += 1
        self.state.last[kind] = time.perf_counter() - t0
        self.state.kind = kind

    def news(self) -> str:
        """What the terminal says after a rebuild (the page says the same)."""
        s = self.state
        if s.problems:
            return "評価書に誤りがあります(直すまで前のページを表示します):\n" + "\n".join(s.problems)
        what = "全体を" if s.kind == "full" else ""
        return f"{what}組み立て直しました({s.last.get(s.kind, 0):.1f} 秒)"

    # -- watching --------------------------------------------------------------------------
    def _scan(self) -> dict[Path, tuple[int, int]]:
        out = {}
        for p in self.content_dir.rglob("*.yaml"):
            try:
                st = p.stat()
            except OSError:
                continue
            out[p] = (st.st_mtime_ns, st.st_size)
        return out

    def poll(self) -> bool:
        """Rebuild what the files changed since the last look need; True when anything was done."""
        if not self.content_dir.is_dir():  # deleted or moved while serving: the last pages stay, told why
            if self.state.kind == "missing":
                return False
            self.snapshot = {}
            with self.lock:
                self._done([self.missing()], "missing", time.perf_counter())
            return True
        now = self._scan()
        if now == self.snapshot and self.state.kind != "missing":
            return False
        changed = [p for p in now if self.snapshot.get(p) != now[p]]
        structural = (
            set(now) != set(self.snapshot)
            or any(p.name == "aliases.yaml" for p in changed)
            or self.state.kind == "missing"
        )  # content/ is back: everything again
        self.snapshot = now
        try:
            if structural:
                self.full()
            else:
                for p in sorted(changed):
                    self.update(p)
        except (PiasiteError, OSError) as e:  # e.g. the engine failed, the disk is full: keep serving, say why
            if isinstance(e, OSError):
                e = (
                    runlock.disk_full(e.filename, site_kept=False)
                    if runlock.is_full(e)
                    else UserError(f"{e.filename or self.work}: ファイルを読み書きできません({e.strerror or e})")
                )
            with self.lock:
                self._done([e.format_message()], "error", time.perf_counter())
        return True

    def missing(self) -> str:
        return (
            f"評価書のフォルダ {self.content_dir} が見つかりません(消されたか、名前が変わったか、移されました)。"
            "フォルダを戻すと組み立て直します。いま表示しているのは、消える前のページです"
        )

    def watch(self, stop: threading.Event, say=None) -> None:
        while not stop.wait(POLL_SECONDS):
            if self.poll() and say is not None:
                say(self.news())

    # -- serving ---------------------------------------------------------------------------
    def page(self, file: Path) -> bytes:
        """An HTML file of the engine's output, its tokens filled, the reload script added."""
        with self.lock:
            raw = file.read_bytes()

            def part(m: re.Match) -> bytes:
                key = (m[1] or m[2]).decode()
                try:
                    if m[1]:
                        return (self.bodies / f"{key}.html").read_bytes()
                    return html.escape((self.bodies / f"{key}.title").read_text(encoding="utf-8")).encode("utf-8")
                except OSError:
                    return b""

            out = _TOKENS.sub(part, raw)
        at = out.rfind(b"</body>")
        script = RELOAD.encode("utf-8")
        return out[:at] + script + out[at:] if at >= 0 else out + script

    def status(self) -> bytes:
        s = self.state
        return json.dumps(
            {"version": s.version, "problems": s.problems, "seconds": {k: round(v, 3) for k, v in s.last.items()}},
            ensure_ascii=False,
        ).encode("utf-8")


def handler(preview: Preview):
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(preview.raw), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:  # quiet: the terminal is for rebuild news
            pass

        def handle(self) -> None:
            try:
                super().handle()
            except ConnectionError:  # the browser went away mid-answer (a reload, a closed tab): nothing to tell
                pass

        def do_GET(self) -> None:
            self._answer()

        def do_HEAD(self) -> None:
            """The headers GET would send (its Content-Length: the filled page's, not the file's), no body."""
            self._answer()

        def _answer(self) -> None:
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            if path == STATUS:
                return self._send(preview.status(), "application/json; charset=utf-8")
            file = Path(self.translate_path(path))
            if file.is_dir():
                if not path.endswith("/"):
                    self.send_response(301)
                    self.send_header("Location", path + "/")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                file = file / "index.html"
            if file.suffix == ".html":
                with preview.lock:  # a full rebuild replaces the files: looked at and read in one piece
                    body = preview.page(file) if file.is_file() else None
                if body is not None:
                    return self._send(body, "text/html; charset=utf-8")
            return super().do_GET() if self.command == "GET" else super().do_HEAD()

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            """Not found: a page in Japanese saying why when content/ is gone (or that the address has no
            page), which reloads itself when the preview changes; other errors as the library sends them."""
            if code != 404 or self.command not in ("GET", "HEAD"):
                return super().send_error(code, message, explain)
            why = preview.missing() if not preview.content_dir.is_dir() else "このアドレスのページはありません。"
            body = (
                "<!doctype html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>ページがありません</title>"
                f"</head><body><h1>ページがありません</h1><p>{html.escape(why)}</p>"
                f"<p><a href=\"/\">トップページへ</a></p>{RELOAD}</body></html>\n"
            ).encode()
            self._send(body, "text/html; charset=utf-8", 404)

        def _send(self, body: bytes, ctype: str, code: int = 200) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

    return Handler


def serve(content_dir: Path, port: int, config: Path = Path("mkdocs.yml"), ready=None) -> None:
    preview = Preview(content_dir, config)
    try:  # the port first: a port in use is told before the build, not after it
        server = ThreadingHTTPServer(("127.0.0.1", port), handler(preview))
    except OSError as e:
        raise UserError(
            f"ポート {port} で待ち受けできません({e.strerror})。--port で別の番号を指定してください"
        ) from None
    click.echo("確認用のサイトを組み立てています…", err=True)
    try:
        preview.full()
    except BaseException:
        server.server_close()
        preview.close()
        raise
    if preview.state.problems:
        click.echo(preview.news(), err=True)
    stop = threading.Event()
    watcher = threading.Thread(target=preview.watch, args=(stop, lambda m: click.echo(m, err=True)), daemon=True)
    watcher.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    click.echo(f"{url} で表示しています。content/ の YAML を保存すると組み立て直します(Ctrl+C で終了)", err=True)
    if ready is not None:
        ready(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        with preview.lock:
            preview.close()
