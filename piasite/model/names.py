"""Names of organisations, systems and contractors: one key per entity.

Published documents spell the same entity in several ways (全角/半角, a space
after 株式会社, (株), 中間サーバ/中間サーバー, OCR slips). `Names.key()` folds the
spellings the machine can safely fold; `content/aliases.yaml` lets a clerk merge
what only a person knows is the same (株式会社 NTTデータ関西 ≡ 株式会社エヌ・ティ・ティ・データ関西)
and split what the folding merged wrongly. Every original spelling stays visible
on the index pages.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from pathlib import Path

from piasite.config.limits import DEFAULT_LIMITS, Limits
from piasite.core.errors import PiasiteError
from piasite.core.textcheck import latinise, strip_invisible
from piasite.model.reader import ReadError, read

ALIASES_FILE = "aliases.yaml"
MERGE_KEY, SPLIT_KEY = "同じもの", "別のもの"
ABBREV_KEY, READING_KEY = "略称", "読み"  # search: NEC → 日本電気; 五十音 order of the indexes
KEYS = (MERGE_KEY, SPLIT_KEY, ABBREV_KEY, READING_KEY)

_CORP = r"株式会社|有限会社|合同会社|一般社団法人|一般財団法人|公益社団法人|公益財団法人|独立行政法人|地方独立行政法人"
_ABBREV = [
    ("(株)", "株式会社"),
    ("㈱", "株式会社"),
    ("(有)", "有限会社"),
    ("㈲", "有限会社"),
    ("(一社)", "一般社団法人"),
    ("(一財)", "一般財団法人"),
]
_SPELLINGS = [
    (re.compile(r"サーバ(?!ー)"), "サーバー"),  # 中間サーバ ≡ 中間サーバー
    (re.compile(r"びったり"), "ぴったり"),  # OCR slip seen in published PDFs
]
# A branch written after the company: 日本電気株式会社 熊本支店 → branch is an attribute.
_BRANCH = re.compile(rf"^(?P<co>.*(?:{_CORP}).*?)\s*(?P<br>[^\s]+(?:支店|支社|営業所|事業所|事業部))$")


# A pointer written where a name belongs (「…提供先については、添付資料(II. 1提供先一覧)を参照」): not an entity.
_PLACEHOLDER = re.compile(
    r"(添付資料|別紙|別添|別表\s*\d|一覧)[^。]{0,40}(を参照|のとおり|に記載|参照)|^(なし|該当なし|[-ー―－]+)$"
)
# What a name's 五十音 place does not depend on: its kind of corporation.
_CORP_PREFIX = re.compile(rf"^(?:{_CORP})\s*|\s*(?:{_CORP})$")


def is_placeholder(name: str) -> bool:
    return bool(_PLACEHOLDER.search(nfkc(name)))


@functools.cache
def _kakasi():
    import pykakasi  # noqa: PLC0415 — its dictionaries take ~0.7 s to load: only when a reading is needed

    return pykakasi.kakasi()


def reading(name: str) -> str:
    """The name in hiragana (pykakasi), 株式会社 and the like left out: the indexes' 五十音 key."""
    n = _CORP_PREFIX.sub("", nfkc(name)).strip() or nfkc(name)
    try:
        kana = "".join(part["hira"] for part in _kakasi().convert(n))
    except ImportError:  # without pykakasi, code point order (kana names still sort right)
        kana = n
    return unicodedata.normalize("NFKC", kana).lower()


class AliasError(PiasiteError):
    line: int

    def __init__(self, path: Path, line: int, message: str):
        super().__init__(message, path, line)


