"""SECURITY.md 敵意のあるプルリクエストを前提にしたワークフロー: this repository's workflows, the
templates and what a fresh `piasite init` writes, read with a YAML parser.

Attacker: the author of a pull request. Its code runs in CI (piasite itself here, a city's overrides/
templates, requirements.txt, package.json): it must find no token able to write — no job running it
has a write permission or a secret, its checkout keeps no credentials in .git/config — and the
comment is posted by a job that runs none of it, from the text handed over as an artifact. Actions
are pinned by a full commit SHA (a tag can be moved to other code), the version written beside it.
Triggers stay `pull_request` (a fork's code never gets the base repository's token), never
`pull_request_target`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from piasite.cli import main
from tests.conftest import ROOT

SOURCES = sorted((ROOT / ".github" / "workflows").glob("*.y*ml")) + sorted(
    (ROOT / "templates" / "init" / "dot-github" / "workflows").glob("*.y*ml")
)
PIN = re.compile(r"^\s*(?:-\s+)?uses:\s*([^\s#]+)\s*#\s*v\d+(?:\.\d+)*\s*$")
SHA = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
# What a job that holds a write permission may use: none of them runs the repository's code.
TRUSTED_WRITERS = {
    "actions/download-artifact",
    "actions/github-script",
    "actions/deploy-pages",
    "actions/configure-pages",
}


def _init_written(tmp: Path) -> list[Path]:
    res = CliRunner().invoke(main, ["init", str(tmp / "city"), "--name", "東山市"])
    assert res.exit_code == 0, res.output
    return sorted((tmp / "city" / ".github" / "workflows").glob("*.y*ml"))


@pytest.fixture(scope="module")
def workflows(tmp_path_factory) -> list[tuple[str, str, dict]]:
    files = SOURCES + _init_written(tmp_path_factory.mktemp("init"))
    assert len(files) >= 6
    out = []
    for f in files:
        text = f.read_text(encoding="utf-8")
        out.append((f"{f.parent.parent.parent.name}/{f.name}", text, yaml.safe_load(text)))
    return out


def triggers(wf: dict) -> dict:
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads the key `on` as true
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {t: None for t in on}
    return dict(on or {})


def steps(job: dict) -> list[dict]:
    return list(job.get("steps") or [])


def action(step: dict) -> str:
    return str(step.get("uses", "")).split("@")[0]


def runs_code(job: dict) -> bool:
    """A job that checks out the repository or runs a shell step runs the repository's code
    (for a pull request: the author's)."""
    return any(action(s) == "actions/checkout" or "run" in s for s in steps(job)) or "uses" in job


# The commands a deploy step may run with a secret (the rsync to a city's own server): none of them runs a file
# of the repository or of the artifact (shell builtins, rsync/ssh copying files, writing the key).
DEPLOY_COMMANDS = {
    "set",
    "if",
    "then",
    "fi",
    "echo",
    "exit",
    "case",
    "esac",
    "install",
    "umask",
    "printf",
    "rsync",
    "rm",
}


def deploys_without_code(wf: dict, job: dict) -> bool:
    """A job that holds a secret only to copy the built site away: never on a pull request, no checkout,
    no action but download-artifact, and shell steps of DEPLOY_COMMANDS only (each line's first word;
    continuation lines of a command are its arguments)."""
    if "pull_request" in triggers(wf) or "uses" in job:
        return False
    for s in steps(job):
        if "uses" in s and action(s) != "actions/download-artifact":
            return False
        lines, cont = [], False
        for line in (s.get("run") or "").splitlines():
            word = line.strip()
            if word and not word.startswith("#") and not cont:
                lines.append(word.split()[0].rstrip(";"))
            cont = word.endswith("\\")
        if any(w not in DEPLOY_COMMANDS and not w.endswith(")") for w in lines):
            return False
    return True


def writes(perms) -> list[str]:
    if perms in ("write-all",):
        return ["write-all"]
    if perms in (None, "read-all", {}):
        return []
    assert isinstance(perms, dict), perms
    return [k for k, v in perms.items() if v not in ("read", "none")]


def test_no_pull_request_target_and_pull_requests_are_reviewed(workflows):
    kinds = set()
    for name, text, wf in workflows:
        t = triggers(wf)
        assert "pull_request_target" not in t and "pull_request_target" not in text, name
        assert "workflow_run" not in t, name  # (a workflow_run job would hold the base's token for a PR's artifact)
        kinds |= set(t)
    assert "pull_request" in kinds and "push" in kinds


def test_every_job_states_its_permissions_and_the_default_is_none(workflows):
    for name, _, wf in workflows:
        assert not writes(wf.get("permissions", "write-all")), (name, wf.get("permissions"))
        for job_name, job in wf["jobs"].items():
            assert "permissions" in job, (name, job_name)


def test_no_job_that_runs_code_can_write_or_see_a_secret(workflows):
    for name, _, wf in workflows:
        for job_name, job in wf["jobs"].items():
            if not runs_code(job):
                continue
            if deploys_without_code(wf, job):  # the own-server deploy: a secret, no code, no permission
                assert not writes(job.get("permissions")) and job.get("permissions") == {}, (name, job_name)
                continue
            assert not writes(job.get("permissions")), (name, job_name, job.get("permissions"))
            assert set(job.get("permissions") or {}) <= {"contents"}, (name, job_name)
            dumped = yaml.safe_dump(job, allow_unicode=True)
            assert "secrets." not in dumped and "github.token" not in dumped, (name, job_name)
            assert "environment" not in job, (name, job_name)  # environment secrets


def test_jobs_that_write_run_no_code(workflows):
    writers = 0
    for name, _, wf in workflows:
        for job_name, job in wf["jobs"].items():
            if not writes(job.get("permissions")):
                continue
            writers += 1
            assert not runs_code(job), (name, job_name)
            assert {action(s) for s in steps(job)} <= TRUSTED_WRITERS, (name, job_name)
            assert job.get("needs"), (name, job_name)  # after the job that built, from its artifact
    assert writers >= 4


def test_checkouts_keep_no_credentials(workflows):
    seen = 0
    for name, _, wf in workflows:
        for job_name, job in wf["jobs"].items():
            for s in steps(job):
                if action(s) == "actions/checkout":
                    seen += 1
                    assert (s.get("with") or {}).get("persist-credentials") in (False, "false"), (name, job_name)
    assert seen >= 4


def test_pull_request_comment_is_posted_by_a_separate_job_from_an_artifact(workflows):
    prs = [(n, wf) for n, _, wf in workflows if "pull_request" in triggers(wf)]
    assert len(prs) >= 3
    for name, wf in prs:
        jobs = wf["jobs"]
        posters = [j for j, job in jobs.items() if any(action(s) == "actions/github-script" for s in steps(job))]
        assert len(posters) == 1, name
        poster = jobs[posters[0]]
        assert writes(poster["permissions"]) == ["pull-requests"], name
        needs = poster["needs"] if isinstance(poster["needs"], list) else [poster["needs"]]
        builder = jobs[needs[0]]
        assert runs_code(builder) and builder["permissions"] == {"contents": "read"}, name
        uploaded = {(s.get("with") or {}).get("name") for s in steps(builder) if action(s) == "actions/upload-artifact"}
        downloaded = [
            (s.get("with") or {}).get("name") for s in steps(poster) if action(s) == "actions/download-artifact"
        ]
        assert downloaded and set(downloaded) <= uploaded, name
        script = next(s["with"]["script"] for s in steps(poster) if action(s) == "actions/github-script")
        assert "${{" not in script  # nothing of the event pasted into the script
        # the earlier comment is taken only when this bot wrote it
        assert "github-actions[bot]" in script and "'Bot'" in script and "updateComment" in script


def test_deploy_is_its_own_job(workflows):
    pages = [(n, wf) for n, _, wf in workflows if "push" in triggers(wf)]
    assert len(pages) >= 3
    for name, wf in pages:
        jobs = wf["jobs"]
        deployers = [j for j, job in jobs.items() if any(action(s) == "actions/deploy-pages" for s in steps(job))]
        assert len(deployers) == 1, name
        deploy = jobs[deployers[0]]
        assert deploy["permissions"] == {"pages": "write", "id-token": "write"}, name
        build = jobs[deploy["needs"] if isinstance(deploy["needs"], str) else deploy["needs"][0]]
        assert build["permissions"] == {"contents": "read"}, name
        assert any(action(s) == "actions/upload-pages-artifact" for s in steps(build)), name


def test_every_action_is_pinned_by_commit_sha_with_its_version(workflows):
    n = 0
    for name, text, wf in workflows:
        lines = [ln for ln in text.splitlines() if re.match(r"^\s*(?:-\s+)?uses:", ln)]
        values = [str(s["uses"]) for job in wf["jobs"].values() for s in steps(job) if "uses" in s]
        assert len(lines) == len(values), name
        for ln in lines:
            m = PIN.match(ln)
            assert m, (name, ln)
            assert SHA.match(m[1]), (name, ln)
            n += 1
        for v in values:
            assert SHA.match(v), (name, v)
    assert n >= 20


def test_same_action_same_pin_everywhere(workflows):
    """One version of each action across the files (a pin updated in one place only is a mistake)."""
    pins: dict[str, set[str]] = {}
    for _, text, _ in workflows:
        for ln in text.splitlines():
            m = PIN.match(ln)
            if m:
                pins.setdefault(m[1].split("@")[0], set()).add(ln.split("uses:", 1)[1].strip())
    assert pins and all(len(v) == 1 for v in pins.values()), pins


def test_init_writes_the_templates_as_they_are(tmp_path):
    for f in _init_written(tmp_path):
        src = ROOT / "templates" / "init" / "dot-github" / "workflows" / f.name
        assert yaml.safe_load(f.read_text(encoding="utf-8")) == yaml.safe_load(src.read_text(encoding="utf-8"))
