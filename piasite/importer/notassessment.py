"""What a text that is not an assessment looks like, so that the import refuses it with a message saying
so instead of writing an empty (or instruction-filled) document:

- the PPC's 記載要領 (writing instructions): it prints the form's labels, each followed by what to
  write (「…を記載する」, 記載例, 記載上の注意) instead of a value; it names the form it explains;
- a body's list page of its assessments: many 評価書名 (a name ending in a form's name) each with its
  number or date, and no values;
- a text of another kind entirely: no line opening with any form's title or label, and none of the
  forms' printed notations (a <選択肢> list, a checkbox, the 様式 stamp, the word 評価書).

Every word here is the notation of the forms or of instructions in general, never an item's key; the
form names come from the registry. A real document (a seed, an acceptance text, a published excerpt
whose glyphs were lost) is none of these."""

from __future__ import annotations

import re

from piasite.core import dates
from piasite.forms.form import Form
from piasite.forms.registry import form_names, load_form
from piasite.importer.furniture import label_heads
from piasite.importer.text import nfkc, norm, plain

# Instructions to the writer, as a 記載要領 prints them under each label.
_INSTRUCTION = re.compile(
    r"記載要領|記載例|記入例|記載上の注意|を記載する|を記入する|を記載すること|を記入すること|を記載してください|を記入してください"
)
_GUIDE_TITLE = re.compile(r"記載要領|記載の手引|作成の手引")
TITLE_LINES = 5  # a guide says what it is in its first lines
MIN_INSTRUCTIONS = 5  # instruction lines at least …
INSTRUCTION_SHARE = 0.25  # … and this share of the lines that are not the form's labels
MIN_LISTED = 3  # different assessments listed at least …
LISTED_SHARE = 0.3  # … making up this share of the text's lines

# What the forms print besides their labels: a choice's option list, a checkbox, the 様式 stamp, the word
# 評価書 (a text whose glyphs were lost keeps some of these).
_FORM_MARKS = re.compile(r"[<＜]\s*選択肢\s*[>＞]|[\[［]\s*[○〇✓✔]?\s*[\]］]|様式\s*\d|評価書|特定個人情報")


def _labels(form: Form) -> set[str]:
    return {norm(lab) for i in form.walk() for lab in i.all_labels if len(norm(lab)) >= 2}


def _names() -> list[str]:
    """The forms' names (全項目評価書 …), longest first."""
    return sorted({load_form(n).name for n in form_names()}, key=len, reverse=True)


def refusal(lines: list[str], form: Form, evidence: int) -> str | None:
    """Why `lines` is not an assessment (a Japanese message saying what it looks like), or None."""
    body = [plain(l) for l in lines if plain(l)]
    if not body:
        return None
    listed = _listed(body)
    if len(listed) >= MIN_LISTED and len(listed) >= LISTED_SHARE * len(body):
        shown = "、".join(f"「{t}」" for t in listed[:3])
        return (
            f"評価書ではなく、評価書の一覧のページのようです(評価書名が {len(listed)} 件: {shown} …)。"
            "一覧から評価書を一つずつ開き、その PDF から抽出したテキストを取り込んでください"
        )
    if evidence:
        labels = _labels(form)
        head = body[:TITLE_LINES]
        rest = [l for l in body if norm(l) not in labels]
        instructions = [l for l in rest if _INSTRUCTION.search(l)]
        titled = any(_GUIDE_TITLE.search(l) for l in head)
        if titled or (len(instructions) >= MIN_INSTRUCTIONS and len(instructions) >= INSTRUCTION_SHARE * len(rest)):
            said = [l for l in instructions if not _GUIDE_TITLE.search(l)]  # an instruction, not the title
            example = f"「{said[0][:40]}」など" if said else ""
            return (
                f"評価書ではなく、{form.name}({form.title})の記載要領(書き方の説明)のようです"
                f"(項目ごとに記載する内容の説明{example}があり、値がありません)。"
                "記載要領は取り込めません。評価書の PDF から抽出したテキストを指定してください"
            )
        return None
    heads = label_heads()  # any form's labels: a line opening with one is the forms' text
    if not any(_FORM_MARKS.search(nfkc(l)) or norm(l).startswith(heads) for l in body):
        return (
            "特定個人情報保護評価書のテキストではないようです(どの様式の題名も項目名も、選択肢や版の印も"
            "見つかりません)。評価書の PDF から抽出したテキストを指定してください"
        )
    return None


def _listed(body: list[str]) -> list[str]:
    """The different 評価書名 a text lists, each on a line with its number or date (a list page)."""
    names = _names()
    titles = {norm(load_form(n).title) for n in form_names()}
    out: list[str] = []
    for line in body:
        if not any(n in line for n in names) or norm(line).startswith(tuple(titles)):
            continue  # no form's name in it, or a form's title line
        t = nfkc(line)
        for name in names:
            k = t.find(name)
            if k <= 0:
                continue
            before, after = t[:k].strip(), t[k + len(name) :].strip()
            numbered = re.match(r"^\d{1,4}[\s.．、]", before + " ") is not None
            dated = any(dates.parse_date(w) for w in re.split(r"[\s\t]+", after) if w)
            title = (re.sub(r"^\d{1,4}[\s.．、]*", "", before) + " " + name).strip()
            if (numbered or dated) and before and title not in out:
                out.append(title)
            break
    return out
