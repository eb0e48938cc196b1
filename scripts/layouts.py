"""Rewrite an assessment's text into the text layouts real PDF extractors produce.

Written as acceptance material by a second author (not the importer's): each function takes a
canonical text — the official layout (`piasite export --format text`, label TAB value) or a text in
the seeds' style — and the form, and returns the same document as one extractor profile prints it.
The rewriting works on the layout (cover cells, headings, rows of label cells and value cells, page
breaks), found through the form's own labels; never on one document's line numbers.

Profiles imitated (see /work/shared/forms-research/examples.md §3 and tests/fixtures/public/):

- flattened            every page joined into one whitespace-separated stream (expydoc K1, §3.1)
- labels-first         the labels of a merged label column first, then their values (K1, Z2 §3.3)
- label-inside         a tall value cell's label printed mid-value, vertically centred (seed 000:113)
- page-furniture       page numbers (`2`, `- 2 -`, `2 / 9`) and running footers every ~50 lines,
                       one after the cover and one after the 項目一覧 (Z1, Z2, Z7 §3.3)
- cover-out-of-order   評価書番号/評価書名 labels on one line, their values on the next; 公表日's
                       value after the 宣言; `公表日 <機関名>` broken pairs (Z6 §3.4, K13 §3.2)
- combined-2-3-4       labels-first, label-inside and page furniture together
- combined-1-4         page furniture, then every page flattened
- spaced               the docsplayer copies (Z7, Z8, 重点 of 大崎市/桑名市, §3.5): one PDF line per text
                       line, a space between every character (a run of ASCII letters and digits stays
                       whole: `平 成 26 年 4 月`), circled numbers degraded to digits (`1 事 務 の 名 称`),
                       the stamp's opening bracket lost (`平 成 26 年 4 月 様 式 4 ]`)

Layouts 2–7 print one PDF line per text line (K2 §3.2): a label on its own line, the value under it,
hard-wrapped at the value cell's width (no space inserted), choices as `[ value ]` then `<選択肢>` and
the options, checkbox rows wrapped between boxes, no blank lines.

    python3 scripts/layouts.py LAYOUT FILE.txt [--seed N]        # FILE: a text or a content YAML
"""

from __future__ import annotations

import argparse
import html
import random
import re
import sys
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from piasite.commands.export import export_text  # noqa: E402
from piasite.forms.form import Form  # noqa: E402
from piasite.forms.items import Item  # noqa: E402
from piasite.forms.registry import form_for  # noqa: E402
from piasite.importer import import_text  # noqa: E402
from piasite.model.reader import read  # noqa: E402

CELL = 38  # characters of a value cell (examples.md §3.2: `…支払管理、統` / `計処理等を行う。`)
COVER_CELL = 45  # the cover's cells are wider
PAGE = (45, 56)  # printed lines per page (a 基礎 page holds about 50)

_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_STAMP = re.compile(r"^[\[［【〔]?\s*(?:平成|令和)\S*年\S*月\s*様式\s*\d\s*[\]］】〕]?$")
_CHOICE = re.compile(r"^\s*[\[［]([^\]］]*)[\]］]\s*(?:\t|\s)*(<選択肢>|＜選択肢＞|&lt;選択肢&gt;)\s*(.*)$")
_BOX = re.compile(r"(?=[\[［]\s*[○ ]?\s*[\]］]\s)")
_OPTION = re.compile(r"(?=(?<!\()\b\d+\) )")


def norm(s: str) -> str:
    """A label cell as the dictionary knows it: no markup, ※, spaces; NFKC."""
    s = unicodedata.normalize("NFKC", _TAG.sub("", s))
    s = re.sub(r"^[#*\-\s]+|[*]+$", "", s)
    return re.sub(r"[\s※]", "", s)


# -- the layout of a document --------------------------------------------------------------------


@dataclass
class Block:
    kind: str  # title, cover, stamp, contents, heading, element, row, printed, table
    labels: list[str] = field(default_factory=list)  # label cells (or the line of a heading)
    values: list[str] = field(default_factory=list)  # value lines as the canonical text gives them
    item: Item | None = None
    role: str | None = None  # for cover cells: the form's role of the item (number, title …)


