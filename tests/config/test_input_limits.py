"""What `piasite check`, the reader and the build accept: bounded YAML, sizes, characters, names,
paths. (The payloads that are one file each live in tests/fixtures/hostile; these need code.)"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from piasite.checks.load import content_files
from piasite.cli import main
from piasite.config import layout
from piasite.history.content import load_content
from piasite.model.names import Names
from piasite.model.reader import ReadError, Withheld, parse
from tests.conftest import FIXTURES, ROOT

GOOD = FIXTURES / "handwritten" / "higashiyama" / "5.yaml"
HOSTILE = FIXTURES / "hostile" / "yaml"


def check(*args, cwd: Path | None = None):
    """`piasite check` in-process (from cwd: where mkdocs.yml, hence the limits, are read)."""
    old = os.getcwd()
    os.chdir(cwd or ROOT)
    try:
        res = CliRunner().invoke(main, ["check", *map(str, args)])
    finally:
        os.chdir(old)
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    assert "Traceback" not in res.output
    return res


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # 1 GiB of address space


def run_limited(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """piasite in a child with 1 GiB of memory and 30 s: a bomb that expands fails loudly."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "piasite", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=_limit_memory,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    proc.elapsed = time.perf_counter() - t0
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    return proc


# -- YAML bounded before expansion ---------------------------------------------------------


