"""YAML as written: the implicit types of every YAML file piasite reads.

PyYAML resolves plain scalars by YAML 1.1, where `010` is 8, `0o10` and `0x1F` are numbers,
`1:20` is 80 (base 60), `1_000` is 1000, `yes`/`no`/`on`/`off` are booleans, `.inf` and
`1.50` are floats (printed back as `inf`, `1.5`) and `2024-1-1` is a date (printed back as
2024-01-01). A value in an assessment would change silently between the file and the page.

Here a plain scalar gets a type only when printing that type gives back the text as written,
a subset of the YAML 1.2 core schema:

- null: nothing written, `~` or `null`
- bool: `true`, `false` (the forms' flags)
- int: decimal digits without a sign `+`, a leading zero (`0` itself excepted) or `_`, at most 18
  (a longer number is text: no value of an assessment is one, and Python refuses to print some)
- date: `YYYY-MM-DD` exactly (the content's dates; the schema expects them)

Everything else — `010`, `0o10`, `0x1F`, `1:20`, `1_000`, `yes`, `True`, `.inf`, `1.5`,
`2024-1-1`, `2024-01-01 10:00` — stays the text written. A field that needs a number or a
date then says so (validate.py), naming its line.
"""

from __future__ import annotations

import re

import yaml

_STD = "tag:yaml.org,2002:"
RESOLVERS = [
    (_STD + "bool", re.compile(r"^(?:true|false)$"), list("tf")),
    (_STD + "int", re.compile(r"^(?:0|-?[1-9][0-9]{0,17})$"), list("-0123456789")),
    (_STD + "null", re.compile(r"^(?:~|null|)$"), ["~", "n", ""]),
    (_STD + "timestamp", re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), list("0123456789")),
]


_MERGE = (_STD + "merge", re.compile(r"^(?:<<)$"), ["<"])


def as_written(loader_class: type, merge: bool = False, dates: bool = True) -> type:
    """Give loader_class (a SafeLoader or CSafeLoader subclass) the resolvers above, in place of
    YAML 1.1's. Merge keys (`<<`) only with merge=True (piasite's own form definitions use
    them; content and mkdocs.yml never: `<<` is text there); dates=False for files that hold
    no dates (mkdocs.yml: a date-like text stays text). Returns the class."""
    table: dict = {}
    chosen = [r for r in RESOLVERS if dates or r[0] != _STD + "timestamp"] + ([_MERGE] if merge else [])
    for tag, regexp, first in chosen:
        for ch in first:
            table.setdefault(ch, []).append((tag, regexp))  # '' is the key of the empty value
    # a class attribute PyYAML reads; setattr because the stubs do not declare it (mypy)
    setattr(loader_class, "yaml_implicit_resolvers", table)  # noqa: B010
    return loader_class


def written_as(tag: str, text: str) -> bool:
    """Whether a scalar tagged tag (explicitly or not) reads as the text written: str always;
    another type only where the resolvers above give it (`!!int 010`, `!!float 1.5`,
    `!!bool yes` do not)."""
    if tag == _STD + "str":
        return True
    return any(tag == t and regexp.match(text) for t, regexp, _ in RESOLVERS)


class Loader(yaml.SafeLoader):
    """A plain safe loader with the resolvers above (for small repository files)."""


as_written(Loader)


def safe_load(text: str):
    """yaml.safe_load with the resolvers above."""
    return yaml.load(text, Loader=Loader)
