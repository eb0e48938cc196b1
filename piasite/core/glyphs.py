"""Characters a PDF's text gives for another character it draws.

A font that shares one glyph between a kanji and the radical it looks like (Noto CJK, MS 明朝, …) lets
the PDF maker write the radical's code point into the text layer: Chrome, Word and LibreOffice do it
for 人 (⼈ U+2F08), 民 (⺠ U+2EA0), 長 (⻑ U+2ED1), 日, 月, 行, 用, 目 and hundreds more. The page shows
人; the copied text holds a character no search, index or comparison takes for 人. Unicode says which
kanji each radical stands for (radicals.py, generated from the Character Database); that is the
only mapping applied, with one Japanese exception and one punctuation mark: a Japanese font draws the
radical ⼾ U+2F3E as 戸 and gives it for 戸 (Unicode's equivalent is the traditional 戶; every other
radical a Japanese font gives is one whose Unicode equivalent is the Japanese form — ⻘ 青, ⻩ 黄,
⻭ 歯, ⻲ 亀 — as Chromium with Noto Sans CJK JP shows), and ‧ U+2027, the hyphenation point, which
the same fonts give for the katakana middle dot ・. Text written in a Japanese assessment never holds
any of them on purpose. The import report says how many characters were changed.
"""

from __future__ import annotations

import re

from piasite.core.radicals import RADICALS

_TABLE: dict[int, int] = {**RADICALS, 0x2F3E: 0x6238, 0x2027: 0x30FB}
_FIND = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_TABLE)) + "]")


def unify(text: str) -> tuple[str, int]:
    """The text with each radical (and ‧) as the character it stands for, and how many were changed."""
    n = len(_FIND.findall(text))
    return (text.translate(_TABLE), n) if n else (text, 0)


def first(text: str) -> tuple[str, str] | None:
    """(the first such character, the character it stands for), or None."""
    m = _FIND.search(text)
    return (m.group(), chr(_TABLE[ord(m.group())])) if m else None
