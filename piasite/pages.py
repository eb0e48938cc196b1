"""One assessment as HTML, item by item in the form's order.

Nothing here names a form item: labels, numbering, choices and anchors come
from the form definition (form.py), so any form (重点項目評価書, 変更箇所一覧, …)
renders from its definition. Every item is a heading with its permanent
anchor, so a resident can copy a link to it and search results land on it.
Values are public() values: 非公表 parts never get here.
"""
from __future__ import annotations

import re
from html import escape
from typing import Any

from . import dates
from .form import CIRCLED, Item
from .markup import plain, to_html
from .reader import Uncertain

EMPTY = '<p class="pia-empty">記載なし</p>'
# An item in a section the imported text lacked (role import_missing lists them): not 記載なし.
MISSING = '<p class="pia-empty pia-missing">原文にありません(取り込んだテキストにこの部分がありませんでした)</p>'


def bare(label: str) -> str:
    """A label without its printed number: ①事務の名称 → 事務の名称."""
    return re.sub(rf"^(?:[{CIRCLED}]|\d+\.\s*|\(別添\d\)\s*|[ⅠⅡⅢⅣⅤ]\s+)", "", label).strip()


def _empty(v: Any) -> bool:
    return v is None or v == "" or v == [] or v == {}


def heading(level: int, anchor: str, label_html: str, marked: bool = False) -> str:
    """An item heading with its permanent anchor; the copyable link sits beside it,
    outside the heading, so search results and screen readers get the label alone."""
    level = min(max(level, 2), 6)
    mark = ' <span class="pia-mark" title="重要な変更の対象となる項目">※</span>' if marked else ""
    return (f'<div class="pia-hrow"><h{level} id="{anchor}" class="pia-h">{label_html}{mark}</h{level}>'
            f'<a class="pia-link" href="#{anchor}" title="この項目へのリンク" data-pagefind-ignore="all">'
            f'<span class="pia-sr">この項目へのリンク</span><span aria-hidden="true">#</span></a></div>\n')


def uncertain(v: Uncertain) -> str:
    """An item the importer could not read: said so, with what the source showed — never a guess."""
    reason = f'</p><p class="pia-uncertain-why">理由: {escape(v.reason)}' if v.reason else ""
    source = (f'<p class="pia-uncertain-src">元の文書の記載:</p><blockquote>{escape(v.source)}</blockquote>'
              if v.source else "")
    return (f'<div class="pia-uncertain" role="note"><p><strong>原文から読み取れませんでした</strong>{reason}</p>'
            f'{source}</div>')


def _is_table_group(item: Item) -> bool:
    """A group of plain rows (別添2, 変更箇所一覧): shown as a table, a row per element."""
    return item.kind == "group" and not item.name_key and all(not c.is_container for c in item.items)


def _box(on: bool, text_html: str) -> str:
    return (f'<li class="{"is-on" if on else "is-off"}"><span aria-hidden="true">{"☑" if on else "☐"}</span> {text_html}'
            f'{"<span class=pia-sr>(チェックあり)</span>" if on else ""}</li>')


