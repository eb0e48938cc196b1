"""The build pipeline: content → model → generated tree → site engine → search index → site/.

Our generation is plain Python writing Markdown/HTML into build/docs; the site
engine (MkDocs today, Zensical tomorrow) only turns that tree into HTML; then
Pagefind indexes it. The new site is assembled beside the old one and swapped
in only when complete.
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import pickle
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from piasite.config.settings import Settings, require
from piasite.core import outdir, runlock, workdir
from piasite.core.errors import PiasiteError
from piasite.core.problems import ERROR
from piasite.engine.config import write as write_engine_config
from piasite.history.clock import source_date_epoch
from piasite.history.content import load_content
from piasite.site.theme import FillError, fill

DOCS = "docs"  # the generated tree, in the run's own folder (runlock.private): build/run-XXXXXXXX/docs


class BuildError(PiasiteError):
    def __init__(self, message: str, problems=()):
        super().__init__(message, problems=problems)


def build_site(
    content_dir: Path,
    out_dir: Path,
    engine: str = "mkdocs",
    allow_shallow: bool = False,
    config: Path = Path("mkdocs.yml"),
    extensions=None,
    timings: dict | None = None,
    staff: bool = False,
    settings: Settings | None = None,
) -> None:
    """settings: the city's, as the command read them from config (None: read here)."""
    content_dir, out_dir, config = Path(content_dir), Path(out_dir), Path(config)
    timings = {} if timings is None else timings
    if not content_dir.is_dir():
        raise BuildError(f"評価書のフォルダ {content_dir} がありません")
    check_engine(engine)
    # mkdocs.yml is data: a refused part stops the build with its line (settings.py)
    settings = require(config) if settings is None else settings.require()
    try:  # the folders a build replaces must be ours (outdir.py), checked before anything is written
        outdir.check(out_dir, content_dir, config.resolve().parent)
    except outdir.OutDirError as e:
        raise BuildError(str(e)) from None
    work = workdir.root(config.resolve().parent)  # build/ must be a folder of the project, not a link out of it
    # One build per output at a time, each run in a folder of its own (runlock.py): a second build on
    # the same output is refused here, before anything is written; a serve never shares a file with it.
    with runlock.output(out_dir), runlock.private(work) as run:
        writing = [run]  # where the build is writing now: named when the disk is full and the error names no file
        try:
            _build(content_dir, out_dir, engine, allow_shallow, settings, extensions, timings, staff, run, writing)
        except OSError as e:
            if runlock.is_full(e):
                raise runlock.disk_full(e.filename or writing[-1]) from None
            raise


def _build(
    content_dir: Path,
    out_dir: Path,
    engine: str,
    allow_shallow: bool,
    settings: Settings,
    extensions,
    timings: dict,
    staff: bool,
    run: Path,
    writing: list[Path],
) -> None:
    from piasite.engine.pagefind import SearchIndexError, index_site

    t0 = time.perf_counter()
    docs = run / DOCS
    epoch, count, bundles = in_child(_generate, content_dir, docs, settings, allow_shallow, extensions, staff)
    t1 = time.perf_counter()
    gen = resource.getrusage(resource.RUSAGE_CHILDREN)  # the generation child (for the benchmark)
    timings.update(generation_cpu=gen.ru_utime + gen.ru_stime, generation_rss_kb=gen.ru_maxrss)
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch), NO_MKDOCS_2_WARNING="1")
    writing.append(out_dir.with_name(out_dir.name + ".tmp"))
    tmp = run_engine(engine, settings, out_dir, env, work=run)
    t2 = time.perf_counter()
    try:
        fill(tmp, docs)  # bodies and titles into the engine's output (theme.py)
        index_site(tmp, bundles)
    except (SearchIndexError, FillError) as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise BuildError(f"{e}(これまでのサイトはそのままです)") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    t3 = time.perf_counter()
    swap(tmp, out_dir)
    timings.update(generation=t1 - t0, engine=t2 - t1, search=t3 - t2, pages=count)


def _generate(
    content_dir: Path, docs: Path, settings: Settings, allow_shallow: bool, extensions, staff: bool = False
) -> tuple:
    """content → model → checks → build/docs; returns (SOURCE_DATE_EPOCH, number of assessments,
    the search index's parts)."""
    from piasite.model.names import AliasError
    from piasite.site.generate import HistoryUnavailable, generate

    assessments, problems = load_content(content_dir, settings)
    errors = [p for p in problems if p.severity == ERROR]
    if errors:
        raise BuildError(
            f"評価書にエラーが {len(errors)} 件あるため、サイトを組み立てませんでした(これまでのサイトはそのままです)",
            errors,
        )
    try:
        site = generate(
            assessments,
            docs,
            allow_shallow=allow_shallow,
            content_dir=content_dir,
            extensions=extensions,
            staff=staff,
            settings=settings,
        )
    except HistoryUnavailable as e:  # a shallow clone, or no git: stop before touching site/
        raise BuildError(str(e)) from None
    except AliasError as e:
        raise BuildError(f"別名ファイルに誤りがあります: {e}(これまでのサイトはそのままです)") from None
    return source_date_epoch(content_dir, assessments), len(assessments), site.search_bundles


