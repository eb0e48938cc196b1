"""Make the PDF fixtures the way cities make theirs: the form's workbook, converted by LibreOffice.

Each document of tests/fixtures/acceptance/*.expected.yaml (invented organisations, all three
forms) is exported with `piasite export --format xlsx` into tests/fixtures/pdf/<name>.xlsx, and
LibreOffice (headless, with a throwaway profile) converts the workbook into <name>.pdf beside it.
Then each PDF is opened with pdfplumber: it must have a text layer with Japanese in it.

    python3 scripts/make_pdf_fixtures.py            # all eight
    python3 scripts/make_pdf_fixtures.py aobadai-5-kiso

The PDFs are held-out material for the PDF reader: its tests compare what it reads from them
with the expected YAML; nothing in the exporter may be tuned to them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tests" / "fixtures" / "acceptance"
OUT = ROOT / "tests" / "fixtures" / "pdf"
SUFFIX = ".expected.yaml"


def soffice() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit(
        "LibreOffice (soffice) が見つかりません。apt-get install libreoffice-calc fonts-noto-cjk などで入れてください"
    )


def export(source: Path, xlsx: Path) -> None:
    # The CLI, as a clerk runs it (checks the document first, masks 非公表 values)
    cmd = [sys.executable, "-m", "piasite", "export", "--format", "xlsx", str(source), "--out", str(xlsx)]
    subprocess.run(cmd, check=True, cwd=ROOT)


def convert(xlsx: Path, outdir: Path, program: str) -> Path:
    with tempfile.TemporaryDirectory(prefix="piasite-lo-") as profile:
        cmd = [
            program,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(xlsx),
        ]
        subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    return outdir / (xlsx.stem + ".pdf")


def inspect(pdf: Path) -> str:
    import pdfplumber  # noqa: PLC0415 — only for the check at the end

    with pdfplumber.open(pdf) as doc:
        pages = len(doc.pages)
        text = "".join(p.extract_text() or "" for p in doc.pages)
    japanese = sum(1 for c in text if "\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff")
    if japanese < 100:
        sys.exit(f"{pdf}: 日本語のテキストがありません (文字 {len(text)}、うち日本語 {japanese})")
    return f"{pdf.relative_to(ROOT)}: {pages} ページ, {pdf.stat().st_size // 1024} kB, 文字 {len(text)} (日本語 {japanese})"


def main(names: list[str]) -> None:
    program = soffice()
    OUT.mkdir(parents=True, exist_ok=True)
    sources = sorted(SOURCES.glob(f"*{SUFFIX}"))
    if names:
        sources = [s for s in sources if s.name[: -len(SUFFIX)] in names]
    for source in sources:
        name = source.name[: -len(SUFFIX)]
        xlsx = OUT / f"{name}.xlsx"
        export(source, xlsx)
        pdf = convert(xlsx, OUT, program)
        print(inspect(pdf))


if __name__ == "__main__":
    main(sys.argv[1:])
