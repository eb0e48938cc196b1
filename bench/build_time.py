"""Benchmark of `piasite build` (not a test): python3 -m bench.build_time [--sizes 100,300,1000]

Builds the seed site (content/) and, for each size, the realistic corpus of
bench/corpus.py (per 10 assessments 7 基礎, 2 重点, 1 全項目, each with 3 versions
in git, with trailers; `--corpus seed` varies the seed files instead, one commit),
and prints, beside the goals of issue 20:

- wall time split into our generation / the site engine / search indexing, and
  CPU seconds (wall time depends on what else runs on the machine; CPU does not);
- peak memory of the whole process tree: the build runs in a child process, and a
  sampler sums the proportional set size (PSS: shared pages counted once) of that
  process and every descendant (the generation child, MkDocs, Pagefind, git)
  every 50 ms; the largest sum is the peak;
- our generation's share of the build, the site's size per assessment (and the
  share of past versions and compare pages in it);
- the change log built cold (no blob cache) against `git log --raw` on the same
  repository;
- with --search, the bytes a first search transfers in Chromium from a server that
  gzips as a web server does (bench/search_bytes.py).
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
import threading
import time
from pathlib import Path

from piasite.checks.load import content_files

ROOT = Path(__file__).resolve().parent.parent
PER_ORG = 10  # assessments per synthetic organisation (a city publishes about this many)
GOALS = {  # at 1,000 assessments (issue 20)
    "wall": 60.0,  # seconds, full build
    "peak_mb": 1024.0,  # the whole process tree
    "generation_share": 0.25,
    "mb_per_assessment": 0.3,
    "first_search_kb": 300.0,  # gzip as a server sends
    "changelog_ratio": 10.0,  # cold change log / git log --raw
}

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
    if not config.exists():
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
        "history_bytes": sum(p.stat().st_size for p in files if _is_history(p.relative_to(out))),
        "files": len(files),
        "self_rss_kb": me.ru_maxrss,
        "child_rss_kb": kids.ru_maxrss,
        # CPU seconds do not grow when other work shares the machine; wall time does
        "self_cpu": me.ru_utime + me.ru_stime,
        "child_cpu": kids.ru_utime + kids.ru_stime,
    }


def _is_history(rel: Path) -> bool:
    """A past version's page (u/v/<n>/) or a compare page (u/compare/): site/history_pages.py's layout."""
    parts = rel.parts[:-1]
    return "compare" in parts or any(a == "v" and b.isdigit() for a, b in zip(parts, parts[1:]))


# ---- memory of the whole process tree


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def _memory_kb(pid: int) -> int:
    """PSS of one process (shared pages shared out), RSS where smaps_rollup is not readable."""
    for name, key in ((f"/proc/{pid}/smaps_rollup", b"Pss:"), (f"/proc/{pid}/status", b"VmRSS:")):
        try:
            with open(name, "rb") as f:
                for line in f:
                    if line.startswith(key):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


def tree_memory_kb(root: int) -> int:
    kids, total, todo = _children(), 0, [root]
    while todo:
        pid = todo.pop()
        total += _memory_kb(pid)
        todo.extend(kids.get(pid, ()))
    return total


class TreeSampler(threading.Thread):
    """The largest summed memory of a process and its descendants, sampled every `every` s."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.peak_kb, self.stop = pid, every, 0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak_kb = max(self.peak_kb, tree_memory_kb(self.pid))
            self.stop.wait(self.every)


def measure(content: Path, work: Path, engine: str) -> dict:
    cmd = [sys.executable, "-m", "bench.build_time", "--one", str(content), "--work", str(work), "--engine", engine]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    sampler.stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"エラー: {content} の組み立てに失敗しました:\n{err[-3000:]}")
    r = json.loads(out.strip().splitlines()[-1])
    r["tree_peak_kb"] = sampler.peak_kb
    return r


# ---- change log cold against git log --raw


def changelog_ratio(root: Path) -> dict:
    """Cold change log (its own blob cache emptied) and `git log --raw`, in a child each time."""
    from piasite.history.cache import cache_dir

    with tempfile.TemporaryDirectory(prefix="piasite-bench-cache-") as cache:
        env = dict(os.environ, PIASITE_CACHE_DIR=cache)
        code = (
            "import sys, time; from bench.history_time import changelog_build; from pathlib import Path; "
            "t = time.perf_counter(); n = changelog_build(Path(sys.argv[1])); print(time.perf_counter() - t, n)"
        )
        assert not any(Path(cache).iterdir()), cache_dir(root)
        p = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, cwd=ROOT, env=env)
        if p.returncode != 0:
            raise SystemExit(f"エラー: 変更履歴の組み立てに失敗しました:\n{p.stderr[-3000:]}")
        cold, rows = p.stdout.split()
    t = time.perf_counter()
    subprocess.run(["git", "log", "--raw"], cwd=root, check=True, stdout=subprocess.DEVNULL)
    gitlog = time.perf_counter() - t
    return {"changelog_cold": float(cold), "rows": int(rows), "git_log": gitlog}


def _verdict(value: float, goal: float, unit: str, fmt: str = "{:.1f}") -> str:
    mark = "OK" if value <= goal else "未達"
    return f"{fmt.format(value)} {unit} (目標 {fmt.format(goal)} {unit} 以下: {mark})"