class Dictionary:
    """The form's labels: which printed label cell is which item."""

    def __init__(self, form: Form):
        self.form = form
        self.items: dict[str, list[Item]] = {}
        self.elements: list[re.Pattern] = []
        self.printed: set[str] = set()
        for it in form.walk():
            for lab in it.all_labels:
                self.items.setdefault(norm(lab), []).append(it)
            if it.parent_label:  # 再委託 | ⑦再委託の有無: the row group's own label cell
                self.items.setdefault(norm(it.parent_label), [])
            if it.printed:
                self.printed.add(norm(it.printed))
            # an element's numbered heading (システム3, 委託事項1); `({n}){name}` is printed in a row
            if it.kind == "group" and it.element and "{n}" in it.element and "{name}" not in it.element:
                pat = re.escape(norm(it.element)).replace(r"\{n\}", r"\d+")
                if pat != r"\d+":
                    self.elements.append(re.compile(f"^{pat}$"))
        self.cover = [i for i in form.items if not i.is_container]
        first = next((k for k, i in enumerate(form.items) if i.is_container), len(form.items))
        self.cover = form.items[:first]
        self.parts = {norm(lab) for i in form.items[first:] for lab in i.all_labels}
        self.cover_labels = {norm(lab): i for i in self.cover for lab in i.all_labels}
        roles = {}
        for r in ("number", "title", "organisation", "published", "approved"):
            if form.has_role(r):
                roles[form.role_key(r)] = r
        self.cover_roles = roles
        self.changes = None
        if form.has_role("changes"):
            ch = form.role_item("changes")
            self.changes = {norm(lab) for lab in ch.all_labels}
        self.contents = norm(form.contents) if form.contents else None

    def lookup(self, cell: str) -> list[Item]:
        return self.items.get(norm(cell), [])

    def is_label(self, cell: str) -> bool:
        n = norm(cell)
        return bool(n) and (n in self.items or any(p.match(n) for p in self.elements))

    def is_row_group(self, cell: str) -> bool:
        return self.items.get(norm(cell)) == []

    def is_element(self, cell: str) -> bool:
        n = norm(cell)
        return n not in self.items and any(p.match(n) for p in self.elements)


def parse(text: str, form: Form) -> list[Block]:
    """The canonical text as blocks: the cover's cells, headings, rows (label cells + value lines)."""
    d = Dictionary(form)
    blocks: list[Block] = []
    lines = [l.rstrip() for l in text.replace("\r\n", "\n").split("\n")]
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines):
        blocks.append(Block("title", [lines[i].strip()]))
        i += 1
    in_cover, cur = True, None
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip() or re.fullmatch(r"[\s\-\t|]+", line):
            continue
        cells = line.split("\t")
        first = cells[0].strip()
        if in_cover:
            if _STAMP.match(first):
                blocks.append(Block("stamp", [first]))
                cur = None
                continue
            if d.contents and norm(first) == d.contents:
                entries: list[str] = []
                while i < len(lines) and (lines[i].strip() or not entries):
                    if lines[i].strip():
                        entries.append(lines[i].strip())
                    i += 1
                blocks.append(Block("contents", [first], entries))
                cur = None
                continue
            if norm(first) in d.parts:
                in_cover = False
            else:
                labs = [c for c in cells if norm(c) in d.cover_labels]
                if labs and len(labs) == len([c for c in cells if c.strip()]):  # a header row of cover labels
                    nxt = []
                    if len(labs) > 1 and i < len(lines):  # values on the next line, one per label
                        while i < len(lines) and not lines[i].strip():
                            i += 1
                        nxt = lines[i].split("\t") if i < len(lines) else []
                        i += 1
                    for k, lab in enumerate(labs):
                        it = d.cover_labels[norm(lab)]
                        b = Block("cover", [lab.strip()], [], it, d.cover_roles.get(it.key))
                        if len(labs) > 1 and k < len(nxt) and nxt[k].strip():
                            b.values.append(nxt[k].strip())
                        blocks.append(b)
                    cur = blocks[-1] if len(labs) == 1 else None
                    continue
                if norm(first) in d.cover_labels:
                    it = d.cover_labels[norm(first)]
                    cur = Block("cover", [first], [c for c in cells[1:] if c.strip()], it, d.cover_roles.get(it.key))
                    blocks.append(cur)
                    continue
                if cur is not None:
                    cur.values.append(line.strip())
                elif blocks and blocks[-1].kind == "cover":
                    blocks[-1].values.append(line.strip())
                continue
        if d.changes and norm(first) in d.changes:
            rows = []
            while i < len(lines):
                if lines[i].strip() and not re.fullmatch(r"[\s\-\t|]+", lines[i]):
                    rows.append(lines[i])
                i += 1
            blocks.append(Block("table", [first], rows))
            break
        if norm(line) in d.printed:
            blocks.append(Block("printed", [line.strip()]))
            cur = None
            continue
        n = 0
        while n < len(cells) and (not cells[n].strip() or d.is_label(cells[n])):
            n += 1
        if n == len(cells) and not any(c.strip() for c in cells):
            continue
        labels = [c.strip() for c in cells[:n]]
        named = [c for c in labels if c]
        if not named:
            # a continuation line: the value goes on
            if cur is not None:
                cur.values.append("\t".join(c for c in cells if c.strip()))
            continue
        values = ["\t".join(cells[n:])] if n < len(cells) and "\t".join(cells[n:]).strip() else []
        last = named[-1]
        items = d.lookup(last)
        if d.is_element(last) or (items and any(it.kind == "group" and it.element for it in items) and values):
            cur = Block("element", labels, values)
            blocks.append(cur)
            continue
        containers = [it for it in items if it.is_container]
        leaves = [it for it in items if not it.is_container]
        if containers and not (leaves and values and not values[0].lstrip().startswith("[")):
            blocks.append(Block("heading", labels, values, containers[0]))
            cur = None
            continue
        cur = Block("row", labels, values, leaves[0] if leaves else None)
        blocks.append(cur)
    return blocks