def nfkc(text: str) -> str:
    """NFKC, without zero-width and bidi-control characters, spaces collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", strip_invisible(str(text)))).strip()


def split_branch(name: str) -> tuple[str, str]:
    """(company, branch) — branch is '' when none is written."""
    n = nfkc(name)
    m = _BRANCH.match(n)
    if m and m["co"].strip() and re.search(_CORP, m["co"]):
        return m["co"].strip(), m["br"]
    return n, ""


def fold(name: str) -> str:
    """The machine key: NFKC, no spaces, abbreviations and known spellings unified, Cyrillic and
    Greek look-alikes in Latin words read as Latin (НЕС ≡ NEC)."""
    n = latinise(nfkc(name))
    for short, full in _ABBREV:
        n = n.replace(unicodedata.normalize("NFKC", short), full)
    n = re.sub(r"\s+", "", n)
    for pattern, repl in _SPELLINGS:
        n = pattern.sub(repl, n)
    return n


class Names:
    """Folding plus the clerk's alias file."""

    def __init__(
        self,
        merge: list[list[str]] | None = None,
        split: list[str] | None = None,
        abbreviations: dict[str, str] | None = None,
        readings: dict[str, str] | None = None,
    ):
        self.split = {nfkc(s) for s in split or ()}
        # 略称 → what the documents write (the search box expands a typed abbreviation)
        self.abbreviations = {nfkc(k): nfkc(v) for k, v in (abbreviations or {}).items()}
        # name → its reading in kana, for names whose 五十音 place the machine cannot read
        self.readings = {fold(k): nfkc(v) for k, v in (readings or {}).items()}
        self.merge: dict[str, str] = {}
        self.preferred: dict[str, str] = {}
        for group in merge or ():
            target = fold(group[0])
            self.preferred[target] = nfkc(group[0])
            for name in group:
                self.merge[fold(name)] = target

    def sort_key(self, name: str) -> tuple:
        """五十音 order: the reading given in aliases.yaml (読み:), else pykakasi's."""
        return (self.readings.get(fold(name)) or reading(name), nfkc(name))

    def key(self, name: str) -> str:
        n = nfkc(name)
        if n in self.split:
            return "=" + n  # kept apart from what folding would merge
        k = fold(n)
        return self.merge.get(k, k)

    @classmethod
    def load(
        cls, content_dir: Path, withheld: set[str] | frozenset[str] = frozenset(), limits: Limits = DEFAULT_LIMITS
    ) -> Names:
        path = Path(content_dir) / ALIASES_FILE
        if not os.path.lexists(path):  # a link (even dangling) is read, and refused, by read()
            return cls()
        return cls.load_file(path, withheld, limits)

    @classmethod
    def load_file(
        cls, path: Path, withheld: set[str] | frozenset[str] = frozenset(), limits: Limits = DEFAULT_LIMITS
    ) -> Names:
        """withheld: every text withheld in any version of any assessment (withheld.py): an alias
        naming one, or the 非公表 placeholder, would show a withheld entry under another name."""
        try:
            doc = read(path, limits)
        except ReadError as e:
            raise AliasError(path, e.line, e.message) from None
        except OSError as e:
            raise AliasError(path, 1, f"ファイルを読めません({e.strerror or type(e).__name__})") from None
        data = doc.data or {}
        if not isinstance(data, dict):
            raise AliasError(path, 1, f"「{MERGE_KEY}:」と「{SPLIT_KEY}:」の形で書いてください")
        for key in data:
            if key not in KEYS:
                raise AliasError(
                    path,
                    doc.line((key,)),
                    f"「{key}」は使えません。" + "・".join(f"「{k}」" for k in KEYS) + " のどれかを書いてください",
                )
        merge = data.get(MERGE_KEY) or []
        if not isinstance(merge, list) or not all(
            isinstance(g, list) and len(g) >= 2 and all(isinstance(s, str) for s in g) for g in merge
        ):
            raise AliasError(
                path,
                doc.line((MERGE_KEY,)),
                f"「{MERGE_KEY}」には、同じ相手を指す名前のリスト(2 つ以上)を並べてください",
            )
        split = data.get(SPLIT_KEY) or []
        if not isinstance(split, list) or not all(isinstance(s, str) for s in split):
            raise AliasError(path, doc.line((SPLIT_KEY,)), f"「{SPLIT_KEY}」には名前を 1 行に 1 つ並べてください")
        pairs = {}
        for key in (ABBREV_KEY, READING_KEY):
            value = data.get(key) or {}
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()
            ):
                raise AliasError(
                    path,
                    doc.line((key,)),
                    f"「{key}」には「名前: {'正式な名前' if key == ABBREV_KEY else 'よみ'}」の形で 1 行に 1 つ書いてください",
                )
            pairs[key] = value
        _refuse_withheld(path, doc, merge, pairs[ABBREV_KEY], withheld)
        return cls(merge, split, pairs[ABBREV_KEY], pairs[READING_KEY])


WITHHELD_SHOWN = "非公表"  # what reader.public() writes for a withheld value


def joins_withheld(name: str, withheld_keys: set[str]) -> str:
    """Why an alias may not name `name` ('' when it may)."""
    k = fold(name)
    if k == fold(WITHHELD_SHOWN) or WITHHELD_SHOWN in nfkc(name):
        return f"「{WITHHELD_SHOWN}」は非公表の値の表示です"
    if is_placeholder(name):
        return "「添付資料を参照」などは名前ではありません"
    if k in withheld_keys:
        return "この名前はどれかの評価書(いずれかの版)で非公表(!非公表)です"
    return ""


def _refuse_withheld(path: Path, doc, merge: list, abbreviations: dict, withheld) -> None:
    """An alias never joins a withheld entry or the 非公表 placeholder to another name, either way."""
    keys = {fold(n) for n in withheld}
    for i, group in enumerate(merge):
        for j, name in enumerate(group):
            why = joins_withheld(name, keys)
            if why:
                raise AliasError(
                    path,
                    doc.line((MERGE_KEY, i, j)),
                    f"「{MERGE_KEY}」の {i + 1} 番目の組の {j + 1} 番目の名前は別の名前と結べません({why}。"
                    "結ぶと非公表の委託先などが別の名前の下に表示されます)。この名前を組から外してください",
                )
    for short, full in abbreviations.items():
        for name in (short, full):
            why = joins_withheld(name, keys)
            if why:
                raise AliasError(
                    path,
                    doc.line((ABBREV_KEY, short)),
                    f"「{ABBREV_KEY}」のこの行は別の名前と結べません({why})。この行を消してください",
                )
