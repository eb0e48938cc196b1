"""`piasite diff BASE [HEAD]`: the 新旧対照表 of every assessment changed between two revisions,
as Markdown ready to post as a pull-request comment, or JSON for tools."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from piasite.checks.load import assessment_title, full_title
from piasite.config.limits import DEFAULT_LIMITS, Limits
from piasite.core import mdtext, safefiles, safeout
from piasite.core.textcheck import visible
from piasite.forms.registry import form_for, form_key
from piasite.history import withheld
from piasite.history.git import (
    GITLINK,
    SYMLINK,
    GitError,
    decode_path,
    git,
    parse_blobs,
    parse_data,
    repo_root,
    resolve,
)
from piasite.history.itemdiff import Change, diff
from piasite.model.reader import ReadError, public


@dataclass
class FileDiff:
    path: str  # path at HEAD (or at BASE when deleted)
    old_path: str
    status: str  # 追加 | 削除 | 変更 | 名前変更
    title: str
    org: str
    changes: list[Change] = field(default_factory=list)
    error: str = ""
    old_data: Any = None  # parsed versions (Withheld kept): for labels that name elements
    new_data: Any = None
    warnings: list[str] = field(default_factory=list)  # a !非公表 removed (withheld.removed_tags)


def _parse_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> tuple:
    """A working-tree file as parse_blobs gives a blob: ("ok", data) or ("err", line, message)."""
    try:
        # never through a link: safefiles.UnsafeFile stops the command with the file named
        return ("ok", parse_data(safefiles.read_text(path), limits))
    except UnicodeDecodeError as e:
        return ("err", 1, f"UTF-8 で保存してください(位置 {e.start} のバイトが読めません)")
    except ReadError as e:
        return ("err", e.line, e.message)
    except OSError as e:
        return ("err", 1, f"読めません({e.strerror})")


def _shown(path: str) -> str:
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _unreadable(path: str, old_path: str, status: str, error: str) -> FileDiff:
    """The entry of a changed file whose versions cannot be compared: named, with why."""
    return FileDiff(path, old_path, status, path, "", error=error)


def compare(content_dir: Path, base: str, head: str | None = "HEAD", limits: Limits = DEFAULT_LIMITS) -> list[FileDiff]:
    """Assessments changed from base to head; head None: to the working tree (what the clerk has
    just edited, committed or not, new files included)."""
    content_dir = Path(content_dir).resolve()
    root = repo_root(content_dir)
    prefix = str(content_dir.relative_to(root.resolve())).replace("\\", "/")
    b = resolve(root, base)
    revs = [b] if head is None else [b, resolve(root, head)]
    out = git(root, "diff", "-z", "--raw", "--no-abbrev", "--find-renames", *revs, "--", prefix)
    if head is None:  # files git does not know yet are added ones
        for name in git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", prefix).split(b"\0"):
            if name:
                out += b":000000 100644 " + b"0" * 40 + b" " + b"0" * 40 + b" A\0" + name + b"\0"
    toks = out.split(b"\0")
    entries, modes, i = [], [], 0
    while i < len(toks) and toks[i].startswith(b":"):
        meta = toks[i].decode().split()
        st = meta[4][0]
        names = [decode_path(t) for t in toks[i + 1 : i + (3 if st in "RC" else 2)]]
        entries.append((st, names[0], names[-1], meta[2], meta[3]))
        modes.append((meta[0][1:], meta[1]))
        i += 1 + len(names)
    kept = [
        (e, m)
        for e, m in zip(entries, modes, strict=True)
        if e[2].endswith(".yaml") and not e[2].endswith("aliases.yaml")
    ]
    entries = [e for e, _ in kept]
    revname = {b: base, **({revs[1]: head} if head is not None else {})}
    for (_st, old_path, new_path, _ob, _nb), (om, nm) in kept:  # gitlinks, symlinks: named, never parsed
        for rev, mode, path in ((revs[0], om, old_path), (revs[-1] if head is not None else None, nm, new_path)):
            if mode in ("000000", "100644", "100755") or (rev is None and mode != GITLINK):
                continue
            what = {GITLINK: "サブモジュール(gitlink)", SYMLINK: "シンボリックリンク"}.get(
                mode, f"git のモード {mode} の項目"
            )
            at = f"{revname[rev]}({rev[:10]})" if rev else "作業中のフォルダ"
            raise GitError(visible(f"{at} の {_shown(path)} は{what}で、評価書のファイルではありません"))
    zero = "0" * 40
    where = {e[3]: f"{base}({b[:10]}) の {_shown(e[1])}" for e in entries}
    if head is not None:
        where.update({e[4]: f"{head}({revs[1][:10]}) の {_shown(e[2])}" for e in entries})
    parsed = parse_blobs(
        root,
        {s for e in entries for s in (e[3:] if head is not None else e[3:4]) if s != zero},
        where=where,
        limits=limits,
    )
    if head is None:  # the new side is the file on disk
        entries = [(st, op, np, ob, "" if st == "D" else f"worktree:{np}") for st, op, np, ob, _ in entries]
        for _, _, np, _, nb in entries:
            if nb:
                parsed[nb] = _parse_file(root / np, limits)
    # Every side is masked with what any commit reachable from either revision withheld
    # (withheld.py): the commits between base and head, and after them, are not skipped.
    found = withheld.for_content(content_dir, [*revs, "HEAD"], limits)  # HEAD: what is withheld today counts too
    led = found[0] if found else withheld.Ledger()
    result = []
    for st, old_path, new_path, ob, nb in entries:
        old = parsed.get(ob, ("ok", None))
        new = parsed.get(nb, ("ok", None))
        status = {"A": "追加", "D": "削除", "R": "名前変更"}.get(st, "変更")
        for side, entry, p in (("変更前", old, old_path), ("変更後", new, new_path)):
            if entry[0] == "err":
                result.append(
                    _unreadable(new_path, old_path, status, f"{side}の {p} が読めません({entry[1]} 行目: {entry[2]})")
                )
                break
        else:
            od, nd = old[1], new[1]
            notes: list[str] = []
            if isinstance(nd, dict):
                _, notes = withheld.removed_tags(led, new_path, nd)
            od, nd = led.mask(old_path, od), led.mask(new_path, nd)
            cur = nd if nd is not None else od
            if not isinstance(cur, dict):
                result.append(
                    _unreadable(new_path, old_path, status, f"{new_path} は評価書の形(「キー: 値」)ではありません")
                )
                continue
            form = form_for(cur)
            if form is None:
                result.append(
                    _unreadable(
                        new_path, old_path, status, f"{new_path} の様式「{public(cur.get(form_key()))}」が分かりません"
                    )
                )
                continue

            title = str(public(assessment_title(form, cur, Path(new_path).stem)))  # as the site titles it
            org = str(public(form.value(cur, "organisation")) or "")
            changes = diff(form, od if st != "A" else None, nd) if st not in "AD" else []
            result.append(
                FileDiff(new_path, old_path, status, title, org, changes, old_data=od, new_data=nd, warnings=notes)
            )
    return result


def _cell(s: str) -> str:
    return mdtext.cell(s, "(なし)")


def to_markdown(diffs: list[FileDiff], base: str, head: str) -> str:
    lines = [f"## 新旧対照表({_cell(base)} → {_cell(head)})", ""]
    if not diffs:
        lines.append("評価書の変更はありません。")
        return "\n".join(lines) + "\n"
    n_marked = sum(c.marked for d in diffs for c in d.changes)
    lines.append(f"{len(diffs)} 件の評価書が変わりました。※ は重要な変更の対象項目です(※ の変更 {n_marked} 件)。")
    for d in diffs:
        lines += ["", f"### {_cell(full_title(d.org, d.title))}", ""]
        where = d.path if d.path == d.old_path else f"{d.old_path} → {d.path}"
        lines.append(f"{mdtext.code(where)} — {d.status}")
        lines.append("")
        if d.error:
            lines.append(f"**{_cell(d.error)}**")
            continue
        lines += warning_lines(d)
        if d.status == "追加":
            lines.append("新しい評価書です。")
            continue
        if d.status == "削除":
            lines.append("評価書が content/ から削除されました(サイトでは「終了」として掲載を続けます)。")
            continue
        if not d.changes:
            lines.append("項目の変更はありません(書式のみの変更)。")
            continue
        lines += ["| 項目 | 変更前 | 変更後 |", "|---|---|---|"]
        for c in d.changes:
            item = _cell(c.item) + (" ※" if c.marked else "")
            if c.segments:
                before, after = mdtext.marked(c.segments, "before"), mdtext.marked(c.segments, "after")
            else:
                before, after = _cell(c.before), _cell(c.after)
            lines.append(f"| {item} | {before} | {after} |")
    return safeout.escape("\n".join(lines) + "\n")  # the Summary shows it: no control or bidi character


def warning_lines(d: FileDiff) -> list[str]:
    """The reviewer's warnings of one file (a removed !非公表), as Markdown lines."""
    return [f"**⚠ {_cell(w)}**" for w in d.warnings] + ([""] if d.warnings else [])


def to_json(diffs: list[FileDiff], base: str, head: str) -> str:
    return (
        safeout.json_text(
            json.dumps(
                {
                    "base": base,
                    "head": head,
                    "assessments": [
                        {
                            "path": d.path,
                            "old_path": d.old_path,
                            "status": d.status,
                            "title": d.title,
                            "org": d.org,
                            "error": d.error,
                            "warnings": d.warnings,
                            "changes": [c.as_dict() for c in d.changes],
                        }
                        for d in diffs
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        + "\n"
    )
