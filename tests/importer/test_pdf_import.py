"""`piasite import FILE.pdf`: a PDF read through its table geometry (piasite/importer/pdf.py).

The development PDFs (tests/fixtures/pdf-dev/, made by scripts/make_pdf_dev_fixtures.py) are workbooks
in the form's layout converted by LibreOffice: merged section labels, values merged across columns,
wrapped text, a running header and footer, a value continued on the next page; one of them again with
its text layer drawn in reverse order, one restricted (opens without a password), one with a password;
one with its label cells shaded, its title row repeated on every page and section labels split by page
breaks.
Each import is compared item by item with the document the PDF was made from (values equal, wrong,
missing — printed), and PDFs that cannot be imported are refused with a Japanese message.
"""

from __future__ import annotations

import re
import time
import zlib
from pathlib import Path

import pdfplumber
import pytest

from piasite.config.limits import Limits
from piasite.importer import import_file
from piasite.importer.pdf import MAX_CHARS_PER_PAGE, MAX_CONTENT_BYTES, PdfError, _cell_text, _read_page, pdf_to_text
from piasite.importer.writer import dump
from piasite.model.reader import parse, read
from tests.clirun import piasite
from tests.conftest import FIXTURES
from tests.formdocs import leaves

DEV = FIXTURES / "pdf-dev"
SOURCES = sorted(p.stem for p in DEV.glob("*.yaml"))
# every readable PDF with the document it was made from
VARIANTS = ("-reordered", "-restricted", "-rects", "-small")  # the same document drawn otherwise
PDFS = [(p.name, re.sub("|".join(VARIANTS) + "$", "", p.stem)) for p in sorted(DEV.glob("*.pdf"))]
PDFS = [(pdf, src) for pdf, src in PDFS if src in SOURCES]


def compare(pdf: Path, source: Path) -> dict[str, list]:
    """The import of the PDF against its source document, leaf by leaf."""
    imp = import_file(pdf)
    got = dict(leaves(parse(dump(imp.data, imp.form, [], "../schema"), pdf.name).data))
    want = dict(leaves(read(source).data))
    return {
        "equal": [k for k in want if got.get(k) == want[k]],
        "wrong": [(k, want[k], got[k]) for k in want if k in got and got[k] != want[k]],
        "missing": [(k, want[k]) for k in want if k not in got],
        "extra": [(k, got[k]) for k in got if k not in want],
    }


def test_every_development_pdf_has_its_source():
    assert len(SOURCES) >= 2
    for name in SOURCES:
        assert (DEV / f"{name}.pdf").is_file(), name
    for variant in VARIANTS:
        assert any(variant in pdf for pdf, _ in PDFS), variant
    with pdfplumber.open(DEV / "nishiura-9-kiso-rects.pdf") as pdf:  # its rules are rectangles only
        assert not pdf.pages[0].lines and len(pdf.pages[0].rects) > 20


@pytest.mark.parametrize(("pdf", "source"), PDFS)
def test_each_value_lands_in_its_item(pdf, source):
    r = compare(DEV / pdf, DEV / f"{source}.yaml")
    total = len(r["equal"]) + len(r["wrong"]) + len(r["missing"])
    print(f"{pdf}: {total} values: equal {len(r['equal'])}, wrong {len(r['wrong'])}, missing {len(r['missing'])}")
    for k, want, got in r["wrong"]:
        print("  wrong", ".".join(map(str, k)), repr(want)[:60], "→", repr(got)[:60])
    for k, want in r["missing"]:
        print("  missing", ".".join(map(str, k)), repr(want)[:60])
    for k, got in r["extra"]:
        print("  extra", ".".join(map(str, k)), repr(got)[:60])
    assert not r["wrong"] and not r["missing"] and not r["extra"]


def test_the_reordered_text_layer_is_out_of_visual_order():
    """The reordered PDF really is: its characters in content-stream order are not top to bottom."""
    with pdfplumber.open(DEV / "nishiura-9-kiso-reordered.pdf") as pdf:
        chars = [c for c in pdf.pages[0].chars if c["text"].strip()]
    tops = [round(c["top"]) for c in chars]
    backwards = sum(1 for a, b in zip(tops, tops[1:], strict=False) if b < a)
    forwards = sum(1 for a, b in zip(tops, tops[1:], strict=False) if b > a)
    assert backwards > 50 and backwards > forwards / 2  # shuffled: about as often up as down
    original = pdf_to_text(DEV / "nishiura-9-kiso.pdf")
    assert pdf_to_text(DEV / "nishiura-9-kiso-reordered.pdf") == original


