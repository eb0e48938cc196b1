"""Score the importer on whole documents rewritten into the text layouts of real extractor output
(scripts/layouts.py), item by item against the truth.

Sources: the acceptance documents (tests/fixtures/acceptance: the truth is the *.expected.yaml; the
text rewritten is its export in the official layout, and — marked `txt` — the document's own text),
a document of every form with every item filled (tests/formdocs.py), and the seeds (the truth is the
seed's own clean import; the text rewritten is its export).

Per leaf of the truth with a value: equal (as the truth), equal_ws (the same but for white space and
line breaks: a flattened page or a hard-wrapped cell loses them), wrong (a value that differs and is
not !要確認), unsettled (!要確認), missing (empty). Per leaf of the import with a value where the truth
has none: invented. `right` = equal + equal_ws. The importer's own headline (report.measure) is
printed beside it.

    python3 scripts/layout_score.py                 # the table per layout and form
    python3 scripts/layout_score.py -v              # and per document
    python3 scripts/layout_score.py --write-fixtures  # tests/fixtures/layouts/<layout>/<name>.txt
    python3 scripts/layout_score.py --layout flattened --source acceptance
    python3 scripts/layout_score.py --pdf           # the held-out PDFs (tests/fixtures/pdf), read and pdftotext'ed
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from layouts import LAYOUTS, as_printed, canonical  # noqa: E402

from piasite.commands.export import export_text  # noqa: E402
from piasite.core.errors import PiasiteError  # noqa: E402
from piasite.forms.form import Form  # noqa: E402
from piasite.forms.registry import form_for, form_names, load_form  # noqa: E402
from piasite.importer import import_file, import_text, measure  # noqa: E402
from piasite.importer.writer import dump  # noqa: E402
from piasite.model.reader import ReadError, Uncertain, parse, read  # noqa: E402
from tests.formdocs import full_document, leaves  # noqa: E402

ACCEPTANCE = ROOT / "tests" / "fixtures" / "acceptance"
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
FIXTURES = ROOT / "tests" / "fixtures" / "layouts"
BAR_RIGHT = 95.0  # the bar of issue 19: ≥95 % of values in the right item …
BAR_WRONG = 0  # … and no value wrong


@dataclass
class Source:
    group: str  # acceptance, acceptance-txt, formdocs, seeds
    name: str
    form: Form
    text: str  # the canonical text the layouts rewrite
    truth: dict


@dataclass
class Score:
    layout: str
    group: str
    name: str
    form: str
    values: int = 0
    equal: int = 0
    equal_ws: int = 0
    wrong: int = 0
    unsettled: int = 0
    missing: int = 0
    invented: int = 0
    extra_unsettled: int = 0  # !要確認 where the truth has nothing
    invented_keys: int = 0  # keys the form does not define
    notes: int = 0
    crash: str = ""  # the traceback's last line, when the import raised
    refused: str = ""  # the import refused the text with a message (PiasiteError)
    unreadable: str = ""  # piasite's reader refuses the YAML the import gives
    headline: tuple[int, int] = (0, 0)  # the importer's report: (placed, valued)
    details: list[str] = field(default_factory=list)

    @property
    def right(self) -> int:
        return self.equal + self.equal_ws

    @property
    def pct(self) -> float:
        return 100.0 * self.right / self.values if self.values else 100.0


def _own_keys(form: Form) -> set[str]:
    return {form.role_key(r) for r in ("import_notes", "import_missing") if form.has_role(r)}


def normalised(data: dict, form: Form) -> dict:
    """A document as written and read back (dates as dates, !要確認 as Uncertain), without piasite's
    import bookkeeping. Raises ReadError when piasite's reader refuses what the import wrote."""
    own = _own_keys(form)
    d = parse(dump({k: v for k, v in data.items() if k not in own}, form, [], "../schema"), "<import>").data
    return {k: v for k, v in d.items() if k not in own}


def _empty(v) -> bool:
    return v is None or v is False or (isinstance(v, str) and not v.strip())


