"""Every item label printed in the seed documents is in the form definition.

The scan finds label cells by shape (a circled number or a numbered heading at
the start of a table cell), independent of the definition, then looks each one
up in the definition with the spelling variants the inventory catalogues.
"""

import html
import re

import pytest

from piasite.forms.registry import load_form
from tests.conftest import SEEDS

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
FLAG = re.compile(r"\s*[\[〔(]\s*[^\]〕)]{0,3}[\]〕)]\s*(委託しない|提供・移転しない|接続しない\((?:入手|提供)\))")

# Labels of the 全項目評価書 quoted by seed 001 (a change list of a 全項目評価書,
# inventory §4); they belong to that form's definition, not to the 重点 form.
ZENKOUMOKU_ONLY = {
    "②取扱いを委託する特定個人情報ファイルの範囲",
    "③委託先における取扱者数",
    "③消去方法",
    "④委託先への特定個人情報ファイルの提供方法",
    "⑤委託先名の確認方法",
    "⑤物理的対策",
    "⑥委託先名",
    "⑥技術的対策",
    "⑧再委託の許諾方法",
    "⑨再委託事項",
}


def norm(label: str) -> str:
    s = label.replace("（", "(").replace("）", ")").replace("：", ":")
    s = re.sub(r"\s*※.*$", "", s)
    s = re.sub(rf"^([{CIRCLED}])\s+", r"\1", s)
    s = re.sub(r"^(\d+\.)\s*", r"\1 ", s)
    return s.strip()


def definition_labels() -> set[str]:
    form = load_form("重点項目評価書")
    out = set()
    for item in form.walk():
        for text in (item.label, *item.variants, item.parent_label or ""):
            if text:
                out.add(norm(text))
    return out


def label_cells(text: str):
    """(line number, cell) for every cell shaped like a form label."""
    for n, line in enumerate(text.split("\n"), 1):
        cells = line.split("\t")
        for i, cell in enumerate(cells[:2]):
            t = re.sub(r"<[^>]+>", "", html.unescape(cell)).strip()
            t = re.sub(r"^[#\-\s*]+", "", t).strip("* ")
            if not t:
                continue
            has_value_cell = len(cells) > i + 1
            if t[0] in CIRCLED:
                # a label cell: short, one circled number, not a sentence, followed by a cell;
                # without a value cell it is free text imitating a label (inventory quirk 14)
                if (
                    has_value_cell
                    and len(t) <= 50
                    and not t.endswith("。")
                    and len(re.findall(rf"[{CIRCLED}]", t)) == 1
                ):
                    yield n, t
            elif re.match(r"^\d{1,2}\.\s*\S", t) and len(t) <= 80 and not re.search(r"、\s*\d+\.", t):
                yield n, t  # a numbered heading (not a 別添1 list "1. 宛名番号、2. …")
            break


def lookup(cell: str, labels: set[str]) -> bool:
    flag = FLAG.search(cell)
    if flag:
        if norm(flag.group(1)) not in labels:
            return False
        cell = cell[: flag.start()]
    c = norm(cell)
    if c in labels:
        return True
    # label and value in one cell: "③委託先名 株式会社 熊本計算センター" (quirk 1)
    return any(c.startswith(lab + " ") for lab in labels)


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_seed_labels_are_in_definition(seed):
    labels = definition_labels()
    text = (SEEDS / seed).read_text(encoding="utf-8")
    found = list(label_cells(text))
    assert found, "the scan found no labels at all"
    missing = [(n, c) for n, c in found if not lookup(c, labels) and norm(c) not in ZENKOUMOKU_ONLY]
    assert not missing, "labels printed in the seed but absent from the definition:\n" + "\n".join(
        f"{seed}:{n}: {c}" for n, c in missing
    )


def test_scan_covers_the_form():
    """The scan is not vacuous: the 重点 seeds together print most circled/numbered labels."""
    labels = definition_labels()
    seen = set()
    for name in ("000", "002", "004"):
        path = next(SEEDS.glob(f"{name}_*.txt"))
        for _, cell in label_cells(path.read_text(encoding="utf-8")):
            seen.add(norm(FLAG.sub("", cell)))
    shaped = {lab for lab in labels if lab[:1] in CIRCLED or re.match(r"^\d+\. ", lab)}
    assert len(shaped & seen) / len(shaped) > 0.9, sorted(shaped - seen)