# -- printing one PDF line per text line -----------------------------------------------------------


def wrap(s: str, width: int = CELL) -> list[str]:
    """Hard-wrap at the cell width, as a PDF's text layer does (no space at the break)."""
    s = s.strip()
    if not s:
        return []
    return [s[k : k + width] for k in range(0, len(s), width)]


def _pack(tokens: list[str], width: int, sep: str = " ") -> list[str]:
    out: list[str] = []
    for t in tokens:
        t = t.strip()
        if not t:
            continue
        if out and len(out[-1]) + len(sep) + len(t) <= width:
            out[-1] += sep + t
        elif len(t) > width:
            out += wrap(t, width)
        else:
            out.append(t)
    return out


def printed(v: str) -> list[str]:
    """What a PDF shows of a cell the seeds' extraction wrote as HTML: its paragraphs as lines, boxes as
    [○] / [ ] (a bare radio button is that profile's ticked box: template-inventory §B18), no markup."""
    if "<" not in v and "&" not in v:
        return [v]
    v = re.sub(r"<input[^>]*(?:checked|type=\"radio\")[^>]*>", "○", v)
    v = re.sub(r"<input[^>]*>", " ", v)
    v = re.sub(r"\[\s*○\s*\]", "[○]", v)
    v = re.sub(r"(?<![\[○])○(?=\s)", "[○]", v)
    v = re.sub(r"<li[^>]*>", "\n- ", v)
    v = re.sub(r"<br\s*/?>|</?(?:p|div|tr|ul|ol|table|td|th|h\d)(?:\s[^>]*)?>", "\n", v)
    v = html.unescape(_TAG.sub("", v))
    return [l.strip() for l in v.split("\n") if l.strip()]


def value_lines(values: list[str], width: int = CELL) -> list[str]:
    """A value cell's lines as printed: a choice's bracket, options and checkbox rows wrapped between
    entries, text hard-wrapped."""
    out: list[str] = []
    for v in [p for raw in values for p in printed(raw.replace("\t", " ").strip())]:
        v = v.strip()
        if not v:
            continue
        m = _CHOICE.match(v)
        if m:
            shown = m.group(1).strip()
            out.append(f"[ {shown} ]" if shown else "[ ]")
            rest = m.group(3)
            count = re.search(r"\s*\(\s*(\d*)\s*\)\s*件\s*$", rest)
            if count:  # the count is a cell of its own, right of the choice
                rest = rest[: count.start()]
            out.append(m.group(2))
            out += _pack(_OPTION.split(rest), width)
            if count:  # the count's cell, right of the options
                out[-1] += f" ( {count.group(1)} ) 件" if count.group(1) else " (  ) 件"
            continue
        if re.match(r"^[\[［]\s*[○ ]?\s*[\]］]\s", v):
            out += _pack(_BOX.split(v), width)
            continue
        out += wrap(v, width)
    return out