def test_merged_section_labels_stand_once_before_their_sub_rows():
    lines = pdf_to_text(DEV / "nishiura-9-kiso.pdf").split("\n")
    k = lines.index("4. 情報提供ネットワークシステムによる情報連携")
    assert lines[k + 1].startswith("①実施の有無\t[実施する]\t")
    assert lines[k + 2].startswith("②法令上の根拠\t(情報提供の根拠)")
    assert lines[k + 3].startswith("\t(情報照会の根拠)")  # the row continued below with its label cell empty
    # a section label beside its only sub-row, in the column of the merged section labels
    k = lines.index("3. 個人番号の利用")
    assert lines[k + 1].startswith("法令上の根拠\t・行政手続における")
    # the change table's rows, also starting in that column, stay whole
    assert any(
        l.startswith("令和2年4月1日\tⅠ 5. 評価実施機関における担当部署 ①部署\t住民福祉課\t健康福祉課") for l in lines
    )


def test_a_label_merged_down_inside_a_merged_section_stands_in_its_first_sub_row():
    """再委託 merged down beside ⑦⑧⑨, itself inside the merged section label of Ⅱ 4: the section on its own
    line, 再委託 beside ⑦, and ⑧ ⑨ with an empty cell in its place (the seeds' layout)."""
    with pdfplumber.open(DEV / "higashinada-1-zenkoumoku.pdf") as pdf:
        assert any(
            _cell_text(c) == "再委託" and c.bottom - c.top > 30 for p in pdf.pages for c in _read_page(p, 1).cells
        )
    lines = pdf_to_text(DEV / "higashinada-1-zenkoumoku.pdf").split("\n")
    k = next(i for i, l in enumerate(lines) if l.startswith("再委託\t⑦再委託の有無 ※\t[再委託する]"))
    assert lines[k + 1].startswith("\t⑧再委託の許諾方法\t委託先から") and lines[k + 2].startswith("\t⑨再委託事項\t")


def test_running_header_footer_and_page_numbers_are_dropped():
    text = pdf_to_text(DEV / "nishiura-9-kiso.pdf")
    lines = text.split("\n")
    assert not [l for l in lines if "/ 3" in l]
    # the 評価書名 printed at the head of every page stays only where it is a value
    assert [l for l in lines if "介護保険に関する事務 基礎項目評価書" in l] == [
        "9\t介護保険に関する事務 基礎項目評価書"
    ]


def test_a_cell_continued_on_the_next_page_is_one_value():
    with pdfplumber.open(DEV / "higashinada-1-zenkoumoku.pdf") as pdf:
        first, second = _read_page(pdf.pages[0], 1), _read_page(pdf.pages[1], 2)
    assert any(c.open_bottom and c.lines for c in first.cells)  # no closing rule at the foot of page 1
    assert any(c.open_top and c.lines for c in second.cells)
    lines = pdf_to_text(DEV / "higashinada-1-zenkoumoku.pdf").split("\n")
    row = next(l for l in lines if l.startswith("②事務の内容"))
    assert "住民票の記載、消除又は記載の修正" in row and "個人番号の指定に係る" in row  # both pages' parts


def test_ticks_drawn_as_filled_and_empty_squares_are_read():
    lines = pdf_to_text(DEV / "higashinada-1-zenkoumoku.pdf").split("\n")
    assert any("■ 庁内連携システム" in l and "□ 情報提供ネットワークシステム" in l for l in lines)
    # and land as the source's choices (test_each_value_lands_in_its_item compares every one)


WAKABANO = DEV / "wakabano-2-zenkoumoku.pdf"  # shaded labels, print titles, checkboxes in heading rows
TITLE = "特定個人情報保護評価書(全項目評価書)"  # its title row, repeated at the head of every page


def test_a_shaded_merged_label_is_one_cell():
    """The background of a merged label cell is painted row by row (a filled rectangle per row, no
    stroke): its edges are not rules, so the label is read whole, not cut into the rows beside it."""
    with pdfplumber.open(WAKABANO) as pdf:
        page = pdf.pages[0]
        shades = [r for r in page.rects if r["fill"] and not r["stroke"] and min(r["width"], r["height"]) > 2]
        assert len(shades) > 5
        assert any(_cell_text(c).startswith("2. 特定個人情報ファイルを取り扱う") for c in _read_page(page, 1).cells)
    lines = pdf_to_text(WAKABANO).split("\n")
    k = lines.index("2. 特定個人情報ファイルを取り扱う事務において使用するシステム")
    assert lines[k + 1 : k + 3] == ["システム1", "①システムの名称\t住民税システム"]


