"""SECURITY.md「非公表はいつまでも非公表」: a value withheld in any version is in no output, as any version.

One repository, canaries (unique strings) in four field kinds and three timings:
  c1  委託先名 (委託先) withheld ................ A   (v1 only: the tag removed in c2, the value kept)
      提供先の名称 public ...................... B   (withheld in c2 only: the middle)
      事務の内容 (free text) public, a line ..... C   (withheld in c2 only: the middle)
      他のシステムとの接続 (a list element) ..... D1  withheld
  c2  A untagged; B and C withheld
  c3  B and C replaced by public values; D1 replaced by D2, untagged (tag removed, value changed)
  merge of a branch whose first commit withholds 所属長の役職名 E and whose second removes the tag
        (the first-parent chain never sees the tag)
No canary may show in any file of the built site (Pagefind's gzipped parts decompressed, the
pre-index pages of build/docs too), nor in what diff A C (md, json, --comment), changelog or
check --since print. Aliases may not join 非公表 or a withheld name to another name.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tests.clirun import piasite
from tests.gitrepo import base_repo

REPO_ROOT = Path(__file__).resolve().parents[2]
F = "content/higashiyama/5.yaml"
A, B, C = "株式会社カナリア委託甲", "カナリア提供機関乙", "カナリア自由記述丙の事務"
D1, D2, E = "カナリア接続丁一", "カナリア接続丁二", "カナリア役職戊"
CANARIES = [A, B, C, D1, D2, E]


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    r = base_repo(tmp_path_factory.mktemp("forever"))
    r.write("mkdocs.yml", (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    r.write(".gitignore", "/build/\n/site/\n/site.*/\n/.cache/\n")
    r.commit("設定", days=0)
    r.shas = {"c0": r.git("rev-parse", "HEAD")}
    r.edit(F, "委託先名: 株式会社KSKテクノサポート", f"委託先名: !非公表 {A}")
    r.edit(F, "- 名称: 添付資料(Ⅱ. ①提供先一覧)を参照", f"- 名称: {B}")
    r.edit(F, "      - 個人住民税の収納に関する事務\n", f"      - 個人住民税の収納に関する事務\n      - {C}\n")
    r.edit(F, "        - その他: 課税原票管理システム、サービス検索・電子申請機能", f"        - その他: !非公表 {D1}")
    r.shas["c1"] = r.commit("c1\n\n変更日: 2025-12-10")
    r.edit(F, f"委託先名: !非公表 {A}", f"委託先名: {A}")
    r.edit(F, f"- 名称: {B}", f"- 名称: !非公表 {B}")
    r.edit(F, "    内容: |\n", "    内容: !非公表 |\n")
    r.shas["c2"] = r.commit("c2\n\n変更日: 2025-12-20")
    r.edit(F, f"- 名称: !非公表 {B}", "- 名称: ふつうの提供機関")
    r.edit(F, "    内容: !非公表 |\n", "    内容: |\n")
    r.edit(F, f"      - {C}\n", "")
    r.edit(F, f"        - その他: !非公表 {D1}", f"        - その他: {D2}")
    r.shas["c3"] = r.commit("c3\n\n変更日: 2026-01-10")
    r.git("checkout", "-q", "-b", "branch")
    r.edit(F, "所属長の役職名: 課長", f"所属長の役職名: !非公表 {E}")
    r.commit("branch 1\n\n変更日: 2026-01-20")
    r.edit(F, f"所属長の役職名: !非公表 {E}", f"所属長の役職名: {E}")
    r.commit("branch 2\n\n変更日: 2026-01-21")
    r.git("checkout", "-q", "main")
    r.git("merge", "-q", "--no-ff", "-m", "merge\n\n変更日: 2026-01-22", "branch")
    r.shas["head"] = r.git("rev-parse", "HEAD")
    return r


def _leaks(data: bytes) -> list[str]:
    data = data.replace(b"<wbr>", b"")  # a text broken by phrase (site/phrases.py) is the text still
    return [s for s in CANARIES if s.encode() in data]


def _run(repo, *args, ok: bool = True):
    proc = piasite(*args, cwd=repo.root)
    if ok:
        assert proc.returncode == 0, (args, proc.stdout, proc.stderr)
    return proc


def _tree_leaks(top: Path) -> list[tuple[str, list[str]]]:
    out = []
    for path in sorted(top.rglob("*")):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":  # Pagefind's index, fragments and filters
            raw = gzip.decompress(raw)
        if _leaks(raw):
            out.append((str(path.relative_to(top)), _leaks(raw)))
    return out


@pytest.fixture(scope="module")
def built(repo):
    proc = _run(repo, "build")
    return repo.root / "site", proc


def test_built_site_shows_no_canary(repo, built):
    site, proc = built
    assert (site / "higashiyama/5/v/1/index.html").exists()
    assert (site / "api").is_dir() and list(site.rglob("*.csv")) and list(site.rglob("*.xml"))
    assert _tree_leaks(site) == []
    assert _tree_leaks(repo.root / "build" / "docs") == []  # the pages before the search index
    assert not _leaks((proc.stdout + proc.stderr).encode())


def test_build_says_which_tags_were_removed(repo, built):
    _, proc = built
    assert "以前の版で非公表" in proc.stderr and F in proc.stderr and "委託先名" in proc.stderr
    page = (built[0] / "higashiyama/5/index.html").read_text(encoding="utf-8")
    assert "非公表" in page


@pytest.mark.parametrize("fmt", ["md", "json"])
@pytest.mark.parametrize("pair", [("c0", "c3"), ("c1", "c3"), ("c0", "head"), ("c1", "head"), ("c0", "c1")])
def test_diff_between_any_two_commits_shows_no_canary(repo, fmt, pair):
    a, c = (repo.shas[p] for p in pair)
    proc = _run(repo, "diff", a, c, "--format", fmt)
    assert not _leaks((proc.stdout + proc.stderr).encode()), pair
    if fmt == "json":
        json.loads(proc.stdout)


def test_diff_reports_a_masked_change_as_a_change(repo):
    out = _run(repo, "diff", repo.shas["c1"], repo.shas["c3"]).stdout
    assert "非公表(内容を変更)" in out or "| 非公表 |" in out


def test_pr_comment_shows_no_canary_and_warns(repo):
    for base in ("c0", "c1", "c2"):
        proc = _run(repo, "diff", "--comment", repo.shas[base], "HEAD")
        assert not _leaks((proc.stdout + proc.stderr).encode()), base
    assert "以前の版で非公表" in _run(repo, "diff", "--comment", repo.shas["c0"], "HEAD").stdout


def test_diff_of_the_working_tree_shows_no_canary(repo):
    repo.edit(F, "対象人数: 10万人以上30万人未満", "対象人数: 1万人以上10万人未満")
    try:
        for args in (("diff", repo.shas["c1"]), ("diff", "--comment", repo.shas["c0"])):
            proc = _run(repo, *args)
            assert not _leaks((proc.stdout + proc.stderr).encode()), args
    finally:
        repo.git("checkout", "--", F)


@pytest.mark.parametrize("fmt", ["md", "json", "csv"])
def test_changelog_shows_no_canary(repo, fmt):
    proc = _run(repo, "changelog", F, "--format", fmt)
    assert not _leaks((proc.stdout + proc.stderr).encode())


def test_check_since_shows_no_canary_and_warns(repo):
    proc = _run(repo, "check", "--since", repo.shas["c0"], ok=False)
    assert proc.returncode == 0, proc.stderr
    assert not _leaks((proc.stdout + proc.stderr).encode())
    assert "以前の版で非公表(!非公表)だった項目に印がありません" in proc.stderr
    assert f"{F}:" in proc.stderr.replace("\\", "/")


def test_export_shows_no_canary(repo):
    proc = _run(repo, "export", F)
    assert not _leaks((proc.stdout + proc.stderr).encode())


# -- aliases -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "group",
    [
        ["株式会社ジーシーシー", "非公表"],
        ["非公表", "株式会社ジーシーシー"],
        ["株式会社ジーシーシー", A],
        [E, "株式会社ジーシーシー"],
    ],
)
def test_alias_may_not_join_withheld_to_a_name(repo, group):
    aliases = repo.path("content/aliases.yaml")
    aliases.write_text("同じもの:\n  - [" + ", ".join(group) + "]\n", encoding="utf-8")
    try:
        check = _run(repo, "check", ok=False)
        assert check.returncode == 1 and "aliases.yaml:" in check.stderr, check.stderr
        assert "結べません" in check.stderr and not _leaks(check.stderr.encode())
        build = _run(repo, "build", "--out", "site-alias", ok=False)
        assert build.returncode == 1 and "aliases.yaml" in build.stderr and not _leaks(build.stderr.encode())
    finally:
        aliases.unlink()


def test_alias_of_public_names_still_works(repo):
    aliases = repo.path("content/aliases.yaml")
    aliases.write_text("同じもの:\n  - [株式会社ジーシーシー, 株式会社GCC]\n", encoding="utf-8")
    try:
        assert _run(repo, "check", ok=False).returncode == 0
    finally:
        aliases.unlink()


# -- withdrawing a withholding on purpose ------------------------------------------------------


def test_release_file_publishes_the_current_value_only(tmp_path):
    r = base_repo(tmp_path / "release")
    r.write("mkdocs.yml", (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    secret, later = "株式会社ヒミツの過去", "株式会社イマは公開"
    r.edit(F, "委託先名: 株式会社KSKテクノサポート", f"委託先名: !非公表 {secret}")
    r.commit("withhold")
    r.edit(F, f"委託先名: !非公表 {secret}", f"委託先名: {later}")
    r.commit("publish")
    warned = piasite("check", F, cwd=r.root)
    assert "以前の版で非公表" in warned.stderr and ".piasite-withheld-release" in warned.stderr
    line = next(l for l in warned.stderr.splitlines() if "委託先名" in l).split("「")[-1].split("」")[0]
    assert line == f"{F} 特定個人情報ファイル/委託/委託事項/委託先名"
    r.write(".piasite-withheld-release", f"# 委託先名は公開してよいと決めた(2026-01-10 課長決裁)\n{line}\n")
    r.commit("release")
    after = piasite("check", F, cwd=r.root)
    assert "以前の版で非公表" not in after.stderr
    from piasite.history import withheld
    from piasite.model.reader import read

    withheld._MEMO.clear()
    led = withheld.for_content(r.root / "content")[0]
    data, masked = led.mask_current(F, read(r.path(F)).data)
    assert masked == [] and later in json.dumps(data, ensure_ascii=False, default=str)
    out = piasite("diff", "HEAD~2", "HEAD", cwd=r.root).stdout
    assert secret not in out  # the version that withheld it stays withheld


def test_release_file_with_a_wrong_line_is_an_error(tmp_path):
    r = base_repo(tmp_path / "bad")
    r.write(".piasite-withheld-release", "content/higashiyama/5.yaml\n")
    r.commit("bad release")
    proc = piasite("check", F, cwd=r.root)
    assert proc.returncode == 1 and ".piasite-withheld-release:1:" in proc.stderr


def test_check_never_quotes_a_value_an_earlier_version_withheld(tmp_path):
    """A message about an untagged value of an item withheld before says (非公表の値), not the value."""
    r = base_repo(tmp_path / "quote")
    canary = "カナリア選択肢己"
    r.edit(F, "    対象人数: 10万人以上30万人未満", "    対象人数: !非公表 10万人以上30万人未満")
    r.commit("withhold")
    r.edit(F, "    対象人数: !非公表 10万人以上30万人未満", f"    対象人数: {canary}")
    proc = piasite("check", F, cwd=r.root)
    assert proc.returncode == 1 and "(非公表の値)" in proc.stderr, proc.stderr
    assert canary not in proc.stdout + proc.stderr