def _squeeze(v) -> str:
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return re.sub(r"\s+", "", str(v))


def _known_key(form: Form, path: tuple) -> bool:
    """Whether the form defines the path's keys (below a value item — a multi's qualifier — anything goes)."""
    if path and path[0] in {i.key for i in form.document_items}:
        return True
    for n in range(1, len(path) + 1):
        if not isinstance(path[n - 1], str):
            continue
        it = form.item_at(path[:n])
        if it is None:
            return False
        if not it.is_container:
            return True
    return True


def score(layout: str, src: Source, text: str, reader=import_text) -> Score:
    """reader: text → Imported (import_text; for a PDF, the file's path read by import_file)."""
    s = Score(layout, src.group, src.name, src.form.name)
    want = {p: as_printed(layout, v) for p, v in leaves(src.truth) if not isinstance(v, Uncertain)}
    try:
        imp = reader(text)
        try:
            got = dict(leaves(normalised(imp.data, imp.form)))
        except ReadError as e:  # the import wrote what piasite cannot read back: a finding, compared as is
            s.unreadable = str(e)
            got = dict(leaves({k: v for k, v in imp.data.items() if k not in _own_keys(imp.form)}))
        notes = imp.form.role_key("import_notes") if imp.form.has_role("import_notes") else None
        s.notes = len(imp.data.get(notes) or []) if notes else 0
        f = measure(src.name, imp)
        s.headline = (f.filled, f.valued)
        form = imp.form
    except PiasiteError as e:  # refused with a message (what the CLI prints, no traceback)
        s.refused = str(e.format_message())
        got, form = {}, src.form
    except Exception:  # a traceback is a finding: counted, never raised
        s.crash = traceback.format_exc().strip().splitlines()[-1]
        got, form = {}, src.form
    for p, t in want.items():
        if _empty(t):
            continue
        s.values += 1
        g = got.get(p)
        where = ".".join(map(str, p))
        if isinstance(g, Uncertain):
            s.unsettled += 1
        elif _empty(g):
            s.missing += 1
            s.details.append(f"missing  {where}: {str(t)[:60]!r}")
        elif g == t:
            s.equal += 1
        elif _squeeze(g) == _squeeze(t):
            s.equal_ws += 1
        else:
            s.wrong += 1
            s.details.append(f"wrong    {where}: {str(t)[:50]!r} → {str(g)[:50]!r}")
    for p, g in got.items():
        if not _empty(want.get(p)):
            continue
        if not _known_key(form, p):
            s.invented_keys += 1
        if isinstance(g, Uncertain):
            s.extra_unsettled += 1
        elif not _empty(g):
            s.invented += 1
            s.details.append(f"invented {'.'.join(map(str, p))}: {str(g)[:60]!r}")
    return s


# -- sources ---------------------------------------------------------------------------------------


def acceptance_sources(own_text: bool = True) -> Iterator[Source]:
    for txt in sorted(ACCEPTANCE.glob("*.txt")):
        truth = read(txt.with_name(txt.name.replace(".txt", ".expected.yaml"))).data
        form = form_for(truth, None)
        assert form is not None, txt.name
        yield Source("acceptance", txt.stem, form, export_text(form, truth), normalised(truth, form))
        if own_text:
            yield Source("acceptance-txt", txt.stem, form, txt.read_text(encoding="utf-8"), normalised(truth, form))


def formdoc_sources() -> Iterator[Source]:
    for name in form_names():
        form = load_form(name)
        if not form.has_role("changes"):
            continue  # a 変更箇所一覧 has no label/value rows to rearrange
        doc = normalised(full_document(form), form)
        yield Source("formdocs", f"full-{form.schema_id}", form, export_text(form, doc), doc)


