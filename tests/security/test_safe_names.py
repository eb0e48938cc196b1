"""URL として安全な名前 (SECURITY.md): a folder or file name under content/ becomes the page's URL,
its search result's, its feed's and its open-data file's. A pull request can name a folder anything
git can store; every name outside `[a-z0-9][a-z0-9_-]*` (64 characters at most, files `<name>.yaml`)
is an error of `piasite check` and of `piasite build` — never a warning — with the name shown escaped,
and nothing of it is written (piasite/safenames.py, model.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from piasite.checks.load import content_files
from piasite.history.content import check_paths, load_content
from piasite.site.history_pages import generate_history
from tests.clirun import piasite
from tests.gitrepo import BASE, base_repo

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DOC = BASE.read_text(encoding="utf-8")

# name → how the message must show it (every control, space, combining or format character as <U+XXXX>)
FOLDERS = {
    "\\evil.example": "\\evil.example",  # browsers read \ as /: //evil.example is another host
    "%2e%2e": "%2e%2e",  # .. once a server decodes it
    "a#b": "a#b",  # the rest of the URL becomes a fragment
    "a?b": "a?b",  # … or a query
    "x\x1b[31my": "x<U+001B>[31my",  # a terminal escape in every message naming the path
    "x\ny": "x<U+000A>y",
    "x\ty": "x<U+0009>y",
    "x\x7f": "x<U+007F>",
    "x\x9by": "x<U+009B>y",  # C1 CSI
    "Kumagaya": "Kumagaya",  # one folder with kumagaya on macOS and Windows, two on Linux
    "\u304b\u3099": "\u304b<U+3099>",  # が in NFD: equal to NFC が on macOS only
    "\u304c": "\u304c",  # が in NFC
    "ｋｕｍａｇａｙａ": "ｋｕｍａｇａｙａ",  # full-width
    "kuma gaya": "kuma<U+0020>gaya",
    "-x": "-x",
    "_x": "_x",
    "x..y": "x..y",
    "kumagaya.jp": "kumagaya.jp",
    "a\u202eb": "a<U+202E>b",  # bidi override
    "a\u200bb": "a<U+200B>b",  # zero width
    "a\u2215b": "a\u2215b",  # division slash, looks like /
    "a" * 65: "a" * 65,
}
FILES = {
    "A": "A",
    "5 ": "5<U+0020>",
    "%2e%2e": "%2e%2e",
    "-5": "-5",
    "5.x": "5.x",
    "ａ": "ａ",
    "5\x1b": "5<U+001B>",
    "5#top": "5#top",
    "b" * 65: "b" * 65,
}
IDS_F = [f"folder{i}" for i in range(len(FOLDERS))]
IDS_N = [f"file{i}" for i in range(len(FILES))]


@pytest.fixture
def city(tmp_path):
    r = base_repo(tmp_path / "city")
    shutil.copy(REPO_ROOT / "mkdocs.yml", r.path("mkdocs.yml"))
    r.write(".gitignore", "/site/\n/build/\n")
    r.commit("設定")
    return r


def _add(r, folder: str, stem: str) -> Path:
    text = DOC.replace("評価書番号: 5", "評価書番号: 8")
    path = r.path("content") / folder / f"{stem}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    r.commit("評価書を追加")
    return path


def _refused(r, name: str, shown: str, kind: str) -> None:
    check = piasite("check", cwd=r.root)
    assert check.returncode == 1, check.stderr
    assert f"{kind}「{shown}」は使えません" in check.stderr, check.stderr
    build = piasite("build", cwd=r.root)
    assert build.returncode == 1, build.stderr
    assert f"{kind}「{shown}」は使えません" in build.stderr, build.stderr
    for out in (check.stderr, build.stderr):
        assert "Traceback" not in out
        assert not any(c in out for c in "\x1b\x9b\x7f\u202e\u200b"), repr(out)
    assert not (r.root / "site").exists()  # nothing published, not even in part
    docs = r.root / "build" / "docs"
    assert not docs.exists() or not any(name in str(p) for p in docs.rglob("*"))


@pytest.mark.parametrize("name", list(FOLDERS), ids=IDS_F)
def test_a_folder_name_that_cannot_be_a_url_is_an_error(city, name):
    _add(city, name, "8")
    _refused(city, name, FOLDERS[name], "フォルダ名")


@pytest.mark.parametrize("stem", list(FILES), ids=IDS_N)
def test_a_file_name_that_cannot_be_a_url_is_an_error(city, stem):
    _add(city, "higashiyama", stem)
    _refused(city, stem, FILES[stem], "ファイル名")


def test_a_folder_checked_by_name_is_refused_too(city):
    """`piasite check content/Kumagaya/8.yaml`: the file given alone still has its folder checked."""
    path = _add(city, "Kumagaya", "8")
    proc = piasite("check", str(path.relative_to(city.root)), cwd=city.root)
    assert proc.returncode == 1 and "フォルダ名「Kumagaya」は使えません" in proc.stderr, proc.stderr


def test_a_deeper_unsafe_folder_is_refused(city):
    _add(city, "higashiyama/%2e%2e", "8")
    proc = piasite("check", cwd=city.root)
    assert proc.returncode == 1 and "フォルダ名「%2e%2e」は使えません" in proc.stderr, proc.stderr


def test_nfc_and_nfd_twins_are_both_refused(city):
    _add(city, "\u304c", "8")
    _add(city, "\u304b\u3099", "9")
    proc = piasite("check", cwd=city.root)
    assert proc.returncode == 1
    assert "フォルダ名「\u304c」" in proc.stderr and "フォルダ名「\u304b<U+3099>」" in proc.stderr, proc.stderr


def test_the_rule_is_64_characters(city):
    _add(city, "a" * 64, "b" * 64)
    proc = piasite("check", cwd=city.root)
    assert "は使えません" not in proc.stderr, proc.stderr


def test_this_repositorys_content_keeps_its_names():
    """The real documents of this repository (kumagaya/5, shinjuku/juminzei-henko, …) and its
    aliases.yaml pass the rule."""
    files = content_files(REPO_ROOT / "content", aliases=True)
    assert len(files) >= 5
    _, problems = check_paths(files)
    assert not [p for p in problems if "は使えません" in p.message], problems


def test_hidden_files_stay_ignored(city):
    """.gitkeep, editor files (.#8.yaml, .8.yaml.swp) and dot folders are not assessments: never read,
    never published, no error."""
    city.write("content/.gitkeep", "")
    city.write("content/higashiyama/.8.yaml.swp", "x")
    city.write("content/higashiyama/.8.yaml", "x: [")
    city.write("content/.drafts/8.yaml", "x: [")
    city.write("content/higashiyama/notes.txt", "メモ")
    city.commit("隠しファイル")
    proc = piasite("check", cwd=city.root)
    assert proc.returncode == 0, proc.stderr
    assert [p.name for p in content_files(city.root / "content")] == ["5.yaml"]


def test_import_refuses_an_output_name_that_cannot_be_a_url(tmp_path):
    src = tmp_path / "Evil Name#1.txt"
    src.write_text("重点項目評価書\n", encoding="utf-8")
    out = tmp_path / "content" / "kumagaya"
    out.mkdir(parents=True)
    proc = piasite("import", str(src), "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 1 and "ファイル名「Evil<U+0020>Name#1」は使えません" in proc.stderr, proc.stderr
    assert not any(out.iterdir())


@pytest.mark.parametrize(
    "org,number",
    [
        ("Kumagaya", "5"),
        ("%2e%2e", "5"),
        ("a" * 65, "5"),
        ("kumagaya", "１"),
        ("kumagaya", "²"),
        ("kumagaya", "5/../x"),
    ],
)
def test_new_refuses_a_name_that_cannot_be_a_url(tmp_path, org, number):
    (tmp_path / "content").mkdir()
    proc = piasite("new", "重点項目評価書", org, number, cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert list((tmp_path / "content").iterdir()) == []


def test_a_removed_document_with_an_unsafe_historical_name_gets_no_page(tmp_path):
    """A file committed under a hostile folder, ended and removed again (its page would be kept,
    bannered 終了): the history's name is held to the same rule."""
    r = base_repo(tmp_path / "repo")
    ended = DOC.replace("評価書番号: 5", "評価書番号: 6").replace("評価書名: ", "評価書名: 【終了】", 1)
    assert "【終了】" in ended
    r.write("content/\\evil.example/6.yaml", ended)
    r.commit("追加")
    r.git("rm", "-q", "-r", "content/\\evil.example")
    r.commit("削除")
    assessments, problems = load_content(r.root / "content")
    written: list[str] = []
    hs = generate_history(assessments, r.root, lambda rel, text: written.append(rel))
    assert written and not [w for w in written if "evil" in w], written
    assert any("\\evil.example/6.yaml" in w for w in hs.warnings), hs.warnings
