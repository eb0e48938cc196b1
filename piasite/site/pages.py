"""One assessment as HTML, item by item in the form's order.

Nothing here names a form item: labels, numbering, choices and anchors come
from the form definition (form.py), so any form (重点項目評価書, 変更箇所一覧, …)
renders from its definition. Every item is a heading with its permanent
anchor, so a resident can copy a link to it and search results land on it.
Values are public() values: 非公表 parts never get here.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from html import escape
from typing import Any

from piasite.core import dates
from piasite.core.labels import CIRCLED, bare
from piasite.core.markup import plain, to_html
from piasite.forms.items import Item
from piasite.forms.values import empty
from piasite.history.itemdiff import highlighted, marked_html
from piasite.model.names import is_placeholder
from piasite.model.reader import Uncertain
from piasite.model.lists import least_said, rest_of_list
from piasite.site.listing import partial_note

EMPTY = '<p class="pia-empty">記載なし</p>'
# An item in a section the imported text lacked (role import_missing lists them): not 記載なし.
MISSING = '<p class="pia-empty pia-missing">原文にありません(取り込んだテキストにこの部分がありませんでした)</p>'


def heading(level: int, anchor: str, label_html: str, marked: bool = False) -> str:
    """An item heading with its permanent anchor; the copyable link sits beside it,
    outside the heading, so search results and screen readers get the label alone."""
    level = min(max(level, 2), 6)
    mark = ' <span class="pia-mark" title="重要な変更の対象となる項目">※</span>' if marked else ""
    return (
        f'<div class="pia-hrow"><h{level} id="{anchor}" class="pia-h">{label_html}{mark}</h{level}>'
        # Out of the tab order: one stop per item flooded keyboard users (775 on one page); the
        # 項目一覧 (toc()) takes them to each section, and the link stays for mouse and screen reader.
        f'<a class="pia-link" href="#{anchor}" title="この項目へのリンク" tabindex="-1" data-pagefind-ignore="all">'
        f'<span class="pia-sr">この項目へのリンク</span><span aria-hidden="true">#</span></a></div>\n'
    )


def uncertain(v: Uncertain) -> str:
    """An item the importer could not read: said so, with what the source showed — never a guess."""
    reason = f'</p><p class="pia-uncertain-why">理由: {escape(v.reason)}' if v.reason else ""
    source = (
        f'<p class="pia-uncertain-src">元の文書の記載:</p><blockquote>{escape(v.source)}</blockquote>'
        if v.source
        else ""
    )
    return (
        f'<div class="pia-uncertain" role="note"><p><strong>原文から読み取れませんでした</strong>{reason}</p>'
        f'{source}</div>'
    )


def _is_table_group(item: Item) -> bool:
    """A group of plain rows (別添2, 変更箇所一覧): shown as a table, a row per element."""
    return item.kind == "group" and not item.name_key and all(not c.is_container for c in item.items)


def _box(on: bool, text_html: str) -> str:
    # an option not chosen is not what the document says: kept out of search hits and snippets
    return (
        f'<li class="{"is-on" if on else "is-off"}"{"" if on else " data-pagefind-ignore"}><span aria-hidden="true">'
        f'{"☑" if on else "☐"}</span> {text_html}'
        f'{"<span class=pia-sr data-pagefind-ignore>(チェックあり)</span>" if on else ""}</li>'
    )


class AssessmentPage:
    def __init__(self, a, data: dict, change_rows: list[dict] | None = None, links: dict | None = None):
        self.a, self.form, self.data = a, a.form, data
        self.links = links or {}  # item anchor → (relative href of its index entry, canonical name, index title)
        self.change_rows = change_rows
        self.ids: set[str] = set()  # anchors written so far (history rows link only to these)
        self.outline: list[tuple[int, str, str, bool]] = []  # (depth, anchor, label, is an element) for the 項目一覧
        # the form's document-level keys (様式, 様式の版, 終了日, 取込メモ, …) are piasite's own, not
        # printed on the form: the summary shows them, or the collapsed notes
        self.hidden = {i.key for i in self.form.document_items}
        self.missing = {str(v) for _, v in self.form.values(data, "import_missing")}
        self.changes_key = self.form.top_key("changes")  # the 別添2 table, whose rows history may replace
        self.change_item_key = self.form.role_key("change_item") if self.form.has_role("change_item") else None
        sides = ("change_before", "change_after")  # a row's 変更前/変更後: the changed words marked
        self.change_sides = (
            tuple(self.form.role_key(r) for r in sides) if all(self.form.has_role(r) for r in sides) else None
        )
        # 様式の版: the document is printed with the labels of its version of the form (a revision the
        # definition does not list: those of the latest listed one before it)
        version = self.form.value(data, "form_version") if self.form.has_role("form_version") else None
        self.version = self.form.resolve_version(version)

    def lab(self, item: Item) -> str:
        return item.label_for(self.version if isinstance(self.version, str) else None)

    # -- values -----------------------------------------------------------
    def value(self, item: Item, v: Any) -> str:
        if isinstance(v, Uncertain):
            return uncertain(v)
        if empty(v):
            return EMPTY
        k = item.kind
        if k == "choice":
            return self.choice(item, v)
        if k == "multi":
            return self.multi(item, v)
        if k == "flag":
            box = "☑" if v is True else "☐"
            return (
                f'<p class="pia-flag"><span aria-hidden="true">{box}</span> {escape(item.label)}'
                f'<span class="pia-sr">({"チェックあり" if v is True else "チェックなし"})</span></p>'
            )
        if k == "date":
            return f"<p>{escape(self.date(v))}</p>"
        if k == "count":
            return f"<p>( {escape(str(v))} ) 件</p>"
        if k == "integer":
            return f"<p>{escape(str(v))}</p>"
        if k == "list" and isinstance(v, list):
            return '<ul class="pia-list">' + "".join(f"<li>{escape(str(x))}</li>" for x in v) + "</ul>"
        return f'<div class="pia-text">{to_html(str(v))}</div>'

    @staticmethod
    def date(v: Any) -> str:
        return dates.wareki(v) if dates.parse_iso(v) else str(v)

    def choice(self, item: Item, v: Any) -> str:
        chosen = str(v)
        out = [f'<p class="pia-chosen">［ {escape(chosen)} ］</p>']
        if item.choices:
            out.append('<ul class="pia-choices" aria-label="選択肢">')
            for i, c in enumerate(item.choices, 1):
                on = c == chosen
                out.append(
                    f'<li class="{"is-on" if on else "is-off"}"{"" if on else " data-pagefind-ignore"}>'
                    f'<span aria-hidden="true">{"●" if on else "○"}</span> '
                    f'{i}) {escape(c)}{"<span class=pia-sr data-pagefind-ignore>(選択)</span>" if on else ""}</li>'
                )
            out.append("</ul>")
        return "".join(out)

    def multi(self, item: Item, v: Any) -> str:
        picked: dict[str, tuple[str, str | None]] = {}  # option → (as written, qualifier)
        extra: list[str] = []
        for entry in v if isinstance(v, list) else [v]:
            text, qual = next(iter(entry.items())) if isinstance(entry, dict) and entry else (entry, None)
            text, qual = str(text), (None if empty(qual) else str(qual))
            opt = next((o for o in item.options if text == o.text or text in o.variants), None)
            if opt is None:
                extra.append(text if qual is None else f"{text} ({qual})")
            else:
                picked[opt.text] = (text, qual)
        out = ['<ul class="pia-multi">']
        group = None
        for o in item.options:
            if o.group and o.group != group:
                group = o.group
                out.append(f'<li class="pia-multi-group">・{escape(group)}</li>')
            on = o.text in picked
            shown, qual = picked.get(o.text, (o.text, None))
            if shown == o.text:  # as the document's version of the form prints the option (4情報 / 5情報)
                shown = o.label_for(self.version if isinstance(self.version, str) else None)
            text = escape(shown) + ((f" ({escape(qual)})" if qual else " (　)") if o.qualifier else "")
            out.append(_box(on, text))
        out.extend(_box(True, escape(e)) for e in extra)
        out.append("</ul>")
        return "".join(out)

    # -- structure --------------------------------------------------------
    def children(
        self, container: Item, value: Any, path: tuple, level: int, skip: AbstractSet[str] = frozenset()
    ) -> str:
        value = value if isinstance(value, dict) else {}
        out = []
        items = container.items
        for i, child in enumerate(items):
            if not path and child.key in self.hidden:
                continue  # about the file, not the form's content: summary, banner, staff notes
            cpath = path + (child.key,)
            if not self.form.shown(child, self.version, value.get(child.key)):
                continue  # added by a later version of the form than the document's (`since:`)
            if child.key in skip or self._counted(items, i - 1):
                # shown elsewhere (the element's heading, or beside its choice): only its anchor stays
                anchor = self.form.anchor(cpath)
                self.ids.add(anchor)
                out.append(f'<span id="{anchor}"></span>{self.index_link(anchor)}')
                continue
            count = items[i + 1] if self._counted(items, i) else None
            out.append(
                self.item(
                    child, value.get(child.key), cpath, level, count=(count, value.get(count.key)) if count else None
                )
            )
        return "".join(out)

    def index_link(self, anchor: str) -> str:
        """A name that has an entry in an index (委託先, システム, 提供先): a link to it."""
        if anchor not in self.links:
            return ""
        href, name, title = self.links[anchor]
        return (
            f'<p class="pia-indexlink" data-pagefind-ignore="all"><a href="{escape(href)}">{escape(title)}の索引:'
            f' {escape(name)}</a></p>'
        )

    def _partial(self, group: Item, path: tuple, elems: list) -> str:
        """「提供先 133 件中 1 件を掲載(残りは添付資料)」 where the form's count (roles provision_count,
        transfer_count) is more than the list beside it holds."""
        f = self.form
        kind = next((k for k in ("provision", "transfer") if f.has_role(k) and f.role_item(k) is group), None)
        if not kind or not f.has_role(f"{kind}_count"):
            return ""
        n = f.value(self.data, f"{kind}_count", within=path[:-1])
        listed = [
            v for _, v in f.values(self.data, f"{kind}_name", within=path) if v and not is_placeholder(plain(str(v)))
        ]
        if isinstance(n, int) and not isinstance(n, bool) and n > len(listed):
            fpath = f.enclosing(path, "file")
            rest = rest_of_list(f, self.data, fpath) if fpath is not None else least_said([])
            return partial_note(bare(group.label), n, len(listed), rest)
        return ""

    @staticmethod
    def _counted(items: list, i: int) -> bool:
        """Item i is a choice printed with a count after it (委託の有無 ［委託する］ ( 3 ) 件): the form's
        「委託の有無 ( ) 件」 is that blank, not an item of its own."""
        return (
            0 <= i < len(items) - 1
            and items[i].kind == "choice"
            and items[i + 1].kind == "count"
            and items[i + 1].label.startswith(items[i].label)
        )

    def _outline(self, level: int, anchor: str, label: str, element: bool = False) -> None:
        self.outline.append((level, anchor, label, element))

    def toc(self) -> str:
        """The 項目一覧: parts (Ⅰ…, 別添), their sections and group elements (each 特定個人情報ファイル,
        システム), and the numbered sections inside each file (委託, 提供・移転, …)."""
        entries = []
        parent_element = False
        for level, anchor, label, element in self.outline:
            if level <= 3 or (level == 4 and parent_element and not element):
                entries.append((level, anchor, label))
            if level == 3:
                parent_element = element
        if not entries:
            return ""
        out = [
            '<nav class="pia-toc" aria-labelledby="pia-toc-h" data-pagefind-ignore="all">'
            '<details open><summary><h2 id="pia-toc-h" class="pia-toc-h">項目一覧</h2></summary><ul>'
        ]
        depth = 2
        first = True
        for level, anchor, label in entries:
            if level > depth:
                out.append("<ul>" * (level - depth))
            elif level < depth:
                out.append("</li></ul>" * (depth - level) + "</li>")
            elif not first:
                out.append("</li>")
            depth, first = level, False
            out.append(f'<li><a href="#{anchor}">{escape(label)}</a>')
        out.append("</li></ul>" * (depth - 2) + "</li></ul></details></nav>\n")
        return "".join(out)

    def item(self, item: Item, v: Any, path: tuple, level: int, count: tuple | None = None) -> str:
        anchor = self.form.anchor(path)
        self.ids.add(anchor)
        marked = item.mark and item.display_label != item.label
        if _is_table_group(item):
            return self.table(item, v, path, level)
        missing = bool(self.missing) and empty(v) and self.form.label_path(path, self.data) in self.missing
        if item.kind == "section":
            self._outline(level, anchor, self.lab(item))
            inner = MISSING if missing else self.children(item, v, path, level + 1)
            return (
                f'<section class="pia-sec">{heading(level, anchor, escape(self.lab(item)), marked)}{inner}</section>\n'
            )
        if item.kind == "group":
            elems = v if isinstance(v, list) else []
            own = not path[:-1] or item.label[:1].isdigit() or item.label[:1] in "ⅠⅡⅢⅣⅤ("
            out = ['<section class="pia-group">']
            sub = level
            if own:
                self._outline(level, anchor, self.lab(item))
                out.append(heading(level, anchor, escape(self.lab(item)), marked))
                sub = level + 1
            else:
                out.append(f'<span id="{anchor}"></span>')
            note = self._partial(item, path, elems)
            if note:
                out.append(f'<p class="pia-partial" role="note">{escape(note)}</p>')
            if not elems:
                out.append(MISSING if missing else EMPTY)
            for i, elem in enumerate(elems):
                epath = path + (i,)
                text = plain(item.element_label(i, elem))
                label = escape(text)
                name = elem.get(item.name_key) if isinstance(elem, dict) and item.name_key else None
                if name and "{name}" not in (item.element or ""):  # システム3 → システム3 中間サーバー
                    label += f'<span class="pia-elname"> {escape(plain(str(name)))}</span>'
                    text += " " + plain(str(name))
                self.ids.add(self.form.anchor(epath))
                self._outline(sub, self.form.anchor(epath), text, element=True)
                # The name is in the element's heading: its own item would repeat it (委託事項1 帳票印刷 / 委託事項 帳票印刷)
                skip = {item.name_key} if name and item.name_key else set()
                out.append(
                    f'<section class="pia-elem">{heading(sub, self.form.anchor(epath), label)}'
                    f'{self.children(item, elem, epath, sub + 1, skip)}</section>\n'
                )
            out.append("</section>\n")
            return "".join(out)
        label = f"{item.parent_label} {self.lab(item)}" if item.parent_label else self.lab(item)
        if item.kind == "count":  # 「提供を行っている ( ) 件」 is the form's blank, not a label
            label = re.sub(r"\s*[(（]\s*[)）]\s*件\s*$", "(件数)", label)
        value = MISSING if missing else self.value(item, v)
        if count:
            c_item, c_v = count
            self.ids.add(self.form.anchor(path[:-1] + (c_item.key,)))
            if not empty(c_v):
                value += (
                    f'<p class="pia-count" id="{self.form.anchor(path[:-1] + (c_item.key,))}">'
                    f'( {escape(str(c_v))} ) 件</p>'
                )
            else:
                value = f'<span id="{self.form.anchor(path[:-1] + (c_item.key,))}"></span>' + value
        return (
            f'<div class="pia-item">{heading(level, anchor, escape(label), marked)}'
            f'<div class="pia-val">{value}{self.index_link(anchor)}</div></div>\n'
        )

    def table(self, item: Item, v: Any, path: tuple, level: int) -> str:
        rows = (
            self.change_rows if (item.key == self.changes_key and not path[:-1] and self.change_rows is not None) else v
        )
        rows = rows if isinstance(rows, list) else []
        self._outline(level, self.form.anchor(path), self.lab(item))
        out = [f'<section class="pia-sec">{heading(level, self.form.anchor(path), escape(self.lab(item)))}']
        if not rows:
            out.append(
                (MISSING if self.missing and self.form.label_path(path, self.data) in self.missing else EMPTY)
                + "</section>\n"
            )
            return "".join(out)
        cols = [c for c in item.items if any(isinstance(r, dict) and not empty(r.get(c.key)) for r in rows)]
        out.append('<div class="pia-table-wrap"><table class="pia-table"><thead><tr>')
        out.append("".join(f'<th scope="col">{escape(self.lab(c))}</th>' for c in cols))
        out.append("</tr></thead><tbody>")
        sides = self.change_sides if item.key == self.changes_key and not path[:-1] else None
        for i, r in enumerate(rows):
            r = r if isinstance(r, dict) else {}
            out.append(f'<tr id="{self.form.anchor(path + (i,))}">')
            segs = highlighted(*(str(r.get(k) or "") for k in sides)) if sides else []
            for c in cols:
                val = r.get(c.key)
                if empty(val):
                    cell = ""
                elif segs and sides and c.key in sides:  # a long value changed in a few words
                    cell = f'<div class="pia-text pia-marked">{marked_html(segs, "before" if c.key == sides[0] else "after")}</div>'
                elif c.kind == "date":
                    cell = escape(self.date(val))
                elif (
                    c.key == self.change_item_key and r.get("anchor") in self.ids
                ):  # rows from history name the changed item
                    cell = f'<a href="#{escape(str(r["anchor"]))}">{escape(str(val))}</a>'
                elif c.kind in ("text", "ref"):
                    cell = to_html(str(val))
                else:
                    cell = escape(str(val))
                out.append(f'<td data-label="{escape(c.label)}">{cell}</td>')
            out.append("</tr>")
        out.append("</tbody></table></div></section>\n")
        return "".join(out)

    def body(self) -> str:
        return self.children(self.form.root, self.data, (), 2)

    def notes(self) -> str:
        """取込メモ: for clerks, collapsed and kept out of the search index."""
        key = self.form.top_key("import_notes")
        item = self.form.top(key) if key else None
        rows = self.data.get(key) if item else None
        if not rows or item is None:
            return ""
        out = [
            f'<details class="pia-notes" data-pagefind-ignore="all"><summary>{escape(item.label)}'
            f'(取り込み時の記録。職員向け)</summary><table class="pia-table"><thead><tr>'
        ]
        out.append("".join(f'<th scope="col">{escape(c.label)}</th>' for c in item.items))
        out.append("</tr></thead><tbody>")
        for r in rows:
            r = r if isinstance(r, dict) else {}
            out.append("<tr>" + "".join(f"<td>{escape(plain(r.get(c.key, '')))}</td>" for c in item.items) + "</tr>")
        out.append("</tbody></table></details>\n")
        return "".join(out)
