"""Benchmark of `piasite serve` (not a test): python3 -m bench.serve_time [--size 100]

On the synthetic corpus of bench.build_time (seed files varied into SIZE assessments,
committed to git), times a full `piasite build`, then a running preview: from a
one-file save (a 委託先名 changed) until the page served shows it (the watcher's
polling included, as the clerk sees it). Prints both and their ratio (goal ≤ 0.1).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import tempfile
import threading
import time
import urllib.request
from http.server import ThreadingHTTPServer
from pathlib import Path

from bench import corpus
from bench.build_time import ROOT


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=100, help="合成する評価書の数")
    ap.add_argument("--repeat", type=int, default=3, help="1 ファイルの変更を測る回数(中央値を使います)")
    args = ap.parse_args(argv)
    from piasite.commands.serve import Preview, handler
    from piasite.engine.run import build_site

    with tempfile.TemporaryDirectory(prefix="piasite-serve-bench-") as tmp:
        root = Path(tmp)
        content = corpus.make(root / "repo", args.size)
        root = root / "repo"
        config = root / "mkdocs.yml"
        shutil.copy(ROOT / "mkdocs.yml", config)
        node = root / "node_modules"
        if (ROOT / "node_modules").is_dir():
            node.symlink_to(ROOT / "node_modules")
        os.chdir(root)

        t0 = time.perf_counter()
        build_site(Path("content"), Path("site"), config=Path("mkdocs.yml"))
        full = time.perf_counter() - t0
        print(f"piasite build(全体、{args.size} 件): {full:.1f} 秒", flush=True)

        preview = Preview(Path("content"), Path("mkdocs.yml"))
        t0 = time.perf_counter()
        preview.full()
        print(f"piasite serve の最初の組み立て: {time.perf_counter() - t0:.1f} 秒", flush=True)
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler(preview))
        stop = threading.Event()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        threading.Thread(target=preview.watch, args=(stop,), daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"

        target, key = _with_contractor(content)
        url = base + f"{target.parent.name}/{target.stem}/"
        times = []
        for k in range(args.repeat):
            name = f"ベンチ計測{k}株式会社"
            text = target.read_text(encoding="utf-8")
            text = re.sub(
                rf"^(\s*(?:- )?{re.escape(key)}:\s*)(\S.*?)\s*$", lambda m: m[1] + name, text, count=1, flags=re.M
            )
            t0 = time.perf_counter()
            target.write_text(text, encoding="utf-8")
            while True:
                with urllib.request.urlopen(url, timeout=30) as r:
                    if name in r.read().decode("utf-8"):
                        break
                time.sleep(0.02)
            times.append(time.perf_counter() - t0)
            print(
                f"1 ファイルの変更がページに出るまで: {times[-1]:.2f} 秒"
                f"(うち組み立て {preview.state.last.get('page', 0):.2f} 秒)",
                flush=True,
            )
        stop.set()
        server.shutdown()
        preview.close()
        one = sorted(times)[len(times) // 2]
        print(f"比 (1 ファイルの変更 / 全体の組み立て): {one:.2f} / {full:.1f} = {one / full:.3f}(目標 0.1 以下)")


def _with_contractor(content: Path) -> tuple[Path, str]:
    """The first assessment whose form has a contractor, and that key (the form's role)."""
    from piasite.forms.registry import form_for
    from piasite.model.reader import read

    for p in sorted(content.rglob("*.yaml")):
        form = form_for(read(p).data) if p.name != "aliases.yaml" else None
        key = corpus._role(form.name, "contractor") if form is not None else None
        if key and re.search(rf"^\s*(?:- )?{re.escape(key)}:", p.read_text(encoding="utf-8"), re.M):
            return p, key
    raise SystemExit(f"エラー: {content} に委託先のある評価書がありません")


if __name__ == "__main__":
    main()
