"""Real extractor output of the held-out PDFs: what a city gets when it runs poppler's pdftotext (the
text layer most mirror sites and copy-paste give) on tests/fixtures/pdf/*.pdf, in its two usual modes:
reading order (`pdftotext`) and the page's columns kept (`pdftotext -layout`). Committed under
tests/fixtures/pdf/text/<mode>/<name>.txt so the tests need no poppler; scored by
`python3 scripts/layout_score.py --extracted`.

    python3 scripts/make_pdf_text_fixtures.py      # needs poppler-utils (Debian: apt install poppler-utils)
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PDFS = ROOT / "tests" / "fixtures" / "pdf"
MODES = {"pdftotext": [], "pdftotext-layout": ["-layout"]}


def main() -> int:
    for mode, flags in MODES.items():
        out = PDFS / "text" / mode
        out.mkdir(parents=True, exist_ok=True)
        for pdf in sorted(PDFS.glob("*.pdf")):
            text = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", *flags, str(pdf), "-"], check=True, capture_output=True
            ).stdout.decode("utf-8")
            (out / f"{pdf.stem}.txt").write_text(text, encoding="utf-8")
            print(out / f"{pdf.stem}.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
