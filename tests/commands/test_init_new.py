"""`piasite init` makes a city's repository that checks and builds; `piasite new` writes every item of
any form, empty, so that only the values still to fill are reported."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml
from click.testing import CliRunner

from piasite.cli import main
from piasite.forms.items import HINT_PREFIX
from piasite.forms.registry import form_key, form_names, load_form
from piasite.history.content import check_paths
from piasite.model.reader import Withheld, parse, read
from tests.conftest import ROOT


def invoke(*args: str):
    res = CliRunner().invoke(main, list(args))
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    return res


@pytest.fixture()
def city(tmp_path, monkeypatch):
    res = invoke("init", str(tmp_path / "city"), "--name", "東山市", "--site-url", "https://example.jp/pia/")
    assert res.exit_code == 0, res.output
    monkeypatch.chdir(tmp_path / "city")
    monkeypatch.setenv("PIASITE_TODAY", "2026-05-01")
    return tmp_path / "city"


def test_init_layout(city):
    for rel in (
        "content/higashiyama/1.yaml",
        "content/aliases.yaml",
        "mkdocs.yml",
        ".gitignore",
        "README.md",
        ".vscode/settings.json",
        ".github/workflows/pr.yml",
        ".github/workflows/pages.yml",
        "package.json",
        "schema/juten.schema.json",
        "requirements.txt",
    ):
        assert (city / rel).is_file(), rel
    conf = yaml.safe_load((city / "mkdocs.yml").read_text(encoding="utf-8"))
    assert conf["site_name"] == "東山市 特定個人情報保護評価書"
    assert conf["site_url"] == "https://example.jp/pia/"
    assert {"publisher", "contact", "license", "source_url"} <= set(conf["extra"])
    assert not {"nav", "docs_dir", "extra_css", "plugins"} & set(conf)  # piasite decides them (engineconf.py)
    settings = json.loads((city / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert "./schema/juten.schema.json" in settings["yaml.schemas"]
    import re

    text = "".join(p.read_text(encoding="utf-8") for p in city.rglob("*") if p.is_file() and ".git" not in p.parts)
    assert not re.findall(r"__[A-Z_]+__", text)  # every placeholder filled
    tool = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["devDependencies"]["pagefind"]
    assert json.loads((city / "package.json").read_text(encoding="utf-8"))["devDependencies"]["pagefind"] == tool
    assert (city / ".git").is_dir()
    assert "README" not in str(invoke("init", str(city)).output) and invoke("init", str(city)).exit_code == 1


def test_gitignore_covers_linked_tools(city, tmp_path):
    """node_modules and .venv may be symbolic links (shared between checkouts): still not committed."""
    (tmp_path / "shared").mkdir()
    for name in ("node_modules", ".venv"):
        (city / name).symlink_to(tmp_path / "shared")
    out = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=city, capture_output=True, text=True, check=True
    ).stdout
    assert "node_modules" not in out and ".venv" not in out, out


def test_init_says_the_next_commands_in_order(tmp_path):
    res = invoke("init", str(tmp_path / "c"))
    said = res.output
    assert said.index("piasite check") < said.index("piasite build") < said.index("npm install"), said
    assert "&& npm install" not in said  # Node.js is not needed: Pagefind came with piasite (PyPI)


def test_init_checks_and_builds(city):
    res = invoke("check")
    assert res.exit_code == 0 and "エラー 0 件、警告 0 件" in res.output, res.output
    assert "1 件の評価書(と aliases.yaml)を検査しました" in res.output  # one example; aliases.yaml is no assessment
    res = invoke("build")
    assert res.exit_code == 0, res.output
    assert (city / "site" / "higashiyama" / "1" / "index.html").is_file()
    last = res.output.strip().splitlines()[-1]  # the summary line (also test_cli_errors.test_build_summary_line)
    assert "1 件の評価書" in last and "ページ" in last and "秒" in last and "site/" in last, last


def test_city_adds_its_own_css(city):
    """The way to change a few colours: overrides/assets/city.css, read after piasite.css (which stays whole)."""
    (city / "overrides" / "assets").mkdir(parents=True)
    (city / "overrides" / "assets" / "city.css").write_text(
        "/* 東山市の色 */ .md-header{background:#0a6b3d}\n", encoding="utf-8"
    )
    assert invoke("build").exit_code == 0
    assets = city / "site" / "assets" / "piasite"
    assert "東山市の色" in (assets / "city.css").read_text(encoding="utf-8")
    assert (assets / "piasite.css").read_text(encoding="utf-8") == (
        ROOT / "templates" / "assets" / "piasite.css"
    ).read_text(encoding="utf-8")
    page = (city / "site" / "higashiyama" / "1" / "index.html").read_text(encoding="utf-8")
    assert page.index("assets/piasite/piasite.css") < page.index("assets/piasite/city.css")


@pytest.mark.slow
def test_city_overrides_css_and_template(city):
    (city / "overrides" / "assets").mkdir(parents=True)
    (city / "overrides" / "assets" / "piasite.css").write_text("/* 東山市の色 */ body{color:#123}\n", encoding="utf-8")
    org = (ROOT / "templates" / "org.md.j2").read_text(encoding="utf-8")
    (city / "overrides" / "org.md.j2").write_text(org + "\n<p>東山市からのお知らせ</p>\n", encoding="utf-8")
    assert invoke("build").exit_code == 0
    assert "東山市の色" in (city / "site" / "assets" / "piasite" / "piasite.css").read_text(encoding="utf-8")
    assert "東山市からのお知らせ" in (city / "site" / "higashiyama" / "index.html").read_text(encoding="utf-8")
    # the tool's own files are untouched
    assert "東山市" not in (ROOT / "templates" / "assets" / "piasite.css").read_text(encoding="utf-8")


@pytest.mark.parametrize("form", form_names())
def test_new_has_every_item_and_only_values_to_fill(city, form):
    res = invoke("new", form, "nishiyama", "7", "--org-name", "西山町長")
    assert res.exit_code == 0, res.output
    path = city / "content" / "nishiyama" / "7.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))  # as written: each list with its one empty element
    f = load_form(form)

    def keys(items, data, where):
        for child in items:
            assert isinstance(data, dict) and child.key in data, f"{where} {child.key}"
            if child.kind == "section":
                keys(child.items, data[child.key], where + (child.key,))
            elif child.kind == "group":
                assert isinstance(data[child.key], list) and len(data[child.key]) == 1
                keys(child.items, data[child.key][0], where + (child.key, 0))

    keys(f.items, raw, ())  # the form's items (document items such as 終了日 are piasite's own)
    if f.has_role("form_version") and f.versions:  # written on the current 様式, which it says
        assert f.value(read(path).data, "form_version") == f.versions[-1]
    _, problems = check_paths([path])
    errors = [p for p in problems if p.severity == "error"]
    # the skeleton writes every key: what is required is told empty, at the key's own line
    assert all("必須項目" in p.message and "が空です" in p.message for p in errors), [str(p) for p in errors]
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"# yaml-language-server: $schema=../../schema/{f.schema_id}.schema.json")
    # each item's 手引き (its definition's hint:) on the comment line under its label, and no other
    emitted = [i for top in f.items for i in [top, *top.walk()]]
    lines = "\n".join(ln.strip() for ln in text.splitlines())
    for it in emitted:
        if it.hint:
            label = f"# {it.display_label}{'(必須)' if it.required else ''}"
            assert f"{label}\n# {HINT_PREFIX}{it.hint}\n" in lines, (form, it.key)
    assert lines.count(f"# {HINT_PREFIX}") == sum(1 for it in emitted if it.hint)
    assert invoke("new", form, "nishiyama", "7").exit_code == 1  # never overwrites
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("form", [n for n in form_names() if load_form(n).has_role("entrustment_flag")])
def test_new_answered_no_leaves_only_values_to_fill(city, form):
    """A clerk answers 委託しない / 行っていない and leaves the skeleton's empty 委託事項1, 提供先1 … as
    they are: an element with nothing written is no element (no 「委託しない」ですが委託事項が 1 件)."""
    assert invoke("new", form, "nishiyama", "7").exit_code == 0
    path = city / "content" / "nishiyama" / "7.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    f = load_form(form)
    no = {
        "entrustment_flag": f.role_item("entrustment_flag").choices[-1],
        "provision_transfer_flag": [f.role_item("provision_transfer_flag").options[-1].text],
    }
    for role, answer in no.items():
        for fpath, _ in list(f.values(data, "file")):
            where = f.concrete(role, *(p for p in fpath if isinstance(p, int)))
            parent = data
            for step in where[:-1]:
                parent = parent[step]
            parent[where[-1]] = answer
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _, problems = check_paths([path])
    errors = [str(p) for p in problems if p.severity == "error"]
    assert errors and all("必須項目" in e and ("が空です" in e or "がありません" in e) for e in errors), errors
    assert not any("委託" in e or "提供先" in e or "移転先" in e for e in errors), errors


def test_forms_have_hints_and_the_schema_describes_them():
    """The hints `piasite new` writes are also the editor's: each is in its item's JSON Schema description."""
    from piasite.forms.schema import form_schema

    def walk(items, schema):
        for it in items:
            node = schema["properties"][it.key]
            yield it, node
            if it.kind == "section":
                yield from walk(it.items, node)
            elif it.kind == "group":
                yield from walk(it.items, node["items"])

    forms = [load_form(n) for n in form_names()]
    assert [f.name for f in forms if any(i.hint for i in f.walk())], "no form has a hint"
    for f in forms:
        for it, node in walk(f.root.items, form_schema(f)):
            if it.hint:
                assert node["description"].endswith(f"\n{HINT_PREFIX}{it.hint}"), (f.name, it.key)
            else:
                assert HINT_PREFIX not in node.get("description", ""), (f.name, it.key)


def test_new_says_which_items_are_lists():
    """A list item (基礎項目評価書 ③システムの名称 …) written as one text is an error: its comment says
    how to write it, as for check boxes."""
    from piasite.commands.init import _comments, skeleton

    seen = 0
    for form in form_names():
        f = load_form(form)
        text = skeleton(f, 1, "")
        for it in f.walk():
            if it.kind in ("list", "multi") and f"# {it.display_label}" in text:
                hint = [c for c in _comments(it) if "リスト" in c]
                assert hint and f"# {hint[0]}" in text, (form, it.key)
                seen += 1
    assert seen


def test_an_element_with_nothing_written_is_read_as_absent():
    doc = parse("a:\n  - 名称:\n    内容:\n      - x:\n  - 名称: X\n    内容: !非公表\n  - 名称: ''\nb: [{}]\n")
    assert doc.data == {"a": [{"名称": "X", "内容": Withheld("")}], "b": [{}]}
    assert doc.line(("a", 0, "名称")) == 5 and doc.line(("a", 0, "内容")) == 6


def test_new_beside_another_form_of_the_same_evaluation(city):
    """The 基礎項目評価書 and the 重点項目評価書 of one 評価 share the 評価書番号: the second is NUMBER-<form>."""
    kiso, juten = (n for n in form_names() if load_form(n).has_role("submitted_kinds")), "重点項目評価書"
    kiso = next(kiso)
    assert invoke("new", kiso, "nishiyama", "4").exit_code == 0
    res = invoke("new", juten, "nishiyama", "4")
    assert res.exit_code == 0, res.output
    second = city / "content" / "nishiyama" / f"4-{load_form(juten).schema_id}.yaml"
    assert read(second).data[form_key()] == juten and str(second.relative_to(city)) in res.output
    assert invoke("new", juten, "nishiyama", "4").exit_code == 1  # never overwrites either
    assert invoke("new", kiso, "nishiyama", "4").exit_code == 1


def test_new_takes_the_org_name_from_a_neighbour(city):
    assert invoke("new", "重点項目評価書", "higashiyama", "2").exit_code == 0
    assert read(city / "content" / "higashiyama" / "2.yaml").data["評価実施機関名"] == "東山市長"


@pytest.mark.slow
def test_guides_are_site_pages_linked_from_the_nav(city):
    assert invoke("build").exit_code == 0
    site = city / "site"
    top = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="guides/"' in top and "使い方" in top
    for name, words in {
        "": ["評価書の読み方", "用語集"],
        "reading": ["Ⅲ リスク対策"],
        "glossary": ["特定個人情報", "委託・再委託", "情報提供ネットワークシステム", "重点項目評価", "しきい値判断"],
        "writing": ["piasite check", "piasite serve"],
        "review": ["提出時期: 事前", "GitLab", "⚠"],
        "publishing": ["サブパス", "CMS"],
        "cms": ["変更の届出", "提出時期", "!非公表", "piasite cms trailers --base origin/main --commit"],
    }.items():
        page = (site / "guides" / name / "index.html").read_text(encoding="utf-8")
        for w in words:
            assert w in page, (name, w)


@pytest.mark.parametrize(
    "direct_url, line",
    [
        (None, "piasite=={v}"),  # installed from an index (or no record): the version
        ('{"url": "file:///home/clerk/piasite-0.1.0-py3-none-any.whl", "archive_info": {}}', "piasite=={v}"),
        (
            '{"url": "https://www.example.jp/tools/piasite-0.1.0-py3-none-any.whl", "archive_info": {}}',
            "piasite @ https://www.example.jp/tools/piasite-0.1.0-py3-none-any.whl",
        ),
        (
            '{"url": "https://github.com/example/piasite", "vcs_info": {"vcs": "git", "commit_id": "abc123"}}',
            "piasite @ git+https://github.com/example/piasite@abc123",
        ),
        ("not json", "piasite=={v}"),
    ],
)
def test_requirements_say_where_piasite_comes_from(monkeypatch, direct_url, line):
    """The city's requirements.txt (read by its README and workflows) installs the piasite that made it."""
    from importlib import metadata

    from packaging.requirements import Requirement

    from piasite.commands import init as scaffold

    class Dist:
        version = "9.9.9"

        def read_text(self, name):
            assert name == "direct_url.json"
            return direct_url

    monkeypatch.setattr(metadata, "distribution", lambda name: Dist())
    got = scaffold.requirement()
    assert got == line.format(v=scaffold.version())
    assert Requirement(got).name == "piasite"


