"""Where an assessment lists fewer 提供先・移転先 than it counts, as the page and the index say it.

Used by the assessment page (pages.py: 「提供先 133 件中 1 件を掲載(残りは添付資料)」) and by the index
of 提供先・移転先 (indexes.py). Where the rest are (ATTACHED, UNREAD, UNSAID) is read by model/lists.py,
which piasite check uses too.
"""

from __future__ import annotations

from typing import Any

from piasite.core.markup import plain
from piasite.model.lists import ATTACHED, UNREAD, UNSAID, least_said, rest_of_list
from piasite.model.names import is_placeholder

_REST = {
    ATTACHED: "残りは添付資料",
    UNREAD: "残りの掲載場所は原文から読み取れませんでした",
    UNSAID: "残りの掲載場所の記載はありません",
}


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
