"""The fidelity report printed after every import: how much of the source
reached the content file, what the importer marked !要確認 at the item, and
what was left in 取込メモ.

The headline counts what a person counts: of the values the source prints (every item the
reading gave a value, and every text of the source it could place in no item), those placed in
their item and plausible there (checks/plausibility.py; an implausible one is !要確認 and not
counted). It says 100 % only when every one of them is."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from piasite.checks.plausibility import doubts, is_label, labels_in, printed_by_form
from piasite.forms.values import value_at
from piasite.importer.changes import COLUMNS
from piasite.model.reader import Uncertain

_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")


@dataclass
class Fidelity:
    name: str
    form: str
    valued: int = 0
    filled: int = 0
    missing: list[str] = field(default_factory=list)
    systems: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    itaku: list[tuple[str, str]] = field(default_factory=list)
    recipients: tuple[int, int] = (0, 0)
    changes: dict = field(default_factory=dict)
    notes: int = 0
    lines: int = 0
    pictured: tuple[int, int] = (0, 0)  # (pages of a scan with an OCR layer, pages)
    unified: int = 0  # radicals a PDF's fonts wrote for kanji, read as the kanji (glyphs.py)
    html_tags: int = 0
    has_changes: bool = True  # an assessment with its own change log (not a 変更箇所一覧)
    exact: int = 0  # items as printed in the source
    altered: int = 0  # placed, but not as printed (a near option, numbers or option lists removed…)
    uncertain: int = 0  # the item holds !要確認 (compared with the source: not read for certain)
    unread: int = 0  # the source had something, the item has nothing
    marked: list[str] = field(default_factory=list)  # every !要確認 of the document: "label (N 行目): reason"
    unplaced: list[str] = field(default_factory=list)  # source texts placed in no item: "N 行目「…」"
    unplaced_values: int = 0  # the values they print: one a line, or one for each item label in it
    empty: int = 0  # items of blocks the document says are not used (委託しない, 接続しない…)
    missing_sections: list[str] = field(default_factory=list)  # absent from the source

    @property
    def coverage(self) -> float:
        """Per cent, rounded down (99.96 % is not 100.0 %); nothing to take: 100."""
        return math.floor(1000 * self.filled / self.valued) / 10 if self.valued else 100.0


def _scalars(v, kind: type = str):
    """Every value of `kind` (str; int: counts and numbers, never a flag) in a document's data."""
    if isinstance(v, kind) and not isinstance(v, bool):
        yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from _scalars(x, kind)
    elif isinstance(v, list):
        for x in v:
            yield from _scalars(x, kind)


def marked(v, path: tuple = ()):
    """(path, Uncertain) for every !要確認 value."""
    if isinstance(v, Uncertain):
        yield path, v
    elif isinstance(v, dict):
        for k, x in v.items():
            yield from marked(x, path + (k,))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from marked(x, path + (i,))


def _names(form, data, role: str) -> list[str]:
    return [str(v) for _, v in form.values(data, role)] if form.has_role(role) else []


