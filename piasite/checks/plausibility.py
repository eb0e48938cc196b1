"""Whether a value is plausible for its item: what the item's kind and declared shape
(forms/regime/shapes.yaml) imply a value can look like. Used by `piasite check` (warnings, on any
document) and by the importer (an implausible reading becomes !要確認 with the reason), so that a
value that landed in the wrong item is said, not published.

Nothing here names an item: the rules come from kinds (integer, date, choice, list, text) and
shapes (name: one short line, not a sentence; title: no trailing number; organisation), from the
form's own labels (a value that is only a label, or begins with the label printed after its item),
and from the document as a whole (the same long text in two items).

What a kind alone settles (a date item holds a date, a choice one of its choices, a count a number)
is checks/document.py's Checker's (errors there; the importer's _make_valid moves such a value to
取込メモ with the Checker's reason): not said twice here."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from piasite.core import dates, glyphs
from piasite.forms import regime
from piasite.forms.form import Form
from piasite.forms.items import Item


@dataclass(frozen=True)
class Doubt:
    path: tuple
    item: Item
    reason: str  # Japanese, for the report and the !要確認 reason
    other: tuple | None = None  # the same text in two items: the other one's path (either may be wrong)


@cache
def _rules() -> tuple[dict, dict]:
    data = regime.section("shapes")
    return dict(data.get("shapes") or {}), dict(data.get("text") or {})


@cache
def _stamp() -> re.Pattern:
    return re.compile(str(_rules()[1].get("stamp") or r"(?!)"))


# a number after the title, past a space or right after its last word (評価書 12, 評価書(案)1)
_TRAILING_NUMBER = re.compile(r"(?:[\s\u3000]|(?<=[書)）】]))[0-9０-９]+$")
# the numbering a label is printed with, as NFKC leaves it (① → 1, Ⅲ → III): ①, 2., (1), Ⅲ, (別添1)
_NUMBERING = re.compile(r"^(?:\(別添\d+\)|\(\d+\)|\d+\.?|[IVX]+(?![A-Za-z]))")
_BARE_MIN = 4  # a label without its numbering shorter than this (部署, 所属長) may well be a value


def _norm(text: str) -> str:
    return re.sub(r"[\s\u3000※]", "", unicodedata.normalize("NFKC", text))


def _label_forms(item: Item) -> tuple[set[str], set[str]]:
    """(printed, bare): the item's labels as printed with their numbering, and without it (those
    long enough to tell a label from a value)."""
    printed, bare = set(), set()
    # the label printed over a few items (④使用の主体 over 使用部署 and 使用者数) is a label too
    for lab in (*item.all_labels, *([item.parent_label] if item.parent_label else [])):
        n = _norm(lab)
        b = _NUMBERING.sub("", n)
        if b != n and len(n) >= 3:
            printed.add(n)
        if len(b) >= _BARE_MIN:
            bare.add(b)
    return printed, bare


def _sentences(text: str) -> int:
    return len(re.findall(r"[。．](?=\s|$|[^)」』）])", text.strip()))


def shape_doubt(shape: str, text: str) -> str | None:
    """Why `text` does not look like a value of `shape` (None: it may be one)."""
    rule = _rules()[0].get(shape)
    if not rule:
        return None
    what = rule.get("what", shape)
    t = text.strip()
    if re.fullmatch(r"[0-9０-９,，.．\s]+", t):
        return f"{what}が数字だけです(評価書番号などほかの欄の値の可能性があります)"
    if rule.get("one_line") and "\n" in t:
        return f"{what}は 1 行のはずですが、{t.count(chr(10)) + 1} 行あります"
    if rule.get("one_line") and "\t" in t:  # a table's cells run together (a label beside the value)
        return f"{what}に表の区切り(タブ)があります(隣の欄の項目名や値を読み込んだ可能性があります)"
    if "max" in rule and len(t) > int(rule["max"]):
        return f"{what}にしては長すぎます({len(t)} 字)"
    if "sentences" in rule and _sentences(t) > int(rule["sentences"]):
        return f"{what}ではなく文章のようです(「。」で終わる文が {_sentences(t)} つ)"
    if rule.get("no_trailing_number") and _TRAILING_NUMBER.search(t):
        return f"{what}の後ろに数字があります(評価書番号を読み込んだ可能性があります)"
    return None


def fits(item: Item, text: str) -> bool:
    """Positive evidence that `text` is a value of `item` (for assigning values whose labels the layout
    separated from them): a date for a date item, a number for an integer, a declared ending for a shape."""
    t = text.strip()
    if not t:
        return False
    if item.kind == "date":
        return dates.parse_date(t) is not None
    if item.kind in ("integer", "count"):
        return re.fullmatch(r"[0-9０-９,，]+", t) is not None
    if item.kind == "choice":
        return t in item.choices
    if item.shape and shape_doubt(item.shape, t) is None:
        endings = _rules()[0].get(item.shape, {}).get("endings")
        return not endings or any(t.endswith(e) for e in endings)
    return False


# what a document writes in a cell that has nothing to say (a value of its own, alone in its cell)
_NOTHING = {"-", "－", "―", "—", "ー", "‐", "なし", "該当なし"}


def value_doubt(item: Item, value: Any) -> str | None:
    """Why `value` is implausible for `item` (None: nothing to say); a list: its first doubted
    element. Withheld and !要確認 values are not judged (the first is not shown, the second says its
    own doubt)."""
    return next((why for _, why in _value_doubts(item, value)), None)


def _value_doubts(item: Item, value: Any) -> Iterator[tuple[tuple, str]]:
    """(index within the value: () or (i,), reason) of each doubt about a value."""
    if isinstance(value, list) and item.kind == "list":
        for i, v in enumerate(value):
            why = _text_doubt(item, v)
            if why:
                yield (i,), why
    elif item.kind == "text":
        why = _text_doubt(item, value)
        if why:
            yield (), why


def _text_doubt(item: Item, value: Any) -> str | None:
    if not isinstance(value, str) or isinstance(value, bool):
        return None  # Withheld, Uncertain, a number: the Checker judges what is not text
    t = value.strip()
    if not t:
        return None
    if odd := glyphs.first(t):  # copied by hand out of a PDF whose fonts give radicals for kanji
        return (
            f"「{odd[0]}」(U+{ord(odd[0]):04X}) は部首などの別の文字で、見た目は「{odd[1]}」と同じですが、"
            f"検索や索引では「{odd[1]}」として見つかりません(PDF からコピーした文字です)。「{odd[1]}」に直してください"
        )
    if _stamp().match(re.sub(r"\s+", "", t)):
        return "様式の版の印字([… 様式N])が値になっています"
    marker = str(_rules()[1].get("choice_list") or "")
    if marker and marker in t:
        return f"様式の選択肢の一覧({marker} 1) …)が値に含まれています(選択肢の項目の欄まで読み込んだ可能性があります)"
    boxes = str(_rules()[1].get("checkbox") or "")
    if boxes and len(re.findall(boxes, t)) >= 2:
        return "チェック欄([○] [ ] …)が値に含まれています(チェックボックスの項目の欄まで読み込んだ可能性があります)"
    paragraphs = [x.strip() for x in re.split(r"\n\s*\n", t) if x.strip()]
    if len(paragraphs) >= 2 and len(set(paragraphs)) == 1:
        return f"同じ記載「{paragraphs[0][:20]}」が {len(paragraphs)} 回続いています(いくつかの欄を読み込んだ可能性があります)"
    if len(paragraphs) >= 2 and paragraphs[0] in _NOTHING:
        return f"「{paragraphs[0]}」(記載なし)の後にも記載が続いています(次の欄まで読み込んだ可能性があります)"
    return shape_doubt(item.shape, t) if item.shape else None


class _Labels:
    """The form's labels, for the label rules: every item's (a value that is only a label), and
    the ones printed after each item (a value that begins with the next item's label)."""

    def __init__(self, form: Form):
        order = [i for i in form.walk()]
        self.forms = {id(i): _label_forms(i) for i in order}
        # the form's own name (変更箇所一覧) heads a document as its title, and a label that is also one
        # of the form's choices or options (委託しない, 自己点検) is a value a document writes: neither
        # tells a label read as a value
        names = {_norm(form.name), _norm(form.title)}
        for i in order:
            names |= {_norm(c) for c in i.choices} | {_norm(o.text) for o in i.options}
            names |= {_norm(v) for o in i.options for v in o.variants}
        self.printed = set().union(*(p for p, _ in self.forms.values())) - names
        # a value may well be a numbered label's words (情報提供ネットワークシステムとの接続 as a system's
        # function); only a label the form prints without numbering (評価書名, 特記事項) is one bare
        self.bare = {n for i in order for lab in i.all_labels if (n := _norm(lab)) == _NUMBERING.sub("", n)}
        self.bare = {b for b in self.bare if len(b) >= _BARE_MIN} - names
        # everything the form prints itself, as one text: its title, labels, choices as their lists
        # print them (1) … 2) …), options and instructions — a wrapped line of it is no value
        printed_text = [form.title, form.name]
        for i in order:
            printed_text += [*i.all_labels, *([i.parent_label] if i.parent_label else []), i.printed or ""]
            printed_text.append("".join(f"{k}) {c}" for k, c in enumerate(i.choices, 1)))
            printed_text += [o.label or o.text for o in i.options]
        self.corpus = "\0".join(_norm(t) for t in printed_text if t)
        # no label is longer: a text's beginning this long is all the label rules read
        self.reach = 2 * max((len(x) for x in self.printed | self.bare), default=0) + 8
        self.after: dict[int, list[Item]] = {}
        for k, i in enumerate(order):
            if not i.is_container:
                # the next two printed after it: its next sibling, or the next section's heading and
                # that section's first item
                self.after[id(i)] = order[k + 1 : k + 3]

    def only_label(self, text: str) -> bool:
        if len(text) > self.reach:
            return False
        n = _norm(text)
        return n in self.printed or _NUMBERING.sub("", n) in self.bare

    def next_label(self, item: Item, text: str, numbered: bool = False) -> str | None:
        """The label printed after the item that the text begins with (then a space, a colon or
        the rest of the value), or None; numbered: only a label with its numbering ((別添2) …)."""
        n = re.sub(r"[\s※]+", " ", unicodedata.normalize("NFKC", text.lstrip()[: self.reach])).strip()
        flat = _norm(n)
        for nxt in self.after.get(id(item), []):
            printed, bare = self.forms[id(nxt)]
            if any(flat.startswith(lab) and flat != lab for lab in printed):
                return nxt.label
            # a bare label may begin a sentence (特定個人情報ファイルは …): only as a cell of its own
            if not numbered and any(
                n.startswith(lab) and n[len(lab) : len(lab) + 1] in ("", " ", ":") and flat != lab for lab in bare
            ):
                return nxt.label
        return None


def labels_in(form: Form, text: str) -> int:
    """How many of the form's value items (not sections) a text prints the label of, each once: in a
    line no item holds (a page flattened into one line), about as many values as it gives. A label
    with its numbering anywhere; one without (評価書番号) only as a cell of its own, not a word of a
    sentence (同じ評価書番号の重点項目評価書を参照)."""
    labels = _labels(form)
    flat = _norm(text)
    cells = set(re.sub(r"[\s※]+", " ", unicodedata.normalize("NFKC", text)).split())
    n = 0
    for i in form.walk():
        if i.is_container:
            continue
        printed, bare = labels.forms[id(i)]
        if any(lab in flat for lab in printed) or (labels.bare & bare & cells):
            n += 1
    return n


def printed_by_form(form: Form, text: str) -> bool:
    """Whether a text (not a number) is part of what the form prints itself — a label, a choice list,
    an instruction, wrapped anywhere — and so no value of a document."""
    flat = _norm(text)
    return bool(flat) and not re.fullmatch(r"[0-9,.]+", flat) and flat in _labels(form).corpus


def is_label(form: Form, text: str) -> bool:
    """Whether a text is only one of the form's labels (with or without its numbering)."""
    return _labels(form).only_label(text)


def label_doubt(labels: _Labels, item: Item, text: str) -> str | None:
    """A text that is only a label of the form, or begins with the label printed after its item
    (the layout gave the item the next row's label, or its label and value both)."""
    t = text.strip()
    if not t:
        return None
    if labels.only_label(t):
        return "項目名だけが値になっています(値を読み違えた可能性があります)"
    first = t.split("\n", 1)[0].strip()
    if first != t and labels.only_label(first):
        # a label on a line of its own above the text: the layout put another item's cell here
        return f"値が項目名「{first}」の行で始まっています(ほかの項目の値まで読み込んだ可能性があります)"
    nxt = labels.next_label(item, t)
    if nxt:
        return f"値が次の項目の項目名「{nxt}」で始まっています(次の項目の値まで読み込んだ可能性があります)"
    for para in [x for x in re.split(r"\n\s*\n", t) if x.strip()][1:]:
        nxt = labels.next_label(item, para, numbered=True)
        if nxt:
            return f"段落が次の項目の項目名「{nxt}」で始まっています(次の項目の値まで読み込んだ可能性があります)"
    return None


def _leaves(items: list[Item], data: Any, path: tuple) -> Iterator[tuple[Item, tuple, Any]]:
    if not isinstance(data, dict):
        return
    for item in items:
        v = data.get(item.key)
        p = path + (item.key,)
        if item.kind == "section":
            yield from _leaves(item.items, v, p)
        elif item.kind == "group":
            for i, elem in enumerate(v if isinstance(v, list) else []):
                yield from _leaves(item.items, elem, p + (i,))
        else:
            yield item, p, v


def doubts(form: Form, data: dict) -> list[Doubt]:
    """Every implausible value of a document, in the form's order: each value against its item and
    the form's labels, and the same long text in two items of different names (the later one is
    named). A list's doubt names its element (path ends with the index)."""
    out: list[Doubt] = []
    seen: dict[str, tuple] = {}
    least = int(_rules()[1].get("same_text_min") or 0)
    labels = _labels(form)
    # the change log and the 変更箇所一覧's list quote the items they changed (and the form's option
    # lists), and 取込メモ and 欠落箇所 quote the source and the form: their texts are judged by nothing here
    roles = ("changes", "change_list", "import_notes", "import_missing")
    skip = {form.role_item(r).key for r in roles if form.has_role(r)}
    items = [i for i in form.items if i.key not in skip]
    for item, path, v in _leaves(items, data, ()):
        told = False
        for at, why in _value_doubts(item, v):
            out.append(Doubt(path + at, item, why))
            told = True
        if item.kind in ("text", "list") and not told:
            for i, t in enumerate(v) if isinstance(v, list) else [(None, v)]:
                said = label_doubt(labels, item, t) if isinstance(t, str) else None
                if said:
                    out.append(Doubt(path + (() if i is None else (i,)), item, said))
        if least and item.kind == "text" and isinstance(v, str):
            key = re.sub(r"\s+", "", v)
            # the same item of sibling elements may well repeat a text (用途 of two 提供先): only
            # the same text in items of another name is suspect
            if len(key) >= least:
                first = seen.get(key)
                if first is not None and first[-1] != path[-1]:
                    where = form.short_label(first, data)
                    out.append(
                        Doubt(path, item, f"「{where}」と同じ文章です(どちらかは読み違いの可能性があります)", first)
                    )
                elif first is None:
                    seen[key] = path
    return out


_LABELS: dict[int, tuple[Form, _Labels]] = {}


def _labels(form: Form) -> _Labels:
    """One _Labels per form definition (kept with the form: an id alone could be reused)."""
    got = _LABELS.get(id(form))
    if got is None or got[0] is not form:
        got = _LABELS[id(form)] = (form, _Labels(form))
    return got[1]
