"""Where an assessment lists fewer 提供先・移転先 than it counts, and where it says the rest are.

Used by the assessment page (pages.py: 「提供先 133 件中 1 件を掲載(残りは添付資料)」), by the index
of 提供先・移転先 (indexes.py) and by piasite check (checks/document.py).
"""

from __future__ import annotations

from typing import Any

from piasite.core.markup import plain
from piasite.model.names import is_placeholder
from piasite.model.reader import Uncertain

# Where a file's 提供先・移転先 beyond those it lists are, as far as the document says.
ATTACHED, UNREAD, UNSAID = "attached", "unread", "unsaid"
_REST = {
    ATTACHED: "残りは添付資料",
    UNREAD: "残りの掲載場所は原文から読み取れませんでした",
    UNSAID: "残りの掲載場所の記載はありません",
}


def rest_of_list(form: Any, data: Any, fpath: tuple) -> str:
    """ATTACHED: the file's 添付資料 (role provision_transfer_attachment) names one, or a listed
    name points to one (添付資料を参照, 別紙…); UNREAD: the 添付資料 is !要確認 (an import found
    no attachment named); UNSAID: nothing says (piasite check reports it as an error)."""
    att = form.value(data, "provision_transfer_attachment", within=fpath)
    if isinstance(att, Uncertain):
        return UNREAD
    if att:
        return ATTACHED
    names = " ".join(
        str(v) for role in ("provision_name", "transfer_name") for _, v in form.values(data, role, within=fpath)
    )
    return ATTACHED if "添付" in names or "別紙" in names else UNSAID


def least_said(states: list[str]) -> str:
    """Of several files' states, the one that says least (one unread file makes the note say so)."""
    return next((s for s in (UNREAD, UNSAID) if s in states), ATTACHED)


def listing(f: Any, data: Any, kind: str) -> tuple[int, int, str]:
    """(counted, listed, where the rest are) of one assessment's 提供先 or 移転先 (kind: the role),
    over its files: a file counts its 件数 where that is more than it lists by name (placeholders
    such as 「添付資料を参照」 are no names)."""
    counted = listed_all = 0
    rest: list[str] = []
    for fpath, _ in f.values(data, "file"):
        listed = sum(
            1 for _, v in f.values(data, f"{kind}_name", within=fpath) if v and not is_placeholder(plain(str(v)))
        )
        n = f.value(data, f"{kind}_count", within=fpath) if f.has_role(f"{kind}_count") else None
        declared = n if isinstance(n, int) and not isinstance(n, bool) and n > listed else None
        counted += listed if declared is None else declared
        listed_all += listed
        if declared is not None:  # where the document says the others are
            rest.append(rest_of_list(f, data, fpath))
    return counted, listed_all, least_said(rest)


def partial_note(kind: str, counted: int, listed: int, rest: str = ATTACHED) -> str:
    """What page and index say when the form counts more than it lists, and where the rest are."""
    return f"{kind} {counted} 件中 {listed} 件を掲載({_REST[rest]})"
