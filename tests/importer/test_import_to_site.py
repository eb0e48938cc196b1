"""An unseen 基礎項目評価書 and 全項目評価書 of invented towns, in the seeds' text style, are
imported, checked and generated: values land in their items (not in 取込メモ), the pages name
the town, and their systems and 委託先 appear in the indexes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from piasite.commands.export import export_text
from piasite.forms.registry import load_form
from piasite.history.content import load_content
from piasite.importer import import_file, import_text, write
from piasite.site.generate import generate
from tests.conftest import FIXTURES, ROOT
from tests.formdocs import full_document
from tests.gitrepo import Repo
from tests.importer.test_importer_forms import _seedy


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    repo = Repo(tmp_path_factory.mktemp("towns"))
    content = repo.root / "content"
    # 西山町: a 基礎 written by hand in the seeds' style (HTML cells, [○] boxes, numbered names)
    src = FIXTURES / "invented" / "nishiyama_kiso.txt"
    write(import_file(src), src, content / "nishiyama" / "12.yaml", repo_root=repo.root)
    # 南川市: a 全項目 of every item, printed in the seeds' notations
    zen = load_form("全項目評価書")
    doc = full_document(zen, "平成30年5月", paragraphs=False)
    doc["評価実施機関名"] = "南川市長"
    doc["基本情報"]["システム"][0]["名称"] = "南川市住民記録システム"
    doc["特定個人情報ファイル"][0]["委託"]["委託事項"][0]["委託先名"] = "南川データ株式会社"
    text = _seedy(export_text(zen, doc))
    imp = import_text(text)
    (repo.root / "minamikawa.txt").write_text(text, encoding="utf-8")
    write(imp, repo.root / "minamikawa.txt", content / "minamikawa" / "3.yaml", repo_root=repo.root)
    repo.commit("取り込んだ評価書を登録", days=0)
    r = subprocess.run(
        [sys.executable, "-m", "piasite", "check", str(content)],
        cwd=repo.root,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assessments, problems = load_content(content)
    assert not problems, [str(p) for p in problems]
    out = tmp_path_factory.mktemp("docs")
    built = generate(assessments, out, content_dir=content, config=ROOT / "mkdocs.yml")
    return r, assessments, built, out


def test_checked_without_errors_and_nothing_in_import_notes(site):
    r, assessments, _, _ = site
    assert r.returncode == 0, r.stderr
    for a in assessments:
        assert "取込メモ" not in a.data, (a.path, a.data.get("取込メモ"))


def test_pages_name_the_town(site):
    _, _, _, out = site
    from piasite.site.theme import bodies_dir, key_of

    for rel, town in (("nishiyama/12/index.md", "西山町長"), ("minamikawa/3/index.md", "南川市長")):
        text = (out / rel).read_text(encoding="utf-8")
        body = bodies_dir(out) / f"{key_of(rel)}.html"
        text += body.read_text(encoding="utf-8") if body.is_file() else ""
        assert town in text, rel


def test_systems_and_contractors_in_the_indexes(site):
    _, _, built, _ = site
    ix = {i.id: i for i in built.indexes}
    systems = {r.name for _, r in ix["system"].rows()}
    assert {"児童手当システム", "団体内統合宛名システム", "中間サーバー", "南川市住民記録システム"} <= systems
    contractors = {r.name for _, r in ix["itakusaki"].rows()}
    assert "南川データ株式会社" in contractors
