"""Per form: items in the definition, confirmed from public sources, unconfirmed, with a hint.

An item counts as unconfirmed when it, or a section or group holding it, says
`unconfirmed: true` (a part nobody has seen cannot have seen children).
Run: python scripts/form_stats.py
"""

from __future__ import annotations

from piasite.forms.items import Item
from piasite.forms.registry import all_forms


def unconfirmed(item: Item) -> bool:
    node: Item | None = item
    while node is not None:
        if node.unconfirmed:
            return True
        node = node.parent
    return False


def stats(form) -> tuple[int, int, int, int, int]:
    items = [i for i in form.items for i in [i, *i.walk()]]
    leaves = [i for i in items if not i.is_container]
    n_un = sum(1 for i in items if unconfirmed(i))
    return len(items), len(items) - n_un, n_un, len(leaves), sum(1 for i in items if i.hint)


def main() -> None:
    print("様式\t項目\t確認済み\t未確認\t(うち値を持つ項目)\t手引き (hint)\t版")
    for f in all_forms():
        total, ok, un, leaves, hints = stats(f)
        print(f"{f.name}\t{total}\t{ok}\t{un}\t{leaves}\t{hints}\t{'、'.join(f.versions) or '-'}")


if __name__ == "__main__":
    main()
