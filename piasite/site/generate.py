"""Writes the generated tree (build/docs) that the site engine turns into HTML.

Pages are Markdown files whose body is HTML we built and escaped ourselves
(the engine only adds the theme), so MkDocs and Zensical build the same tree
with no plugin. Links are relative, so site/ works under any sub-path.

The generation is a list of named stages (SITE_STAGES, run by stages.run): the change-log
stage and other `extensions` (callables receiving the Site before the pages are written), the
assessment pages, then the pages every assessment feeds (SHARED_STAGES, which `piasite serve`
runs again after a save). docs/stages.md lists them.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections import Counter
from collections.abc import Callable
from html import escape
from pathlib import Path

from markupsafe import Markup

from piasite.checks.evaluation import evaluations, of_assessment
from piasite.config.resources import Resources
from piasite.config.settings import Settings
from piasite.config.settings import read as read_settings
from piasite.core import dates, workdir, xmlsafe
from piasite.core.errors import PiasiteError
from piasite.core.labels import bare
from piasite.core.parallel import on_two_cores
from piasite.core.textcheck import visible
from piasite.forms.registry import all_forms, form_names, load_form
from piasite.forms.schema import schema_filename
from piasite.forms.values import value_at
from piasite.history import withheld
from piasite.history.changelog import has_table
from piasite.history.clock import source_date_epoch
from piasite.model import lists
from piasite.model.names import Names
from piasite.site import facets, indexes, listing, phrases, render
from piasite.site.api import (
    about,
    dumps,
    assessment_json,
    assessment_path,
    changes_csv,
    changes_csv_path,
    shown_rows,
    write_api,
)
from piasite.site.bundles import bundles
from piasite.site.opendata_schema import data_schemas
from piasite.site.guides import write_guides
from piasite.site.indexes import Index, build_indexes
from piasite.site.pages import AssessmentPage
from piasite.site.stages import Stage, after
from piasite.site.stages import run as run_stages
from piasite.site.theme import bodies_dir, key_of, shelve
from piasite.site.theme import prepare as prepare_theme
from piasite.site.urls import rel

# Search filter names (Pagefind): what a reader picks from, not document keys.
FILTER_FORM, FILTER_JIMU = "様式", "事務"  # allow-listed in test_no_form_keys


class Site:
    """What a generation stage sees.

    assessments  validated Assessment objects, in page order
    content_dir, allow_shallow   as given to `piasite build`
    indexes      the cross-document indexes (indexes.py); index(id) one of them by its id
    entity_links a.url → {item anchor: its index entry} (names on a page that link to their index)
    settings     the city's settings (mkdocs.yml, read once by the command), resources its templates
    env          the one Jinja2 environment on templates/, the city's overrides/ first (render.py)
    write_page(relpath, text)   write any file of the tree (Markdown page or data file)
    render_page(relpath, template, title, **ctx)  a page through a template, with `root`
                 (relative link to the top) and `title` set
    page_extras[a.url]   HTML blocks appended to an assessment page (e.g. its timeline)
    change_rows[a.url]   rows replacing the imported 別添2 table of an assessment
                 (dicts with the 変更箇所 keys: 変更日, 項目, 変更前の記載, …)
    """

    def __init__(self, out: Path, assessments: list, names: Names, settings: Settings):
        self.out = Path(out)
        self.assessments = assessments
        self.names = names
        self.settings = settings
        self.config = site_config(settings)
        self.resources = Resources(settings.root)
        self.env = render.environment(self.resources)
        self.page_extras: dict[str, list[str]] = {}
        self.change_rows: dict[str, list[dict]] = {}
        self.refresh()
        self.staff = False  # set by open_site(): staff material (取込メモ, file paths) only when True
        self.search_bundles = bundles(assessments)  # [(folder, org slugs)] for pagefind.index_site
        self.content_dir: Path | None = None  # set by open_site()
        self.allow_shallow = False
        self.extensions: list[Callable[[Site], None]] = list(DEFAULT_EXTENSIONS)  # run by the history stage
        self.provenance: dict = {}  # set by the footer stage: publisher, contact, licence, last update

    def refresh(self) -> None:
        """What is derived from all the assessments: the indexes, the links to their entries and the
        評価 (documents sharing a 評価書番号, evaluation.py); again after `piasite serve` replaced one."""
        self.indexes: list[Index] = build_indexes(self.assessments, self.names)
        self.facets = facets.build_facets(self.assessments, all_forms())
        self.entity_links = entity_links(self.indexes)
        self.evaluations = evaluations(self.assessments)
        self.evaluation_of = of_assessment(self.evaluations)

    def index(self, id_: str) -> Index:
        """The index whose id is id_ (indexes.py: kikan, jimu, system, itakusaki, teikyosaki)."""
        return next(ix for ix in self.indexes if ix.id == id_)

    def write_page(self, relpath: str, text: str) -> Path:
        text = xmlsafe.clean(text)  # no control character reaches a page, feed or data file
        if relpath.endswith(".md"):
            text = shelve(self.out, relpath, phrases.phrase_html(text))  # <wbr> between Japanese phrases
        path = self.out / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        return path

    def render_page(self, relpath: str, template: str, title: str, **ctx) -> Path:
        return self.write_page(relpath, render.page(self.env, relpath, template, title, site=self, **ctx))

    def source_url(self, a) -> str | None:
        """The link to the content file, none for a file holding 非公表 values: the raw file shows
        them (and the repository of such a file should not be public at all: README)."""
        base = (self.config.get("extra") or {}).get("source_url")
        if not base or withheld.paths(a.data):
            return None
        return f"{base.rstrip('/')}/{a.rel_path}"


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


def site_config(s: Settings) -> dict:
    """What the pages use of mkdocs.yml: its checked settings only (settings.py; a refused value,
    e.g. a javascript: URL, is left out here and stops the build before the engine)."""
    return {"extra": s.extra, "site_url": s.site_url, "site_description": s.texts.get("site_description", "")}


def tally(names: Counter) -> str:
    """Names as the summary lists them, escaped: each canonical spelling once, with how many of the
    document's elements bear it where several do (two systems whose names are one index entry:
    「サービス検索・電子申請機能(2 件)」), so that the count beside the list is what the list adds up to."""
    return "、".join(escape(n) + (f"({c} 件)" if c > 1 else "") for n, c in names.items())


def summary(a, data: dict, change_rows: list | None, links: dict | None = None) -> dict:
    """The facts shown at the top of an assessment page, labels read from the form."""
    f = a.form
    out: dict = {"ended": None, "facts": [], "filters": {"評価実施機関": a.org, FILTER_FORM: f.name}}

    def fact(label, value_html, anchor=None):
        out["facts"].append(
            {"label": label, "html": Markup(value_html), "anchor": anchor, "link": value_html.startswith("<a ")}
        )

    for role in ("organisation", "published", "number"):
        v = f.value(data, role)
        if f.has_role(role) and v not in (None, ""):
            item = f.role_item(role)
            fact(item.label, escape(dates.wareki(v) if item.kind == "date" else str(v)), f.anchor(f.role_path(role)))
    for item in f.document_items:  # provenance: the official PDF, the city's page (document-level links)
        v = data.get(item.key)
        if item.kind == "text" and isinstance(v, str) and re.match(r"https?://[^\s<>\"']+$", v.strip()):
            fact(item.label, f'<a href="{escape(v.strip())}" rel="external">{escape(v.strip())}</a>')
    jimu_path = indexes.jimu_path(a)
    jimu = f.value(data, "jimu_name")
    if jimu:
        out["filters"][FILTER_JIMU] = str(jimu)
        fact(bare(f.item_at(jimu_path).label), escape(str(jimu)), f.anchor(jimu_path))
    systems = list(lists.systems(a, data))
    links = links or {}
    canonical = lambda path, name: links.get(f.anchor(path), (None, str(name)))[1]  # noqa: E731 -- one spelling per name
    if systems:
        sys_role = "system" if f.has_role("system") else "system_name"
        sys_path, sys_item = f.concrete(sys_role), f.role_item(sys_role)
        names = tally(Counter(canonical(p, n) for p, n in systems))
        label = sys_item.element.format(n="") if sys_item.element else bare(sys_item.label)
        fact(label, f"{len(systems)} 件({names})", f.anchor(sys_path))
    tasks = list(lists.tasks(a, data))
    if tasks:
        first = tasks[0][0]
        by = Counter(canonical(p, v) for t, _, _ in tasks for p, v in f.values(data, "contractor", within=t) if v)
        fact(f.item_at(first).label, f"{len(tasks)} 件(委託先: {tally(by)})", f.anchor(first[:-1]))
    parts = []
    for kind in ("provision", "transfer"):  # 提供先, 移転先
        if not f.has_role(kind):
            continue
        n, m, rest = listing.listing(f, data, kind)
        label = bare(f.role_item(kind).label)
        parts.append(listing.partial_note(label, n, m, rest) if n > m else f"{label} {n} 件")
    if parts and any(not p.endswith(" 0 件") for p in parts):
        fact("・".join(p.split()[0] for p in parts), "、".join(escape(p) for p in parts))
    has_log = f.has_role("changes")  # a 別添2 change log (a 変更箇所一覧 has none)
    rows = change_rows if change_rows is not None else (value_at(data, f.concrete("changes")) if has_log else None)
    rows = [r for r in rows or [] if isinstance(r, dict)] if has_log else []
    dated = [dates.parse_iso(f.sub(r, "change_date", "changes")) for r in rows]
    if rows and any(dated):
        latest = max(range(len(rows)), key=lambda i: (str((dated[i] or ("",))[0]), i))
        r = rows[latest]
        d = f.sub(r, "change_date", "changes")
        when = dates.wareki(d) if dated[latest] else str(d or "")
        item = f.sub(r, "change_item", "changes")
        fact("最新の変更", f"{escape(when)} {escape(str(item or ''))}", f.anchor(f.concrete("changes", latest)))
    updated = document_updated(a, change_rows)
    if updated:
        fact("最終更新", escape(dates.wareki(updated.isoformat())) + "(公表日・変更日のうち最新)")
    version = f.value(data, "form_version")
    if version:
        fact(f.role_item("form_version").label, escape(str(version)))
    ended = f.value(data, "ended")
    if ended:
        out["ended"] = dates.wareki(ended)
    return out


def document_updated(a, change_rows: list | None) -> dt.date | None:
    """An assessment's own latest date: its 公表日 or the latest 変更日 of its 別添2 (the rows the site
    shows: imported and from the history). Never a commit's date: a commit that corrects the reading
    changes nothing the city published, and an import is not a publication."""
    f = a.form
    days = []
    if f.has_role("published") and (p := dates.parse_iso(f.value(a.public_data, "published"))):
        days.append(p[0])
    if f.has_role("changes"):
        rows = change_rows if change_rows is not None else value_at(a.public_data, f.concrete("changes"))
        for r in rows or []:
            if isinstance(r, dict) and (p := dates.parse_iso(f.sub(r, "change_date", "changes"))):
                days.append(p[0])
    return max(days) if days else None


def provenance(site: Site, assessments: list, content_dir) -> dict:
    """Who publishes the site, whom to ask, under which licence (mkdocs.yml `extra`), and when the
    content last changed: the latest of the documents' own dates (document_updated), else the last
    commit of content/ (never the clock)."""

    extra = site.config.get("extra") or {}
    own = [d for a in assessments if (d := document_updated(a, site.change_rows.get(a.url)))]
    if own:
        day: dt.date | None = max(own)
    else:
        epoch = source_date_epoch(Path(content_dir), assessments) if content_dir else 0
        day = dt.datetime.fromtimestamp(epoch, dt.timezone(dt.timedelta(hours=9))).date() if epoch else None
    text = lambda k: str(extra.get(k) or "").strip()  # noqa: E731
    return {
        "publisher": text("publisher"),
        "contact": text("contact"),
        "license": text("license"),
        "license_url": text("license_url"),
        "updated": dates.wareki(day.isoformat()) if day else "",
        "site_url": str(site.config.get("site_url") or "").rstrip("/"),
    }


def latest_changes(assessments: list, site: Site, limit: int = 10) -> list[dict]:
    rows = []
    for a in assessments:
        f = a.form
        if not f.has_role("changes"):
            continue  # a document kind without a 別添2 change log (変更箇所一覧)
        data = a.public_data
        crs = site.change_rows.get(a.url, value_at(data, f.concrete("changes")) or [])
        for i, r in enumerate(crs):
            parsed = dates.parse_iso(f.sub(r, "change_date", "changes")) if isinstance(r, dict) else None
            if parsed:
                rows.append(
                    {
                        "date": parsed[0],
                        "a": a,
                        "item": str(f.sub(r, "change_item", "changes") or ""),
                        "href": f"{a.url}#{a.form.anchor(f.concrete('changes', i))}",
                    }
                )
    rows.sort(key=lambda r: (r["date"], r["a"].url, r["href"]), reverse=True)
    return rows[:limit]


class HistoryUnavailable(PiasiteError):
    """The change-log stage cannot read git history (shallow clone, no git): stop the build."""


def history_extension(site: Site) -> None:
    """The change-log stage (piasite/history_pages.py): 別添2 rows from git, timelines,
    past versions, 更新履歴, feeds. Absent from a tree without that stage."""
    try:
        from piasite.history.git import GitError
        from piasite.site import history_pages
    except ImportError:
        return
    if Path(history_pages.__file__).resolve().parent != Path(__file__).resolve().parent:
        return  # an editable install elsewhere can answer for a module this tree lacks
    generate_history = history_pages.generate_history
    root = site.content_dir.resolve().parent if site.content_dir else Path(".").resolve()
    try:
        h = generate_history(
            site.assessments,
            root,
            site.write_page,
            allow_shallow=site.allow_shallow,
            content_dir=site.content_dir,
            settings=site.settings,
            env=site.env,
        )
    except GitError as e:
        raise HistoryUnavailable(str(e)) from None
    site.change_rows.update(h.change_rows)
    for url, blocks in h.page_extras.items():
        site.page_extras.setdefault(url, []).extend(blocks)


DEFAULT_EXTENSIONS: list[Callable[[Site], None]] = [history_extension]


FILTER_INDEXES = ("system", "itakusaki")  # names a page carries as search filters, under the index's title


def search_filters(site: Site, a) -> list[tuple[str, str]]:
    """The filters a page carries besides one-valued summary()'s: each system and 委託先 it names (the
    index's canonical name, under the index's title) and its answers to the facets that are filters."""
    out: list[tuple[str, str]] = []
    for ix in site.indexes:
        if ix.id in FILTER_INDEXES:
            for e in ix.entities:
                if any(r.assessment is a for r in e.rows) and (ix.title, e.name) not in out:
                    out.append((ix.title, e.name))
    return out + facets.filters_of(site.facets, a)


def evaluation_fact(site: Site, a, facts: dict) -> None:
    """「この評価の評価書」: the other documents of the assessment's 評価 (same 評価書番号), and its page;
    never the page itself (told by its URL: serve replaces a saved document's model with a new one)."""
    ev = site.evaluation_of.get(a.url)
    if ev is None or len(ev.documents) < 2:
        return
    links = [f'<a href="{escape(rel(a.url, ev.url))}">評価書番号 {escape(str(ev.number))} の評価</a>']
    links += [
        f'<a href="{escape(rel(a.url, d.url))}">{escape(d.form.name)}</a>' for d in ev.documents if d.url != a.url
    ]
    facts["facts"].append({"label": "この評価の評価書", "html": Markup("、".join(links)), "anchor": None})


def evaluation_pages(site: Site) -> None:
    """A page per 評価 (<org>/hyoka-<n>/) leading to each of its documents, with the 基礎's
    しきい値判断 (Ⅱ's answers, Ⅲ, Ⅳ 1) as the documents state them."""
    for ev in site.evaluations:
        facts = []
        for d in ev.documents:
            for role in (
                "threshold_target_count",
                "threshold_handlers",
                "threshold_incident",
                "threshold_result",
                "submitted_kinds",
            ):
                v = d.form.value(d.public_data, role)
                if v not in (None, ""):
                    path = d.form.role_path(role)
                    facts.append(
                        {
                            "label": f"{d.form.name} {d.form.short_label(path, d.public_data)}",
                            "value": str(v),
                            "href": f"{d.url}#{d.form.anchor(path)}",
                        }
                    )
        site.render_page(f"{ev.url}index.md", "evaluation.md.j2", ev.title, ev=ev, facts=facts)


def assessment_pages(site: Site, assessments) -> None:
    for a in assessments:
        data = a.public_data
        rows = site.change_rows.get(a.url)
        links = {
            anchor: (rel(a.url, href), name, title)
            for anchor, (href, name, title) in site.entity_links.get(a.url, {}).items()
        }
        page = AssessmentPage(a, data, rows, links)
        facts = summary(a, data, rows, links)
        facts["more_filters"] = search_filters(site, a)
        evaluation_fact(site, a, facts)
        body = Markup(page.body())
        site.render_page(
            a.url + "index.md",
            "assessment.md.j2",
            a.full_title,
            description=f"{a.full_title}。{a.org}が公表した特定個人情報保護評価書({a.form.name})を、様式の項目どおりに掲載しています。",
            a=a,
            body=body,
            toc=Markup(page.toc()),
            notes=Markup(page.notes() if site.staff else ""),
            extras=[Markup(x) for x in site.page_extras.get(a.url, [])],
            summary=facts,
            json_href=assessment_path(a),
            source=site.source_url(a),
        )
        ab = about(site)
        site.write_page(assessment_path(a), assessment_json(a, staff=site.staff, change_rows=rows, ab=ab))
        if a.form.has_role("changes") and has_table(a.form):
            site.write_page(changes_csv_path(a), changes_csv(a, shown_rows(site, a), ab))


def open_site(
    assessments,
    out: Path,
    allow_shallow: bool = False,
    content_dir: Path | None = None,
    settings: Settings | None = None,
    extensions: list[Callable[[Site], None]] | None = None,
    staff: bool = False,
) -> Site:
    """The tree stage: a fresh build/docs with the theme, the withheld values masked,
    the names read, and the Site the other stages write through. settings: the city's (None: the built-in)."""
    settings = Settings() if settings is None else settings
    out = workdir.fresh(Path(out))  # a symlink standing there is removed, never followed
    prepare_theme(out, Resources(settings.root))  # the city's overrides/ beside its mkdocs.yml
    # A value withheld in any version is not published now either, tag removed or not (withheld.py).
    withheld_names, notes = withheld.mask_assessments(assessments, content_dir, settings.limits)
    for note in notes:
        print(visible(f"警告: {note}"), file=sys.stderr)
    names = Names.load(content_dir, withheld=withheld_names, limits=settings.limits) if content_dir else Names()
    site = Site(out, assessments, names, settings)
    site.content_dir, site.allow_shallow = (Path(content_dir) if content_dir else None), allow_shallow
    site.staff = staff
    if extensions is not None:
        site.extensions = list(extensions)
    return site


def generate(
    assessments,
    out: Path,
    allow_shallow: bool = False,
    content_dir: Path | None = None,
    config: Path = Path("mkdocs.yml"),
    extensions: list[Callable[[Site], None]] | None = None,
    staff: bool = False,
    settings: Settings | None = None,
) -> Site:
    """The whole generated tree: open_site, then every stage of SITE_STAGES.
    staff: the build for the city's own staff (`piasite build --staff`, `piasite serve`), which
    also shows the 取込メモ and where each file is; the public site and its open data never do.
    settings: the city's, as the command read them (None: read from config)."""
    settings = read_settings(Path(config)) if settings is None else settings
    site = open_site(assessments, out, allow_shallow, content_dir, settings, extensions, staff)
    run_stages(SITE_STAGES, site)
    return site


# -- the site's stages, each a function of the Site (stages.run runs them in SITE_STAGES' order) ---------


def history_stage(site: Site) -> None:
    """The extensions, the change-log stage first: what they add (別添2 rows, timelines) the pages show."""
    for ext in site.extensions:
        ext(site)


def assets_stage(site: Site) -> None:
    """Our stylesheets and scripts (templates/assets, the city's overrides/assets over them)."""
    site.resources.copy_tree("assets", site.out / "assets" / "piasite")


def pages_stage(site: Site, assessments: list | None = None) -> None:
    """Every assessment's page and JSON (serve: only those a save changed)."""
    items = site.assessments if assessments is None else assessments
    on_two_cores(items, lambda part: assessment_pages(site, part))


def by_org(assessments) -> dict[str, list]:
    out: dict[str, list] = {}
    for a in assessments:
        out.setdefault(a.org_slug, []).append(a)
    return out


def orgs_stage(site: Site) -> None:
    for slug, items in by_org(site.assessments).items():
        site.render_page(f"{slug}/index.md", "org.md.j2", items[0].org, items=items, evaluation_of=site.evaluation_of)


def indexes_stage(site: Site) -> None:
    for ix in site.indexes:
        site.render_page(f"indexes/{ix.id}/index.md", "entity_index.md.j2", f"{ix.title}の索引", ix=ix)


def facets_stage(site: Site) -> None:
    """The answers to every choice and checkbox item (facets.py): a page listing the questions, one per question."""
    fs = site.facets
    site.render_page(f"indexes/{fs.id}/index.md", "facets.md.j2", fs.title, fs=fs)
    for fc in fs.facets:
        site.render_page(f"indexes/{fs.id}/{fc.id}/index.md", "facet.md.j2", f"{fc.title}: {fs.title}", fs=fs, fc=fc)


def footer_stage(site: Site) -> None:
    site.provenance = provenance(site, site.assessments, site.content_dir)
    footer = site.env.get_template("_footer.html.j2").render(p=site.provenance)
    # every page's footer holds its token (templates/theme/main.html), filled after the engine like a body
    (bodies_dir(site.out) / f"{FOOTER_KEY}.html").write_text(footer, encoding="utf-8", newline="\n")


def search_stage(site: Site) -> None:
    site.render_page("search/index.md", "search.md.j2", "検索")


def api_stage(site: Site) -> None:
    schemas = [(n, schema_filename(load_form(n))) for n in form_names()]
    files = data_schemas()  # the schemas of the site's own JSON files (opendata_schema.py)
    site.render_page(
        "api/index.md", "opendata.md.j2", "オープンデータ", schemas=schemas, data_schemas=[(f, t) for f, t, _ in files]
    )
    write_api(site, site.indexes, base=site.provenance["site_url"])
    for name, _, schema in files:
        site.write_page(f"api/schema/{name}", dumps(schema))


def guides_stage(site: Site) -> None:
    write_guides(site)


def robots_txt(site: Site) -> str:
    """robots.txt: the public site open to crawlers, with its sitemap when its address is known; a staff
    build (取込メモ, file paths) closed to them."""
    lines = [
        "# piasite が組み立てたサイトの robots.txt。サイトをサブパスに置いたときは、サーバーの最上位の",
        "# robots.txt が読まれます(そこに Sitemap の行を写してください)。",
        "User-agent: *",
        "Disallow: /" if site.staff else "Allow: /",
    ]
    base = str(site.config.get("site_url") or "").rstrip("/")
    if base and not site.staff:
        lines.append(f"Sitemap: {base}/sitemap.xml")
    return "\n".join(lines) + "\n"


def top_stage(site: Site) -> None:
    site.write_page("robots.txt", robots_txt(site))
    orgs = by_org(site.assessments)
    counts = {
        "assessments": len(site.assessments),
        "orgs": len(orgs),
        "systems": len(site.index("system").entities),
        "contractors": len(site.index("itakusaki").entities),
    }
    site.render_page(
        "index.md",
        "index.md.j2",
        "特定個人情報保護評価書",
        description=str(site.config.get("site_description") or ""),  # the site's own words (mkdocs.yml), else the default
        by_org=orgs,
        counts=counts,
        latest=latest_changes(site.assessments, site),
    )


SITE_STAGES = [
    Stage("history", history_stage),
    Stage("assets", assets_stage),
    Stage("pages", pages_stage),
    Stage("orgs", orgs_stage),
    Stage("evaluations", evaluation_pages),
    Stage("indexes", indexes_stage),
    Stage("facets", facets_stage),
    Stage("footer", footer_stage),
    Stage("search", search_stage),
    Stage("api", api_stage),
    Stage("guides", guides_stage),
    Stage("top", top_stage),
]
# The pages every assessment feeds: organisations, 評価, indexes, search, open data, guides, the top
# page (`piasite serve` writes them again after a save, without the engine).
SHARED_STAGES = after(SITE_STAGES, "pages")
