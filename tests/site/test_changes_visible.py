"""Changes you can see (issue 22, item 2): the changed words of a long value marked with <ins>/<del>
and text for screen readers in the (別添2) table, the history and the compare view; the compare page
holds no version, each pair is a file of its own; every value escaped; nothing withheld in any
pair file or past version. Real git repositories."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from piasite.forms.registry import load_form
from piasite.history.content import load_content
from piasite.history.itemdiff import passages
from piasite.site.history_pages import generate_history
from piasite.site.pages import AssessmentPage
from tests.gitrepo import BASE, Repo

F = "content/higashiyama/5.yaml"
PLACE = ("施錠できる場所に保管する。", "施錠できる書庫に保管する。")
HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
SECRETS = ("株式会社ヒミツ工業", "株式会社ナイショ商事")


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    r = Repo(tmp_path_factory.mktemp("visible"))
    text = BASE.read_text(encoding="utf-8").replace("委託先名: 株式会社ジーシーシー", f"委託先名: {SECRETS[0]}", 1)
    r.write(F, text)
    r.commit("取込み", days=0)
    r.edit(F, *PLACE)
    r.commit("保管場所を変更\n\n変更日: 2026-01-05\n提出時期: 事後\n提出時期に係る説明: 保管場所の変更のみ")
    # withheld by a correction of the reading: no version, no pair may show either name
    r.edit(F, f"委託先名: {SECRETS[0]}", f"委託先名: !非公表 {SECRETS[1]}")
    r.commit("委託先名を非公表に\n\n変更箇所: なし")
    r.edit(F, "特記事項: なし", f"特記事項: {HOSTILE}")
    r.edit(F, "使用目的: 住民税額の算出、名寄せ・非課税者の抽出", "使用目的: 住民税額の算出及び減免の審査")
    r.commit("特記事項と使用目的を変更\n\n変更日: 2026-03-01\n提出時期: 事前\n提出時期に係る説明: 使用目的の追加")
    return r


@pytest.fixture(scope="module")
def site(repo, tmp_path_factory):
    out = tmp_path_factory.mktemp("docs")
    assessments, problems = load_content(repo.root / "content")
    assert assessments, problems

    def write(rel: str, text: str) -> None:
        p = out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")

    hs = generate_history(assessments, repo.root, write)
    return out, assessments[0], hs


def _files(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file()}


def test_only_the_changed_words_are_marked():
    a = "個人番号利用事務について、番号法別表第二に基づいて特定個人情報を照会する。照会の記録は5年間保管する。"
    b = "個人番号利用事務について、番号法に基づいて特定個人情報を照会する。照会の記録は5年間保管する。"
    assert [s for s in passages(a, b) if s[0] != "="] == [("-", "別表第二")]
    # a changed word is shown whole, not the characters that happen to differ
    segs = passages("住民税額の算出、名寄せ・非課税者の抽出を行う。", "住民税額の審査、照合・非課税者の抽出を行う。")
    assert [s for s in segs if s[0] != "="] == [("-", "算出、名寄せ"), ("+", "審査、照合")]


def test_compare_page_holds_no_version_and_each_pair_is_a_file(site):
    out, a, _ = site
    page = (out / a.url / "compare/index.md").read_text(encoding="utf-8")
    assert "施錠できる" not in page and "pia-compare-data" not in page
    assert re.findall(r'<option value="(\d+)"', page) == ["1", "2", "3"] * 2
    pairs = sorted(p.name for p in (out / a.url / "compare").glob("*.json"))
    assert pairs == ["1-2.json", "1-3.json", "2-3.json"]
    data = json.loads((out / a.url / "compare/1-2.json").read_text(encoding="utf-8"))
    row = next(r for r in data["rows"] if "保管場所" in r["item"])
    changed = [tuple(s) for s in row["segments"] if s[0] != "="]
    assert changed == [("-", "場所"), ("+", "書庫")]
    assert "".join(s for op, s in row["segments"] if op != "+") == row["before"]


def test_history_and_change_table_mark_the_words_with_text_for_screen_readers(site):
    out, a, hs = site
    hist = (out / a.url / "history/index.md").read_text(encoding="utf-8")
    assert '<del><span class="pia-sr" data-pagefind-ignore>〔削除:〕</span>場所' in hist
    assert '<ins><span class="pia-sr" data-pagefind-ignore>〔追加:〕</span>書庫' in hist
    assert "〔追加ここまで〕</span></ins>" in hist
    # the assessment page's (別添2) table, from the rows history gives it
    form = load_form()
    page = AssessmentPage(SimpleNamespace(form=form), a.public_data, hs.change_rows[a.url]).body()
    table = page[page.index('class="pia-table"') :]
    assert "<del>" in table and "〔削除:〕</span>場所" in table and "〔追加:〕</span>書庫" in table


def test_every_value_is_escaped(site):
    out, a, _ = site
    for rel, text in _files(out).items():
        assert "<script>alert" not in text and "<img src=x" not in text, rel
    pair = json.loads((out / a.url / "compare/2-3.json").read_text(encoding="utf-8"))
    assert any(r["after"] == HOSTILE for r in pair["rows"])  # data as text: the page sets it with textContent
    compare = (out / a.url / "compare/index.md").read_text(encoding="utf-8")
    assert "innerHTML" not in compare and "textContent" in compare


def test_nothing_withheld_in_any_pair_file_or_past_version(site):
    out, a, _ = site
    files = _files(out)
    assert any(p.startswith(f"{a.url}v/") for p in files) and any(p.endswith(".json") for p in files)
    leaked = [(p, s) for p, text in files.items() for s in SECRETS if s in text]
    assert not leaked, leaked
