"""Checks an assessment against its form definition.

Every problem names the file, the line and the form item, in Japanese, as
`path:line: Ⅱ(1) 4. 委託事項1 ③委託先名: message`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from piasite.checks import plausibility
from piasite.core import dates, hygiene, textcheck
from piasite.core.labels import bare
from piasite.core.problems import ERROR, WARNING, Problem
from piasite.core.tags import UNCERTAIN_TAG as UNCERTAIN
from piasite.forms.form import Form
from piasite.forms.items import Item
from piasite.forms.registry import form_key, form_names, load_form
from piasite.forms.values import empty, kind_ja, value_at, version_month
from piasite.model.lists import ATTACHED, UNREAD, rest_of_list
from piasite.model.reader import Document, Uncertain, Withheld

HIDDEN = "(非公表の値)"  # said instead of a withheld value: messages reach CI logs


class Checker:
    def __init__(self, doc: Document):
        self.doc = doc
        self.problems: list[Problem] = []
        self.form: Form | None = None
        self.withheld: set[tuple] = set()  # paths of !非公表 values: never quoted
        self.texts: list[tuple[tuple, str]] = []  # (path, text) of every value, as check_text meets them
        self.corpus: hygiene.Corpus | None = None  # the document's text, for line_breaks
        self.erred: set[tuple] = set()  # paths an error was told at (a doubt there is not said again)

    def hidden(self, path: tuple) -> bool:
        return any(path[:i] in self.withheld for i in range(len(path) + 1))

    def q(self, path: tuple, value: Any) -> str:
        """A value as quoted in a message: 「value」, or (非公表の値)."""
        return HIDDEN if self.hidden(path) else f"「{value}」"

    def add(self, path: tuple, message: str, severity: str = ERROR, line: int | None = None) -> None:
        label = self.form.short_label(path, self.doc.data) if self.form and path else ""
        if severity == ERROR:
            self.erred.add(tuple(path))
        self.problems.append(Problem(self.doc.path, line or self.doc.line(path), label, message, severity))

    def _imported(self) -> bool:
        data = self.doc.data
        return isinstance(data, dict) and self.form is not None and bool(self.form.value(data, "import_notes"))

    # -- entry point -------------------------------------------------------
    def run(self) -> list[Problem]:
        self.mark_withheld(self.doc.data, ())
        self.check_form()
        self.check_plausibility()
        self.check_text(self.doc.data, ())
        self.check_mark_variants()
        return self.problems

    def check_plausibility(self) -> None:
        """A value that does not look like its item's (checks/plausibility.py: a name of several
        sentences, a title ending in a number, a label read as a value …): a warning at the value, for
        any document, hand-written or imported. Where the value is already an error (a date item
        without a date, a choice outside its choices, a count not a number) it is not said again."""
        if self.form is None or not isinstance(self.doc.data, dict):
            return
        for d in plausibility.doubts(self.form, self.doc.data):
            if any(d.path[:i] in self.erred for i in range(1, len(d.path) + 1)):
                continue
            self.add(
                d.path,
                f"値がこの項目のものではないようです({d.reason})。原本と見比べて、正しい項目に書き直してください",
                WARNING,
            )

    def check_mark_variants(self) -> None:
        """A kana word written two ways that differ only by ゛ and ゜ (OCR damage): one warning per word, at the
        first value with its rarer spelling. 取込メモ quotes the source as it was and is left out, and so
        are withheld values (check_text collected the rest)."""
        notes = self.form.top_key("import_notes") if self.form else None
        texts = [(p, t) for p, t in self.texts if not self.hidden(p) and not (notes and p[:1] == (notes,))]
        variants = hygiene.mark_variants(t for _, t in texts)
        first = hygiene.first_texts({spellings[-1][0] for spellings in variants}, texts)
        for spellings in variants:
            rare = spellings[-1][0]
            path = first[rare]
            said = "、".join(f"「{w}」({n} か所)" for w, n in spellings)
            self.add(
                path,
                f"{said}が、゛ と ゜ だけ違う書き方で混在しています。PDF からの読み取りの誤りではありませんか"
                "(原本で確かめて、正しい方にそろえてください)",
                WARNING,
            )

    def mark_withheld(self, value: Any, path: tuple) -> None:
        if isinstance(value, Withheld):
            self.withheld.add(path)
        elif isinstance(value, dict):
            for k, v in value.items():
                self.mark_withheld(v, path + (k,))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                self.mark_withheld(v, path + (i,))

    def check_form(self) -> list[Problem]:
        data = self.doc.data
        if not isinstance(data, dict):
            self.add((), "評価書は「キー: 値」の形で書いてください(ファイルが空か、形が違います)")
            return self.problems
        key = form_key()
        name = data.get(key)
        if name is None:
            self.add((), f"「{key}」がありません。次のいずれかを書いてください: {'、'.join(form_names())}", line=1)
            return self.problems
        if isinstance(name, Withheld) or not isinstance(name, str):
            self.add(
                (key,),
                f"{key}は次のいずれかを文字で書いてください: {'、'.join(form_names())}"
                f"({kind_ja(name) if not isinstance(name, Withheld) else HIDDEN}になっています)",
            )
            return self.problems
        if name not in form_names():
            self.add((key,), not_in(name, form_names(), key))
            return self.problems
        self.form = load_form(name)
        self.check_mapping(self.form.root, data, ())
        self.check_counts(data)
        return self.problems

    def kind(self, path: tuple, value: Any) -> str:
        """What a value is, for 「…になっています」; a withheld scalar is not quoted."""
        if self.hidden(path) and not isinstance(value, (dict, list)):
            return HIDDEN
        return kind_ja(value)

    # -- characters -----------------------------------------------------------
    def check_text(self, value: Any, path: tuple) -> None:
        """Control, bidi and zero-width characters and look-alike letters, in keys and values."""
        if isinstance(value, Withheld):
            value = value.value
        if isinstance(value, dict):
            for k, v in value.items():
                self.check_text_one(k, path + (k,), "キー")
                self.check_text(v, path + (k,))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                self.check_text(v, path + (i,))
        elif isinstance(value, str):
            self.check_text_one(value, path, "")
            self.texts.append((path, value))  # for check_mark_variants
        elif isinstance(value, Uncertain):
            for text in (value.source, value.reason, value.reading):
                if isinstance(text, str):
                    self.check_text_one(text, path, "")

    def check_text_one(self, text: str, path: tuple, what: str) -> None:
        where = f"{what}{'の' if what else ''}"
        for severity, message in textcheck.problems(text):
            self.add(path, where + message, severity)
        for word, latin in textcheck.lookalikes(text):
            hide = self.hidden(path) and not what
            said = f"{HIDDEN}に" if hide else f"「{word}」に"
            latin_said = "" if hide else f"ラテン文字なら「{latin}」です。"
            self.add(
                path,
                f"{where}{said}ラテン文字に似たキリル文字・ギリシャ文字などが混じっています。{latin_said}"
                "別の名前として扱われないよう、ラテン文字で書いてください",
                WARNING,
            )

    # -- structure ----------------------------------------------------------
    def check_mapping(self, item: Item, value: Any, path: tuple) -> None:
        if isinstance(value, Withheld):  # e.g. one withheld element of a group
            value = value.value
        if not isinstance(value, dict):
            self.add(path, f"「キー: 値」の形で書いてください({self.kind(path, value)}になっています)")
            return
        known = [c.key for c in item.items]
        for key in value:
            if item.child(key) is None and not (path and isinstance(path[-1], int) and item.element_child(key)):
                close = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
                hint = f"「{close[0]}」の誤りではありませんか。" if close else ""
                where = f"「{item.label}」の中に" if item.label and path else ""
                self.add(path + (key,), f"{where}「{key}」という項目はありません。{hint}".rstrip())
        for child in item.items:
            cpath = path + (child.key,)
            if child.key not in value or empty(value[child.key]):
                if child.required:
                    # a key written with nothing after it is told at its own line, as empty; a key not
                    # written at all, at the line of the group it belongs in
                    written = child.key in value
                    lack = "が空です" if written else "がありません"
                    line = self.doc.line(cpath if written else path)
                    if self._imported():
                        # an imported document lacking what its source lacked: 取込メモ says so
                        self.add(
                            cpath,
                            f"必須項目「{child.display_label}」{lack}(取り込んだ評価書です。"
                            "取込メモを見て書き足してください)",
                            WARNING,
                            line=line,
                        )
                    else:
                        self.add(cpath, f"必須項目「{child.display_label}」{lack}", line=line)
                continue
            self.check_value(child, value[child.key], cpath)

    def check_value(self, item: Item, value: Any, path: tuple) -> None:
        withheld = isinstance(value, Withheld)
        if withheld:
            value = value.value
        if isinstance(value, Uncertain):
            self.check_uncertain(value, path)
            return
        kind = item.kind
        if isinstance(value, str) and not self.hidden(path):  # a withheld value is never quoted
            self.check_extraction(value, path)
        if kind == "section":
            self.check_mapping(item, value, path)
        elif kind == "group":
            if not isinstance(value, list):
                self.add(path, f"「- 」で始まるリストで書いてください({self.kind(path, value)}になっています)")
                return
            for i, elem in enumerate(value):
                self.check_mapping(item, elem, path + (i,))
            if item.number is not None:
                self.check_numbers(item, value, path)
        elif kind in ("text", "ref"):
            if isinstance(value, (dict, list)) or isinstance(value, bool):
                self.add(path, f"文章で書いてください({self.kind(path, value)}になっています)")
        elif kind == "list":
            if not isinstance(value, list):
                self.add(path, f"「- 」で始まるリストで書いてください({self.kind(path, value)}になっています)")
                return
            for i, entry in enumerate(value):
                if isinstance(entry, Withheld):
                    entry = entry.value
                if isinstance(entry, (dict, list, bool)) or entry is None:
                    self.add(
                        path + (i,), f"一つずつ文章で書いてください({self.kind(path + (i,), entry)}になっています)"
                    )
        elif kind == "choice":
            self.check_choice(item, value, path)
        elif kind == "multi":
            self.check_multi(item, value, path)
        elif kind == "date":
            self.check_date(item, value, path)
        elif kind in ("count", "integer"):
            if isinstance(value, bool) or not isinstance(value, int):
                shown = self.kind(path, value) if isinstance(value, (dict, list)) else self.q(path, value)
                self.add(path, f"数字だけで書いてください({shown}になっています)")
            elif value < 0:
                self.add(path, "0 以上の数を書いてください")
        elif kind == "flag":
            if not isinstance(value, bool):
                self.add(path, f"true(チェックあり)か false(なし)で書いてください({self.q(path, value)}になっています)")

    def check_numbers(self, group: Item, elems: list, path: tuple) -> None:
        """A group's printed numbers (システム1, システム4, …): a positive whole number on every element
        or on none, each larger than the one before (so none repeats)."""
        number = group.number
        assert number is not None  # only called for a group whose elements are numbered
        word = re.sub(r"[({]?\{n\}[)}]?|\{name\}", "", group.element or "").strip() or group.label
        given: list[tuple[int, Any]] = []
        for i, elem in enumerate(elems):
            elem = elem.value if isinstance(elem, Withheld) else elem
            if isinstance(elem, dict) and number.key in elem:
                given.append((i, elem[number.key]))
        if not given:
            return
        where = lambda i: path + (i, number.key)  # noqa: E731
        lacking = [i for i, elem in enumerate(elems) if i not in {g for g, _ in given}]
        for i in lacking:
            self.add(
                path + (i,),
                f"「{number.label}」がありません。原文の{word}の{number.label}を書くときは、"
                f"{len(elems)} 件すべてに書いてください(書いていないときは 1 から順に数えます)",
                line=self.doc.line(path + (i,)),
            )
        prev: tuple[int, int] | None = None  # (element, number) of the last good one
        for i, n in given:
            p = where(i)
            if isinstance(n, Withheld):
                self.add(p, f"「{number.label}」は非公表にできません(見出しに表示する{word}の番号です)")
                continue
            if isinstance(n, bool) or not isinstance(n, int) or n < 1:
                shown = self.kind(p, n) if isinstance(n, (dict, list, bool)) or n is None else self.q(p, n)
                self.add(
                    p,
                    f"「{number.label}」は原文に印刷された{word}の番号を 1 以上の整数で書いてください"
                    f"({shown}になっています)",
                )
                continue
            if prev is not None and n <= prev[1]:
                said = "同じです" if n == prev[1] else "より小さくなっています"
                self.add(
                    p,
                    f"「{number.label}」{n} が一つ前の{word}({prev[0] + 1} 件目)の {prev[1]} と{said}。"
                    f"{number.label}は原文の順に、重ならず増えるように書いてください",
                )
            prev = (i, n)

    def check_uncertain(self, value: Uncertain, path: tuple) -> None:
        where = f"原文 {value.line} 行目" if value.line else "原文"
        shown = f"{where}: 「{hygiene.snippet(value.source, 0, 0, 40)}」" if value.source else where
        self.add(
            path,
            f"{UNCERTAIN} 原文から読み取れませんでした({value.reason or '理由の記載なし'}。{shown})。"
            "原本で確かめて値を書き、タグを外してください",
            WARNING,
        )

    def check_extraction(self, text: str, path: tuple) -> None:
        """Damage left by PDF extraction: foreign-script letters and wrapped-cell spaces."""
        lookalike = {w for w, _ in textcheck.lookalikes(text)}  # told by check_text_one
        told = "\0".join(lookalike)  # one scan per distinct run, not one per word
        inside: dict[str, bool] = {}
        for i, run, script in hygiene.foreign_spans(text):
            if run not in inside:
                inside[run] = run in lookalike or run in told
            if inside[run]:
                continue
            self.add(
                path,
                f"日本語の文書にない文字({script})があります: 「{hygiene.snippet(text, i, len(run))}」"
                "(PDF からの読み取りの誤りではありませんか)",
                WARNING,
            )
        if self.corpus is None:
            self.corpus = hygiene.Corpus(self.doc.text)  # one for the document: its look-ups are remembered
        breaks = hygiene.line_breaks(text, self.corpus)
        if breaks:
            shown = "」「".join(hygiene.snippet(text, i, 1, 6) for i in breaks[:3])
            more = f" ほか {len(breaks) - 3} か所" if len(breaks) > 3 else ""
            self.add(path, f"語の途中に改行の名残と思われる空白があります: 「{shown}」{more}", WARNING)

    def check_choice(self, item: Item, value: Any, path: tuple) -> None:
        if not isinstance(value, str):
            self.add(path, f"選択肢の文言をそのまま書いてください({self.kind(path, value)}になっています)")
            return
        if value not in item.choices:
            f = self.form
            if (
                f is not None
                and f.has_role("form_version")
                and path == f.role_path("form_version")
                and (known := f.resolve_version(value)) is not None
                and version_month(value) not in {version_month(v) for v in f.versions}
            ):
                # a revision of the form its definition does not list yet (not a listed one misspelt):
                # read with the labels of the latest listed one before it
                self.add(
                    path,
                    f"「{value}」は様式の定義({Path(f.source).name})にない版です。{known}の版の項目名で"
                    "検査・表示します(定義の versions に加えてください)",
                    WARNING,
                )
                return
            self.add(path, not_in(value, item.choices, "選択肢", self.hidden(path)))

    def check_multi(self, item: Item, value: Any, path: tuple) -> None:
        if not isinstance(value, list):
            self.add(
                path,
                f"チェックした選択肢を「- 」で始まるリストで書いてください({self.kind(path, value)}になっています)",
            )
            return
        texts = [o.text for o in item.options]
        seen = set()
        for i, entry in enumerate(value):
            p = path + (i,)
            if isinstance(entry, Withheld):
                entry = entry.value
            if isinstance(entry, dict):
                if len(entry) != 1:
                    self.add(p, "「その他: 内容」のように 1 項目ずつ書いてください")
                    continue
                ((text, qual),) = entry.items()
                opt = item.option(text)
                if opt is None:
                    self.add(p, not_in(text, texts, "選択肢", self.hidden(p)))
                elif not opt.qualifier:
                    self.add(
                        p,
                        f"{self.q(p, text)}には括弧書きの内容を付けられません"
                        + ("" if self.hidden(p) else f"。「- {text}」と書いてください"),
                    )
                elif isinstance(qual, (dict, list)):
                    self.add(p, f"{self.q(p, text)}の括弧書きは文章で書いてください")
            elif isinstance(entry, str):
                text = entry
                if item.option(text) is None:
                    self.add(p, not_in(text, texts, "選択肢", self.hidden(p)))
            else:
                self.add(p, f"選択肢の文言をそのまま書いてください({self.kind(p, entry)}になっています)")
                continue
            if text in seen:
                self.add(p, f"{self.q(p, text)}が二度書かれています")
            seen.add(text)

    def check_date(self, item: Item, value: Any, path: tuple) -> None:
        if isinstance(value, dt.date):
            if dates.parse_iso(value) is None:
                self.add(path, f"日付{self.q(path, value)}は{dates.RANGE_JA}の日付にしてください")
            return
        if isinstance(value, str):
            parsed = dates.parse_iso(value)
            if parsed and (parsed[1] == "day" or item.precision == "month" or item.lenient):
                return
            if item.lenient and value.strip():
                return  # 別添2 keeps undated text such as 平成27年6月予定
            guess = dates.parse_date(value)
            if guess:
                d, prec = guess
                hide = self.hidden(path)
                if prec == "month" and item.precision != "month":
                    self.add(
                        path,
                        f"日付{self.q(path, value)}は日まで書いてください" + ("" if hide else f"(例: {dates.iso(d)})"),
                    )
                else:
                    self.add(
                        path,
                        f"日付{self.q(path, value)}は ISO 8601 形式"
                        + ("(2025-12-01 のように)で" if hide else f"で {dates.iso(d, prec)} と")
                        + "書いてください(サイトには和暦で表示されます)",
                    )
                return
        example = "2025-12-01" if item.precision != "month" else "2025-12-01 または 2018-12"
        self.add(
            path,
            f"日付として読めません({self.q(path, value)})。{dates.RANGE_JA}の日付を {example} のように書いてください",
        )

    # -- cross-item rules --------------------------------------------------
    def check_counts(self, data: dict) -> None:
        """Counts written beside a list (委託 件数, 提供/移転 件数) against the list, per file."""
        f = self.form
        if f is None:  # run() sets it before calling this
            return
        for fpath, file in f.values(data, "file"):
            if not isinstance(file, dict):
                continue
            items = [e for _, e in f.values(data, "entrustment", within=fpath)]
            n = f.value(data, "entrustment_count", within=fpath)
            flag = f.value(data, "entrustment_flag", within=fpath)
            none_choice = _negative_choice(f, "entrustment_flag")
            if none_choice and flag == none_choice and items:
                self.add(
                    _concrete_in(f, "entrustment_flag", fpath),
                    f"「{none_choice}」ですが{_word(f, 'entrustment')}が {len(items)} 件書かれています",
                )
            if isinstance(n, int) and not isinstance(n, bool) and n != len(items):
                self.add(
                    _concrete_in(f, "entrustment_count", fpath),
                    f"件数は {n} 件ですが、{_word(f, 'entrustment')}は {len(items)} 件書かれています",
                )
            rest = rest_of_list(f, data, fpath)  # where the document says the unlisted ones are
            for count_role, group_role in (("provision_count", "provision"), ("transfer_count", "transfer")):
                if not f.has_role(count_role) or not f.has_role(group_role):
                    continue
                n = f.value(data, count_role, within=fpath)
                listed = value_at(data, _concrete_in(f, group_role, fpath)) or []
                if not isinstance(listed, list) or not isinstance(n, int) or isinstance(n, bool):
                    continue
                if n == len(listed):
                    continue
                group_word = _word(f, group_role)
                word = group_word.removesuffix("先")  # 提供先 → 提供
                where = _concrete_in(f, count_role, fpath)
                if rest == ATTACHED and len(listed) < n:
                    self.add(
                        where,
                        f"{word}は {n} 件ですが {group_word}は {len(listed)} 件だけ書かれています"
                        "(残りは添付資料にあるものとします)",
                        WARNING,
                    )
                    continue
                if rest == UNREAD and len(listed) < n:  # the 添付資料 is !要確認: the source names none
                    attachment = f.role_item("provision_transfer_attachment").label
                    self.add(
                        where,
                        f"{word}は {n} 件ですが {group_word}は {len(listed)} 件だけ書かれていて、"
                        f"残りの掲載場所は原文から読み取れませんでした(「{attachment}」の {UNCERTAIN} を"
                        "原本で確かめてください)",
                        WARNING,
                    )
                    continue
                self.add(
                    where,
                    f"{word}は {n} 件ですが、{group_word}は {len(listed)} 件書かれています"
                    "(残りが添付資料にあるときは「添付資料」にその名前を書いてください)",
                )
            yn = f.value(data, "provision_transfer_flag", within=fpath)
            none_option = "行っていない"  # the option of 提供・移転の有無 saying there is none
            if (
                isinstance(yn, list)
                and none_option in yn
                and (
                    value_at(data, _concrete_in(f, "provision", fpath))
                    or value_at(data, _concrete_in(f, "transfer", fpath))
                )
            ):
                self.add(
                    _concrete_in(f, "provision_transfer_flag", fpath),
                    f"「{none_option}」ですが提供先・移転先が書かれています",
                )


def _concrete_in(f: Form, role: str, fpath: tuple) -> tuple:
    """The concrete path of a role inside one file (its list, for a role of each element)."""
    if not f.has_role(role):
        return ()
    return f.concrete(role, *(p for p in fpath if isinstance(p, int)))


def _word(f: Form, role: str) -> str:
    """How messages name a list: its label without number (委託事項, 提供先, 移転先)."""
    return bare(f.role_item(role).label)


def _negative_choice(f: Form, role: str) -> str | None:
    """The choice of a yes/no item that says "no" (委託しない): the last of its two choices."""
    if not f.has_role(role):
        return None
    choices = f.role_item(role).choices
    return choices[-1] if len(choices) == 2 else None


def _hashable(v: Any) -> bool:
    try:
        hash(v)
    except TypeError:
        return False
    return True


def not_in(value: Any, allowed: Iterable[str], what: str, hidden: bool = False) -> str:
    """The message for a value outside a list; a hidden (非公表) value is neither quoted nor hinted at."""
    allowed = list(allowed)
    listing = " ".join(f"{i}) {a}" for i, a in enumerate(allowed, 1))
    if hidden:
        return f"{HIDDEN}は{what}にありません。{what}: {listing}"
    close = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.5)
    hint = f"「{close[0]}」の誤りではありませんか。" if close else ""
    return f"「{value}」は{what}にありません。{hint}{what}: {listing}"


def check_document(doc: Document, hidden: set[tuple] | frozenset[tuple] = frozenset()) -> list[Problem]:
    """hidden: more paths never quoted (items an earlier version withheld: withheld.hidden_paths)."""
    c = Checker(doc)
    c.withheld |= set(hidden)
    return c.run()


def check_text(doc: Document) -> list[Problem]:
    """Only the character checks (for files that are not assessments, e.g. aliases.yaml)."""
    c = Checker(doc)
    c.mark_withheld(doc.data, ())
    c.check_text(doc.data, ())
    return c.problems
