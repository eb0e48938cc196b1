"""What the built site must show, read from content/ (never from line positions).

The browser tests ask "which assessments contain this text, and which item
anchors may a search result for it land on?"; the answers come from the
validated model, so they follow the content as it is imported and edited.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from piasite.history.content import load_content
from piasite.model.reader import public

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
NOT_PUBLISHED = {"取込メモ"}  # import notes are for clerks, not rendered as text residents search


def norm(text: str) -> str:
    """Compare as a resident's query would match: NFKC, no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


@dataclass
class Doc:
    url: str  # site path, e.g. "kumagaya/5/"
    org: str
    anchors_by_path: dict  # path tuple → anchor id
    leaves: list  # (path, text as published, normalised text)
    coarse: set  # (part, i) elements that hold whole sub-sections (a 特定個人情報ファイル)

    def paths_with(self, query: str) -> list[tuple]:
        q = norm(query)
        return [p for p, _raw, t in self.leaves if q in t]

    def anchors_for(self, query: str) -> set[str]:
        """Anchors a result for `query` may land on: the matching items and the
        groups/sub-sections that contain them, not a whole part (Ⅰ, Ⅱ, 別添2) nor
        a whole 特定個人情報ファイル; a change-log row (別添2) is fine, and so is the
        change log itself when the text is nowhere else."""
        out = set()
        paths = self.paths_with(query)
        # text found only in rows of a top-level list (the 別添2 change log): its
        # table's anchor is acceptable, since Pagefind lands on headings, not rows
        if paths and all(len(p) > 2 and isinstance(p[1], int) and p[:2] not in self.coarse for p in paths):
            out |= {a for p in paths if (a := self.anchors_by_path.get(p[:1]))}
        for path in paths:
            for n in range(1, len(path) + 1):
                if n < len(path) and (n == 1 or (n == 2 and path[:2] in self.coarse)):
                    continue
                a = self.anchors_by_path.get(path[:n])
                if a:
                    out.add(a)
        return out


def _leaves(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            if path == () and k in NOT_PUBLISHED:
                continue
            yield from _leaves(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, path + (i,))
    elif value is not None:
        yield path, str(value).strip(), norm(value)


def _anchor(form, path):
    try:
        return form.anchor(path)
    except (KeyError, AttributeError, IndexError, TypeError):
        return None


def _has_sections(form, path) -> bool:
    item = form.item_at(path)
    return bool(item) and any(c.kind in ("section", "group") for c in (item.items or []))


@functools.cache
def docs() -> tuple[Doc, ...]:
    assessments, _ = load_content(CONTENT)
    out = []
    for a in assessments:
        leaves = list(_leaves(public(a.data)))
        anchors = {}
        for path, _r, _t in leaves:
            for n in range(1, len(path) + 1):
                if path[:n] not in anchors:
                    anchors[path[:n]] = _anchor(a.form, path[:n])
        coarse = {
            p[:2] for p, _r, _t in leaves if len(p) > 2 and isinstance(p[1], int) and _has_sections(a.form, p[:1])
        }
        out.append(Doc(a.url, a.org, anchors, leaves, coarse))
    return tuple(out)


def containing(query: str) -> list[Doc]:
    return [d for d in docs() if d.paths_with(query)]


def _pick(values, n: int) -> list[str]:
    """A deterministic sample that does not depend on file order."""
    return sorted(set(values), key=lambda v: hashlib.sha1(v.encode()).hexdigest())[:n]


def values_at(last_key: str, under: str | None = None) -> list[str]:
    """Every value whose path ends in `last_key` (and passes through `under`)."""
    out = []
    for d in docs():
        for path, raw, _t in d.leaves:
            if path and path[-1] == last_key and (under is None or under in path):
                out.append(raw)
    return [v for v in out if v and v not in {"-", "非公表"}]


def place_names() -> list[str]:
    """花巻 from 岩手県花巻市長, 熊本 from 熊本市長: what a resident types."""
    out = []
    for d in docs():
        m = re.match(r"^(?:.{2,3}?[都道府県])?(.+?)[市区町村](?:長|議会|教育委員会.*)?$", d.org)
        if m and len(m[1]) >= 2:
            out.append(m[1])
    return out


def kanji_compounds(n: int) -> list[str]:
    # runs broken at conjunction-like kanji (及び, 並びに, 等) so the query is a word
    return _distinctive(r"[\u4e00-\u9fff々]+", n, stop="及並等又若", lengths=(4, 6))


def katakana_words(n: int) -> list[str]:
    return _distinctive(r"[\u30a1-\u30fa\u30fc]+", n, lengths=(4, 10))


def _distinctive(pattern: str, n: int, stop: str = "", lengths=(4, 6)) -> list[str]:
    """Whole runs (never a slice of a longer one) found in exactly one assessment:
    the query has one right answer."""
    seen: dict[str, set[str]] = {}
    for d in docs():
        for _path, _raw, text in d.leaves:
            for w in re.findall(pattern, re.sub(f"[{stop}]", " ", text) if stop else text):
                if lengths[0] <= len(w) <= lengths[1]:
                    seen.setdefault(w, set()).add(d.url)
    return _pick([w for w, urls in seen.items() if len(urls) == 1], n)


def sample(values, n: int) -> list[str]:
    return _pick(values, n)
