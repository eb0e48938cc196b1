"""別添2 (変更箇所) rows: the rows imported with the content, then one per changed item per version.

変更日 comes from the commit trailer `変更日:`, else the version's new 公表日,
else the committer date. 提出時期 and its explanation come from the trailers
`提出時期:` and `提出時期に係る説明:`; a change to a ※ item is a 重要な変更, so
事前 is pre-filled (timing_given tells whether the commit said so).
A commit with `変更箇所: なし` (an editorial fix) makes no row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from piasite.core import csvsafe, dates, mdtext
from piasite.core.safeout import json_text
from piasite.forms.form import Form
from piasite.forms.registry import DEFAULT_FORM, form_of
from piasite.history.itemdiff import Change, diff
from piasite.history.trailers import NONE_VALUE, T_DATE, T_EXPLANATION, T_NONE, T_TIMING
from piasite.history.versions import FileHistory
from piasite.model.reader import public

# The 別添2 (変更箇所) table: its role and its columns' roles, in the form's order, each paired
# with the Row field it fills. Keys and labels come from the form; 備考 is optional.
CHANGES = "changes"
COLUMNS = (
    ("change_date", "date"),
    ("change_item", "item"),
    ("change_before", "before"),
    ("change_after", "after"),
    ("change_timing", "timing"),
    ("change_explanation", "explanation"),
    ("change_note", "note"),
)
OPTIONAL = {"change_note"}


def has_table(form: Form) -> bool:
    """Whether the form has a 別添2 table of this shape (a 変更箇所一覧 document has other lists)."""
    return form.has_role(CHANGES) and all(form.has_role(r) for r, _ in COLUMNS if r not in OPTIONAL)


def _columns(form: Form) -> list[tuple[str, str]]:
    return [(r, field) for r, field in COLUMNS if form.has_role(r)]


def columns(form: Form) -> list[str]:
    """The 別添2 column headings as the form prints them."""
    return [form.role_item(r).label for r, _ in _columns(form)]


def row_dict(r: Row, form: Form) -> dict:
    """A row keyed as the form's 別添2 rows are (what the assessment page's table reads),
    with whether it is a 重要な変更, whether 提出時期 was given, and the changed item's anchor."""
    out = {form.role_key(role): getattr(r, field) for role, field in _columns(form)}
    out.update({"重要な変更": r.marked, "提出時期の記載": r.timing_given, "anchor": r.anchor})
    return out


@dataclass
class Row:
    date: str  # ISO date
    item: str
    before: str
    after: str
    timing: str = ""
    explanation: str = ""
    note: str = ""
    marked: bool = False
    timing_given: bool = True  # False when 事前 was pre-filled for a ※ item
    commit: str = ""  # "" for imported rows
    kind: str = ""  # 追加 | 削除 | 変更, "" for imported rows
    anchor: str = ""
    change: Change | None = None

    @property
    def imported(self) -> bool:
        return not self.commit

    def as_dict(self, form: Form) -> dict:
        out = {form.role_key(role): getattr(self, field) for role, field in _columns(form)}
        out.update(
            {"重要な変更": self.marked, "提出時期の記載": self.timing_given, "コミット": self.commit, "種別": self.kind}
        )
        return out


def imported_rows(data: Any, form: Form) -> list[Row]:
    rows: list[Row] = []
    if not form.has_role(CHANGES):
        return rows
    for _, r in form.values(public(data or {}), CHANGES):
        if not isinstance(r, dict):
            continue

        def get(role: str, r: dict = r) -> Any:
            return form.sub(r, role, CHANGES)

        d = get("change_date")
        parsed = dates.parse_iso(d)
        rows.append(
            Row(
                dates.iso(*parsed) if parsed else str(d or ""),
                str(get("change_item") or ""),
                _s(get("change_before")),
                _s(get("change_after")),
                _s(get("change_timing")),
                _s(get("change_explanation")),
                _s(get("change_note")),
            )
        )
    return rows


def _s(v: Any) -> str:
    return "" if v is None else str(v).strip()


