"""Where an item of a document is: its definition item, its permanent anchor, its printed label path."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from piasite.forms.items import Item
from piasite.forms.values import Path_


class Addressing:
    """The part of Form that turns a document path into an item, an anchor or a label (needs `root`)."""

    if TYPE_CHECKING:

        @property
        def root(self) -> Item: ...  # Form's: the document as one section

    def item_at(self, path: Path_) -> Item | None:
        """The definition item for a document path (list indexes are skipped)."""
        node = self.root
        for part in path:
            if isinstance(part, int):
                if node.kind not in ("group", "list"):
                    return None
                continue  # an element of a group, or one entry of a list of texts
            nxt = node.element_child(part) if node.kind == "group" else node.child(part)
            if nxt is None:
                return None
            node = nxt
        return node if node is not self.root else None

    def anchor(self, path: Path_) -> str:
        """Permanent ASCII anchor of an item, e.g. II-f1-4-t3-3 (Ⅱ file 1, 4., 委託事項3, ③)."""
        parts: list[str] = []
        node = self.root
        for part in path:
            if isinstance(part, int):
                if node.kind == "list":
                    continue  # the entries of a list of texts are shown as one item
                seg = (node.element_id or "{n}").format(n=part + 1)
                if node.parent is None or node.id.isdigit():
                    parts.append(seg)  # II-f1, I-2-s3: keep the numbered heading
                else:
                    parts[-1] = seg  # 委託事項 "t" + element 3 → t3
                continue
            nxt = node.child(part)
            if nxt is None and node.element_child(part) is not None:
                break  # an element's printed number: the element's own anchor (anchors stay positional)
            if nxt is None:
                raise KeyError(part)
            node = nxt
            parts.append(node.id)
        return "-".join(parts)

    def _label_parts(self, path: Path_, doc: Any, short: bool, version: str | None = None) -> list[str]:
        out: list[str] = []
        node, value = self.root, doc
        for part in path:
            if isinstance(part, int):
                elem = value[part] if isinstance(value, list) and 0 <= part < len(value) else None
                if node.parent is None:
                    if short:
                        out[-1] = f"{out[-1]}({node.element_number(part, elem)})"
                    else:
                        out.append(node.element_label(part, elem))
                else:
                    if out and not node.label[:1].isdigit():
                        out.pop()  # 委託事項 → 委託事項1
                    out.append(node.element_label(part, elem))
                node_value = elem
                value = node_value
                continue
            child = node.element_child(part) if node.kind == "group" else node.child(part)
            if child is None:
                out.append(str(part))
                break
            node = child
            value = value.get(part) if isinstance(value, dict) else None
            label = node.label_for(version)
            if short and node.parent is None and node.is_container:
                label = label.split(" ")[0]  # Ⅱ
            elif short and node.is_container and label[:1].isdigit():
                label = label.split(" ")[0]  # 4.
            elif short and node.is_container and "：" in label:
                label = label.split("：")[0]  # リスク1
            elif not short and node.parent_label:
                out.append(node.parent_label)
            out.append(label)
        return out

    def label_path(self, path: Path_, doc: Any = None, version: str | None = None) -> str:
        """The item path as cities write it in 別添2, e.g.
        Ⅱ 特定個人情報ファイルの概要 (1)個人住民税賦課情報ファイル 4. 特定個人情報ファイルの取扱いの委託 委託事項1 ③委託先名
        with the labels of `version` (default: the newest version of the form).
        """
        return " ".join(self._label_parts(path, doc, short=False, version=version))

    def short_label(self, path: Path_, doc: Any = None) -> str:
        """Compact path for messages, e.g. Ⅱ(1) 4. 委託事項1 ③委託先名."""
        return " ".join(self._label_parts(path, doc, short=True))

    def is_marked(self, path: Path_) -> bool:
        """True when the item or one of its containers carries ※."""
        node = self.root
        for part in path:
            if isinstance(part, int):
                continue
            nxt = node.child(part)
            if nxt is None:
                return False
            node = nxt
            if node.mark:
                return True
        return False
