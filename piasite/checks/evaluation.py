"""An 評価 is a set of documents: the 基礎項目評価書 and, when required or chosen, the
重点項目評価書 or 全項目評価書 with the same 評価書番号 of the same 評価実施機関 (one folder
of content/). This module groups documents into 評価 and checks the 基礎's answers.

The しきい値判断 (特定個人情報保護評価指針 第5 2) is data, forms/regime/evaluation.yaml: from Ⅱ's
answers (対象人数, 取扱者数, 重大事故) the 評価 required — none under 1,000人, 基礎 only, 基礎 + 重点
or 基礎 + 全項目 as the bands and the answers say.
Ⅲ (しきい値判断結果) must state that result; Ⅳ 1 (提出する評価書の種類) may exceed it (任意実施)
but not fall short, and must match the documents present under the same 評価書番号.

The forms are read through roles: a form with `submitted_kinds` is the 基礎項目評価書 of an
評価; its `threshold_*` roles hold Ⅱ and Ⅲ. Levels are read from the choice texts (which
form they name), so a form's wording can change without a change here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from piasite.core.labels import bare
from piasite.core.problems import ERROR, WARNING, Problem
from piasite.forms import regime
from piasite.forms.form import Form
from piasite.forms.registry import form_key, form_names, form_of, load_form
from piasite.model.reader import Document, Withheld, public, unwrap

NONE, KISO, JUTEN, ZENKOUMOKU = 0, 1, 2, 3  # levels: what a 評価 must comprise
_LEVELS = {"none": NONE, "kiso": KISO, "juten": JUTEN, "zenkoumoku": ZENKOUMOKU}  # as evaluation.yaml names them


@dataclass(frozen=True)
class _Rules:
    words: tuple[tuple[tuple[str, ...], int], ...]  # (words, level), in the order they are tried
    what: dict[int, str]  # level → its name in messages
    bands: tuple[tuple[int, int, int], ...]  # (lowest 対象人数, level when light, level when heavy), ascending
    many: str
    few: str
    occurred: str
    no_incident: str


@functools.cache
def _rules() -> _Rules:
    """forms/regime/evaluation.yaml, read once."""
    r = regime.section("evaluation")
    try:
        return _Rules(
            tuple((tuple(str(w) for w in x["words"]), _LEVELS[x["level"]]) for x in r["levels"]),
            {_LEVELS[x["level"]]: str(x["what"]) for x in r["levels"]},
            tuple(sorted((int(b["from"]), _LEVELS[b["light"]], _LEVELS[b["heavy"]]) for b in r["thresholds"])),
            str(r["handlers"]["many"]),
            str(r["handlers"]["few"]),
            str(r["incident"]["occurred"]),
            str(r["incident"]["none"]),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise regime.RegimeError(
            f"{regime.REGIME_DIR / 'evaluation.yaml'}: しきい値判断の定義を読めません({e!r})"
        ) from e


def what(level: int) -> str:
    """The name of a level in messages (基礎項目評価及び重点項目評価)."""
    return _rules().what[level]


def level_of_text(text: Any) -> int | None:
    """The level a choice names (evaluation.yaml's words, tried in order: 全項目 > 重点項目 >
    義務付けられない > 基礎項目). Parenthesised remarks such as (任意に重点項目評価を実施) do not count."""
    if text is None:
        return None
    t = re.sub(r"[(（][^)）]*[)）]", "", str(unwrap(text)))
    for words, level in _rules().words:
        if any(w in t for w in words):
            return level
    return None


def _count_floor(text: Any) -> int | None:
    """The lower bound of a 対象人数 band: 1万人以上10万人未満 → 10000; 1,000人未満 → 0."""
    if text is None:
        return None
    t = str(unwrap(text)).replace(",", "").replace("，", "")
    m = re.search(r"(\d+)(万)?人以上", t)
    if m:
        return int(m[1]) * (10000 if m[2] else 1)
    return 0 if re.search(r"\d+(万)?人未満", t) else None


def _yes(text: Any, yes: str, no: str) -> bool | None:
    if text is None:
        return None
    t = str(unwrap(text))
    return True if yes in t else False if no in t else None


def required_level(target: Any, handlers: Any, incident: Any) -> int | None:
    """The 評価 the 指針 requires for Ⅱ's answers (None when an answer is missing or unreadable):
    the band of 対象人数 (evaluation.yaml's thresholds), heavy when 取扱者数 is many or there was a
    重大事故. A band whose level does not depend on them needs no other answer; one answer saying
    heavy is enough when the other is missing."""
    floor = _count_floor(target)
    if floor is None:
        return None
    rules = _rules()
    band = [b for b in rules.bands if b[0] <= floor]
    if not band:
        return None
    _, light, heavy_level = band[-1]
    if light == heavy_level:
        return light
    many, accident = _yes(handlers, rules.many, rules.few), _yes(incident, rules.occurred, rules.no_incident)
    if many is None or accident is None:
        return heavy_level if many or accident else None
    return heavy_level if many or accident else light


def form_level(form: Form) -> int | None:
    """The level a document of this form stands for: the 基礎 (a form with `submitted_kinds`)
    is KISO; another form is the detailed evaluation its name says (重点/全項目), if any."""
    if form.has_role("submitted_kinds"):
        return KISO
    lv = level_of_text(form.name)
    return lv if lv in (JUTEN, ZENKOUMOKU) else None


@dataclass
class Evaluation:
    """The documents of one 評価: one organisation folder, one 評価書番号."""

    org_slug: str
    number: Any
    documents: list = field(default_factory=list)  # Assessment objects, 基礎 first

    @property
    def slug(self) -> str:
        return f"hyoka-{self.number}"

    @property
    def url(self) -> str:
        return f"{self.org_slug}/{self.slug}/"

    @property
    def org(self) -> str:
        return self.documents[0].org

    @property
    def title(self) -> str:
        return f"{self.org} 評価書番号 {self.number} の評価"


EVALUATION_SLUG = re.compile(r"^hyoka-\d+$")  # reserved for 評価 pages: no document file may be named so


def evaluations(assessments: list) -> list[Evaluation]:
    """Every 評価, in the order of the first page of each; documents without a 評価書番号 belong to none."""
    by: dict[tuple, Evaluation] = {}
    for a in assessments:
        if not a.form.has_role("number") or form_level(a.form) is None:
            continue
        no = a.form.value(a.public_data, "number")  # a 非公表 number groups nothing (it reaches no page)
        if no is None or isinstance(no, bool) or not isinstance(no, int):
            continue
        by.setdefault((a.org_slug, no), Evaluation(a.org_slug, no)).documents.append(a)
    for e in by.values():
        e.documents.sort(key=lambda a: (form_level(a.form) or 0, a.url))
    return list(by.values())


def of_assessment(evals: list[Evaluation]) -> dict[str, Evaluation]:
    return {a.url: e for e in evals for a in e.documents}


# -- checks ------------------------------------------------------------------------------------


def _hashable(v: Any) -> bool:
    try:
        hash(v)
    except TypeError:
        return False
    return True


def check_unique_numbers(docs: list[Document]) -> list[Problem]:
    """評価書番号 within one organisation (one folder of content/) names one 評価: at most one
    document of each form, and one detailed evaluation (重点項目評価書 or 全項目評価書) beside the
    基礎項目評価書 (see check)."""
    problems = []
    seen: dict[tuple, Document] = {}
    detailed: dict[tuple, tuple[Document, Form]] = {}
    for doc in sorted(docs, key=lambda d: str(d.path)):
        data = doc.data if isinstance(doc.data, dict) else {}
        name = data.get(form_key())
        if not _hashable(name):
            continue  # a list or mapping is reported by the type check
        try:
            form = form_of(data)
        except KeyError:
            continue  # no or unknown 様式: reported by check_document
        no = form.value(data, "number")
        if no is None or isinstance(no, Withheld) or not _hashable(no):
            continue  # a 非公表 number is not compared (a message would have to name it)
        where = form.role_path("number")
        label = form.role_item("number").label
        key = (doc.path.parent.resolve(), form.name, no)
        if key in seen:
            problems.append(
                Problem(
                    doc.path,
                    doc.line(where),
                    label,
                    f"{label} {no} は {seen[key].path} と重複しています"
                    f"(同じ評価実施機関の中で、一つの{label}に同じ様式の評価書は一つです)",
                )
            )
            continue
        seen[key] = doc
        if form_level(form) not in (JUTEN, ZENKOUMOKU):
            continue
        other = detailed.get(key[:1] + key[2:])
        if other:
            problems.append(
                Problem(
                    doc.path,
                    doc.line(where),
                    label,
                    f"{label} {no} には {other[0].path} の{other[1].name}もあります。"
                    f"一つの評価の評価書は、基礎項目評価書と、重点項目評価書か全項目評価書のどちらか一つです",
                )
            )
        else:
            detailed[key[:1] + key[2:]] = (doc, form)
    return problems


def check(docs: list) -> list:
    """The 基礎's Ⅲ and Ⅳ 1 against its Ⅱ and against the documents present (same folder and number)."""
    problems: list = []
    groups: dict[tuple, list[tuple[Any, Form, dict]]] = {}
    for doc in docs:
        if not isinstance(doc.data, dict):
            continue
        try:
            form = form_of(doc.data)
        except KeyError:
            continue
        pub = public(doc.data)  # messages quote values: a 非公表 one reads 非公表 and counts as unanswered
        no = form.value(pub, "number")
        if not isinstance(no, int) or isinstance(no, bool) or form_level(form) is None:
            continue  # a number of the wrong type is reported by check_document
        groups.setdefault((doc.path.parent.resolve(), no), []).append((doc, form, pub))

    for (_, no), members in sorted(groups.items(), key=lambda kv: str(kv[0])):
        kisos = [m for m in members if m[1].has_role("submitted_kinds")]
        detailed = [m for m in members if not m[1].has_role("submitted_kinds")]
        for doc, f, data in kisos:

            def add(role: str, message: str, severity: str = ERROR, *, f: Form = f, data: dict = data, doc=doc) -> None:
                path = f.role_path(role) if f.has_role(role) else ()
                label = f.short_label(path, data) if path else ""
                problems.append(Problem(doc.path, doc.line(path) if path else 1, label, message, severity))

            answers = [f.value(data, r) for r in ("threshold_target_count", "threshold_handlers", "threshold_incident")]
            required = required_level(*answers)
            stated_text = f.value(data, "threshold_result")
            stated = level_of_text(stated_text)
            said = "、".join(
                f"{_short(f, r)}「{unwrap(v)}」"
                for r, v in zip(
                    ("threshold_target_count", "threshold_handlers", "threshold_incident"), answers, strict=False
                )
                if v is not None
            )
            if required is not None and stated is not None and stated != required:
                add(
                    "threshold_result",
                    f"しきい値判断結果は「{unwrap(stated_text)}」ですが、Ⅱの回答({said})からは"
                    f"「{what(required)}」の実施が義務付けられます。Ⅱの回答か、しきい値判断結果を確かめてください",
                )
            must = required if required is not None else stated
            kinds_text = f.value(data, "submitted_kinds")
            submitted = level_of_text(kinds_text)
            if submitted is not None and must is not None and submitted < max(must, KISO):
                add(
                    "submitted_kinds",
                    f"提出する評価書は「{unwrap(kinds_text)}」ですが、しきい値判断からは"
                    f"「{what(must)}」が義務付けられます(Ⅱ・Ⅲの回答: {said or unwrap(stated_text)})",
                )
            for dd, df, dpub in detailed:  # the 重点/全項目 restates the result (e.g. 重点 Ⅴ 1 ②): the same one
                own_text = df.value(dpub, "threshold_result")
                own = level_of_text(own_text)
                if own is not None and stated is not None and own != stated:
                    path = df.role_path("threshold_result")
                    problems.append(
                        Problem(
                            dd.path,
                            dd.line(path),
                            df.short_label(path, dpub),
                            f"しきい値判断結果「{unwrap(own_text)}」が、同じ評価書番号 {no} の基礎項目評価書"
                            f"({doc.path.name})のしきい値判断結果「{unwrap(stated_text)}」と合いません",
                            WARNING,
                        )
                    )
            if submitted is None:
                continue
            present = {form_level(df): (dd, df) for dd, df, _ in detailed}
            for lv, (dd, df) in sorted(present.items()):
                if lv != submitted:
                    add(
                        "submitted_kinds",
                        f"評価書番号 {no} の{df.name}({dd.path.name})がありますが、提出する評価書の種類は"
                        f"「{unwrap(kinds_text)}」です。どちらかを直してください",
                    )
            if submitted in (JUTEN, ZENKOUMOKU) and submitted not in present:
                want = _form_named(submitted)
                add(
                    "submitted_kinds",
                    f"提出する評価書の種類は「{unwrap(kinds_text)}」ですが、同じ評価実施機関のフォルダに"
                    f"評価書番号 {no} の{want}がありません(別に公表しているときは、この警告は気にしなくて構いません)",
                    WARNING,
                )
        if len(kisos) == 0 and detailed:
            continue  # a 重点/全項目 published alone: its 基礎 may be kept elsewhere
    return problems


def _short(f: Form, role: str) -> str:
    item = f.role_item(role)
    parent = item.parent
    return bare(parent.label) if parent is not None and parent.kind == "section" else bare(item.label)


def _form_named(level: int) -> str:
    for name in form_names():
        if form_level(load_form(name)) == level:
            return name
    return what(level)
