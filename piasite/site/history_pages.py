"""Site pages from the history: 別添2 rows, timelines, past versions, compare view, 更新履歴, Atom feeds.

`generate_history(assessments, repo_root, write)` is called by the site
generator (generator.history_extension) and writes, for each assessment at URL u:
  u/history/       its versions (each with its changes) and the whole 別添2
  u/v/<n>/         every past version, bannered, out of the navigation; a version is what the city
                   published (published.py), and the number of one that no longer is redirects
  u/compare/       any two versions compared in the browser (?from=&to= in its URL), each pair's
                   differences a file of their own (u/compare/<a>-<b>.json), fetched when chosen
and across assessments changes/ (更新履歴, all and per 評価実施機関) and
feeds/all.xml, feeds/<org-slug>.xml. An assessment removed from content/ keeps
its page, bannered 終了, for lifecycle.KEEP_YEARS after its end, if it was published and
ended (終了日, 【終了】) before it was removed; otherwise it leaves the site (lifecycle.py).

Dates are 変更日 (content, trailers) and committer dates (git); commit
messages are not published (a message could name a 非公表 value); every value
goes through reader.public() before it reaches a page.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from piasite.checks import lifecycle
from piasite.checks.load import full_title
from piasite.config.resources import Resources
from piasite.config.settings import Settings
from piasite.core import dates, safenames
from piasite.core.parallel import on_two_cores
from piasite.forms.form import Form
from piasite.forms.items import Item
from piasite.forms.registry import form_for
from piasite.history.changelog import (
    CHANGES,
    Row,
    columns,
    derived_rows,
    has_table,
    imported_rows,
    row_dict,
    version_changes,
    version_date,
)
from piasite.core.safeout import json_text
from piasite.history.itemdiff import highlighted, marked_html, text
from piasite.history.published import published
from piasite.history.trailers import NONE_VALUE, T_NONE
from piasite.history.versions import FileHistory, load_history, warn
from piasite.model.reader import public
from piasite.site import feeds, render
from piasite.site.api import about_of
from piasite.site.pages import AssessmentPage
from piasite.site.urls import rel

SKIP_ROLES = ("form", "import_notes", "import_missing")  # document keys that are not assessment content


@dataclass
class HistorySite:
    change_rows: dict[str, list[dict]] = field(default_factory=dict)  # a.url → 別添2 rows (dicts)
    page_extras: dict[str, list[str]] = field(default_factory=dict)  # a.url → HTML blocks for its page
    shallow: bool = False
    warnings: list[str] = field(default_factory=list)


@dataclass
class Entry:
    """One version of one assessment that made 別添2 rows (or a date of imported rows)."""

    url: str
    title: str
    org: str
    org_slug: str
    date: str  # 変更日
    updated: str  # ISO datetime for the feed: committer date, or 変更日
    rows: list[Row]
    version: int = 0  # 0 for imported rows
    ended: bool = False


ALL_CHANGES_ROWS = 500  # rows on the page of all organisations' changes


def _skip(form: Form) -> set:
    return {form.top_key(r) for r in SKIP_ROLES} - {None}


class _Writer:
    """Pages are queued and rendered together at the end, on both cores (parallel.py)."""

    def __init__(self, write: Callable[[str, str], Any], env: Environment):
        self.write, self.env = write, env
        self.jobs: list[tuple] = []

    def page(self, relpath: str, template: str, title: str, **ctx) -> None:
        self.jobs.append((relpath, template, title, ctx))

    def flush(self) -> None:
        def work(jobs: list) -> None:
            for r, t, title, c in jobs:
                self.render(r, t, title, **c)

        on_two_cores(self.jobs, work)
        self.jobs = []

    def render(self, relpath: str, template: str, title: str, **ctx) -> None:
        self.write(relpath, render.page(self.env, relpath, template, title, **ctx))


def generate_history(
    assessments: list,
    repo_root: Path,
    write: Callable[[str, str], Any],
    allow_shallow: bool = False,
    content_dir: Path | None = None,
    site_url: str = "",
    settings: Settings | None = None,
    env: Environment | None = None,
) -> HistorySite:
    """settings: the city's (its limits, its overrides/); None: the built-in ones. env: the site's
    Jinja environment (render.py), one for the settings' overrides when not given."""
    settings = Settings() if settings is None else settings
    content_dir = Path(content_dir or (assessments[0].content_root if assessments else Path(repo_root) / "content"))
    hist = load_history(content_dir, allow_shallow=allow_shallow, limits=settings.limits)
    warn(hist)  # commits whose file did not parse: named on the build's output
    out = HistorySite(shallow=hist.shallow, warnings=list(hist.warnings))
    w = _Writer(write, env or render.environment(Resources(settings.root)))
    head_day = hist.head.day if hist.head else None
    by_path = {fh.path: fh for fh in hist.files if not fh.deleted}
    entries: list[Entry] = []
    live_urls = {a.url for a in assessments}

    items: list[tuple[str, str, str, str, Form, dict, FileHistory | None, str | None]] = []
    # (url, title, org, org_slug, form, data, fh, removed_on)
    fh: FileHistory | None
    removed: str | None
    for a in assessments:
        items.append((a.url, a.title, a.org, a.org_slug, a.form, a.data, by_path.get(a.rel_path), None))
    for fh in hist.files:  # removed from content/: kept, bannered 終了, for KEEP_YEARS, if published and ended
        if not fh.deleted or not fh.live:
            continue
        last, removed = fh.live[-1], fh.versions[-1].commit.day
        data = last.data if isinstance(last.data, dict) else {}
        if not lifecycle.kept_after_removal(data):
            continue  # removed unended or unpublished (the init's example): it leaves the site
        parts = last.path.rsplit("/", 2)
        if len(parts) < 2 or not all(safenames.safe(n) for n in (parts[-2], parts[-1][: -len(".yaml")])):
            # a name from the history that cannot be a URL (safenames.py): no page is made of it
            told = (
                f"{safenames.shown(last.path)}: 名前がサイトの URL にできないため、削除された評価書のページを作りません"
            )
            out.warnings.append(told)
            print(f"警告: {told}", file=sys.stderr)
            continue
        url = f"{parts[-2]}/{parts[-1][: -len('.yaml')]}/"
        end = lifecycle.end_date(data, removed)
        if (
            url in live_urls
            or not head_day
            or end is None
            or dt.date.fromisoformat(head_day) > lifecycle.keep_until(end)
        ):
            continue
        live_urls.add(url)
        form = form_for(data)
        if form is None:
            continue  # its last version named no known 様式: nothing to show
        title = str(public(form.value(data, "title")) or url)
        org = str(public(form.value(data, "organisation")) or parts[-2])
        items.append((url, title, org, parts[-2], form, data, fh, removed))

    for url, title, org, org_slug, form, data, raw_fh, removed in items:
        pub = public(data)
        folded = published(raw_fh) if raw_fh is not None and not hist.shallow else None
        fh = folded.history if folded else None
        rows = imported_rows(data, form) if has_table(form) else []
        vchanges = [] if hist.shallow or fh is None else version_changes(fh, form)
        derived = derived_rows(fh, form, vchanges) if vchanges and fh is not None else []
        if has_table(form):  # the site shows these in place of the content's 別添2 table
            out.change_rows[url] = [row_dict(r, form) for r in rows + derived]
        versions = fh.live if fh and not hist.shallow else []
        live = versions  # the parsed versions the timeline below is made of
        ended = lifecycle.is_ended(data, removed)
        end = lifecycle.end_date(data, removed)
        due = None if ended else lifecycle.reevaluation_due(data)
        timeline = _timeline(fh, vchanges, folded.corrections if folded else None) if versions else []
        named = full_title(org, title)  # the page titles name the 評価実施機関
        ctx = dict(
            a_title=title,
            org=org,
            a_url=url,
            versions=timeline,
            shallow=hist.shallow,
            ended=ended,
            end=end.isoformat() if end else None,
            due=due.isoformat() if due else None,
        )
        out.page_extras.setdefault(url, []).append(
            w.env.get_template("history_extra.html.j2").render(root=rel(url, ""), url=url, **ctx)
        )
        if removed:  # the page itself, as the last version
            w.page(
                url + "index.md",
                "history_version.md.j2",
                f"{named}(終了)",
                past=False,
                body=Markup(render_data(form, pub)),
                n=len(timeline),
                v=timeline[-1] if timeline else None,
                rows=rows + derived,
                **ctx,
            )
        group = form.role_item(CHANGES) if form.has_role(CHANGES) else None
        w.page(
            url + "history/index.md",
            "history_timeline.md.j2",
            f"{named} の変更履歴",
            rows=rows + derived,
            columns=columns(form),
            changes_label=group.label if group else "変更箇所",
            changes_anchor=group.id if group else "changes",
            has_note=form.has_role("change_note"),
            **ctx,
        )
        for i, v in enumerate(timeline[:-1]):
            w.page(
                f"{url}v/{v['n']}/index.md",
                "history_version.md.j2",
                f"{named}(第{v['n']}版)",
                past=True,
                body=Markup(render_data(form, public(live[i].data))),
                n=v["n"],
                v=v,
                rows=None,
                **ctx,
            )
        if folded and raw_fh is not None:  # the pages the per-commit numbering made, and this one does not
            for old, new in sorted(folded.numbers.items()):
                if len(timeline) <= old < len(raw_fh.live):
                    to = "../../" if new == len(timeline) else f"../../v/{new}/"
                    what = "現在の版" if new == len(timeline) else f"第{new}版"
                    w.write(f"{url}v/{old}/index.html", redirect_page(f"{named}(第{old}版)", to, what))
            if len(timeline) == 1 < len(raw_fh.live):
                w.write(f"{url}compare/index.html", redirect_page(f"{named} の版の比較", "../history/", "変更履歴"))
        if len(timeline) > 1:
            # The page lists the versions; each pair's differences are a file of their own, fetched
            # when the reader chooses it (every version inline made a 625 kB page of 3 versions).
            flat = [flatten(form, public(live[i].data)) for i in range(len(timeline))]
            for i, j in itertools.combinations(range(len(timeline)), 2):
                a, b = timeline[i]["n"], timeline[j]["n"]
                w.write(f"{url}compare/{a}-{b}.json", pair_json(a, b, flat[i], flat[j]))
            shown = [{"n": v["n"], "date": v["date"]} for v in timeline]
            w.page(url + "compare/index.md", "history_compare.md.j2", f"{named} の版の比較", data=shown, **ctx)
        for r_date, day_rows in _by_date(rows):
            parsed = dates.parse_iso(r_date)
            if parsed is None:
                continue  # _by_date groups dated rows only
            day = parsed[0].isoformat()
            entries.append(Entry(url, title, org, org_slug, day, f"{day}T00:00:00+09:00", day_rows, ended=ended))
        for v in timeline:
            vrows = [r for r in derived if r.commit == v["sha"]]
            if vrows:
                entries.append(Entry(url, title, org, org_slug, vrows[0].date, v["committed"], vrows, v["n"], ended))

    entries.sort(key=lambda e: (e.date, e.updated, e.url), reverse=True)
    orgs = sorted({(e.org_slug, e.org) for e in entries})
    ctx = dict(shallow=hist.shallow, orgs=orgs)
    # The page of all organisations shows the latest changes only (every change of 1,000
    # assessments made one 76 MB page); each organisation's page keeps all of its own.
    latest: list[Entry] = []
    n = 0
    for e in entries:
        if latest and n + len(e.rows) > ALL_CHANGES_ROWS:
            break
        latest.append(e)
        n += len(e.rows)
    w.page(
        "changes/index.md",
        "history_changes.md.j2",
        "更新履歴",
        entries=latest,
        org_slug=None,
        older=len(latest) < len(entries),
        **ctx,
    )
    for slug, name in orgs:
        w.page(
            f"changes/{slug}/index.md",
            "history_changes.md.j2",
            f"更新履歴({name})",
            entries=[e for e in entries if e.org_slug == slug],
            org_slug=slug,
            older=False,
            **ctx,
        )
    # the Atom feeds (feeds.py: feedgen), naming the city: its address, publisher and licence
    ab = about_of(settings.extra, site_url or settings.site_url)
    key = feeds.site_key(ab, (a.org for a in assessments))
    updated = max([e.updated for e in entries] + [hist.head.date if hist.head else "1970-01-01T00:00:00+00:00"])
    write(
        "feeds/all.xml",
        feeds.atom(
            "特定個人情報保護評価書の更新履歴", entries[:200], updated, "feeds/all.xml", "changes/", ab, key, full_title
        ),
    )
    for slug, name in orgs:
        es = [e for e in entries if e.org_slug == slug]
        write(
            f"feeds/{slug}.xml",
            feeds.atom(
                f"{name} 特定個人情報保護評価書の更新履歴",
                es[:200],
                max(e.updated for e in es),
                f"feeds/{slug}.xml",
                f"changes/{slug}/",
                ab,
                key,
                full_title,
            ),
        )
    w.flush()
    return out


