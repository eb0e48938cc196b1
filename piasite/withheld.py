"""Once withheld, never shown again: 非公表 across versions.

A clerk who marks a value `!非公表` hides it from the current page, but earlier
versions in git still hold it in the clear. The rule for everything made from
more than one version (別添2 rows, timelines, past versions, the compare view,
更新履歴, feeds, `piasite diff` and `changelog`): an item withheld in any
version is withheld in every version. Items are named by their key path with
list positions left out (every 委託事項's 委託先名 when one is withheld): a
group's elements can move between versions, and showing too little of a
document's history is the safe side. A change of a withheld item is still
reported, as a change of a 非公表 item, never with what it was or became.
"""
from __future__ import annotations

from typing import Any, Iterable

from .reader import Withheld

ANY = None  # a list position, in a path of paths()


def paths(data: Any, path: tuple = ()) -> set[tuple]:
    """Key paths (list positions as ANY) of every withheld value in data."""
    if isinstance(data, Withheld):
        return {path}
    out: set[tuple] = set()
    if isinstance(data, dict):
        for k, v in data.items():
            out |= paths(v, path + (k,))
    elif isinstance(data, list):
        for v in data:
            out |= paths(v, path + (ANY,))
    return out


def mask(data: Any, withheld: set[tuple], path: tuple = ()) -> Any:
    """data with every value at a path in withheld marked Withheld (a copy where anything changes)."""
    if not withheld or isinstance(data, Withheld):
        return data
    if path in withheld:
        return Withheld(data)
    if isinstance(data, dict):
        return {k: mask(v, withheld, path + (k,)) for k, v in data.items()}
    if isinstance(data, list):
        return [mask(v, withheld, path + (ANY,)) for v in data]
    return data


def mask_all(versions: Iterable[Any]) -> list[Any]:
    """The versions' data, each masked with what any of them withholds."""
    versions = list(versions)
    withheld: set[tuple] = set()
    for d in versions:
        withheld |= paths(d)
    return [mask(d, withheld) for d in versions]
