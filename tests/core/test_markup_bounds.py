"""Rendering a long text is bounded (markup.py): values within the size limit that made
Python-Markdown take seconds to minutes (nested brackets, thousands of blocks) render in well
under a second, and keep every character; ordinary values keep their links and lists."""

from __future__ import annotations

import html
import re
import time

import pytest

from piasite.core.markup import to_html

BOMBS = {"brackets": "[" * 7000 + "x" + "](a)" * 3000, "setext": "a\n==\n" * 4000, "rules": "---\n" * 6000}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_long_markdown_renders_quickly_and_keeps_its_text(name):
    text = BOMBS[name]
    t = time.perf_counter()
    out = to_html(text)
    assert time.perf_counter() - t < 1.0, name
    shown = html.unescape(re.sub(r"<[^>]+>", "", out)).replace("\\", "")
    assert re.sub(r"\s", "", shown) == re.sub(r"\s", "", text), name
    assert "<script" not in out


def test_ordinary_values_keep_their_markdown():
    out = to_html("次のとおり。\n\n- [東山市](https://www.example.jp/)\n- 西川市")
    assert '<a href="https://www.example.jp/" rel="noopener noreferrer">東山市</a>' in out and "<li>" in out
