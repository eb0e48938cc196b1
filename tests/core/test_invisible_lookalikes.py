"""Invisible characters and look-alike letters beyond the first ones found (textcheck.py): each is
told by `piasite check` and folded out of the index key, so one company stays one index entry."""

from __future__ import annotations

import pytest

from piasite.core import textcheck
from piasite.model.names import Names

BASE = "株式会社ABCシステム"
INVISIBLE = {
    "invisible operators": "株式会社A\u2061B\u2062C\u2063\u2064システム",
    "mongolian vowel separator": "株式会社ABC\u180eシステム",
    "hangul filler": "株式会社ABC\u3164システム",
    "hangul choseong filler": "株式会社ABC\u115fシステム",
    "hangul jungseong filler": "株式会社ABC\u1160システム",
    "halfwidth hangul filler": "株式会社ABC\uffa0システム",
    "variation selector 16": "株式会社ABC\ufe0fシステム",
    "variation selector 1": "株式会社A\ufe00BCシステム",
    "tag characters": "株式会社ABC\U000e0041\U000e007fシステム",
    "soft hyphen": "株式会社AB\u00adCシステム",
    "combining grapheme joiner": "株式会社AB\u034fCシステム",
    "khmer inherent vowel": "株式会社ABC\u17b4システム",
    "interlinear annotation": "株式会社ABC\ufff9システム",
    "musical format": "株式会社ABC\U0001d173システム",
    "deprecated format": "株式会社ABC\u206aシステム",
    "shorthand format": "株式会社ABC\U0001bca0システム",
    "mongolian fvs": "株式会社ABC\u180bシステム",
}
LOOKALIKE = {
    "cherokee": "株式会社ᎪᏴᏟシステム",
    "lisu": "株式会社ꓮꓐꓚシステム",
    "coptic": "株式会社ABⲤシステム",
    "small capitals": "株式会社ᴀʙᴄシステム",
    "mixed": "株式会社AᏴꓚシステム",
}


@pytest.mark.parametrize("name", sorted(INVISIBLE))
def test_invisible_is_warned_and_folded(name):
    text = INVISIBLE[name]
    assert [s for s, _ in textcheck.problems(text)] == ["warning"], name
    assert Names().key(text) == Names().key(BASE)


@pytest.mark.parametrize("name", sorted(LOOKALIKE))
def test_lookalike_is_warned_and_folded(name):
    text = LOOKALIKE[name]
    assert textcheck.lookalikes(text), name
    assert Names().key(text) == Names().key(BASE)


def test_an_ivs_after_a_kanji_is_no_problem_but_one_entry():
    ivs = "葛\U000e0100飾区"
    assert textcheck.problems(ivs) == []
    assert Names().key(ivs) == Names().key("葛飾区")
