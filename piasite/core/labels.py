"""How the forms number their items in print (①事務の名称, 1. 委託事項, Ⅱ 基本情報): text rules shared by
the checks, the importer and the pages, which name an item without its number."""

from __future__ import annotations

import re

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"  # the printed numbers of a section's items


def bare(label: str) -> str:
    """A label without its printed number: ①事務の名称 → 事務の名称."""
    return re.sub(rf"^(?:[{CIRCLED}]|\d+\.\s*|\(別添\d\)\s*|[ⅠⅡⅢⅣⅤ]\s+)", "", label).strip()
