"""Writes the generated tree (build/docs) that the site engine turns into HTML.

Pages are Markdown files whose body is HTML we built and escaped ourselves
(the engine only adds the theme), so MkDocs and Zensical build the same tree
with no plugin. Links are relative, so site/ works under any sub-path.

Other stages add pages through `extensions`: callables receiving the Site
before the pages are written (see Site).
"""
from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Callable

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from . import dates, xmlsafe
from .exceptions import PiasiteError
from .api import assessment_json, assessment_path, write_api
from . import indexes
from .indexes import build_indexes
from .form import value_at
from .names import Names, is_placeholder
from .markup import plain
from .pages import CHANGES, AssessmentPage, bare
from .parallel import on_two_cores
from .theme import bodies_dir, key_of, prepare as prepare_theme, shelve

from . import resources

# The navigation, owned here and mirrored by mkdocs.yml `nav:` (a test checks
# both agree): indexes and organisations, never one entry per assessment.
NAV = [
    ("はじめに", "index.md"),
    ("評価実施機関", "indexes/kikan/index.md"),
    ("事務", "indexes/jimu/index.md"),
    ("システム", "indexes/system/index.md"),
    ("委託先", "indexes/itakusaki/index.md"),
    ("提供先・移転先", "indexes/teikyosaki/index.md"),
    ("更新履歴", "changes/index.md"),  # written by the change-log stage (history_pages.py)
    ("検索", "search/index.md"),
    ("オープンデータ", "api/index.md"),
]


# Top-level names the build writes beside the organisations' folders: NAV's sections, our and the
# engine's assets, the change-log stage's feeds, Pagefind's bundles (pagefind/, pagefind-part2/…)
# and the engines' own files. An organisation folder of content/ named like one would replace that
# part of the site: model.py refuses it.
RESERVED = frozenset({path.split("/")[0] for _, path in NAV if "/" in path}
                     | {"assets", "feeds", "pagefind", "index.md", "404.html", "sitemap.xml", "sitemap.xml.gz",
                        "search", "stylesheets", "javascripts"})
RESERVED_PREFIXES = ("pagefind",)


def reserved(name: str) -> bool:
    return name.lower() in RESERVED or name.lower().startswith(RESERVED_PREFIXES)


def rel(from_url: str, to_url: str) -> str:
    """Relative link between two site URLs ('' is the top, 'kumagaya/5/' a page)."""
    depth = from_url.count("/")
    return ("../" * depth + to_url) or "./"


def url_of(relpath: str) -> str:
    """build/docs path → site URL (use_directory_urls)."""
    return relpath[: -len("index.md")] if relpath.endswith("index.md") else relpath


class Site:
    """What a generation stage sees.

    assessments  validated Assessment objects, in page order
    content_dir, allow_shallow   as given to `piasite build`
    indexes      the cross-document indexes (indexes.py)
    env          the Jinja2 environment on templates/
    write_page(relpath, text)   write any file of the tree (Markdown page or data file)
    render_page(relpath, template, title, **ctx)  a page through a template, with `root`
                 (relative link to the top) and `title` set
    page_extras[a.url]   HTML blocks appended to an assessment page (e.g. its timeline)
    change_rows[a.url]   rows replacing the imported 別添2 table of an assessment
                 (dicts with the 変更箇所 keys: 変更日, 項目, 変更前の記載, …)
    """

    def __init__(self, out: Path, assessments: list, names: Names, config: dict):
        self.out = Path(out)
        self.assessments = assessments
        self.names = names
        self.config = config
        self.env = environment()
        self.page_extras: dict[str, list[str]] = {}
        self.change_rows: dict[str, list[dict]] = {}
        self.indexes = build_indexes(assessments, names)
        self.entity_links = entity_links(self.indexes)
        self.staff = False  # set by generate(): staff material (取込メモ, file paths) only when True
        from .search import bundles

        self.search_bundles = bundles(assessments)  # [(folder, org slugs)] for search.index_site

    def write_page(self, relpath: str, text: str) -> Path:
        text = xmlsafe.clean(text)  # no control character reaches a page, feed or data file
        if relpath.endswith(".md"):
            text = shelve(self.out, relpath, text)
        path = self.out / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        return path

    def render_page(self, relpath: str, template: str, title: str, **ctx) -> Path:
        url = url_of(relpath)
        body = self.env.get_template(template).render(root=rel(url, ""), url=url, title=title, site=self, **ctx)
        front = f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n\n"
        return self.write_page(relpath, front + body.strip() + "\n")

    def source_url(self, a) -> str | None:
        base = (self.config.get("extra") or {}).get("source_url")
        return f"{base.rstrip('/')}/{a.rel_path}" if base else None