def test_one_kilobyte_bomb_is_refused_fast_and_small(tmp_path):
    bomb = (HOSTILE / "bomb_billion_laughs.yaml").read_bytes()
    assert len(bomb) <= 1024
    (tmp_path / "higashiyama").mkdir()
    (tmp_path / "higashiyama" / "1.yaml").write_bytes(bomb)
    proc = run_limited("check", "higashiyama/1.yaml", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "higashiyama/1.yaml:4: アンカー(&)とエイリアス(*)は使えません(3 行目の値を" in proc.stderr
    assert proc.elapsed < 10


@pytest.mark.parametrize("shape", ["[", "{a: "])
def test_very_deep_flow_nesting_does_not_crash_libyaml(tmp_path, shape):
    # 100,000 levels in 200-500 KB: libyaml's composer recursed until it crashed the process.
    close = "]" if shape == "[" else "}"
    (tmp_path / "1.yaml").write_text(
        "a: " + shape * 100_000 + "1" * (shape != "[") + close * 100_000 + "\n", encoding="utf-8"
    )
    proc = run_limited("check", "1.yaml", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "1.yaml:1: 入れ子が深すぎます(40 段まで)" in proc.stderr


def test_brackets_inside_text_are_not_nesting():
    doc = parse("a: '" + "[" * 500 + "'\nb: |\n  " + "{" * 500 + "\n")
    assert doc.data["a"] == "[" * 500


def test_every_alias_shape_is_refused():
    for text in (
        "a: &a 1\nb: *a\n",
        "a: &a [1]\nb: [*a]\n",
        "- &a {x: 1}\n- *a\n",
        "a: &a !非公表 x\nb: *a\n",
        "a: !非公表 &a {x: 1}\nb: *a\n",
        "a: &a x\n? *a\n: 1\n",
    ):
        with pytest.raises(ReadError, match="アンカー"):
            parse(text)
    with pytest.raises(ReadError, match="マージキー"):
        parse("a: &a {x: 1}\nb:\n  <<: *a\n")
    assert parse("a: '&a *b'\nb: \"*c\"\n").data == {"a": "&a *b", "b": "*c"}  # text is text


def test_only_withheld_and_plain_tags():
    assert parse("a: !非公表 x\nb: !!str 5\nc: !!int '7'\nd: ! y\n").data == {
        "a": Withheld("x"),
        "b": "5",
        "c": 7,
        "d": "y",
    }  # `!`: a plain string
    for tag in ("!!binary aGk=", "!!python/tuple [1]", "!!pairs [a: 1]", "!!merge x", "!!value x", "!x y"):
        with pytest.raises(ReadError, match="タグ"):
            parse(f"a: {tag}\n")


# -- sizes: defaults and mkdocs.yml ----------------------------------------------------------


def test_overlong_value_and_file_refused_by_default(tmp_path):
    doc = tmp_path / "higashiyama" / "1.yaml"
    doc.parent.mkdir()
    text = GOOD.read_text(encoding="utf-8")
    doc.write_text(text.replace("特記事項: なし", "特記事項: " + "あ" * 50_001), encoding="utf-8")
    res = check(doc, cwd=tmp_path)
    assert res.exit_code == 1
    line = text[: text.index("特記事項: なし")].count("\n") + 1
    assert f"{doc}:{line}: 値が長すぎます(50,001 文字。1 つの値は 50,000 文字まで" in res.output
    doc.write_text(text + "#" * 2_000_001, encoding="utf-8")
    res = check(doc, cwd=tmp_path)
    assert res.exit_code == 1 and f"{doc}:1: ファイルが大きすぎます" in res.output


def test_limits_configured_in_mkdocs_yml(tmp_path):
    doc = tmp_path / "content" / "higashiyama" / "1.yaml"
    doc.parent.mkdir(parents=True)
    doc.write_text(GOOD.read_text(encoding="utf-8"), encoding="utf-8")
    assert check("content", cwd=tmp_path).exit_code == 0
    (tmp_path / "mkdocs.yml").write_text(
        "extra:\n  piasite:\n    limits:\n      max_value_chars: 100\n", encoding="utf-8"
    )
    res = check("content", cwd=tmp_path)
    assert res.exit_code == 1 and "1 つの値は 100 文字まで" in res.output
    (tmp_path / "mkdocs.yml").write_text(
        "extra:\n  piasite:\n    limits:\n      max_file_bytes: 5000\n", encoding="utf-8"
    )
    res = check("content", cwd=tmp_path)
    assert res.exit_code == 1 and "1 つの評価書は 5,000 バイトまで" in res.output
    (tmp_path / "mkdocs.yml").write_text(
        "extra:\n  piasite:\n    limits:\n      max_file_bytes: many\n      max_size: 1\n", encoding="utf-8"
    )
    res = check("content", cwd=tmp_path)
    assert res.exit_code == 1
    assert "mkdocs.yml:1: mkdocs.yml の extra.piasite.limits: max_file_bytes は正の整数で書いてください" in res.output
    assert "「max_size」という設定はありません" in res.output


def test_the_real_content_is_within_the_default_limits():
    assert check(ROOT / "content").exit_code == 0


# -- characters and names ---------------------------------------------------------------------


def test_one_company_one_key_whatever_the_invisible_characters():
    names = Names()
    plain = names.key("株式会社ジーシーシー")
    for spelling in (
        "株式会社ジー\u200bシーシー",
        "株式会社\ufeffジーシーシー",
        "株式会社\u2060ジーシー\u200dシー",
        "株式会社ジーシーシー\u200e",
        "\u2066株式会社ジーシーシー\u2069",
    ):
        assert names.key(spelling) == plain, spelling
    assert names.key("NEC株式会社") == names.key("NЕС株式会社") == names.key("ΝEC株式会社")  # Cyrillic, Greek
    assert names.key("α版株式会社") != names.key("a版株式会社")  # a Greek word is not a look-alike


def test_lookalike_warning_names_both_spellings(tmp_path):
    path = tmp_path / "higashiyama" / "1.yaml"
    path.parent.mkdir()
    text = GOOD.read_text(encoding="utf-8")
    path.write_text(text.replace("委託先名: 株式会社ジーシーシー", "委託先名: 株式会社ЈСС"), encoding="utf-8")
    res = check(path, cwd=tmp_path)
    assert res.exit_code == 0, res.output
    line = text[: text.index("委託先名: 株式会社ジーシーシー")].count("\n") + 1
    assert (
        f"{path}:{line}: 警告: Ⅱ(1) 4. 委託事項2 ③委託先名: 「ЈСС」にラテン文字に似たキリル文字・ギリシャ文字などが"
        "混じっています。ラテン文字なら「JCC」です"
    ) in res.output


# -- paths: folders, symbolic links, reserved names, aliases.yaml -----------------------------


def content_with(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    (content / "higashiyama").mkdir(parents=True)
    (content / "higashiyama" / "1.yaml").write_text(GOOD.read_text(encoding="utf-8"), encoding="utf-8")
    return content


def test_folder_named_yaml(tmp_path):
    content = content_with(tmp_path)
    (content / "higashiyama" / "x.yaml").mkdir()
    res = check(content)
    assert res.exit_code == 1
    assert f"{content}/higashiyama/x.yaml:1: フォルダ「x.yaml」は評価書にできません" in res.output
    _, problems = load_content(content)  # the build refuses it too
    assert any("フォルダ「x.yaml」" in p.message for p in problems)


def test_symlinks_out_of_the_content_are_refused(tmp_path):
    content = content_with(tmp_path)
    secret = tmp_path / "outside"
    secret.mkdir()
    (secret / "2.yaml").write_text(GOOD.read_text(encoding="utf-8"), encoding="utf-8")
    (content / "higashiyama" / "2.yaml").symlink_to(secret / "2.yaml")
    (content / "nishiyama").symlink_to(secret, target_is_directory=True)
    (content / "higashiyama" / "3.yaml").symlink_to(tmp_path / "missing.yaml")
    res = check(content)
    assert res.exit_code == 1
    for rel in ("higashiyama/2.yaml", "nishiyama", "higashiyama/3.yaml"):
        assert f"{content}/{rel}:1: シンボリックリンクは使えません" in res.output, rel
    assessments, problems = load_content(content)
    assert [a.rel_path for a in assessments] == ["content/higashiyama/1.yaml"]
    assert sum("シンボリックリンク" in p.message for p in problems) == 3


@pytest.mark.parametrize("name", sorted(layout.RESERVED - {"index.md"}) + ["pagefind-part2", "Feeds"])
def test_reserved_organisation_folders(tmp_path, name):
    content = content_with(tmp_path)
    (content / name).mkdir()
    (content / name / "1.yaml").write_text(GOOD.read_text(encoding="utf-8"), encoding="utf-8")
    res = check(content)
    assert res.exit_code == 1
    assert f"{content}/{name}/1.yaml:1: 評価実施機関のフォルダ名「{name}」は使えません" in res.output


def test_reserved_names_cover_what_the_generator_writes():
    for _, path in layout.NAV:
        assert layout.reserved(path.split("/")[0]) or "/" not in path
    for name in ("changes", "api", "search", "assets", "indexes", "feeds", "pagefind"):
        assert layout.reserved(name)
    assert not layout.reserved("higashiyama")


def test_aliases_file_is_checked_with_lines(tmp_path):
    content = content_with(tmp_path)
    aliases = content / "aliases.yaml"
    aliases.write_text("同じもの:\n  - [株式会社ジーシーシー, 株式会社GCC]\n別のもの:\n  - {a: 1}\n", encoding="utf-8")
    res = check(content)
    assert res.exit_code == 1
    assert f"{aliases}:3: 「別のもの」には名前を 1 行に 1 つ並べてください" in res.output
    aliases.write_text("同じもの:\n  - [株式会社ジーシーシー, \"株式会社\\u202eGCC\"]\n", encoding="utf-8")
    res = check(content)
    assert res.exit_code == 1 and f"{aliases}:2: " in res.output and "U+202E" in res.output
    aliases.write_text("同じもの: &a\n  - [a, b]\n別のもの: *a\n", encoding="utf-8")
    res = check(content)
    assert res.exit_code == 1 and f"{aliases}:3: アンカー" in res.output
    aliases.write_text("同じもの:\n  - [株式会社ジーシーシー, 株式会社GCC]\n", encoding="utf-8")
    assert check(content).exit_code == 0
    assert aliases in content_files(content, aliases=True) and aliases not in content_files(content)


def test_messages_never_carry_raw_control_characters(tmp_path):
    # a value quoted in a message must not drive the CI log's terminal or reorder its line
    path = tmp_path / "higashiyama" / "1.yaml"
    path.parent.mkdir()
    text = GOOD.read_text(encoding="utf-8")
    path.write_text(
        text.replace("対象人数: 10万人以上30万人未満", '対象人数: "10万人\\x1b[2J\\u202e\\ud800"').replace(
            "特記事項: なし", '"特記\\x07事項": なし'
        ),
        encoding="utf-8",
    )
    res = check(path, cwd=tmp_path)
    assert res.exit_code == 1
    assert "「10万人<U+001B>[2J<U+202E><U+D800>」は選択肢にありません" in res.output
    assert "特記<U+0007>事項" in res.output
    assert not any(c in res.output for c in "\x1b\x07\u202e\ud800")


def test_an_alias_is_told_at_its_own_line(tmp_path):
    (tmp_path / "higashiyama").mkdir()
    (tmp_path / "higashiyama" / "1.yaml").write_text(
        "様式: 重点項目評価書\n評価書名: &n 東山市の評価書\n評価書番号: 1\n評価実施機関名: *n\n", encoding="utf-8"
    )
    proc = run_limited("check", "higashiyama/1.yaml", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "higashiyama/1.yaml:4: アンカー(&)とエイリアス(*)は使えません(2 行目の値を" in proc.stderr, proc.stderr
