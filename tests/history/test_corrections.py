"""A history a resident can trust (issue 22, item 3): a commit that corrects the reading (`変更箇所:
なし`) amends the version it corrects, never makes a version of its own; a version is what the city
published; the URLs of versions that no longer exist redirect; 「最終更新」 is the document's own date.
Real git repositories, edited commit by commit as a clerk would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from piasite.forms.registry import load_form
from piasite.history import changelog
from piasite.history.content import load_content
from piasite.history.published import published
from piasite.history.versions import load_history
from piasite.site.generate import FOOTER_KEY, generate
from piasite.site.history_pages import generate_history
from tests.clirun import piasite
from tests.gitrepo import BASE, Repo

F = "content/higashiyama/5.yaml"
REPO = Path(__file__).resolve().parents[2]
CLEAN = "発生させるリスクを軽減させるために適切な措置を講じ"
GARBAGE = "発生させるリスクを軽減させるที่ไม่ために適切な措置を서는講じ"  # what an OCR made of it
PURPOSE = (
    "使用目的: 住民税額の算出、名寄せ・非課税者の抽出",
    "使用目的: 住民税額の算出、名寄せ・非課税者の抽出、減免の審査",
)
CHANGE = "使用目的に減免の審査を追加\n\n変更日: 2026-02-01\n提出時期: 事前\n提出時期に係る説明: 使用目的の追加"
FIX = "取込み時の読み取りの誤りを訂正\n\n変更箇所: なし"


def _garbled() -> str:
    text = BASE.read_text(encoding="utf-8")
    assert CLEAN in text
    return text.replace(CLEAN, GARBAGE)


@pytest.fixture(scope="module")
def late_fix(tmp_path_factory):
    """Imported with garbage, changed by the city (the garbage copied along), then corrected."""
    r = Repo(tmp_path_factory.mktemp("late"))
    r.write(F, _garbled())
    r.commit("東山市 個人住民税 重点項目評価書を取込み", days=0)
    r.edit(F, *PURPOSE)
    r.commit(CHANGE)
    r.edit(F, GARBAGE, CLEAN)
    r.commit(FIX, days=100)  # committed 2026-03-12, after the document's own latest date
    return r


@pytest.fixture(scope="module")
def early_fix(tmp_path_factory):
    """Imported with garbage, corrected at once, then changed by the city."""
    r = Repo(tmp_path_factory.mktemp("early"))
    r.write(F, _garbled())
    r.commit("取込み", days=0)
    r.edit(F, GARBAGE, CLEAN)
    r.commit(FIX)
    r.edit(F, *PURPOSE)
    r.commit(CHANGE)
    return r


def _fh(repo):
    hist = load_history(repo.root / "content", cache=False)
    return next(f for f in hist.files if f.path == F)


def _build(repo, out: Path):
    assessments, problems = load_content(repo.root / "content")
    assert assessments, problems

    def write(rel: str, text: str) -> None:
        p = out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")

    generate_history(assessments, repo.root, write)
    return assessments[0].url


def _tree(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file()}


def test_a_late_correction_amends_every_version_that_held_the_misreading(late_fix):
    fh = _fh(late_fix)
    assert len(fh.live) == 3  # three commits
    folded = published(fh)
    versions = folded.history.live
    assert len(versions) == 2  # two publications: the first, and the change of 2026-02-01
    for v in versions:
        assert "ที่ไม่" not in repr(v.data) and "서는" not in repr(v.data)
    assert folded.numbers == {1: 1, 2: 2, 3: 2}
    assert [c.subject for c in folded.corrections[2]] == [FIX.split("\n")[0]]
    rows = changelog.derived_rows(folded.history, load_form())
    assert [(r.date, r.after) for r in rows] == [("2026-02-01", PURPOSE[1].split(": ")[1])]  # the fix is no change
    # the raw history still holds what was committed (check --since, policy.py read it commit by commit)
    assert "ที่ไม่" in repr(fh.live[1].data)


def test_an_early_correction_amends_the_first_version(early_fix):
    folded = published(_fh(early_fix))
    versions = folded.history.live
    assert len(versions) == 2 and folded.numbers == {1: 1, 2: 1, 3: 2}
    assert "ที่ไม่" not in repr(versions[0].data)
    assert CLEAN in repr(versions[0].data)


def test_pages_show_no_version_that_never_existed(late_fix, tmp_path):
    url = _build(late_fix, tmp_path)
    tree = _tree(tmp_path)
    leaked = [p for p, text in tree.items() if "ที่ไม่" in text or "서는" in text]
    assert not leaked, f"訂正された読み取りの誤りが残っています: {leaked}"
    history = tree[f"{url}history/index.md"]
    assert history.count('<li id="v') == 2
    assert "読み取り・表記の訂正 1 件を反映" in history
    assert f"{url}v/1/index.md" in tree and f"{url}v/2/index.md" not in tree
    # v/2/ was the second of three commits' pages: it still answers, and sends the reader on
    page = tree[f"{url}v/2/index.html"]
    assert '<meta name="robots" content="noindex">' in page
    assert '<meta http-equiv="refresh" content="0; url=../../">' in page  # the current version, relative
    assert 'href="../../"' in page and "https://" not in page and 'href="/' not in page


def test_redirect_to_a_past_version(early_fix, tmp_path):
    url = _build(early_fix, tmp_path)
    tree = _tree(tmp_path)
    assert f"{url}v/1/index.md" in tree
    page = tree[f"{url}v/2/index.html"]  # the correction's old page: now part of 第1版
    assert 'content="0; url=../../v/1/"' in page and "第1版" in page and "noindex" in page
    assert f"{url}compare/index.md" in tree  # two versions: compared
    assert CLEAN in tree[f"{url}v/1/index.md"]


def test_a_compare_page_of_one_version_redirects_to_the_history(tmp_path):
    r = Repo(tmp_path / "repo")
    r.write(F, _garbled())
    r.commit("取込み", days=0)
    r.edit(F, GARBAGE, CLEAN)
    r.commit(FIX)
    out = tmp_path / "docs"
    url = _build(r, out)
    tree = _tree(out)
    assert f"{url}compare/index.md" not in tree and f"{url}v/1/index.md" not in tree
    assert 'url=../history/"' in tree[f"{url}compare/index.html"]
    assert 'url=../../"' in tree[f"{url}v/1/index.html"]


def test_same_date_commits_are_one_version(tmp_path):
    r = Repo(tmp_path / "repo")
    r.write(F, BASE.read_text(encoding="utf-8"))
    r.commit("取込み", days=0)
    r.edit(F, *PURPOSE)
    r.commit(CHANGE)
    r.edit(F, "特記事項: なし", "特記事項: 減免の審査を追加")
    r.commit(CHANGE.replace("使用目的に減免の審査を追加", "特記事項も"))  # the same 変更日: the same publication
    r.edit(F, PURPOSE[1], PURPOSE[1] + "及び照合")
    r.commit(CHANGE.replace("使用目的に減免の審査を追加", "使用目的の書き足し"))  # the same item again, same day
    folded = published(_fh(r))
    assert len(folded.history.live) == 2
    rows = changelog.derived_rows(folded.history, load_form())
    assert {r.date for r in rows} == {"2026-02-01"} and len(rows) == 2  # 使用目的 once: from the first to the last
    assert next(x for x in rows if "使用目的" in x.item).after == PURPOSE[1].split(": ")[1] + "及び照合"
    # `piasite changelog` lists the rows the site shows
    proc = piasite("changelog", F, "--format", "json", cwd=r.root)
    assert proc.returncode == 0, proc.stderr
    listed = [x for x in json.loads(proc.stdout) if x.get("コミット")]
    assert len(listed) == 2, listed


def test_last_updated_is_the_documents_own_latest_date(late_fix, tmp_path):
    content = late_fix.root / "content"
    assessments, _ = load_content(content)
    out = tmp_path / "build" / "docs"
    generate(assessments, out, content_dir=content, config=REPO / "mkdocs.yml")
    footer = (tmp_path / "build" / "piasite-bodies" / f"{FOOTER_KEY}.html").read_text(encoding="utf-8")
    assert "最終更新: 令和8年2月1日" in footer  # the 変更日, not the correction's commit (2026-03-12)
    from piasite.site.theme import key_of

    page = (tmp_path / "build" / "piasite-bodies" / f"{key_of(assessments[0].url + 'index.md')}.html").read_text(
        encoding="utf-8"
    )
    assert "最終更新" in page and "令和8年2月1日(公表日・変更日のうち最新)" in page