def in_child(fn, *args):
    """fn(*args) in a forked process: the model of 1,000 assessments (~1.5 GB) is given back to
    the system before MkDocs and Pagefind start, instead of staying beside them until the end.
    What the child prints is replayed here; its exception is raised here. pickle is safe here
    only because its bytes come from our own forked child over a pipe, never from a file or
    anything a repository can carry (the history cache is JSON: blobcache.py)."""
    if not hasattr(os, "fork"):
        return fn(*args)
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 0
        # Short-lived, and its millions of model objects are all alive to the end: full
        # collections only rescanned them (~20 % of generation at 1,000 assessments).
        gc.disable()
        try:
            os.close(rfd)
            out, err = io.StringIO(), io.StringIO()
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    result = (True, fn(*args))
            except BaseException as e:  # noqa: BLE001 -- every outcome goes to the parent
                try:
                    pickle.dumps(e)
                    result = (False, e)
                except Exception:
                    result = (False, BuildError(f"{type(e).__name__}: {e}"))
            with os.fdopen(wfd, "wb") as f:
                pickle.dump((out.getvalue(), err.getvalue(), result), f)
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    os.close(wfd)
    with os.fdopen(rfd, "rb") as f:
        data = f.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        raise BuildError(f"サイトの生成が異常終了しました(状態 {status})")
    out, err, (ok, value) = pickle.loads(data)
    sys.stdout.write(out)
    sys.stderr.write(err)
    if not ok:
        raise value
    return value


ENGINE_MODULES = {"mkdocs": ("mkdocs", "material"), "zensical": ("zensical",)}


def check_engine(engine: str) -> None:
    """The engine's modules are installed (Zensical is an extra: pip install 'piasite[zensical]')."""
    import importlib.util

    missing = [m for m in ENGINE_MODULES.get(engine, ()) if importlib.util.find_spec(m) is None]
    if missing:
        extra = f"'piasite[{engine}]'" if engine == "zensical" else "piasite"
        raise BuildError(
            f"サイトを組み立てるエンジン {engine} が入っていません({'、'.join(missing)})。"
            f"pip install {extra} で入れてから実行してください"
        )


def run_engine(
    engine: str, settings: Settings, out_dir: Path, env: dict | None = None, work: Path | None = None
) -> Path:
    """Build with the engine into a temporary folder beside out_dir; returns that folder. The engine
    reads piasite's own configuration (engine/config.py, from the city's settings), never the city's
    mkdocs.yml itself, written into work (the run's own folder, beside its docs/)."""
    out_dir, config = Path(out_dir), Path(settings.path or "mkdocs.yml")
    engine_file = write_engine_config(settings, engine, work)  # <work>/engine-<engine>.yml
    work = engine_file.parent
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    workdir.clear(tmp)  # absent, empty or ours: outdir.check
    if engine == "mkdocs":
        tmp.mkdir(parents=True)
        outdir.mark(tmp)  # MkDocs keeps dot files when it cleans the folder
        cmd = [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--quiet",
            "--strict",
            "-f",
            str(engine_file),
            "-d",
            str(tmp.resolve()),
        ]
    else:
        # Zensical has no output option and writes only inside its project (the folder of its
        # configuration, build/): site_dir build/zensical-site, moved beside out_dir afterwards.
        inner = work / "zensical-site"
        workdir.clear(inner)
        cmd = [sys.executable, "-m", "zensical", "build", "--clean", "-f", engine_file.name]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=work)
    if engine != "mkdocs" and proc.returncode == 0 and inner.is_dir():
        shutil.move(str(inner), str(tmp))
        outdir.mark(tmp)
    if proc.returncode != 0 or not tmp.is_dir():
        shutil.rmtree(tmp, ignore_errors=True)
        if runlock.said_full(proc.stderr) or runlock.said_full(proc.stdout):
            raise runlock.disk_full(tmp.parent)
        said = engine_said(proc.stderr.strip() or proc.stdout.strip())
        raise BuildError(f"{engine} がサイトを組み立てられませんでした({said})。{config.name} の設定を確かめてください")
    # The engines' 404 page links from the server root ("/assets/…"): it cannot work
    # under a city's sub-path, where the CMS's own error page is used anyway.
    (tmp / "404.html").unlink(missing_ok=True)
    return tmp


def engine_said(output: str) -> str:
    """The engine's complaint in one line: its ERROR lines, else the last line (never a traceback)."""
    lines = [l.strip() for l in output.splitlines() if l.strip()]
    errors = [
        l.split("-", 1)[1].strip() if l.startswith("ERROR") and "-" in l else l
        for l in lines
        if l.startswith(("ERROR", "Error:"))
    ]
    said = " / ".join(errors) or (lines[-1] if lines else "出力なし")
    return said[:500]


def swap(tmp: Path, out_dir: Path) -> None:
    old = out_dir.with_name(out_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if out_dir.exists():
        out_dir.rename(old)
    tmp.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)
