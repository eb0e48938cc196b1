"""Make the HTML fixtures from which the browser tests print PDFs the way Chrome and Word-like
programs make them (tests/browser/test_pdf_from_html.py; `scripts/layout_score.py --pdf` scores them
as `chrome`).

Each workbook of tests/fixtures/pdf/<name>.xlsx (the export of an acceptance document: see
make_pdf_fixtures.py) is saved by LibreOffice Calc (headless) as HTML — a table of the cells with
their borders, spans and fonts, written by LibreOffice's HTML filter, not by piasite — into
tests/fixtures/pdf/html/<name>.html. The filter's own table of contents (an "Overview" list and a
"Sheet N: name" heading before each sheet) is removed: a page a city prints from its workbook has
no such lines. Printing the HTML with Chromium gives a PDF whose text layer is Chrome's: other
page breaks, no print titles, borders as Skia draws them, and radicals for kanji (⼈ for 人).

    python3 scripts/make_html_fixtures.py            # all eight
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_pdf_fixtures import OUT, soffice  # noqa: E402

HTML = OUT / "html"


def convert(xlsx: Path) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        subprocess.run(
            [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "html",
             "--outdir", tmp, str(xlsx)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        text = (Path(tmp) / f"{xlsx.stem}.html").read_text(encoding="utf-8")
    text = re.sub(r"<hr>\s*<p><center>.*?</center></p>\s*<hr>", "", text, flags=re.S)  # the Overview list
    text = re.sub(r"<h1>Sheet \d+: <em>.*?</em></h1>", "", text)
    # the filter stamps the conversion's own time and version; a fixture must not change on every run
    text = re.sub(r'\s*<meta name="(generator|created|changed)"[^>]*>', "", text)
    return text


def main(names: list[str]) -> None:
    HTML.mkdir(exist_ok=True)
    for xlsx in sorted(OUT.glob("*.xlsx")):
        if names and xlsx.stem not in names:
            continue
        out = HTML / f"{xlsx.stem}.html"
        out.write_text(convert(xlsx), encoding="utf-8")
        print(f"{out.relative_to(OUT.parent.parent.parent)}")


if __name__ == "__main__":
    main(sys.argv[1:])