FOOTER_KEY = key_of("_footer")  # printed by templates/theme/main.html's footer block (a test checks they agree)
LINKED_INDEXES = ("system", "itakusaki", "teikyosaki")  # names on a page that link to their index entry


def entity_links(indexes_: list) -> dict[str, dict[str, tuple[str, str, str]]]:
    """a.url → {item anchor: (index page URL with the entity's anchor, canonical name, index title)}."""
    out: dict[str, dict[str, tuple[str, str, str]]] = {}
    for ix in indexes_:
        if ix.id not in LINKED_INDEXES:
            continue
        for e, r in ix.rows():
            out.setdefault(r.assessment.url, {})[r.anchor] = (f"indexes/{ix.id}/#{e.id}", e.name, ix.title)
    return out


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(resources.search_path()), undefined=StrictUndefined,
                      autoescape=select_autoescape(["j2"], default_for_string=True), keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["wareki"] = lambda v: dates.wareki(v) if dates.parse_iso(v) else ("" if v is None else str(v))
    env.filters["rel"] = rel
    return env


def load_config(path: Path) -> dict:
    """mkdocs.yml as plain data (MkDocs' !ENV and python tags are read as None)."""
    import yaml

    class _Loose(yaml.SafeLoader):
        pass

    _Loose.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_Loose) or {}
    except (OSError, yaml.YAMLError):
        return {}


def summary(a, data: dict, change_rows: list | None, links: dict | None = None) -> dict:
    """The facts shown at the top of an assessment page, labels read from the form."""
    f = a.form
    out: dict = {"ended": None, "facts": [], "filters": {"評価実施機関": a.org, "様式": f.name}}

    def fact(label, value_html, anchor=None):
        out["facts"].append({"label": label, "html": Markup(value_html), "anchor": anchor,
                             "link": value_html.startswith("<a ")})

    from html import escape

    for key in ("評価実施機関名", "公表日", "評価書番号"):
        item = f.top(key)
        if item and data.get(key) not in (None, ""):
            v = data[key]
            fact(item.label, escape(dates.wareki(v) if item.kind == "date" else str(v)), f.anchor((key,)))
    for item in f.document_items:  # provenance: the official PDF, the city's page (document-level links)
        v = data.get(item.key)
        if item.kind == "text" and isinstance(v, str) and re.match(r"https?://[^\s<>\"']+$", v.strip()):
            fact(item.label, f'<a href="{escape(v.strip())}" rel="external">{escape(v.strip())}</a>')
    jimu_path = indexes.jimu_path(a)
    jimu = value_at(data, jimu_path) if jimu_path else None
    if jimu:
        out["filters"]["事務"] = str(jimu)
        fact(bare(f.item_at(jimu_path).label), escape(str(jimu)), f.anchor(jimu_path))
    systems = list(indexes._systems(a, data))
    links = links or {}
    canonical = lambda path, name: links.get(f.anchor(path), (None, str(name)))[1]  # noqa: E731 -- one spelling per name
    if systems:
        sys_path = systems[0][0][:-2]
        names = "、".join(dict.fromkeys(escape(canonical(p, n)) for p, n in systems))
        fact(f.item_at(sys_path).element.format(n=""), f"{len(systems)} 件({names})", f.anchor(sys_path))
    files = data.get("特定個人情報ファイル") or []
    tasks = list(indexes._tasks(a, data))
    if tasks:
        first = tasks[0][0]
        by = Counter(canonical((*p, "委託先名"), t.get("委託先名", "")) for p, t, _ in tasks if t.get("委託先名"))
        links = "、".join(escape(n) for n in by)
        fact(f.item_at(first).label, f"{len(tasks)} 件(委託先: {links})", f.anchor(first[:-1]))
    parts = []
    for kind, count_key in (("提供先", "提供件数"), ("移転先", "移転件数")):
        if not f.item_at(("特定個人情報ファイル", 0, "提供・移転", kind)):
            continue
        n = m = 0
        for file in files:
            tr = (file.get("提供・移転") or {}) if isinstance(file, dict) else {}
            listed = [r for r in tr.get(kind) or [] if isinstance(r, dict) and r.get("名称")
                      and not is_placeholder(plain(r["名称"]))]
            c = tr.get(count_key)
            n += c if isinstance(c, int) and not isinstance(c, bool) and c > len(listed) else len(listed)
            m += len(listed)
        parts.append(indexes.partial_note(kind, n, m) if n > m else f"{kind} {n} 件")
    if parts and any(not p.endswith(" 0 件") for p in parts):
        fact("提供先・移転先", "、".join(escape(p) for p in parts))
    rows = change_rows if change_rows is not None else data.get(CHANGES)
    ch_item = f.top(CHANGES)
    rows = [r for r in rows or [] if isinstance(r, dict)]
    if ch_item and rows and any(dates.parse_iso(r.get("変更日")) for r in rows):
        latest = max(range(len(rows)), key=lambda i: (str((dates.parse_iso(rows[i].get("変更日")) or ("",))[0]), i))
        r = rows[latest]
        when = dates.wareki(r.get("変更日")) if dates.parse_iso(r.get("変更日")) else str(r.get("変更日") or "")
        fact("最新の変更", f"{escape(when)} {escape(str(r.get('項目') or ''))}", f.anchor((CHANGES, latest)))
    ended = data.get("終了日")
    if ended:
        out["ended"] = dates.wareki(ended)
    return out


