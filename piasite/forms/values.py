"""Values of a document as the form sees them: empty or filled in, the value at a path, a version's month."""

from __future__ import annotations

import re
from typing import Any

from piasite.core import dates

# A path into a document: keys and 0-based list indexes, e.g.
# (<file group key>, 0, <委託 key>, <委託事項 key>, 2, <委託先名 key>).
Path_ = tuple


def version_month(version: str) -> Any:
    """A version's month (平成30年5月 → 2018-05-01), or None for a text that names none."""
    if not re.fullmatch(r"(?:平成|令和)(?:元|\d{1,2})年\d{1,2}月", version.strip()):
        return None
    found = dates.parse_date(version)
    return found[0] if found else None


def empty(v: Any) -> bool:
    """Nothing written: absent, an empty text, list or mapping."""
    return v is None or v == "" or v == [] or v == {}


def holds(value: Any) -> bool:
    """Whether a value, or anything inside it, is filled in (a flag's False counts as empty)."""
    if isinstance(value, dict):
        return any(holds(v) for v in value.values())
    if isinstance(value, list):
        return any(holds(v) for v in value)
    return value not in (None, "", False)


def value_at(data: Any, path: Path_) -> Any:
    """The value at a document path, or None where the path does not lead."""
    node = data
    for k in path:
        try:
            node = node[k]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def kind_ja(v: Any) -> str:
    """What a value is, for messages 「…になっています」: a mapping, a list, a flag, a number, empty, or the text quoted."""
    if isinstance(v, dict):
        return "「キー: 値」の形"
    if isinstance(v, list):
        return "リスト"
    if isinstance(v, bool):
        return "true/false"
    if isinstance(v, (int, float)):
        return "数"
    if v is None:
        return "空"
    return f"「{v}」"
