"""The build pipeline: content → model → generated tree → site engine → search index → site/.

Our generation is plain Python writing Markdown/HTML into build/docs; the site
engine (MkDocs today, Zensical tomorrow) only turns that tree into HTML; then
Pagefind indexes it. The new site is assembled beside the old one and swapped
in only when complete.

The build is one list of named stages (BUILD), run by one runner (site/stages.py) for
`piasite build` and `piasite serve` alike:

    load → check → tree → history → assets → pages → orgs → evaluations → indexes → footer → search → api
         → guides → top → engine → fill → offline → pagefind → admin → swap

load..top write the generated tree (the site's own stages, SITE_STAGES of site/generate.py, given
the Site); engine, fill, pagefind and swap turn it into the site. `piasite build` runs load..top
(GENERATION) in a forked child (in_child: the model's memory goes back to the system before the
engine starts) and the rest (SITE) here. `piasite serve` runs the whole list on a Build with
`preview` set (errors are listed, not fatal; the engine's output keeps its tokens and Pagefind
reads a filled copy), and after a save only the pages stage for what changed and SHARED_STAGES.

Hook points, in the manner of MkDocs' plugin events: stages.run calls the `pre_<stage>` and
`post_<stage>` hooks it is given, with the Build (the site's stages: with the Site); the site's
`extensions` (callables of the Site) run at the history stage, before any page is written.
docs/stages.md describes each stage.
"""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import io
import os
import pickle
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from piasite.config.settings import Settings, require
from piasite.core import outdir, runlock, workdir
from piasite.core.errors import PiasiteError
from piasite.core.problems import ERROR
from piasite.engine.config import write as write_engine_config
from piasite.engine.offline import make_offline
from piasite.engine.pagefind import Pagefind, SearchIndexError, index_site, write_build_info
from piasite.engine.pagefind import find as find_pagefind
from piasite.forms.registry import all_forms
from piasite.history.clock import source_date_epoch
from piasite.history.content import load_content
from piasite.model.names import AliasError
from piasite.site import cms, generate
from piasite.site.api import ABOUT_KEYS, about_of
from piasite.site.generate import HistoryUnavailable
from piasite.site.stages import Stage, between
from piasite.site.stages import run as run_stages
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
    offline: bool = False,
) -> None:
    """settings: the city's, as the command read them from config (None: read here). offline: a site
    to open from disk (engine/offline.py)."""
    content_dir, out_dir, config = Path(content_dir), Path(out_dir), Path(config)
    timings = {} if timings is None else timings
    if not content_dir.is_dir():
        raise BuildError(f"評価書のフォルダ {content_dir} がありません")
    check_engine(engine)
    found = find_pagefind()  # its version checked now, not after minutes of building (pagefind.py)
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
            _build(
                content_dir,
                out_dir,
                engine,
                allow_shallow,
                settings,
                extensions,
                timings,
                staff,
                run,
                writing,
                offline,
                found,
            )
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
    offline: bool = False,
    found: Pagefind | None = None,
) -> None:
    b = Build(content_dir, settings, run, out_dir, engine, allow_shallow, staff, extensions, writing=writing)
    b.offline = offline
    b.pagefind = found
    t0 = time.perf_counter()
    b.epoch, count, b.bundles = in_child(_generate, b)
    t1 = time.perf_counter()
    gen = resource.getrusage(resource.RUSAGE_CHILDREN)  # the generation child (for the benchmark)
    timings.update(generation_cpu=gen.ru_utime + gen.ru_stime, generation_rss_kb=gen.ru_maxrss)
    run_stages(between(SITE, "engine", "engine"), b)
    t2 = time.perf_counter()
    try:
        run_stages(between(SITE, "fill", "admin"), b)
    except (SearchIndexError, FillError) as e:
        shutil.rmtree(b.tmp or "", ignore_errors=True)
        raise BuildError(f"{e}(これまでのサイトはそのままです)") from None
    except BaseException:
        shutil.rmtree(b.tmp or "", ignore_errors=True)
        raise
    t3 = time.perf_counter()
    run_stages(between(SITE, "swap", "swap"), b)
    timings.update(generation=t1 - t0, engine=t2 - t1, search=t3 - t2, pages=count)


def _generate(b: Build) -> tuple:
    """The GENERATION stages (content → model → checks → build/docs), in the forked child; returns
    (SOURCE_DATE_EPOCH, number of assessments, the search index's parts)."""
    try:
        run_stages(GENERATION, b)
    except HistoryUnavailable as e:  # a shallow clone, or no git: stop before touching site/
        raise BuildError(str(e)) from None
    except AliasError as e:
        raise BuildError(f"別名ファイルに誤りがあります: {e}(これまでのサイトはそのままです)") from None
    return b.summary()


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
    # 404.html is ours (templates/theme/404.html: it loads nothing, so it works under any sub-path)
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
    outdir.remove(old)  # its marker last: a build killed while deleting leaves it still ours
    if out_dir.exists():
        out_dir.rename(old)
    tmp.rename(out_dir)
    outdir.remove(old)


# -- the stages ----------------------------------------------------------------------------------