def test_a_sections_checkboxes_stand_on_its_label_line():
    """A section whose heading row holds only its checkboxes: label, empty column, the boxes (as the
    seeds print them), never a sub-row of their own nor a piece of the item before."""
    lines = pdf_to_text(WAKABANO).split("\n")
    assert lines.count("4. 特定個人情報ファイルの取扱いの委託\t\t[ ] 委託しない") == 2
    assert "6. 情報提供ネットワークシステムとの接続\t\t[○] 接続しない(入手) [○] 接続しない(提供)" in lines
    assert not [l for l in lines if l.lstrip().startswith(("[ ] 委託しない", "[○] 接続しない"))]


def test_print_titles_between_the_pieces_of_a_split_label_are_dropped():
    """A section label split by a page break, the title row repeated at the head of the next page: the
    label's top drawn again (clipped) over the title goes back to it, and the label reads whole once."""
    with pdfplumber.open(WAKABANO) as pdf:
        pages = [_read_page(p, k) for k, p in enumerate(pdf.pages, 1)]
    heads = [min((c for c in p.cells if c.ruled), key=lambda c: c.top) for p in pages]
    assert len({(round(c.x0), round(c.top), round(c.x1), round(c.bottom)) for c in heads}) == 1  # one box
    assert sum(_cell_text(c) == TITLE for c in heads) > len(pages) / 2
    assert any(_cell_text(c) != TITLE for c in heads)  # a label's clipped top drawn over the title
    assert any(c.open_bottom and _cell_text(c) == "4. 特定個人情報ファイルの" for p in pages for c in p.cells)
    lines = pdf_to_text(WAKABANO).split("\n")
    assert [l for l in lines if TITLE in l] == [TITLE]  # where it interrupts no table, the title stays
    assert not [l for l in lines if l.startswith(("取扱いの委託", "4. 特定個人情報ファイルの\t"))]
    assert lines.count("4. 特定個人情報ファイルの取扱いの委託\t\t[ ] 委託しない") == 2  # the split one whole


def test_a_table_without_rules_is_read_by_its_columns():
    with pdfplumber.open(DEV / "kurosaki-12-kiso.pdf") as pdf:
        assert not pdf.pages[0].edges  # no rule at all
    lines = pdf_to_text(DEV / "kurosaki-12-kiso.pdf").split("\n")
    # a label filling its column, then its value: two cells; a value's wrapped lines: one cell
    row = next(l for l in lines if l.startswith("過去1年以内に"))
    assert row.split("\t")[0].endswith("重大事故が発生したか") and row.split("\t")[1].startswith("発生なし<br><選択肢>")
    row = next(l for l in lines if l.startswith("評価対象の事務の対象人数は何人か"))  # continued on the next page
    assert row.endswith("5) 30万人以上<br>[1,000人以上1万人未満]")


def test_hard_wraps_are_joined_and_line_breaks_kept():
    lines = pdf_to_text(DEV / "nishiura-9-kiso.pdf").split("\n")
    row = next(l for l in lines if l.startswith("個人のプライバシー") is False and l.startswith("西浦町は、"))
    assert "<br>" not in row and "認識し" in row  # wrapped in the PDF between 認 and 識
    row = next(l for l in lines if l.startswith("③システムの名称"))
    assert row == "③システムの名称\t1. 介護保険システム<br>2. 団体内統合宛名システム<br>3. 中間サーバー"


def test_a_hand_written_pdf_out_of_order_loses_its_running_lines(tmp_path):
    """Text objects written foot first and bottom up; a running header, `- N -` page numbers and a
    `N / M` counter in the bands of two pages are dropped, the body read top to bottom."""

    def page(n: int, body: list[bytes]) -> bytes:
        ops = [b"BT /F1 9 Tf 280 30 Td (- %d -) Tj ET" % n, b"BT /F1 9 Tf 480 30 Td (%d / 2) Tj ET" % n]
        for k, text in reversed(list(enumerate(body))):
            ops.append(b"BT /F1 11 Tf 72 %d Td (%s) Tj ET" % (700 - 20 * k, text))
        ops.append(b"BT /F1 9 Tf 400 815 Td (Nishiura Town assessment) Tj ET")
        return b"\n".join(ops)

    f = tmp_path / "hand.pdf"
    f.write_bytes(_pdf([page(1, [b"first line", b"second line"]), page(2, [b"third line"])]))
    assert pdf_to_text(f) == "first line\nsecond line\nthird line\n"


