"""Pagefind from PyPI (pagefind[extended], the no-Node.js install) against npm's (package.json) on
Japanese queries, through the built site's own search page in Chromium (issue 21, item 1).

    python3 scripts/pagefind_compare.py [--out docs/pagefind-versions.md]

Builds the repository's content/ once per binary (PIASITE_PAGEFIND), serves each site, types every
query into its search page as the browser tests do (tests/browser/searchbox.py) and compares the
pages found with the assessments that contain the written form (tests/browser/sitefacts.py). The
queries: the browser search tests' own (tests/browser/test_search*.py), then variants of our own —
full-/half-width letters and kana, hiragana for katakana, the abbreviations of content/aliases.yaml,
and contractors' names that stand inside a long text (not only in a 委託先名 field). For each, the
first result that opens a right assessment must land on an item holding the text (a sub-result).
Prints a Markdown table (and writes it into --out between the markers).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser")]

import sitefacts as facts  # noqa: E402 — tests/browser, on the path just above
from harness import serve  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from searchbox import ranked_pages, result_links, site_path  # noqa: E402
from test_search import TYPED  # noqa: E402 — the browser tests' own queries, not copies
from test_search_forgiving import FORMS, HIRAGANA  # noqa: E402

from piasite.engine.pagefind import npm_binary, pypi_binary, version_of  # noqa: E402
from piasite.model.names import Names  # noqa: E402

CHROMIUM = os.environ.get("PIASITE_CHROMIUM", "/usr/bin/chromium")
BEGIN, END = "<!-- pagefind_compare: begin -->", "<!-- pagefind_compare: end -->"


@dataclass(frozen=True)
class Query:
    kind: str
    typed: str
    written: str  # the form the documents hold: the pages that contain it are the right answer


def long_text_contractors(n: int = 4) -> list[str]:
    """Contractors' names that also stand inside a long text (≥ 100 characters) of some assessment."""
    names = sorted({raw for d in facts.docs() for p, raw, _ in d.leaves if p and p[-1] == "委託先名" and len(raw) >= 4})
    out = []
    for name in names:
        key = facts.norm(name)
        if any(len(t) >= 100 and key in t and t != key for d in facts.docs() for _p, _raw, t in d.leaves):
            out.append(name)
    return out[:n]


def queries() -> list[Query]:
    out = [Query(kind, q, q) for kind, q in TYPED]
    out += [Query("全角・半角", t, w) for t, w in FORMS]
    out += [Query("ひらがな", t, w) for t, w in HIRAGANA]
    out += [Query("略称", s, w) for s, w in sorted(Names.load(facts.CONTENT).abbreviations.items())]
    own = [
        ("全角・半角", "ﾏｲﾅﾎﾟｰﾀﾙ", "マイナポータル"),
        ("略称", "ＮＥＣ", "日本電気"),
        ("カタカナ", "中間サーバ", "中間サーバー"),
        ("全角・半角", "ｹﾞｰﾄｳｪｲ", "ゲートウェイ"),
        ("カタカナ", "マイナンバーカード", "マイナンバーカード"),
        ("カタカナ", "コンビニエンスストア", "コンビニエンスストア"),
        ("ひらがな", "まいなんばーかーど", "マイナンバーカード"),
        ("漢字の複合語", "住民基本台帳ネットワークシステム", "住民基本台帳ネットワークシステム"),
        ("漢字の複合語", "個人住民税", "個人住民税"),
        ("文の一部", "本人確認", "本人確認"),
        ("長い文の中の語", "フィルタリング", "フィルタリング"),  # only inside long texts (hanamaki/1)
    ]
    out += [Query(k, t, w) for k, t, w in own]
    out += [Query("長い文の中の委託先", c, c) for c in long_text_contractors()]
    return [q for q in dict.fromkeys(out) if facts.containing(q.written)]


def build(binary: Path, out: Path) -> None:
    env = {**os.environ, "PIASITE_PAGEFIND": str(binary)}
    cmd = [sys.executable, "-m", "piasite", "build", "--content", str(ROOT / "content"), "--out", str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        sys.exit(f"piasite build ({binary}) が失敗しました:\n{proc.stderr}")


def search(page, base: str, query: str) -> tuple[list[str], str]:
    """(result pages in ranked order, the first result link) for query typed into the search page."""
    page.goto(base + "search/")
    result_links(page, base, query)
    try:
        page.wait_for_function(
            """() => {
          const m = (document.querySelector('.pagefind-ui__message') || {}).textContent || '';
          const n = parseInt((m.match(/(\\d+)\\s*件/) || [])[1] || '-1', 10);
          return n >= 0 && document.querySelectorAll('.pagefind-ui__result-link').length >= n;
        }""",
            timeout=30000,
        )
    except Exception:  # noqa: BLE001 — no result message at all: nothing found
        return [], ""
    # Pagefind draws results as their fragments arrive (slowly on a busy machine): read until two
    # readings 2 s apart agree, so that a page still loading is not counted as missed.
    links = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.href)")
    for _ in range(8):
        page.wait_for_timeout(2000)
        again = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.href)")
        if again == links:
            break
        links = again
    return ranked_pages(links, base), links