def _by_date(rows: list[Row]) -> list[tuple[str, list[Row]]]:
    groups: dict[str, list[Row]] = {}
    for r in rows:
        if dates.parse_iso(r.date):
            groups.setdefault(r.date, []).append(r)
    return sorted(groups.items())


def redirect_page(title: str, to: str, what: str) -> str:
    """A page that no longer exists since commits that only corrected the reading (変更箇所: なし) no
    longer count as versions (published.py): it sends the reader on to `to` (relative: the site works
    under any sub-path), and search engines do not index it."""
    shown = html.escape(title)
    return (
        '<!doctype html>\n<html lang="ja">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={to}">\n'
        f"<title>{shown}</title>\n</head>\n<body>\n<main>\n"
        f"<p>{shown}は、読み取りの訂正(変更箇所なし)を版に数えなくなったため、ありません。"
        f'<a href="{to}">{html.escape(what)}</a>をご覧ください。</p>\n</main>\n</body>\n</html>\n'
    )


def _timeline(fh, vchanges: list, corrections: dict | None = None) -> list[dict]:
    """Each parsed version: number, 変更日, committer date, its changes (none for the first),
    and how many commits corrected its reading (published.py)."""
    out: list[dict] = []
    changes = {v.commit.sha: (prev, chs) for prev, v, chs in vchanges}
    for n, v in enumerate(fh.live, 1):
        prev, chs = changes.get(v.commit.sha, (None, []))
        editorial = v.trailers.get(T_NONE, "").strip() == NONE_VALUE
        out.append(
            {
                "n": n,
                "sha": v.commit.sha,
                "short": v.commit.sha[:7],
                "committed": v.commit.date,
                # 変更日 trailer, else the version's 公表日; the commit (often the import's) is the last resort
                "date": version_date(v, prev, out[-1]["date"] if out else ""),
                "editorial": editorial,
                "corrected": len((corrections or {}).get(n, [])),
                "changes": [
                    {
                        "item": c.item,
                        "kind": c.kind,
                        "marked": c.marked,
                        "before": Markup(marked_html(c.segments, "before")) if c.segments else c.before,
                        "after": Markup(marked_html(c.segments, "after")) if c.segments else c.after,
                        "anchor": c.anchor,
                    }
                    for c in chs
                ],
            }
        )
    return out


