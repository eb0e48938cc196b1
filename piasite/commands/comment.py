"""The pull-request comment (`piasite diff BASE [HEAD] --comment`): per changed assessment, the
新旧対照表 and the rows its (別添2) will gain, every group element named, and a warning at each
※ item whose change is not declared 事前 with an explanation.

The first line is a hidden marker, so a workflow finds its earlier comment and updates it
instead of adding one per push. Values pass through reader.public(): no 非公表 value shows.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from piasite.checks.load import full_title
from piasite.commands.diff import FileDiff, compare, warning_lines
from piasite.config.limits import DEFAULT_LIMITS, Limits
from piasite.core import dates, mdtext, safeout
from piasite.forms.form import Form
from piasite.forms.registry import form_for
from piasite.forms.values import value_at
from piasite.history.changelog import derived_rows, version_changes
from piasite.history.git import GitError, git, repo_root, resolve
from piasite.history.itemdiff import REMOVED, Change
from piasite.history.versions import load_history
from piasite.model.reader import public

MARKER = "<!-- piasite-diff -->"
# How the reviewer opens the site the PR's workflow built (`piasite build --offline`, artifact site-preview)
PREVIEW = (
    "確認用のサイト: この確認の実行結果のページ (Summary) から成果物 (artifact)「site-preview」をダウンロードし、"
    "展開したフォルダの `index.html` をブラウザで開きます(サーバーは要りません。リンクも検索もそのまま動きます)。"
)
# GitHub refuses a comment over 65,536 characters, counted in UTF-16 code units (an astral
# character such as 𠮷 counts 2): the comment is kept well below, the note included.
GITHUB_LIMIT = 65536
LIMIT = 60000
OTHER_FILES_SHOWN = 20
PRE = "事前"  # the 提出時期 a 重要な変更 needs (as changelog.py pre-fills it)


def named_label(form: Form, path: tuple, doc: Any) -> str:
    """form.label_path with each group element's name beside its number: 委託事項3(保守業務)."""
    pub = public(doc)
    label = form.label_path(path, pub)
    pos = 0
    for i, part in enumerate(path):
        if not isinstance(part, int):
            continue
        group = form.item_at(path[:i])
        elem = value_at(pub, path[: i + 1])
        if group is None or not group.name_key or not isinstance(elem, dict):
            continue
        name = str(elem.get(group.name_key) or "").strip()
        shown = group.element_label(part, elem)
        at = label.find(shown, pos)
        if not name or at < 0:
            continue
        end = at + len(shown)
        if name in shown:  # (1)個人住民税賦課情報ファイル: named already
            pos = end
            continue
        label = f"{label[:end]}({name}){label[end:]}"
        pos = end + len(name) + 2
    return label


def _cell(s: str) -> str:
    return mdtext.cell(s, "(なし)")


def _change_cells(c: Change) -> tuple[str, str]:
    if c.segments:
        return mdtext.marked(c.segments, "before"), mdtext.marked(c.segments, "after")
    return _cell(c.before), _cell(c.after)


def warning(marked: bool, timing: str, given: bool, explanation: str) -> str:
    """Why a row needs a look, or ''."""
    if not marked:
        return ""
    if not given:
        return "⚠ ※の項目(重要な変更)ですが、コミットメッセージに「提出時期:」がありません(事前として扱います)"
    if timing != PRE:
        return f"⚠ ※の項目(重要な変更)ですが、提出時期が「{timing}」です。事前の提出が必要でないか確かめてください"
    if not explanation:
        return "⚠ ※の項目(重要な変更)ですが、「提出時期に係る説明:」がありません"
    return ""


def _pending_rows(d: FileDiff, form: Form) -> list[list[str]]:
    """Rows of changes not committed yet: their date and 提出時期 come with the commit."""
    rows = []
    for c in d.changes:
        doc = d.old_data if c.kind == REMOVED else d.new_data
        rows.append(
            [
                "(コミットの日)",
                _cell(named_label(form, c.path, doc)) + (" ※" if c.marked else ""),
                *_change_cells(c),
                "(コミットメッセージに書きます)",
                "",
                warning(c.marked, "", False, ""),
            ]
        )
    return rows


