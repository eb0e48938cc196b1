"""SECURITY.md 端末と読み手を攻撃しない出力: what a command writes, and the pull-request comment.

Attacker: whoever writes content (a value), a commit message or trailer, a folder name or a text to
import. Promise: no control character (ESC and the rest of C0/C1) and no bidi control reaches a
terminal, a CI log or a comment raw — each is written <U+001B>; the comment stays under GitHub's
65,536-character limit with a note saying where the rest is; @mentions, #12 / GH-12 references,
commit SHAs and autolinks in it do not link or notify; the earlier comment is updated only when
github-actions[bot] wrote it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from piasite.commands import comment as comment_mod
from piasite.core import mdtext
from piasite.core.safeout import SafeStream, escape
from tests.clirun import piasite
from tests.conftest import ROOT
from tests.gitrepo import Repo

EXAMPLE = ROOT / "templates" / "init" / "content" / "higashiyama" / "1.yaml"
F = "content/higashiyama/1.yaml"
# Raw characters an attacker would like on a terminal / in a reader's view (one of each kind).
ATTACKS = ["\x1b", "\x9b", "\x07", "\x08", "\r", "\x7f", "\u202e", "\u2066", "\u200f", "\u061c", "\u2028"]
# In YAML (double-quoted escapes): an ANSI colour, an OSC 8 link, a C1 CSI, a cursor return, a bidi override.
Y_PAYLOAD = r'"株式会社\e[31m赤\e[0m\e]8;;https://evil.example\e\\リンク\e]8;;\e\\\x9b2J\r偽\u202e逆\u2066\u200f"'


def raw_unsafe(text: str) -> list[str]:
    return sorted(
        {f"U+{ord(c):04X}" for c in text if c in ATTACKS or c in "\x1b\x9b\u202e\u202d\u202a\u2067\u2068\u2069"}
        | ({"lone CR"} if re.search("\r(?!\n)", text) else set())
    )


def assert_clean(res: subprocess.CompletedProcess, *, shown: str | None = None) -> None:
    for name, text in (("stdout", res.stdout), ("stderr", res.stderr)):
        assert not raw_unsafe(text), (name, raw_unsafe(text), text[:2000])
    if shown is not None:
        assert shown in res.stdout + res.stderr


@pytest.fixture()
def repo(tmp_path, monkeypatch):
    r = Repo(tmp_path / "city")
    r.write(F, EXAMPLE.read_text(encoding="utf-8"))
    r.commit("東山市の評価書を登録", days=0)
    monkeypatch.chdir(r.root)
    return r


# --- the stream itself -----------------------------------------------------------------------------


@pytest.mark.parametrize("ch", ATTACKS)
def test_escape_writes_each_unsafe_character_visibly(ch):
    assert escape(f"a{ch}b") == f"a<U+{ord(ch):04X}>b"


def test_escape_keeps_text_layout_and_japanese():
    s = "項目\t値\n二行目\r\n「株式会社」@\u2060x ①"
    assert escape(s) == s


def test_safe_stream_keeps_crlf_across_writes():
    import io

    inner = io.StringIO()
    s = SafeStream(inner)
    for chunk in ("a,b\r", "\nc\r", "d\r"):
        s.write(chunk)
    s.close()
    assert inner.getvalue() == "a,b\r\nc<U+000D>d<U+000D>"


# --- every command --------------------------------------------------------------------------------


def test_diff_and_comment_escape_a_value(repo):
    repo.edit(F, "委託先名: 株式会社ひがしやま情報", f"委託先名: {Y_PAYLOAD}")
    for args in (("diff", "HEAD"), ("diff", "HEAD", "--format", "json"), ("diff", "HEAD", "--comment")):
        res = piasite(*args)
        assert res.returncode == 0, res.stderr
        assert_clean(res, shown="<U+001B>" if args[-1] != "json" else None)
    repo.commit("委託先名を変更\n\n提出時期: 事後\n提出時期に係る説明: 委託先の変更")
    for args in (("diff", "HEAD~1", "HEAD"), ("diff", "HEAD~1", "HEAD", "--comment")):
        res = piasite(*args)
        assert res.returncode == 0, res.stderr
        assert_clean(res, shown="<U+202E>")


def test_json_output_keeps_escapes_as_json(repo):
    """JSON has its own escape for a control character (\\u001b): a tool reading it gets the value."""
    repo.edit(F, "委託先名: 株式会社ひがしやま情報", f"委託先名: {Y_PAYLOAD}")
    res = piasite("diff", "HEAD", "--format", "json")
    assert "\\u202e" in res.stdout and "<U+" not in res.stdout
    data = json.loads(res.stdout)
    values = json.dumps(data, ensure_ascii=False)
    assert "\\u001b" in values and "\u202e" in values  # the value itself, for a tool


@pytest.mark.parametrize("fmt", ["md", "json", "csv"])
def test_changelog_escapes_commit_message_and_trailers(repo, fmt):
    repo.edit(F, "委託先名: 株式会社ひがしやま情報", "委託先名: 東山システム株式会社")
    repo.commit(
        "委託先を変更\x1b]0;偽の題名\x07\n\n変更日: 2026-06-01\n提出時期: 事後\x1b[2J\n"
        "提出時期に係る説明: 委託先の\u202e変更\x9b31m\r上書き"
    )
    res = piasite("changelog", F, "--format", fmt)
    assert_clean(res)
    if fmt == "csv" and res.returncode == 0:
        assert "\r\n" in res.stdout  # CSV's own line ends are kept


def test_check_escapes_a_value_and_a_folder_name(repo):
    repo.edit(F, "委託先名: 株式会社ひがしやま情報", f"委託先名: {Y_PAYLOAD}")
    res = piasite("check")
    assert_clean(res)
    odd = "content/h\x1b[31mx\u202e"
    try:
        repo.write(f"{odd}/1.yaml", EXAMPLE.read_text(encoding="utf-8"))
    except OSError:
        pytest.skip("the file system refuses control characters in names")
    res = piasite("check")
    assert_clean(res, shown="<U+001B>")
    res = piasite("check", f"{odd}/1.yaml")
    assert_clean(res)
    repo.commit("追加")
    assert_clean(piasite("check", "--since", "HEAD~1"))
    assert_clean(piasite("diff", "HEAD~1", "HEAD"))
    assert_clean(piasite("diff", "HEAD~1", "HEAD", "--comment"))


def test_import_escapes_the_text_it_quotes(tmp_path, monkeypatch):
    src = ROOT / "tests" / "fixtures" / "acceptance"
    texts = sorted(src.rglob("*.txt"))
    text = texts[0].read_text(encoding="utf-8") if texts else "重点項目評価書\n評価書名\n"
    bad = tmp_path / "in\x1b[5mput\u202e.txt"
    try:
        bad.write_text("\x1b]0;x\x07\u202e" + text.replace("\n", "\x1b[31m\n", 5) + "\x9b", encoding="utf-8")
    except OSError:
        pytest.skip("the file system refuses control characters in names")
    monkeypatch.chdir(tmp_path)
    for args in (("import", "--report", bad.name), ("import", "--out", "out", bad.name)):
        res = piasite(*args)
        assert_clean(res, shown="<U+202E>")  # (click itself drops whole ANSI sequences when not on a terminal)


def test_errors_are_escaped_too(repo):
    res = piasite("diff", "no\x1b]0;t\x07such\u202e")  # an OSC (window title): click drops only CSI sequences
    assert res.returncode != 0
    assert_clean(res, shown="<U+001B>]0;t<U+0007>")
    res = piasite("changelog", "content/\x1b]0;t\x07.yaml")
    assert res.returncode != 0
    assert_clean(res)


def test_console_entry_escapes(repo):
    """The real process (python -m piasite): sys.stdout is the console's, not CliRunner's."""
    repo.edit(F, "委託先名: 株式会社ひがしやま情報", f"委託先名: {Y_PAYLOAD}")
    res = subprocess.run(
        [sys.executable, "-m", "piasite", "diff", "HEAD"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=repo.root,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
    )
    assert res.returncode == 0, res.stderr
    assert_clean(res, shown="<U+001B>")


# --- the pull-request comment ----------------------------------------------------------------------


def utf16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def test_long_comment_stays_under_githubs_limit_with_a_note(repo, monkeypatch):
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "higashiyama-city/pia")
    monkeypatch.setenv("GITHUB_RUN_ID", "4242")
    text = EXAMPLE.read_text(encoding="utf-8")
    # astral characters (2 UTF-16 units each, as GitHub counts) and characters that grow when escaped (< → &lt;)
    long = "𠮷" * 4000 + "<&" * 1500
    for i in range(2, 14):
        repo.write(f"content/higashiyama/{i}.yaml", text.replace("評価書番号: 1", f"評価書番号: {i}"))
    repo.commit("追加", days=1)
    for i in range(2, 14):
        repo.edit(f"content/higashiyama/{i}.yaml", "委託先名: 株式会社ひがしやま情報", f'委託先名: "{long}{i}"')
    repo.commit("長い値\n\n提出時期: 事後\n提出時期に係る説明: テスト")
    body = comment_mod.pr_comment(repo.root / "content", "HEAD~1", "HEAD")
    assert body.startswith(comment_mod.MARKER)
    assert utf16(body) <= 65536 - 1000, utf16(body)
    assert "GitHub のコメントの長さの上限" in body
    assert "https://github.com/higashiyama-city/pia/actions/runs/4242" in body
    assert "\x1b" not in body
    res = piasite("diff", "HEAD~1", "HEAD", "--comment")
    assert utf16(res.stdout) <= 65536 - 1000


def test_one_huge_line_is_cut_too():
    body = comment_mod.fit(comment_mod.MARKER + "\n" + "あ" * 70000 + "\n", 60000)
    assert utf16(body) <= 60000 and "上限" in body and body.startswith(comment_mod.MARKER)


@pytest.mark.parametrize(
    "attack, linked",
    [
        ("@octocat", "@octocat"),
        ("@org/team", "@org/team"),
        ("#123", "#123"),
        ("GH-45", "GH-45"),
        ("owner/repo#7", "#7"),
        ("https://evil.example/x", "https://"),
        ("http://evil.example", "http://"),
        ("www.evil.example", "www."),
        ("clerk@example.jp", "@example"),
        ("a94a8fe5ccb19ba61c4c0873d391e987982fbbd3", None),
        ("deadbee", None),
        ("repo@1234567", None),
    ],
)
def test_references_and_autolinks_are_neutralised(attack, linked):
    out = mdtext.text(f"委託先 {attack} です")
    if linked is not None:
        assert linked not in out, out
    for sha in re.findall(r"(?<![0-9A-Za-z])[0-9a-fA-F]{7,}(?![0-9A-Za-z])", out):
        pytest.fail(f"a SHA GitHub would link: {sha} in {out!r}")
    assert out.replace("\u2060", "").replace("\\", "") == f"委託先 {attack} です".replace("\\", "")


def test_comment_neutralises_references_in_values_and_messages(repo):
    repo.edit(F, "委託先名: 株式会社ひがしやま情報", "委託先名: '@octocat #12 GH-3 https://evil.example'")
    repo.commit("委託先を変更 @admins fixes #9\n\n提出時期: 事後\n提出時期に係る説明: @team 参照 #99 deadbeefcafe")
    body = piasite("diff", "HEAD~1", "HEAD", "--comment").stdout
    for bad in ("@octocat", "@admins", "@team", "#12", "#9", "#99", "GH-3", "https://evil", "deadbeefcafe"):
        assert bad not in body, bad


def test_base_in_the_heading_is_text(repo):
    repo.git("branch", "x@y#1")
    body = comment_mod.pr_comment(repo.root / "content", "x@y#1", "HEAD")
    assert "#1" not in body and "@y" not in body


# --- the marker comment: the real script of the workflows, run by node against a stand-in ----------

WORKFLOWS = [
    ROOT / ".github" / "workflows" / "pr.yml",
    ROOT / "templates" / "init" / "dot-github" / "workflows" / "pr.yml",
]


def _post_script(path: Path) -> str:
    wf = yaml.safe_load(path.read_text(encoding="utf-8"))
    scripts = [
        s["with"]["script"]
        for job in wf["jobs"].values()
        for s in job.get("steps", [])
        if "github-script" in str(s.get("uses", ""))
    ]
    assert len(scripts) == 1, path
    return scripts[0]


STUB = r"""
const fs = require('fs');
const state = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const calls = [];
const github = {
  rest: { issues: {
    listComments: async () => ({ data: state.comments }),
    updateComment: async (a) => { calls.push(['update', a.comment_id, a.body]); },
    createComment: async (a) => { calls.push(['create', a.issue_number, a.body]); },
  } },
  paginate: async (fn, args) => (await fn(args)).data,
};
const context = { repo: { owner: 'o', repo: 'r' }, issue: { number: 5 }, runId: 77,
                  serverUrl: 'https://github.com', payload: { pull_request: { number: 5 } } };