@dataclass
class Outcome:
    found: list[str]
    expected: set[str]
    landed: bool  # the first result for a right page lands on an item holding the text

    @property
    def missed(self) -> set[str]:
        return self.expected - set(self.found)

    def cell(self) -> str:
        hit = len(self.expected & set(self.found))
        extra = len(set(self.found) - self.expected)
        text = f"{hit}/{len(self.expected)}"
        if extra:
            text += f"(ほか {extra})"
        if hit and not self.landed:
            text += "・項目ずれ"
        return text

    @property
    def ok(self) -> bool:
        return not self.missed and self.landed


def run_queries(base: str, browser, qs: list[Query]) -> list[Outcome]:
    context = browser.new_context(locale="ja-JP", service_workers="block")
    page = context.new_page()
    out = []
    for q in qs:
        docs = {d.url: d for d in facts.containing(q.written)}
        pages, links = search(page, base, q.typed)
        first = next((u for u in links if site_path(u, base) in docs), "")
        landed = (
            bool(first)
            and ("#" in first)
            and first.split("#", 1)[1] in docs[site_path(first, base)].anchors_for(q.written)
        )
        out.append(Outcome(pages, set(docs), landed))
    context.close()
    return out


def table(qs: list[Query], versions: list[str], results: list[list[Outcome]]) -> str:
    head = "| 種類 | 入力 | 評価書の表記 | " + " | ".join(versions) + " |\n"
    head += "|---|---|---|" + "---|" * len(versions) + "\n"
    rows = []
    for i, q in enumerate(qs):
        cells = [r[i].cell() for r in results]
        mark = " **差**" if len({(r[i].ok, tuple(sorted(r[i].missed))) for r in results}) > 1 else ""
        written = q.written if q.written != q.typed else "〃"
        rows.append(f"| {q.kind} | {q.typed} | {written} | " + " | ".join(cells) + f" |{mark}")
    totals = [f"{sum(o.ok for o in r)}/{len(qs)}" for r in results]
    foot = "| **全部見つけて項目に着いた問い** | | | " + " | ".join(f"**{t}**" for t in totals) + " |"
    return head + "\n".join(rows) + "\n" + foot + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="この Markdown の印の間に表を書き込みます")
    ap.add_argument("--only", nargs="+", metavar="入力", help="この入力の問いだけ(確かめ直すとき)")
    ap.add_argument("--show", action="store_true", help="問いごとに見つかったページを表示します")
    args = ap.parse_args()
    binaries = [("PyPI", pypi_binary()), ("npm", npm_binary())]
    missing = [name for name, b in binaries if b is None]
    if missing:
        sys.exit(f"Pagefind がありません: {'、'.join(missing)}(pip install 'pagefind[extended]' と npm ci)")
    qs = [q for q in queries() if not args.only or q.typed in args.only]
    versions, results = [], []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for name, binary in binaries:
            assert binary is not None
            version = ".".join(map(str, version_of(binary)))
            site = Path(tmp) / name / "pia"
            build(binary, site)
            with serve(site.parent) as base:
                print(f"{name} {version}: {len(qs)} 問", file=sys.stderr)
                results.append(run_queries(f"{base}/pia/", browser, qs))
            versions.append(f"{name} {version}")
            shutil.rmtree(site)
        browser.close()
    md = table(qs, versions, results)
    for i, q in enumerate(qs):
        for name, r in zip(versions, results, strict=True):
            if r[i].missed:
                print(f"{name}: 「{q.typed}」で見つからない {sorted(r[i].missed)}", file=sys.stderr)
            if args.show:
                print(f"{name}: 「{q.typed}」→ {r[i].found}", file=sys.stderr)
    print(md)
    if args.out:
        text = args.out.read_text(encoding="utf-8")
        new = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _m: f"{BEGIN}\n{md}{END}", text, flags=re.S)
        args.out.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
