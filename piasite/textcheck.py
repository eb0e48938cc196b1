"""Characters a text must not carry, and letters that only look Latin.

- Control characters (C0 but tab and newline, DEL, C1), lone surrogates and the
  non-characters U+FFFE/U+FFFF: errors. They are invisible, break XML (Atom feeds)
  and CSV, and no published assessment has them.
- Bidi controls (U+202A–202E, U+2066–2069, U+200E/200F, U+061C): errors. They make
  a text display differently from what it is.
- Zero-width characters (U+200B–200D, U+2060, U+FEFF): warnings; names are indexed
  without them (names.py), so one company stays one index entry.
- Cyrillic or Greek letters that look Latin, mixed into a Latin word or standing
  for one ('НЕС' for 'NEC'): warnings naming both spellings; indexes read them as
  the Latin letters.

Messages name code points and positions, never the text: it may be 非公表.
"""
from __future__ import annotations

import re
import unicodedata

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
INVISIBLE = re.compile(BIDI.pattern[:-1] + ZERO_WIDTH.pattern[1:])

# Cyrillic and Greek letters with a Latin twin in common fonts.
_TWINS = {
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "Х": "X", "У": "Y", "Ѕ": "S", "І": "I", "Ј": "J", "Ԛ": "Q", "Ԝ": "W",
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j",
    "ԁ": "d", "һ": "h", "ԛ": "q", "ԝ": "w",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ν": "v",
}
# A word: a run of letters of the Latin, Greek and Cyrillic scripts (after NFKC, so full-width
# Latin letters are Latin).
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u052f]+")
_FOREIGN = re.compile(r"[\u0370-\u03ff\u0400-\u052f]")


def _describe(cp: str) -> str:
    return f"U+{ord(cp):04X}"


def problems(text: str) -> list[tuple[str, str]]:
    """[(severity, message)] for one text ("error" | "warning")."""
    out = []
    for pattern, severity, what, advice in (
            (CONTROL, "error", "制御文字", "削除してください(見えない文字で、フィードや CSV を壊します)"),
            (BIDI, "error", "書字方向の制御文字", "削除してください(表示と中身が食い違います)"),
            (ZERO_WIDTH, "warning", "幅のない文字", "削除してください(索引では取り除いて扱います)")):
        found = list(pattern.finditer(text))
        if found:
            where = "、".join(f"{m.start() + 1} 文字目に {_describe(m[0])}" for m in found[:3])
            more = f" ほか {len(found) - 3} か所" if len(found) > 3 else ""
            out.append((severity, f"{what}が含まれています({where}{more})。{advice}"))
    return out


def lookalikes(text: str) -> list[tuple[str, str]]:
    """[(word as written, word in Latin letters)] for words mixing Latin with Cyrillic/Greek
    look-alikes, or made only of look-alikes (two letters or more)."""
    out = []
    for m in _WORD.finditer(unicodedata.normalize("NFKC", INVISIBLE.sub("", text))):
        word = m[0]
        foreign = _FOREIGN.findall(word)
        if not foreign or not all(c in _TWINS for c in foreign):
            continue
        latin_too = len(foreign) < len(word)
        if latin_too or len(word) >= 2:
            out.append((word, "".join(_TWINS.get(c, c) for c in word)))
    return out


def latinise(text: str) -> str:
    """The text with look-alike words in Latin letters (the index key of a name)."""
    for word, latin in lookalikes(text):
        text = text.replace(word, latin)
    return text


def strip_invisible(text: str) -> str:
    return INVISIBLE.sub("", text)
