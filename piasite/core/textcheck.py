"""Characters a text must not carry, and letters that only look Latin.

- Control characters (C0 but tab and newline, DEL, C1), lone surrogates and the
  non-characters U+FFFE/U+FFFF: errors. They are invisible, break XML (Atom feeds)
  and CSV, and no published assessment has them.
- Bidi controls (U+202A–202E, U+2066–2069, U+200E/200F, U+061C): errors. They make
  a text display differently from what it is.
- Invisible characters (zero-width U+200B–200D, U+2060–2064, U+FEFF; every other format
  character: soft hyphen, U+180E, U+206A–206F, U+FFF9–FFFB, shorthand and musical format
  controls, the tag characters U+E0000–E007F; the Hangul fillers U+115F, U+1160, U+3164,
  U+FFA0; U+034F, U+17B4/17B5, Mongolian variation selectors; variation selectors except
  after a kanji, where an IVS picks its glyph): warnings; names are indexed without them
  (names.py, variation selectors after a kanji included), so one company stays one entry.
- Letters that look Latin from other scripts (Cyrillic, Greek, Coptic, Cherokee, Lisu) or
  from Latin's own small capitals and IPA letters, mixed into a Latin word or standing for
  one ('НЕС' for 'NEC', 'ᎪᏴᏟ' for 'ABC'): warnings naming both spellings; indexes read
  them as the Latin letters.

Messages name code points and positions, never the text: it may be 非公表.
"""

from __future__ import annotations

import re
import unicodedata

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_KANJI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_VS = "\ufe00-\ufe0f\U000e0100-\U000e01ef"
_HIDDEN = (
    "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200d\u2060-\u2064\u206a-\u206f"
    "\u3164\ufeff\uffa0\ufff9-\ufffb\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f"
)
ZERO_WIDTH = re.compile(
    f"[{_HIDDEN}]|(?<![{_KANJI}{_VS}])[{_VS}]"
)  # told: a variation selector after a kanji is an IVS
INVISIBLE = re.compile(f"[{BIDI.pattern[1:-1]}{_HIDDEN}{_VS}]")  # left out of index keys

