"""The fidelity report printed after every import: how much of the source
reached the content file, and what was left in 取込メモ."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..form import value_at

_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")


@dataclass
class Fidelity:
    name: str
    form: str
    valued: int = 0
    filled: int = 0
    missing: list[str] = field(default_factory=list)
    systems: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    itaku: list[tuple[str, str]] = field(default_factory=list)
    recipients: tuple[int, int] = (0, 0)
    changes: dict = field(default_factory=dict)
    notes: int = 0
    lines: int = 0
    html_tags: int = 0

    @property
    def coverage(self) -> float:
        return 100.0 * self.filled / self.valued if self.valued else 100.0


def _strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from _strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from _strings(x)


def measure(name: str, imported) -> Fidelity:
    data, form = imported.data, imported.form
    f = Fidelity(name, form.name)
    valued = imported.stats.get("valued", {})
    f.valued = len(valued)
    for path in valued:
        if value_at(data, path) in (None, "", [], {}):
            f.missing.append(form.short_label(path, data))
        else:
            f.filled += 1
    if form.schema_id == "henko":
        f.systems = [s.get("名称", "") for s in data.get("システム") or []]
        f.itaku = [(t.get("名称", ""), t.get("委託先名", "")) for t in data.get("委託事項") or []]
    else:
        f.systems = [s.get("名称", "") for s in value_at(data, ("基本情報", "システム")) or []]
        files = data.get("特定個人情報ファイル") or []
        f.files = [x.get("名称", "") for x in files]
        p = t = 0
        for x in files:
            for e in value_at(x, ("委託", "委託事項")) or []:
                f.itaku.append((e.get("名称", ""), e.get("委託先名", "")))
            p += len(value_at(x, ("提供・移転", "提供先")) or [])
            t += len(value_at(x, ("提供・移転", "移転先")) or [])
        f.recipients = (p, t)
    f.changes = dict(imported.stats.get("changes", {}))
    f.notes = len(data.get("取込メモ") or [])
    f.lines = imported.stats.get("lines", 0)
    f.html_tags = sum(len(_TAG.findall(s)) for s in _strings({k: v for k, v in data.items() if k != "取込メモ"}))
    return f


def render(items: list[Fidelity]) -> str:
    out = []
    for f in items:
        c = f.changes
        out.append(f"■ {f.name} ({f.form})")
        if f.valued:
            out.append(f"  項目: 原文に値のある {f.valued} 項目のうち {f.filled} 項目を取り込み ({f.coverage:.1f}%)")
            for m in f.missing[:20]:
                out.append(f"    未取込: {m}")
        out.append(f"  システム: {len(f.systems)} 件 ({'、'.join(f.systems)})")
        if f.files:
            out.append(f"  特定個人情報ファイル: {len(f.files)} 件 ({'、'.join(f.files)})")
        out.append(f"  委託事項: {len(f.itaku)} 件 (委託先: {'、'.join(sorted({t for _, t in f.itaku if t}))})")
        if f.form != "変更箇所一覧":
            out.append(f"  提供先: {f.recipients[0]} 件 / 移転先: {f.recipients[1]} 件")
            out.append(f"  変更箇所: 原文 {c.get('physical', 0)} 行 → {c.get('rows', 0)} 件 "
                       f"(ページをまたぐ続きの行 {c.get('merged', 0)} 行を結合)")
        else:
            out.append(f"  変更箇所: 原文のページ参照 {c.get('paged', 0)} 件とページのない区切り {c.get('unpaged', 0)} 件 → "
                       f"{c.get('rows', 0)} 件")
        out.append(f"  取込メモ: {f.notes} 件 (原文 {f.lines} 行)")
        out.append(f"  HTML タグの残り: {f.html_tags} 個")
    return "\n".join(out)
