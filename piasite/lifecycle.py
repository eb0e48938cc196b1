"""End of an assessment and its five-year re-evaluation.

An assessment ends when its file is removed from content/ (end = the removing
commit's date), or when it has 終了日, or 【終了】 in its 評価書名. An ended one
stays published, bannered 終了, for at least KEEP_YEARS after its end.
A 重点項目評価書 is re-evaluated within five years: the due date counts from
the later of Ⅴ 1 ①実施日 and 公表日 (the latest evidence of an evaluation).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from . import dates
from .reader import Withheld, unwrap

KEEP_YEARS = 3
REEVALUATE_YEARS = 5
ENDED_MARK = "【終了】"
EVALUATED = ("評価実施手続", "基礎項目評価", "実施日")


def add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _date(v: Any) -> dt.date | None:
    p = dates.parse_iso(unwrap(v))
    return p[0] if p else None


def end_date(data: dict, removed_on: str | None = None) -> dt.date | None:
    """When the assessment ended, or None while it is current."""
    data = data or {}
    if _date(data.get("終了日")):
        return _date(data.get("終了日"))
    if removed_on:
        return dt.date.fromisoformat(removed_on[:10])
    if ENDED_MARK in str(data.get("評価書名") or ""):
        return _date(data.get("公表日"))
    return None


def is_ended(data: dict, removed_on: str | None = None) -> bool:
    data = data or {}
    return bool(removed_on or data.get("終了日") or ENDED_MARK in str(data.get("評価書名") or ""))


def keep_until(end: dt.date) -> dt.date:
    return add_years(end, KEEP_YEARS)


def reevaluation_due(data: dict) -> dt.date | None:
    """None for documents that are not evaluations (their form has no Ⅴ 1 ①実施日, e.g. 変更箇所一覧)."""
    from .form import load_form

    try:
        if load_form(str((data or {}).get("様式"))).item_at(EVALUATED) is None:
            return None
    except KeyError:
        return None
    node: Any = data or {}
    for k in EVALUATED:
        node = node.get(k) if isinstance(node, dict) else None
    found = [d for d in (_date(node), _date((data or {}).get("公表日"))) if d]
    return add_years(max(found), REEVALUATE_YEARS) if found else None


def check(docs, today: dt.date) -> list:
    """`piasite check`: a warning for each current assessment past its re-evaluation due date."""
    from .validate import WARNING, Problem

    out = []
    for doc in docs:
        data = doc.data if isinstance(doc.data, dict) else {}
        if is_ended(data):
            continue
        due = reevaluation_due(data)
        if due and due < today:
            # the due date is computed from dates that may be 非公表: then it is not printed
            node: Any = data
            for k in EVALUATED:
                node = node.get(k) if isinstance(node, dict) else None
            hidden = any(isinstance(v, Withheld) for v in (node, data.get("公表日")))
            when = "" if hidden else f"{dates.wareki(due)}、"
            out.append(Problem(doc.path, doc.line(("公表日",)), "",
                               f"再評価の期限({when}評価から {REEVALUATE_YEARS} 年)を過ぎています。"
                               f"評価をやり直し、{_labels(data)}を更新してください", WARNING))
    return out


def _labels(data: dict) -> str:
    from .form import load_form

    try:
        form = load_form(str(data.get("様式")))
    except KeyError:
        return "評価の日付"
    return "と".join(form.short_label(p, data) for p in (EVALUATED, ("公表日",)) if form.item_at(p))
