"""Markdown outputs show content as written (piasite/mdtext.py): no link, image, emphasis or code
span made of a value, a path fenced whatever backticks it holds, other changed files named first."""

from __future__ import annotations

import json
import re

from piasite.core import mdtext
from tests.clirun import piasite
from tests.gitrepo import base_repo

PAYLOAD = "[承認済み](https://evil.example/a) ![x](https://evil.example/p.png) *強調* `x|y` ~~s~~ [r][1]\n\n[1]: https://evil.example/"


def test_text_keeps_markdown_syntax_inert():
    out = mdtext.text(PAYLOAD)
    assert not re.search(r"(?<!\\)[\[\]*`~]", out), out
    assert "|" not in out.replace("&#124;", "") and "\n" not in out
    assert mdtext.code("a``b`") == "``` a``b` ```" and mdtext.code("x\n\ny") == "`x y`"


def test_comment_and_diff_show_values_and_paths_as_text(tmp_path):
    r = base_repo(tmp_path / "city")
    base = r.git("rev-parse", "HEAD")
    r.edit(
        "content/higashiyama/5.yaml",
        "委託先名: 株式会社ジーシーシー",
        f"委託先名: {json.dumps(PAYLOAD, ensure_ascii=False)}",
    )
    r.write(".github/workflows/x.yml", "on: push\n")
    r.commit("委託先を変更\n\n変更日: 2026-01-05\n提出時期: 事後\n提出時期に係る説明: " + PAYLOAD.splitlines()[0])
    for args in (["diff", base, "--comment"], ["diff", base], ["changelog", "content/higashiyama/5.yaml"]):
        proc = piasite(*args, cwd=r.root)
        assert proc.returncode == 0, proc.stderr
        assert "evil.example" in proc.stdout, (args, proc.stdout)
        assert not re.search(r"(?<!\\)\]\(https://evil|(?<!\\)!(?<!\\)\[x|(?<!\\)\[承認済み", proc.stdout), (
            args,
            proc.stdout,
        )
        if "--comment" in args:
            assert "評価書のほかに 1 件のファイルが変わります: `.github/workflows/x.yml`" in proc.stdout


def test_a_mention_notifies_nobody():
    out = mdtext.text("担当 @city-admins と @octocat、連絡先 info@example.jp")
    assert "@city" not in out and "@octocat" not in out and "@example" not in out
    assert out.replace("\u2060", "") == "担当 @city-admins と @octocat、連絡先 info@example.jp"
