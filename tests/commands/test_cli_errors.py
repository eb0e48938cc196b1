"""Every command over a corpus of malformed inputs: a Japanese message, exit 1 or 2, never a traceback.

Commands run in-process through click (CliRunner, without piasite's last-resort net in cli.run), so an
exception that is not a PiasiteError fails here instead of being hidden."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from piasite.cli import main
from piasite.forms.registry import form_names, load_form
from piasite.history.itemdiff import diff
from piasite.model.reader import parse
from tests.conftest import ROOT

EXAMPLE = ROOT / "templates" / "init" / "content" / "higashiyama" / "1.yaml"
REL = "content/higashiyama/1.yaml"

CONFIG = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")

# name → (file text, line a message must name, or None when the problem has no line)
CORPUS: dict[str, tuple[str, int | None]] = {
    "yaml_syntax": ("様式: 重点項目評価書\n評価書番号: 1\n基本情報:\n  事務: [oops\n", 4),
    "tab_indent": ("様式: 重点項目評価書\n基本情報:\n\t事務: x\n", 3),
    "unclosed_quote": ("様式: 重点項目評価書\n評価書名: \"途中まで\n", 2),
    "unknown_form": ("様式: 重点項目評価書(旧)\n評価書番号: 1\n", 1),
    "form_as_list": ("様式: [重点項目評価書]\n評価書番号: 1\n", 1),
    "number_list": (EXAMPLE.read_text(encoding="utf-8").replace("評価書番号: 1\n", "評価書番号: [1, 2]\n"), 4),
    "top_level_list": ("- 様式: 重点項目評価書\n- 評価書番号: 1\n", 1),
    "top_level_scalar": ("重点項目評価書\n", 1),
    "empty": ("", 1),
    "duplicate_key": ("様式: 重点項目評価書\n評価書番号: 1\n評価書番号: 2\n", 3),
    "bad_tag": ("様式: 重点項目評価書\n評価書名: !秘密 x\n", 2),
    "nul_character": ("様式: 重点項目評価書\n評価書名: a\x00b\n", 2),  # YAML refuses it before parsing
    "bell_character": ("様式: 重点項目評価書\n評価書番号: 1\n\x07\n", 3),
    "files_as_mapping": (
        EXAMPLE.read_text(encoding="utf-8").replace(
            "特定個人情報ファイル:\n  - 名称: 個人住民税賦課情報ファイル\n",
            "特定個人情報ファイル:\n  名称: 個人住民税賦課情報ファイル\n",
        ),
        None,
    ),
    "count_as_text": (EXAMPLE.read_text(encoding="utf-8").replace("      件数: 2\n", "      件数: 二件\n"), None),
}


def invoke(*args: str, env: dict | None = None):
    res = CliRunner().invoke(main, list(args), env=env)
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise AssertionError(
            f"piasite {' '.join(args)} raised {type(res.exception).__name__}: {res.exception}\n{res.output}"
        ) from res.exception
    assert "Traceback" not in res.output
    assert res.exit_code in (0, 1, 2), (args, res.exit_code, res.output)
    return res


def failed(res, *fragments: str) -> None:
    assert res.exit_code in (1, 2), res.output
    assert "エラー" in res.output, res.output
    # ends in Japanese: click's own English (Error: / Usage: / Try …) is told in Japanese too (usage.py)
    assert not any(w in res.output for w in ("Error:", "Usage:", "Try '")), res.output
    last = res.output.strip().splitlines()[-1]
    assert any("\u3040" <= c <= "\u9fff" for c in last), last
    for f in fragments:
        assert f in res.output, (f, res.output)


@pytest.fixture()
def city(project, monkeypatch):
    repo = project("example").git_init("東山市の評価書を登録")  # REL (= EXAMPLE) and mkdocs.yml (= CONFIG)
    monkeypatch.chdir(repo.root)
    monkeypatch.setenv("PIASITE_TODAY", "2026-05-01")
    return repo


def test_every_command_is_in_the_corpus():
    assert set(main.commands) <= {args[0] for args in BAD_ARGS}


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_malformed_file_through_every_command(city, case):
    text, line = CORPUS[case]
    city.write(REL, text)
    where = f"{REL}:{line}: " if line else f"{REL}:"
    failed(invoke("check", REL), where)
    failed(invoke("check", "content"), where)
    failed(invoke("changelog", REL), where)
    failed(invoke("export", REL), where)
    failed(invoke("build", "--out", "site"), where)
    assert not Path("site").exists()  # nothing half-built
    city.commit("壊れた版")
    res = invoke("check", REL, "--since", "HEAD~1")
    failed(res, where)
    res = invoke("diff", "HEAD~1", "HEAD")
    assert res.exit_code == 0, res.output  # the table says the file cannot be read or shows the change
    res = invoke("diff", "HEAD~1")  # the working tree
    assert res.exit_code in (0, 1)
    invoke("import", REL, "--report")


@pytest.mark.slow
def test_wrong_type_anywhere_in_every_form():
    """Each item of each form set to a value of each wrong type: check and diff stay calm."""
    good = parse(EXAMPLE.read_text(encoding="utf-8")).data
    for name in form_names():
        form = load_form(name)
        base = copy.deepcopy(good) if name == good["様式"] else {"様式": name}
        for item in form.walk():
            path = _path_to(item)
            for wrong in ([1, 2], {"x": 1}, "文字", 12, True, None):
                data = copy.deepcopy(base)
                if not _put(data, path, wrong):
                    continue
                doc = parse("{}")
                doc.data = data
                from piasite.checks.document import check_document

                check_document(doc)
                diff(form, base, data)
                diff(form, data, base)


def _path_to(item) -> tuple:
    out: list = []
    node = item
    while node is not None:
        if node.parent is not None and node.parent.kind == "group":
            out.append(0)
        out.append(node.key)
        node = node.parent
    return tuple(reversed(out))


def _put(data, path: tuple, value) -> bool:
    node = data
    for k, nxt in zip(path, path[1:], strict=False):  # each key with the next
        if isinstance(k, int):
            if not isinstance(node, list):
                return False
            while len(node) <= k:
                node.append({})
            node = node[k]
            continue
        if not isinstance(node, dict):
            return False
        if k not in node or not isinstance(node[k], (dict, list)):
            node[k] = [] if isinstance(nxt, int) else {}
        node = node[k]
    if not isinstance(node, dict):
        return False
    node[path[-1]] = value
    return True


def test_not_a_repository(project, monkeypatch):
    monkeypatch.chdir(project("example").root)
    failed(invoke("diff", "main"), "git")
    failed(invoke("changelog", REL), "git")
    failed(invoke("check", REL, "--since", "main"), "git")
    failed(invoke("build", "--out", "site"), "git")


def test_git_missing(city, tmp_path):
    empty = tmp_path / "nobin"
    empty.mkdir()
    env = {"PATH": str(empty)}
    said = "git コマンドが見つかりません"  # not 「リポジトリの中にありません」: the repository is there
    failed(invoke("diff", "HEAD", env=env), said)
    failed(invoke("changelog", REL, env=env), said)
    failed(invoke("check", REL, "--since", "HEAD", env=env), said)
    failed(invoke("build", "--out", "site", env=env), said)


def test_revision_missing_in_a_shallow_clone_says_so(city, tmp_path, monkeypatch):
    city.edit(REL, "評価書番号: 1", "評価書番号: 1 ")
    city.commit("二つ目")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{city.root}", str(clone)], check=True)
    monkeypatch.chdir(clone)
    failed(invoke("diff", "HEAD~1"), "HEAD~1", "--unshallow")
    failed(invoke("check", "--since", "HEAD~1"), "--unshallow")


# mkdocs.yml as a city may break it → the line a message must name (None: no line)
CONFIGS = {
    "yaml_syntax": ("site_name: x\nextra:\n\tpublisher: 東山市\n", 3),
    "top_level_list": ("- site_name: x\n", 1),
    "extra_list": (CONFIG.replace("extra:\n", "extra: [1]\nextra_old:\n", 1), None),
    "publisher_mapping": (CONFIG.replace('  publisher: ""', "  publisher: {部: 1}", 1), None),
    "site_url_list": ("site_url: [1, 2]\n" + CONFIG, 1),
    "hooks": (CONFIG + "hooks:\n  - evil.py\n", None),  # code: never passed on (engineconf.py)
    "limits_text": (CONFIG.replace("extra:\n", "extra:\n  piasite: 大きく\n", 1), None),
    "not_utf8": (None, 1),
}


@pytest.mark.parametrize("case", sorted(CONFIGS))
def test_broken_mkdocs_yml(city, case):
    text, line = CONFIGS[case]
    conf = city.root / "mkdocs.yml"
    if text is None:
        conf.write_bytes("site_name: 東山市\n".encode("shift_jis"))
    else:
        conf.write_text(text, encoding="utf-8")
    where = f"mkdocs.yml:{line}: " if line else "mkdocs.yml:"
    failed(invoke("check"), where)
    failed(invoke("build", "--out", "site"), where)
    assert not Path("site").exists()
    failed(invoke("serve", "--port", "0"), where)
    failed(invoke("build", "--out", "site", "--engine", "zensical"), where)


def test_missing_mkdocs_yml(city):
    (city.root / "mkdocs.yml").unlink()
    res = invoke("check")
    assert res.exit_code == 0, res.output  # check needs no settings
    failed(invoke("build", "--out", "site"), "mkdocs.yml がありません", "piasite init")
    failed(invoke("serve", "--port", "0"), "mkdocs.yml がありません")


def test_unknown_theme_is_told_before_the_engine_runs(city):
    """An unknown theme, which only the engine used to refuse (in English): piasite's own message with the line."""
    (city.root / "mkdocs.yml").write_text(CONFIG.replace("name: material", "name: no-such-theme"), encoding="utf-8")
    res = invoke("build", "--out", "site")
    failed(res, "mkdocs.yml:", "theme.name は material だけです", "サイトを組み立てませんでした")


