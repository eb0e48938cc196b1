"""Make tests/fixtures/pdf-dev/nishiura-9-kiso-ocr.pdf: the first two pages of nishiura-9-kiso.pdf
as a city's scanner makes them (150 dpi, grey, JPEG; poppler's pdftoppm, img2pdf), then given a
text layer by character recognition (OCRmyPDF with Tesseract's Japanese model), as old published
assessments often are. Its text is the recogniser's: characters misread, words spaced, the table's
rules only in the picture.

    apt-get install poppler-utils img2pdf ocrmypdf tesseract-ocr-jpn
    python3 scripts/make_ocr_fixture.py
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

DEV = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pdf-dev"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        subprocess.run(
            ["pdftoppm", "-r", "150", "-gray", "-jpeg", "-jpegopt", "quality=60", "-f", "1", "-l", "2",
             str(DEV / "nishiura-9-kiso.pdf"), str(t / "s")],
            check=True,
        )  # fmt: skip
        subprocess.run(["img2pdf", *sorted(map(str, t.glob("s-*.jpg"))), "-o", str(t / "scan.pdf")], check=True)
        out = DEV / "nishiura-9-kiso-ocr.pdf"
        subprocess.run(["ocrmypdf", "-q", "-l", "jpn", str(t / "scan.pdf"), str(out)], check=True)
        print(out)


if __name__ == "__main__":
    main()