def test_text_run_past_the_foot_of_its_cell_goes_back_to_it(tmp_path):
    """Two cells one above the other; the upper one's text is a line longer than its row and the
    producer draws that line (right after the others) over the first line of the cell below."""
    rules = b"0.5 w 72 660 228 70 re S 72 700 m 300 700 l S"
    upper = b"BT /F1 11 Tf 76 716 Td (Upper first) Tj 0 -12 Td (upper second) Tj 0 -12 Td (upper third) Tj ET"
    lower = b"BT /F1 11 Tf 78 692 Td (Lower text) Tj ET"
    f = tmp_path / "overflow.pdf"
    f.write_bytes(_pdf([rules + b"\n" + upper + b"\n" + lower]))
    assert pdf_to_text(f) == "Upper first<br>upper second<br>upper third\nLower text\n"
    # drawn where they do not collide, the cell below keeps what stands in it
    f.write_bytes(_pdf([rules + b"\n" + upper + b"\n" + lower.replace(b"78 692", b"78 676")]))
    assert pdf_to_text(f) == "Upper first<br>upper second\nupper third<br>Lower text\n"


def test_text_printed_twice_for_a_bold_face_is_read_once(tmp_path):
    f = tmp_path / "bold.pdf"
    f.write_bytes(_pdf([b"BT /F1 11 Tf 72 700 Td (Bold label) Tj ET BT /F1 11 Tf 72.3 700 Td (Bold label) Tj ET"]))
    assert pdf_to_text(f) == "Bold label\n"


def test_radio_pairs_become_boxes():
    from piasite.importer.pdf import _boxes

    assert _boxes("● 実施する ○ 実施しない") == "[○] 実施する [ ] 実施しない"
    assert _boxes("○印の項目") == "○印の項目"  # a lone ○ is text


# --- refusals -------------------------------------------------------------------------------------------


