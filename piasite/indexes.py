"""Cross-document indexes: by 評価実施機関, 事務, システム, 委託先, 提供先・移転先.

Each index is a list of entities (one per normalised name, see names.py); each
entity lists every place an assessment names it, with the item's anchor, so a
page or a JSON consumer can link to the exact item. Only public values are read.
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from typing import Any

import yaml

from . import dates
from .form import FORMS_DIR, value_at
from .markup import plain
from .names import Names, is_placeholder, nfkc, split_branch

_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present (read on every build)

FILES, TASKS, TRANSFER = "特定個人情報ファイル", ("委託", "委託事項"), "提供・移転"


@dataclass
class Row:
    name: str  # as written in the assessment
    assessment: Any
    path: tuple
    anchor: str
    cells: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        """Where the name is written, as cities write it (Ⅱ(1) 4. 委託事項1 ③委託先名)."""
        return self.assessment.form.short_label(self.path, self.assessment.data)

    @property
    def href(self) -> str:
        return f"{self.assessment.url}#{self.anchor}"


@dataclass
class Entity:
    key: str
    name: str
    rows: list[Row] = field(default_factory=list)

    @property
    def id(self) -> str:
        """Stable ASCII anchor of the entity on its index page."""
        return "e-" + hashlib.sha1(self.key.encode()).hexdigest()[:10]

    @property
    def spellings(self) -> list[str]:
        return sorted({r.name for r in self.rows})

    @property
    def assessments(self) -> list:
        seen: dict[int, Any] = {}
        for r in self.rows:
            seen.setdefault(id(r.assessment), r.assessment)
        return list(seen.values())


@dataclass
class Index:
    id: str  # ASCII: URL indexes/<id>/, api/indexes/<id>.json
    title: str
    lead: str
    columns: list[str]
    entities: list[Entity]
    partial: list[tuple] = field(default_factory=list)  # (assessment, label, counted, listed): the rest is in an attachment

    def rows(self):
        for e in self.entities:
            for r in e.rows:
                yield e, r


def _label(a, path: tuple) -> str:
    item = a.form.item_at(path)
    return item.label if item else str(path[-1])


def _group(rows: list[tuple[str, Row]], names: Names) -> list[Entity]:
    """rows: (key, Row). Entity name: the alias file's preferred name, else the commonest spelling."""
    by_key: dict[str, Entity] = {}
    for key, row in rows:
        by_key.setdefault(key, Entity(key, "")).rows.append(row)
    for e in by_key.values():
        counts: dict[str, int] = {}
        for r in e.rows:
            base = split_branch(r.name)[0] if r.cells.get("_company") else nfkc(r.name)
            counts[base] = counts.get(base, 0) + 1
        e.name = names.preferred.get(e.key) or sorted(counts, key=lambda s: (-counts[s], s.count(" "), s))[0]
        for r in e.rows:
            r.cells.pop("_company", None)
    return sorted(by_key.values(), key=lambda e: (names.sort_key(e.name), e.key))  # 五十音


def _files(a, data):
    for f, file in enumerate(data.get(FILES) or []):
        if isinstance(file, dict):
            yield f, file, plain(file.get("名称") or f"({f + 1})")


SYSTEM_NAME = ["基本情報", "システム", "名称"]
TASK_GROUP = [FILES, *TASKS]


@functools.cache
def _index_map(form_name: str) -> dict:
    """A form's `index:` section: its own top-level groups that hold what the
    重点項目評価書 holds at a path (変更箇所一覧 lists systems and 委託事項 found in its excerpts)."""
    for path in sorted(FORMS_DIR.glob("*.yaml")):
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML)
        if raw.get("form") == form_name:
            return raw.get("index") or {}
    return {}


def _mapped(a, target: list) -> str | None:
    return next((local for local, spec in _index_map(a.form.name).items() if spec.get("path") == target), None)


def jimu_path(a) -> tuple | None:
    """Where an assessment names its 事務, whatever its form."""
    for p in (("基本情報", "事務", "名称"), ("事務の名称",)):
        if a.form.item_at(p) is not None:
            return p
    return None


def _systems(a, d):
    local = _mapped(a, SYSTEM_NAME)
    prefix = (local,) if local else tuple(SYSTEM_NAME[:2])
    node = d.get(local) if local else (d.get("基本情報") or {}).get("システム")
    for i, s in enumerate(node or []):
        if isinstance(s, dict) and s.get("名称"):
            yield prefix + (i, "名称"), s["名称"]


def _tasks(a, d):
    """(path of the task, task, file name) for every 委託事項."""
    local = _mapped(a, TASK_GROUP)
    if local:
        for t, task in enumerate(d.get(local) or []):
            if isinstance(task, dict):
                yield (local, t), task, ""
        return
    for f, file, fname in _files(a, d):
        for t, task in enumerate(((file.get("委託") or {}).get("委託事項")) or []):
            if isinstance(task, dict):
                yield (FILES, f, *TASKS, t), task, fname


