"""A repository of hostile content: template syntax, markup and entities in every field kind.

Each payload gets its own organisation folder (content/h<i>/1.yaml): the payload is in the
評価書名, the 評価実施機関名, the 事務の名称, a long text, a 委託先名 and, in a second commit,
the trailer 提出時期に係る説明 — so it reaches the assessment, history, compare and
past-version pages, the organisation page, the 更新履歴 pages, the feeds, the indexes and
the search index. Everything here passes `piasite check`; the build must neither evaluate
nor fail on any of it. The corpus is meant to grow: add payloads to PAYLOADS.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.gitrepo import BASE, Repo

REPO = Path(__file__).resolve().parent.parent

# Evaluated by a template engine, "[{{ 6*7 }}]" would print [42] and "[{{ 6+7 }}]" [13].
PAYLOADS = [
    "{%+ endraw %}[{{ 6*7 }}]{%+ raw %}",
    "{%- endraw -%}[{{ 6*7 }}]{%- raw -%}",
    "{%+ endraw +%}[{{ 6+7 }}]{% raw %}",
    "{{ lipsum.__globals__ }}[{{ 6*7 }}]",
    '{%+ endraw %}{{ lipsum|attr("\\x5f\\x5fglobals\\x5f\\x5f") }}[{{ 6+7 }}]{%+ raw %}',
    "{# 閉じないコメント",
    "{% raw %} 閉じない raw [{{ 6*7 }}]",
    "{% endraw %}{% include 'base.html' %}",
    "<img src=x onerror=alert(1)>",
    "</title><script>alert(2)</script>",
    "&lt;script&gt;alert(3)&lt;/script&gt;",
    '"><svg onload=alert(4)>',
    "<!--piasite-body:00000000000000000000000000000000--> piasitetitle00000000000000000000000000000000x",
    # found by a second attacker's pass (issue 8's acceptance check)
    "{% set x = 6*7 %}[{{ x }}]{#- c -#}{# 閉じないコメント ｛｛ 6*7 ｝｝",
    "<svg><script>alert(5)</script></svg><math><mtext><img src=x onerror=alert(6)></mtext></math>",
    "[承認](javascript:alert(7)) <javascript:alert(8)> ![i](http://evil.example/x.png) [d](data:text/html,x)",
    "' onmouseover='alert(9)' x='\" onmouseover=\"alert(10)\" &#60;img src=x onerror=alert(11)&#62;",
    "<iframe srcdoc=\"<script>alert(12)</script>\"></iframe><base href=\"http://evil.example/\"><style>*{}</style>",
]
EVALUATED = (
    "[42]",
    "[13]",
    "generate_lorem_ipsum",
    "<svg onload",
    "<img src=x",
    "<script>alert",
    "<svg><script",
    "<math>",
    "<iframe",
    "<base href",
    'href="javascript:',
    'href="data:',
    'src="http://evil',
)


def write_doc(r: Repo, i: int, payload: str) -> str:
    text = BASE.read_text(encoding="utf-8")
    q = lambda s: json.dumps(s, ensure_ascii=False)  # noqa: E731 -- a JSON string is a YAML string
    text = text.replace("評価書名: 個人住民税に関する事務 重点項目評価書", f"評価書名: {q('評価書' + payload)}")
    text = text.replace("評価実施機関名: 東山市長", f"評価実施機関名: {q('東山市長' + payload)}")
    text = text.replace("    名称: 個人住民税に関する事務\n", f"    名称: {q('事務' + payload)}\n", 1)
    text = text.replace("    内容: |\n", f"    内容: |\n      {payload}\n      {'長い文章' * 300}{payload}\n", 1)
    # names printed in headings: a search result's places are titled with them (piasite.js)
    text = text.replace(
        "        - 名称: 申告情報のパンチ入力業務\n", f"        - 名称: {q('申告情報のパンチ入力業務' + payload)}\n", 1
    )
    text = text.replace("    - 名称: 個人住民税システム\n", f"    - 名称: {q('個人住民税システム' + payload)}\n", 1)
    rel = f"content/h{i}/1.yaml"
    r.write(rel, text)
    return rel


def hostile_repo(root: Path, payloads=PAYLOADS) -> Repo:
    r = Repo(root)
    rels = [write_doc(r, i, p) for i, p in enumerate(payloads)]
    shutil.copy(REPO / "mkdocs.yml", r.root / "mkdocs.yml")
    r.write(".gitignore", "/build/\n/site/\n/site.tmp/\n/site.old/\n")
    r.commit("東山市の評価書を登録", days=0)
    for rel, p in zip(rels, payloads, strict=True):
        r.edit(rel, "委託先名: 株式会社ジーシーシー", f"委託先名: {json.dumps('株式会社' + p, ensure_ascii=False)}")
        r.commit(f"委託先を変更 {p}\n\n変更日: 2026-01-05\n提出時期: 事後\n提出時期に係る説明: {p}")
    return r


def build(r: Repo, engine: str = "mkdocs") -> Path:
    """`piasite build` as a city runs it, in the repository (in this process: tests/clirun.py); returns site/."""
    from tests.clirun import piasite

    out = r.root / ("site" if engine == "mkdocs" else f"site-{engine}")
    proc = piasite("build", "--engine", engine, "--out", out.name, cwd=r.root)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return out
