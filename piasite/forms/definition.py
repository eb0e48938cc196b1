"""One form definition file → Form: items built, versions' labels expanded, roles and hints checked.

A definition that cannot be used is a FormError naming its file (and the item or role).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from piasite.core import yamlcore
from piasite.core.errors import PiasiteError
from piasite.forms import regime
from piasite.forms.form import Form
from piasite.forms.items import HINT_MAX, Item, Option, numbered_heading
from piasite.forms.roles import EACH
from piasite.forms.values import kind_ja


class DefinitionLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # libyaml when present: the form is read on every build
    pass


yamlcore.as_written(DefinitionLoader, merge=True)  # as written (yamlcore.py); the definitions use merge keys


MAX_ITEMS = 5_000  # items of one definition (the largest form has about 300)


class FormError(PiasiteError, ValueError):
    """A form definition that cannot be used (e.g. a role naming an unknown key)."""


def _parse_role(text: Any) -> tuple:
    """ "a.b[].c" → ("a", "b", EACH, "c"): keys joined by ".", "[]" after a list's key."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("空です")
    out: list[str] = []
    for seg in text.strip().split("."):
        each = 0
        while seg.endswith(EACH):
            seg, each = seg[: -len(EACH)], each + 1
        if not seg or each > 1:
            raise ValueError(f"「{text}」の書き方が違います(キーを . でつなぎ、各要素は [] で表します)")
        out.append(seg)
        out += [EACH] * each
    return tuple(out)


def _resolve_roles(raw: Any, form: Form, source: str) -> dict[str, tuple]:
    """Every role path checked against the definition: an unknown key is an error at load."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise FormError(f"{source}: roles: は「役割名: キーのパス」の対応表で書いてください")
    out: dict[str, tuple] = {}
    for name, text in raw.items():
        try:
            pattern = _parse_role(text)
        except ValueError as e:
            raise FormError(f"{source}: roles.{name}: {e}") from None
        node: Item = form.root
        for i, k in enumerate(pattern):
            if k == EACH:
                if node.is_container and node.kind != "group" or node is form.root:
                    raise FormError(
                        f"{source}: roles.{name}: 「{node.key}」は繰り返す項目ではないので [] は付けられません"
                    )
                continue
            if node.kind == "group" and (i == 0 or pattern[i - 1] != EACH) and node is not form.root:
                raise FormError(
                    f"{source}: roles.{name}: 「{node.key}」は繰り返す項目です。「{node.key}[]」と書いてください"
                )
            child = node.child(k)
            if child is None:
                where = f"「{node.key}」の下に" if node is not form.root else "定義に"
                raise FormError(f"{source}: roles.{name}: 「{k}」という項目が{where}ありません(「{text}」)")
            node = child
        out[str(name)] = pattern
    return out


def _expand_labels(labels: dict | None, versions: tuple[str, ...], where: str) -> dict[str, str]:
    """`labels: {平成28年1月: ②所属長}` names the last version that printed a label: every
    version up to it prints that label (unless an earlier key says otherwise); later ones
    print the item's own label."""
    if not labels:
        return {}
    unknown = [v for v in labels if v not in versions]
    if unknown:
        raise ValueError(
            f"{where}: labels names a version the form does not list: {unknown} (versions: {list(versions)})"
        )
    out: dict[str, str] = {}
    keys = sorted(labels, key=versions.index)
    for v in versions:
        later = [k for k in keys if versions.index(k) >= versions.index(v)]
        if later:
            out[v] = labels[later[0]]
    return out


def _build(raw: dict, sets: dict, opts: dict, parent: Item | None, versions: tuple[str, ...] = ()) -> Item:
    choices = raw.get("choices") or ()
    if isinstance(choices, str):
        choices = sets[choices]
    options = raw.get("options") or ()
    if isinstance(options, str):
        options = opts[options]
    item = Item(
        key=raw["key"],
        label=raw["label"],
        id=str(raw["id"]),
        kind=raw["kind"],
        mark=bool(raw.get("mark")),
        required=bool(raw.get("required")),
        choices=tuple(choices),
        options=tuple(_option(o, versions) for o in options),
        element=raw.get("element"),
        element_id=raw.get("element_id"),
        name_key=raw.get("name_key"),
        variants=tuple(raw.get("variants") or ()),
        precision=raw.get("precision", "day"),
        parent_label=raw.get("parent_label"),
        lenient=bool(raw.get("lenient")),
        unconfirmed=bool(raw.get("unconfirmed")),
        source=raw.get("source"),
        version_labels=_expand_labels(raw.get("labels"), versions, raw["key"]),
        unused_if=_as_tuple(raw["unused_if"]) if "unused_if" in raw else (),
        printed=raw.get("printed"),
        shape=_shape(raw.get("shape"), raw["key"]),
        since=_since(raw.get("since"), versions, raw["key"]),
        parent=parent,
    )
    item.hint, item.hint_source = _hint(raw, item)
    item.items = [_build(c, sets, opts, item, versions) for c in raw.get("items") or ()]
    return item


