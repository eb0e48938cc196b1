"""Benchmark of `piasite build` (not a test): python3 -m bench.build_time [--sizes 100,1000]

Builds the seed site (content/) and synthetic corpora made by varying the seed
files — renumbered, organisations renamed, systems and contractors renamed
deterministically — each in its own temporary git repository, and prints wall
time split into our generation / the site engine / search indexing, pages,
site size and peak memory. Targets (issue 5): our generation ≤ 25 % of the
build; 1,000 assessments in ≤ 5 minutes and ≤ 2 GB.

Wall time depends on what else runs on the machine, so CPU seconds are printed
too: those of our Python process (generation) and of its children (MkDocs,
Pagefind, git).

Each build runs in a child process so its peak memory is its own:
ru_maxrss of that process and of its largest child (our generation, which
piasite build runs in a forked child, MkDocs or a Pagefind run; they run one
after another). The peak reported is the sum of the two (an upper bound).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from piasite.checks.load import content_files

ROOT = Path(__file__).resolve().parent.parent
PER_ORG = 10  # assessments per synthetic organisation (a city publishes about this many)

# Synthetic place names: 東山, 西川, … deterministic and plainly not real cities' data.
_A = "東西南北上下中大小新古本高若朝夕"
_B = "山川田野原島沢津浜岡崎森井谷橋"
_COMPANY = ["", "テクノ", "システムズ", "ソリューションズ", "データ", "サービス", "ネット"]
_SYSTEM = ["", "(新)", "クラウド版", "共同利用", "標準準拠"]
_SEED_PLACE = re.compile(r"^(?:.{2,3}?[都道府県])?(.+?)([市区町村])(?:長|議会|教育委員会.*)?$")


def place(k: int) -> str:
    return _A[k % len(_A)] + _B[(k // len(_A)) % len(_B)] + ("" if k < len(_A) * len(_B) else str(k))


def _keys() -> tuple[str, str, str, str]:
    """Keys the synthesis rewrites, from the seeds' form (重点項目評価書) roles."""
    from piasite.forms.registry import DEFAULT_FORM, load_form

    f = load_form(DEFAULT_FORM)
    org, number, contractor, system = (
        re.escape(f.role_key(r)) for r in ("organisation", "number", "contractor", "system_name")
    )
    return org, number, contractor, system


def vary(text: str, org_index: int, number: int, variant: int) -> str:
    """One synthetic assessment from a seed file's text (comments and tags kept)."""
    org_key, number_key, contractor_key, system_key = _keys()
    m = re.search(rf"^{org_key}:\s*(.+?)\s*$", text, re.M)
    stem = place(org_index)
    if m:
        pm = _SEED_PLACE.match(m[1].strip("'\""))
        if pm:
            text = text.replace(pm[1], stem)
        text = re.sub(rf"^{org_key}:.*$", f"{org_key}: {stem}市長", text, count=1, flags=re.M)
    text = re.sub(rf"^{number_key}:.*$", f"{number_key}: {number}", text, count=1, flags=re.M)
    company = _COMPANY[variant % len(_COMPANY)]
    text = re.sub(
        rf"^(\s*(?:- )?{contractor_key}:\s*)(\S.*?)\s*$",
        lambda mm: mm[1] + (mm[2] if mm[2] in ("-", "非公表") or mm[2].startswith("!") else mm[2] + company),
        text,
        flags=re.M,
    )
    suffix = _SYSTEM[variant % len(_SYSTEM)]
    text = re.sub(
        rf"^(\s*(?:- )?{system_key}:\s*)(\S.*システム)\s*$", lambda mm: mm[1] + mm[2] + suffix, text, flags=re.M
    )
    return text


def make_corpus(seed_dir: Path, root: Path, n: int) -> Path:
    """root/content with n assessments, PER_ORG per organisation, committed to git."""
    seeds = [p for p in content_files(seed_dir)]
    if not seeds:
        raise SystemExit(f"エラー: {seed_dir} に評価書がありません")
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    content = root / "content"
    for i in range(n):
        org, j = divmod(i, PER_ORG)
        text = vary(texts[i % len(texts)], org, j + 1, i // len(texts))
        path = content / f"org{org:04d}" / f"{j + 1}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for extra in ("aliases.yaml",):
        if (seed_dir / extra).exists():
            shutil.copy(seed_dir / extra, content / extra)
    _commit(root)
    return content


def _commit(root: Path) -> None:
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="bench",
        GIT_AUTHOR_EMAIL="bench@example.invalid",
        GIT_COMMITTER_NAME="bench",
        GIT_COMMITTER_EMAIL="bench@example.invalid",
        GIT_AUTHOR_DATE="2025-12-01T00:00:00+09:00",
        GIT_COMMITTER_DATE="2025-12-01T00:00:00+09:00",
    )
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "synthetic corpus"]):
        subprocess.run(cmd, cwd=root, env=env, check=True, capture_output=True)


