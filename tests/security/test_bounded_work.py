"""Bounded work (SECURITY.md 「限りのある仕事」): `piasite check` and `piasite import` take time linear in
their input, whatever the input is made of, and the limits a pull request can raise in mkdocs.yml have a
ceiling in code.

Each hostile family is timed at a size n and at 2n (the best of 3 runs each, garbage collection off), n
chosen by doubling until the small case takes 0.2 s or more: linear work gives a ratio near 2, quadratic
near 4; the bound is 3. Times are this process's CPU time (time.process_time; the work timed runs
in-process): a test on the other pytest-xdist worker, or any other program, taking the CPU for a while
does not count (on wall-clock time it gave ratios near 4 for linear work). The check families run with the limits raised to their ceiling (a city's
mkdocs.yml may), so a single value can be long enough to be timed. The 9,000-character katakana value of
issue 17 took 28 s before line_breaks stopped searching the text from its start for each space.
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from piasite.checks import document as validate
from piasite.cli import main
from piasite.config import limits
from piasite.config.settings import read as read_settings
from piasite.core.errors import PiasiteError
from piasite.importer import import_text
from piasite.model import reader
from tests.conftest import FIXTURES, SEEDS

BASE = (FIXTURES / "handwritten" / "higashiyama" / "5.yaml").read_text(encoding="utf-8")
SEED_HEAD = "\n".join((SEEDS / "000_2291bdb7c9ff38d3.txt").read_text(encoding="utf-8").split("\n")[:80])
MIN_SECONDS = 0.2
RATIO = 3.0
RUNS = 5  # the best of 5: at n where a run takes ~0.05 s (capped by most), 3 were not enough on a loaded machine
CEILING_CONFIG = (
    "extra:\n  piasite:\n    limits:\n"
    f"      max_file_bytes: {limits.CEILINGS['max_file_bytes']}\n"
    f"      max_value_chars: {limits.CEILINGS['max_value_chars']}\n"
)


def _best(op: Callable[[str], object], text: str) -> float:
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(RUNS):
            t0 = time.process_time()
            op(text)
            best = min(best, time.process_time() - t0)
    finally:
        gc.enable()
    return best


def assert_linear(make: Callable[[int], str], op: Callable[[str], object], n: int, most: int) -> None:
    """op(make(2n)) takes less than RATIO times op(make(n)), n the first doubling of n that takes
    MIN_SECONDS (or most)."""
    op(make(n))  # warm: forms loaded, caches filled
    while 2 * n <= most // 2 and _best(op, make(n)) < MIN_SECONDS:  # 2n stays within most
        n *= 2
    small, big = _best(op, make(n)), _best(op, make(2 * n))
    assert big / small < RATIO, f"n={n:,}: {small:.3f} s, 2n: {big:.3f} s (ratio {big / small:.2f})"


# -- check ----------------------------------------------------------------------------------------------


@pytest.fixture
def ceiling(tmp_path, monkeypatch):
    """The working folder with a mkdocs.yml that raises the limits to their ceiling."""
    (tmp_path / "mkdocs.yml").write_text(CEILING_CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert read_settings(Path("mkdocs.yml")).limits == CEILING
    return tmp_path


CEILING = limits.Limits(**limits.CEILINGS)  # what CEILING_CONFIG sets


def check(text: str, lim: limits.Limits = limits.DEFAULT_LIMITS) -> list:
    return validate.check_document(reader.parse(text, "content/higashiyama/5.yaml", lim))


def in_text(payload: Callable[[int], str]) -> Callable[[int], str]:
    """A document whose 内容 (a long text) holds the payload on one line."""
    return lambda n: BASE.replace("    内容: |\n", "    内容: |\n      文" + payload(n) + "\n", 1)


def _random(alphabet: str) -> Callable[[int], str]:
    return lambda n: "".join(random.Random(n).choices(alphabet, k=n))


KATAKANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホバビブベボパピプペポマミムメモー"
SYSTEM = "    - 名称: 課税原票管理システム{i}\n      機能: 各種課税資料をスキャンする{i}\n      他のシステムとの接続: [税務システム]\n"


def _deep(b: int) -> str:
    """A branch nested to the reader's depth limit, under an unknown key."""
    depth = limits.MAX_DEPTH - 2
    return f"深{b}:\n" + "".join(f"{'  ' * (d + 1)}段{d}:\n" for d in range(depth)) + f"{'  ' * (depth + 1)}- 値\n"