class AssessmentPage:
    def __init__(self, a, data: dict, change_rows: list[dict] | None = None):
        self.a, self.form, self.data = a, a.form, data
        self.change_rows = change_rows
        self.ids: set[str] = set()  # anchors written so far (history rows link only to these)
        # the form's document-level keys (様式, 様式の版, 終了日, 取込メモ, …) are piasite's own, not
        # printed on the form: the summary shows them, or the collapsed notes
        self.hidden = {i.key for i in self.form.document_items}
        self.missing = {str(v) for _, v in self.form.values(data, "import_missing")}
        self.changes_key = self.form.top_key("changes")  # the 別添2 table, whose rows history may replace
        self.change_item_key = self.form.role_key("change_item") if self.form.has_role("change_item") else None
        # 様式の版: the document is printed with the labels of its version of the form
        self.version = self.form.value(data, "form_version") if self.form.has_role("form_version") else None

    def lab(self, item: Item) -> str:
        return item.label_for(self.version if isinstance(self.version, str) else None)

    # -- values -----------------------------------------------------------
    def value(self, item: Item, v: Any) -> str:
        if isinstance(v, Uncertain):
            return uncertain(v)
        if _empty(v):
            return EMPTY
        k = item.kind
        if k == "choice":
            return self.choice(item, v)
        if k == "multi":
            return self.multi(item, v)
        if k == "flag":
            box = "☑" if v is True else "☐"
            return f'<p class="pia-flag"><span aria-hidden="true">{box}</span> {escape(item.label)}' \
                   f'<span class="pia-sr">({"チェックあり" if v is True else "チェックなし"})</span></p>'
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
                out.append(f'<li class="{"is-on" if on else "is-off"}"><span aria-hidden="true">{"●" if on else "○"}</span> '
                           f'{i}) {escape(c)}{"<span class=pia-sr>(選択)</span>" if on else ""}</li>')
            out.append("</ul>")
        return "".join(out)

    def multi(self, item: Item, v: Any) -> str:
        picked: dict[str, tuple[str, str | None]] = {}  # option → (as written, qualifier)
        extra: list[str] = []
        for entry in v if isinstance(v, list) else [v]:
            text, qual = next(iter(entry.items())) if isinstance(entry, dict) and entry else (entry, None)
            text, qual = str(text), (None if _empty(qual) else str(qual))
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
    def children(self, container: Item, value: Any, path: tuple, level: int) -> str:
        value = value if isinstance(value, dict) else {}
        out = []
        for child in container.items:
            if not path and child.key in self.hidden:
                continue
            out.append(self.item(child, value.get(child.key), path + (child.key,), level))
        return "".join(out)

    def item(self, item: Item, v: Any, path: tuple, level: int) -> str:
        anchor = self.form.anchor(path)
        self.ids.add(anchor)
        marked = item.mark and item.display_label != item.label
        if _is_table_group(item):
            return self.table(item, v, path, level)
        missing = bool(self.missing) and _empty(v) and self.form.label_path(path, self.data) in self.missing
        if item.kind == "section":
            inner = MISSING if missing else self.children(item, v, path, level + 1)
            return (f'<section class="pia-sec">{heading(level, anchor, escape(self.lab(item)), marked)}'
                    f'{inner}</section>\n')
        if item.kind == "group":
            elems = v if isinstance(v, list) else []
            own = not path[:-1] or item.label[:1].isdigit() or item.label[:1] in "ⅠⅡⅢⅣⅤ("
            out = [f'<section class="pia-group">']
            sub = level
            if own:
                out.append(heading(level, anchor, escape(self.lab(item)), marked))
                sub = level + 1
            else:
                out.append(f'<span id="{anchor}"></span>')
            if not elems:
                out.append(MISSING if missing else EMPTY)
            for i, elem in enumerate(elems):
                epath = path + (i,)
                label = escape(plain(item.element_label(i, elem)))
                name = elem.get(item.name_key) if isinstance(elem, dict) and item.name_key else None
                if name and "{name}" not in (item.element or ""):  # システム3 → システム3 中間サーバー
                    label += f'<span class="pia-elname">{escape(plain(str(name)))}</span>'
                self.ids.add(self.form.anchor(epath))
                out.append(f'<section class="pia-elem">{heading(sub, self.form.anchor(epath), label)}'
                           f'{self.children(item, elem, epath, sub + 1)}</section>\n')
            out.append("</section>\n")
            return "".join(out)
        label = f"{item.parent_label} {self.lab(item)}" if item.parent_label else self.lab(item)
        return (f'<div class="pia-item">{heading(level, anchor, escape(label), marked)}'
                f'<div class="pia-val">{MISSING if missing else self.value(item, v)}</div></div>\n')

    def table(self, item: Item, v: Any, path: tuple, level: int) -> str:
        rows = self.change_rows if (item.key == self.changes_key and not path[:-1] and self.change_rows is not None) else v
        rows = rows if isinstance(rows, list) else []
        out = [f'<section class="pia-sec">{heading(level, self.form.anchor(path), escape(self.lab(item)))}']
        if not rows:
            out.append((MISSING if self.missing and self.form.label_path(path, self.data) in self.missing else EMPTY)
                       + "</section>\n")
            return "".join(out)
        cols = [c for c in item.items if any(isinstance(r, dict) and not _empty(r.get(c.key)) for r in rows)]
        out.append('<div class="pia-table-wrap"><table class="pia-table"><thead><tr>')
        out.append("".join(f'<th scope="col">{escape(self.lab(c))}</th>' for c in cols))
        out.append("</tr></thead><tbody>")
        for i, r in enumerate(rows):
            r = r if isinstance(r, dict) else {}
            out.append(f'<tr id="{self.form.anchor(path + (i,))}">')
            for c in cols:
                val = r.get(c.key)
                if _empty(val):
                    cell = ""
                elif c.kind == "date":
                    cell = escape(self.date(val))
                elif c.key == self.change_item_key and r.get("anchor") in self.ids:  # rows from history name the changed item
                    cell = f'<a href="#{escape(str(r["anchor"]))}">{escape(str(val))}</a>'
                elif c.kind in ("text", "ref"):
                    cell = to_html(str(val))
                else:
                    cell = escape(str(val))
                out.append(f"<td>{cell}</td>")
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
        out = [f'<details class="pia-notes" data-pagefind-ignore="all"><summary>{escape(item.label)}'
               f'(取り込み時の記録。職員向け)</summary><table class="pia-table"><thead><tr>']
        out.append("".join(f'<th scope="col">{escape(c.label)}</th>' for c in item.items))
        out.append("</tr></thead><tbody>")
        for r in rows:
            r = r if isinstance(r, dict) else {}
            out.append("<tr>" + "".join(f"<td>{escape(plain(r.get(c.key, '')))}</td>" for c in item.items) + "</tr>")
        out.append("</tbody></table></details>\n")
        return "".join(out)
