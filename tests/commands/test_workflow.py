"""The pull-request workflow: the comment body from a real repository, `piasite diff` on the working
tree, and the workflow files (this repository's and the init template's) calling only existing commands."""

from __future__ import annotations

import re
import shlex

import pytest
import yaml
from click.testing import CliRunner

from piasite.cli import main
from tests.conftest import ROOT
from tests.gitrepo import Repo

EXAMPLE = ROOT / "templates" / "init" / "content" / "higashiyama" / "1.yaml"
F = "content/higashiyama/1.yaml"


def run(*args: str) -> str:
    res = CliRunner().invoke(main, list(args))
    assert res.exit_code == 0, res.output
    return res.stdout


@pytest.fixture()
def pr(tmp_path, monkeypatch):
    """main with the example; a branch with two commits, as a clerk's pull request."""
    r = Repo(tmp_path / "city")
    r.write(F, EXAMPLE.read_text(encoding="utf-8"))
    r.commit("東山市の評価書を登録", days=0)
    r.git("checkout", "-q", "-b", "change")
    r.edit(F, "委託先名: 株式会社ひがしやま情報", "委託先名: 東山システム株式会社")
    r.commit("保守業務の委託先を変更\n\n変更日: 2026-06-01\n提出時期: 事後\n提出時期に係る説明: 委託先の変更のみ")
    r.edit(F, "使用目的: 住民税額の算出", "使用目的: 住民税額の算出、減免の審査")
    r.edit(F, "        - 名称: 東山市税務システム\n", "        - 名称: 東山市税務システム\n") if False else None
    r.edit(
        F,
        "機能: 情報提供ネットワークシステムを通じた情報照会・情報提供",
        "機能: 情報提供ネットワークシステムを通じた情報照会・情報提供・符号の取得",
    )
    r.commit("使用目的に減免の審査を追加\n\n提出時期: 事後")
    monkeypatch.chdir(r.root)
    return r


def test_pr_comment_body(pr):
    body = run("diff", "main", "HEAD", "--format", "md", "--comment")
    assert body.startswith("<!-- piasite-diff -->\n")
    assert "### 東山市長 個人住民税に関する事務 重点項目評価書\n" in body  # the title the site gives it
    # each element named, not only its number
    assert "委託事項2(税務システム保守業務) ③委託先名" in body
    assert "システム2(中間サーバー) ②システムの機能" in body
    # the (別添2) rows: 変更日 and 提出時期 from the trailers
    rows = body.split("#### (別添2) 変更箇所に加わる行", 1)[1]
    contractor = next(l for l in rows.splitlines() if "③委託先名" in l)
    assert "令和8年6月1日" in contractor and "| 事後 |" in contractor and "委託先の変更のみ" in contractor
    assert "⚠" not in contractor  # not a ※ item: 事後 is fine
    purpose = next(l for l in rows.splitlines() if "③使用目的" in l)
    assert "※" in purpose and "⚠" in purpose and "「事後」" in purpose
    assert "確認が必要な行が 1 件" in body


def test_pr_comment_warns_without_timing(pr):
    pr.edit(F, "使用目的: 住民税額の算出、減免の審査", "使用目的: 住民税額の算出、減免の審査、還付")
    pr.commit("還付を追加")
    body = run("diff", "main", "--comment")  # the working tree is clean: the same as HEAD
    rows = body.split("#### (別添2) 変更箇所に加わる行", 1)[1]
    lines = [l for l in rows.splitlines() if "③使用目的" in l]
    assert len(lines) == 2
    assert "「提出時期:」がありません" in body
    assert "(推定)" in body


def test_comment_titles_an_assessment_without_its_name_as_the_site_does(pr):
    """評価書名 is optional (piasite new leaves it empty): the heading is then 事務の名称 and the form, not the path."""
    text = pr.path(F).read_text(encoding="utf-8")
    name_line = next(l for l in text.splitlines() if l.startswith("評価書名:"))
    pr.write(F, text.replace(name_line + "\n", ""))
    pr.edit(F, "委託先名: 東山データサービス株式会社", "委託先名: 東山入力センター株式会社")
    for args in (("diff", "HEAD"), ("diff", "main", "--comment")):
        body = run(*args)
        assert "### 東山市長 個人住民税に関する事務 重点項目評価書\n" in body, args


def test_diff_working_tree(pr):
    assert "評価書の変更はありません" in run("diff", "HEAD")
    pr.edit(F, "委託先名: 東山データサービス株式会社", "委託先名: 東山入力センター株式会社")
    pr.write(
        "content/higashiyama/2.yaml", EXAMPLE.read_text(encoding="utf-8").replace("評価書番号: 1", "評価書番号: 2")
    )
    out = run("diff", "HEAD")
    assert "東山データサービス株式会社" in out and "東山入力センター株式会社" in out
    assert "content/higashiyama/2.yaml` — 追加" in out
    assert "評価書の変更はありません" in run("diff", "HEAD", "HEAD")  # two commits: uncommitted edits do not count
    comment = run("diff", "HEAD", "--comment")
    assert "委託事項1(申告書のデータ入力業務) ③委託先名" in comment
    assert "まだコミットしていない変更です" in comment


def test_diff_working_tree_unreadable(pr):
    pr.write(F, "様式: 重点項目評価書\n評価書名: [途中\n")
    out = run("diff", "HEAD")
    assert "読めません" in out and "2 行目" in out


WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml")) + sorted(
    (ROOT / "templates" / "init" / "dot-github" / "workflows").glob("*.yml")
)