def published_date(data: Any) -> Any:
    try:
        return form_of(data, DEFAULT_FORM).value(data or {}, "published")
    except KeyError:
        return None


def version_date(version, previous, previous_date: str = "") -> str:
    """変更日 of a version: its 変更日 trailer, else its new 公表日. Otherwise: a first version
    states no date ("", never the import commit's); an editorial commit (変更箇所: なし) corrects
    the version before it and keeps its date; only a real change without either falls back to the
    commit date (`piasite check --since` warns about such commits before they are merged)."""
    tr = version.trailers
    parsed = dates.parse_iso(tr.get(T_DATE)) or (dates.parse_date(tr[T_DATE]) if tr.get(T_DATE) else None)
    if parsed:
        return dates.iso(parsed[0])
    new_pub = published_date(version.data)
    old_pub = published_date(previous.data) if previous else None
    new_day = dates.parse_iso(new_pub) if new_pub and new_pub != old_pub else None
    if new_day:
        return dates.iso(*new_day)
    if previous is None:
        return ""
    if tr.get(T_NONE, "").strip() == NONE_VALUE:
        return previous_date
    return version.commit.day


def version_changes(fh: FileHistory, form: Form) -> list[tuple[Any, Any, list[Change]]]:
    """(previous, version, changes) for each parsed version after the first, oldest first."""
    out, prev = [], None
    for v in fh.live:
        if prev is not None:
            out.append((prev, v, diff(form, prev.data, v.data)))
        prev = v
    return out


def derived_rows(fh: FileHistory, form: Form, changes_by_version: list | None = None) -> list[Row]:
    """Rows from the versions (pass version_changes' result when already computed)."""
    rows = []
    for prev, v, changes in version_changes(fh, form) if changes_by_version is None else changes_by_version:
        tr = v.trailers
        if tr.get(T_NONE, "").strip() == NONE_VALUE or not changes:
            continue
        day = version_date(v, prev)
        for ch in changes:
            timing, given = tr.get(T_TIMING, ""), T_TIMING in tr
            if ch.marked and not timing:
                timing = "事前"  # a 重要な変更: submitted beforehand unless the commit says otherwise
            rows.append(
                Row(
                    day,
                    ch.item,
                    ch.before,
                    ch.after,
                    timing,
                    tr.get(T_EXPLANATION, ""),
                    "",
                    ch.marked,
                    given or not ch.marked,
                    v.commit.sha,
                    ch.kind,
                    ch.anchor,
                    ch,
                )
            )
    return rows


def rows_for(fh: FileHistory | None, form: Form, data: Any, derived: bool = True) -> list[Row]:
    """The whole 別添2: imported rows (from the current content), then derived ones."""
    return (imported_rows(data, form) if has_table(form) else []) + (derived_rows(fh, form) if fh and derived else [])


# -- formats -------------------------------------------------------------------------------


def _cell(s: str) -> str:
    """A Markdown table cell: shown as written, one line (mdtext.py)."""
    return mdtext.cell(s)


def to_markdown(rows: list[Row], form: Form, title: str = "") -> str:
    out = [f"## {title}\n" if title else ""]
    out.append("| " + " | ".join(columns(form)) + " |")
    cols = _columns(form)
    out.append("|" + "---|" * len(cols))
    for r in rows:
        shown = {
            "date": dates.wareki(r.date),
            "item": f"{r.item} ※" if r.marked else r.item,
            "timing": r.timing + ("(※項目の変更のため事前と推定)" if not r.timing_given else ""),
        }
        out.append("| " + " | ".join(_cell(shown.get(f, getattr(r, f))) for _, f in cols) + " |")
    return "\n".join(out).lstrip("\n") + "\n"


def to_json(rows: list[Row], form: Form) -> str:
    return json_text(json.dumps([r.as_dict(form) for r in rows], ensure_ascii=False, indent=2)) + "\n"


def to_csv(rows: list[Row], form: Form) -> str:
    return csvsafe.rows(
        columns(form) + ["重要な変更"],
        ([getattr(r, f) for _, f in _columns(form)] + ["※" if r.marked else ""] for r in rows),
    )