# Cyrillic and Greek letters with a Latin twin in common fonts.
_TWINS = {
    "А": "A",
    "В": "B",
    "Е": "E",
    "К": "K",
    "М": "M",
    "Н": "H",
    "О": "O",
    "Р": "P",
    "С": "C",
    "Т": "T",
    "Х": "X",
    "У": "Y",
    "Ѕ": "S",
    "І": "I",
    "Ј": "J",
    "Ԛ": "Q",
    "Ԝ": "W",
    "а": "a",
    "е": "e",
    "о": "o",
    "р": "p",
    "с": "c",
    "у": "y",
    "х": "x",
    "ѕ": "s",
    "і": "i",
    "ј": "j",
    "ԁ": "d",
    "һ": "h",
    "ԛ": "q",
    "ԝ": "w",
    "Α": "A",
    "Β": "B",
    "Ε": "E",
    "Ζ": "Z",
    "Η": "H",
    "Ι": "I",
    "Κ": "K",
    "Μ": "M",
    "Ν": "N",
    "Ο": "O",
    "Ρ": "P",
    "Τ": "T",
    "Υ": "Y",
    "Χ": "X",
    "ο": "o",
    "ν": "v",
    "Ϲ": "C",
    "ϲ": "c",
    "ϳ": "j",
    "Ϝ": "F",
    # Coptic
    "Ⲁ": "A",
    "Ⲃ": "B",
    "Ⲥ": "C",
    "Ⲉ": "E",
    "Ⲏ": "H",
    "Ⲓ": "I",
    "Ⲕ": "K",
    "Ⲙ": "M",
    "Ⲛ": "N",
    "Ⲟ": "O",
    "Ⲣ": "P",
    "Ⲧ": "T",
    "Ⲩ": "Y",
    "Ⲭ": "X",
    "ⲟ": "o",
    "ⲣ": "p",
    "ⲥ": "c",
    # Cherokee
    "Ꭺ": "A",
    "Ᏼ": "B",
    "Ꮯ": "C",
    "Ꭰ": "D",
    "Ꭼ": "E",
    "Ꮐ": "G",
    "Ꮋ": "H",
    "Ꭵ": "i",
    "Ꭻ": "J",
    "Ꮶ": "K",
    "Ꮮ": "L",
    "Ꮇ": "M",
    "Ꮲ": "P",
    "Ꮪ": "S",
    "Ꭲ": "T",
    "Ꮩ": "V",
    "Ꮃ": "W",
    "Ꮓ": "Z",
    # Lisu
    "ꓮ": "A",
    "ꓐ": "B",
    "ꓚ": "C",
    "ꓓ": "D",
    "ꓰ": "E",
    "ꓝ": "F",
    "ꓖ": "G",
    "ꓧ": "H",
    "ꓲ": "I",
    "ꓙ": "J",
    "ꓗ": "K",
    "ꓡ": "L",
    "ꓟ": "M",
    "ꓠ": "N",
    "ꓳ": "O",
    "ꓑ": "P",
    "ꓣ": "R",
    "ꓢ": "S",
    "ꓔ": "T",
    "ꓴ": "U",
    "ꓦ": "V",
    "ꓪ": "W",
    "ꓫ": "X",
    "ꓬ": "Y",
    "ꓜ": "Z",
    # Latin small capitals and IPA letters that stand for capitals in a name
    "ᴀ": "A",
    "ʙ": "B",
    "ᴄ": "C",
    "ᴅ": "D",
    "ᴇ": "E",
    "ɢ": "G",
    "ʜ": "H",
    "ɪ": "I",
    "ᴊ": "J",
    "ᴋ": "K",
    "ʟ": "L",
    "ᴍ": "M",
    "ɴ": "N",
    "ᴏ": "O",
    "ᴘ": "P",
    "ʀ": "R",
    "ꜱ": "S",
    "ᴛ": "T",
    "ᴜ": "U",
    "ᴠ": "V",
    "ᴡ": "W",
    "ʏ": "Y",
    "ᴢ": "Z",
    "ı": "i",
    "ǀ": "l",
}
# A word: a run of letters of the Latin, Greek and Cyrillic scripts (after NFKC, so full-width
# Latin letters are Latin).
_LOOKALIKE_SCRIPTS = r"\u0131\u01c0\u0250-\u02af\u0370-\u03ff\u0400-\u052f\u13a0-\u13ff\u1d00-\u1d7f\u2c80-\u2cff\ua4d0-\ua4ff\ua720-\ua7ff"
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f" + _LOOKALIKE_SCRIPTS + "]+")
_FOREIGN = re.compile("[" + _LOOKALIKE_SCRIPTS + "]")


def _describe(cp: str) -> str:
    return f"U+{ord(cp):04X}"


def problems(text: str) -> list[tuple[str, str]]:
    """[(severity, message)] for one text ("error" | "warning")."""
    out = []
    for pattern, severity, what, advice in (
        (CONTROL, "error", "制御文字", "削除してください(見えない文字で、フィードや CSV を壊します)"),
        (BIDI, "error", "書字方向の制御文字", "削除してください(表示と中身が食い違います)"),
        (ZERO_WIDTH, "warning", "幅のない文字", "削除してください(索引では取り除いて扱います)"),
    ):
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


_SHOWN = re.compile("|".join(p.pattern for p in (CONTROL, BIDI, ZERO_WIDTH)))


def visible(text: str) -> str:
    """The text with every character above written as <U+XXXX>: for messages, so that a value
    quoted in a CI log can neither drive the terminal (ESC sequences) nor reorder the line."""
    return _SHOWN.sub(lambda m: f"<U+{ord(m[0]):04X}>", text)
