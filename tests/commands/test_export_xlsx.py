"""`piasite export --format xlsx`: the document in the form's workbook, read back with openpyxl.

The expectations are made here from the form definition and the document, not from the exporter's
walk: every text and choice value of every part is found in the sheet, in the form's order, in the
value cell beside its label cell; the sections' labels are cells merged down their rows; the
変更箇所 are a sheet of their own; nothing withheld is written; the bytes are the same every time."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree

import pdfplumber
import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from piasite.commands.workbook import MAX_ROW, PAD, chunks, export_xlsx, height_of
from piasite.forms.form import Form
from piasite.forms.items import Item
from piasite.forms.registry import form_for, load_form
from piasite.importer.writer import dump
from piasite.model.reader import Uncertain, read
from tests.clirun import piasite
from tests.conftest import ROOT
from tests.formdocs import full_document

ASSESSMENTS = ["基礎項目評価書", "重点項目評価書", "全項目評価書"]
SECTION, GROUP, LABEL, VALUE, CHOICES = 1, 2, 3, 4, 5


def _book(form: Form, data: dict):
    return load_workbook(io.BytesIO(export_xlsx(form, data)))


def _resolved(ws: Worksheet) -> dict[tuple[int, int], tuple[Any, str]]:
    """(row, column) → (value of the merged range's top-left cell, range id) for every cell."""
    out: dict[tuple[int, int], tuple[Any, str]] = {}
    for rng in ws.merged_cells.ranges:
        top = ws.cell(row=rng.min_row, column=rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                out[(r, c)] = (top, str(rng))
    for row in ws.iter_rows():
        for cell in row:
            if (cell.row, cell.column) not in out:
                out[(cell.row, cell.column)] = (cell.value, cell.coordinate)
    return out


def _labelled_rows(ws: Worksheet) -> list[tuple[str, str, str]]:
    """(label, value, choices) of every row whose label cell and value cell are different cells."""
    cells = _resolved(ws)
    rows = []
    for r in range(1, ws.max_row + 1):
        label, lid = cells.get((r, LABEL), (None, ""))
        value, vid = cells.get((r, VALUE), (None, ""))
        if lid == vid or label is None:
            continue
        choices, cid = cells.get((r, CHOICES), (None, ""))
        rows.append(
            (str(label), "" if value is None else str(value), "" if cid == vid or choices is None else str(choices))
        )
    return rows


def _is_table(item: Item) -> bool:
    return item.kind == "group" and not item.name_key and all(not c.is_container for c in item.items)


def _leaves(items: list[Item], values: Any) -> Iterator[tuple[Item, str]]:
    """Every text and choice value of a part, in the form's order (elements in theirs)."""
    values = values if isinstance(values, dict) else {}
    for it in items:
        v = values.get(it.key)
        if it.kind == "section":
            yield from _leaves(it.items, v)
        elif it.kind == "group" and not _is_table(it):
            for elem in v or []:
                yield from _leaves(
                    [c for c in it.items if not (c.key == it.name_key and c.label == it.label)],  # on the heading
                    elem,
                )
        elif it.kind in ("text", "choice") and isinstance(v, str) and v:
            yield it, v


def _expected(form: Form, doc: dict) -> list[tuple[Item, str]]:
    out = []
    for part in form.items:
        if part.kind == "section":
            out += list(_leaves(part.items, doc.get(part.key)))
        elif part.kind == "group" and not _is_table(part):
            for elem in doc.get(part.key) or []:
                out += list(_leaves(part.items, elem))
    return out


@pytest.mark.parametrize("name", ASSESSMENTS)
def test_every_value_is_beside_its_label_in_the_forms_order(name):
    form = load_form(name)
    doc = full_document(form)
    ws = _book(form, doc).worksheets[0]
    rows = _labelled_rows(ws)
    want = _expected(form, doc)
    assert len(want) > 20
    at = 0
    for item, v in want:
        while at < len(rows):
            label, value, choices = rows[at]
            at += 1
            if label.removesuffix(" ※") != item.label:
                continue
            if item.kind == "choice":
                if value == f"[ {v} ]" and choices.startswith("<選択肢>") and f") {v}" in choices:
                    break
            elif value == v:
                break
        else:
            raise AssertionError(f"{item.label}: {v!r} not found beside its label (after row {at})")


@pytest.mark.parametrize("name", ASSESSMENTS)
def test_a_parts_section_label_is_one_cell_merged_down_its_rows(name):
    form = load_form(name)
    doc = full_document(form)
    ws = _book(form, doc).worksheets[0]
    down: dict[str, list[int]] = {}  # label → rows spanned, of every cell of the first column alone
    merged = set()
    for rng in ws.merged_cells.ranges:
        if rng.min_col == SECTION:
            merged |= {r for r in range(rng.min_row, rng.max_row + 1)}
        if rng.min_col == rng.max_col == SECTION:
            down.setdefault(str(ws.cell(row=rng.min_row, column=SECTION).value).removesuffix(" ※"), []).append(
                rng.max_row - rng.min_row + 1
            )
    for r in range(1, ws.max_row + 1):
        if r not in merged and ws.cell(row=r, column=SECTION).value is not None:
            down.setdefault(str(ws.cell(row=r, column=SECTION).value).removesuffix(" ※"), []).append(1)
    parts = [p for p in form.items if p.is_container and not _is_table(p)]
    sections = [s for p in parts for s in p.items if s.kind == "section" or (s.kind == "group" and not _is_table(s))]
    assert sections
    for s in sections:
        values = [v for _, v in _leaves(s.items, _value_in(doc, s))]
        assert s.label in down, f"{s.label}: no label merged down the first column"
        if len(values) >= 2:
            assert max(down[s.label]) >= 2, s.label


def _value_in(doc: dict, item: Item) -> Any:
    path = []
    node: Item | None = item
    while node is not None:
        path.append(node.key)
        node = node.parent
    v: Any = doc
    for k in reversed(path):
        v = v[0] if isinstance(v, list) and v else v
        v = v.get(k) if isinstance(v, dict) else None
    return v


@pytest.mark.parametrize("name", ASSESSMENTS)
def test_the_cover_stamp_changes_sheet_and_page_setup(name):
    form = load_form(name)
    version = form.versions[0]
    doc = full_document(form, version)
    wb = _book(form, doc)
    ws = wb.worksheets[0]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert texts[0] == form.title
    assert form.stamp(version) in texts
    number = str(form.value(doc, "number"))
    assert number in texts and form.value(doc, "organisation") in texts
    assert "令和6年4月1日" in texts  # the 公表日 of full_document, as the form prints a date
    # the 変更箇所: a sheet of its own, the form's columns (not piasite's remark column), one row a change
    group = form.role_item("changes")
    changes = wb.worksheets[1]
    header = [c.value for c in changes[2]]
    note = form.role_path("change_note")[-1]
    assert header == [c.label for c in group.items if c.key != note]
    rows = doc[form.role_key("changes")]
    assert changes.max_row == 2 + len(rows)
    assert [c.value for c in changes[3]][1] == rows[0][group.items[1].key]
    for sheet in wb.worksheets:
        assert int(sheet.page_setup.paperSize) == 9 and sheet.page_setup.orientation == "portrait"
        assert int(sheet.page_setup.fitToWidth) == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows
        assert sheet.oddFooter.center.text == "&P / &N"
        assert form.value(doc, "jimu_name") in sheet.oddHeader.center.text
        _assert_outlined(sheet)
        for r, dim in sheet.row_dimensions.items():
            assert dim.height is None or dim.height <= 409, r


def _assert_outlined(sheet: Worksheet) -> None:
    """Every cell of the sheet is inside a bordered box: a merged range's outline, or its own four sides."""
    box = {}
    for rng in sheet.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                box[(r, c)] = (rng.min_row, rng.min_col, rng.max_row, rng.max_col)
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=sheet.max_column):
        for cell in row:
            top, left, bottom, right = box.get((cell.row, cell.column), (cell.row, cell.column) * 2)
            b = cell.border
            sides = {"left": cell.column == left, "right": cell.column == right, "top": cell.row == top}
            sides["bottom"] = cell.row == bottom
            for side, edge in sides.items():
                if edge:
                    assert getattr(b, side).style == "thin", f"{cell.coordinate} {side}"


def test_a_value_taller_than_a_row_goes_on_over_rows_beside_one_label():
    form = load_form("基礎項目評価書")
    doc = full_document(form)
    part = next(p for p in form.items if p.kind == "section")
    long_item = next(i for i, _ in _leaves(part.items, doc[part.key]) if i.kind == "text")
    text = "\n".join(f"第{n}段落。" + "特定個人情報の取扱いについて記載する。" * 6 for n in range(1, 61))
    section = doc[part.key]
    path = []
    node = long_item
    while node.parent is not part:
        path.append(node.key)
        node = node.parent
    path.append(node.key)
    target = section
    for k in reversed(path[1:]):
        target = target[k]
    target[path[0]] = text
    ws = _book(form, doc).worksheets[0]
    cells = _resolved(ws)
    rows = [r for r in range(1, ws.max_row + 1) if cells.get((r, LABEL), (None,))[0] == long_item.label]
    assert len(rows) >= 3  # the label merged down the rows of its pieces
    pieces = [ws.cell(row=r, column=VALUE).value for r in rows]
    assert _rebuilt(pieces, text)
    assert all(ws.row_dimensions[r].height <= 409 for r in rows)


def _rebuilt(pieces: list[str], text: str) -> bool:
    """Whether the pieces are text cut at paragraphs (the newline between them dropped) or inside one."""
    at = 0
    for p in pieces:
        if text.startswith(p, at):
            at += len(p)
        elif text.startswith("\n" + p, at) and at > 0:
            at += 1 + len(p)
        else:
            return False
    return at == len(text)


def test_chunks_never_lose_a_character_and_fit_a_row():
    text = "あ" * 5000 + "\n" + "短い行\n" * 40 + "。".join(["文"] * 800)
    got = chunks(text, 30)
    assert len(got) > 3
    assert _rebuilt(got, text)
    assert all(height_of(p, 30) <= MAX_ROW + PAD for p in got)
    assert not _rebuilt(got[:-1], text) and not _rebuilt([got[0][1:], *got[1:]], text)


def test_uncertain_values_are_printed_as_their_source_never_the_guess():
    form = load_form("重点項目評価書")
    doc = full_document(form)
    item, _ = next((i, v) for i, v in _expected(form, doc) if i.kind == "text")
    parent = _container_of(doc, form, item)
    parent[item.key] = Uncertain("原文のとおりの記載", 12, "読めませんでした", "取込みの推測")
    data = export_xlsx(form, doc)
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = _labelled_rows(ws)
    assert (item.label, "原文のとおりの記載", "") in [(label.removesuffix(" ※"), v, c) for label, v, c in rows]
    assert "取込みの推測" not in _all_text(data)


def _container_of(doc: dict, form: Form, item: Item) -> dict:
    path = []
    node: Item | None = item.parent
    while node is not None:
        path.append(node.key)
        node = node.parent
    v: Any = doc
    for k in reversed(path):
        v = v[k]
        v = v[0] if isinstance(v, list) else v
    return v


def _all_text(xlsx: bytes) -> str:
    """Every part's text and attributes as an XML reader sees them (&#NNNNN; read as the character)."""
    out = []
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        for n in z.namelist():
            raw = z.read(n)
            out.append(raw.decode("utf-8"))
            if n.endswith((".xml", ".rels")):
                for el in ElementTree.fromstring(raw).iter():
                    out.extend([el.text or "", el.tail or "", *el.attrib.values()])
    return "\n".join(out)


def test_withheld_values_are_never_written_and_the_bytes_are_the_same_every_time(tmp_path):
    form = load_form("全項目評価書")
    doc = full_document(form)
    org = form.value(doc, "organisation")
    src = dump(doc, form, [], "../../schema")
    assert f"{form.role_key('organisation')}: {org}\n" in src
    src = src.replace(f"{form.role_key('organisation')}: {org}\n", f"{form.role_key('organisation')}: !非公表 {org}\n")
    p = tmp_path / "z.yaml"
    p.write_text(src, encoding="utf-8")
    outs = []
    for n in (1, 2):
        out = tmp_path / f"z{n}.xlsx"
        r = piasite("export", str(p), "--format", "xlsx", "--out", str(out), cwd=ROOT)
        assert r.returncode == 0, r.stderr
        outs.append(out.read_bytes())
    text = _all_text(outs[0])
    assert org not in text and "非公表" in text
    assert outs[0] == outs[1]
    core = zipfile.ZipFile(io.BytesIO(outs[0])).read("docProps/core.xml").decode()
    assert "2024-04-01T00:00:00Z" in core  # the workbook's dates are the 公表日, not the clock
    # another 公表日, other dates
    other = src.replace(f"{form.role_key('published')}: 2024-04-01", f"{form.role_key('published')}: 2025-02-03")
    assert other != src
    p.write_text(other, encoding="utf-8")
    out = tmp_path / "z3.xlsx"
    assert piasite("export", str(p), "--format", "xlsx", "--out", str(out), cwd=ROOT).returncode == 0
    assert "2025-02-03T00:00:00Z" in zipfile.ZipFile(out).read("docProps/core.xml").decode()
    assert all(i.date_time[:3] == (2025, 2, 3) for i in zipfile.ZipFile(out).infolist())


def test_bad_input_is_told_in_japanese_with_exit_1(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("様式: 基礎項目評価書\n評価書番号: [1\n", encoding="utf-8")
    r = piasite("export", str(broken), "--format", "xlsx", "--out", str(tmp_path / "x.xlsx"), cwd=ROOT)
    assert r.returncode == 1 and "broken.yaml" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x.xlsx").exists()
    form = load_form("基礎項目評価書")
    good = tmp_path / "good.yaml"
    good.write_text(dump(full_document(form), form, [], "../../schema"), encoding="utf-8")
    r = piasite("export", str(good), "--format", "xlsx", cwd=ROOT)
    assert r.returncode == 1 and "--out" in r.stderr and "指定してください" in r.stderr
    failing = tmp_path / "failing.yaml"
    failing.write_text(good.read_text(encoding="utf-8").replace("公表日: 2024-04-01", "公表日: 2024-13-01"))
    assert failing.read_text(encoding="utf-8") != good.read_text(encoding="utf-8")
    r = piasite("export", str(failing), "--format", "xlsx", "--out", str(tmp_path / "y.xlsx"), cwd=ROOT)
    assert r.returncode == 1 and "書き出せません" in r.stderr and not (tmp_path / "y.xlsx").exists()
    r = piasite(
        "export", str(good), "--format", "xlsx", "--out", str(tmp_path / "no" / "such" / "dir" / "z.xlsx"), cwd=ROOT
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr and r.stderr.strip()


def test_text_export_to_a_file_is_what_it_prints(tmp_path):
    form = load_form("重点項目評価書")
    src = tmp_path / "j.yaml"
    src.write_text(dump(full_document(form), form, [], "../../schema"), encoding="utf-8")
    printed = piasite("export", str(src), cwd=ROOT)
    assert printed.returncode == 0 and printed.stdout.startswith(form.title + "\n")
    out = tmp_path / "j.txt"
    written = piasite("export", str(src), "--out", str(out), cwd=ROOT)
    assert written.returncode == 0 and written.stdout == ""
    assert out.read_text(encoding="utf-8") == printed.stdout


FIXTURES = ROOT / "tests" / "fixtures"
PDFS = sorted((FIXTURES / "pdf").glob("*.pdf"))


def test_every_acceptance_document_has_its_workbook_and_pdf():
    names = sorted(p.name.removesuffix(".expected.yaml") for p in (FIXTURES / "acceptance").glob("*.expected.yaml"))
    assert len(names) == 8
    assert [p.stem for p in PDFS] == names
    assert sorted(p.stem for p in (FIXTURES / "pdf").glob("*.xlsx")) == names


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem)
def test_the_committed_workbook_is_what_the_export_writes_now(pdf):
    """The fixtures follow the exporter: after a change of layout, run scripts/make_pdf_fixtures.py."""
    data = read(FIXTURES / "acceptance" / f"{pdf.stem}.expected.yaml").data
    form = form_for(data, None)
    assert form is not None
    assert export_xlsx(form, data) == pdf.with_suffix(".xlsx").read_bytes(), "python3 scripts/make_pdf_fixtures.py"


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem)
def test_the_pdfs_have_a_text_layer_with_the_cover_and_page_furniture(pdf):
    data = read(FIXTURES / "acceptance" / f"{pdf.stem}.expected.yaml").data
    form = form_for(data, None)
    assert form is not None
    with pdfplumber.open(pdf) as doc:
        pages = [p.extract_text() or "" for p in doc.pages]
    assert len(pages) >= 5
    assert form.title in pages[0] and form.value(data, "organisation") in pages[0]
    for n, text in enumerate(pages, 1):
        assert f"{n} / {len(pages)}" in text.split("\n")[-1]  # the footer, last on the page
    assert pdf.stat().st_size < 400_000


def test_a_value_that_looks_like_a_formula_is_text():
    form = load_form("基礎項目評価書")
    doc = full_document(form)
    formula = '=HYPERLINK("http://example.invalid/","開く")'
    doc[form.role_key("organisation")] = formula
    item, _ = next((i, v) for i, v in _expected(form, doc) if i.kind == "text")
    _container_of(doc, form, item)[item.key] = "=1+1"
    data = export_xlsx(form, doc)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s for s in sheets)
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    texts = [c.value for row in ws.iter_rows() for c in row]
    assert formula in texts and "=1+1" in texts


