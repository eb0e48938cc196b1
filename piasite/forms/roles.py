"""Roles: where a form keeps what the code needs (a name → a pattern of keys, EACH for every element).

The code never names a form's keys: it asks for a role (`form.values(doc, "contractor")`), and each
definition's `roles:` says which keys hold it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from piasite.forms.items import Item
from piasite.forms.values import Path_, value_at

# In a role's pattern, EACH stands for "every element" of a list (written `[]`
# after a key in the definition's `roles:`).
EACH = "[]"


class Roles:
    """The part of Form that reads roles (needs `roles`, `name`, `source` and `item_at`)."""

    name: str
    source: str
    roles: dict[str, tuple]

    if TYPE_CHECKING:

        def item_at(self, path: Path_) -> Item | None: ...  # Addressing's

    # --- roles: where this form keeps what the code needs (forms/README.md, roles:) ---

    def has_role(self, name: str) -> bool:
        return name in self.roles

    def role_path(self, name: str) -> tuple:
        """The role's pattern: keys, with EACH where every element of a list is meant."""
        try:
            return self.roles[name]
        except KeyError:
            raise KeyError(f"{self.source or self.name}: role {name!r} is not defined") from None

    def role_key(self, name: str) -> str:
        """The last key of a role's pattern (e.g. the key of one column of a table)."""
        return next(k for k in reversed(self.role_path(name)) if k != EACH)

    def role_item(self, name: str) -> Item:
        """The definition item a role points at (for a list of scalars: the list item)."""
        item = self.item_at(tuple(k for k in self.role_path(name) if k != EACH))
        assert item is not None  # resolved at load
        return item

    def top_key(self, name: str) -> str | None:
        """The document's top-level key under which a role lives (None: the form has no such role)."""
        return self.roles[name][0] if name in self.roles else None

    def sub(self, element: Any, name: str, base: str) -> Any:
        """The value of role `name` inside one element of role `base` (e.g. one 別添2 row's 変更日)."""
        if name not in self.roles or base not in self.roles:
            return None
        return value_at(element, tuple(k for k in self.relative(name, base) if k != EACH))

    def enclosing(self, path: Path_, base: str) -> Path_ | None:
        """The part of a concrete path that is one element of role `base` (e.g. the file of a 委託事項)."""
        if base not in self.roles:
            return None
        pattern = self.roles[base]
        if len(path) < len(pattern):
            return None
        for p, w in zip(pattern, path, strict=False):  # path may go on below the element
            if (p == EACH) != isinstance(w, int) or (p != EACH and p != w):
                return None
        return tuple(path[: len(pattern)])

    def relative(self, name: str, base: str) -> tuple:
        """The pattern of role `name` below one element of role `base`
        (e.g. contractor below entrustment → (委託先名 key,))."""
        full, prefix = self.role_path(name), self.role_path(base)
        if full[: len(prefix)] != prefix:
            raise KeyError(f"{self.source or self.name}: role {name!r} is not inside role {base!r}")
        return full[len(prefix) :]

    def concrete(self, name: str, *indexes: int) -> tuple:
        """The role's pattern with its EACH filled by `indexes` in order; trailing EACH dropped
        when indexes run out (e.g. concrete("entrustment_count", 0) → (files, 0, 委託, 件数))."""
        out, it = [], iter(indexes)
        for k in self.role_path(name):
            if k == EACH:
                i = next(it, None)
                if i is None:
                    break
                out.append(i)
            else:
                out.append(k)
        return tuple(out)

    def values(self, doc: Any, name: str, within: Path_ = ()) -> Iterator[tuple[tuple, Any]]:
        """(concrete path, value) for every value of a role present in `doc` (None values skipped).

        `within` is the concrete path of one element of an enclosing role: only values below it
        are given (e.g. the 委託先 of one 委託事項). A form without the role gives nothing."""
        if name not in self.roles:
            return
        pattern = self.roles[name]
        if within:
            if len(within) > len(pattern) or any(
                (p == EACH) != isinstance(w, int) or (p != EACH and p != w)
                for p, w in zip(pattern, within, strict=False)  # within: a prefix
            ):
                raise KeyError(f"{self.source or self.name}: {within!r} is not inside role {name!r}")
            start = value_at(doc, within)
            if start is None:
                return
            yield from expand(start, pattern[len(within) :], tuple(within))
        else:
            yield from expand(doc, pattern, ())

    def value(self, doc: Any, name: str, within: Path_ = ()) -> Any:
        """The first value of a role (None when absent, or when the form has no such role)."""
        return next((v for _, v in self.values(doc, name, within)), None)


def expand(node: Any, pattern: tuple, prefix: tuple) -> Iterator[tuple[tuple, Any]]:
    if not pattern:
        if node is not None:
            yield prefix, node
        return
    head, rest = pattern[0], pattern[1:]
    if head == EACH:
        if isinstance(node, list):
            for i, elem in enumerate(node):
                yield from expand(elem, rest, prefix + (i,))
    elif isinstance(node, dict) and head in node:
        yield from expand(node[head], rest, prefix + (head,))