def _hint(raw: dict, item: Item) -> tuple[str | None, tuple[str, ...]]:
    """`hint:` (one line for the clerk) and `hint_source:` (what it paraphrases: a text or a list of
    texts), checked: a hint without its source, or a source without a hint, is an error."""
    where = ".".join(n.key for n in _ancestry(item))
    hint, src = raw.get("hint"), raw.get("hint_source")
    if hint is None and src is None:
        return None, ()
    if hint is None:
        raise FormError(f"項目「{where}」: hint_source: がありますが hint: がありません")
    if not isinstance(hint, str):
        raise FormError(f"項目「{where}」: hint: は 1 行の文字列で書いてください({kind_ja(hint)}になっています)")
    text = hint.strip()
    if not text or "\n" in text:
        raise FormError(f"項目「{where}」: hint: は空でない 1 行の文字列で書いてください")
    if len(text) > HINT_MAX:
        raise FormError(f"項目「{where}」: hint: は {HINT_MAX} 字以内で書いてください({len(text)} 字あります)")
    sources = [src] if isinstance(src, str) else src
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) and s.strip() for s in sources):
        raise FormError(
            f"項目「{where}」: hint: には hint_source: (根拠の資料: 文字列か文字列のリスト)を添えてください"
        )
    return text, tuple(s.strip() for s in sources)


def _ancestry(item: Item) -> list[Item]:
    out: list[Item] = []
    node: Item | None = item
    while node is not None:
        out.insert(0, node)
        node = node.parent
    return out


def _since(v: Any, versions: tuple[str, ...], where: str) -> str | None:
    if v is None:
        return None
    if str(v) not in versions:
        raise FormError(f"項目「{where}」: since: の「{v}」は様式の版 (versions: {'、'.join(versions)}) にありません")
    return str(v)


def _shape(v: Any, where: str) -> str | None:
    if v is None:
        return None
    known = regime.section("shapes")["shapes"]
    if v not in known:
        raise FormError(
            f"項目「{where}」: shape: の「{v}」は値の形(forms/regime/shapes.yaml: {'、'.join(known)})にありません"
        )
    return str(v)


def _as_tuple(v: Any) -> tuple:
    return tuple(v) if isinstance(v, list) else (v,)


def _option(o: Any, versions: tuple[str, ...] = ()) -> Option:
    if isinstance(o, str):
        return Option(o)
    return Option(
        o["text"],
        bool(o.get("qualifier")),
        o.get("group"),
        tuple(o.get("variants") or ()),
        o.get("label"),
        tuple(_expand_labels(o.get("labels"), versions, o["text"]).items()),
    )


def load_form_file(path: Path, text: str | None = None) -> Form:
    """One definition file → Form (text: the file's, when the caller read it); its roles are
    resolved here (FormError names the file)."""
    path = Path(path)
    raw = read_raw(path, text)
    sets, opts = raw.get("choices", {}), raw.get("options", {})
    versions = tuple(str(v) for v in raw.get("versions") or ())
    document = raw.get("document") or []
    # piasite's own keys of each element of a numbered group (scope: element), not of the document
    per_element = [i for i in document if i.get("scope") == "element"]
    if len(per_element) > 1:
        raise FormError(f"{path.parent.name}/{path.name}: document: の scope: element は一つだけ書けます")
    if _more_items_than(MAX_ITEMS, raw["items"], document):  # aliases can repeat a list without end
        raise FormError(f"{path.parent.name}/{path.name}: 項目が多すぎます({MAX_ITEMS:,} 個まで)")
    try:
        items = [_build(i, sets, opts, None, versions) for i in raw["items"]]
        document_items = [_build(i, sets, opts, None, versions) for i in document if i.get("scope") != "element"]
    except FormError as e:
        raise FormError(f"{path.parent.name}/{path.name}: {e.message}") from None
    form = Form(
        name=raw["form"],
        title=raw["title"],
        schema_id=raw["schema_id"],
        items=items,
        document_items=document_items,
        source=path.name,
        versions=versions,
        form_number=raw.get("form_number"),
        contents=raw.get("contents"),
        index=dict(raw.get("index") or {}),
    )
    form.roles = _resolve_roles(raw.get("roles"), form, f"{path.parent.name}/{path.name}")
    if per_element:
        for item in form.walk():
            if item.kind == "group" and numbered_heading(item.element):
                if item.child(per_element[0]["key"]) is not None:
                    raise FormError(
                        f"{path.parent.name}/{path.name}: 「{item.key}」の中に scope: element の"
                        f"「{per_element[0]['key']}」と同じキーの項目があります"
                    )
                item.number = _build(per_element[0], sets, opts, item, versions)
    return form


def _more_items_than(limit: int, *lists: Any) -> bool:
    """Whether the items (and the items inside them) number more than limit, counted as the build
    would meet them (an alias counts each time it is used) and stopping at the limit."""
    stack = [i for items in lists if isinstance(items, list) for i in items]
    seen = 0
    while stack:
        item = stack.pop()
        seen += 1
        if seen > limit:
            return True
        inner = item.get("items") if isinstance(item, dict) else None
        if isinstance(inner, list):
            stack.extend(inner)
    return False


def read_raw(path: Path, text: str | None = None) -> Any:
    """A definition file's YAML as data (text: the file's, when the caller read it)."""
    return yaml.load(Path(path).read_text(encoding="utf-8") if text is None else text, Loader=DefinitionLoader)