def _count_key(section: dict, kind: str) -> str | None:
    """The count beside a list (提供件数 beside 提供先): the key sharing its first two characters."""
    return next((k for k in section if k != kind and k[:2] == kind[:2] and isinstance(section[k], int)), None)


def partial_note(kind: str, counted: int, listed: int) -> str:
    """What page and index say when the form counts more than it lists."""
    return f"{kind} {counted} 件中 {listed} 件を掲載(残りは添付資料)"


def build_indexes(assessments: list, names: Names) -> list[Index]:
    kikan, jimu, systems, tasks, recipients, partial = [], [], [], [], [], []
    for a in assessments:
        d = a.public_data
        org = plain(d.get("評価実施機関名") or a.org_slug)
        common = {"評価実施機関": org}
        p = ("評価実施機関名",)
        kikan.append((names.key(org), Row(org, a, p, a.form.anchor(p), {
            "評価書番号": str(d.get("評価書番号", "")), "評価書": a.title,
            "公表日": dates.wareki(d["公表日"]) if d.get("公表日") else "", "様式": a.form.name})))
        p = jimu_path(a)
        jimu_name = value_at(d, p) if p else None
        if jimu_name:
            jimu.append((names.key(jimu_name), Row(plain(jimu_name), a, p, a.form.anchor(p), dict(common))))
        for p, name in _systems(a, d):
            systems.append((names.key(name), Row(plain(name), a, p, a.form.anchor(p), dict(common))))
        for tpath, task, fname in _tasks(a, d):
            if not task.get("委託先名") or is_placeholder(plain(task["委託先名"])):
                continue
            p = (*tpath, "委託先名")
            company, branch = split_branch(task["委託先名"])
            cells = dict(common, _company="1")
            cells["支店等"] = branch
            cells["委託事項"] = plain(task.get("名称") or task.get("委託内容") or "")
            cells["特定個人情報ファイル"] = fname
            sub = plain(task.get("再委託の有無") or "")
            if task.get("再委託事項"):
                sub = f"{sub}({plain(task['再委託事項'])})" if sub else plain(task["再委託事項"])
            cells["再委託"] = sub
            tasks.append((names.key(company), Row(plain(task["委託先名"]), a, p, a.form.anchor(p), cells)))
        counted: dict[str, list[int]] = {}
        for f, file, fname in _files(a, d):
            transfer = file.get(TRANSFER) or {}
            for kind in ("提供先", "移転先"):
                listed = [r for r in transfer.get(kind) or []
                          if isinstance(r, dict) and r.get("名称") and not is_placeholder(plain(r["名称"]))]
                n = transfer.get(_count_key(transfer, kind))
                c = counted.setdefault(kind, [0, 0])
                c[0] += n if isinstance(n, int) and not isinstance(n, bool) and n > len(listed) else len(listed)
                c[1] += len(listed)
                for r, rec in enumerate(transfer.get(kind) or []):
                    if not isinstance(rec, dict) or not rec.get("名称") or is_placeholder(plain(rec["名称"])):
                        continue  # 「添付資料を参照」 is where the list is, not a recipient
                    p = (FILES, f, TRANSFER, kind, r, "名称")
                    key = names.key(rec["名称"])
                    if kind == "移転先":  # a department is the organisation's own
                        key = f"{names.key(org)}/{key}"
                    cells = dict(common)
                    cells["種別"] = _label(a, (FILES, f, TRANSFER, kind))
                    cells["特定個人情報ファイル"] = fname
                    cells["法令上の根拠"] = plain(rec.get("法令上の根拠") or "")
                    recipients.append((key, Row(plain(rec["名称"]), a, p, a.form.anchor(p), cells)))
        partial += [(a, kind, n, m) for kind, (n, m) in counted.items() if n > m]
    return [
        Index("kikan", "評価実施機関", "評価書を公表している機関と、その評価書です。",
              ["評価書番号", "評価書", "公表日", "様式"], _group(kikan, names)),
        Index("jimu", "事務", "特定個人情報ファイルを取り扱う事務の名称ごとに、評価書を並べています。",
              ["評価実施機関"], _group(jimu, names)),
        Index("system", "システム", "事務で使うシステムの名称ごとに、そのシステムを記載している評価書を並べています。"
              "表記の違い(全角・半角、中間サーバ/中間サーバー など)はまとめ、元の表記も示します。",
              ["評価実施機関"], _group(systems, names)),
        Index("itakusaki", "委託先", "特定個人情報ファイルの取扱いを委託している先(委託先)ごとに、委託事項と再委託の有無を並べています。"
              "株式会社の前後の空白や支店名の違いはまとめ、元の表記も示します。",
              ["評価実施機関", "支店等", "委託事項", "特定個人情報ファイル", "再委託"], _group(tasks, names)),
        Index("teikyosaki", "提供先・移転先", "特定個人情報の提供先(他の機関)と移転先(同じ機関の他の部署)です。",
              ["評価実施機関", "種別", "特定個人情報ファイル", "法令上の根拠"], _group(recipients, names), partial),
    ]