def seed_sources(own_text: bool = False) -> Iterator[Source]:
    for txt in sorted(SEEDS.glob("*.txt")):
        imp = import_text(txt.read_text(encoding="utf-8"))
        if not imp.form.has_role("changes"):
            continue
        truth = normalised(imp.data, imp.form)
        yield Source("seeds", txt.stem, imp.form, export_text(imp.form, truth), truth)
        if own_text:
            yield Source("seeds-txt", txt.stem, imp.form, txt.read_text(encoding="utf-8"), truth)


PDFS = ROOT / "tests" / "fixtures" / "pdf"


def extracted_sources() -> Iterator[Source]:
    """The held-out PDFs as an extractor gives them (scripts/make_pdf_text_fixtures.py: pdftotext in
    reading order and with -layout), each against the acceptance document it was made from."""
    for folder in sorted(p for p in (PDFS / "text").iterdir() if p.is_dir()):
        for txt in sorted(folder.glob("*.txt")):
            truth = read(ACCEPTANCE / f"{txt.stem}.expected.yaml").data
            form = form_for(truth, None)
            assert form is not None, txt.name
            yield Source(folder.name, txt.stem, form, txt.read_text(encoding="utf-8"), normalised(truth, form))


def pdf_scores() -> list[Score]:
    """`piasite import FILE.pdf` on the held-out PDFs (workbooks of the export turned into PDF by
    LibreOffice: tests/fixtures/pdf/README.md), and the same PDFs through pdftotext."""
    out = []
    for pdf in sorted(PDFS.glob("*.pdf")):
        src = pdf_source(pdf.stem)
        out.append(score("pdf", src, str(pdf), reader=lambda p: import_file(Path(p))))
    return out + [score(src.group, src, src.text) for src in extracted_sources()] + chrome_scores()


def pdf_source(name: str) -> Source:
    """The acceptance document a held-out PDF was made from, as its truth."""
    truth = read(ACCEPTANCE / f"{name}.expected.yaml").data
    form = form_for(truth, None)
    assert form is not None, name
    return Source("pdf", name, form, "", normalised(truth, form))