def provenance(site: Site, assessments: list, content_dir) -> dict:
    """Who publishes the site, whom to ask, under which licence (mkdocs.yml `extra`), and when the
    content last changed (its last commit, else the latest 公表日: never the clock)."""
    import datetime as dt

    from .build import source_date_epoch

    extra = site.config.get("extra") or {}
    epoch = source_date_epoch(Path(content_dir), assessments) if content_dir else 0
    day = dt.datetime.fromtimestamp(epoch, dt.timezone(dt.timedelta(hours=9))).date() if epoch else None
    text = lambda k: str(extra.get(k) or "").strip()  # noqa: E731
    return {"publisher": text("publisher"), "contact": text("contact"), "license": text("license"),
            "license_url": text("license_url"), "updated": dates.wareki(day.isoformat()) if day else "",
            "site_url": str(site.config.get("site_url") or "").rstrip("/")}


def latest_changes(assessments: list, site: Site, limit: int = 10) -> list[dict]:
    rows = []
    for a in assessments:
        if a.form.top(CHANGES) is None:
            continue  # a document kind without a 別添2 change log (変更箇所一覧)
        data = a.public_data
        crs = site.change_rows.get(a.url, data.get(CHANGES) or [])
        for i, r in enumerate(crs):
            parsed = dates.parse_iso(r.get("変更日")) if isinstance(r, dict) else None
            if parsed:
                rows.append({"date": parsed[0], "a": a, "item": str(r.get("項目") or ""),
                             "href": f"{a.url}#{a.form.anchor((CHANGES, i))}"})
    rows.sort(key=lambda r: (r["date"], r["a"].url, r["href"]), reverse=True)
    return rows[:limit]


class HistoryUnavailable(PiasiteError):
    """The change-log stage cannot read git history (shallow clone, no git): stop the build."""