def label_lines(b: Block) -> list[str]:
    """A row's label cells: a row group's cell (再委託, ⑦使用の主体) sits on the baseline of its first
    row's label, so both print on one line."""
    named = [c for c in b.labels if c]
    return [" ".join(named)] if named else []


def is_tall_text(b: Block) -> bool:
    return b.kind == "row" and bool(b.values) and not _CHOICE.match(b.values[0].replace("\t", " ").strip())


def plain(b: Block) -> list[str]:
    """A block as printed in the K2 profile: labels on their lines, then the value's lines."""
    if b.kind == "title":
        return list(b.labels)
    if b.kind == "cover":
        return label_lines(b) + [w for v in b.values for p in printed(v) for w in wrap(p, COVER_CELL)]
    if b.kind in ("stamp", "printed"):
        return [w for v in b.labels for w in wrap(v, COVER_CELL)]
    if b.kind == "contents":
        return list(b.labels) + list(b.values)
    if b.kind == "heading":
        return [" ".join([*label_lines(b), *(v.replace("\t", " ").strip() for v in b.values)]).strip()]
    if b.kind == "table":
        return list(b.labels) + list(b.values)
    return label_lines(b) + value_lines(b.values)


def groups(blocks: list[Block], budget: int = 50) -> list[list[int]]:
    """Runs of consecutive rows under one heading: the rows of one merged label column (cut where a
    page would end)."""
    out: list[list[int]] = []
    run: list[int] = []
    size = 0
    for k, b in enumerate(blocks):
        if b.kind == "row" and b.item is not None and b.item.parent is not None:
            n = len(plain(b))
            prev = blocks[run[-1]].item if run else None
            if run and (size + n > budget or prev is None or prev.parent is not b.item.parent):
                out.append(run)
                run, size = [], 0
            run.append(k)
            size += n
        else:
            if run:
                out.append(run)
            run, size = [], 0
    if run:
        out.append(run)
    return out


def labels_first_lines(bs: list[Block]) -> list[str]:
    return [l for b in bs for l in label_lines(b)] + [l for b in bs for l in value_lines(b.values)]


def label_inside_lines(b: Block) -> list[str]:
    vals = value_lines(b.values)
    if not is_tall_text(b) or len(vals) < 2:
        return plain(b)
    k = len(vals) // 2
    return vals[:k] + label_lines(b) + vals[k:]


def render(blocks: list[Block], row: Callable[[Block], list[str]] = plain, grouped=None) -> list[str]:
    """Every block printed; `grouped(run_blocks) -> lines or None` may print a run of rows."""
    out: list[str] = []
    runs = {r[0]: r for r in groups(blocks)} if grouped else {}
    k = 0
    while k < len(blocks):
        if k in runs:
            r = runs[k]
            lines = grouped([blocks[j] for j in r])
            if lines is not None:
                out += lines
                k = r[-1] + 1
                continue
        b = blocks[k]
        out += row(b) if b.kind == "row" else plain(b)
        k += 1
    return out


# -- pages -----------------------------------------------------------------------------------------


def _rng(text: str, seed: int, layout: str) -> random.Random:
    return random.Random(f"{seed}:{layout}:{zlib.crc32(text.encode('utf-8'))}")


def _cover_end(blocks: list[Block]) -> tuple[int, int]:
    """(blocks of the cover page, blocks up to the end of the 項目一覧)."""
    cover = next((k for k, b in enumerate(blocks) if b.kind not in ("title", "cover", "stamp")), len(blocks))
    contents = next((k + 1 for k, b in enumerate(blocks) if b.kind == "contents"), cover)
    return cover, max(cover, contents)


def paginate(lines: list[str], rng: random.Random, fixed: tuple[int, ...] | list[int] = ()) -> list[list[str]]:
    """Pages of ~50 lines; `fixed` are line indexes where a page must end (after the cover …)."""
    pages: list[list[str]] = []
    start = 0
    ends = sorted(set(e for e in fixed if 0 < e < len(lines)))
    while start < len(lines):
        end = start + rng.randint(*PAGE)
        nxt = next((e for e in ends if e > start), None)
        if nxt is not None and nxt <= end:
            end = nxt
        pages.append(lines[start:end])
        start = end
    return pages