def build_once(content: Path, work: Path, engine: str) -> dict:
    """Build in this process (called in a child) and measure it."""
    from piasite.engine.run import build_site

    config = work / "mkdocs.yml"
    shutil.copy(ROOT / "mkdocs.yml", config)
    out = work / "site"
    timings: dict = {}
    t0 = time.perf_counter()
    build_site(content, out, engine=engine, config=config, timings=timings)
    wall = time.perf_counter() - t0
    files = [p for p in out.rglob("*") if p.is_file()]
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall": wall,
        **timings,
        "html_pages": sum(1 for p in files if p.suffix == ".html"),
        "site_bytes": sum(p.stat().st_size for p in files),
        "files": len(files),
        "self_rss_kb": me.ru_maxrss,
        "child_rss_kb": kids.ru_maxrss,
        # CPU seconds do not grow when other work shares the machine; wall time does
        "self_cpu": me.ru_utime + me.ru_stime,
        "child_cpu": kids.ru_utime + kids.ru_stime,
    }


def measure(content: Path, work: Path, engine: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.build_time", "--one", str(content), "--work", str(work), "--engine", engine],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        raise SystemExit(f"エラー: {content} の組み立てに失敗しました:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def report(name: str, n: int, r: dict) -> str:
    wall = r["wall"]
    gen, eng, idx = r.get("generation", 0.0), r.get("engine", 0.0), r.get("search", 0.0)
    peak = (r["self_rss_kb"] + r["child_rss_kb"]) / 1024
    pct = lambda t: f"{100 * t / wall:.1f}%" if wall else "-"
    return (
        f"{name} (評価書 {n} 件)\n"
        f"  時間   全体 {wall:.1f} 秒 = 生成 {gen:.1f} 秒 ({pct(gen)}) + エンジン {eng:.1f} 秒 ({pct(eng)})"
        f" + 検索索引 {idx:.1f} 秒 ({pct(idx)})\n"
        f"  CPU    生成 (読込・検査・生成・git) {r.get('generation_cpu', 0):.1f} 秒、エンジン・Pagefind "
        f"{r['child_cpu'] - r.get('generation_cpu', 0):.1f} 秒、親プロセス {r['self_cpu']:.1f} 秒\n"
        f"  サイト HTML {r['html_pages']} ページ、{r['files']} ファイル、{r['site_bytes'] / 1e6:.1f} MB\n"
        f"  メモリ 最大 {peak:.0f} MB 以下 (親プロセス {r['self_rss_kb'] / 1024:.0f} MB + 最大の子プロセス "
        f"{r['child_rss_kb'] / 1024:.0f} MB; うち生成 {r.get('generation_rss_kb', 0) / 1024:.0f} MB)"
    )


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python3 -m bench.build_time", description="piasite build のベンチマーク")
    ap.add_argument("--sizes", default="100,1000", help="合成する評価書の数 (カンマ区切り)")
    ap.add_argument("--content", type=Path, default=ROOT / "content", help="元にする評価書のフォルダ")
    ap.add_argument("--engine", choices=["mkdocs", "zensical"], default="mkdocs")
    ap.add_argument("--keep", type=Path, help="作業フォルダを消さずにここに置く")
    ap.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:  # child: one measured build, JSON on stdout
        print(json.dumps(build_once(args.one, args.work, args.engine)))
        return

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    base = args.keep or Path(tempfile.mkdtemp(prefix="piasite-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    print(f"piasite build ベンチマーク ({args.engine}, CPU {os.cpu_count()}, 作業フォルダ {base})", flush=True)
    results = []
    try:
        seed_n = len(content_files(args.content))
        work = base / "seed"
        work.mkdir(exist_ok=True)
        r = measure(args.content.resolve(), work, args.engine)
        results.append(("seed", seed_n, r))
        print(report("シード (content/)", seed_n, r), flush=True)
        for n in sizes:
            root = base / f"corpus-{n}"
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir()
            t = time.perf_counter()
            content = make_corpus(args.content, root, n)
            made = time.perf_counter() - t
            r = measure(content, root, args.engine)
            results.append((f"synthetic-{n}", n, r))
            print(report(f"合成コーパス {n}", n, r) + f"\n  (コーパス作成 {made:.1f} 秒、計測外)", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    print("\n目標: 生成 ≤ 25%、評価書 1,000 件で 5 分以内・2 GB 以内")
    for name, n, r in results:
        share = r.get("generation", 0.0) / r["wall"] if r["wall"] else 0
        peak_mb = (r["self_rss_kb"] + r["child_rss_kb"]) / 1024
        verdict = ["生成 " + ("OK" if share <= 0.25 else "超過") + f" ({100 * share:.0f}%)"]
        if n >= 1000:
            verdict.append("時間 " + ("OK" if r["wall"] <= 300 else "超過") + f" ({r['wall']:.0f} 秒)")
            verdict.append("メモリ " + ("OK" if peak_mb <= 2048 else "超過") + f" ({peak_mb:.0f} MB)")
        print(f"  {name}: " + "、".join(verdict))


if __name__ == "__main__":
    main()
