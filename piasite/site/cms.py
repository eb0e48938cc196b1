"""The staff's browser form (Decap CMS, issue 23): its configuration, generated from the form definitions.

One collection per form; every item a field in the printed order, labelled as printed (with its number
and ※); choices as selects, checkbox lists (multi) as a multi-select with a text field for each
option that takes its own words (その他 (…)), repeating groups as lists, the definitions' hints
(記載要領 …) as the fields' hints. No form key is written here: every name comes from a definition.

Values reach the form as the text written in the YAML (admin/piasite-cms.js reads it with YAML's
failsafe schema), so dates, counts and flags are text fields with a pattern, never widgets that
would reformat them. The YAML is never rewritten by Decap's own writer: piasite-cms.js registers the
collection format `piasite-yaml`, which edits only the changed values in the original text and
refuses to save what it could not write exactly (see templates/admin/piasite-cms.js).

`shapes()` is what piasite-cms.js needs of the forms: where a value is a checkbox list (to turn
`- その他: …` into the select and its text field and back) and what kind each value is (to quote a
new value so that piasite reads it as the kind the item wants).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

from piasite.config.resources import templates_dir
from piasite.core.errors import PiasiteError
from piasite.forms.form import Form
from piasite.forms.items import Item
from piasite.history.commits import trailer_values
from piasite.history.trailers import T_DATE, T_EXPLANATION, T_NONE, T_TIMING

FORMAT = "piasite-yaml"  # the collection format piasite-cms.js registers
CHANGE_FIELD = "_piasite_change"  # the save's questions: the trailers (never written as a key)
SOURCE_FIELD = "_piasite_source"  # the file as read (never written): what the edits are made on
SELECTED = "sel"  # in a checkbox list's object: the options ticked
QUALIFIER = "q{i}"  # … and the words of its i-th option that takes them
DATE = r"^\d{4}-\d{2}-\d{2}$"
MONTH = r"^\d{4}-\d{2}(-\d{2})?$"
INTEGER = r"^(0|[1-9][0-9]*)$"

# The questions asked at save (a Decap object field at the end of every form), written as the
# commit's trailers by `piasite cms trailers` (commands/cms.py): the trailers' names come from
# forms/regime/trailers.yaml through the caller (history.trailers), the choices of 提出時期 from
# the change log's form.
CHANGE_HINT = (
    "保存するときに記入します。プルリクエストの審査のあと、コミットのトレーラー(変更日・提出時期・"
    "提出時期に係る説明)になり、(別添2) 変更箇所の行になります"
)


def _label(item: Item) -> str:
    label = item.display_label
    return f"{item.parent_label} {label}" if item.parent_label else label


def _hint(item: Item) -> str | None:
    parts = []
    if item.mark:
        parts.append("※ この項目の変更は重要な変更に当たります(提出時期は原則として事前)")
    if item.hint:
        parts.append(item.hint)
    return "。".join(parts) if parts else None


def _base(item: Item) -> dict[str, Any]:
    f: dict[str, Any] = {"name": item.key, "label": _label(item), "required": False}
    hint = _hint(item)
    if hint:
        f["hint"] = hint
    return f


def field_of(item: Item) -> dict[str, Any]:
    """One item as a Decap field."""
    f = _base(item)
    k = item.kind
    if k == "section":
        f.update(widget="object", collapsed=True, fields=[field_of(c) for c in item.items])
    elif k == "group":
        fields = [field_of(c) for c in item.items]
        if item.number is not None:
            n = _base(item.number)
            n.update(widget="string", pattern=[INTEGER, "1 以上の整数で書きます"])
            n["hint"] = "原文の番号が 1, 2, 3 … と続かないときだけ、すべての要素に書きます"
            fields.insert(0, n)
        f.update(widget="list", collapsed=True, fields=fields)
        if item.name_key:
            f["summary"] = "{{fields." + item.name_key + "}}"
        if item.element and "{n}" in item.element:
            f["label_singular"] = item.element.replace("{n}", "").replace("{name}", "").strip("()") or item.label
    elif k == "choice":
        f.update(widget="select", options=list(item.choices))
    elif k == "multi":
        qualified = [o for o in item.options if o.qualifier]
        fields = [
            {
                "name": SELECTED,
                "label": "選択",
                "widget": "select",
                "multiple": True,
                "required": False,
                "options": [{"label": o.label or o.text, "value": o.text} for o in item.options],
            }
        ]
        for i, o in enumerate(qualified):
            fields.append(
                {
                    "name": QUALIFIER.format(i=i),
                    "label": f"{o.label or o.text} の内容",
                    "widget": "string",
                    "required": False,
                    "hint": f"「{o.text}」を選んだときに書きます",
                }
            )
        f.update(widget="object", fields=fields)
    elif k == "list":
        f.update(widget="list", field={"name": "値", "label": item.label, "widget": "string"})
    elif k == "date":
        f["widget"] = "string"
        if not item.lenient:
            f["pattern"] = (
                [MONTH, "2025-12-01 の形で書きます"]
                if item.precision == "month"
                else [DATE, "2025-12-01 の形で書きます"]
            )
    elif k in ("count", "integer"):
        f.update(widget="string", pattern=[INTEGER, "0 以上の整数で書きます"])
    elif k == "flag":
        f.update(widget="select", options=[{"label": "はい", "value": "true"}, {"label": "いいえ", "value": "false"}])
    elif k == "ref":
        f["widget"] = "string"
    else:  # text
        f["widget"] = "text"
    return f


def shape_of(item: Item) -> dict[str, Any]:
    """What piasite-cms.js needs of one item: its kind, its children, the options that take words."""
    s: dict[str, Any] = {"t": item.kind}
    if item.is_container:
        s["c"] = {c.key: shape_of(c) for c in item.items}
        if item.number is not None:
            s["c"] = {item.number.key: {"t": item.number.kind}, **s["c"]}
    if item.kind == "multi":
        s["q"] = [o.text for o in item.options if o.qualifier]
    return s


def shapes(forms: list[Form]) -> dict[str, Any]:
    return {form.name: {"t": "section", "c": {i.key: shape_of(i) for i in form.root.items}} for form in forms}


def change_field(trailers: dict[str, str], timings: list[str]) -> dict[str, Any]:
    """The questions asked at save. trailers: role → trailer name (date, timing, explanation, editorial)."""
    return {
        "name": CHANGE_FIELD,
        "label": "変更の届出(保存するときに記入)",
        "widget": "object",
        "required": False,
        "hint": CHANGE_HINT,
        "fields": [
            {
                "name": trailers["date"],
                "label": trailers["date"],
                "widget": "string",
                "required": False,
                "pattern": [DATE, "2026-04-01 の形で書きます"],
                "hint": "(別添2) の変更日。評価書を変更した日(空なら公表日の変更か、コミットの日付)",
            },
            {
                "name": trailers["timing"],
                "label": trailers["timing"],
                "widget": "select",
                "required": False,
                "options": timings,
                "hint": "重要な変更は、原則として変更の前に評価を再実施して提出します(事前)。"
                "事後のときは下に理由を書きます",
            },
            {
                "name": trailers["explanation"],
                "label": trailers["explanation"],
                "widget": "text",
                "required": False,
            },
            {
                "name": "重要な変更",
                "label": "重要な変更に当たるか",
                "widget": "select",
                "required": False,
                "options": [
                    {"label": "はい(※の項目を変えた)", "value": "はい"},
                    {"label": "いいえ", "value": "いいえ"},
                    {"label": f"誤字の修正など((別添2) に載せない: {trailers['editorial']}: なし)", "value": "なし"},
                ],
            },
        ],
    }


def collection(form: Form, change: dict[str, Any]) -> dict[str, Any]:
    keys = [k for r in ("organisation", "number", "title") if (k := form.top_key(r))]
    summary = " ".join("{{" + k + "}}" for k in keys)
    fields = [field_of(i) for i in form.root.items]
    for f in fields:
        if f["name"] == form.top_key("form"):  # the form's name: fixed, the collection's filter
            f.update(widget="hidden", default=form.name)
            f.pop("hint", None)
    return {
        "name": form.schema_id,
        "label": form.name,
        "label_singular": form.name,
        "folder": "content",
        "extension": "yaml",
        "format": FORMAT,
        "nested": {"depth": 2},
        "create": False,
        "delete": False,
        "filter": {"field": form.top_key("form"), "value": form.name},
        "identifier_field": form.top_key("number") or form.top_key("form"),
        "summary": summary,
        "sortable_fields": [],
        "editor": {"preview": False},
        "fields": [*fields, change],
    }


def cms_config(forms: list[Form], backend: dict[str, Any], change: dict[str, Any], site_url: str = "") -> dict:
    """The whole Decap configuration (admin/config.yml)."""
    config: dict[str, Any] = {
        "backend": backend,
        "publish_mode": "editorial_workflow",
        "local_backend": True,
        "locale": "ja",
        "media_folder": "content/.cms-media",
        "collections": [collection(f, change) for f in forms],
    }
    if site_url:
        config["site_url"] = site_url
    return config


def dumps(value: Any) -> str:
    """The same bytes for the same forms (JSON is YAML: Decap reads config.yml as either)."""
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


ADMIN = "admin"  # the form's folder in the built site
ADMIN_FILES = ("index.html", "piasite-cms.js", "piasite-yaml.js")  # templates/admin
_ROOT = Path(__file__).resolve().parent.parent.parent  # the checkout (piasite/site/ is two below)
PASSED = ("auth_type", "app_id", "base_url", "auth_endpoint", "api_root")  # extra.piasite.cms → backend
_REPO = re.compile(r"https://(github\.com|gitlab\.com)/([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(?:\.git)?/?$")


class CmsError(PiasiteError):
    pass


def enabled(extra: dict[str, Any]) -> bool:
    """mkdocs.yml extra.piasite.cms: true (or a mapping: the backend) turns the form on for every build."""
    conf = (extra.get("piasite") or {}).get("cms") if isinstance(extra.get("piasite"), dict) else None
    return conf is True or isinstance(conf, dict)


def backend_of(extra: dict[str, Any]) -> dict[str, Any]:
    """Decap's backend: extra.piasite.cms {backend, repo, branch} or, without them, the repository
    that extra.source_url names on GitHub or GitLab (branch main)."""
    piasite: dict[str, Any] = extra["piasite"] if isinstance(extra.get("piasite"), dict) else {}
    conf: dict[str, Any] = piasite["cms"] if isinstance(piasite.get("cms"), dict) else {}
    name, repo = conf.get("backend"), conf.get("repo")
    m = _REPO.match(str(extra.get("source_url") or ""))
    if m and not repo:
        repo = m.group(2)
        name = name or ("github" if m.group(1) == "github.com" else "gitlab")
    backend: dict[str, Any] = {"name": str(name or "github"), "branch": str(conf.get("branch") or "main")}
    if repo:
        backend["repo"] = str(repo)
    for key in PASSED:  # GitLab's PKCE sign-in (auth_type: pkce, app_id), a self-hosted GitLab or OAuth proxy
        if isinstance(conf.get(key), str) and conf[key]:
            backend[key] = conf[key]
    backend["commit_messages"] = {
        "update": "{{collection}} {{slug}} をブラウザのフォームで更新",
        "create": "{{collection}} {{slug}} をブラウザのフォームで作成",
        "delete": "{{collection}} {{slug}} を削除",
        "uploadMedia": "{{path}} を追加",
        "deleteMedia": "{{path}} を削除",
        "openAuthoring": "{{message}}",
    }
    return backend


def trailer_names() -> dict[str, str]:
    return {"date": T_DATE, "timing": T_TIMING, "explanation": T_EXPLANATION, "editorial": T_NONE}


def config_for(forms: list[Form], extra: dict[str, Any], site_url: str = "") -> dict[str, Any]:
    change = change_field(trailer_names(), list(trailer_values()[T_TIMING]))
    return cms_config(forms, backend_of(extra), change, site_url)


def shapes_module(forms: list[Form]) -> str:
    keys = sorted({k for f in forms if (k := f.top_key("form"))})
    return "export const SHAPES = " + dumps({"keys": keys, "forms": shapes(forms)}).rstrip("\n") + ";\n"


def node_module(*parts: str) -> Path:
    """A file of an npm package: this checkout's node_modules, or the city's (npm install there)."""
    env = os.environ.get("PIASITE_NODE_MODULES")
    roots = [Path(env)] if env else [_ROOT / "node_modules", Path.cwd() / "node_modules"]
    for root in roots:
        p = root.joinpath(*parts)
        if p.exists():
            return p
    raise CmsError(
        f"{'/'.join(parts)} がありません。ブラウザのフォーム(Decap CMS)は npm のパッケージから組み立てます: "
        "npm install --save-dev decap-cms yaml を実行してください"
    )


def available() -> bool:
    """Whether the npm packages the form is copied from are installed."""
    try:
        node_module("decap-cms", "dist", "decap-cms.js")
        node_module("yaml", "browser", "dist", "index.js")
    except CmsError:
        return False
    return True


def write_admin(dest: Path, forms: list[Form], extra: dict[str, Any], site_url: str = "") -> list[Path]:
    """admin/: Decap's bundle and its chunks, yaml, piasite's format and the generated configuration.
    Every file is a copy of an npm package's or piasite's, or written from the forms: nothing is
    fetched from elsewhere when the page is opened."""
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    dist = node_module("decap-cms", "dist")
    for f in sorted(dist.iterdir()):
        if f.name == "decap-cms.js" or f.name.endswith(".decap-cms.js") or f.suffix == ".wasm":
            shutil.copyfile(f, dest / f.name)
    shutil.copytree(node_module("yaml", "browser", "dist"), dest / "yaml")
    for name in ADMIN_FILES:
        shutil.copyfile(templates_dir() / "admin" / name, dest / name)
    (dest / "config.yml").write_text(dumps(config_for(forms, extra, site_url)), encoding="utf-8")
    (dest / "piasite-shapes.js").write_text(shapes_module(forms), encoding="utf-8")
    return sorted(p for p in dest.rglob("*") if p.is_file())
