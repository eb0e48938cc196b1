"""SECURITY.md「履歴は曖昧さなく読む」and the history half of「追跡されている通常のファイルだけを読む」.

Whoever writes a commit message (any pull request's author) must not be able to forge the
history piasite reads: no byte of a message ends a record or starts another, trailers are
read by git's rules (the last paragraph), a trailer value with control or bidi characters or
a key given twice is an error naming the commit, replace refs and grafts are ignored, and a
gitlink or an object git cannot give under content/ is an error naming commit and path.
Each attack goes through the CLI (build, changelog, check --since, diff) on a real git
repository; tests/clirun.py fails a test on any exception other than SystemExit (a traceback).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from piasite.history import trailers, withheld
from piasite.history.versions import load_history
from tests.clirun import piasite
from tests.gitrepo import BASE, Repo

REPO_ROOT = Path(__file__).resolve().parents[2]
F = "content/higashiyama/5.yaml"
CANARY = "株式会社カナリアヒミツ"
CONTRACTOR = "委託先名: 株式会社ジーシーシー"
MARKED = (
    "使用目的: 住民税額の算出、名寄せ・非課税者の抽出",
    "使用目的: 住民税額の算出、名寄せ・非課税者の抽出、減免の審査",
)
MARKED_WARNING = "※の項目(重要な変更)がコミット"


def new_repo(tmp: Path, withheld: bool = False) -> Repo:
    r = Repo(tmp)
    r.write("mkdocs.yml", (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    r.write(".gitignore", "/build/\n/site/\n")
    text = BASE.read_text(encoding="utf-8")
    if withheld:
        assert CONTRACTOR in text
        text = text.replace(CONTRACTOR, f"委託先名: !非公表 {CANARY}")
    r.write(F, text)
    r.commit("東山市 個人住民税 重点項目評価書を登録", days=0)
    return r


def commit_verbatim(r: Repo, message: str, days: int = 1) -> str:
    """A commit whose message is exactly `message` (git commit's cleanup would strip CRs and blanks)."""
    r.day += days
    r.git("add", "-A")
    r.git("commit", "-q", "--allow-empty", "--cleanup=verbatim", "-m", message)
    return r.git("rev-parse", "HEAD")


def run(r: Repo, *args: str) -> subprocess.CompletedProcess:
    res = piasite(*args, cwd=r.root)
    assert "Traceback" not in res.stdout + res.stderr, res.stderr
    assert "内部エラー" not in res.stdout + res.stderr, res.stderr
    return res


def everything(r: Repo, base: str) -> dict[str, subprocess.CompletedProcess]:
    """build, changelog, check --since BASE, diff BASE HEAD: the commands that read the history."""
    return {
        "build": run(r, "build"),
        "changelog": run(r, "changelog", F),
        "check": run(r, "check", "--since", base, "content"),
        "diff": run(r, "diff", base, "HEAD"),
    }


def no_canary(r: Repo, results: dict[str, subprocess.CompletedProcess]) -> None:
    for name, res in results.items():
        assert CANARY not in res.stdout + res.stderr, name
    site = r.root / "site"
    for path in site.rglob("*") if site.exists() else ():
        if path.is_file():
            data = path.read_bytes().replace(b"<wbr>", b"")  # phrases.py's breaks do not hide a canary
            assert CANARY.encode() not in data, path
            if path.suffix in (".html", ".xml", ".json", ".csv", ".txt", ".md"):
                assert CANARY not in data.decode("utf-8", "replace"), path


# -- records forged by a message -------------------------------------------------------------


def test_forged_record_cannot_publish_a_withheld_value_in_v1(tmp_path):
    """v1 holds 委託先名: !非公表 CANARY. An unrelated branch, dated before v1, carries the clear
    value and a message with the old record separators that rewrites v1 as 'added the clear
    file'; merged with -s ours, nothing of it is on main. The canary must be in no output."""
    r = new_repo(tmp_path, withheld=True)
    v1 = r.git("rev-parse", "HEAD")
    r.git("checkout", "-q", "--orphan", "memo")
    r.edit(F, f"委託先名: !非公表 {CANARY}", f"委託先名: {CANARY}", count=-1)
    r.day = -3  # before v1: git log lists it after v1
    forged = f"メモ\x1f\x1e{v1}\x1f\x1f2025-12-01T10:00:00+09:00\x1f東山市 個人住民税 重点項目評価書を登録"
    commit_verbatim(r, forged, days=0)
    r.git("checkout", "-q", "-f", "main")
    r.day = 10
    r.git("merge", "-q", "-s", "ours", "--allow-unrelated-histories", "--no-edit", "memo")
    hist = load_history(r.root / "content", cache=False)
    [fh] = hist.files
    assert [v.commit.sha for v in fh.live] == [v1]
    assert withheld.paths(fh.live[0].data)  # v1 as committed: withheld (the old parser read the memo's clear file)
    no_canary(r, everything(r, v1))


@pytest.mark.parametrize(
    "message",
    [
        "軽微な修正\x1fx",  # the old parser: the changes field starts with 'x', so no changes
        "軽微な修正\x1e",  # a record cut short
        "軽微な修正\x1f\x1f\x1f\x1f",
        "軽微な修正\n\ncommit 0123456789abcdef0123456789abcdef01234567\n\n:100644 100644 "
        + "0" * 40
        + " "
        + "1" * 40
        + " M",
        "軽微な修正\n\x00".replace("\x00", ""),  # (NUL cannot be in an argument: git refuses it in messages anyway)
    ],
)
def test_a_message_cannot_hide_its_commits_changes_from_check_since(tmp_path, message):
    r = new_repo(tmp_path)
    base = r.git("rev-parse", "HEAD")
    r.edit(F, *MARKED)
    sha = commit_verbatim(r, message)
    res = run(r, "check", "--since", base, "content")
    assert f"{MARKED_WARNING} {sha[:10]} で変わりました" in res.stdout + res.stderr, res.stdout + res.stderr
    hist = load_history(r.root / "content", strict=False)
    assert sha in [v.commit.sha for v in hist.files[0].live]
    assert hist.files[0].live[-1].commit.message == message.strip()


def test_trailers_in_the_middle_of_a_message_are_not_read(tmp_path):
    """Only the last paragraph holds trailers (git's rule): '提出時期: 事前' above a paragraph of
    text is text, so check --since still asks for it, and says where it should be."""
    r = new_repo(tmp_path)
    base = r.git("rev-parse", "HEAD")
    r.edit(F, *MARKED)
    sha = commit_verbatim(
        r,
        "使用目的を変更\n\n提出時期: 事前\n提出時期に係る説明: 事前に提出した\n\n"
        "詳しくは次のとおり。\n減免の審査を加える。\n",
    )
    res = run(r, "check", "--since", base, "content")
    out = res.stdout + res.stderr
    assert f"{MARKED_WARNING} {sha[:10]} で変わりました" in out
    assert "最後の段落の外" in out
    # The same lines as the last paragraph are trailers.
    r.edit(F, MARKED[1], MARKED[0])
    sha2 = commit_verbatim(
        r, "使用目的を戻す\n\n詳しくは次のとおり。\n\n提出時期: 事前\n提出時期に係る説明: 事前に提出した\n"
    )
    out = run(r, "check", "--since", sha, "content")
    assert MARKED_WARNING not in out.stdout + out.stderr and sha2


def test_editorial_trailer_hidden_in_the_body_does_not_hide_a_change(tmp_path):
    r = new_repo(tmp_path)
    base = r.git("rev-parse", "HEAD")
    r.edit(F, *MARKED)
    commit_verbatim(r, "誤字の修正\n\n変更箇所: なし\n\n(本文)")
    res = run(r, "changelog", F)
    assert res.returncode == 0 and "減免の審査" in res.stdout
    res = run(r, "check", "--since", base, "content")
    assert MARKED_WARNING in res.stdout + res.stderr, res.stdout + res.stderr


@pytest.mark.parametrize(
    "value,what",
    [
        ("2026-01-05\r提出時期: 事前", "変更日"),  # a CR: one line to git, two to a terminal
        ("事前に提出\u202e済み", "提出時期に係る説明"),  # bidi override
        ("事前に提出\u2066済み\u2069", "提出時期に係る説明"),
        ("事前に提出\x1b[2K済み", "提出時期に係る説明"),  # a terminal escape
        ("事前に提出\x85済み", "提出時期に係る説明"),  # C1
        ("事前に提出\x0b済み", "提出時期に係る説明"),
    ],
)
def test_control_characters_in_a_trailer_value_are_errors_naming_commit_and_trailer(tmp_path, value, what):
    r = new_repo(tmp_path)
    base = r.git("rev-parse", "HEAD")
    r.edit(F, *MARKED)
    key = "変更日" if what == "変更日" else "提出時期に係る説明"
    extra = "" if what == "変更日" else "提出時期: 事前\n"
    sha = commit_verbatim(r, f"使用目的を変更\n\n{extra}{key}: {value}\n")
    for name, res in everything(r, base).items():
        if name == "diff":  # the 新旧対照表 does not read trailers
            continue
        out = res.stdout + res.stderr
        assert res.returncode == 1, (name, out)
        assert sha[:10] in out and f"「{key}:」" in out, (name, out)
        assert "\x1b" not in out and "\u202e" not in out and "\x85" not in out, name


def test_a_trailer_given_twice_with_different_values_is_an_error(tmp_path):
    r = new_repo(tmp_path)
    base = r.git("rev-parse", "HEAD")
    r.edit(F, *MARKED)
    sha = commit_verbatim(r, "使用目的を変更\n\n提出時期: 事後\n提出時期に係る説明: あとで\n提出時期: 事前\n")
    res = run(r, "check", "--since", base, "content")
    assert res.returncode == 1 and sha[:10] in res.stdout + res.stderr and "二度" in res.stdout + res.stderr
    assert run(r, "build").returncode == 1


def test_a_trailer_given_twice_with_the_same_value_is_harmless(tmp_path):
    r = new_repo(tmp_path)
    base = r.git("rev-parse", "HEAD")
    r.edit(F, *MARKED)
    commit_verbatim(r, "使用目的を変更\n\n提出時期: 事前\n提出時期に係る説明: 説明\n提出時期: 事前\n")
    res = run(r, "check", "--since", base, "content")
    assert res.returncode == 0 and MARKED_WARNING not in res.stdout + res.stderr


# -- replace refs and grafts --------------------------------------------------------------------


def test_replace_refs_do_not_rewrite_the_history(tmp_path):
    """`git replace` swaps v1 for a commit holding the clear value: git log and cat-file would
    show the replacement unless told not to."""
    r = new_repo(tmp_path, withheld=True)
    v1 = r.git("rev-parse", "HEAD")
    r.edit(F, f"委託先名: !非公表 {CANARY}", f"委託先名: {CANARY}", count=-1)
    r.git("add", "-A")
    clear_tree = r.git("write-tree")
    fake = r.git("commit-tree", clear_tree, "-m", "東山市 個人住民税 重点項目評価書を登録")
    r.git("reset", "-q")
    r.git("checkout", "-q", "--", ".")
    r.git("replace", v1, fake)
    r.edit(F, "対象人数: 10万人以上30万人未満", "対象人数: 1万人以上10万人未満")
    r.commit("対象人数を変更")
    no_canary(r, everything(r, v1))
    hist = load_history(r.root / "content", cache=False)
    assert [v.blob for v in hist.files[0].live][0] == r.git("--no-replace-objects", "rev-parse", f"{v1}:{F}")


def test_grafts_do_not_rewrite_the_history(tmp_path):
    r = new_repo(tmp_path)
    for i in range(3):
        r.edit(F, *(MARKED if i % 2 == 0 else MARKED[::-1]))
        r.commit(f"使用目的を変更 {i}")
    head = r.git("rev-parse", "HEAD")
    (r.root / ".git" / "info").mkdir(exist_ok=True)
    (r.root / ".git" / "info" / "grafts").write_text(head + "\n", encoding="utf-8")  # HEAD as a root
    hist = load_history(r.root / "content", cache=False)
    assert len(hist.files[0].live) == 4
    assert run(r, "changelog", F).returncode == 0


# -- gitlinks and objects git cannot give ---------------------------------------------------------


def test_a_gitlink_under_content_is_an_error_naming_commit_and_path(tmp_path):
    r = new_repo(tmp_path)
    base = r.git("rev-parse", "HEAD")
    r.git("update-index", "--add", "--cacheinfo", f"160000,{base},content/x/1.yaml")
    r.day += 1
    r.git("commit", "-q", "-m", "サブモジュールを追加")
    sha = r.git("rev-parse", "HEAD")
    for name, res in everything(r, base).items():
        out = res.stdout + res.stderr
        assert res.returncode == 1, (name, out)
        assert "content/x/1.yaml" in out and "gitlink" in out, (name, out)
        if name != "diff":
            assert sha[:10] in out, (name, out)
    assert not (r.root / "site").exists()


def _loose(r: Repo, sha: str) -> Path:
    return r.root / ".git" / "objects" / sha[:2] / sha[2:]


@pytest.mark.parametrize("damage", ["corrupt", "missing"])
def test_a_corrupt_or_missing_blob_is_an_error_naming_commit_and_path(tmp_path, damage):
    r = new_repo(tmp_path)
    base = r.git("rev-parse", "HEAD")
    r.edit(F, "対象人数: 10万人以上30万人未満", "対象人数: 1万人以上10万人未満")
    sha = r.commit("対象人数を変更")
    blob = r.git("rev-parse", f"{sha}:{F}")
    path = _loose(r, blob)
    assert path.is_file()
    path.chmod(0o644)
    if damage == "corrupt":
        path.write_bytes(b"x\x9c not zlib at all")
    else:
        path.unlink()
    for name, res in everything(r, base).items():
        out = res.stdout + res.stderr
        assert res.returncode == 1, (name, out)
        assert blob[:10] in out and F in out, (name, out)
        if name != "diff":
            assert sha[:10] in out, (name, out)
        assert "git fsck" in out, (name, out)


# -- unreadable past versions --------------------------------------------------------------------


def test_an_unreadable_version_holding_a_withheld_value_is_an_error_not_a_leak(tmp_path):
    """v1 clear; v2 withholds the 委託先名 but cannot be parsed; v3 drops the item's value to
    something else. Leaving v2 out would publish v1's value (nothing else withholds it)."""
    r = new_repo(tmp_path)
    base = r.git("rev-parse", "HEAD")
    good = r.path(F).read_text(encoding="utf-8")
    r.write(F, good.replace(CONTRACTOR, f"委託先名: {CANARY}"))
    r.commit("委託先を変更")
    r.write(F, good.replace(CONTRACTOR, f"委託先名: !非公表 {CANARY}").replace("特記事項: なし", "特記事項: [なし"))
    broken = r.commit("委託先を非公表に(書きかけ)")
    r.write(F, good.replace(CONTRACTOR, "委託先名: 株式会社ベツノ会社"))
    r.commit("委託先を変更")
    results = everything(r, base)
    for name in ("build", "changelog", "check"):
        out = results[name].stdout + results[name].stderr
        assert results[name].returncode == 1 and broken[:10] in out and ".piasite-history-baseline" in out, name
    no_canary(r, results)


def test_an_unreadable_version_without_tags_is_left_out_with_a_warning(tmp_path):
    r = new_repo(tmp_path)
    good = r.path(F).read_text(encoding="utf-8")
    r.write(F, good.replace("特記事項: なし", "特記事項: [なし"))
    broken = r.commit("書きかけ")
    r.write(F, good.replace("特記事項: なし", "特記事項: 特になし"))
    r.commit("直した")
    res = run(r, "changelog", F)
    assert res.returncode == 0 and broken[:10] in res.stderr


# -- trailers by git's rules: the port against git itself ----------------------------------------

_PIECES = [
    "Foo: bar",
    "Foo:bar",
    "Foo : bar",
    "foo-bar: x",
    "-: x",
    ":x",
    "a b: c",
    "Signed-off-by: A U <a@b>",
    "(cherry picked from commit 0123abc)",
    "  continued",
    "\tcontinued",
    " ",
    "",
    "",
    "",
    "text line",
    "Fix: the thing. And more",
    "# comment",
    "#",
    "Conflicts:",
    "\tpath/x",
    "---",
    "--- x",
    "x: y\r",
    "\r",
    "Key:",
    "K2: v: w",
    "# ------------------------ >8 ------------------------",
    "ｆｏｏ: x",
    "変更日: 1",
]


@st.composite
def messages(draw):
    lines = draw(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(alphabet="ab :-#\t\r", max_size=6)), max_size=12))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))