def test_import_of_what_is_no_assessment(city):
    (city.root / "empty.txt").write_text("\n\n", encoding="utf-8")
    failed(invoke("import", "empty.txt", "--report"), "empty.txt: 空のファイルです")
    (city.root / "data.json").write_text('{"a": [1, 2]}\n', encoding="utf-8")
    # a text of another kind entirely: refused, saying what it looks like (nothing written)
    failed(invoke("import", "data.json", "--report"), "data.json: 特定個人情報保護評価書のテキストではないようです")
    res = invoke(
        "import",
        str(
            ROOT
            / "tests"
            / "fixtures"
            / "seeds"
            / sorted(p.name for p in (ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))[0]
        ),
        "--report",
    )
    assert "様式の題名も項目名も見つかりません" not in res.output  # a real published text is recognised


def test_unknown_revision(city):
    failed(invoke("diff", "no-such-rev"), "no-such-rev")
    failed(invoke("check", REL, "--since", "no-such-rev"), "no-such-rev")


BAD_ARGS = [
    ["check", "no/such.yaml"],
    ["check", "empty-dir"],
    ["build", "--content", "no-such"],
    ["build", "--engine", "hugo"],
    ["diff"],
    ["diff", "HEAD", "HEAD", "--format", "pdf"],
    ["diff", "HEAD", "--content", "no-such"],
    ["changelog", "no/such.yaml"],
    ["changelog", "content"],
    ["import"],
    ["import", "no-such.txt"],
    ["schema", "--out", "content/higashiyama/1.yaml"],
    ["no-such-command"],
    ["check", "--no-such-option"],
    ["init"],
    ["init", "content"],
    ["init", REL],
    ["new"],
    ["new", "存在しない様式", "higashiyama", "2"],
    ["new", "重点項目評価書", "higashiyama", "1"],
    ["new", "重点項目評価書", "東山市長", "2"],
    ["new", "重点項目評価書", "higashiyama", "x/y"],
    ["new", "重点項目評価書", "higashiyama", "2", "--content", "no-such"],
    ["serve", "--port", "abc"],
    ["serve", "--port", "99999"],
    ["serve", "--content", "no-such"],
    ["check", "--since"],
    ["check", "--sinc", "main"],
    ["new", "重点項目評価書", "higashiyama", "2", "3"],
    ["diff", "HEAD", "--format"],
    ["build", "--staff=yes"],
    ["check", "--since", ""],
    ["export", "no/such.yaml"],
    ["export", "content"],
    ["export", REL, "--format", "pdf"],
    ["harvest"],
    ["harvest", "no-such-folder"],
    ["harvest", "content"],
    ["harvest", "--sources", "no-such.yaml"],
    ["harvest", "--sources", REL],
    ["harvest", "http://127.0.0.1:9/pia/"],
    ["baseline", "no-such-rev"],
    ["baseline", "HEAD", "HEAD"],
    ["cms", "--out"],
    ["cms", "trailers", "--base", "no-such-rev"],
]