const core = { setFailed: (m) => { calls.push(['failed', m]); }, info: () => {}, warning: () => {} };
process.chdir(state.cwd);
(async () => {
  const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
  await new AsyncFunction('require', 'github', 'context', 'core', 'process', state.script)(require, github, context, core, process);
  fs.writeFileSync(process.argv[3], JSON.stringify(calls));
})().catch((e) => { console.error(e); process.exit(3); });
"""


def _run_script(tmp_path: Path, script: str, comments: list[dict], body: str) -> list:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    work = tmp_path / "w"
    (work / "piasite-review").mkdir(parents=True, exist_ok=True)  # the artifact, as download-artifact puts it
    (work / "piasite-review" / "piasite-comment.md").write_text(body, encoding="utf-8")
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"comments": comments, "script": script, "cwd": str(work)}), encoding="utf-8")
    (tmp_path / "stub.js").write_text(STUB, encoding="utf-8")
    out = tmp_path / "calls.json"
    subprocess.run(
        [node, str(tmp_path / "stub.js"), str(state), str(out)],
        check=True,
        timeout=60,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
    )
    return json.loads(out.read_text(encoding="utf-8"))


BOT = {"login": "github-actions[bot]", "type": "Bot"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.parent.parent.parent.name)
def test_marker_comment_is_updated_only_when_the_bot_wrote_it(tmp_path, path):
    script = _post_script(path)
    body = comment_mod.MARKER + "\n新しい本文\n"
    forged = [
        {"id": 1, "body": "<!-- piasite-diff -->\n承認済み", "user": {"login": "mallory", "type": "User"}},
        {"id": 2, "body": "<!-- piasite-diff -->\n偽", "user": {"login": "github-actions", "type": "User"}},
        {"id": 3, "body": "<!-- piasite-diff -->\n別の bot", "user": {"login": "evil[bot]", "type": "Bot"}},
    ]
    calls = _run_script(tmp_path, script, forged, body)
    assert [c[0] for c in calls] == ["create"], calls
    own = forged + [{"id": 9, "body": "<!-- piasite-diff -->\n前の本文", "user": BOT}]
    calls = _run_script(tmp_path, script, own, body)
    assert calls[0][:2] == ["update", 9] and len(calls) == 1, calls
    bot_other = [{"id": 4, "body": "ほかの bot のメッセージ", "user": BOT}]
    assert [c[0] for c in _run_script(tmp_path, script, bot_other, body)] == ["create"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.parent.parent.parent.name)
def test_posting_job_bounds_and_cleans_what_the_review_job_gave_it(tmp_path, path):
    """The comment text comes from a job that ran the pull request's code: the job that posts it
    keeps it under the limit, escapes controls and neutralises mentions itself."""
    script = _post_script(path)
    body = "@octocat \x1b[31m" + "𠮷" * 40000 + "\n"
    calls = _run_script(tmp_path, script, [], body)
    ((kind, _, posted),) = calls
    assert kind == "create"
    assert utf16(posted) <= 65536 - 1000
    assert "\x1b" not in posted and "@octocat" not in posted
    assert posted.startswith(comment_mod.MARKER)
