"""One extracted text → one content document: picks the form named by the
title line (or, failing that, the form whose labels the text carries), runs the
body and change-log readers, then the evidence passes: what the reading left
open is settled by the document's own evidence or marked !要確認 at the item
(uncertain.py); declared counts, truncated cells and the rest fill 取込メモ.
Keys come from the form's roles."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from piasite.checks.document import Checker, not_in
from piasite.config.limits import DEFAULT_LIMITS, Limits
from piasite.core import glyphs
from piasite.core.errors import PiasiteError
from piasite.core.problems import ERROR
from piasite.forms.form import Form
from piasite.forms.registry import form_names, load_form
from piasite.forms.values import value_at
from piasite.importer import changes as changelog
from piasite.importer import (
    columns,
    cover,
    fidelity,
    furniture,
    henko,
    notassessment,
    plausible,
    reflow,
    spacing,
    uncertain,
)
from piasite.importer.body import BodyParser, Notes, cells_of
from piasite.importer.imported import Imported
from piasite.importer.text import nfkc, norm, plain
from piasite.importer.writer import dump
from piasite.model.reader import Document, Uncertain, parse

# What a line of page furniture (a running header or footer) is read as: a page break.
PAGE_BREAK = "-----"

# The version stamp printed under 公表日: [平成26年4月 様式2] (spaces and brackets vary).
_STAMP = re.compile(r"^[\[［〔]?((?:平成|令和)(?:元|\d{1,2})年\d{1,2}月)(様式\d)[\]］〕]?$")


def form_from_title(lines: list[str]) -> Form | None:
    """The form whose title (特定個人情報保護評価書(基礎項目評価書) …) a line near the top starts with."""
    titles = sorted(((norm(load_form(n).title), n) for n in form_names()), key=lambda t: -len(t[0]))
    seen = 0
    for l in lines:
        if not l.strip():
            continue
        seen += 1
        if seen > 40:
            break
        n = norm(l.split("\t")[0])
        for t, name in titles:
            if n.startswith(t):
                return load_form(name)
    return None


def detect_form(lines: list[str]) -> Form:
    """The form named by the title line; else the form whose labels most lines carry."""
    return _detect(lines)[0]


def _detect(lines: list[str]) -> tuple[Form, int]:
    """(form, evidence): evidence 0 when neither the title nor any label of any form is found."""
    titled = form_from_title(lines)
    if titled is not None:
        return titled, 1
    normed = [norm(c) for l in lines for c in cells_of(l)[:3] if c.strip()]
    rows = [[norm(c) for c in cells_of(l) if c.strip()] for l in lines]
    whole = "".join(normed)

    def score(f: Form) -> int:
        labels = {norm(lab) for i in f.walk() for lab in i.all_labels}
        s = sum(1 for n in normed if n in labels) + (50 if any(n == norm(f.title) for n in normed) else 0)
        # labels run together on one line (a page flattened by the extraction): distinct ones found
        s += sum(1 for lab in labels if len(lab) >= 6 and lab in whole) // 2
        # a table header row of one of the form's groups (変更日\t項目…) is strong evidence
        for g in (i for i in f.walk() if i.kind == "group"):
            heads = {norm(c.label) for c in g.items}
            s += 20 * sum(1 for r in rows if len(r) >= 3 and all(c in heads for c in r))
        return s

    # the first of the best-scoring forms, in form_names() order (no label at all: the first form,
    # and import_text says so: a text whose glyphs were lost, or no assessment at all)
    scored = [(score(f), f) for f in (load_form(name) for name in form_names())]
    best = max(s for s, _ in scored)
    return next(f for s, f in scored if s == best), best


class NotAnAssessment(PiasiteError):
    """A text with nothing in it to import."""


def import_text(text: str, limits: Limits = DEFAULT_LIMITS) -> Imported:
    """limits: the city's (mkdocs.yml), which the YAML written must keep to (_make_valid reads it back)."""
    text, unified = glyphs.unify(text)  # ⼈ → 人: radicals a PDF's fonts wrote for the kanji they draw
    raw_lines = text.split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    source = dict(enumerate(raw_lines, 1))  # notes quote these, whatever the reading below changes
    spaced = spacing.is_spaced(raw_lines)  # a copy with a space between every character (docsplayer)
    if spaced:
        raw_lines = spacing.despace(raw_lines)
    if not any(l.strip() for l in raw_lines):
        raise NotAnAssessment("空のファイルです。PDF から抽出した評価書のテキストを指定してください")
    form, evidence = _detect(raw_lines)
    if spaced:
        raw_lines = spacing.resync(form, raw_lines)  # the form's labels as it prints them (①, not 1)
    if why := notassessment.refusal(raw_lines, form, evidence):  # a 記載要領, a list page, another text
        raise NotAnAssessment(why)
    raw_lines = columns.rewrite(form, raw_lines)  # pdftotext -layout: cells at columns → tab-separated cells
    # running headers and footers read as the page break they stand at
    cover_end = cover.cover_end(form, raw_lines)
    page = furniture.page_furniture(raw_lines, cover_end)
    page |= furniture.title_headers(raw_lines, form.title, cover_end)  # headers above each page's title
    running = {raw_lines[k].strip() for k in page}  # the cover page prints them too
    raw_lines = [PAGE_BREAK if k in page else l for k, l in enumerate(raw_lines)]
    numbered = list(enumerate(raw_lines, 1))
    if form.has_role("changes"):  # flattened pages, labels printed before their values (reflow.py)
        numbered = reflow.reflow(form, numbered)
    if not form.has_role("changes"):  # a list of changes, not an assessment
        imported = henko.import_lines(form, numbered)
        plausible.mark(form, imported.data, imported.stats.get("valued", {}))  # what does not look like its item's
    else:
        imported = _import_assessment(form, numbered, source, limits, running)
    imported.stats["unrecognised"] = evidence == 0
    imported.stats["unified"] = unified
    # source lines cut into several (a page flattened into one line): what 取込メモ keeps of them is
    # text no item holds, though other items were read from the same line
    counts = Counter(no for no, _ in numbered)
    imported.stats["flat_lines"] = {no for no, n in counts.items() if n > 1}
    return imported