def _pdf(pages: list[bytes], media: str = "0 0 595 842") -> bytes:
    """A small PDF written by hand: one content stream per page, Helvetica as F1."""
    objs = [b"<</Type/Catalog/Pages 2 0 R>>", b""]
    kids = []
    for content in pages:
        data = zlib.compress(content)
        objs.append(b"<</Length %d/Filter/FlateDecode>>stream\n" % len(data) + data + b"\nendstream")
        objs.append(
            b"<</Type/Page/Parent 2 0 R/MediaBox[%s]/Contents %d 0 R/Resources<</Font<</F1 %d 0 R>>>>>>"
            % (media.encode(), len(objs), len(pages) * 2 + 3)
        )
        kids.append(b"%d 0 R" % len(objs))
    objs[1] = b"<</Type/Pages/Count %d/Kids[%s]>>" % (len(pages), b" ".join(kids))
    objs.append(b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>")
    return _written(objs)


def _written(objs: list[bytes]) -> bytes:
    """Objects 1… (the catalogue first) as a PDF file with its cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def _refused(path: Path, limits: Limits | None = None) -> str:
    with pytest.raises(PdfError) as e:
        pdf_to_text(path, limits) if limits else pdf_to_text(path)
    return e.value.message


def test_a_file_named_pdf_that_is_not_one_is_refused(tmp_path):
    f = tmp_path / "評価書.pdf"
    f.write_text("特定個人情報保護評価書(基礎項目評価書)\n", encoding="utf-8")
    assert "PDF ではありません" in _refused(f)
    f.write_bytes(b"%PDF-1.4\n garbage")
    assert "何も取り込んでいません" in _refused(f)


def test_a_password_protected_pdf_is_refused():
    assert "パスワード" in _refused(DEV / "nishiura-9-kiso-password.pdf")


def test_a_scan_without_a_text_layer_is_refused(tmp_path):
    f = tmp_path / "scan.pdf"
    f.write_bytes(_pdf([b"0.5 g 50 50 400 600 re f 0 G 60 700 m 500 700 l S"]))  # drawing, no text
    message = _refused(f)
    assert "文字のデータがありません" in message and "OCR" in message and "何も取り込んでいません" in message


def test_a_pdf_whose_fonts_do_not_say_which_characters_they_draw_is_refused(tmp_path):
    """A font without a Unicode table: the text layer is only glyph numbers, and reading it would give
    wrong values."""
    content = b"BT /F1 12 Tf 72 700 Td <0012003400560078> Tj ET"
    f = tmp_path / "cid.pdf"
    f.write_bytes(
        _written(
            [
                b"<</Type/Catalog/Pages 2 0 R>>",
                b"<</Type/Pages/Count 1/Kids[4 0 R]>>",
                b"<</Length %d>>stream\n" % len(content) + content + b"\nendstream",
                b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 3 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
                b"<</Type/Font/Subtype/Type0/BaseFont/XYZ/Encoding/Identity-H/DescendantFonts[6 0 R]>>",
                b"<</Type/Font/Subtype/CIDFontType2/BaseFont/XYZ"
                b"/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>/FontDescriptor 7 0 R>>",
                b"<</Type/FontDescriptor/FontName/XYZ/Flags 4/FontBBox[0 0 1000 1000]/ItalicAngle 0"
                b"/Ascent 800/Descent -200/CapHeight 700/StemV 80>>",
            ]
        )
    )
    message = _refused(f)
    assert "どの文字か PDF に書かれていません" in message and "何も取り込んでいません" in message


def test_a_pdf_over_the_page_limit_is_refused():
    message = _refused(DEV / "nishiura-9-kiso.pdf", Limits(max_pdf_pages=2))
    assert "3 ページ" in message and "2 ページまで" in message


def test_hostile_pages_are_bounded(tmp_path):
    many = tmp_path / "many.pdf"
    n = MAX_CHARS_PER_PAGE + 1000
    run = b"BT /F1 0.5 Tf 10 10 Td (" + b"x" * n + b") Tj ET"
    many.write_bytes(_pdf([run]))
    t = time.monotonic()
    assert "文字が多すぎます" in _refused(many)
    assert time.monotonic() - t < 60
    grid = tmp_path / "grid.pdf"  # a mesh of 130 by 130 rules on a huge page
    mesh = b"".join(
        b"0 %d m 14000 %d l S %d 0 m %d 14000 l S\n" % (i * 10 + 5, i * 10 + 5, i * 10 + 5, i * 10 + 5)
        for i in range(130)
    )
    grid.write_bytes(_pdf([mesh + b"BT /F1 12 Tf 10 10 Td (x) Tj ET"], media="0 0 14400 14400"))
    t = time.monotonic()
    assert "罫線が多すぎます" in _refused(grid)
    assert time.monotonic() - t < 10
    bomb = tmp_path / "bomb.pdf"  # 25 MB of content compressed into a few kilobytes
    bomb.write_bytes(_pdf([b" " * (MAX_CONTENT_BYTES + 5_000_000) + b"BT /F1 12 Tf 10 10 Td (x) Tj ET"]))
    assert bomb.stat().st_size < 100_000
    t = time.monotonic()
    assert "展開すると" in _refused(bomb)
    assert time.monotonic() - t < 10
    huge = tmp_path / "huge.pdf"  # a page of 14,400 points square (the largest PDF allows) with one line
    huge.write_bytes(_pdf([b"BT /F1 12 Tf 100 14000 Td (Hello) Tj ET"], media="0 0 14400 14400"))
    t = time.monotonic()
    assert pdf_to_text(huge) == "Hello\n"
    assert time.monotonic() - t < 10


def test_the_command_refuses_without_a_traceback(tmp_path):
    f = tmp_path / "scan.pdf"
    f.write_bytes(_pdf([b"50 50 400 600 re S"]))
    res = piasite("import", f, "--report")
    assert res.returncode == 1
    assert "scan.pdf" in res.stderr and "OCR" in res.stderr and "Traceback" not in res.stderr + res.stdout
    res = piasite("import", DEV / "nishiura-9-kiso-password.pdf", "--report")
    assert res.returncode == 1 and "パスワード" in res.stderr


def test_the_command_imports_a_pdf(tmp_path):
    res = piasite("import", DEV / "nishiura-9-kiso.pdf", "--out", tmp_path)
    assert res.returncode == 0, res.stderr
    out = tmp_path / "nishiura-9-kiso.yaml"
    assert read(out).data == read(DEV / "nishiura-9-kiso.yaml").data
