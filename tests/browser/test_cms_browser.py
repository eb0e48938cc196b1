"""The staff's browser form (issue 23) in Chromium, against decap-server (Decap's local git backend,
editorial workflow: a branch per entry, as a pull request on GitHub) on a repository made by
`piasite init`, with the seed documents of content/ added.

The clerk changes a choice (③対象人数), a list element (システム2 ①システムの名称) and a long text
(②事務の内容), answers the save's questions and saves: one commit on the entry's branch; the PR
workflow's step `piasite cms trailers --base main --commit` makes it one commit whose message ends with
the trailers; its YAML passes `piasite check`, `piasite diff` lists exactly the three items, and the
change log's (別添2) rows carry the 変更日 and 提出時期 given. Every seed document opens in the editor
without an error, and piasite's format run in the page gives each back byte for byte. The admin page
makes no request to another host.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from harness import Guard, missing_tool, serve

from piasite.forms.registry import all_forms, form_for
from piasite.model.reader import parse
from piasite.site import cms
from tests.clirun import piasite
from tests.gitrepo import Repo

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
SERVER = REPO / "node_modules" / "decap-server" / "dist" / "index.js"
SEEDS = sorted((REPO / "content").glob("*/*.yaml"))
DOC = "content/higashiyama/1.yaml"
BRANCH = "cms/juten/higashiyama/1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def city(tmp_path) -> Repo:
    assert piasite("init", str(tmp_path / "city"), "--name", "東山市").returncode == 0
    repo = Repo(tmp_path / "city")
    for seed in SEEDS:  # the published seeds too: each must open in the form
        repo.write(f"content/{seed.parent.name}/{seed.name}", seed.read_text(encoding="utf-8"))
    repo.commit("init", days=0)
    return repo


@pytest.fixture
def decap(city, tmp_path):
    """decap-server on the city's repository (git mode: the editorial workflow's branches), and the
    admin/ the staff build writes, told to use it."""
    if not SERVER.exists() or shutil.which("node") is None:
        missing_tool("decap-server (npm ci)")
    port = _free_port()
    env = {
        **os.environ,
        "MODE": "git",
        "PORT": str(port),
        "BIND_HOST": "127.0.0.1",
        "GIT_REPO_DIRECTORY": str(city.root),
    }
    proc = subprocess.Popen(["node", str(SERVER)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        api = f"http://127.0.0.1:{port}/api/v1"
        for _ in range(100):
            try:
                req = urllib.request.Request(
                    api, data=b'{"action":"info"}', headers={"Content-Type": "application/json"}
                )
                info = json.loads(urllib.request.urlopen(req, timeout=2).read())
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("decap-server が起動しませんでした")
        assert "editorial_workflow" in info["publish_modes"]
        www = tmp_path / "www"
        cms.write_admin(www / cms.ADMIN, all_forms(), {})
        config = json.loads((www / cms.ADMIN / "config.yml").read_text(encoding="utf-8"))
        assert config["publish_mode"] == "editorial_workflow"
        config["local_backend"] = {"url": api}  # the test's port (Decap's default is localhost:8081)
        (www / cms.ADMIN / "config.yml").write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
        with serve(www) as base:
            yield f"{base}/{cms.ADMIN}/"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _open(page, url: str) -> None:
    """An entry in the editor, loaded afresh (a hash change alone would keep the last one a moment)."""
    page.goto(url)
    page.reload()
    try:
        page.wait_for_selector("[data-testid=expand-button]", state="attached")
    except Exception:
        page.screenshot(path="/tmp/cms-open-failed.png")
        raise
    page.wait_for_timeout(500)


def _control(page, text: str, nth: int = -1):
    labels = page.locator("label").filter(has_text=re.compile("^" + re.escape(text) + r"( \(任意\))?$"))
    lab = labels.nth(nth) if nth >= 0 else labels.last
    return page.locator("#" + lab.get_attribute("for"))


def _expand(page, text: str) -> None:
    bars = page.locator("[data-testid=expand-button]").locator("xpath=..").filter(has_text=text)
    bars.last.locator("[data-testid=expand-button]").click()


def _wait_branch(page, city, branch: str) -> None:
    for _ in range(150):
        if branch in city.git("branch", "--list", branch) and city.git("rev-list", "--count", f"main..{branch}") != "0":
            return
        page.wait_for_timeout(100)
    pytest.fail(f"保存してもブランチ {branch} にコミットができませんでした")


def _choose(page, control, option: str) -> None:
    control.click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")


def test_a_clerk_changes_three_values_and_saves_one_commit(browser, decap, city):
    guard = Guard()
    context = browser.new_context(viewport={"width": 1280, "height": 1400}, locale="ja-JP")
    context.route("**/*", guard.route)
    page = context.new_page()
    page.on("pageerror", lambda e: guard.errors.append(str(e)))
    page.set_default_timeout(120_000)  # the largest seeds are forms of some 150 parts: slow on a shared machine
    page.on("dialog", lambda d: d.accept())  # leaving an entry: Decap asks before the page unloads
    notes: list[str] = []
    page.on("console", lambda m: notes.append(m.text) if m.type == "error" else None)
    try:
        page.goto(decap)
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_url(re.compile(r"#/collections/"))

        # every seed document opens in the editor (none refused, no script error) …
        for seed in SEEDS:
            form = form_for(parse(seed.read_text(encoding="utf-8"), seed).data)
            _open(page, f"{decap}#/collections/{form.schema_id}/entries/{seed.parent.name}/{seed.stem}")
        # … and piasite's format, run in the page, gives each back byte for byte
        texts = [city.path(f"content/{s.parent.name}/{s.name}").read_text(encoding="utf-8") for s in SEEDS]
        texts.append(city.path(DOC).read_text(encoding="utf-8"))
        same = page.evaluate(
            """async (texts) => {
                const P = await import("./piasite-yaml.js");
                P.useShapes((await import("./piasite-shapes.js")).SHAPES);
                return texts.map((t) => P.toFile(P.fromFile(t)) === t);
            }""",
            texts,
        )
        assert same == [True] * len(texts)

        # a published seed with !要確認 values, edited and edited back: Decap has nothing to save (it
        # never writes an entry that is as it was read), and piasite's format above gives it back as read
        _open(page, f"{decap}#/collections/juten/entries/kumagaya/5")
        title = _control(page, "評価書名")
        original = title.input_value()
        title.fill(original + "(仮)")
        assert page.get_by_role("button", name="保存").first.is_enabled()
        title.fill(original)
        page.wait_for_timeout(500)
        assert not page.get_by_role("button", name="保存").first.is_enabled()

        _open(page, f"{decap}#/collections/juten/entries/higashiyama/1")
        _expand(page, "Ⅰ 基本情報")
        _expand(page, "1. 特定個人情報ファイルを取り扱う事務")
        _choose(page, _control(page, "③対象人数"), "1万人以上10万人未満")
        _control(page, "②事務の内容").fill(
            "東山市は、次の事務で特定個人情報を取り扱う。\n\n- 個人住民税の賦課\n- 個人住民税の収納\n"
        )
        _expand(page, "2. 特定個人情報ファイルを取り扱う事務において使用するシステム")
        _control(page, "①システムの名称", nth=1).fill("東山市中間サーバー")
        _control(page, "変更日").fill("2026-05-01")
        _choose(page, _control(page, "提出時期"), "事後")
        _control(page, "提出時期に係る説明").fill("重要な変更ではないため")
        page.get_by_role("button", name="保存").first.click()
        for _ in range(100):
            if (
                BRANCH in city.git("branch", "--list", BRANCH)
                and city.git("rev-list", "--count", f"main..{BRANCH}") != "0"
                # decap-server has finished with the repository: back on main, no git operation under way
                # (it checks the entry's branch out to commit; on a loaded machine it is still there)
                and city.git("rev-parse", "--abbrev-ref", "HEAD") == "main"
                and not (city.root / ".git" / "index.lock").exists()
            ):
                break
            page.wait_for_timeout(100)
        else:
            page.screenshot(path="/tmp/cmsx/fail.png")
            pytest.fail("保存してもブランチができませんでした: " + "\n".join(guard.errors + notes))
        guard.check()
    finally:
        context.close()

    # the entry's branch: one commit, as the pull request's
    assert city.git("rev-list", "--count", f"main..{BRANCH}") == "1"
    for attempt in range(20):  # decap-server (stopped with the context? no: still running) may hold the index
        try:
            city.git("checkout", "-q", BRANCH)
            break
        except subprocess.CalledProcessError as e:
            if attempt == 19:
                raise AssertionError(f"git checkout {BRANCH}: {e.stderr}") from None
            time.sleep(0.5)
    # the PR workflow's step: the answers become the commit's trailers
    done = piasite("cms", "trailers", "--base", "main", "--commit", cwd=city.root)
    assert done.returncode == 0, done.output
    assert city.git("rev-list", "--count", "main..HEAD") == "1"
    message = city.git("log", "-1", "--format=%B")
    assert message.splitlines()[-3:] == [
        "変更日: 2026-05-01",
        "提出時期: 事後",
        "提出時期に係る説明: 重要な変更ではないため",
    ]
    changed = city.git("diff", "--name-only", "main", "HEAD")
    assert changed == DOC
    check = piasite("check", cwd=city.root)
    assert check.returncode == 0, check.output
    diff = json.loads(piasite("diff", "main", "HEAD", "--format", "json", cwd=city.root).stdout)
    items = [c["項目"] for a in diff["assessments"] for c in a["changes"]]
    assert len(items) == 3, items
    assert any("③対象人数" in i for i in items) and any("②事務の内容" in i for i in items)
    assert any("システム2" in i and "①システムの名称" in i for i in items)
    rows = json.loads(piasite("changelog", DOC, "--format", "json", cwd=city.root).stdout)
    mine = [r for r in rows if r["変更日"] == "2026-05-01"]
    assert len(mine) == 3 and {r["提出時期"] for r in mine} == {"事後"}
