"""Reading selected values out of the five checkbox notations and the many
ways a choice is printed (inventory quirks 18–25)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from piasite.forms.items import Item, Option
from piasite.importer.text import CHECKED, MARKERS, RADIO_OFF, RADIO_ON, nfkc, norm_value, plain

# Box glyphs of text-layer extractions (pdftotext and the like): ■ ticked, □ not. They are boxes
# only where a choice, a list of options or a section flag is read; in a free text they stay as printed.
GLYPH_ON, GLYPH_OFF = "■", "□"
# A box: [○] [ ] 〔○〕 (○) [O] [☑] ■ □ or a bare input marker.
# Parentheses count as a box only with a mark in them: `( )` is an empty qualifier or count.
_BOX = re.compile(
    r"[\[〔]\s*([○OＯ" + MARKERS + r"]?)\s*[\]〕]|[(（]\s*([○OＯ])\s*[)）]|([" + MARKERS + GLYPH_ON + GLYPH_OFF + r"])"
)
# ［ 十分である ］: full-width brackets read as the ASCII ones (the value inside is kept as printed)
_WIDE = str.maketrans({"［": "[", "］": "]"})
_GLYPHS = MARKERS + GLYPH_ON + GLYPH_OFF


def _cell(cell: str) -> str:
    return plain(cell).translate(_WIDE)


_OPTIONS_MARK = re.compile(r"[<＜]\s*選択肢\s*[>＞]")
_COUNT = re.compile(r"[(（]\s*([\d,]*)\s*[)）]?\s*件")


def _state(glyph: str) -> str:
    if glyph in ("○", "O", "Ｏ", CHECKED, RADIO_ON, GLYPH_ON):
        return "on"
    if glyph == RADIO_OFF:
        return "radio"
    return "off"


# Why a value was not read for certain (the item becomes !要確認 unless other evidence settles it).
NO_MARK = "どの選択肢にもチェック記号が付いていません"
BRACKETS_ONLY = (
    NO_MARK + "(括弧書きに記入のある選択肢は選ばれていると思われますが、"
    "括弧のない選択肢が選ばれているかは読み取れません)"
)
EMPTY_BRACKETS = "選ばれた選択肢を記入する括弧の中が空です"
RADIO_ALONE = (
    "どの選択肢も同じラジオボタンの記号(◎)で印刷されていて、選ばれた選択肢と選ばれていない選択肢の区別が読み取れません"
)


@dataclass
class Reading:
    value: object = None
    doubts: list[str] = field(default_factory=list)  # confident readings worth a note (a near spelling…)
    unsure: str = ""  # why the value (or its absence) is not certain: the value, if any, is a guess
    radio: str = ""  # "contrast": ◎ beside real boxes in the row; "alone": ◎ the only glyph


def options_part_removed(text: str) -> str:
    """The cell without its printed option list (`<選択肢> 1) … 2) …`)."""
    m = _OPTIONS_MARK.search(text)
    if not m:
        return text
    before, after = text[: m.start()], text[m.end() :]
    # a value printed after the list, e.g. `<選択肢> 1) … [x]` or `<選択肢> [x] 1) …`
    tail = " ".join(re.findall(r"[\[〔][^\[\]〔〕]*[\]〕]", after))
    return before + " " + tail


def match_choice(text: str, choices: tuple[str, ...]) -> tuple[str | None, bool]:
    """(choice, exact) for a printed value; near spellings are accepted but marked not exact."""
    t = norm_value(text)
    if not t:
        return None, True
    table = {norm_value(c): c for c in choices}
    if t in table:
        return table[t], True
    for k, c in sorted(table.items(), key=lambda kv: -len(kv[0])):
        if t.startswith(k) and len(t) - len(k) <= 2:
            return c, True
    close = difflib.get_close_matches(t, list(table), n=1, cutoff=0.6)
    if close:
        return table[close[0]], False
    return None, False


def read_choice(cell: str, item: Item) -> Reading:
    r = Reading()
    text = _cell(cell)
    body = options_part_removed(text)
    candidates: list[str] = []
    for m in re.finditer(r"[\[〔]([^\[\]〔〕]*)[\]〕]", body):
        inner = re.sub("[" + _GLYPHS + "]", "", m.group(1)).strip()
        if inner:
            candidates.append(inner)
    if not candidates:
        # choice drawn as a row of checkboxes (000:650)
        for m in re.finditer("([" + CHECKED + RADIO_ON + GLYPH_ON + "])\\s*([^" + _GLYPHS + r"\[\]<＜]+)", body):
            candidates.append(m.group(2).strip())
    if not candidates and len(re.findall("[" + _GLYPHS + "]", body)) <= 1:
        rest = re.sub("[" + _GLYPHS + r"\[\]〔〕]", " ", body)
        rest = _COUNT.sub(" ", rest).strip()
        if rest and not re.fullmatch(r"[\d)\s]*", rest):
            candidates.append(rest)
    for c in candidates:
        value, exact = match_choice(c, item.choices)
        numbered = re.match(r"^(\d{1,2})\s*[)）]\s*(\S.*)$", c)
        if numbered and not exact:
            # [ 8) 特定個人情報の漏えい… ]: the option printed with its number; exact when the number is its own
            v2, exact2 = match_choice(numbered.group(2), item.choices)
            if v2 and exact2 and item.choices.index(v2) + 1 == int(numbered.group(1)):
                value, exact = v2, True
        if value:
            r.value = value
            if not exact:
                r.doubts.append(f"原文の「{c}」を選択肢「{value}」と読みました")
            return r
    if not candidates and re.search("[" + _GLYPHS + "]", body):
        r.unsure = NO_MARK
    elif not candidates and re.search(r"[\[〔]\s*[\]〕]", body):
        r.unsure = EMPTY_BRACKETS
    if candidates:
        r.unsure = f"選択された値「{candidates[0]}」が選択肢にありません"
    return r


def read_count(cell: str, after: str | None = None) -> int | None:
    """The n of `( n ) 件`, optionally the one following `after` (an option text)."""
    text = _cell(cell)
    if after:
        i = norm_value(text).find(norm_value(after))
        if i < 0:
            return None
        # find the same option in the plain text, then the count after it
        j = text.find(after)
        if j < 0:
            return None
        text = text[j + len(after) :]
        nxt = _BOX.search(text)
        if nxt:
            text = text[: nxt.start()]
    m = _COUNT.search(text)
    if not m or not m.group(1):
        return None
    return int(m.group(1).replace(",", ""))


@dataclass
class Box:
    state: str  # on | off | radio
    text: str
    glyph: str = ""


_EMPTY_PARENS = re.compile(r"[(（]\s*[)）]")
_MARKUP = re.compile("[<&]")  # where plain() may read a tag or an entity: its reach is not bounded


def _opens_with(text: str, start: int, keys: tuple[str, ...]) -> bool:
    """norm_value(text[start:]).startswith(keys), from as little of the text as decides it: a row of
    `( )` would otherwise normalise the rest of the row once per pair (quadratic on a long row).

    Without `<` or `&` (a tag or an entity plain() would read) the normal form of a piece of text is
    a prefix of the normal form of any text it begins (each character normalises on its own: spaces,
    `*`, `※` and commas drop out, NFKC), so a piece whose normal form is as long as the longest key
    decides it; otherwise the whole rest is normalised, as before."""
    longest = max(len(k) for k in keys)
    width = 2 * longest + 8
    while True:
        end = min(len(text), start + width)
        stop = _MARKUP.search(text, start, end)
        piece = norm_value(text[start : stop.start() if stop else end])
        if len(piece) >= longest or (stop is None and end == len(text)):
            return piece.startswith(keys)
        if stop:
            return norm_value(text[start:]).startswith(keys)
        width *= 2


def boxes(cell: str, option_keys: tuple[str, ...] = ()) -> list[Box]:
    """Every box in a cell with the text printed after it. In a row whose ticked boxes are `(○)`,
    an empty `( )` right before one of the options (`option_keys`, in their normal form) is
    that option's unticked box; elsewhere `( )` holds a qualifier or a count."""
    text = _cell(cell)
    text = _OPTIONS_MARK.split(text)[0] if _OPTIONS_MARK.search(text) and _BOX.search(text) else text
    found: list[tuple[int, int, str]] = []
    for m in _BOX.finditer(text):
        found.append((m.start(), m.end(), next(g for g in m.groups() if g is not None)))
    if option_keys and any(m.group(2) for m in _BOX.finditer(text)):
        for m in _EMPTY_PARENS.finditer(text):
            if _opens_with(text, m.end(), option_keys):
                found.append((m.start(), m.end(), " "))
        found.sort()
    out = []
    for i, (_, end_box, glyph) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(text)
        out.append(Box(_state(glyph), text[end_box:end].strip(), glyph))
    return out