def report(name: str, n: int, r: dict) -> str:
    wall = r["wall"]
    gen, eng, idx = r.get("generation", 0.0), r.get("engine", 0.0), r.get("search", 0.0)
    tree = r.get("tree_peak_kb", 0) / 1024
    pct = lambda t: f"{100 * t / wall:.1f}%" if wall else "-"
    per = r["site_bytes"] / 1e6 / max(n, 1)
    hist = 100 * r.get("history_bytes", 0) / r["site_bytes"] if r["site_bytes"] else 0
    lines = [
        f"{name} (評価書 {n} 件)",
        f"  時間   全体 {_verdict(wall, GOALS['wall'], '秒')} = 生成 {gen:.1f} 秒 ({pct(gen)}) + エンジン "
        f"{eng:.1f} 秒 ({pct(eng)}) + 検索索引 {idx:.1f} 秒 ({pct(idx)})",
        f"  生成の割合 {_verdict(100 * gen / wall if wall else 0, 100 * GOALS['generation_share'], '%', '{:.0f}')}",
        f"  CPU    生成 (読込・検査・生成・git) {r.get('generation_cpu', 0):.1f} 秒、エンジン・Pagefind "
        f"{r['child_cpu'] - r.get('generation_cpu', 0):.1f} 秒、親プロセス {r['self_cpu']:.1f} 秒",
        f"  メモリ プロセスツリー全体の最大 {_verdict(tree, GOALS['peak_mb'], 'MB', '{:.0f}')}"
        f" (参考: 最大の子プロセス単独 {r['child_rss_kb'] / 1024:.0f} MB、うち生成 "
        f"{r.get('generation_rss_kb', 0) / 1024:.0f} MB)",
        f"  サイト HTML {r['html_pages']} ページ、{r['files']} ファイル、{r['site_bytes'] / 1e6:.1f} MB、"
        f"評価書 1 件あたり {_verdict(per, GOALS['mb_per_assessment'], 'MB', '{:.2f}')} (うち過去の版・比較 {hist:.0f}%)",
    ]
    if "changelog_cold" in r:
        ratio = r["changelog_cold"] / r["git_log"] if r["git_log"] else 0
        lines.append(
            f"  変更履歴 キャッシュなし {r['changelog_cold']:.1f} 秒 / git log --raw {r['git_log']:.2f} 秒 = "
            f"{_verdict(ratio, GOALS['changelog_ratio'], '倍', '{:.0f}')} (別添2 の行 {r['rows']} 行)"
        )
    if "first_search_bytes" in r:
        lines.append(
            f"  最初の検索 {_verdict(r['first_search_bytes'] / 1000, GOALS['first_search_kb'], 'kB', '{:.0f}')}、"
            f"{r['first_search_requests']} リクエスト (gzip 配信、Chromium、「{r['first_search_query']}」)"
        )
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python3 -m bench.build_time", description="piasite build のベンチマーク")
    ap.add_argument("--sizes", default="100,300,1000", help="合成する評価書の数 (カンマ区切り)")
    ap.add_argument(
        "--corpus",
        choices=["realistic", "seed"],
        default="realistic",
        help="realistic: 基礎 7・重点 2・全項目 1 の割合で各 3 版 (bench/corpus.py)、seed: content/ の変形 1 版",
    )
    ap.add_argument("--content", type=Path, default=ROOT / "content", help="--corpus seed で元にする評価書のフォルダ")
    ap.add_argument("--engine", choices=["mkdocs", "zensical"], default="mkdocs")
    ap.add_argument("--search", action="store_true", help="最初の検索の転送量も Chromium で測る")
    ap.add_argument("--no-seed", action="store_true", help="シード (content/) の組み立てを省く")
    ap.add_argument("--keep", type=Path, help="作業フォルダを消さずにここに置く")
    ap.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:  # child: one measured build, JSON on stdout
        print(json.dumps(build_once(args.one, args.work, args.engine)))
        return

    from bench import corpus

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    base = args.keep or Path(tempfile.mkdtemp(prefix="piasite-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    print(
        f"piasite build ベンチマーク ({args.engine}, {args.corpus}, CPU {os.cpu_count()}, 作業フォルダ {base})",
        flush=True,
    )
    results = []
    try:
        if not args.no_seed:
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
            content = corpus.make(root, n) if args.corpus == "realistic" else make_corpus(args.content, root, n)
            made = time.perf_counter() - t
            r = measure(content, root, args.engine)
            r.update(changelog_ratio(root))
            if args.search:
                from bench.search_bytes import first_search

                r.update(first_search(root / "site"))
            results.append((f"synthetic-{n}", n, r))
            print(report(f"合成コーパス {n}", n, r) + f"\n  (コーパス作成 {made:.1f} 秒、計測外)", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    print(
        "\n目標 (評価書 1,000 件): 全体 60 秒以内、メモリ 1 GB 以内、生成 25% 以下、1 件あたり 0.3 MB 以下、"
        "最初の検索 300 kB 以下、変更履歴 (キャッシュなし) は git log --raw の 10 倍以内"
    )
    print("| 件数 | 全体 (秒) | メモリ (MB) | 生成 | MB/件 | 変更履歴/git log | 最初の検索 (kB) |")
    print("|---|---|---|---|---|---|---|")
    for name, n, r in results:
        share = r.get("generation", 0.0) / r["wall"] if r["wall"] else 0
        ratio = r["changelog_cold"] / r["git_log"] if r.get("git_log") else None
        fs = r.get("first_search_bytes")
        print(
            f"| {name} | {r['wall']:.1f} | {r.get('tree_peak_kb', 0) / 1024:.0f} | {100 * share:.0f}% | "
            f"{r['site_bytes'] / 1e6 / max(n, 1):.2f} | {f'{ratio:.0f}×' if ratio else '-'} | "
            f"{f'{fs / 1000:.0f}' if fs else '-'} |"
        )


if __name__ == "__main__":
    main()
