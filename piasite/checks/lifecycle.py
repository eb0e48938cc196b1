"""End of an assessment and its five-year re-evaluation.

An assessment ends when it has 終了日 (role `ended`) or 【終了】 in its 評価書名
(role `title`). An ended one stays published, bannered 終了, for at least
KEEP_YEARS after its end, its file kept or removed from content/ (end = 終了日, else the
removing commit's date, else the 公表日 of the version marked 【終了】). A file removed
from content/ without being ended, or never published (no 公表日), leaves the public
site with the commit that removes it (kept_after_removal): the example `piasite init`
wrote, a document withdrawn before publication. An evaluation is re-done within five years: the due
date counts from the later of its 実施日 (role `implemented`, e.g. the 重点's
Ⅴ 1 ①) and 公表日 (role `published`), the latest evidence of an evaluation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from piasite.core import dates
from piasite.core.problems import WARNING, Problem
from piasite.forms.registry import DEFAULT_FORM, form_of
from piasite.model.reader import Withheld, unwrap

KEEP_YEARS = 3
REEVALUATE_YEARS = 5
ENDED_MARK = "【終了】"


def add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _date(v: Any) -> dt.date | None:
    p = dates.parse_iso(unwrap(v))
    return p[0] if p else None


def _form(data: Any):
    try:
        return form_of(data, DEFAULT_FORM)
    except KeyError:
        return None


def _get(data: Any, role: str) -> Any:
    form = _form(data)
    return form.value(data, role) if form else None


def end_date(data: dict, removed_on: str | None = None) -> dt.date | None:
    """When the assessment ended, or None while it is current."""
    data = data or {}
    if _date(_get(data, "ended")):
        return _date(_get(data, "ended"))
    if removed_on:
        return dt.date.fromisoformat(removed_on[:10])
    if ENDED_MARK in str(_get(data, "title") or ""):
        return _date(_get(data, "published"))
    return None


def is_ended(data: dict, removed_on: str | None = None) -> bool:
    data = data or {}
    return bool(removed_on or _get(data, "ended") or ENDED_MARK in str(_get(data, "title") or ""))


def kept_after_removal(data: dict) -> bool:
    """Whether the last version of a file removed from content/ keeps its page on the site (for
    KEEP_YEARS after its end): only a document that was published (公表日) and says it has ended."""
    data = data if isinstance(data, dict) else {}
    return is_ended(data) and _date(_get(data, "published")) is not None


def keep_until(end: dt.date) -> dt.date:
    return add_years(end, KEEP_YEARS)


def reevaluation_due(data: dict) -> dt.date | None:
    """None for documents that are not evaluations (their form has no `implemented` role, e.g. 変更箇所一覧)."""
    form = _form(data)
    if form is None or not form.has_role("implemented"):
        return None
    found = [d for d in (_date(form.value(data or {}, "implemented")), _date(form.value(data or {}, "published"))) if d]
    return add_years(max(found), REEVALUATE_YEARS) if found else None


def check(docs, today: dt.date) -> list:
    """`piasite check`: a warning for each current assessment past its re-evaluation due date."""
    out = []
    for doc in docs:
        data = doc.data if isinstance(doc.data, dict) else {}
        if is_ended(data):
            continue
        due = reevaluation_due(data)
        if due and due < today:
            # the due date is computed from dates that may be 非公表: then it is not printed
            hidden = any(isinstance(_get(data, role), Withheld) for role in ("implemented", "published"))
            when = "" if hidden else f"{dates.wareki(due)}、"
            form = _form(data)
            out.append(
                Problem(
                    doc.path,
                    doc.line(form.role_path("published")),
                    "",
                    f"再評価の期限({when}評価から {REEVALUATE_YEARS} 年)を過ぎています。"
                    f"評価をやり直し、{_labels(data)}を更新してください",
                    WARNING,
                )
            )
    return out


def _labels(data: dict) -> str:
    form = _form(data)
    if form is None:
        return "評価の日付"
    return "と".join(
        form.short_label(form.role_path(r), data) for r in ("implemented", "published") if form.has_role(r)
    )