def _resolve_radio(bxs: list[Box]) -> str:
    """Quirk 18: `<input type="radio"/>` means selected where the same row draws other
    options with another glyph (a checkbox, or an empty `[ ]`): "contrast". Where ◎ is the
    only glyph of the row it is a guess ("alone"), unless the document shows the
    contrast in another row (document.py decides). "" when the row has no ◎."""
    radios = [b for b in bxs if b.state == "radio"]
    if not radios:
        return ""
    for b in radios:
        b.state = "on"
    return "contrast" if len(radios) < len(bxs) else "alone"


def read_multi(cell: str, item: Item) -> Reading:
    """List of option texts (qualifier options as {text: qualifier})."""
    r = Reading()
    opts = sorted(((norm_value(t), o) for o in item.options for t in (o.text, *o.variants)), key=lambda x: -len(x[0]))
    bxs = boxes(cell, tuple(k for k, _ in opts if k))
    if not bxs:
        return r
    r.radio = _resolve_radio(bxs)
    if r.radio == "alone":
        r.unsure = RADIO_ALONE
    picked: list[tuple[Option, bool, str]] = []  # (option, checked, qualifier)
    stray: list[str] = []
    for b in bxs:
        t = b.text
        nt = norm_value(t)
        for key, o in opts:
            if nt.startswith(key):
                rest = _after_norm_prefix(t, key)
                qual = ""
                if o.qualifier:
                    qual = rest.strip()
                    qual = re.sub(r"^[(（]\s*", "", qual)
                    qual = (
                        re.sub(r"\s*[)）]$", "", qual)
                        if qual.count("(") + qual.count("（") < qual.count(")") + qual.count("）")
                        or qual.endswith(("）", ")"))
                        and not re.search(r"[(（][^)）]*$", qual)
                        else qual
                    )
                    qual = re.sub(r"\s*[)）]\s*$", "", qual) if not re.search(r"[(（]", qual) else qual
                elif re.fullmatch(r"\s*[(（].+[)）]\s*", rest or ""):
                    stray.append(re.sub(r"^\s*[(（]\s*|\s*[)）]\s*$", "", rest))
                picked.append((o, b.state == "on", qual.strip()))
                break
        else:
            # an OCR misreading of an option (市内連携システム, quirk 36)
            head = re.split(r"\s|[(（]", t, maxsplit=1)[0] if t else ""
            close = difflib.get_close_matches(norm_value(head), [k for k, _ in opts], n=1, cutoff=0.85) if head else []
            if close:
                o = next(o for k, o in opts if k == close[0])
                r.doubts.append(f"「{head}」を選択肢「{o.text}」の読み誤りとして読みました")
                picked.append((o, b.state == "on", ""))
            elif t and t not in ("(", ")", "（", "）"):
                r.doubts.append(f"選択肢にない項目「{t}」がありました")
    # qualifier printed outside the list (quirk 24)
    for i, (o, on, q) in enumerate(picked):
        if o.qualifier and on and not q and stray:
            picked[i] = (o, on, stray.pop(0))
    any_on = any(on for _, on, _ in picked)
    out = []
    seen = set()
    for o, on, q in picked:
        evidence = o.qualifier and q and q not in ("-", "—")
        if on or (not any_on and evidence):
            if o.text in seen:
                continue
            seen.add(o.text)
            out.append({o.text: q} if o.qualifier and q else o.text)
    if not any_on and out:
        r.unsure = BRACKETS_ONLY  # the filled-in brackets are a guess: the value is the reading
    if not any_on and not out:
        r.unsure = NO_MARK
        r.value = None
        return r
    # a set of the form's options, in the form's order (a row printed in two columns is read down
    # one column, then the other: the order printed is the layout's, not the value's)
    order = {o.text: k for k, o in enumerate(item.options)}
    r.value = sorted(out, key=lambda v: order.get(next(iter(v)) if isinstance(v, dict) else v, len(order)))
    return r


def _after_norm_prefix(text: str, key: str) -> str:
    """Text after the shortest raw prefix whose normal form is `key`."""
    for i in range(len(text) + 1):
        if norm_value(text[:i]) == key:
            # include trailing chars that normalise to nothing
            return text[i:]
    return ""


def read_flags(cell: str, flags: list[Item]) -> dict[str, bool]:
    """Section flags printed as `[] 委託しない` beside a heading."""
    bxs = boxes(cell)
    _resolve_radio(bxs)
    out = {}
    for b in bxs:
        for f in flags:
            if norm_value(b.text).startswith(norm_value(f.label)):
                out[f.key] = b.state == "on"
    # `( ) 委託しない` / `(○) 委託しない`: empty parentheses are no box in a list (they hold a
    # qualifier or a count), but right before a flag's own label they are its box
    text = nfkc(plain(cell))
    for f in flags:
        if f.key in out:
            continue
        label = r"\s*".join(re.escape(ch) for ch in nfkc(f.label) if not ch.isspace())
        m = re.search(r"\(\s*([○O]?)\s*\)\s*" + label, text)
        if m:
            out[f.key] = bool(m.group(1))
    return out
