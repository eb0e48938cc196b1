"""The official form as data: a Form is one definition file (piasite/forms/*.yaml) as an Item tree.

Everything that names an item — validation messages, page headings, anchors,
change-log labels, the JSON Schema, the importer — asks a Form. definition.py reads a file into
one, registry.py finds it by name; anchors.py and roles.py hold the parts of Form that address an
item and read roles.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from piasite.forms.anchors import Addressing
from piasite.forms.items import Item
from piasite.forms.roles import Roles
from piasite.forms.values import holds, version_month


@dataclass(eq=False)
class Form(Addressing, Roles):
    name: str
    title: str
    schema_id: str
    items: list[Item]
    document_items: list[Item]
    roles: dict[str, tuple] = field(default_factory=dict)  # role name → pattern (keys and EACH)
    source: str = ""  # the definition file, for messages
    versions: tuple[str, ...] = ()  # 様式 versions, oldest first; the last is the default
    form_number: str | None = None  # 様式2, 様式3, 様式4: printed in the version stamp
    contents: str | None = None  # heading of the printed table of contents (項目一覧), if the form has one
    index: dict = field(default_factory=dict)  # 変更箇所一覧: which roles of which form feed its name lists

    @property
    def default_version(self) -> str | None:
        return self.versions[-1] if self.versions else None

    def resolve_version(self, version: Any) -> str | None:
        """The listed version whose labels a document of `version` is printed with: the version
        itself when the form lists it; for a revision the definition does not list (元号N年M月),
        the latest listed one before it (the oldest, if it is older than all); else None."""
        if not isinstance(version, str):
            return None
        if version in self.versions:
            return version
        when = version_month(version)
        if when is None or not self.versions:
            return None
        earlier = [v for v in self.versions if (d := version_month(v)) is not None and d <= when]
        return earlier[-1] if earlier else self.versions[0]

    def stamp(self, version: str | None = None) -> str | None:
        """The version stamp printed under 公表日, e.g. [平成26年4月 様式2]."""
        v = version or self.default_version
        return f"[{v} {self.form_number}]" if v and self.form_number else None

    @functools.cached_property
    def root(self) -> Item:
        root = Item(key="", label=self.title, id="", kind="section", items=self.document_items + self.items)
        for c in root.items:
            c.parent = None
        return root

    def printed_in(self, item: Item, version: Any) -> bool:
        """Whether a version of the form prints the item (`since:` on it or on a section above it).
        A document without a version, or with one that is no 元号N年M月, is read as printing it."""
        version = self.resolve_version(version)
        if version is None:
            return True
        node: Item | None = item
        while node is not None:
            if node.since and self.versions.index(version) < self.versions.index(node.since):
                return False
            node = node.parent
        return True

    def shown(self, item: Item, version: Any, value: Any) -> bool:
        """Whether a document of `version` shows the item: the version prints it, or the document
        gives it a value all the same (a value is never hidden)."""
        return self.printed_in(item, version) or holds(value)

    def top(self, key: str) -> Item | None:
        return self.root.child(key)

    def walk(self) -> Iterator[Item]:
        return self.root.walk()
