"""Text hygiene: what a PDF extraction leaves in Japanese text.

Two kinds of damage are common in published documents' extracted text:

- letters from scripts that have no place in a Japanese document (OCR reads a
  blurred kana as Hangul or Thai: 「持ち込んで서는ならない」);
- spaces where a table cell wrapped (「システ ム」, 「ICカード 認証を用い」).

`piasite check` warns on both; the importer joins wrapped cells. A space is
taken for a line break only on evidence — the cell's segments have the regular
width of a wrapped column, or the joined word stands unbroken elsewhere in the
same document — because spaces between Japanese words are also written on
purpose (「システム システム2」, 「株式会社 東山計算センター」).
"""

from __future__ import annotations

import collections
import functools
import re
import unicodedata

# Scripts that do not belong in a Japanese assessment (named as the checker prints them).
FOREIGN_SCRIPTS = {
    "HANGUL": "ハングル",
    "THAI": "タイ文字",
    "CYRILLIC": "キリル文字",
    "GREEK": "ギリシャ文字",
    "ARABIC": "アラビア文字",
    "HEBREW": "ヘブライ文字",
    "DEVANAGARI": "デーヴァナーガリー",
    "LAO": "ラーオ文字",
    "KHMER": "クメール文字",
    "MYANMAR": "ミャンマー文字",
    "GEORGIAN": "ジョージア文字",
    "ARMENIAN": "アルメニア文字",
    "CHEROKEE": "チェロキー文字",
    "LISU": "リス文字",
    "COPTIC": "コプト文字",
    "TIBETAN": "チベット文字",
    "BENGALI": "ベンガル文字",
    "TAMIL": "タミル文字",
}
# Greek letters used as symbols in Japanese technical text (β版, α線, Ω) are not OCR damage.
_GREEK_SYMBOLS = set("αβγδεΔΣΩμπ")

_JA = r"\u3041-\u3096\u30a1-\u30fa\u30fc\u4e00-\u9fff\u3005"  # kana, ー, kanji, 々
_KATAKANA_RUN = re.compile(r"[\u30a1-\u30fa\u30fc]+")
_BREAK = re.compile(rf"(?<=[{_JA}]) (?=[{_JA}])")


@functools.lru_cache(maxsize=8192)  # per character: check asks for every character of every value
def _script(ch: str) -> str | None:
    if ord(ch) < 0x370 or ch in _GREEK_SYMBOLS:
        return None
    name = unicodedata.name(ch, "")
    first = name.split(" ", 1)[0]
    return first if first in FOREIGN_SCRIPTS else None


def foreign_runs(text: str) -> list[tuple[str, str]]:
    """Runs of letters from foreign scripts: [(run, script name in Japanese)]."""
    return [(run, name) for _, run, name in foreign_spans(text)]


def foreign_spans(text: str) -> list[tuple[int, str, str]]:
    """foreign_runs with where each run starts: [(index, run, script name in Japanese)].
    One pass, runs cut by index (no string grown a character at a time: linear in the text)."""
    out: list[tuple[int, str, str]] = []
    start, script = 0, None
    for i, ch in enumerate(text):
        s = _script(ch)
        if s == script:
            continue
        if script:
            out.append((start, text[start:i], FOREIGN_SCRIPTS[script]))
        start, script = i, s
    if script:
        out.append((start, text[start:], FOREIGN_SCRIPTS[script]))
    return out


def _wrap_width(text: str) -> int | None:
    """The column width of a wrapped cell, when its space-separated segments show one."""
    segments = [len(s) for s in text.split(" ")[:-1]]  # the last segment is the cell's tail
    if len(segments) < 3:
        return None
    width, exact = collections.Counter(segments).most_common(1)[0]
    near = [n for n in segments if abs(n - width) <= 2]
    # a column's width repeats, and is wider than an address's fields (〒…, …課, 電話 …), whose
    # lengths may come close to one another by chance
    if width < 10 or exact < 2 or len(near) < max(3, 0.6 * len(segments)):
        return None
    # A column wraps wherever the width runs out, mostly inside words; spaces that
    # separate fields (an address, a telephone number) fall between tokens.
    inside = len(_BREAK.findall(text))
    return width if inside >= 0.5 * len(segments) else None


