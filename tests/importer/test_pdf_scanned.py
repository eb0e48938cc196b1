"""A scanned PDF with a character-recognition (OCR) layer (tests/fixtures/pdf-dev/nishiura-9-kiso-ocr.pdf,
scripts/make_ocr_fixture.py): its text is the recogniser's guesses, so every value read from it is
!要確認 with the reason, the report says why, and nothing of it can be published unsettled."""

from __future__ import annotations

from piasite.importer import import_file, measure, render
from piasite.importer.pdf import read_pdf
from piasite.importer.report import marked
from tests.conftest import FIXTURES

DEV = FIXTURES / "pdf-dev"


def test_a_scan_with_an_ocr_layer_is_recognised_and_nothing_read_from_it_is_taken_as_read():
    pdf = read_pdf(DEV / "nishiura-9-kiso-ocr.pdf")
    assert (pdf.pictured, pdf.pages) == (2, 2)
    imp = import_file(DEV / "nishiura-9-kiso-ocr.pdf")
    notes = imp.form.role_key("import_notes")
    unsettled = list(marked({k: v for k, v in imp.data.items() if k != notes}))
    assert unsettled and all("文字認識" in u.reason for _, u in unsettled)
    f = measure("nishiura-9-kiso-ocr.pdf", imp)
    assert f.filled == 0 and f.coverage == 0.0
    assert "紙を読み取った画像の PDF です (2 ページのうち 2 ページ)" in render([f])


def test_a_pdf_made_from_a_workbook_is_not_taken_for_a_scan():
    pdf = read_pdf(DEV / "nishiura-9-kiso.pdf")
    assert pdf.pictured == 0
    imp = import_file(DEV / "nishiura-9-kiso.pdf")
    assert "pictured" not in imp.stats
