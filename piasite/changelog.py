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

from . import csvsafe, dates
from .diff import Change, diff
from .form import Form
from .history import FileHistory
from .reader import public

CHANGES = "変更箇所"  # the form's key of the 別添2 group
KEYS = ("変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明", "備考")  # its children's keys


def has_table(form: Form) -> bool:
    """Whether the form has a 別添2 table of this shape (a 変更箇所一覧 document has another 変更箇所)."""
    group = form.top(CHANGES)
    return bool(group) and all(group.child(k) for k in KEYS)


def columns(form: Form) -> list[str]:
    """The 別添2 column headings as the form prints them."""
    group = form.top(CHANGES)
    return [(group.child(k).label if group and group.child(k) else k) for k in KEYS]


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

    def as_dict(self) -> dict:
        return {"変更日": self.date, "項目": self.item, "変更前の記載": self.before, "変更後の記載": self.after,
                "提出時期": self.timing, "提出時期に係る説明": self.explanation, "備考": self.note,
                "重要な変更": self.marked, "提出時期の記載": self.timing_given, "コミット": self.commit,
                "種別": self.kind}


def imported_rows(data: Any) -> list[Row]:
    rows = []
    for r in public(data or {}).get("変更箇所") or []:
        if not isinstance(r, dict):
            continue
        d = r.get("変更日")
        parsed = dates.parse_iso(d)
        rows.append(Row(dates.iso(*parsed) if parsed else str(d or ""), str(r.get("項目") or ""),
                        _s(r.get("変更前の記載")), _s(r.get("変更後の記載")), _s(r.get("提出時期")),
                        _s(r.get("提出時期に係る説明")), _s(r.get("備考"))))
    return rows


def _s(v: Any) -> str:
    return "" if v is None else str(v).strip()


def version_date(version, previous) -> str:
    """変更日 of a version: trailer, else its new 公表日, else the commit date."""
    tr = version.commit.trailers
    parsed = dates.parse_iso(tr.get("変更日")) or (dates.parse_date(tr["変更日"]) if tr.get("変更日") else None)
    if parsed:
        return dates.iso(parsed[0])
    new_pub = (version.data or {}).get("公表日")
    old_pub = (previous.data or {}).get("公表日") if previous else None
    if new_pub and new_pub != old_pub and dates.parse_iso(new_pub):
        return dates.iso(*dates.parse_iso(new_pub))
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
    for prev, v, changes in (version_changes(fh, form) if changes_by_version is None else changes_by_version):
        tr = v.commit.trailers
        if tr.get("変更箇所", "").strip() == "なし" or not changes:
            continue
        day = version_date(v, prev)
        for ch in changes:
            timing, given = tr.get("提出時期", ""), "提出時期" in tr
            if ch.marked and not timing:
                timing = "事前"  # a 重要な変更: submitted beforehand unless the commit says otherwise
            rows.append(Row(day, ch.item, ch.before, ch.after, timing, tr.get("提出時期に係る説明", ""), "",
                            ch.marked, given or not ch.marked, v.commit.sha, ch.kind, ch.anchor, ch))
    return rows


def rows_for(fh: FileHistory | None, form: Form, data: Any, derived: bool = True) -> list[Row]:
    """The whole 別添2: imported rows (from the current content), then derived ones."""
    return (imported_rows(data) if has_table(form) else []) + (derived_rows(fh, form) if fh and derived else [])


# -- formats -------------------------------------------------------------------------------

def _cell(s: str) -> str:
    """A Markdown table cell: escaped, one line."""
    from .diff import html

    return html.escape(s).replace("|", "&#124;").replace("\n", "<br>") or " "


def to_markdown(rows: list[Row], form: Form, title: str = "") -> str:
    out = [f"## {title}\n" if title else ""]
    out.append("| " + " | ".join(columns(form)) + " |")
    out.append("|" + "---|" * len(KEYS))
    for r in rows:
        item = f"{r.item} ※" if r.marked else r.item
        timing = r.timing + ("(※項目の変更のため事前と推定)" if not r.timing_given else "")
        out.append("| " + " | ".join(_cell(x) for x in (dates.wareki(r.date), item, r.before, r.after, timing,
                                                         r.explanation, r.note)) + " |")
    return "\n".join(out).lstrip("\n") + "\n"


def to_json(rows: list[Row]) -> str:
    return json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2) + "\n"


def to_csv(rows: list[Row], form: Form) -> str:
    return csvsafe.rows(columns(form) + ["重要な変更"],
                        ((r.date, r.item, r.before, r.after, r.timing, r.explanation, r.note, "※" if r.marked else "")
                         for r in rows))
