"""The hostile corpus (tests/fixtures/hostile): every payload a file, every file a test.

YAML payloads go through `piasite check`; commit messages through `piasite check --since` in a
real git repository. No traceback, exit 0/1, the expected message at the expected line, quickly,
and never a withheld value in the output.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from piasite.cli import main
from tests.conftest import FIXTURES
from tests.gitrepo import base_repo

HOSTILE = FIXTURES / "hostile"
GOOD = FIXTURES / "handwritten" / "higashiyama" / "5.yaml"


def header(text: str) -> tuple[dict[str, list[str]], str]:
    """Leading `# key: value` comment lines → {key: [values]}, and the rest."""
    meta: dict[str, list[str]] = {}
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines) and lines[i].startswith("#"):
        m = re.match(r"#\s*(expect|never|exit|replace|escapes|today)\b:?\s*(.*)", lines[i].rstrip("\n"))
        if m:
            meta.setdefault(m[1], []).append(m[2])
        i += 1
    return meta, "".join(lines[i:])


def materialise(src: Path, tmp: Path) -> tuple[Path, dict, int | None]:
    """The document to check (the payload alone, or put into the hand-written assessment)
    → (path, header, line of the payload)."""
    text = src.read_text(encoding="utf-8")
    meta, body = header(text)
    line = None
    if "replace" in meta:
        key = meta["replace"][0]
        good = GOOD.read_text(encoding="utf-8").splitlines(keepends=True)
        prefix = key if key.startswith("- ") else key + ":"
        i = next(n for n, l in enumerate(good) if l.lstrip().startswith(prefix))
        indent = good[i][: len(good[i]) - len(good[i].lstrip())]
        good[i] = "".join(indent + l for l in body.splitlines(keepends=True))
        text, line = "".join(good), i + 1
    out = tmp / "higashiyama" / "1.yaml"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out, meta, line


def check_output(res, meta: dict, path: str, payload_line: int | None) -> None:
    out = res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), out
    assert "Traceback" not in out
    expected_errors = [e for e in meta.get("expect", []) if e.startswith("error")]
    exit_code = int(meta["exit"][0]) if "exit" in meta else (1 if expected_errors else 0)
    assert res.exit_code == exit_code, out
    for e in meta.get("expect", []):
        severity, where, fragment = e.split(" ", 2)
        lines = [l for l in out.splitlines() if l.startswith(path + ":") and fragment in l]
        assert lines, f"no message with {fragment!r}:\n{out}"
        if severity == "warning":
            assert any("警告: " in l for l in lines), out
        else:
            assert any("警告: " not in l for l in lines), out
        if where != "*":
            want = payload_line if where == "@" else int(where[1:])
            assert any(l.startswith(f"{path}:{want}: ") for l in lines), f"not at line {want}:\n{out}"
    for secret in meta.get("never", []):
        assert secret not in out, f"{secret!r} printed:\n{out}"


YAML_CASES = sorted((HOSTILE / "yaml").glob("*.yaml"))


@pytest.mark.parametrize("src", YAML_CASES, ids=[p.stem for p in YAML_CASES])
def test_hostile_yaml(src, tmp_path, monkeypatch):
    path, meta, line = materialise(src, tmp_path)
    monkeypatch.chdir(tmp_path)  # no mkdocs.yml here: the default limits
    monkeypatch.setenv("PIASITE_TODAY", meta.get("today", ["2026-01-01"])[0])
    t0 = time.perf_counter()
    res = CliRunner().invoke(main, ["check", str(path)])
    assert time.perf_counter() - t0 < 10
    check_output(res, meta, str(path), line)


def test_corpus_is_not_empty():
    assert len(YAML_CASES) >= 40 and len(TRAILER_CASES) >= 8


TRAILER_CASES = sorted((HOSTILE / "trailers").glob("*.txt"))


@pytest.mark.parametrize("src", TRAILER_CASES, ids=[p.stem for p in TRAILER_CASES])
def test_hostile_trailer(src, tmp_path, monkeypatch):
    meta, message = header(src.read_text(encoding="utf-8"))
    if "escapes" in meta:
        message = re.sub(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4}))", lambda m: chr(int(m[1] or m[2], 16)), message)
    r = base_repo(tmp_path / "repo")
    base = r.git("rev-parse", "HEAD")
    r.edit("content/higashiyama/5.yaml", "委託先名: 株式会社ジーシーシー", "委託先名: 株式会社テスト保守")
    sha = r.commit(message)
    monkeypatch.chdir(r.root)
    res = CliRunner().invoke(main, ["check", "--since", base, "content"])
    path = "content/higashiyama/5.yaml"
    meta = {**meta, "expect": [f"{e.split(' ', 1)[0]} * {e.split(' ', 1)[1]}" for e in meta.get("expect", [])]}
    check_output(res, meta, path, None)  # named as given, from the repository's folder
    if meta["expect"]:  # the error names the commit: short id and subject
        assert f"コミット {sha[:10]}「{message.splitlines()[0]}」" in res.output