@dataclass
class Build:
    """What the stages read and write. run: the run's own folder (build/run-XXXXXXXX); out_dir: the
    folder the site replaces (serve: the engine's output it serves)."""

    content_dir: Path
    settings: Settings  # the city's (mkdocs.yml, read once by the command)
    run: Path
    out_dir: Path
    engine: str = "mkdocs"
    allow_shallow: bool = False
    staff: bool = False
    extensions: Any = None  # the site's extensions (generate.open_site); None: the change-log stage
    preview: bool = False  # `piasite serve`: errors listed, not fatal; the output keeps its tokens
    offline: bool = False  # `piasite build --offline`: a site to open from disk (engine/offline.py)
    assessments: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # the problems of severity ERROR
    site: Any = None  # generate.Site, from the tree stage on
    epoch: int | None = None  # SOURCE_DATE_EPOCH: from the content, when the engine stage needs it
    bundles: list = field(default_factory=list)  # the search index's parts (site/bundles.py)
    tmp: Path | None = None  # the engine's output, until swapped in
    writing: list[Path] = field(default_factory=list)  # where the build is writing now (disk full)
    pagefind: Pagefind | None = None  # the binary, found and its version checked (None: found at its stage)

    @property
    def docs(self) -> Path:
        return self.run / DOCS

    def summary(self) -> tuple[int, int, list]:
        """What the parent of a forked generation needs of it: (SOURCE_DATE_EPOCH, number of
        assessments, the search index's parts)."""
        return source_date_epoch(self.content_dir, self.assessments), len(self.assessments), self.site.search_bundles


def load(b: Build) -> None:
    """content/ → the model: every file read and checked (checks/load.py)."""
    b.assessments, b.problems = load_content(b.content_dir, b.settings)
    b.errors = [p for p in b.problems if p.severity == ERROR]


def check(b: Build) -> None:
    """An error stops the build before anything is written; the preview lists it and goes on."""
    if b.errors and not b.preview:
        raise BuildError(
            f"評価書にエラーが {len(b.errors)} 件あるため、サイトを組み立てませんでした(これまでのサイトはそのままです)",
            b.errors,
        )


def tree(b: Build) -> None:
    b.site = generate.open_site(
        b.assessments,
        b.docs,
        allow_shallow=b.allow_shallow,
        content_dir=b.content_dir,
        settings=b.settings,
        extensions=b.extensions,
        staff=b.staff,
    )
    b.bundles = b.site.search_bundles


def on_site(stage: Stage) -> Stage:
    """A stage of the site (a function of the Site) as a stage of the build."""
    return Stage(stage.name, lambda b: stage.run(b.site))


def engine(b: Build) -> None:
    """The site engine (MkDocs or Zensical) turns the tree into HTML, beside out_dir (run.run_engine)."""
    epoch = source_date_epoch(b.content_dir, b.assessments) if b.epoch is None else b.epoch
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch), NO_MKDOCS_2_WARNING="1")
    b.writing.append(b.out_dir.with_name(b.out_dir.name + ".tmp"))
    b.tmp = run_engine(b.engine, b.settings, b.out_dir, env, work=b.run)


def filled(b: Build) -> Path:
    """The HTML Pagefind reads: the engine's output, or for the preview (which keeps its tokens and
    fills each page when served) a copy of it."""
    assert b.tmp is not None  # the engine stage ran
    return b.run / "filled" if b.preview else b.tmp


def fill_stage(b: Build) -> None:
    """Bodies and titles into the engine's output (theme.py)."""
    assert b.tmp is not None  # the engine stage ran
    if b.preview:
        workdir.clear(filled(b))
        shutil.copytree(b.tmp, filled(b))
    fill(filled(b), b.docs)


def offline_stage(b: Build) -> None:
    """`build --offline` only: links naming their files and a search that answers from file://
    (engine/offline.py); Pagefind's index is still made, for the same site on a server."""
    assert b.tmp is not None  # the engine stage ran
    if b.offline and not b.preview:
        make_offline(b.tmp)


def pagefind(b: Build) -> None:
    """The search index, one Pagefind run per bundle (site/bundles.py); the preview keeps only the
    index of its filled copy. The site records which Pagefind made it (api/build.json)."""
    assert b.tmp is not None  # the engine stage ran
    b.pagefind = index_site(filled(b), b.bundles, b.pagefind)
    ab = about_of(b.settings.extra, b.settings.site_url)
    write_build_info(b.tmp, b.pagefind, {k: ab[k] for k in ABOUT_KEYS})
    if b.preview:
        for d in filled(b).glob("pagefind*"):
            shutil.move(str(d), str(b.tmp / d.name))
        workdir.clear(filled(b))


def admin_stage(b: Build) -> None:
    """The staff's browser form (Decap CMS, site/cms.py) in admin/: for the staff build, or when
    mkdocs.yml's extra.piasite.cms turns it on; the public site has none otherwise."""
    assert b.tmp is not None  # the engine stage ran
    if cms.enabled(b.settings.extra) or (b.staff and cms.available()):
        # turned on in mkdocs.yml: a missing npm package is an error; for the staff build alone, a
        # city that has not installed Decap CMS gets no form (its other pages are what it asked for)
        cms.write_admin(b.tmp / cms.ADMIN, all_forms(), b.settings.extra, b.settings.site_url)


def swap_stage(b: Build) -> None:
    """The new site in place of the old one, only now that it is complete."""
    assert b.tmp is not None  # the engine stage ran
    swap(b.tmp, b.out_dir)


BUILD = [
    Stage("load", load),
    Stage("check", check),
    Stage("tree", tree),
    *(on_site(s) for s in generate.SITE_STAGES),
    Stage("engine", engine),
    Stage("fill", fill_stage),
    Stage("offline", offline_stage),
    Stage("pagefind", pagefind),
    Stage("admin", admin_stage),
    Stage("swap", swap_stage),
]
GENERATION = between(BUILD, "load", "top")  # the forked child's part of `piasite build`
SITE = between(BUILD, "engine", "swap")  # the parent's part: engine, fill, search index, swap