def measure(name: str, imported) -> Fidelity:
    data, form = imported.data, imported.form
    f = Fidelity(name, form.name)
    valued = imported.stats.get("valued", {})
    f.valued = len(valued)
    for path in valued:
        v = value_at(data, path)
        if isinstance(v, Uncertain):
            continue  # neither taken nor missing: the item says it could not be read
        if v in (None, "", [], {}):
            f.missing.append(form.short_label(path, data))
        else:
            f.filled += 1
    f.systems = _names(form, data, "system_name")
    f.files = _names(form, data, "file_name")
    if form.has_role("entrustment"):
        for epath, _ in form.values(data, "entrustment"):
            f.itaku.append(
                (
                    form.value(data, "entrustment_name", within=epath) or "",
                    form.value(data, "contractor", within=epath) or "",
                )
            )
    f.recipients = (len(list(form.values(data, "provision"))), len(list(form.values(data, "transfer"))))
    f.changes = dict(imported.stats.get("changes", {}))
    notes_key = form.role_key("import_notes") if form.has_role("import_notes") else None
    f.notes = len(data.get(notes_key) or []) if notes_key else 0
    f.lines = imported.stats.get("lines", 0)
    f.unified = imported.stats.get("unified", 0)
    f.pictured = imported.stats.get("pictured", (0, 0))
    f.html_tags = sum(len(_TAG.findall(s)) for s in _scalars({k: v for k, v in data.items() if k != notes_key}))
    uncertain = list(marked({k: v for k, v in data.items() if k != notes_key}))
    f.marked = [
        (f"{form.short_label(p, data)} ({u.line} 行目)" if u.line else form.short_label(p, data))
        + (f": {u.reason}" if u.reason else "")
        for p, u in uncertain
    ]
    # a line an item was read from is counted with that item, unless the line was a page flattened
    # into one stream: what is left of it in 取込メモ is text of items no value was read for
    read_lines = set(valued.values()) - set(imported.stats.get("flat_lines", ()))
    # the change log's rows a flattened table left unread are counted by their cells (changes.py)
    changes = imported.stats.get("changes", {})
    read_lines |= set(changes.get("unread_lines", ()))
    unplaced = _unplaced(form, data, notes_key, read_lines)
    f.unplaced = [shown for shown, _ in unplaced]
    f.unplaced_values = sum(n for _, n in unplaced) + changes.get("unread_cells", 0)
    # an unsettled value whose source prints other items' labels (a row of labels and values read as
    # one): those items' values are in it, placed nowhere
    # (not a change log's row: its 項目 names the form's labels, its cells are counted one by one)
    log = form.role_key("changes") if form.has_role("changes") else None
    f.unplaced_values += sum(labels_in(form, u.source) for p, u in uncertain if u.source and p[:1] != (log,))
    f.has_changes = form.has_role("changes")
    c = imported.stats.get("classified")
    if c is not None:
        f.exact, f.altered, f.uncertain, f.unread, f.empty = (
            c.count(k) for k in ("exact", "altered", "uncertain", "unread", "empty")
        )
        f.missing_sections = [form.short_label(p, data) for p in c.missing]
        f.missing = [form.short_label(p, data) for p, k in c.by_path.items() if k == "unread"]
        # an item printed empty in a block the document says is unused (`[ ]` under 委託しない)
        # has no value to take: the headline counts what the source gives a value
        # !要確認 the reading did not leave at a read item (an attachment's name no line gives)
        f.uncertain += sum(1 for p, _ in uncertain if p not in c.by_path and p[:-1] not in c.by_path)
        # a placed value the rules still doubt is not counted as placed (the import marks them all)
        doubted = {d.path[: len(d.path) - isinstance(d.path[-1], int)] for d in doubts(form, data)}
        late = sum(1 for p, k in c.by_path.items() if k in ("exact", "altered") and p in doubted)
        # a change log read from a flattened stream: its cells read for certain count as placed, as
        # its !要確認 cells and unread rows count as not (a table of lines, every row read, stays
        # outside the headline)
        f.exact += _change_cells(form, data) if changes.get("flattened") else 0
        f.valued = f.exact + f.altered + f.uncertain + f.unread + f.unplaced_values
        f.filled = f.exact + f.altered - late
    return f


_FORM_TEXT = re.compile(r"^(?:<選択肢>|[1-9]\))")  # the form's own option list (<選択肢> 1) … 2) …)


def _unplaced(form, data: dict, notes_key: str | None, read_lines: set[int]) -> list[tuple[str, int]]:
    """The source texts 取込メモ keeps that no item holds, with the values each prints: each line whose
    cells, the form's labels and option lists left out, are a value of no item (a line an item was read
    from is counted with that item; notes of line 0 name what the source lacks). A line printing the
    labels of several items (a page flattened into one line) gives a value for each."""
    if not notes_key or not form.has_role("import_note_line") or not form.has_role("import_note_text"):
        return []
    line_key, text_key = form.role_key("import_note_line"), form.role_key("import_note_text")
    texts = [_flat(s) for s in _scalars({k: v for k, v in data.items() if k != notes_key})]
    texts += [_flat(u.source) for _, u in marked(data) if u.source]
    texts += [str(v) for v in _scalars(data, int)]
    whole, held = set(texts), "\0".join(texts)

    def placed(cell: str) -> bool:
        # a short text (a number, 1 or 2 characters) only as a whole value; a longer one may be a
        # line of a value printed over several
        c = _flat(cell)
        return c in whole or (len(c) >= 4 and c in held)

    out = []
    for row in data.get(notes_key) or []:
        if not isinstance(row, dict):
            continue
        line, text = row.get(line_key), str(row.get(text_key) or "")
        if not isinstance(line, int) or line <= 0 or line in read_lines:
            continue
        cells = [c for c in re.split(r"\t|[ \u3000]{2,}", text) if c.strip()]
        values = [
            c
            for c in cells
            if re.search(r"\w", c)
            and not _FORM_TEXT.match(c.strip())
            and not is_label(form, c)
            and not printed_by_form(form, c)
        ]
        if not all(placed(c) for c in values):
            shown = text.strip()
            n = max(1, labels_in(form, text))
            many = f" (項目名 {n} 個)" if n > 1 else ""
            out.append((f"{line} 行目「{shown[:40]}{'…' if len(shown) > 40 else ''}」{many}", n))
    return out