def test_init_from_a_local_wheel_says_to_edit_requirements(tmp_path, monkeypatch):
    """Installed from a wheel on this machine: requirements.txt cannot point at it for CI, and init says so."""
    from importlib import metadata

    class Dist:
        version = "0.1.0"

        def read_text(self, name):
            return '{"url": "file:///home/clerk/piasite-0.1.0-py3-none-any.whl", "archive_info": {}}'

    monkeypatch.setattr(metadata, "distribution", lambda name: Dist())
    res = invoke("init", str(tmp_path / "city"))
    assert res.exit_code == 0, res.output
    assert "/home/clerk/piasite-0.1.0-py3-none-any.whl" in res.output and "requirements.txt" in res.output
    assert "書き換えてください" in res.output


def test_workflows_install_from_requirements(city):
    req = [
        ln
        for ln in (city / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    assert len(req) == 1 and req[0].startswith("piasite")
    for wf in ("pr.yml", "pages.yml"):
        text = (city / ".github" / "workflows" / wf).read_text(encoding="utf-8")
        assert "pip install -r requirements.txt" in text and "piasite==" not in text


def test_init_names_the_default_licence_with_its_address_and_leaves_another_for_the_city(tmp_path):
    from piasite.commands.init import init as make
    from piasite.config.settings import read as read_settings

    make(tmp_path / "a")
    extra = read_settings(tmp_path / "a" / "mkdocs.yml").extra
    assert extra["license"] == "CC BY 4.0"
    assert extra["license_url"] == "https://creativecommons.org/licenses/by/4.0/deed.ja"
    make(tmp_path / "b", licence="政府標準利用規約")
    extra = read_settings(tmp_path / "b" / "mkdocs.yml").extra
    assert extra["license"] == "政府標準利用規約" and not extra.get("license_url")
