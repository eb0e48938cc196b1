"""Benchmark of the change-log build: `python3 -m bench.history_time [FOLDER] [--files 300] [--commits 3000]`.

Builds a synthetic repository with git fast-import (300 assessments, 3,000
commits, each commit editing one assessment as a clerk would), then times the
cold change-log build (empty cache), the warm one (cache filled), and
`git log --raw` on the same repository.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from piasite.forms.registry import form_for, load_form
from piasite.history.cache import cache_dir
from piasite.history.changelog import derived_rows
from piasite.history.versions import load_history

BASE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "site" / "higashiyama" / "5.yaml"


def make_repo(root: Path, n_files: int = 300, n_commits: int = 3000, seed: int = 1) -> None:
    rnd = random.Random(seed)
    base = BASE.read_text(encoding="utf-8")
    texts: dict[str, str] = {}
    for i in range(n_files):
        path = f"content/org{i // 10:02d}/{i % 10 + 1}.yaml"
        texts[path] = base.replace("評価書番号: 5", f"評価書番号: {i % 10 + 1}").replace(
            "評価実施機関名: 東山市長", f"評価実施機関名: 市{i // 10:02d}長"
        )
    paths = sorted(texts)
    out: list[bytes] = []
    t0 = 1735689600  # 2025-01-01, fixed: the repository is the same every run

    def commit(n: int, msg: str, files: dict[str, str]) -> None:
        m = msg.encode()
        out.append(
            f"commit refs/heads/main\nmark :{n}\ncommitter Bench <bench@example.jp> {t0 + n * 3600} +0900\n"
            f"data {len(m)}\n".encode()
            + m
            + b"\n"
        )
        if n > 1:
            out.append(f"from :{n - 1}\n".encode())
        for p, t in files.items():
            b = t.encode()
            out.append(f"M 100644 inline {p}\ndata {len(b)}\n".encode() + b + b"\n")
        out.append(b"\n")

    commit(1, "initial", texts)
    edits = [
        ("委託先名: 株式会社ジーシーシー", "委託先名: 株式会社ベンチ{n}"),
        ("使用目的: 住民税額の算出", "使用目的: 住民税額の算出({n})"),
        ("特記事項: なし", "特記事項: 改訂{n}"),
        (
            "      他のシステムとの接続: [税務システム]\n",
            "      他のシステムとの接続: [税務システム]\n    - 名称: システム{n}\n      機能: 機能{n}\n",
        ),
    ]
    for n in range(2, n_commits + 1):
        p = rnd.choice(paths)
        old, new = rnd.choice(edits)
        t = texts[p]
        if old in t:
            t = t.replace(old, new.format(n=n), 1)
        else:
            t = t.replace("特記事項:", f"特記事項: 改訂{n}#", 1)
        texts[p] = t
        trailer = "\n\n変更日: 2025-06-01\n提出時期: 事後\n提出時期に係る説明: ベンチマーク" if n % 3 == 0 else ""
        commit(n, f"edit {p}{trailer}", {p: t})
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(out), check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=root, check=True)


def changelog_build(root: Path) -> int:
    """What a site build does for the change log: history, then every 別添2 row (each file by its form)."""
    hist = load_history(root / "content")
    rows = 0
    for fh in hist.files:
        form = form_for(fh.live[-1].data) if fh.live else None
        rows += len(derived_rows(fh, form)) if form is not None else 0
    return rows


def run(root: Path, n_files: int, n_commits: int) -> dict:
    t = time.perf_counter()
    make_repo(root, n_files, n_commits)
    made = time.perf_counter() - t
    shutil.rmtree(cache_dir(root), ignore_errors=True)
    t = time.perf_counter()
    rows = changelog_build(root)
    cold = time.perf_counter() - t
    t = time.perf_counter()
    rows2 = changelog_build(root)
    warm = time.perf_counter() - t
    assert rows == rows2
    t = time.perf_counter()
    subprocess.run(["git", "log", "--raw"], cwd=root, check=True, stdout=subprocess.DEVNULL)
    gitlog = time.perf_counter() - t
    pages, size = history_pages(root)
    return {"made": made, "rows": rows, "cold": cold, "warm": warm, "git_log": gitlog, "pages": pages, "size": size}


def history_pages(root: Path) -> tuple[float, int]:
    """Time of the site's history pages (timelines, past versions, compare, 更新履歴, feeds), warm cache."""
    from piasite.checks.load import Assessment
    from piasite.model.reader import read
    from piasite.site.history_pages import generate_history

    assessments = [
        Assessment(read(p), load_form(), root / "content") for p in sorted((root / "content").rglob("*.yaml"))
    ]
    size = [0]

    def write(rel: str, text: str) -> None:
        size[0] += len(text.encode())

    t = time.perf_counter()
    generate_history(assessments, root, write)
    return time.perf_counter() - t, size[0]


def main() -> None:
    ap = argparse.ArgumentParser(description="変更履歴の組み立て時間を測ります")
    ap.add_argument("folder", nargs="?", help="合成リポジトリを作るフォルダ(省略時は一時フォルダ)")
    ap.add_argument("--files", type=int, default=300)
    ap.add_argument("--commits", type=int, default=3000)
    a = ap.parse_args()
    tmp = None
    if a.folder:
        root = Path(a.folder)
        shutil.rmtree(root, ignore_errors=True)
    else:
        tmp = tempfile.TemporaryDirectory()
        root = Path(tmp.name) / "repo"
    try:
        r = run(root, a.files, a.commits)
    finally:
        if tmp:
            tmp.cleanup()
    print(
        f"合成リポジトリ: 評価書 {a.files} 件 × コミット {a.commits} 件(作成 {r['made']:.1f} 秒)、別添2 の行 {r['rows']} 行"
    )
    print(f"変更履歴の組み立て(キャッシュなし): {r['cold']:.2f} 秒(目標 30 秒以内)")
    print(f"変更履歴の組み立て(キャッシュあり): {r['warm']:.2f} 秒(目標 3 秒以内)")
    print(
        f"git log --raw: {r['git_log']:.2f} 秒 — キャッシュなしは {r['cold'] / r['git_log']:.0f} 倍、"
        f"キャッシュありは {r['warm'] / r['git_log']:.0f} 倍"
    )
    print(f"サイトの履歴ページ(版・比較・更新履歴・フィード)の生成: {r['pages']:.1f} 秒、{r['size'] / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