@pytest.mark.parametrize("args", BAD_ARGS)
def test_bad_arguments(city, args):
    (city.root / "empty-dir").mkdir(exist_ok=True)
    res = invoke(*args)
    failed(res)


def test_no_traceback_from_the_console_entry(tmp_path):
    """The installed entry point (python -m piasite) with a file that breaks every stage."""
    p = tmp_path / "x" / "1.yaml"
    p.parent.mkdir()
    p.write_text("評価書番号: [1, 2]\n様式: 重点項目評価書\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "piasite", "check", str(p)], capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "予期しない" not in proc.stderr
    assert f"{p}:1: " in proc.stderr


@pytest.mark.slow
def test_build_summary_line(city):
    (city.root / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    res = invoke("build", "--out", "site")
    assert res.exit_code == 0, res.output
    last = res.output.strip().splitlines()[-1]
    assert "1 件の評価書" in last and "ページ" in last and "秒" in last and "site/" in last, last


def test_engine_not_installed(city, monkeypatch):
    """Zensical is an extra: without it, build --engine zensical says how to install it, and that extra exists."""
    import importlib.util
    import tomllib

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "zensical" else real(name, *a))
    failed(invoke("build", "--engine", "zensical", "--out", "site"), "pip install 'piasite[zensical]'")
    assert not Path("site").exists()
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert any(d.startswith("zensical") for d in extras["zensical"])


def test_help_options_are_japanese():
    for args in ([], *([c] for c in main.commands)):
        out = CliRunner().invoke(main, [*args, "--help"]).output
        assert "このヘルプを表示して終わります" in out and "Show this message" not in out, args
        assert out.startswith("使い方: ") and "オプション:" in out, args
        assert not any(w in out for w in ("Usage:", "Options:", "Commands:", "[default:")), out
    assert "Show the version" not in CliRunner().invoke(main, ["--help"]).output
