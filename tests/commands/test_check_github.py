"""`piasite check --format github`: each problem as a GitHub Actions annotation (::error file=…,line=…::…)
on stdout, where the runner reads workflow commands; a newline in a message cannot start a command."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from piasite.commands.check import annotation
from piasite.core.problems import WARNING, Problem
from tests.clirun import piasite
from tests.conftest import ROOT

EXAMPLE = ROOT / "templates" / "init" / "content" / "higashiyama" / "1.yaml"
LINE = re.compile(r"^::(error|warning) file=([^,:]+),line=(\d+)(?:,title=([^:]*))?::(.+)$")


def test_errors_are_annotations_on_their_line(tmp_path):
    content = tmp_path / "content" / "higashiyama"
    content.mkdir(parents=True)
    text = EXAMPLE.read_text(encoding="utf-8").replace("評価書番号: 1", "評価書番号: [1")
    (content / "1.yaml").write_text(text, encoding="utf-8")
    res = piasite("check", "--format", "github", cwd=tmp_path)
    assert res.returncode == 1
    lines = res.stdout.splitlines()
    assert lines and all(LINE.match(l) for l in lines), res.stdout
    kind, file, line, _, message = LINE.match(lines[0]).groups()
    assert kind == "error" and file == "content/higashiyama/1.yaml"
    assert int(line) > text.splitlines().index("評価書番号: [1") and message  # where the YAML reader stopped
    assert "エラー 1 件" in res.stderr  # the summary stays for people, on stderr
    text_res = piasite("check", cwd=tmp_path)  # the default is unchanged: file:line: message on stderr
    assert text_res.stdout == "" and f"content/higashiyama/1.yaml:{line}:" in text_res.stderr


def test_a_clean_document_gives_no_annotation(tmp_path):
    content = tmp_path / "content" / "higashiyama"
    content.mkdir(parents=True)
    shutil.copy(EXAMPLE, content / "1.yaml")
    res = piasite("check", "--format", "github", cwd=tmp_path)
    assert not [l for l in res.stdout.splitlines() if l.startswith("::error")], res.stdout


def test_a_message_cannot_start_a_workflow_command():
    p = Problem(Path("content/a,b:c.yaml"), 0, "委託先名", "一行目\n::set-env name=X::1\r%", WARNING)
    out = annotation(p)
    assert "\n" not in out and "\r" not in out  # one line: the runner reads a command only at a line's start
    assert out == "::warning file=content/a%2Cb%3Ac.yaml,line=1,title=委託先名::一行目%0A::set-env name=X::1<U+000D>%25"