def _change_cells(form, data: dict) -> int:
    """The printed cells of the change log's rows holding a value read for certain."""
    if not form.has_role("changes"):
        return 0
    keys = [form.role_key(r) for r in COLUMNS if form.has_role(r)]
    rows = data.get(form.role_key("changes")) or []
    return sum(
        1
        for row in rows
        if isinstance(row, dict)
        for k in keys
        if row.get(k) not in (None, "", [], {}) and not isinstance(row.get(k), Uncertain)
    )


def _flat(s: str) -> str:
    return re.sub(r"[\s・]", "", str(s))


def render(items: list[Fidelity]) -> str:
    out = []
    for f in items:
        c = f.changes
        out.append(f"■ {f.name} ({f.form})")
        if f.pictured[0]:
            out.append(
                f"  紙を読み取った画像の PDF です ({f.pictured[1]} ページのうち {f.pictured[0]} ページ)。文字は文字認識(OCR)の"
                "ものなので、読み取った値はすべて !要確認 にしました。PDF の画像と見比べて確かめてください"
            )
        if f.valued:
            out.append(
                f"  項目: 原文に値のある {f.valued} 項目のうち {f.filled} 項目をその項目の値として取り込み "
                f"({f.coverage:.1f}%)"
            )
            if f.exact or f.altered or f.uncertain or f.unread or f.empty or f.unplaced:
                out.append(
                    f"    原文どおり {f.exact} / 変えて取込 {f.altered} / 要確認 {f.uncertain} / 読めず {f.unread} / "
                    f"置き場所不明 {f.unplaced_values} / 使わない欄で空 {f.empty} (原文と比べて)"
                )
            for m in f.missing[:20]:
                out.append(f"    未取込: {m}")
            for m in f.unplaced[:20]:
                out.append(f"    置き場所不明 (取込メモ): {m}")
            if len(f.unplaced) > 20:
                out.append(f"    … ほか {len(f.unplaced) - 20} 行")
        elif f.has_changes:
            out.append("  項目: 原文から項目の値として取り込めたものはありません (取込メモを見てください)")
        out.append(f"  要確認 (!要確認 の項目): {len(f.marked)} 件")
        for m in f.marked[:20]:
            out.append(f"    要確認: {m}")
        if len(f.marked) > 20:
            out.append(f"    … ほか {len(f.marked) - 20} 件")
        if f.missing_sections:
            out.append(
                f"  原文にない箇所: {len(f.missing_sections)} 件 ({'、'.join(f.missing_sections[:12])}"
                f"{' …' if len(f.missing_sections) > 12 else ''})"
            )
        out.append(f"  システム: {len(f.systems)} 件 ({'、'.join(f.systems)})")
        if f.files:
            out.append(f"  特定個人情報ファイル: {len(f.files)} 件 ({'、'.join(f.files)})")
        out.append(f"  委託事項: {len(f.itaku)} 件 (委託先: {'、'.join(sorted({t for _, t in f.itaku if t}))})")
        if f.has_changes:
            out.append(f"  提供先: {f.recipients[0]} 件 / 移転先: {f.recipients[1]} 件")
            out.append(
                f"  変更箇所: 原文 {c.get('physical', 0)} 行 → {c.get('rows', 0)} 件 "
                f"(ページをまたぐ続きの行 {c.get('merged', 0)} 行を結合"
                + (f"、前の行の続きかもしれない行 {c['unsure']} 行は別の件として要確認)" if c.get("unsure") else ")")
            )
        else:
            out.append(
                f"  変更箇所: 原文のページ参照 {c.get('paged', 0)} 件とページのない区切り {c.get('unpaged', 0)} 件 → "
                f"{c.get('rows', 0)} 件"
            )
        out.append(f"  取込メモ: {f.notes} 件 (原文 {f.lines} 行)")
        out.append(f"  HTML タグの残り: {f.html_tags} 個")
        if f.unified:
            out.append(
                f"  文字の直し: PDF のフォントが部首の文字 (⼈ など) として書いていた {f.unified:,} 字を、"
                "画面に見えるとおりの漢字 (人 など) で取り込みました"
            )
    return "\n".join(out)
