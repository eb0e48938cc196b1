"""Names of organisations, systems and contractors: one key per entity.

Published documents spell the same entity in several ways (全角/半角, a space
after 株式会社, (株), 中間サーバ/中間サーバー, OCR slips). `Names.key()` folds the
spellings the machine can safely fold; `content/aliases.yaml` lets a clerk merge
what only a person knows is the same (株式会社 NTTデータ関西 ≡ 株式会社エヌ・ティ・ティ・データ関西)
and split what the folding merged wrongly. Every original spelling stays visible
on the index pages.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .textcheck import latinise, strip_invisible

from .exceptions import PiasiteError

ALIASES_FILE = "aliases.yaml"
MERGE_KEY, SPLIT_KEY = "同じもの", "別のもの"

_CORP = r"株式会社|有限会社|合同会社|一般社団法人|一般財団法人|公益社団法人|公益財団法人|独立行政法人|地方独立行政法人"
_ABBREV = [("(株)", "株式会社"), ("㈱", "株式会社"), ("(有)", "有限会社"), ("㈲", "有限会社"),
           ("(一社)", "一般社団法人"), ("(一財)", "一般財団法人")]
_SPELLINGS = [
    (re.compile(r"サーバ(?!ー)"), "サーバー"),  # 中間サーバ ≡ 中間サーバー
    (re.compile(r"びったり"), "ぴったり"),  # OCR slip seen in published PDFs
]
# A branch written after the company: 日本電気株式会社 熊本支店 → branch is an attribute.
_BRANCH = re.compile(rf"^(?P<co>.*(?:{_CORP}).*?)\s*(?P<br>[^\s]+(?:支店|支社|営業所|事業所|事業部))$")


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

    def __init__(self, merge: list[list[str]] | None = None, split: list[str] | None = None):
        self.split = {nfkc(s) for s in split or ()}
        self.merge: dict[str, str] = {}
        self.preferred: dict[str, str] = {}
        for group in merge or ():
            target = fold(group[0])
            self.preferred[target] = nfkc(group[0])
            for name in group:
                self.merge[fold(name)] = target

    def key(self, name: str) -> str:
        n = nfkc(name)
        if n in self.split:
            return "=" + n  # kept apart from what folding would merge
        k = fold(n)
        return self.merge.get(k, k)

    @classmethod
    def load(cls, content_dir: Path) -> "Names":
        path = Path(content_dir) / ALIASES_FILE
        if not path.exists():
            return cls()
        return cls.load_file(path)

    @classmethod
    def load_file(cls, path: Path) -> "Names":
        from .reader import ReadError, read

        try:
            doc = read(path)
        except ReadError as e:
            raise AliasError(path, e.line, e.message) from None
        except OSError as e:
            raise AliasError(path, 1, f"ファイルを読めません({e.strerror or type(e).__name__})") from None
        data = doc.data or {}
        if not isinstance(data, dict):
            raise AliasError(path, 1, f"「{MERGE_KEY}:」と「{SPLIT_KEY}:」の形で書いてください")
        for key in data:
            if key not in (MERGE_KEY, SPLIT_KEY):
                raise AliasError(path, doc.line((key,)), f"「{key}」は使えません。「{MERGE_KEY}」か「{SPLIT_KEY}」を書いてください")
        merge = data.get(MERGE_KEY) or []
        if not isinstance(merge, list) or not all(isinstance(g, list) and len(g) >= 2 and all(isinstance(s, str) for s in g)
                                                   for g in merge):
            raise AliasError(path, doc.line((MERGE_KEY,)),
                             f"「{MERGE_KEY}」には、同じ相手を指す名前のリスト(2 つ以上)を並べてください")
        split = data.get(SPLIT_KEY) or []
        if not isinstance(split, list) or not all(isinstance(s, str) for s in split):
            raise AliasError(path, doc.line((SPLIT_KEY,)), f"「{SPLIT_KEY}」には名前を 1 行に 1 つ並べてください")
        return cls(merge, split)
