"""The importer's linear-time shortcuts (issue 17) decide as the plain computations they replace:
each is compared with the plain one on random texts made of what makes them differ (blank lines,
page counters and separators; spaces, `*`, `※`, commas, full-width forms, tags and entities)."""

from __future__ import annotations

import random

from piasite.importer import furniture
from piasite.importer.choices import _opens_with
from piasite.importer.text import is_separator, norm_value


def _walked(lines: list[str]) -> set[int]:
    """page_furniture as first written: from each page break, step line by line over blank lines
    and other breaks, up to REACH candidates on each side."""
    counters = furniture._counter_lines(lines)
    heads = furniture._label_heads()

    def candidate(raw: str) -> bool:
        text = raw.strip()
        return (
            len(text) >= furniture.MIN_CHARS
            and "\t" not in text
            and not furniture.has_html(text)
            and not is_separator(raw)
            and not furniture.norm(text).startswith(heads)
        )

    near: set[int] = set()
    for b in [k for k, raw in enumerate(lines) if is_separator(raw) or k in counters]:
        for step in (-1, 1):
            k, taken = b + step, 0
            while 0 <= k < len(lines) and taken < furniture.REACH:
                raw = lines[k]
                if raw.strip() and not is_separator(raw) and k not in counters:
                    if not candidate(raw):
                        break
                    near.add(k)
                    taken += 1
                k += step
    where: dict[str, list[int]] = {}
    for k, raw in enumerate(lines):
        if raw.strip():
            where.setdefault(raw.strip(), []).append(k)
    out = set(counters)
    for ks in where.values():
        if len(ks) >= 2 and all(k in near for k in ks):
            out |= set(ks)
    return out


LINES = [
    "", "  ", "-----\t--", "－ 3 －", "12 / 72", "東山市 1/99", "東山市 2/99", "1 / 38 宮崎市税務部市民税課",
    "2 / 38 宮崎市税務部市民税課", "住民基本台帳事務 全項目評価書", "税務部市民税課", "なし", "①事務の名称",
    "値です\tあ", "<p>x</p>", "特定個人情報ファイル名", "あいうえおか", "Ⅰ 基本情報",
]  # fmt: skip


def test_page_furniture_is_the_walk_from_each_break():
    rng = random.Random(17)
    furnished = 0
    for _ in range(3_000):
        lines = [rng.choice(LINES) for _ in range(rng.randint(0, 40))]
        got = furniture.page_furniture(lines)
        assert got == _walked(lines), lines
        furnished += bool(got - furniture._counter_lines(lines))
    assert furnished > 100  # running headers beside breaks were among the cases, not only counters


PIECES = list("行うわない委託しする ,*※#-　\t\u00a0\u2003＊，：:（）()&<>;ab/") + [
    "&amp;", "<br>", "</p>", "&#12354;", "<input checked>", "<b>", "－", "ｶﾞ", "①", "Ⅰ", "\u3099",
]  # fmt: skip
KEYS = [norm_value(k) for k in ("行う", "行わない", "委託する", "委託しない", "a", "amp", "&", "*行う", "①行う", "ガ")]


def test_opens_with_is_the_normal_form_of_the_rest():
    rng = random.Random(17)
    opened = 0
    for _ in range(20_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 60)))
        keys = tuple(rng.sample(KEYS, rng.randint(1, 4)))
        start = rng.randint(0, len(text))
        want = norm_value(text[start:]).startswith(keys)
        assert _opens_with(text, start, keys) == want, (text, start, keys)
        opened += want
    assert opened > 50  # both answers were among the cases
