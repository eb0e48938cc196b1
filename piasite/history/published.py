"""The versions the city published, made of the commits that made them.

A commit is not a version. A version is what the city published: its 公表日, or a (別添2) 変更日.
So, in the order of the first-parent chain:

- a commit whose trailers say `変更箇所: なし` corrects the reading of the version before it (an
  import's OCR garbage, a typo of the clerk) and stating no date of its own, it amends that version
  instead of making a new one; what it corrected is corrected in the earlier versions too, wherever
  they held the very value it replaced (a misreading copied forward by every later commit is one
  misreading, not a change of each version);
- a commit that states the date of the version before it (the same 変更日) completes that version.

Every other commit starts a version. `published(fh)` gives the file's history made of such
versions; `numbers` maps the per-commit numbering the site used before (第n版 = n-th commit) to
the version that holds that commit, so that the URLs of versions that no longer exist can redirect.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from piasite.history.changelog import version_date
from piasite.history.commits import Commit
from piasite.history.trailers import NONE_VALUE, T_NONE
from piasite.history.versions import FileHistory, Version

_ABSENT = object()  # a key one side does not have


@dataclass
class Published:
    history: FileHistory  # the published versions (and a final deletion, if any)
    numbers: dict[int, int] = field(default_factory=dict)  # per-commit number → published number (1-based)
    corrections: dict[int, list[Commit]] = field(default_factory=dict)  # published number → commits amending it


def editorial(v: Version) -> bool:
    return v.trailers.get(T_NONE, "").strip() == NONE_VALUE


def published(fh: FileHistory) -> Published:
    """fh's live versions folded into the versions the city published (see the module's text)."""
    groups: list[Version] = []
    numbers: dict[int, int] = {}
    corrections: dict[int, list[Commit]] = {}
    group_dates: list[str] = []
    prev: Version | None = None
    prev_date = ""
    for i, v in enumerate(fh.live, 1):
        day = version_date(v, prev, prev_date)
        fix = editorial(v)
        if groups and prev is not None and ((fix and day == prev_date) or (not fix and day and day == group_dates[-1])):
            if fix:  # the reading of the versions before it was wrong where they held what it replaced
                for path, old, new in leaf_changes(prev.data, v.data):
                    for g in reversed(groups[:-1]):
                        if not _patch(g.data, path, old, new):
                            break
                corrections.setdefault(len(groups), []).append(v.commit)
            last = groups[-1]
            groups[-1] = Version(last.commit, v.path, v.blob, copy.deepcopy(v.data))
        else:
            groups.append(Version(v.commit, v.path, v.blob, copy.deepcopy(v.data)))
            group_dates.append(day)
        numbers[i] = len(groups)
        prev, prev_date = v, day
    versions = groups + ([fh.versions[-1]] if fh.deleted else [])
    return Published(FileHistory(fh.path, versions), numbers, corrections)


def leaf_changes(a: Any, b: Any, path: tuple = ()) -> list[tuple[tuple, Any, Any]]:
    """[(path, old, new)]: the smallest parts of a that b replaces (dict keys, list positions of
    lists of one length; anything else whole). A key one side lacks is _ABSENT on that side."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in list(a) + [k for k in b if k not in a]:
            x, y = a.get(k, _ABSENT), b.get(k, _ABSENT)
            if x != y:
                out += leaf_changes(x, y, path + (k,))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [c for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y for c in leaf_changes(x, y, path + (i,))]
    return [(path, a, b)]


def _patch(data: Any, path: tuple, old: Any, new: Any) -> bool:
    """Replace old by new at path in data if data holds old there; whether it did."""
    if not path:
        return False
    node = data
    for part in path[:-1]:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return False
    last = path[-1]
    if isinstance(node, dict):
        held = node.get(last, _ABSENT)
        if (held is _ABSENT) != (old is _ABSENT) or (old is not _ABSENT and held != old):
            return False
        if new is _ABSENT:
            del node[last]
        else:
            node[last] = copy.deepcopy(new)
        return True
    if isinstance(node, list) and isinstance(last, int) and 0 <= last < len(node) and old is not _ABSENT:
        if node[last] != old or new is _ABSENT:
            return False
        node[last] = copy.deepcopy(new)
        return True
    return False