def _cover_value(blocks: list[Block], role: str) -> str:
    for b in blocks:
        if b.kind == "cover" and b.role == role and b.values:
            return "".join(b.values)
    return ""


def _jimu(blocks: list[Block], form: Form) -> str:
    if form.has_role("jimu_name"):
        it = form.role_item("jimu_name")
        for b in blocks:
            if b.kind in ("row", "element") and b.item is it and b.values:
                return b.values[0].replace("\t", " ").strip()
    title = _cover_value(blocks, "title")
    return re.sub(r"\s*\S*評価書.*$", "", title) or "評価対象の事務"


def footer_for(blocks: list[Block], form: Form, style: int) -> Callable[[int, int], list[str]]:
    """The running footer of the document's pages: the 事務, the form's name, the page number and the
    department (Z1 `1 / 72` + department, Z2 `事務` / `全項目評価書(案)` / `1` / department, `- 2 -`)."""
    jimu = _jimu(blocks, form)
    m = re.search(r"[(（]([^()（）]+)[)）]", form.title or "")
    kind = m.group(1) if m else (form.name or "")
    org = re.sub(r"(長|知事|大臣)$", "", _cover_value(blocks, "organisation")) or "評価実施機関"
    dept = f"{org}総務部総務課"

    def footer(p: int, total: int) -> list[str]:
        if style == 0:
            return [jimu, kind, str(p), dept]
        if style == 1:
            return [jimu, f"{p} / {total}", dept]
        return [f"- {p} -", f"{jimu} {kind}"]

    return footer


def furnish(lines: list[str], blocks: list[Block], form: Form, rng: random.Random, ends: list[int]) -> list[list[str]]:
    pages = paginate(lines, rng, ends)
    footer = footer_for(blocks, form, rng.randrange(3))
    return [p + footer(n, len(pages)) for n, p in enumerate(pages, 1)]


def _page_ends(blocks: list[Block], row=plain, grouped=None) -> list[int]:
    """Line indexes of the cover's end and the 項目一覧's end in the printed lines."""
    cover, contents = _cover_end(blocks)
    return [len(render(blocks[:cover], row, grouped)), len(render(blocks[:contents], row, grouped))]


# -- the layouts -----------------------------------------------------------------------------------


def canonical(text: str, form: Form, seed: int = 0) -> str:
    """The layout parsed and printed K2-style (one PDF line per text line), nothing moved."""
    return "\n".join(render(parse(text, form))) + "\n"


def flattened(text: str, form: Form, seed: int = 0) -> str:
    blocks = parse(text, form)
    pages = paginate(render(blocks), _rng(text, seed, "flattened"))
    return "\n".join(" ".join(l.replace("\t", " ") for l in p) for p in pages) + "\n"


def _labels_first(bs: list[Block]) -> list[str] | None:
    return labels_first_lines(bs) if len(bs) >= 2 else None


def labels_first(text: str, form: Form, seed: int = 0) -> str:
    return "\n".join(render(parse(text, form), grouped=_labels_first)) + "\n"


def label_inside(text: str, form: Form, seed: int = 0) -> str:
    return "\n".join(render(parse(text, form), row=label_inside_lines)) + "\n"


def page_furniture(text: str, form: Form, seed: int = 0) -> str:
    blocks = parse(text, form)
    rng = _rng(text, seed, "page-furniture")
    pages = furnish(render(blocks), blocks, form, rng, _page_ends(blocks))
    return "\n".join(l for p in pages for l in p) + "\n"