def _elements(line: Callable[[int], str], per: int) -> Callable[[int], str]:
    """n characters' worth of list elements under 他のシステムとの接続."""
    return lambda n: BASE.replace(
        "      他のシステムとの接続: [税務システム]\n",
        "      他のシステムとの接続:\n" + "".join(f"        - {line(i)}\n" for i in range(n // per)),
        1,
    )


CHECK_FAMILIES = {
    # issue 17: katakana words between spaces (each space a candidate line break)
    "katakana_and_spaces": (in_text(_random(KATAKANA + "   ")), 9_000),
    "katakana": (in_text(_random(KATAKANA)), 9_000),
    "kanji": (in_text(_random("東山市個人住民税賦課徴収事務特定")), 9_000),
    "ascii": (in_text(_random("abcdefghij XYZ 0123")), 9_000),
    "spaces": (in_text(lambda n: "あ" + " " * n + "い"), 9_000),
    "kana_and_spaces": (in_text(_random("あいうえおかきくけこ  ")), 9_000),
    "combining_marks": (in_text(lambda n: "カ\u3099ハ\u309a" * (n // 4)), 9_000),
    "spacing_marks": (in_text(_random("カハ゛゜")), 9_000),
    "fullwidth_digits": (in_text(_random("０１２３４５６７８９ 　")), 9_000),
    "hangul_runs": (in_text(lambda n: "서는 " * (n // 3)), 9_000),
    "cyrillic_lookalikes": (
        in_text(lambda n: " ".join(f"N{chr(0x430 + i % 32)}{chr(0x430 + i // 32 % 32)}" for i in range(n // 4))),
        9_000,
    ),
    "zero_width": (in_text(lambda n: "\u200b" * n), 9_000),
    "controls_everywhere": (
        lambda n: BASE.replace(
            "  システム:\n",
            "  システム:\n"
            + "".join(f"    - 名称: \"システム\\x01{i}\"\n      機能: \"機能\\u202e{i}\"\n" for i in range(n // 50)),
            1,
        ),
        9_000,
    ),
    "many_systems": (
        lambda n: BASE.replace(
            "  システム:\n", "  システム:\n" + "".join(SYSTEM.format(i=i) for i in range(n // 100)), 1
        ),
        9_000,
    ),
    "many_list_elements": (_elements(lambda i: f"税務システム{i}", 20), 9_000),
    "many_mark_variants": (
        _elements(lambda i: f"{'パ' if i % 2 else 'バ'}{chr(0x30A2 + i % 80)}{chr(0x30A2 + i // 80 % 80)}ース", 20),
        9_000,
    ),
    "many_unknown_keys": (lambda n: BASE + "".join(f"未知{i}: 値\n" for i in range(n // 10)), 9_000),
    "deep_nesting": (lambda n: BASE + "".join(_deep(b) for b in range(n // 1_000)), 9_000),
}


@pytest.mark.parametrize("family", sorted(CHECK_FAMILIES))
def test_check_is_linear(family, ceiling):
    make, n = CHECK_FAMILIES[family]
    check(make(n), CEILING)  # a well-formed document: check answers it (problems are fine, an exception is not)
    assert_linear(make, lambda text: check(text, CEILING), n, most=limits.CEILINGS["max_value_chars"] // 2)


def test_check_command_is_linear_on_a_long_katakana_value(ceiling):
    """The issue's case through the command itself (in-process): a 9,000-character katakana value and
    its doubles."""
    doc = ceiling / "content" / "higashiyama" / "5.yaml"
    doc.parent.mkdir(parents=True)
    make = CHECK_FAMILIES["katakana_and_spaces"][0]

    def command(text: str) -> None:
        doc.write_text(text, encoding="utf-8")
        res = CliRunner().invoke(main, ["check", str(doc)])
        assert res.exception is None or isinstance(res.exception, SystemExit), res.output
        assert "Traceback" not in res.output

    assert_linear(make, command, 9_000, most=limits.CEILINGS["max_value_chars"] // 2)


def test_the_issue_case_is_fast():
    """9,000 katakana characters and spaces in one value: well under a second (28.5 s before)."""
    text = CHECK_FAMILIES["katakana_and_spaces"][0](9_000)
    check(BASE)
    t0 = time.process_time()
    check(text)
    assert time.process_time() - t0 < 1.0


# -- import ---------------------------------------------------------------------------------------------


def _import(text: str) -> None:
    try:
        import_text(text)
    except PiasiteError:
        pass  # refused with a message is an answer too; only the time matters here


def after_head(payload: Callable[[int], str]) -> Callable[[int], str]:
    """The first lines of a published text (title, form: the body parser runs), then the payload."""
    return lambda n: SEED_HEAD + "\n" + payload(n) + "\n"


IMPORT_FAMILIES = {
    "long_katakana_line": after_head(_random(KATAKANA + "  ")),
    "long_katakana_run": after_head(lambda n: "ア" * n),
    "long_kanji_line": after_head(_random("東山市個人住民税賦課徴収事務")),
    "long_ascii_line": after_head(_random("abc def 012 ")),
    "long_space_line": after_head(lambda n: "あ" + " " * n + "い"),
    "combining_marks": after_head(lambda n: "カ\u3099パ゜" * (n // 4)),
    "fullwidth_digits": after_head(_random("０１２３４５６７８９／")),
    "checkbox_glyphs": after_head(lambda n: "■□☑☐ [〇] 行う [ ] 行わない " * (n // 24)),
    # ticked boxes drawn (○), so each ( ) is looked at as the box of the option after it
    "paren_boxes": after_head(lambda n: "(○) 行う ( ) 行わない " * (n // 16)),
    "wide_paren_boxes": after_head(lambda n: "（○）行う（ ）行わない" * (n // 12)),
    "html_tags": after_head(lambda n: "<ul><li>" * (n // 8)),
    "entities": after_head(lambda n: "&amp;" * (n // 5)),
    "tabs": after_head(lambda n: "\t".join("あ" for _ in range(n // 2))),
    "part_heading_then_long_text": after_head(lambda n: "Ⅰ 基本情報 " + "あいう" * (n // 3)),
    "label_then_long_value": after_head(lambda n: "③委託先名 " + "株式会社" * (n // 4)),
    "many_short_lines": after_head(lambda n: "\n".join("① 項目" for _ in range(n // 5))),
    "many_part_headings": after_head(lambda n: "\n".join("Ⅰ 基本情報" for _ in range(n // 6))),
    "many_page_counters": after_head(lambda n: "\n".join(f"東山市 {i % 99 + 1}/99" for i in range(n // 12))),
    "many_blank_lines": after_head(lambda n: "あ\n" + "\n" * n + "い"),
}


# checkbox_glyphs (a long line of boxes and choices) was quadratic, ratio ~4.9: the parser cleaned the whole
# row once per doubt, and a row has a doubt per box; cleaned once since.
KNOWN_QUADRATIC: set[str] = set()
# many_page_counters (one 東山市 N/99 line after another) was quadratic too, ratio ~3.9 at n=16,000: the
# page-furniture walk from each page break stepped over every other break up to the next line of text;
# it looks at the nearest lines of text only since. A family whose ratio is not yet known goes here.
UNSETTLED: set[str] = set()


@pytest.mark.parametrize(
    "family",
    [
        pytest.param(f, marks=pytest.mark.xfail(reason="quadratic, not fixed yet", strict=True))
        if f in KNOWN_QUADRATIC
        else pytest.param(f, marks=pytest.mark.xfail(reason="ratio 3.77 seen once; unsettled", strict=False))
        if f in UNSETTLED
        else f
        for f in sorted(IMPORT_FAMILIES)
    ],
)
def test_import_is_linear(family):
    assert_linear(IMPORT_FAMILIES[family], _import, 4_000, most=4_000_000)


# -- limits: a ceiling mkdocs.yml cannot raise ---------------------------------------------------------


def _config(tmp_path: Path, body: str) -> limits.Limits:
    (tmp_path / "mkdocs.yml").write_text("extra:\n  piasite:\n    limits:\n" + body, encoding="utf-8")
    return read_settings(tmp_path / "mkdocs.yml").limits


def test_limits_above_the_ceiling_are_an_error_and_clamped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lim = _config(tmp_path, "      max_file_bytes: 9000000000\n      max_value_chars: 99999999999\n")
    assert lim.max_file_bytes == limits.CEILINGS["max_file_bytes"]
    assert lim.max_value_chars == limits.CEILINGS["max_value_chars"]
    assert "max_file_bytes は 20,000,000 バイトまでです(9,000,000,000 になっています" in lim.problem
    assert "max_value_chars は 1,000,000 文字までです" in lim.problem


def test_limits_at_the_ceiling_are_accepted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lim = _config(tmp_path, CEILING_CONFIG.split("limits:\n", 1)[1])
    assert (lim.max_file_bytes, lim.max_value_chars, lim.problem) == (
        limits.CEILINGS["max_file_bytes"],
        limits.CEILINGS["max_value_chars"],
        "",
    )


def test_check_and_build_refuse_a_limit_above_the_ceiling(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    doc = tmp_path / "content" / "higashiyama" / "5.yaml"
    doc.parent.mkdir(parents=True)
    doc.write_text(BASE, encoding="utf-8")
    _config(tmp_path, "      max_value_chars: 10000000\n")
    for args in (["check", "content"], ["build"]):
        res = CliRunner().invoke(main, args)
        assert res.exit_code == 1, res.output
        assert "Traceback" not in res.output
        assert "max_value_chars は 1,000,000 文字までです" in res.output, res.output


def test_a_value_beyond_the_ceiling_is_refused_even_so(tmp_path, monkeypatch):
    """Clamped: a value longer than the ceiling is refused whatever mkdocs.yml says."""
    monkeypatch.chdir(tmp_path)
    lim = _config(tmp_path, "      max_value_chars: 100000000\n      max_file_bytes: 100000000\n")
    assert lim.max_value_chars == limits.CEILINGS["max_value_chars"]
    text = BASE.replace(
        "    内容: |\n", "    内容: |\n      " + "あ" * (limits.CEILINGS["max_value_chars"] + 1) + "\n", 1
    )
    with pytest.raises(reader.ReadError) as e:
        reader.parse(text, "content/higashiyama/5.yaml", lim)
    assert "1,000,000 文字まで" in e.value.message


def test_a_huge_mkdocs_yml_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: 東山市\n" + "#" * limits.MAX_CONFIG_BYTES + "\n", encoding="utf-8")
    from piasite.config import settings as engineconf

    s = engineconf.read(Path("mkdocs.yml"))
    assert s.problems and "mkdocs.yml は 1,000,000 バイトまで" in s.problems[0][1]
