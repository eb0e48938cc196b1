"""`piasite check --since BASE`: the changes since BASE as the change log will show them, with a
warning where a commit lacks what the 別添2 needs (a 変更日, or for a ※ item 提出時期 事前 and its
explanation), and the history's own errors (the build would refuse them)."""

from __future__ import annotations

from pathlib import Path

from piasite.config.limits import DEFAULT_LIMITS, Limits
from piasite.core.problems import WARNING, Problem
from piasite.forms.registry import form_for
from piasite.history.changelog import derived_rows, published_date
from piasite.history.git import git, repo_root, resolve
from piasite.history.trailers import T_DATE
from piasite.history.versions import FileHistory, load_history
from piasite.model.reader import ReadError, read


def check_since(files: list[Path], since: str, limits: Limits = DEFAULT_LIMITS) -> list:
    """Warnings for ※ item changes since BASE whose commits lack 提出時期 事前 and its explanation."""
    given = {Path(f).resolve(): Path(f) for f in files}  # messages name files as the user gave them
    files = list(given)
    if not files:
        return []
    root = repo_root(files[0])
    base = resolve(root, since)
    content_dir = _content_dir(root, files)
    hist = load_history(content_dir, strict=False, limits=limits)
    after_base = set(git(root, "rev-list", f"{base}..HEAD").decode().split())
    problems = []
    for path, line, item, message in hist.errors:  # the build would refuse them: errors here too
        problems.append(Problem(_shown(root / path), line, item, message))
    for w in hist.warnings:
        problems.append(Problem(_shown(root / w.split(":", 1)[0]), 1, "", w.split(": ", 1)[1], WARNING))
    wanted = {str(f.relative_to(root.resolve())).replace("\\", "/"): given[f] for f in files}
    for fh in hist.files:
        if fh.path not in wanted or fh.deleted or not fh.live:
            continue
        form = form_for(fh.live[-1].data)
        if form is None:
            continue  # the check of the file itself reports it
        rows = derived_rows(fh, form)
        undated = {r.commit for r in rows if r.commit in after_base} - _dated_commits(fh)
        for sha in sorted(undated, key=[v.commit.sha for v in fh.live].index):
            problems.append(
                Problem(
                    wanted[fh.path],
                    1,
                    "",
                    f"コミット {sha[:10]} に「変更日: YYYY-MM-DD」がなく公表日も変わっていないため、"
                    "(別添2) の変更日はコミットの日付になります。変更日を書くか、"
                    "誤字の修正などなら「変更箇所: なし」と書いてください",
                    WARNING,
                )
            )
        lines = _current_lines(wanted[fh.path], limits)
        for row in rows:
            if row.commit not in after_base or not row.marked:
                continue
            if row.timing == "事前" and row.timing_given and row.explanation:
                continue
            line = lines.line(row.change.path) if lines is not None and row.change is not None else 1
            problems.append(
                Problem(
                    wanted[fh.path],
                    line,
                    row.item,
                    f"※の項目(重要な変更)がコミット {row.commit[:10]} で変わりましたが、"
                    "コミットメッセージに「提出時期: 事前」と「提出時期に係る説明: …」がありません",
                    WARNING,
                )
            )
    return problems


def _shown(path: Path) -> Path:
    """A path of the repository as the user sees it: relative to the working folder when inside it."""
    try:
        # the folder resolved, not the file: a link is named as itself, never as what it points to
        return (path.parent.resolve() / path.name).relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _current_lines(path: Path, limits: Limits = DEFAULT_LIMITS):
    """The working file's lines (a changed item is named at its line today), or None if unreadable."""
    try:
        return read(path, limits)
    except (ReadError, OSError):
        return None


def _dated_commits(fh: FileHistory) -> set[str]:
    """Commits whose version of the file states its date: a 変更日 trailer or a new 公表日."""
    out, prev = set(), None
    for v in fh.live:
        if v.trailers.get(T_DATE) or (prev is not None and published_date(v.data) != published_date(prev.data)):
            out.add(v.commit.sha)
        prev = v
    return out


def _content_dir(root: Path, files: list[Path]) -> Path:
    """The content/ folder holding the files (the first path part under the root)."""
    rel = files[0].relative_to(root.resolve())
    return root / rel.parts[0] if len(rel.parts) > 1 else root