def _rows(
    content_dir: Path,
    d: FileDiff,
    form: Form,
    base: str,
    head: str | None,
    pending: FileDiff | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[list[list[str]], str]:
    """The (別添2) rows the commits base..head add for this file (head None: base..HEAD and then the
    uncommitted changes), as table cells; and a note."""
    if head is None:
        committed, note = _rows(content_dir, d, form, base, "HEAD", limits=limits) if d.status != "追加" else ([], "")
        if pending is None or not pending.changes:
            return committed, note if committed else ""
        return (
            committed + _pending_rows(pending, form),
            "「(コミットの日)」の行は、まだコミットしていない変更です。変更日・提出時期はコミットメッセージの最後に書きます。",
        )

    try:
        root = repo_root(content_dir)
        hist = load_history(content_dir, rev=head, limits=limits)
        after_base = set(git(root, "rev-list", f"{base}..{head}").decode().split())
    except GitError as e:
        return [], f"(別添2) の行を出せません: {e}"
    fh = hist.for_path(d.path)
    if fh is None:
        return [], ""
    out = []
    for prev, v, changes in version_changes(fh, form):
        if v.commit.sha not in after_base:
            continue
        for r in derived_rows(fh, form, [(prev, v, changes)]):
            c = r.change
            doc = prev.data if c is not None and c.kind == REMOVED else v.data
            label = named_label(form, c.path, doc) if c is not None else r.item
            before, after = _change_cells(c) if c is not None else (_cell(r.before), _cell(r.after))
            timing = r.timing + ("(推定)" if not r.timing_given else "")
            out.append(
                [
                    _cell(dates.wareki(r.date)),
                    _cell(label) + (" ※" if r.marked else ""),
                    before,
                    after,
                    _cell(timing),
                    _cell(r.explanation),
                    warning(r.marked, r.timing, r.timing_given, r.explanation),
                ]
            )
    return out, ("" if out else "このプルリクエストのコミットは (別添2) に行を加えません(「変更箇所: なし」など)。")


def _fork_point(content_dir: Path, base: str, head: str) -> str:

    root = repo_root(content_dir)
    b, h = resolve(root, base), resolve(root, head)
    try:
        return git(root, "merge-base", b, h).decode().strip() or b
    except GitError:  # unrelated histories: compare with base itself
        return b


def other_files(content_dir: Path, fork: str, head: str | None) -> list[str]:
    """Files the branch changes outside the content folder (head None: the working tree too)."""

    root = repo_root(content_dir)
    prefix = str(Path(content_dir).resolve().relative_to(root.resolve())).replace("\\", "/").rstrip("/") + "/"
    out = git(root, "diff", "--name-only", "-z", "--no-renames", fork, *([head] if head else []))
    if head is None:
        out += b"\0" + git(root, "ls-files", "-z", "--others", "--exclude-standard")
    names = {n.decode("utf-8", "replace") for n in out.split(b"\0") if n}
    return sorted(n for n in names if not n.startswith(prefix))


def _other_files_note(names: list[str]) -> list[str]:
    """A pull request that changes a workflow, a package list, a template or a setting runs that
    change in CI: said first, so that it is reviewed as code (README 安全のための決まり)."""
    if not names:
        return []
    shown = "、".join(mdtext.code(n) for n in names[:OTHER_FILES_SHOWN])
    more = f" ほか {len(names) - OTHER_FILES_SHOWN} 件" if len(names) > OTHER_FILES_SHOWN else ""
    return [
        f"**⚠ 評価書のほかに {len(names)} 件のファイルが変わります: {shown}{more}。** "
        "ワークフロー・パッケージ・テンプレート・設定は CI でプログラムとして動くことがあるため、"
        "内容ではなくコードとして確かめてからマージしてください。",
        "",
    ]


def pr_comment(content_dir: Path, base: str, head: str | None = "HEAD", limits: Limits = DEFAULT_LIMITS) -> str:
    content_dir = Path(content_dir)
    # What the branch changed since it left base (as GitHub shows a pull request): base may have
    # moved on since, and its own new commits are not this branch's changes.
    fork = _fork_point(content_dir, base, head or "HEAD")
    diffs = compare(content_dir, fork, head, limits)
    shown_head = head or "作業中のファイル"
    lines = [MARKER, f"## 新旧対照表と (別添2) に加わる行({_cell(base)} → {_cell(shown_head)})", ""]
    lines += [PREVIEW, ""]
    lines += _other_files_note(other_files(content_dir, fork, head))
    if not diffs:
        lines.append("評価書の変更はありません。")
        return fit("\n".join(lines) + "\n", LIMIT)
    pending = {p.path: p for p in compare(content_dir, "HEAD", None, limits)} if head is None else {}
    parts: list[list[str]] = []
    n_warn = 0
    for d in diffs:
        part = ["", f"### {_cell(full_title(d.org, d.title))}", ""]
        where = d.path if d.path == d.old_path else f"{d.old_path} → {d.path}"
        part += [f"{mdtext.code(where)} — {d.status}", ""]
        form = form_for(d.new_data if d.new_data is not None else d.old_data)
        if d.error or form is None:
            part.append(f"**{_cell(d.error or '評価書として読めません')}**")
            parts.append(part)
            continue
        part += warning_lines(d)
        n_warn += len(d.warnings)
        if d.status == "追加":
            part.append("新しい評価書です。")
        elif d.status == "削除":
            part.append("評価書が削除されます(サイトでは「終了」として掲載を続けます)。")
        elif not d.changes:
            part.append("項目の変更はありません(書式のみの変更)。")
        else:
            part += ["#### 新旧対照表", "", "| 項目 | 変更前 | 変更後 |", "|---|---|---|"]
            for c in d.changes:
                doc = d.old_data if c.kind == REMOVED else d.new_data
                before, after = _change_cells(c)
                part.append(
                    f"| {_cell(named_label(form, c.path, doc))}{' ※' if c.marked else ''} | {before} | {after} |"
                )
            rows, note = _rows(content_dir, d, form, base, head, pending.get(d.path), limits)
            part += ["", "#### (別添2) 変更箇所に加わる行", ""]
            if rows:
                part += [
                    "| 変更日 | 項目 | 変更前の記載 | 変更後の記載 | 提出時期 | 提出時期に係る説明 |",
                    "|---|---|---|---|---|---|",
                ]
                for cells in rows:
                    w = cells[-1]
                    n_warn += bool(w)
                    if w:  # at the row's 提出時期, where the clerk fixes it
                        cells[4] += f"<br>**{_cell(w)}**"
                    part.append("| " + " | ".join(cells[:-1]) + " |")
            if note:
                part += ["", note]
        parts.append(part)
    n_marked = sum(c.marked for d in diffs for c in d.changes)
    lines.append(
        f"{len(diffs)} 件の評価書が変わります。※ は重要な変更の対象項目です(※ の変更 {n_marked} 件)。"
        + (f" **⚠ 確認が必要な行が {n_warn} 件あります。**" if n_warn else "")
    )
    body = "\n".join(lines)
    for part in parts:
        body += "\n" + "\n".join(part)
    return fit(body + "\n", LIMIT)


def utf16_len(s: str) -> int:
    """Length as GitHub counts it (UTF-16 code units)."""
    return len(s) + sum(1 for c in s if ord(c) > 0xFFFF)


def _run_url() -> str:
    """The Actions run that made the comment (its Summary and artifacts), from GitHub's variables."""

    server, repo, run = (os.environ.get(k, "") for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID"))
    if not (
        server.startswith("https://")
        and re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repo)
        and run.isdigit()
        and re.fullmatch(r"https://[A-Za-z0-9.-]+(:[0-9]+)?", server)
    ):
        return ""
    return f"{server}/{repo}/actions/runs/{run}"


def cut_note() -> str:
    url = _run_url()
    where = f"この確認の[実行結果のページ]({url})" if url else "この確認の実行結果のページ"
    return (
        "\n\n**(GitHub のコメントの長さの上限のため、ここから先は省きました。新旧対照表の全体は、"
        f"{where}(Summary)と成果物 (artifact)「piasite-review」にあります。"
        "手元では `piasite diff` で見られます)**\n"
    )


def fit(body: str, limit: int = LIMIT) -> str:
    """body with control and bidi characters escaped, cut at a line (or, for one huge line, within
    it) so that it and the note fit in limit UTF-16 code units. The escaping comes first: it can
    make a text longer (1 character → <U+001B>)."""
    body = safeout.escape(body)
    if utf16_len(body) <= limit:
        return body
    note = cut_note()
    room = limit - utf16_len(note)
    kept: list[str] = []
    used = 0
    for line in body.split("\n"):
        n = utf16_len(line) + 1
        if used + n > room:
            if not kept or used < room // 2:  # one huge line: keep its start
                chars, u = [], used
                for c in line:
                    u += 2 if ord(c) > 0xFFFF else 1
                    if u > room - 1:
                        break
                    chars.append(c)
                kept.append("".join(chars))
            break
        kept.append(line)
        used += n
    return "\n".join(kept) + note