# -- a version as HTML, and as flat items for the compare view -----------------------------------


def pair_rows(a: list[list], b: list[list]) -> list[dict]:
    """The items that differ between two flattened versions (flatten), in b's order then the items
    only a has: label, ※, each side's text, and for a long value the changed words (highlighted)."""
    ma, mb = {i[0]: i for i in a}, {i[0]: i for i in b}
    keys = [i[0] for i in b] + [i[0] for i in a if i[0] not in mb]
    rows = []
    for k in keys:
        x, y = ma.get(k), mb.get(k)
        if x and y and x[3] == y[3]:
            continue
        it = y or x or []  # one of them is there: k came from a or b
        before, after = (x[3] if x else ""), (y[3] if y else "")
        row: dict = {"item": it[1], "marked": bool(it[2]), "before": before, "after": after}
        segs = highlighted(before, after)
        if segs:
            row["segments"] = [list(seg) for seg in segs]
        rows.append(row)
    return rows


def pair_json(n_a: int, n_b: int, a: list[list], b: list[list]) -> str:
    """compare/<a>-<b>.json: what the compare page shows for 第a版 → 第b版 (values as published).
    The page sets every value with textContent; < > & are JSON escapes too, so the file holds no
    markup even for a browser that would read it as HTML."""
    data = {"from": n_a, "to": n_b, "rows": pair_rows(a, b)}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return json_text(text) + "\n"


