"""Whether a value is plausible for its item: what the item's kind and declared shape
(forms/regime/shapes.yaml) imply a value can look like. Used by `piasite check` (warnings, on any
document) and by the importer (an implausible reading becomes !要確認 with the reason), so that a
value that landed in the wrong item is said, not published.

Nothing here names an item: the rules come from kinds (integer, date, choice, list, text) and
shapes (name: one short line, not a sentence; title: no trailing number; organisation), and from
the document as a whole (the same long text in two items)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from piasite.core import dates
from piasite.forms import regime
from piasite.forms.form import Form
from piasite.forms.items import Item
from piasite.model.reader import Uncertain, Withheld


@dataclass(frozen=True)
class Doubt:
    path: tuple
    item: Item
    reason: str  # Japanese, for the report and the !要確認 reason


@cache
def _rules() -> tuple[dict, dict]:
    data = regime.section("shapes")
    return dict(data.get("shapes") or {}), dict(data.get("text") or {})


@cache
def _stamp() -> re.Pattern:
    return re.compile(str(_rules()[1].get("stamp") or r"(?!)"))


def _sentences(text: str) -> int:
    return len(re.findall(r"[。．](?=\s|$|[^)」』）])", text.strip()))


def shape_doubt(shape: str, text: str) -> str | None:
    """Why `text` does not look like a value of `shape` (None: it may be one)."""
    rule = _rules()[0].get(shape)
    if not rule:
        return None
    what = rule.get("what", shape)
    t = text.strip()
    if rule.get("one_line") and "\n" in t:
        return f"{what}は 1 行のはずですが、{t.count(chr(10)) + 1} 行あります"
    if "max" in rule and len(t) > int(rule["max"]):
        return f"{what}にしては長すぎます({len(t)} 字)"
    if "sentences" in rule and _sentences(t) > int(rule["sentences"]):
        return f"{what}ではなく文章のようです(「。」で終わる文が {_sentences(t)} つ)"
    if rule.get("no_trailing_number") and re.search(r"[\s\u3000]\d+$", t):
        return f"{what}の後ろに数字があります(評価書番号を読み込んだ可能性があります)"
    return None


def fits(item: Item, text: str) -> bool:
    """Positive evidence that `text` is a value of `item` (for assigning values whose labels the layout
    separated from them): a date for a date item, a number for an integer, a declared ending for a shape."""
    t = text.strip()
    if not t:
        return False
    if item.kind == "date":
        return dates.parse_date(t) is not None
    if item.kind in ("integer", "count"):
        return re.fullmatch(r"[0-9０-９,，]+", t) is not None
    if item.kind == "choice":
        return t in item.choices
    if item.shape and shape_doubt(item.shape, t) is None:
        endings = _rules()[0].get(item.shape, {}).get("endings")
        return not endings or any(t.endswith(e) for e in endings)
    return False


def value_doubt(item: Item, value: Any) -> str | None:
    """Why `value` is implausible for `item` (None: nothing to say). Withheld and !要確認 values are
    not judged (the first is not shown, the second says its own doubt)."""
    if value is None or isinstance(value, (Withheld, Uncertain, bool)):
        return None
    if item.kind == "list" and isinstance(value, list):
        for v in value:
            if isinstance(v, str) and item.shape:
                why = shape_doubt(item.shape, v)
                if why:
                    return why
        return None
    if not isinstance(value, str):
        return None
    t = value.strip()
    if not t:
        return None
    if item.kind in ("text", "list") and _stamp().match(re.sub(r"\s+", "", t)):
        return "様式の版の印字([… 様式N])が値になっています"
    if item.kind == "text" and item.shape:
        return shape_doubt(item.shape, t)
    return None


def _leaves(items: list[Item], data: Any, path: tuple) -> Iterator[tuple[Item, tuple, Any]]:
    if not isinstance(data, dict):
        return
    for item in items:
        v = data.get(item.key)
        p = path + (item.key,)
        if item.kind == "section":
            yield from _leaves(item.items, v, p)
        elif item.kind == "group":
            for i, elem in enumerate(v if isinstance(v, list) else []):
                yield from _leaves(item.items, elem, p + (i,))
        else:
            yield item, p, v


def doubts(form: Form, data: dict) -> list[Doubt]:
    """Every implausible value of a document, in the form's order: each value against its item, and
    the same long text in two items of different names (the later one is named)."""
    out: list[Doubt] = []
    seen: dict[str, tuple] = {}
    least = int(_rules()[1].get("same_text_min") or 0)
    # the change log quotes the items it changed: its texts are compared with nothing
    log = form.role_item("changes") if form.has_role("changes") else None
    items = [i for i in form.items if i is not log]
    for item, path, v in _leaves(items, data, ()):
        why = value_doubt(item, v)
        if why:
            out.append(Doubt(path, item, why))
        if least and item.kind == "text" and isinstance(v, str):
            key = re.sub(r"\s+", "", v)
            # the same item of sibling elements may well repeat a text (用途 of two 提供先): only
            # the same text in items of another name is suspect
            if len(key) >= least:
                first = seen.get(key)
                if first is not None and first[-1] != path[-1]:
                    where = ".".join(str(k) for k in first)
                    out.append(Doubt(path, item, f"「{where}」と同じ文章です(どちらかは読み違いの可能性があります)"))
                elif first is None:
                    seen[key] = path
    return out
