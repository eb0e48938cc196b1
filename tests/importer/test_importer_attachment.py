"""A document that declares more 提供先 than it prints and names no attachment: the importer
writes nothing the document does not say. The 添付資料 item is !要確認 (quoting the row of the
counts), `check` warns at the count, the page and the index say 「N 件中 M 件を掲載」 and that
the rest's place could not be read, and `build --publish` refuses.

The document is an invented organisation's (tests/fixtures/acceptance/aobadai-5-juten.txt) with
its declared 提供 count raised above the 提供先 it prints; it mentions no 添付資料 anywhere.
"""

from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from piasite.cli import main
from piasite.core.problems import ERROR, WARNING
from piasite.engine.run import build_site
from piasite.forms.form import Form
from piasite.history.content import check_paths
from piasite.importer import import_text, write
from piasite.importer.text import plain
from piasite.importer.writer import dump
from piasite.model.reader import Uncertain, read
from tests.conftest import FIXTURES, ROOT

SOURCE = FIXTURES / "acceptance" / "aobadai-5-juten.txt"
FILE = ("特定個人情報ファイル", 0)  # placed by the form's roles below, never by key


def _count_row(form: Form, lines: list[str]) -> int:
    """The index of the row printing 提供・移転の有無 with its ( n ) 件 (found by the form's labels)."""
    label = form.role_item("provision_transfer_flag").label
    option = form.role_item("provision_transfer_flag").options[0].text  # 提供を行っている
    return next(k for k, ln in enumerate(lines) if ln.startswith(label) and option in ln)


@pytest.fixture(scope="module")
def documents():
    """(form, original import, text with the count raised, its import, the raised row's line, the count)."""
    text = SOURCE.read_text(encoding="utf-8")
    assert "添付" not in text and "別紙" not in text  # the document names no attachment anywhere
    original = import_text(text)
    form = original.form
    listed = len(list(form.values(original.data, "provision", within=FILE)))
    assert listed >= 1 and form.value(original.data, "provision_count", within=FILE) == listed
    lines = text.split("\n")
    k = _count_row(form, lines)
    option = re.escape(form.role_item("provision_transfer_flag").options[0].text)
    declared = listed + 2
    lines[k], n = re.subn(rf"({option}\s*[(（]\s*)\d+(\s*[)）]\s*件)", rf"\g<1>{declared}\g<2>", lines[k])
    assert n == 1
    raised = "\n".join(lines)
    return form, original, raised, import_text(raised), k + 1, declared, listed


def test_no_text_is_invented(documents):
    form, original, raised, imported, line, declared, listed = documents
    att = form.value(imported.data, "provision_transfer_attachment", within=FILE)
    assert isinstance(att, Uncertain), att
    assert att.reading is None  # no guess either
    assert att.line == line and att.source == plain(raised.split("\n")[line - 1])
    assert f"{declared} 件のうち {listed} 件" in att.reason and "添付資料の名前が原文にありません" in att.reason
    assert form.value(imported.data, "provision_count", within=FILE) == declared
    # the YAML differs from the original's only by the count and the !要確認 block quoting the source
    before = dump(original.data, form, [], "../../schema").splitlines()
    after = dump(imported.data, form, [], "../../schema").splitlines()
    added = [d[2:] for d in difflib.ndiff(before, after) if d.startswith("+ ")]
    removed = [d[2:] for d in difflib.ndiff(before, after) if d.startswith("- ")]
    count_key, att_key = form.role_key("provision_count"), form.role_key("provision_transfer_attachment")
    assert [r.strip() for r in removed] == [f"{count_key}: {listed}"], removed
    assert [a.strip().split(":")[0] for a in added] == [count_key, att_key, "原文", "行", "理由"], added
    assert form.role_key("import_notes") not in imported.data  # said at the item, not in a memo beside it
    assert "原文に掲載のない" not in "\n".join(after)


@pytest.fixture()
def content(tmp_path: Path, documents) -> Path:
    form, _, _, imported, *_ = documents
    out = tmp_path / "content" / "aobadai" / "5.yaml"
    write(imported, SOURCE, out, tmp_path)
    shutil.copytree(
        FIXTURES / "site" / "higashiyama", tmp_path / "content" / "higashiyama"
    )  # one with its 添付資料 named
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path / "content"


def test_check_warns_and_reports_no_error(content, documents):
    form, *_, declared, listed = documents
    doc = content / "aobadai" / "5.yaml"
    _, problems = check_paths([doc])
    assert not [str(p) for p in problems if p.severity == ERROR]
    warned = [p for p in problems if p.severity == WARNING]
    count_line = read(doc).line(form.concrete("provision_count", 0))
    at_count = [p for p in warned if p.line == count_line]
    assert at_count and f"{declared} 件ですが" in at_count[0].message and f"{listed} 件だけ" in at_count[0].message
    assert "残りの掲載場所は原文から読み取れませんでした" in at_count[0].message
    att_line = read(doc).line(form.concrete("provision_transfer_attachment", 0))
    assert any(p.line == att_line and "!要確認" in p.message for p in warned), [str(p) for p in warned]


def test_page_and_index_say_how_many_and_that_the_rest_is_unread(content, documents, tmp_path, monkeypatch):
    form, *_, declared, listed = documents
    site = tmp_path / "site"
    build_site(content, site, config=tmp_path / "mkdocs.yml", allow_shallow=True)
    word = "提供先"
    note = f"{word} {declared} 件中 {listed} 件を掲載(残りの掲載場所は原文から読み取れませんでした)"
    page = (site / "aobadai" / "5" / "index.html").read_text(encoding="utf-8")
    assert note in page and "残りは添付資料" not in page
    anchor = page.index(f'id="{form.anchor(form.concrete("provision_transfer_attachment", 0))}"')
    block = page[anchor : page.index('class="pia-hrow"', anchor + 20)]
    assert "原文から読み取れませんでした" in block and "添付資料の名前が原文にありません" in block
    index = (site / "indexes" / "teikyosaki" / "index.html").read_text(encoding="utf-8")
    assert note in index
    # a document naming its attachment still says so
    assert "件を掲載(残りは添付資料)" in (site / "higashiyama" / "5" / "index.html").read_text(encoding="utf-8")
    assert "件を掲載(残りは添付資料)" in index
    for f in site.rglob("*"):
        if f.is_file() and f.suffix in (".html", ".json", ".csv"):
            assert "原文に掲載のない" not in f.read_text(encoding="utf-8"), f
    monkeypatch.chdir(tmp_path)  # its mkdocs.yml
    result = CliRunner().invoke(
        main, ["build", "--publish", "--allow-shallow", "--content", str(content), "--out", str(tmp_path / "public")]
    )
    assert result.exit_code == 1 and "公開用のサイトを組み立てませんでした" in result.output, result.output
