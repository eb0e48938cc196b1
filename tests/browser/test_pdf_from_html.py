"""PDFs made by a browser, read by `piasite import FILE.pdf`: the form's workbook saved as HTML by
LibreOffice Calc (tests/fixtures/pdf/html/, scripts/make_html_fixtures.py) and printed to PDF by
Chromium, as a city printing a web page or a Word-like program makes its PDF. Chrome's PDFs differ
from LibreOffice's: page breaks fall elsewhere, no title row repeats, borders are drawn by Skia, and
the text layer gives radicals for kanji (⼈ for 人, ⺠ for 民, ⼾ for 戸). Every value must come back
as the document has it: equal, or equal but for line breaks a cell's width made."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from piasite.importer import import_file

REPO = Path(__file__).resolve().parents[2]
HTML = REPO / "tests" / "fixtures" / "pdf" / "html"
sys.path.insert(0, str(REPO / "scripts"))
import layout_score  # noqa: E402

pytestmark = pytest.mark.browser

NAMES = sorted(p.stem for p in HTML.glob("*.html"))


def print_pdf(browser, html: Path, pdf: Path) -> None:
    context = browser.new_context(locale="ja-JP", offline=True)
    try:
        page = context.new_page()
        page.goto(html.as_uri())
        page.pdf(path=str(pdf), format="A4")
    finally:
        context.close()


def test_there_is_one_html_per_workbook():
    assert NAMES == sorted(p.stem for p in HTML.parent.glob("*.xlsx"))


@pytest.mark.parametrize("name", NAMES)
def test_a_chrome_printed_workbook_imports_every_value(browser, tmp_path, name):
    pdf = tmp_path / f"{name}.pdf"
    print_pdf(browser, HTML / f"{name}.html", pdf)
    imp = import_file(pdf)
    assert imp.stats["unified"] > 0  # the fonts' radicals were in the text layer, and read as the kanji
    src = layout_score.pdf_source(name)
    s = layout_score.score("chrome", src, str(pdf), reader=lambda p: import_file(Path(p)))
    assert (s.wrong, s.invented, s.missing, s.unsettled) == (0, 0, 0, 0), s.details
    assert s.equal + s.equal_ws == s.values
