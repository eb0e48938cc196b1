"""The staff's browser form (issue 23): the Decap configuration generated from the form definitions,
and piasite's YAML format for it (templates/admin/piasite-yaml.js) run in Node on every seed document:
opened and saved unchanged, byte-identical; three values changed, exactly those three change."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from piasite.forms.registry import all_forms, load_form
from piasite.model.reader import parse
from piasite.site import cms

from ..conftest import FIXTURES, ROOT

SEED_DOCS = sorted(
    [
        *(ROOT / "content").glob("*/*.yaml"),
        *(FIXTURES / "site").glob("*/*.yaml"),
        *(ROOT / "templates/init/content").glob("*/*.yaml"),
    ]
)
EXAMPLE = ROOT / "templates/init/content/higashiyama/1.yaml"
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(
    NODE is None or not (ROOT / "node_modules/decap-cms/dist/decap-cms.js").exists(), reason="node and npm ci"
)


def _fields(fields):
    return {f["name"]: f for f in fields}


def test_one_collection_per_form_every_item_in_printed_order():
    config = cms.config_for(all_forms(), {"source_url": "https://github.com/example-city/pia"})
    forms = all_forms()
    assert [c["label"] for c in config["collections"]] == [f.name for f in forms]
    assert config["backend"]["name"] == "github" and config["backend"]["repo"] == "example-city/pia"
    assert config["publish_mode"] == "editorial_workflow"
    for form, col in zip(forms, config["collections"], strict=True):
        assert col["format"] == cms.FORMAT
        fields = col["fields"]
        assert [f["name"] for f in fields[:-1]] == [i.key for i in form.root.items]
        assert fields[-1]["name"] == cms.CHANGE_FIELD

        def walk(items, fields):
            by = _fields(fields)
            for item in items:
                f = by[item.key]
                assert f["label"].endswith(item.display_label)  # printed label, with its number and ※
                if item.kind == "section":
                    assert f["widget"] == "object"
                    walk(item.items, f["fields"])
                elif item.kind == "group":
                    assert f["widget"] == "list"
                    walk(item.items, [x for x in f["fields"] if item.number is None or x["name"] != item.number.key])
                elif item.kind == "choice":
                    assert f["widget"] == "select" and f["options"] == list(item.choices)
                elif item.kind == "multi":
                    sel = f["fields"][0]
                    assert sel["widget"] == "select" and sel["multiple"] is True
                    assert [o["value"] for o in sel["options"]] == [o.text for o in item.options]
                if item.hint:
                    assert item.hint in f["hint"]

        walk([i for i in form.root.items if i.key != form.top_key("form")], fields[:-1])


def test_the_change_questions_are_the_trailers():
    config = cms.config_for([load_form()], {})
    change = _fields(config["collections"][0]["fields"][-1]["fields"])
    names = cms.trailer_names()
    assert {names["date"], names["timing"], names["explanation"]} <= set(change)
    assert "事前" in change[names["timing"]]["options"] and "事後" in change[names["timing"]]["options"]


def test_config_bytes_are_reproducible():
    a = cms.dumps(cms.config_for(all_forms(), {}))
    assert a == cms.dumps(cms.config_for(all_forms(), {}))


@pytest.fixture(scope="module")
def admin(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("cms") / "admin"
    cms.write_admin(dest, all_forms(), {})
    (dest / "package.json").write_text('{"type": "module"}', encoding="utf-8")  # Node: the files are ES modules
    return dest


RUN = """
import { readFileSync, writeFileSync } from "fs";
import { SHAPES } from "./piasite-shapes.js";
import * as P from "./piasite-yaml.js";
P.useShapes(SHAPES);
const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const out = [];
for (const [src, dst, edit] of job) {
  const data = JSON.parse(JSON.stringify(P.fromFile(readFileSync(src, "utf8"))));
  if (edit) new Function("d", edit)(data);
  try { writeFileSync(dst, P.toFile(data)); out.push("ok"); } catch (e) { out.push("refused: " + e.message); }
}
console.log(JSON.stringify(out));
"""


def _run(admin: Path, job: list) -> list[str]:
    (admin / "run.mjs").write_text(RUN, encoding="utf-8")
    (admin / "job.json").write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    r = subprocess.run([NODE, "run.mjs", "job.json"], cwd=admin, capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


@needs_node
def test_every_seed_document_saved_unchanged_is_byte_identical(admin, tmp_path):
    job = [[str(p), str(tmp_path / f"{i}.yaml"), None] for i, p in enumerate(SEED_DOCS)]
    assert len(job) >= 7
    assert _run(admin, job) == ["ok"] * len(job)
    for src, dst, _ in job:
        assert Path(dst).read_bytes() == Path(src).read_bytes(), src


EDIT = """
const b = d[%(basic)s];
b[%(jimu)s][%(count)s] = "1万人以上10万人未満";
b[%(system)s][1][%(name)s] = "東山市中間サーバー";
b[%(jimu)s][%(summary)s] = "東山市は、次の事務で特定個人情報を取り扱う。\\n\\n- 個人住民税の賦課\\n- 個人住民税の収納\\n";
d._piasite_change = {"変更日": "2026-05-01", "提出時期": "事後", "提出時期に係る説明": "重要な変更ではないため"};
"""


@needs_node
def test_three_changes_change_exactly_those_values(admin, tmp_path):
    form = load_form(parse(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE).data[load_form().top_key("form")])
    jimu = form.role_path("jimu_name")[:-1]
    basic, jimu_key = jimu[0], jimu[1]
    system = form.role_path("system")[1]
    edit = EDIT % {
        "basic": json.dumps(basic),
        "jimu": json.dumps(jimu_key),
        "count": json.dumps(form.role_path("target_count")[-1]),
        "system": json.dumps(system),
        "name": json.dumps(form.role_path("system_name")[-1]),
        "summary": json.dumps(form.role_path("jimu_summary")[-1]),
    }
    out = tmp_path / "1.yaml"
    assert _run(admin, [[str(EXAMPLE), str(out), edit]]) == ["ok"]
    before = parse(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE).data
    after_text = out.read_text(encoding="utf-8")
    after = parse(after_text, out).data
    assert after[basic][jimu_key][form.role_path("target_count")[-1]] == "1万人以上10万人未満"
    assert after[basic][system][1][form.role_path("system_name")[-1]] == "東山市中間サーバー"
    assert after[basic][jimu_key][form.role_path("jimu_summary")[-1]].startswith("東山市は、次の事務で")
    # nothing else changed: put the three old values back and the documents are equal
    after[basic][jimu_key][form.role_path("target_count")[-1]] = before[basic][jimu_key][
        form.role_path("target_count")[-1]
    ]
    after[basic][system][1][form.role_path("system_name")[-1]] = before[basic][system][1][
        form.role_path("system_name")[-1]
    ]
    after[basic][jimu_key][form.role_path("jimu_summary")[-1]] = before[basic][jimu_key][
        form.role_path("jimu_summary")[-1]
    ]
    assert after == before
    # the lines that were not edited are the file's own
    changed = [line for line in after_text.splitlines() if line not in EXAMPLE.read_text(encoding="utf-8").splitlines()]
    assert len(changed) <= 10, changed
    assert after_text.endswith("# piasite-cms: 提出時期に係る説明: 重要な変更ではないため\n")


@needs_node
def test_withheld_values_keep_their_tag_and_uncertain_ones_stay_until_answered(admin, tmp_path):
    src = FIXTURES / "site/nishikawa/20.yaml"
    text = src.read_text(encoding="utf-8")
    assert "!非公表" in text
    # change every withheld text value: the tag stays on each
    edit = """
    const walk = (o) => { for (const k in o) { const v = o[k];
      if (k[0] === "_") continue;
      if (typeof v === "string" && v.length > 5) o[k] = v + "(改)"; else if (v && typeof v === "object") walk(v); } };
    walk(d);"""
    out = tmp_path / "w.yaml"
    assert _run(admin, [[str(src), str(out), edit]]) == ["ok"]
    assert out.read_text(encoding="utf-8").count("!非公表") == text.count("!非公表")
    after = out.read_text(encoding="utf-8")
    assert "!非公表 秘密の役職名ひみつ(改)" in after and "!非公表 株式会社ヒミツ委託先(改)" in after


@needs_node
@pytest.mark.parametrize(
    ("staff", "extra", "made"), [(True, {}, True), (False, {}, False), (False, {"piasite": {"cms": True}}, True)]
)
def test_admin_stage_only_for_staff_or_when_enabled(tmp_path, staff, extra, made):
    from piasite.config.settings import Settings
    from piasite.engine.run import Build, admin_stage

    b = Build(tmp_path / "content", Settings(extra=extra), tmp_path / "run", tmp_path / "site", staff=staff)
    b.tmp = tmp_path / "site.tmp"
    b.tmp.mkdir()
    admin_stage(b)
    admin = b.tmp / cms.ADMIN
    assert admin.is_dir() is made
    if made:
        assert {
            "index.html",
            "config.yml",
            "decap-cms.js",
            "piasite-cms.js",
            "piasite-yaml.js",
            "piasite-shapes.js",
        } <= {p.name for p in admin.iterdir()}
        assert (admin / "yaml" / "index.js").is_file()
        html = (admin / "index.html").read_text(encoding="utf-8")
        assert "http" not in html  # every script is a file of admin/


@needs_node
def test_a_save_becomes_one_commit_with_the_trailers(admin, tmp_path):
    """On a repository made by `piasite init`: the form's save (three changes and the answers),
    committed as Decap would, then `piasite cms trailers --commit`: one commit since the base whose
    message ends with the trailers, whose YAML passes `piasite check` and has no answer lines left,
    and whose `piasite diff` lists exactly the three items."""
    from tests.clirun import piasite
    from tests.gitrepo import Repo

    assert piasite("init", str(tmp_path / "city"), "--name", "東山市").returncode == 0
    repo = Repo(tmp_path / "city")
    repo.commit("init", days=0)
    base = repo.git("rev-parse", "HEAD")
    doc = repo.path("content/higashiyama/1.yaml")
    form = load_form(parse(doc.read_text(encoding="utf-8"), doc).data[load_form().top_key("form")])
    edit = EDIT % {
        "basic": json.dumps(form.role_path("jimu_name")[0]),
        "jimu": json.dumps(form.role_path("jimu_name")[1]),
        "count": json.dumps(form.role_path("target_count")[-1]),
        "system": json.dumps(form.role_path("system")[1]),
        "name": json.dumps(form.role_path("system_name")[-1]),
        "summary": json.dumps(form.role_path("jimu_summary")[-1]),
    }
    assert _run(admin, [[str(doc), str(doc), edit]]) == ["ok"]
    repo.commit("重点項目評価書 higashiyama/1 をブラウザのフォームで更新")
    shown = piasite("cms", "trailers", "--base", base, cwd=repo.root)
    assert shown.returncode == 0, shown.output
    assert shown.stdout.splitlines() == [
        "変更日: 2026-05-01",
        "提出時期: 事後",
        "提出時期に係る説明: 重要な変更ではないため",
    ]
    done = piasite("cms", "trailers", "--base", base, "--commit", cwd=repo.root)
    assert done.returncode == 0, done.output
    assert repo.git("rev-list", "--count", f"{base}..HEAD") == "1"
    message = repo.git("log", "-1", "--format=%B")
    assert message.startswith("重点項目評価書 higashiyama/1 をブラウザのフォームで更新\n\n変更日: 2026-05-01\n")
    assert "# piasite-cms" not in doc.read_text(encoding="utf-8")
    assert repo.git("status", "--porcelain") == ""
    check = piasite("check", cwd=repo.root)
    assert check.returncode == 0, check.output
    diff = json.loads(piasite("diff", base, "HEAD", "--format", "json", cwd=repo.root).stdout)
    items = [c["項目"] for a in diff["assessments"] for c in a["changes"]]
    assert len(items) == 3, items


def test_staff_build_without_the_npm_packages_has_no_form_but_enabling_it_is_an_error(tmp_path, monkeypatch):
    from piasite.config.settings import Settings
    from piasite.engine.run import Build, admin_stage

    monkeypatch.setenv("PIASITE_NODE_MODULES", str(tmp_path / "none"))
    for extra, raises in (({}, False), ({"piasite": {"cms": True}}, True)):
        b = Build(tmp_path / "content", Settings(extra=extra), tmp_path / "run", tmp_path / "site", staff=True)
        b.tmp = tmp_path / "site.tmp"
        b.tmp.mkdir(exist_ok=True)
        if raises:
            with pytest.raises(cms.CmsError, match="npm install"):
                admin_stage(b)
        else:
            admin_stage(b)
            assert not (b.tmp / cms.ADMIN).exists()


@needs_node
def test_an_uncertain_value_stays_until_the_clerk_answers_it(admin, tmp_path):
    """kumagaya/5's 入手元 and 入手方法 (checkbox lists) are !要確認: the clerk ticks 入手元's options
    and the tag gives way to the list; 入手方法, untouched, keeps its !要確認 and its four lines."""
    src = ROOT / "content/kumagaya/5.yaml"
    text = src.read_text(encoding="utf-8")
    form = load_form(parse(text, src).data[load_form().top_key("form")])
    item = next(i for i in form.walk() if i.kind == "multi" and i.key == "入手元" and i.parent is not None)
    qi = [o.text for o in item.options if o.qualifier].index("その他")
    edit = """
    const files = d[%(files)s];
    files[0][%(section)s][%(key)s] = {sel: ["本人又は本人の代理人", "その他"], %(q)s: "地方公共団体情報システム機構"};
    """
    files_key = form.role_path("file")[0]
    section = item.parent.key
    out = tmp_path / "5.yaml"
    job = edit % {
        "files": json.dumps(files_key),
        "section": json.dumps(section),
        "key": json.dumps(item.key),
        "q": f"q{qi}",
    }
    assert _run(admin, [[str(src), str(out), job]]) == ["ok"]
    after = out.read_text(encoding="utf-8")
    assert after.count("!要確認") == text.count("!要確認") - 1
    value = parse(after, out).data[files_key][0][section][item.key]
    assert value == ["本人又は本人の代理人", {"その他": "地方公共団体情報システム機構"}]
    # everything else as it was
    before = parse(text, src).data
    after_data = parse(after, out).data
    after_data[files_key][0][section][item.key] = before[files_key][0][section][item.key]
    assert after_data == before


def test_the_staff_build_holds_the_form_and_the_public_build_does_not(tmp_path):
    """The admin stage runs in `piasite build`: admin/ with its configuration for --staff, nothing
    for the public site (the build's runner once stopped before it, so admin/ was never written)."""
    from click.testing import CliRunner

    from piasite.cli import main
    from piasite.commands.init import init

    city = tmp_path / "city"
    init(city)
    here = os.getcwd()
    os.chdir(city)
    try:
        for extra, out in (((), "public"), (("--staff",), "staff")):
            r = CliRunner().invoke(main, ["build", "--allow-shallow", *extra, "--out", out])
            assert r.exit_code == 0, r.output
    finally:
        os.chdir(here)
    assert (city / "staff" / "admin" / "index.html").is_file() and (city / "staff" / "admin" / "config.yml").is_file()
    assert not (city / "public" / "admin").exists()