def line_breaks(text: str, corpus: str | Corpus = "") -> list[int]:
    """Indexes of the spaces in text that are line breaks inside Japanese words or phrases.

    corpus: the rest of the document, where an unbroken spelling of the same word
    is evidence that the space is an accident of wrapping (a Corpus when many texts of one
    document ask: its look-ups are remembered and bounded). Linear in the text."""
    if " " not in text:
        return []
    width = _wrap_width(text)
    found: list[int] = []
    look = (corpus if isinstance(corpus, Corpus) else Corpus(corpus)) if corpus else None
    for m in _BREAK.finditer(text):
        i = m.start()
        segment = i - (text.rfind(" ", 0, i) + 1)
        if width and abs(segment - width) <= 3:
            found.append(i)
        elif look is not None:
            # A katakana word cut in two whose joined spelling the document uses elsewhere.
            # The run left of the space is read backwards from it (a search from the text's start
            # for each space made a long katakana text quadratic).
            a = i
            while a > 0 and _is_katakana(text[a - 1]):
                a -= 1
            right = _KATAKANA_RUN.match(text, i + 1)
            if a < i and right and look.has(text[a:i] + right[0]):
                found.append(i)
    return found


def _is_katakana(ch: str) -> bool:
    return "\u30a1" <= ch <= "\u30fa" or ch == "\u30fc"


class Corpus:
    """A document's text, asked whether it contains a word. Each word is looked up once, and the
    look-ups of one document read at most LOOKUPS times its length in all: beyond that a word
    counts as not found (a hostile text with thousands of distinct candidates stays linear; a
    real document asks a few dozen)."""

    LOOKUPS = 64

    def __init__(self, text: str):
        self.text = text
        self.seen: dict[str, bool] = {}
        self.budget = self.LOOKUPS * (len(text) + 1)

    def has(self, word: str) -> bool:
        hit = self.seen.get(word)
        if hit is None:
            if self.budget <= 0:
                return False
            self.budget -= len(self.text) + len(word)
            hit = self.seen[word] = word in self.text
        return hit


def join_breaks(text: str, corpus: str = "") -> str:
    """text with its line-break spaces removed."""
    cut = set(line_breaks(text, corpus))
    return "".join(ch for i, ch in enumerate(text) if i not in cut) if cut else text


def snippet(text: str, index: int, span: int = 1, around: int = 8) -> str:
    """A short quotation of text around text[index:index+span], for a message."""
    a, b = max(0, index - around), min(len(text), index + span + around)
    return ("…" if a else "") + text[a:b].replace("\n", " ") + ("…" if b < len(text) else "")


# Kana words, one script at a time (マイナポータル | ぴったり | サービス): where OCR confuses ゛ with ゜.
_KANA_WORD = re.compile(r"[\u3041-\u3096]{4,}|[\u30a1-\u30fa\u30fc]{4,}")


def _voiced(word: str) -> str:
    """The word with every ゜ read as ゛ (ぴ → び, プ → ブ): what two spellings share when they differ only so."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", word).replace("\u309a", "\u3099"))


def mark_variants(texts) -> list[list[tuple[str, int]]]:
    """Kana words of one document spelt alike but for ゛ against ゜ (ぴったり / びったり, スープル / スーブル):
    OCR reads one mark for the other. [[(spelling, count), …] most frequent first] for each such word."""
    counts = collections.Counter(w for t in texts for w in _KANA_WORD.findall(t))
    alike: dict[str, list[str]] = collections.defaultdict(list)
    for word in counts:
        alike[_voiced(word)].append(word)
    return sorted(
        [
            sorted(((w, counts[w]) for w in words), key=lambda wc: (-wc[1], wc[0]))
            for words in alike.values()
            if len(words) > 1
        ]
    )


def first_texts(words: set[str], texts: list[tuple[tuple, str]]) -> dict[str, tuple]:
    """{word: the path of the first text where the kana word stands} for the words of mark_variants,
    in one pass over the texts (a scan of all texts per word was quadratic)."""
    first: dict[str, tuple] = {}
    for path, text in texts:
        if len(first) == len(words):
            break
        for w in _KANA_WORD.findall(text):
            if w in words and w not in first:
                first[w] = path
    return first
