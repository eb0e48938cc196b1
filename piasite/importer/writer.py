"""YAML that reads like the form: Japanese keys in form order, long text as
block scalars, dates unquoted, the schema line first."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import yaml

from piasite.core.tags import UNCERTAIN_FIELDS, UNCERTAIN_TAG
from piasite.forms.form import Form
from piasite.forms.items import Item
from piasite.forms.schema import schema_filename
from piasite.model.reader import Uncertain


class _Dumper(yaml.SafeDumper):
    def prepare_tag(self, tag):
        # !要確認 as people type it (PyYAML would percent-encode the non-ASCII tag; both read the same)
        return tag if tag == UNCERTAIN_TAG else super().prepare_tag(tag)

    def ignore_aliases(self, data):
        return True  # content takes no anchors: a value shared in memory (a reading) is written out each time


def _str(dumper: yaml.SafeDumper, s: str):
    if "\n" in s:
        s = "\n".join(l.rstrip() for l in s.split("\n"))
        return dumper.represent_scalar("tag:yaml.org,2002:str", s, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", s)


_Dumper.add_representer(str, _str)


def _flow(node: yaml.Node) -> None:
    if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)):
        node.flow_style = True
        for sub in node.value:
            for n in sub if isinstance(sub, tuple) else (sub,):
                _flow(n)


def _uncertain(dumper: yaml.SafeDumper, u: Uncertain):
    """`!要確認` with 原文, 行, 理由 and 読み, as reader.py reads it; the reading (a list of
    options) on one line, as the hand-marked seeds write it."""
    source, line, reason, reading = UNCERTAIN_FIELDS  # the field names, in this order
    fields: dict = {source: u.source}
    if u.line is not None:
        fields[line] = u.line
    fields[reason] = u.reason
    if u.reading is not None:
        fields[reading] = u.reading
    node = dumper.represent_mapping(UNCERTAIN_TAG, fields)
    for k, v in node.value:
        if k.value == reading:
            _flow(v)
    return node


_Dumper.add_representer(Uncertain, _uncertain)


def _lead(form: Form) -> list[str]:
    return [form.role_key(r) for r in ("form", "form_version") if form.has_role(r)]


def ordered(value, item: Item | None, own: list[str] | None = None, lead: list[str] | None = None):
    """The value with mapping keys in the form's order (unknown keys last; a group element's
    printed number first)."""
    if isinstance(value, dict):
        order = (item.element_keys if item.kind == "group" else [c.key for c in item.items]) if item is not None else []
        if item is not None and own is not None:
            # the document: 様式 (and 様式の版) first, the form's parts, then piasite's own keys (取込メモ…)
            lead = lead if lead is not None else own[:1]
            order = lead + [k for k in order if k not in own and k not in lead] + [k for k in own if k not in lead]
        keys = sorted(value, key=lambda k: order.index(k) if k in order else len(order))
        return {
            k: ordered(
                value[k],
                (item.element_child(k) if item.kind == "group" else item.child(k)) if item is not None else None,
            )
            for k in keys
        }
    if isinstance(value, list):
        elem = item if item is not None and item.kind == "group" else None
        return [ordered(v, elem) for v in value]
    if isinstance(value, str) and item is not None and item.kind == "date":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _own_keys(form: Form) -> list[str]:
    return [i.key for i in form.document_items]


def dump(data: dict, form: Form, header: list[str], schema_rel: str) -> str:
    body = yaml.dump(
        ordered(data, form.root, _own_keys(form), _lead(form)),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=10**6,
        indent=2,
        default_flow_style=False,
    )
    lines = [f"# yaml-language-server: $schema={schema_rel}/{schema_filename(form)}"]
    lines += [f"# {h}" for h in header]
    return "\n".join(lines) + "\n" + body


def schema_rel_path(out_file: Path, repo_root: Path | None) -> str:
    """Relative path from the file's folder to <repo>/schema (content/<org>/x.yaml → ../../schema)."""
    root = Path(repo_root).resolve() if repo_root else None
    target = Path(out_file).resolve()
    if root is None or root not in target.parents:
        return "../../schema"  # the usual place: content/<org>/<slug>.yaml
    return os.path.relpath(root / "schema", target.parent).replace(os.sep, "/")