def render_data(form: Form, data: Any) -> str:
    """A whole version, by the code that renders the current page (pages.AssessmentPage): the same
    headings, anchors, choices and checkboxes, so a past version reads like the page it was."""
    page = AssessmentPage(SimpleNamespace(form=form), data if isinstance(data, dict) else {})
    body = page.body()
    return page.toc() + body


def flatten(form: Form, data: Any) -> list[list]:
    """[identity key, label, ※, value] per filled leaf; group elements keyed by name so versions match."""
    out: list[list] = []
    skip = _skip(form)

    def walk(node: Item, value: Any, path: tuple, key: str) -> None:
        if not isinstance(value, dict):
            return
        for child in node.items:
            if not path and (child.key in skip or child.key == form.top_key(CHANGES)):
                continue
            v = value.get(child.key)
            cpath, ckey = path + (child.key,), f"{key}/{child.key}"
            if child.kind == "group" and isinstance(v, list):
                for i, e in enumerate(v):
                    name = str(e.get(child.name_key) or "") if child.name_key and isinstance(e, dict) else ""
                    walk(child, e, cpath + (i,), f"{ckey}/{name or '#' + str(i)}")
            elif child.kind == "section":
                walk(child, v, cpath, ckey)
            else:
                t = text(child, v)
                if t:
                    out.append([ckey, form.label_path(cpath, data), form.is_marked(cpath), t])

    walk(form.root, data, (), "")
    return out
