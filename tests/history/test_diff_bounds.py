"""Long-text diffs are bounded (diff.MAX_PAIRS): repetitive versions of a value, which made
difflib take seconds to minutes per pair and every build re-diffs a pull request's past commits,
cost milliseconds; an ordinary edit is still shown as the passage that changed."""

from __future__ import annotations

import time

import pytest

from piasite.history.itemdiff import passages

ADVERSARIAL = [("あ" * 1000, "いあ" * 500), ("あ\n" * 600, "い\nあ\n" * 300), ("あ。" * 600, "あ。い。" * 300)]


@pytest.mark.parametrize("a, b", ADVERSARIAL, ids=["chars", "lines", "sentences"])
def test_repetitive_versions_are_diffed_quickly(a, b):
    t = time.perf_counter()
    segs = passages(a, b)
    assert time.perf_counter() - t < 0.5
    assert "".join(s for op, s in segs if op != "+") == a and "".join(s for op, s in segs if op != "-") == b


def test_an_edit_is_still_the_changed_passage():
    a = "東山市は、個人住民税の賦課に関する事務を行う。" + "前文。" * 300
    b = "東山市は、個人住民税の賦課及び収納に関する事務を行う。" + "前文。" * 300
    assert [s for op, s in passages(a, b) if op != "="] == ["及び収納"]