def test_export_never_overwrites_its_source_or_an_existing_file_without_force(tmp_path):
    form = load_form("基礎項目評価書")
    good = tmp_path / "good.yaml"
    text = dump(full_document(form), form, [], "../../schema")
    good.write_text(text, encoding="utf-8")
    for fmt in ("text", "xlsx"):
        r = piasite("export", str(good), "--format", fmt, "--out", str(good), "--force", cwd=ROOT)
        assert r.returncode == 1 and "読み込んだファイルそのもの" in r.stderr
        assert good.read_text(encoding="utf-8") == text
    kept = tmp_path / "kept.xlsx"
    kept.write_bytes(b"a workbook the clerk edited")
    r = piasite("export", str(good), "--format", "xlsx", "--out", str(kept), cwd=ROOT)
    assert r.returncode == 1 and "--force" in r.stderr and kept.read_bytes() == b"a workbook the clerk edited"
    r = piasite("export", str(good), "--format", "xlsx", "--out", str(kept), "--force", cwd=ROOT)
    assert r.returncode == 0 and kept.read_bytes().startswith(b"PK")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_export_replaces_a_link_at_its_out_path_and_never_writes_through_it(tmp_path):
    form = load_form("基礎項目評価書")
    good = tmp_path / "good.yaml"
    good.write_text(dump(full_document(form), form, [], "../../schema"), encoding="utf-8")
    target = tmp_path / "elsewhere.txt"
    target.write_text("not piasite's", encoding="utf-8")
    link = tmp_path / "out.txt"
    link.symlink_to(target)
    r = piasite("export", str(good), "--out", str(link), cwd=ROOT)
    assert r.returncode == 1 and target.read_text(encoding="utf-8") == "not piasite's"
    r = piasite("export", str(good), "--out", str(link), "--force", cwd=ROOT)
    assert r.returncode == 0 and not link.is_symlink() and target.read_text(encoding="utf-8") == "not piasite's"


def test_a_name_with_header_codes_is_printed_as_written_in_the_running_header():
    form = load_form("基礎項目評価書")
    data = full_document(form)
    path = form.role_path("jimu_name")
    node = data
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = "給付&P事務&&\"Arial\"&B"  # Excel reads & as the start of a header code (page number, font)
    sheet = zipfile.ZipFile(io.BytesIO(export_xlsx(form, data))).read("xl/worksheets/sheet1.xml").decode()
    header = sheet.split("<oddHeader>", 1)[1].split("</oddHeader>", 1)[0].replace("&amp;", "&")
    # every & of the name doubled (a literal &), so no code of the name reaches Excel (openpyxl's own reader
    # splits such a header at the wrong place, so the sheet's XML is read here)
    assert '給付&&P事務&&&&"Arial"&&B' in header
