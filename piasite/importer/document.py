"""One extracted text → one content document: picks the form whose labels the
text carries, runs the body and change-log readers, then the evidence passes
(contradicting glyphs, counts, truncated cells) that fill 取込メモ."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..form import Form, form_names, load_form
from . import changelog
from .body import BodyParser, Notes, cells_of
from .text import norm, plain

NOTES_KEY = "取込メモ"
CHANGES_KEY = "変更箇所"


@dataclass
class Imported:
    form: Form
    data: dict
    stats: dict = field(default_factory=dict)


def detect_form(lines: list[str]) -> Form:
    """The form whose labels most lines of the text carry."""
    best, score = None, -1
    normed = [norm(c) for l in lines for c in cells_of(l)[:3] if c.strip()]
    rows = [[norm(c) for c in cells_of(l) if c.strip()] for l in lines]
    for name in form_names():
        f = load_form(name)
        labels = {norm(i.label) for i in f.walk()}
        s = sum(1 for n in normed if n in labels) + (50 if any(n == norm(f.title) for n in normed) else 0)
        # a table header row of one of the form's groups (変更日\t項目…) is strong evidence
        for g in (i for i in f.walk() if i.kind == "group"):
            heads = {norm(c.label) for c in g.items}
            s += 20 * sum(1 for r in rows if len(r) >= 3 and all(c in heads for c in r))
        if s > score:
            best, score = f, s
    return best


def import_text(text: str) -> Imported:
    raw_lines = text.split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    form = detect_form(raw_lines)
    numbered = list(enumerate(raw_lines, 1))
    if form.top(CHANGES_KEY) is None:  # a list of changes, not an assessment
        from . import henko
        return henko.import_lines(form, numbered)
    return _import_assessment(form, numbered)


def _import_assessment(form: Form, numbered: list[tuple[int, str]]) -> Imported:
    parser = BodyParser(form, skip_keys=(CHANGES_KEY,))
    changes = form.top(CHANGES_KEY)
    # where the change log starts: its heading, not the table-of-contents entry
    split = len(numbered)
    for k, (no, raw) in enumerate(numbered):
        cells = cells_of(raw)
        if len([c for c in cells if c.strip()]) == 1 and norm(cells[0]).startswith(norm(changes.label)):
            nxt = next((r for _, r in numbered[k + 1:] if r.strip()), "")
            if parser.part_of(cells_of(nxt)[0] if cells_of(nxt) else "") is None:
                split = k
                break
    parser.feed(numbered[:split])
    data = parser.finish()
    notes = parser.notes
    accounted = parser.accounted
    rows, cstats = changelog.parse(numbered[split:], changes, notes, accounted)
    if split < len(numbered):
        accounted[numbered[split][0]] = "layout"
    data[CHANGES_KEY] = rows
    _sibling_evidence(parser, data, notes)
    _attachment_evidence(form, data, rows, notes, parser.valued)
    _truncation_notes(parser, data, notes)
    for line, text, reason in parser.doubts:
        notes.add(line, text, reason)
    for path, (line, text) in parser.unread.items():
        if parser.get_value(path) in (None, [], ""):
            notes.add(line, text[:500], f"「{form.short_label(path, data)}」の値を読み取れませんでした")
    for no, raw in numbered:
        if no not in accounted:
            notes.add(no, plain(raw)[:500], "取り込めませんでした")
            accounted[no] = "note"
    out = {"様式": form.name}
    out.update(data)
    _make_valid(form, out, notes, parser.valued)
    if notes.rows:
        out[NOTES_KEY] = sorted(notes.rows, key=lambda r: r["行"])
    stats = {
        "valued": dict(parser.valued),
        "changes": cstats,
        "accounted": accounted,
        "lines": len(numbered),
    }
    return Imported(form, out, stats)


def _sibling_evidence(parser: BodyParser, data: dict, notes: Notes) -> None:
    """A choice row printed without any check mark (quirk 19): when every other
    element of the same group made the same choice, take it, and say so."""
    for path, (line, text) in list(parser.unread.items()):
        if parser.get_value(path) not in (None, []):
            continue
        idx = [i for i, p in enumerate(path) if isinstance(p, int)]
        if not idx:
            continue
        k = idx[-1]
        group = parser.get_value(path[:k])
        if not isinstance(group, list):
            continue
        seen = []
        for j, elem in enumerate(group):
            if j == path[k]:
                continue
            v = parser.get_value(path[:k] + (j,) + path[k + 1:])
            if v not in (None, []):
                seen.append(v)
        if seen and all(v == seen[0] for v in seen) and len(seen) >= 2:
            item = parser.form.item_at(path)
            parser.set_value(path, item, seen[0])
            del parser.unread[path]
            parser.doubts = [d for d in parser.doubts if not (d[0] == line and d[2].startswith(item.label + ":"))]
            notes.add(line, text[:300], f"「{parser.form.short_label(path, data)}」はチェック記号が読み取れないため、"
                                       f"同じ表の他の {len(seen)} 件と同じ選択として取り込みました(要確認)")


def _attachment_evidence(form: Form, data: dict, rows: list[dict], notes: Notes, valued: dict) -> None:
    """Declared 提供/移転 counts above the printed recipients: the rest is in an
    attachment when the change log or the recipients cite one (quirks 47–48)."""
    files = data.get("特定個人情報ファイル") or []
    cited = sorted({m.group(0).strip() for r in rows for m in re.finditer(r"添付資料[^\t]{0,40}?(?:概要|一覧)[^\s]{0,6}", str(r.get("項目", "")))})
    for i, f in enumerate(files):
        pt = f.get("提供・移転") if isinstance(f, dict) else None
        if not isinstance(pt, dict) or pt.get("添付資料"):
            continue
        short = []
        for count_key, group_key in (("提供件数", "提供先"), ("移転件数", "移転先")):
            n = pt.get(count_key)
            listed = pt.get(group_key) or []
            if isinstance(n, int) and n > len(listed):
                short.append(f"{group_key}は {n} 件のうち {len(listed)} 件だけ掲載")
        if not short:
            continue
        names = " ".join(str(e.get("名称", "")) for k in ("提供先", "移転先") for e in pt.get(k) or [] if isinstance(e, dict))
        refs = sorted(set(re.findall(r"添付資料[(（][^)）]*[)）]", names)))
        pt["添付資料"] = "、".join(refs or cited) if (refs or cited) else "原文に掲載のない提供先・移転先があります(取込メモ参照)"
        line = min((ln for p, ln in valued.items() if p[:2] == ("特定個人情報ファイル", i) and "提供・移転" in p), default=0)
        notes.add(line, "、".join(short), "掲載件数が宣言された件数より少ないため、残りは添付資料にあるものとしました"
                                        + (f"(根拠: {pt['添付資料']})" if refs or cited else "(根拠が原文にありません。要確認)"))


_CUT = re.compile(r"(?:[がをにでとはへやて]|てい|[ぁぃぅぇぉっゃゅょァィゥェォッャュョ])$")


def _truncation_notes(parser: BodyParser, data: dict, notes: Notes) -> None:
    """Cells cut mid-word by the extraction (quirk 39): kept as printed, flagged."""
    for path, frags in parser.texts.items():
        v = parser.get_value(path)
        if not isinstance(v, str):
            continue
        tail = v.rstrip().split("\n")[-1]
        if len(tail) >= 15 and _CUT.search(tail) and not tail.endswith(("。", ")", "）")):
            notes.add(frags[-1].line, tail[-60:], "文の途中で切れているようです(抽出時に欠けた可能性があります。元の PDF を確認してください)")


def _make_valid(form: Form, out: dict, notes: Notes, valued: dict) -> None:
    """The safety net for documents nobody has seen: a value the checker rejects
    (a count that contradicts the listed elements, a choice outside the form…)
    moves to 取込メモ with the checker's reason, so that the output passes check."""
    from ..reader import parse
    from ..validate import ERROR, Checker
    from .writer import dump

    class _Recorder(Checker):
        def add(self, path, message, severity=ERROR, line=None):
            super().add(path, message, severity, line)
            if severity == ERROR and path:
                self.bad.append((tuple(path), message))

    for _ in range(5):
        doc = parse(dump(out, form, [], "../../schema"), "<import>")
        rec = _Recorder(doc)
        rec.bad = []
        rec.run()
        moved = False
        for path, message in rec.bad:
            value = _pop(out, path)
            if value in (None, "", [], {}):
                continue
            moved = True
            notes.add(valued.get(path, 0), str(value)[:500],
                      f"「{form.short_label(path, out)}」: {message}(検査に通らないため、値を取込メモに移しました)")
        if not moved:
            return


def _pop(data: Any, path: tuple) -> Any:
    node = data
    for k in path[:-1]:
        try:
            node = node[k]
        except (KeyError, IndexError, TypeError):
            return None
    try:
        if isinstance(node, dict):
            return node.pop(path[-1], None)
        if isinstance(node, list) and isinstance(path[-1], int) and path[-1] < len(node):
            return node.pop(path[-1])
    except (KeyError, IndexError, TypeError):
        return None
    return None
