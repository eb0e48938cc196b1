"""Importer of published assessments from their extracted PDF text.

text.py (cleanup, HTML → Markdown) → choices.py (checkboxes and choices) →
body.py (the label-driven parser, with cells.py: what a cell holds besides its value)
+ changelog.py (別添2) or henko.py
(変更箇所一覧) → document.py (one file → one document, evidence passes) with
uncertain.py (what stays unread for certain becomes !要確認 at the item) →
writer.py (YAML) → report.py (fidelity).
"""

from __future__ import annotations

from pathlib import Path

from piasite.config.limits import DEFAULT_LIMITS, Limits
from piasite.core import safefiles
from piasite.importer import plausible
from piasite.importer.document import import_text
from piasite.importer.fidelity import UNCERTAIN
from piasite.importer.imported import Imported
from piasite.importer.report import Fidelity, marked, measure, render
from piasite.importer.writer import dump, schema_rel_path

__all__ = ["Imported", "import_text", "import_file", "write", "measure", "render", "Fidelity"]

OCR_REASON = (
    "紙を読み取った画像の PDF に、文字認識(OCR)で重ねられた文字です。文字や区切りの読み違いがあり得るため、"
    "PDF の画像と見比べて値を確かめてください"
)


def import_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> Imported:
    path = Path(path)
    if path.suffix.lower() == ".pdf" or _starts_like_a_pdf(path):  # read through its tables' geometry (pdf.py)
        from piasite.importer.pdf import read_pdf  # noqa: PLC0415 — pdfplumber loads only for a PDF

        pdf = read_pdf(path, limits)
        imported = import_text(pdf.text, limits)
        if pdf.pictured * 2 >= pdf.pages:  # a scan whose text is a recogniser's guesses
            imported.stats["pictured"] = (pdf.pictured, pdf.pages)
            marked_paths = plausible.unsettle_all(
                imported.form, imported.data, imported.stats.get("valued", {}), OCR_REASON
            )
            if (c := imported.stats.get("classified")) is not None:
                c.by_path.update((p, UNCERTAIN) for p in marked_paths if p in c.by_path)
        return imported
    return import_text(path.read_text(encoding="utf-8"), limits)


def _starts_like_a_pdf(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(5) == b"%PDF-"


def write(imported: Imported, source: Path, out_file: Path, repo_root: Path | None = None) -> Path:
    form = imported.form
    notes_key = form.role_key("import_notes") if form.has_role("import_notes") else None
    n = len(imported.data.get(notes_key) or []) if notes_key else 0
    m = sum(1 for _ in marked({k: v for k, v in imported.data.items() if k != notes_key}))
    header = [
        f"{Path(source).name} から piasite import で取り込みました(取込メモ {n} 件、"
        f"原文から読み取れなかった項目 !要確認 {m} 件)。"
    ]
    text = dump(imported.data, imported.form, header, schema_rel_path(out_file, repo_root))
    # whole or not at all (commands/importing.py has refused an existing file unless --force)
    return safefiles.write_new(out_file, text.encode("utf-8"), force=True, folders=True)
