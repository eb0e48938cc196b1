"""JSON Schema generated from the form definition, for editors (VS Code's YAML
extension via `# yaml-language-server: $schema=…`) and for open-data users."""

from __future__ import annotations

import json
from pathlib import Path

from piasite.core.tags import UNCERTAIN_FIELDS
from piasite.forms.form import Form
from piasite.forms.items import HINT_PREFIX, Item
from piasite.forms.registry import form_names, load_form

BASE_URL = "https://piasite.invalid/schema/"  # $id only; nothing is fetched from it

_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"}
_MONTH = {"type": "string", "pattern": r"^\d{4}-\d{2}(-\d{2})?$"}


def _desc(item: Item) -> str:
    text = item.display_label
    if item.parent_label:
        text = f"{item.parent_label} {text}"
    if item.mark:
        text += "(※ 変更は重要な変更に当たります)"
    if item.hint:  # shown by editors beside the key (VS Code's completion and hover)
        text += f"\n{HINT_PREFIX}{item.hint}"
    return text


def item_schema(item: Item) -> dict:
    k = item.kind
    if k == "section":
        s = _object(item.items)
    elif k == "group":
        elem = _object(item.items)
        if item.number is not None:  # the element's printed number (システム7), first
            elem["properties"] = {item.number.key: _number_schema(item), **elem["properties"]}
        s = {"type": "array", "items": elem}
    elif k in ("text", "ref"):
        s = {"type": ["string", "number", "null"]}
    elif k == "list":
        s = {"type": ["array", "null"], "items": {"type": ["string", "number"]}}
    elif k == "choice":
        s = {"enum": list(item.choices) + [None]}
    elif k == "multi":
        plain = [o.text for o in item.options if not o.qualifier]
        qual = [o.text for o in item.options if o.qualifier]
        variants: list[dict] = []
        if plain:
            variants.append({"enum": plain})
        variants += [{"enum": [o]} for o in qual]
        if qual:
            variants.append(
                {
                    "type": "object",
                    "minProperties": 1,
                    "maxProperties": 1,
                    "properties": {o: {"type": ["string", "null"]} for o in qual},
                    "additionalProperties": False,
                }
            )
        s = {"type": ["array", "null"], "uniqueItems": True, "items": {"anyOf": variants}}
    elif k == "date":
        if item.lenient:
            s = {"type": "string"}
        else:
            s = _MONTH if item.precision == "month" else _DATE
        s = {"anyOf": [s, {"type": "null"}]}
    elif k in ("count", "integer"):
        s = {"type": ["integer", "null"], "minimum": 0}
    elif k == "flag":
        s = {"type": ["boolean", "null"]}
    else:  # pragma: no cover - the definition is checked by tests
        raise ValueError(k)
    if k not in ("section", "group"):  # any value may be one the importer could not read
        s = {"anyOf": [s, {"$ref": "#/$defs/uncertain"}]}
    s = dict(s)
    s["title"] = item.label
    s["description"] = _desc(item)
    return s


def _number_schema(group: Item) -> dict:
    number = group.number
    assert number is not None
    head = (group.element or "{n}").replace("{name}", "").format(n=7)  # システム7, (7)
    return {
        "type": "integer",
        "minimum": 1,
        "title": number.label,
        "description": f"原文に印刷された番号({head} の 7)。原文の番号が 1, 2, 3 … と続かないときだけ、"
        "すべての要素に、原文の順に増えるように書きます(項目のアンカーは位置の順のまま変わりません)",
    }


VERSION_PATTERN = r"^(平成|令和)(元|[0-9]{1,2})年[0-9]{1,2}月$"


def _object(items: list[Item]) -> dict:
    return {
        "type": "object",
        "properties": {i.key: item_schema(i) for i in items},
        "required": [i.key for i in items if i.required],
        "additionalProperties": False,
    }


def form_schema(form: Form) -> dict:
    s = _object(form.root.items)
    key = form.top_key("form")
    s["properties"][key] = {"const": form.name, "title": form.role_item("form").label, "description": "評価書の様式"}
    if form.has_role("form_version"):
        # a revision the definition does not list is allowed too (check warns): any 元号N年M月
        v = s["properties"][form.top_key("form_version")]
        v["anyOf"] = [*v["anyOf"], {"type": "string", "pattern": VERSION_PATTERN}]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{BASE_URL}{form.schema_id}.schema.json",
        "title": form.title,
        **s,
        "$defs": {"uncertain": UNCERTAIN},
    }


# A value written `!要確認` in content (原文, 行, 理由, 読み), or in open data (要確認, 原文, 理由).
UNCERTAIN = {
    "type": "object",
    "title": "要確認",
    "description": "原文から読み取れなかった値(" + "、".join(f"{k}: {v}" for k, v in UNCERTAIN_FIELDS.items()) + ")",
    "properties": {
        "要確認": {"type": "string"},
        "原文": {"type": "string"},
        "行": {"type": "integer"},
        "理由": {"type": "string"},
        "読み": {},
    },
    "required": ["原文"],
    "additionalProperties": False,
}


def schema_filename(form: Form) -> str:
    return f"{form.schema_id}.schema.json"


def write_schemas(out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in form_names():
        form = load_form(name)
        p = out_dir / schema_filename(form)
        p.write_text(json.dumps(form_schema(form), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(p)
    return written