def cover_lines(blocks: list[Block]) -> list[str]:
    """The cover's cells in the order Z6 and the seeds' header rows print them."""
    cover = [b for b in blocks if b.kind == "cover"]
    by_role = {b.role: b for b in cover if b.role}
    num, title, org, pub = (by_role.get(r) for r in ("number", "title", "organisation", "published"))
    others = [b for b in cover if b.role not in ("number", "title", "organisation", "published")]
    out: list[str] = []
    if num and title:
        out.append(f"{label_lines(num)[0]} {label_lines(title)[0]}")
        tv = wrap(" ".join(title.values), COVER_CELL - 8)
        nv = " ".join(num.values)
        out.append(" ".join(x for x in (nv, tv[0] if tv else "") if x))
        out += tv[1:]
    else:
        for b in (num, title):
            if b:
                out += plain(b)
    for k, b in enumerate(others):
        out += plain(b)
        if k == 0 and pub and pub.values:  # 公表日's value printed after the 宣言
            out += pub.values
    if not others and pub and pub.values:
        out += pub.values
    if org:
        out += label_lines(org)
    if pub:
        out.append(" ".join([*label_lines(pub), *(org.values if org else [])]))
    elif org:
        out += org.values
    return out


def _with_cover(blocks: list[Block], body: list[str]) -> list[str]:
    head = [l for b in blocks if b.kind == "title" for l in plain(b)]
    return head + cover_lines(blocks) + body


def cover_out_of_order(text: str, form: Form, seed: int = 0) -> str:
    blocks = parse(text, form)
    rest = [b for b in blocks if b.kind not in ("title", "cover")]
    return "\n".join(_with_cover(blocks, render(rest))) + "\n"


def combined_234(text: str, form: Form, seed: int = 0) -> str:
    blocks = parse(text, form)
    rng = _rng(text, seed, "combined-2-3-4")
    chosen: dict[int, bool] = {}

    def grouped(bs: list[Block]) -> list[str] | None:
        key = id(bs[0])
        if key not in chosen:
            chosen[key] = len(bs) >= 2 and rng.random() < 0.5
        return labels_first_lines(bs) if chosen[key] else None

    lines = render(blocks, label_inside_lines, grouped)
    ends = _page_ends(blocks, label_inside_lines, grouped)
    pages = furnish(lines, blocks, form, rng, ends)
    return "\n".join(l for p in pages for l in p) + "\n"


def combined_14(text: str, form: Form, seed: int = 0) -> str:
    blocks = parse(text, form)
    rng = _rng(text, seed, "combined-1-4")
    pages = furnish(render(blocks), blocks, form, rng, _page_ends(blocks))
    return "\n".join(" ".join(l.replace("\t", " ") for l in p) for p in pages) + "\n"


_CIRCLED = {chr(0x2460 + i): str(i + 1) for i in range(20)}  # ①..⑳
_SPACED_TOKEN = re.compile(r"[A-Za-z0-9.,]+|\S")


def spaced(text: str, form: Form, seed: int = 0) -> str:
    """The canonical print as docsplayer copies it: every character its own token."""
    out = []
    for line in canonical(text, form, seed).splitlines():
        line = "".join(_CIRCLED.get(c, c) for c in line)
        if _STAMP.match(line.strip()):
            line = re.sub(r"^\s*[\[［【〔]", "", line)
        out.append(" ".join(_SPACED_TOKEN.findall(line)))
    return "\n".join(out) + "\n"


def as_printed(layout: str, value: object) -> object:
    """A true value as the layout's page shows it, where the layout destroys part of it for good:
    the spaced copies print ① as 1, so the best reading of `1 被 保 険 者` is 1被保険者."""
    if layout == "spaced" and isinstance(value, str):
        return "".join(_CIRCLED.get(c, c) for c in value)
    return value


LAYOUTS: dict[str, Callable[[str, Form, int], str]] = {
    "flattened": flattened,
    "labels-first": labels_first,
    "label-inside": label_inside,
    "page-furniture": page_furniture,
    "cover-out-of-order": cover_out_of_order,
    "combined-2-3-4": combined_234,
    "combined-1-4": combined_14,
    "spaced": spaced,
}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description="一つの評価書を、実際の抽出テキストの配置に書き換えます")
    ap.add_argument("layout", choices=[*LAYOUTS, "canonical"])
    ap.add_argument("file", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    if a.file.suffix in (".yaml", ".yml"):
        data = read(a.file).data
        found = form_for(data, None)
        if found is None:
            raise SystemExit(f"{a.file}: 様式が分かりません")
        form = found
        text = export_text(form, data)
    else:
        text = a.file.read_text(encoding="utf-8")
        form = import_text(text).form
    fn = canonical if a.layout == "canonical" else LAYOUTS[a.layout]
    sys.stdout.write(fn(text, form, a.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