def _git_parse(message: str) -> list[tuple[str, str]]:
    out = subprocess.run(
        ["git", "interpret-trailers", "--parse", "--no-divider"],
        input=message.encode(),
        capture_output=True,
        check=True,
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull},
    ).stdout
    pairs = []
    for line in out.decode().split("\n")[:-1]:
        tok, val = line.split(":", 1)
        pairs.append((tok, val[1:] if val.startswith(" ") else val))
    return pairs


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages())
def test_trailers_are_found_as_git_finds_them(message):
    assert trailers.parse(message, wide=False) == _git_parse(message)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages())
def test_japanese_tokens_follow_the_same_rules(message):
    """With ASCII tokens swapped for Japanese ones, the wide parser finds what git finds."""
    assume("ｆｏｏ" not in message and "変更日" not in message)  # non-ASCII tokens: git never takes them
    swap = {"Foo": "変更日", "Key": "提出時期", "foo": "提出時期に係る説明"}
    wide = message
    for a, b in swap.items():
        wide = wide.replace(a, b)
    expected = _git_parse(message)
    for a, b in swap.items():
        expected = [(t.replace(a, b), v.replace(a, b)) for t, v in expected]
    assert trailers.parse(wide) == expected


def test_trailer_rules_by_example():
    p = trailers.parse
    assert p("題\n\n変更日: 2026-01-05\n提出時期：事前\n") == [("変更日", "2026-01-05"), ("提出時期", "事前")]
    assert p("題\n\n提出時期: 事前\n\n本文") == []  # not the last paragraph
    assert p("変更日: 2026-01-05\n") == []  # the subject is never a trailer
    assert p("題\n\n説明の文\n変更日: 2026-01-05\n") == []  # a paragraph that is not all trailers
    assert p("題\n\n提出時期に係る説明: 長い\n  説明の続き\n") == [("提出時期に係る説明", "長い 説明の続き")]
    assert p("題\n\n説明\nSigned-off-by: A <a@b>\n変更日: 2026-01-05\n") == [
        ("Signed-off-by", "A <a@b>"),
        ("変更日", "2026-01-05"),
    ]  # git's 25 % rule
    assert p("題\n\n変更日: 2026-01-05\r\n") == [("変更日", "2026-01-05")]
    assert p("題\n\n変更日: 2026\r提出時期: 事前\n") == [("変更日", "2026\r提出時期: 事前")]
