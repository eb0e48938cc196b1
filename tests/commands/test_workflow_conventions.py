"""The workflows piasite init writes (templates/init/dot-github) and this repository's own (.github), read
as YAML against GitHub's current conventions: actions at majors that run on Node 24, a supported Python
and Node with their caches, `npm ci`, timeouts, permissions per job (pages/id-token only where Pages is
deployed), a concurrency group on pull requests, check's annotations, dependabot for actions and pip, and
a deploy to a city's own server that is off unless asked for."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

DIRS = {"repo": ROOT / ".github", "init": ROOT / "templates" / "init" / "dot-github"}
WORKFLOWS = [(k, p) for k, d in DIRS.items() for p in sorted((d / "workflows").glob("*.yml"))]
IDS = [f"{k}/{p.name}" for k, p in WORKFLOWS]

# The first major of each action that runs on Node 24 (its release notes: "runs.using: node24"; the
# Pages upload is a composite action whose v5 uses an upload-artifact on Node 24). GitHub cannot be
# reached from where these were written, so they are pinned by major tag: a full commit SHA is accepted
# too (with its version in a comment), and dependabot moves either.
NODE24 = {
    "actions/checkout": 5,
    "actions/setup-python": 6,
    "actions/setup-node": 5,
    "actions/upload-artifact": 6,
    "actions/download-artifact": 7,
    "actions/github-script": 8,
    "actions/upload-pages-artifact": 5,
    "actions/configure-pages": 6,
    "actions/deploy-pages": 5,
}
PIN = re.compile(r"^(?P<action>[\w.-]+/[\w.-]+)@(?:v(?P<major>\d+)|(?P<sha>[0-9a-f]{40}))$")


def _load(path: Path) -> dict:
    wf = yaml.safe_load(path.read_text(encoding="utf-8"))
    wf["on"] = wf.pop(True, wf.get("on"))  # YAML 1.1 reads the key `on` as true
    return wf


def _steps(job: dict) -> list[dict]:
    return job.get("steps", [])


@pytest.mark.parametrize(("where", "path"), WORKFLOWS, ids=IDS)
def test_every_action_is_pinned_at_a_node24_major(where, path):
    text = path.read_text(encoding="utf-8")
    for job in _load(path)["jobs"].values():
        for step in _steps(job):
            if "uses" not in step:
                continue
            m = PIN.match(step["uses"])
            assert m, f"{path.name}: {step['uses']} is neither a major tag nor a full SHA"
            assert m["action"] in NODE24, f"{path.name}: {m['action']} has no known Node 24 major"
            if m["sha"]:  # a SHA says its version beside it
                version = re.search(re.escape(step["uses"]) + r" # v(\d+)", text)
                assert version and int(version[1]) >= NODE24[m["action"]], step["uses"]
            else:
                assert int(m["major"]) >= NODE24[m["action"]], f"{path.name}: {step['uses']} runs on Node 20"


@pytest.mark.parametrize(("where", "path"), WORKFLOWS, ids=IDS)
def test_runtimes_caches_and_installs(where, path):
    for job in _load(path)["jobs"].values():
        for step in _steps(job):
            uses, given = str(step.get("uses", "")), step.get("with", {})
            if uses.startswith("actions/setup-python"):
                major, minor = map(int, str(given["python-version"]).split("."))
                assert (major, minor) >= (3, 11), "Python 3.10 and older are out of support (and piasite needs 3.11)"
                assert given.get("cache") == "pip" and given.get("cache-dependency-path")
                base = ROOT if where == "repo" else ROOT / "templates" / "init"
                assert (base / given["cache-dependency-path"]).is_file(), given["cache-dependency-path"]
            if uses.startswith("actions/setup-node"):
                assert int(str(given["node-version"])) >= 22, "Node 20 is end of life"
                assert int(str(given["node-version"])) % 2 == 0, "an LTS line"
                assert given.get("cache") == "npm"
            run = str(step.get("run", ""))
            assert not re.search(r"\bnpm (install|i)\b", run), f"{path.name}: npm ci where a lockfile is committed"
    lock = ROOT / "package-lock.json" if where == "repo" else ROOT / "templates" / "init" / "package-lock.json"
    assert lock.is_file(), "npm ci and the npm cache need the lockfile"


@pytest.mark.parametrize(("where", "path"), WORKFLOWS, ids=IDS)
def test_least_privilege_per_job_with_timeouts(where, path):
    wf = _load(path)
    assert wf.get("permissions") == {}, "no permission at the top level: each job asks for its own"
    for name, job in wf["jobs"].items():
        assert "permissions" in job, f"{path.name}: {name} states its permissions"
        assert isinstance(job.get("timeout-minutes"), int) and 0 < job["timeout-minutes"] <= 60, name
        perms = job["permissions"] or {}
        deploys_pages = any("deploy-pages" in str(s.get("uses", "")) for s in _steps(job))
        for scope in ("pages", "id-token"):
            assert (scope in perms) == deploys_pages, f"{path.name}: {name} {scope}"
        runs_code = any("piasite " in str(s.get("run", "")) for s in _steps(job))
        if runs_code:  # the job that runs the repository's code may only read it
            assert perms == {"contents": "read"}, f"{path.name}: {name} runs the repository's code with {perms}"
            checkouts = [s for s in _steps(job) if str(s.get("uses", "")).startswith("actions/checkout")]
            assert all(s["with"].get("persist-credentials") is False for s in checkouts)
        for scope, level in perms.items():
            assert level in ("read", "write", "none"), (name, scope)


@pytest.mark.parametrize(("where", "path"), WORKFLOWS, ids=IDS)
def test_pull_requests_concurrency_annotations_and_offline_preview(where, path):
    wf = _load(path)
    if "pull_request" not in wf["on"]:
        return
    group = wf["concurrency"]
    assert "github.event.pull_request.number" in group["group"] and group["cancel-in-progress"] is True
    runs = [str(s.get("run", "")) for job in wf["jobs"].values() for s in _steps(job)]
    assert any(re.search(r"piasite check .*--format github", r) for r in runs), "check's errors as annotations"
    assert any(re.search(r"piasite build .*--offline", r) for r in runs), "the preview opens from disk"
    uploads = [s for job in wf["jobs"].values() for s in _steps(job) if "upload-artifact" in str(s.get("uses", ""))]
    assert any(s["with"]["name"] == "site-preview" for s in uploads)


@pytest.mark.parametrize("where", sorted(DIRS))
def test_dependabot_watches_actions_and_pip(where):
    conf = yaml.safe_load((DIRS[where] / "dependabot.yml").read_text(encoding="utf-8"))
    assert conf["version"] == 2
    ecosystems = {u["package-ecosystem"]: u for u in conf["updates"]}
    assert {"github-actions", "pip", "npm"} <= set(ecosystems)
    assert all(u["schedule"]["interval"] for u in conf["updates"])


def test_own_server_deploy_is_off_by_default_and_keeps_its_key_secret():
    wf = _load(DIRS["init"] / "workflows" / "pages.yml")
    job = wf["jobs"]["deploy-server"]
    assert "vars.PIASITE_DEPLOY" in job["if"] and job["needs"] == "build"  # off unless the city asks
    assert job["permissions"] == {} and job["environment"]["name"] == "own-server"
    step = next(s for s in job["steps"] if "rsync" in str(s.get("run", "")))
    assert step["env"]["SSH_KEY"] == "${{ secrets.PIASITE_DEPLOY_SSH_KEY }}"
    run = step["run"]
    assert "StrictHostKeyChecking=yes" in run and "known_hosts" in run and "${{" not in run
    assert "StrictHostKeyChecking=no" not in run
    assert "rm -f ~/.ssh/piasite_deploy" in run
    pages = wf["jobs"]["deploy"]
    assert "server" in pages["if"]  # PIASITE_DEPLOY=server: GitHub Pages is not deployed
    guide = (ROOT / "templates" / "guides" / "publishing.md").read_text(encoding="utf-8")
    section = guide.split("## 市のサーバーに置く", 1)[1].split("\n## ", 1)[0]
    for name in ("PIASITE_DEPLOY", "PIASITE_DEPLOY_SSH_KEY", "PIASITE_DEPLOY_TARGET", "PIASITE_DEPLOY_KNOWN_HOSTS"):
        assert f"`{name}`" in section, name


def test_review_guide_and_comment_say_how_to_open_the_preview():
    from piasite.commands.comment import PREVIEW

    guide = (ROOT / "templates" / "guides" / "review.md").read_text(encoding="utf-8")
    assert "piasite build --offline" in guide and "site-preview" in guide and "index.html" in guide
    assert "site-preview" in PREVIEW and "index.html" in PREVIEW
