"""CSV that spreadsheets open as data: the OWASP rule against CSV (formula) injection.

A cell that begins with = + - @, a tab or a carriage return (also after leading
spaces, which spreadsheets skip) is read by Excel and LibreOffice as a formula:
`=HYPERLINK(...)` in a 委託先名 would become a live link. Such a cell is
prefixed with a single quote, which the spreadsheet shows as text. Every CSV
piasite writes (api/indexes/*.csv, `piasite changelog --format csv`) goes
through rows() here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def cell(value: Any) -> str:
    s = "" if value is None else str(value)
    if s.lstrip(" \u3000").startswith(TRIGGERS):
        return "'" + s
    return s


def rows(header: Iterable[Any], body: Iterable[Iterable[Any]]) -> str:
    """A CSV text (CRLF lines, minimal quoting) of the header and rows, every cell made safe."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([cell(c) for c in header])
    for r in body:
        w.writerow([cell(c) for c in r])
    return buf.getvalue()