def _commands(workflow: dict) -> list[list[str]]:
    out = []
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            for line in str(step.get("run", "")).splitlines():
                line = re.sub(r"\$\{\{[^}]*\}\}", "main", line.split(">")[0]).strip()
                if line.startswith("piasite "):
                    out.append(shlex.split(line)[1:])
    return out


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: f"{p.parent.parent.parent.name}/{p.name}")
def test_workflow_calls_existing_commands(path):
    wf = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert wf["jobs"]
    triggers = wf.get(True, wf.get("on"))  # YAML 1.1 reads the key `on` as true
    commands = _commands(wf)
    assert commands, path
    for args in commands:
        cmd = main.commands.get(args[0])
        assert cmd is not None, f"{path.name}: piasite {args[0]} does not exist"
        cmd.make_context(args[0], list(args[1:]))  # parses the options: raises on an unknown one
    steps = [s for job in wf["jobs"].values() for s in job.get("steps", [])]
    checkouts = [s for s in steps if str(s.get("uses", "")).startswith("actions/checkout")]
    assert checkouts and all(s.get("with", {}).get("fetch-depth") == 0 for s in checkouts)
    if "pull_request" in triggers:
        names = [a[0] for a in commands]
        assert {"check", "build", "diff"} <= set(names)
        assert any("--since" in a for a in commands if a[0] == "check")
        assert any("--comment" in a for a in commands if a[0] == "diff")
        script = next(s["with"]["script"] for s in steps if "github-script" in str(s.get("uses", "")))
        assert "<!-- piasite-diff -->" in script and "updateComment" in script
        assert any("upload-artifact" in str(s.get("uses", "")) for s in steps)
    else:
        assert triggers["push"]["branches"] == ["main"]
        assert any("deploy-pages" in str(s.get("uses", "")) for s in steps)
        assert "build" in [a[0] for a in commands]
        if "init" in str(path):  # a city's deploy refuses what the importer could not read (!要確認)
            assert any(a[0] == "build" and "--publish" in a for a in commands)


def test_workflows_pass_the_branch_name_through_the_environment():
    """No ${{ … }} inside a run: line (a branch name written into the shell script could run as commands)."""
    for path in WORKFLOWS:
        wf = yaml.safe_load(path.read_text(encoding="utf-8"))
        for job in wf["jobs"].values():
            for step in job.get("steps", []):
                assert "${{" not in str(step.get("run", "")), (path.name, step.get("name"))


def _gitlab_example() -> dict:
    guide = (ROOT / "templates" / "guides" / "review.md").read_text(encoding="utf-8")
    block = re.search(r"## GitLab CI の例.*?```yaml\n(.*?)```", guide, re.S)
    assert block, "the guide has a GitLab CI example"
    return yaml.safe_load(block.group(1))


def test_gitlab_example_calls_existing_commands():
    ci = _gitlab_example()
    jobs = {k: v for k, v in ci.items() if isinstance(v, dict) and "script" in v}
    assert {"review", "pages"} <= set(jobs) and ci["variables"]["GIT_DEPTH"] == 0
    seen = []
    for job in jobs.values():
        for line in job["script"]:
            line = line.split(">")[0].strip()
            if line.startswith("piasite "):
                args = shlex.split(line)[1:]
                main.commands[args[0]].make_context(args[0], list(args[1:]))  # raises on an unknown option
                seen.append(args)
    assert any(a[0] == "diff" and "--comment" in a for a in seen)
    assert any(a[0] == "check" and "--since" in a for a in seen)
    assert any(a[0] == "build" and "--publish" in a for a in seen)


def test_gitlab_example_posts_then_updates_one_note(tmp_path):
    """The example's note script against a stand-in for GitLab's notes API: one note, rewritten on the next push."""
    import http.server
    import json
    import os
    import subprocess
    import threading

    notes: list[dict] = []

    class Api(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def reply(self, data):
            raw = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self):
            assert self.headers["PRIVATE-TOKEN"] == "t0ken"
            self.reply(notes)

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            notes.append({"id": len(notes) + 1, "body": body["body"]})
            self.reply(notes[-1])

        def do_PUT(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            note_id = int(self.path.rsplit("/", 1)[1])
            notes[note_id - 1]["body"] = body["body"]
            self.reply(notes[note_id - 1])

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    script = next(line for line in _gitlab_example()["review"]["script"] if "urllib" in line)
    env = {
        **os.environ,
        "CI_API_V4_URL": f"http://127.0.0.1:{server.server_address[1]}/api/v4",
        "CI_PROJECT_ID": "7",
        "CI_MERGE_REQUEST_IID": "3",
        "PIASITE_GITLAB_TOKEN": "t0ken",
    }
    try:
        notes.append({"id": 1, "body": "別の人のコメント"})
        for text in ("<!-- piasite-diff -->\n一回目", "<!-- piasite-diff -->\n二回目"):
            (tmp_path / "piasite-comment.md").write_text(text, encoding="utf-8")
            subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env=env, check=True, timeout=60)
    finally:
        server.shutdown()
        server.server_close()
    assert [n["body"] for n in notes] == ["別の人のコメント", "<!-- piasite-diff -->\n二回目"]


def test_pr_comment_ignores_base_moving_on(pr):
    """main gains a commit after the branch left it: the comment shows the branch's changes only."""
    pr.git("checkout", "-q", "main")
    pr.edit(F, "保管場所: 申告書等の紙は", "保管場所: 申告書等の紙と磁気媒体は")
    pr.commit("保管場所を修正\n\n提出時期: 事後\n提出時期に係る説明: 表現の修正")
    pr.git("checkout", "-q", "change")
    body = run("diff", "main", "HEAD", "--comment")
    assert "③委託先名" in body and "③使用目的" in body
    assert "保管場所" not in body