def read_stamp(form: Form, numbered: list[tuple[int, str]]) -> tuple[int, str, str] | None:
    """(line, version, 様式N) of the version stamp, if the text prints one."""
    for no, raw in numbered:
        m = _STAMP.match(re.sub(r"\s+", "", nfkc(plain(raw))))  # spaces between every character (docsplayer)
        if m:
            return no, re.sub(r"\s+", "", m.group(1)), m.group(2)
    return None


def _import_assessment(
    form: Form,
    numbered: list[tuple[int, str]],
    source: dict[int, str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    running: set[str] | None = None,
) -> Imported:
    changes = form.role_item("changes")
    parser = BodyParser(form, skip_keys=(changes.key,))
    numbered_all = numbered
    stamp = read_stamp(form, numbered)
    if stamp:
        parser.accounted[stamp[0]] = "value"
        # only the stamp's own line (a flattened page gives several lines the same number)
        numbered_body = [(no, raw) for no, raw in numbered if no != stamp[0] or read_stamp(form, [(no, raw)]) is None]
    else:
        numbered_body = numbered
    # a cover printed out of order is read by what each value is (cover.py); in order, as every row
    covered = cover.read(form, numbered_body, running)
    if covered is not None:
        covered.apply(parser)
        numbered_body = [(no, raw) for no, raw in numbered_body if no not in covered.lines]
        if stamp is None and covered.stamp is not None:
            stamp = covered.stamp
    numbered = numbered_body
    split = changelog.table_start(form, numbered, parser.part_of)  # its heading, never the 項目一覧's entry
    parser.feed(numbered[:split])
    data = parser.finish()
    notes = parser.notes
    accounted = parser.accounted
    rows, cstats = changelog.parse(numbered[split:], form, notes, accounted)
    if split < len(numbered):
        accounted[numbered[split][0]] = "layout"
    data[changes.key] = rows
    uncertain.settle(parser, form, data, rows, notes)  # what the reading left open: settled, or !要確認
    _attachment_evidence(form, data, rows, notes, parser.valued, source or dict(numbered_all))
    _truncation_notes(parser, data, notes)
    for line, text, reason in parser.doubts:
        notes.add(line, text, reason)
    unused = fidelity.unused_sections(form, data)
    for path, (line, text) in parser.unread.items():
        if parser.get_value(path) in (None, [], "") and not any(path[: len(u)] == u for u in unused):
            notes.add(line, text, f"「{form.short_label(path, data)}」の値を読み取れませんでした")
    for no, raw in numbered:
        if no not in accounted:
            notes.add(no, raw, "取り込めませんでした")
            accounted[no] = "note"
    out: dict[str, Any] = {form.role_key("form"): form.name}
    if stamp and form.has_role("form_version"):
        mismatch = bool(form.form_number) and stamp[2] != form.form_number
        if mismatch:
            notes.add(
                stamp[0], stamp[2], f"版の印は{stamp[2]}ですが、表題は{form.name}({form.form_number})です(要確認)"
            )
        if mismatch and stamp[1] not in form.versions:
            # a stamp of another form naming a version this one does not list: not taken on its word
            notes.add(
                stamp[0],
                stamp[1],
                f"「{form.role_item('form_version').label}」: "
                + not_in(stamp[1], form.versions, "選択肢")
                + "(要確認)",
            )
        else:
            out[form.role_key("form_version")] = stamp[1]  # one the form does not list: check warns
            parser.valued[form.role_path("form_version")] = stamp[0]
    out.update(data)
    missing = fidelity.missing_sections(form, out, parser)
    if split == len(numbered):
        missing.append((changes.key,))
    if missing and form.has_role("import_missing"):
        out[form.role_key("import_missing")] = [form.label_path(m, out) for m in missing]
    for m in missing:
        notes.add(
            0,
            form.label_path(m, out),
            "原文(取り込んだテキスト)にこの箇所がありません。抽出で欠けた可能性があります。元の PDF を確認してください",
        )
    _make_valid(form, out, notes, parser.valued, limits)
    out.pop(form.role_key("import_missing"), None) if not missing and form.has_role("import_missing") else None
    source_texts = {p: "\n".join(plain(f.raw) for f in frags) for p, frags in parser.texts.items()}
    plausible.mark(form, out, parser.valued, source_texts, parser.hit)  # a value unlike its item's: !要確認
    doubtful = _doubted(form, parser) | parser.guessed
    classified = fidelity.classify(form, out, parser, source_texts, doubtful)
    classified.missing = missing
    if notes.rows:
        out[form.role_key("import_notes")] = notes.table(form, source or dict(numbered_all))
    stats = {
        "classified": classified,
        "valued": dict(parser.valued),
        "changes": cstats,
        "accounted": accounted,
        "lines": len({no for no, _ in numbered_all}),  # source lines (a flattened page is cut into several)
    }
    return Imported(form, out, stats)


def _doubted(form: Form, parser: BodyParser) -> set[tuple]:
    """Valued items whose own row left a doubt (`label: …` on the item's line)."""
    out = set()
    for p, ln in parser.valued.items():
        item = form.item_at(p)
        if item is not None and any(d[0] == ln and d[2].startswith(item.label + ":") for d in parser.doubts):
            out.add(p)
    return out


def _attachment_evidence(
    form: Form, data: dict, rows: list[dict], notes: Notes, valued: dict, source: dict[int, str]
) -> None:
    """Declared 提供/移転 counts above the printed recipients: the rest is in an
    attachment when the change log or the recipients cite one (quirks 47–48); when
    nothing names one, the attachment item is !要確認 (the page and check say so)."""
    if not form.has_role("provision_transfer_attachment"):
        return
    item_key = form.role_key("change_item") if form.has_role("change_item") else None
    cited = sorted(
        {
            m.group(0).strip()
            for r in rows
            for m in re.finditer(r"添付資料[^\t]{0,40}?(?:概要|一覧)[^\s]{0,6}", str(r.get(item_key, "")))
        }
    )
    attach_key = form.role_key("provision_transfer_attachment")
    for fpath, _ in form.values(data, "file"):
        i = fpath[-1]
        att_path = form.concrete("provision_transfer_attachment", i)
        pt = value_at(data, att_path[:-1])
        if not isinstance(pt, dict) or pt.get(attach_key):
            continue
        short, names = [], []
        for count_role, group_role, name_role in (
            ("provision_count", "provision", "provision_name"),
            ("transfer_count", "transfer", "transfer_name"),
        ):
            n = form.value(data, count_role, within=fpath)
            listed = list(form.values(data, group_role, within=fpath))
            names += [str(v) for _, v in form.values(data, name_role, within=fpath)]
            if isinstance(n, int) and n > len(listed):
                short.append(f"{form.role_item(group_role).label}は {n} 件のうち {len(listed)} 件だけ掲載")
        if not short:
            continue
        refs = sorted(set(re.findall(r"添付資料[(（][^)）]*[)）]", " ".join(names))))
        section = att_path[:-1]
        line = min((ln for p, ln in valued.items() if p[: len(section)] == section), default=0)
        if refs or cited:  # the document names the attachment: its own words
            pt[attach_key] = "、".join(refs or cited)
            notes.add(
                line,
                "、".join(short),
                f"掲載件数が宣言された件数より少ないため、残りは添付資料にあるものとしました(根拠: {pt[attach_key]})",
            )
            continue
        # The document names no attachment: nothing is written for it (a guess is never a value);
        # the item says so as !要確認, quoting the row that declares the counts.
        pt[attach_key] = Uncertain(
            plain(source.get(line, "")) if line else "",
            line or None,
            "、".join(short) + "されていますが、残りを載せた添付資料の名前が原文にありません",
        )


_CUT = re.compile(r"(?:[がをにでとはへやて]|てい|[ぁぃぅぇぉっゃゅょァィゥェォッャュョ])$")
# Complete phrases that end in the same kana: …まで, …こと, …として, …について, …など (not cut off)
_COMPLETE = re.compile(
    r"(?:まで|こと|ごと|もと|あと|ほど|ので|にて|として|について|において|に関して|によって|とおり|ところ|など|ずつ|すべて|全て|つど|都度|のみで|ごとに|毎に|以上で|以下で)$"
)


def _truncation_notes(parser: BodyParser, data: dict, notes: Notes) -> None:
    """Cells cut mid-word by the extraction (quirk 39): kept as printed, flagged."""
    for path, frags in parser.texts.items():
        v = parser.get_value(path)
        if not isinstance(v, str):
            continue
        tail = v.rstrip().split("\n")[-1]
        if (
            len(tail) >= 15
            and _CUT.search(tail)
            and not tail.endswith(("。", ")", "）"))
            and not _COMPLETE.search(tail)
        ):
            notes.add(
                frags[-1].line,
                tail,
                "文の途中で切れているようです(抽出時に欠けた可能性があります。元の PDF を確認してください)",
            )


def _make_valid(form: Form, out: dict, notes: Notes, valued: dict, limits: Limits = DEFAULT_LIMITS) -> None:
    """The safety net for documents nobody has seen: a value the checker rejects
    (a count that contradicts the listed elements, a choice outside the form…)
    moves to 取込メモ with the checker's reason, so that the output passes check."""

    class _Recorder(Checker):
        def __init__(self, doc: Document) -> None:
            super().__init__(doc)
            self.bad: list[tuple[tuple, str]] = []  # (path, message) of each error

        def add(self, path: tuple, message: str, severity: str = ERROR, line: int | None = None) -> None:
            super().add(path, message, severity, line)
            if severity == ERROR and path:
                self.bad.append((tuple(path), message))

    for _ in range(5):
        doc = parse(dump(out, form, [], "../../schema"), "<import>", limits)
        rec = _Recorder(doc)
        rec.run()
        moved = False
        for path, message in rec.bad:
            value = _pop(out, path)
            if value in (None, "", [], {}):
                continue
            moved = True
            notes.add(
                valued.get(path, 0),
                str(value),
                f"「{form.short_label(path, out)}」: {message}(検査に通らないため、値を取込メモに移しました)",
            )
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
