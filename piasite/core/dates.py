"""和暦 ⇄ ISO 8601. Content stores ISO dates; the site shows 和暦."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# First day of each era.
ERAS = [
    ("令和", "R", dt.date(2019, 5, 1)),
    ("平成", "H", dt.date(1989, 1, 8)),
    ("昭和", "S", dt.date(1926, 12, 25)),
]

# Dates an assessment can carry: older or later ones are typing slips (9999-12-31), and a
# date near the ends of Python's range overflows when years are added to it.
MIN_DATE, MAX_DATE = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
RANGE_JA = "1900 年から 2199 年まで"


def in_range(d: dt.date) -> bool:
    return MIN_DATE <= d <= MAX_DATE


_KANJI_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")

_WAREKI = re.compile(
    r"^(?P<era>令和|平成|昭和|R|H|S)\s*(?P<y>元|\d{1,2})\s*(?:年|[./\-])\s*(?P<m>\d{1,2})"
    r"(?:\s*(?:月|[./\-])\s*(?P<d>\d{1,2})\s*日?)?\s*月?\s*$"
)
_WESTERN = re.compile(
    r"^(?P<y>\d{4})\s*(?:年|[./\-])\s*(?P<m>\d{1,2})(?:\s*(?:月|[./\-])\s*(?P<d>\d{1,2})\s*日?)?\s*月?\s*$"
)


# The day of the week printed after a date: 令和6年9月2日(月), …（月曜日）
_WEEKDAY = re.compile(r"\s*\(\s*([月火水木金土日])(?:曜日?)?\s*\)\s*$")
_WEEKDAYS = "月火水木金土日"  # date.weekday(): Monday is 0


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().rstrip("。.").strip()


def parse_date(text: str) -> tuple[dt.date, str] | None:
    """Parse 和暦 or Western dates in their usual written forms.

    Returns (date, precision) with precision "day" or "month", or None.
    令和7年12月1日, 令和元年5月1日, 令和1年…, R7.12.1, H30.5.21, 平成30年12月, 2015/2/25,
    令和7年12月1日(月) (the day of the week is dropped).
    """
    s = _norm(text)
    wd = _WEEKDAY.search(s)
    if wd:
        s = s[: wd.start()]
        found = parse_date(s)
        # a day of the week that is not the date's own is a slip somewhere: not read
        return found if found and found[1] == "day" and _WEEKDAYS[found[0].weekday()] == wd.group(1) else None
    m = _WAREKI.match(s)
    if m:
        era = m["era"]
        start = next(e for e in ERAS if era in (e[0], e[1]))[2]
        year = start.year - 1 + (1 if m["y"] == "元" else int(m["y"]))
    else:
        m = _WESTERN.match(s)
        if not m:
            return None
        year = int(m["y"])
    try:
        if m["d"]:
            d, prec = dt.date(year, int(m["m"]), int(m["d"])), "day"
        else:
            d, prec = dt.date(year, int(m["m"]), 1), "month"
    except ValueError:
        return None
    return (d, prec) if in_range(d) else None


def iso(date: dt.date, precision: str = "day") -> str:
    return date.strftime("%Y-%m") if precision == "month" else date.isoformat()


def parse_iso(value) -> tuple[dt.date, str] | None:
    """A content value (date or 'YYYY-MM-DD' / 'YYYY-MM' string) as (date, precision);
    None for anything else, dates outside MIN_DATE..MAX_DATE included."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return (value, "day") if in_range(value) else None
    if isinstance(value, str):
        m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value.strip())
        if m:
            try:
                d = dt.date(int(m[1]), int(m[2]), int(m[3] or 1))
            except ValueError:
                return None
            return (d, "day" if m[3] else "month") if in_range(d) else None
    return None


def wareki(value, precision: str | None = None) -> str:
    """ISO date → 令和7年12月1日 (元年 for the first year, as the form prints it)."""
    parsed = parse_iso(value)
    if parsed is None:
        return str(value)
    date, prec = parsed
    prec = precision or prec
    for name, _, start in ERAS:
        if date >= start:
            y = date.year - start.year + 1
            ys = "元" if y == 1 else str(y)
            if prec == "month":
                return f"{name}{ys}年{date.month}月"
            return f"{name}{ys}年{date.month}月{date.day}日"
    return iso(date, prec)