def history_extension(site: Site) -> None:
    """The change-log stage (piasite/history_pages.py): 別添2 rows from git, timelines,
    past versions, 更新履歴, feeds. Absent from a tree without that stage."""
    try:
        from . import history_pages
        from .history import GitError
    except ImportError:
        return
    if Path(history_pages.__file__).resolve().parent != Path(__file__).resolve().parent:
        return  # an editable install elsewhere can answer for a module this tree lacks
    generate_history = history_pages.generate_history
    root = site.content_dir.resolve().parent if site.content_dir else Path(".").resolve()
    try:
        h = generate_history(site.assessments, root, site.write_page, allow_shallow=site.allow_shallow,
                             content_dir=site.content_dir)
    except GitError as e:
        raise HistoryUnavailable(str(e)) from None
    site.change_rows.update(h.change_rows)
    for url, blocks in h.page_extras.items():
        site.page_extras.setdefault(url, []).extend(blocks)


DEFAULT_EXTENSIONS: list[Callable[[Site], None]] = [history_extension]


def assessment_pages(site: Site, assessments) -> None:
    for a in assessments:
        data = a.public_data
        rows = site.change_rows.get(a.url)
        links = {anchor: (rel(a.url, href), name, title)
                 for anchor, (href, name, title) in site.entity_links.get(a.url, {}).items()}
        page = AssessmentPage(a, data, rows, links)
        body = Markup(page.body())
        site.render_page(a.url + "index.md", "assessment.md.j2", a.full_title, a=a,
                         body=body, toc=Markup(page.toc()), notes=Markup(page.notes() if site.staff else ""),
                         extras=[Markup(x) for x in site.page_extras.get(a.url, [])],
                         summary=summary(a, data, rows, links), json_href=assessment_path(a),
                         source=site.source_url(a))
        site.write_page(assessment_path(a), assessment_json(a, staff=site.staff))


def generate(assessments, out: Path, allow_shallow: bool = False, content_dir: Path | None = None,
             config: Path = Path("mkdocs.yml"), extensions: list[Callable[[Site], None]] | None = None,
             staff: bool = False) -> Site:
    """staff: the build for the city's own staff (`piasite build --staff`, `piasite serve`), which
    also shows the 取込メモ and where each file is; the public site and its open data never do."""
    out = Path(out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    resources.set_project(Path(config).resolve().parent)  # the city's overrides/ beside its mkdocs.yml
    prepare_theme(out)
    names = Names.load(content_dir) if content_dir else Names()
    site = Site(out, assessments, names, load_config(config))
    site.content_dir, site.allow_shallow = (Path(content_dir) if content_dir else None), allow_shallow
    site.staff = staff
    for ext in (DEFAULT_EXTENSIONS if extensions is None else extensions):
        ext(site)
    resources.copy_tree("assets", out / "assets" / "piasite")
    on_two_cores(assessments, lambda items: assessment_pages(site, items))
    by_org: dict[str, list] = {}
    for a in assessments:
        by_org.setdefault(a.org_slug, []).append(a)
    for slug, items in by_org.items():
        site.render_page(f"{slug}/index.md", "org.md.j2", items[0].org, items=items)
    for ix in site.indexes:
        site.render_page(f"indexes/{ix.id}/index.md", "entity_index.md.j2", f"{ix.title}の索引", ix=ix)
    site.provenance = provenance(site, assessments, content_dir)
    footer = site.env.get_template("_footer.html.j2").render(p=site.provenance)
    # every page's footer holds its token (templates/theme/main.html), filled after the engine like a body
    (bodies_dir(out) / f"{FOOTER_KEY}.html").write_text(footer, encoding="utf-8", newline="\n")
    site.render_page("search/index.md", "search.md.j2", "検索")
    from .form import form_names, load_form
    from .schema import schema_filename

    schemas = [(n, schema_filename(load_form(n))) for n in form_names()]
    site.render_page("api/index.md", "opendata.md.j2", "オープンデータ", schemas=schemas)
    write_api(site, site.indexes, base=site.provenance["site_url"])
    counts = {"assessments": len(assessments), "orgs": len(by_org),
              "systems": len(site.indexes[2].entities), "contractors": len(site.indexes[3].entities)}
    site.render_page("index.md", "index.md.j2", "特定個人情報保護評価書", by_org=by_org, counts=counts,
                     latest=latest_changes(assessments, site))
    return site