def chrome_scores() -> list[Score]:
    """The workbooks saved as HTML by LibreOffice (tests/fixtures/pdf/html/) printed to PDF by Chromium
    (Playwright, /usr/bin/chromium or PIASITE_CHROMIUM): Chrome's text layer, page breaks and borders.
    Nothing when Chromium or Playwright is missing (the browser tests fail then; this is a report)."""
    import os  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    chromium = os.environ.get("PIASITE_CHROMIUM", "/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415
    except ImportError:
        return []
    if not Path(chromium).exists():
        return []
    out = []
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for html in sorted((PDFS / "html").glob("*.html")):
            context = browser.new_context(locale="ja-JP", offline=True)
            page = context.new_page()
            page.goto(html.as_uri())
            pdf = Path(tmp) / f"{html.stem}.pdf"
            page.pdf(path=str(pdf), format="A4")
            context.close()
            out.append(score("chrome", pdf_source(html.stem), str(pdf), reader=lambda q: import_file(Path(q))))
        browser.close()
    return out


def sources(which: str = "all") -> list[Source]:
    out: list[Source] = []
    if which in ("all", "acceptance"):
        out += acceptance_sources()
    if which in ("all", "formdocs"):
        out += formdoc_sources()
    if which in ("all", "seeds"):
        out += seed_sources()
    if which == "seeds-txt":  # the seeds' own texts: a rough mapping (its canonical row loses ~15 %)
        out += seed_sources(own_text=True)
    return out


def rewrite(layout: str, src: Source, seed: int = 0) -> str:
    fn = canonical if layout == "canonical" else LAYOUTS[layout]
    return fn(src.text, src.form, seed)


def run(layouts: list[str], srcs: list[Source], seed: int = 0) -> list[Score]:
    out = []
    for layout in layouts:
        for src in srcs:
            out.append(score(layout, src, rewrite(layout, src, seed)))
    return out


def bar_failures(scores: list[Score]) -> list[tuple[str, str, str]]:
    """(layout, document, reason) for every score below the bar: ≥95 % right and 0 wrong."""
    out = []
    for s in scores:
        doc = f"{s.group}/{s.name}"
        reasons = []
        if s.crash:
            reasons.append(f"crash: {s.crash}")
        if s.refused:
            reasons.append(f"refused: {s.refused}")
        if s.pct < BAR_RIGHT:
            reasons.append(f"right {s.pct:.1f}% < {BAR_RIGHT:.0f}%")
        if s.wrong > BAR_WRONG:
            reasons.append(f"wrong {s.wrong}")
        if reasons:
            out.append((s.layout, doc, "; ".join(reasons)))
    return out


# -- the table -------------------------------------------------------------------------------------

HEAD = (
    "layout\tsource\tform\tdocs\tvalues\tequal\teq_ws\twrong\tunsettled\tmissing\tinvented\tright%\theadline\theadline%"
)


def _row(label: list[str], ss: list[Score]) -> str:
    tot = {k: sum(getattr(s, k) for s in ss) for k in ("values", "equal", "equal_ws", "wrong", "unsettled", "missing")}
    inv = sum(s.invented for s in ss)
    right = tot["equal"] + tot["equal_ws"]
    hp, hv = sum(s.headline[0] for s in ss), sum(s.headline[1] for s in ss)
    crash = sum(1 for s in ss if s.crash)
    refused = sum(1 for s in ss if s.refused)
    pct = 100.0 * right / tot["values"] if tot["values"] else 100.0
    hpct = 100.0 * hp / hv if hv else 100.0
    cells = [
        *label,
        str(len(ss)) + (f" ({crash} crash)" if crash else "") + (f" ({refused} refused)" if refused else ""),
    ]
    cells += [str(tot[k]) for k in ("values", "equal", "equal_ws", "wrong", "unsettled", "missing")]
    cells += [str(inv), f"{pct:.1f}", f"{hp}/{hv}", f"{hpct:.1f}"]
    return "\t".join(cells)


def table(scores: list[Score], per_doc: bool = False, by_form: bool = False) -> str:
    """A row per layout × source × form (by_form: per layout × form over the sources whose truth is
    exact — the exports — leaving out the rewritten own texts)."""
    out = [HEAD]
    if by_form:
        scores = [Score(**{**s.__dict__, "group": "export"}) for s in scores if not s.group.endswith("-txt")]
    keys = sorted({(s.layout, s.group, s.form) for s in scores}, key=lambda k: (_order(k[0]), k[1], k[2]))
    for layout, group, form in keys:
        ss = [s for s in scores if (s.layout, s.group, s.form) == (layout, group, form)]
        out.append(_row([layout, group, form], ss))
        if per_doc:
            for s in ss:
                out.append(_row([" ", " ", s.name], [s]))
    return "\n".join(out)


def _order(layout: str) -> int:
    names = ["canonical", *LAYOUTS]
    return names.index(layout) if layout in names else len(names)


def write_fixtures(seed: int = 0) -> list[Path]:
    """The acceptance documents (their export: the truth is exact) in every layout."""
    written = []
    for src in acceptance_sources(own_text=False):
        for layout in LAYOUTS:
            p = FIXTURES / layout / f"{src.name}.txt"
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(rewrite(layout, src, seed), encoding="utf-8")
            written.append(p)
    return written


def committed_sources() -> Iterator[tuple[str, Source, str]]:
    """(layout, source, text) for the committed texts of tests/fixtures/layouts/."""
    truths = {s.name: s for s in acceptance_sources(own_text=False)}
    for layout in LAYOUTS:
        for p in sorted((FIXTURES / layout).glob("*.txt")):
            yield layout, truths[p.stem], p.read_text(encoding="utf-8")


def committed_scores() -> list[Score]:
    return [score(layout, src, text) for layout, src, text in committed_sources()]


def known_failing_table(scores: list[Score]) -> str:
    rows = ["| layout | document | reason |", "|---|---|---|"]
    rows += [f"| {layout} | {doc} | {why} |" for layout, doc, why in bar_failures(scores)]
    return "\n".join(rows)


def markdown(tsv: str) -> str:
    rows = [l.split("\t") for l in tsv.splitlines()]
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    return "\n".join(out + ["| " + " | ".join(r) + " |" for r in rows[1:]])


def _replace(text: str, marker: str, body: str) -> str:
    start, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    a, b = text.index(start) + len(start), text.index(end)
    return text[:a] + "\n" + body + "\n" + text[b:]


def update_readme(seed: int = 0) -> None:
    """The README's figures (per layout × form over the exported sources, then per source) and its
    list of the committed texts (and formdocs) below the bar, as measured now."""
    readme = FIXTURES / "README.md"
    scores = run(["canonical", *LAYOUTS], sources(), seed)
    figures = markdown(table(scores, by_form=True)) + "\n\nPer source:\n\n" + markdown(table(scores))
    refused = [f"- `{s.layout}` {s.group}/{s.name}: refused 「{s.refused}」" for s in scores if s.refused]
    crashed = [f"- `{s.layout}` {s.group}/{s.name}: traceback `{s.crash}`" for s in scores if s.crash]
    if refused or crashed:
        figures += "\n\n" + "\n".join(crashed + refused)
    text = _replace(readme.read_text(encoding="utf-8"), "figures", figures)
    known = known_failing_table(committed_scores() + run(list(LAYOUTS), list(formdoc_sources()), seed))
    readme.write_text(_replace(text, "known-failing", known), encoding="utf-8")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description="実際の抽出テキストの配置での取り込みを、項目ごとに数えます")
    ap.add_argument("--layout", action="append", choices=["canonical", *LAYOUTS])
    ap.add_argument("--source", default="all", choices=["all", "acceptance", "formdocs", "seeds", "seeds-txt"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("-v", action="store_true", help="a row per document")
    ap.add_argument("--by-form", action="store_true", help="a row per layout and form (all exported sources)")
    ap.add_argument("--details", action="store_true", help="every wrong, missing and invented leaf")
    ap.add_argument("--write-fixtures", action="store_true")
    ap.add_argument("--known-failing", action="store_true", help="the README's list: the committed texts below the bar")
    ap.add_argument("--update-readme", action="store_true", help="rewrite the figures and the known-failing list")
    ap.add_argument(
        "--pdf", action="store_true", help="the held-out PDFs: piasite import FILE.pdf, and pdftotext's text"
    )
    a = ap.parse_args(argv)
    if a.write_fixtures:
        for p in write_fixtures(a.seed):
            print(p.relative_to(ROOT))
        return 0
    if a.update_readme:
        update_readme(a.seed)
        return 0
    if a.known_failing:
        print(known_failing_table(committed_scores() + run(list(LAYOUTS), list(formdoc_sources()), a.seed)))
        return 0
    layouts = a.layout or ["canonical", *LAYOUTS]
    scores = pdf_scores() if a.pdf else run(layouts, sources(a.source), a.seed)
    print(table(scores, a.v, a.by_form))
    fails = bar_failures(scores)
    print(f"\nbar (≥{BAR_RIGHT:.0f}% right, {BAR_WRONG} wrong): {len(scores) - len(fails)} of {len(scores)} met")
    crashes = [s for s in scores if s.crash]
    for s in crashes:
        print(f"CRASH {s.layout} {s.group}/{s.name}: {s.crash}")
    for s in scores:
        if s.refused:
            print(f"REFUSED {s.layout} {s.group}/{s.name}: {s.refused}")
    for s in scores:
        if s.unreadable:
            print(f"UNREADABLE {s.layout} {s.group}/{s.name}: {s.unreadable}")
    keys = sum(s.invented_keys for s in scores)
    print(f"invented keys (not in the form): {keys}")
    if a.details:
        for s in scores:
            for d in s.details:
                print(f"{s.layout}\t{s.group}/{s.name}\t{d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
