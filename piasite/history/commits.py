"""Commits as the history reads them: one `git log -z` over the whole history (renames found by git,
merges diffed against their first parent), messages from the commit objects, the first-parent chain
and the commits a merge brings in, and the trailers a commit states (trailers.py: git's rules; the
names are the regime's, forms/regime/trailers.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from piasite.core import dates, textcheck
from piasite.forms.registry import all_forms
from piasite.history import trailers
from piasite.history.git import GitError, cat_objects, commit_message, decode_path, git
from piasite.history.trailers import NONE_VALUE, T_DATE, T_NONE, T_TIMING, TRAILER, TRAILER_KEYS


@dataclass
class Commit:
    sha: str
    parents: list[str]
    date: str  # committer date, ISO 8601 with offset, from git
    message: str  # stripped, for the subject
    changes: list[tuple[str, str, str | None, str]] = field(default_factory=list)  # (status, old, new path, blob)
    side_trailers: dict[str, str] = field(default_factory=dict)
    side: list[Commit] = field(default_factory=list)  # for a merge: the commits it brings in, oldest first
    raw_message: str | None = None  # as in the commit object (trailers are read from it); None: message
    modes: list[str] = field(default_factory=list)  # the new mode of each of changes

    @property
    def day(self) -> str:
        return self.date[:10]

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]

    @property
    def trailers(self) -> dict[str, str]:
        """変更日/提出時期/提出時期に係る説明/変更箇所 trailers; the commit's own win over its branch's."""
        return {**self.side_trailers, **self.trailers_own()}

    def trailers_own(self) -> dict[str, str]:
        """The message's trailers by git's rules (trailers.py: the last paragraph only), the
        allow-listed keys only; a key given twice keeps its first value (trailer_faults tells)."""
        own: dict[str, str] = {}
        for key, value in self._parsed_trailers():
            if key in TRAILER_KEYS:
                own.setdefault(key, value)
        return own

    def _parsed_trailers(self) -> list[tuple[str, str]]:
        cached = self.__dict__.get("_trailers")
        if cached is None:
            text = self.message if self.raw_message is None else self.raw_message
            cached = self.__dict__["_trailers"] = trailers.parse(text)
        return cached

    def trailer_faults(self) -> list[tuple[str, str]]:
        """[(key, message)]: what makes the commit's own trailers unusable (errors)."""
        out: list[tuple[str, str]] = []
        values: dict[str, str] = {}
        for key, value in self._parsed_trailers():
            if key not in TRAILER_KEYS:
                continue
            for severity, message in textcheck.problems(value):
                if severity == "error":
                    out.append((key, message.split("。")[0] + "。トレーラーの値に見えない文字は書けません"))
            if key in values and values[key] != value:
                out.append((key, "二度、違う値で書かれています。どちらか一つにしてください"))
            values.setdefault(key, value)
        return out

    def stray_trailers(self) -> list[str]:
        """Allow-listed keys written as 'key: value' lines outside the trailer block (not read)."""
        found = {k for k, _ in self._parsed_trailers()}
        text = self.message if self.raw_message is None else self.raw_message
        out = []
        for line in text.split("\n"):
            m = TRAILER.match(line.strip())
            if m and m[1] not in found and m[1] not in out:
                out.append(m[1])
        return out


# One `git log -z` line per commit holds only what git writes itself: ids, the committer
# date and the parents (hex, digits and ISO punctuation); --raw adds the changes, each path a
# NUL-terminated field. Messages are never in it: they are read from the commit objects
# through `git cat-file --batch`, which gives each object's length first. No byte of a
# message (or of a path) can end a record or start another.
_LOG_FORMAT = "--format=%H %cI %P"
_HEX = re.compile(rb"[0-9a-f]{40}|[0-9a-f]{64}")
_ISO = re.compile(rb"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:Z|[+-][0-9]{2}:[0-9]{2})")
_RAW = re.compile(rb"\n?:([0-7]{6}) ([0-7]{6}) ([0-9a-f]{40,64}) ([0-9a-f]{40,64}) ([ACDMRTUX])([0-9]{0,3})")


def read_log(root: Path, rev: str = "HEAD") -> dict[str, Commit]:
    """Every commit reachable from rev with its raw changes (one `git log -z`) and its message
    (one `git cat-file --batch` over the commit objects)."""
    out = git(
        root,
        "log",
        "-z",
        "--raw",
        "--no-abbrev",
        "--find-renames",
        "--diff-merges=first-parent",
        "--no-color",
        "--no-show-signature",
        "--no-notes",
        _LOG_FORMAT,
        rev,
        "--",
    )
    toks = out.split(b"\0")
    if toks and toks[-1] == b"":
        toks.pop()
    commits: dict[str, Commit] = {}
    i = 0
    while i < len(toks):
        fields = toks[i].split(b" ")
        i += 1
        if (
            len(fields) < 2
            or not _HEX.fullmatch(fields[0])
            or not _ISO.fullmatch(fields[1])
            or not all(_HEX.fullmatch(p) for p in fields[2:] if p)
        ):
            raise GitError(f"git log の出力を読めません(「{fields[0][:40].decode(errors='replace')}」の行)")
        c = Commit(fields[0].decode(), [p.decode() for p in fields[2:] if p], fields[1].decode(), "")
        while i < len(toks):
            m = _RAW.fullmatch(toks[i])
            if m is None:
                break  # the next commit's line
            status, blob, mode = m[5].decode(), m[4].decode(), m[2].decode()
            paths = 2 if status in "RC" else 1
            if i + paths >= len(toks):
                raise GitError(f"git log の出力を読めません(コミット {c.sha[:10]} の変更の一覧が途中で終わっています)")
            names = [decode_path(t) for t in toks[i + 1 : i + 1 + paths]]
            c.changes.append((status, names[0], names[1] if paths == 2 else None, blob))
            c.modes.append(mode)
            i += 1 + paths
        if c.sha in commits:
            raise GitError(f"git log の出力でコミット {c.sha[:10]} が二度出てきました")
        commits[c.sha] = c
    for sha, raw in cat_objects(root, list(commits), "commit").items():
        c = commits[sha]
        c.raw_message = commit_message(raw)
        c.message = c.raw_message.strip()
    return commits


def first_parent_chain(commits: dict[str, Commit], head: str) -> list[Commit]:
    chain: list[Commit] = []
    sha: str | None = head
    while sha in commits:
        chain.append(commits[sha])
        sha = commits[sha].parents[0] if commits[sha].parents else None
    chain.reverse()
    for c in chain:
        if len(c.parents) > 1:
            c.side = _side_commits(commits, c, {x.sha for x in chain})
            c.side_trailers = side_trailers(c.side)
    return chain


def _side_commits(commits: dict[str, Commit], merge: Commit, chain: set[str]) -> list[Commit]:
    """The commits a merge brings in, oldest first, walking back to the main line."""
    seen, todo, side = set(), list(merge.parents[1:]), []
    while todo:
        sha = todo.pop()
        if sha in seen or sha in chain or sha not in commits:
            continue
        seen.add(sha)
        side.append(commits[sha])
        todo += commits[sha].parents
    side.sort(key=lambda c: c.date)
    return side


def side_trailers(side: list[Commit], path: str | None = None) -> dict[str, str]:
    """Trailers of a merge's side commits (newest wins). With a path, only the commits that
    changed that file count, so that a branch's editorial commit on one file and its real change
    to another each keep their meaning.

    `変更箇所: なし` counts only if every such commit that changed something says so, so
    that one editorial commit in a branch does not hide the branch's real changes.
    """
    if path is not None:
        mine = [c for c in side if any(path in (old, new) for _, old, new, _ in c.changes)]
        side = mine or side  # a path the branch reached by a rename: fall back to the whole branch
    out: dict[str, str] = {}
    for c in side:
        out.update(c.trailers)
    if out.get(T_NONE) == NONE_VALUE and not all(c.trailers.get(T_NONE) == NONE_VALUE for c in side if c.changes):
        del out[T_NONE]
    return out


def trailer_values() -> dict[str, tuple[str, ...]]:
    """Allowed values of the trailers that name a choice (提出時期): the forms' choices."""
    timing: list[str] = []
    for form in all_forms():
        item = form.role_item("change_timing") if form.has_role("change_timing") else None
        for c in item.choices if item and item.choices else ():
            if c not in timing:
                timing.append(c)
    return {T_TIMING: tuple(timing)}


def trailer_problems(commit: Commit) -> list[tuple[str, str, str]]:
    """[(severity, trailer, message)] for the trailers of a commit (and of the commits a merge
    brings in). A date or 提出時期 the change log cannot use, control and bidi characters in a
    value and a key given twice with different values are errors (the commit is named: a merged
    commit cannot be corrected, only listed in the baseline); an allow-listed key outside the
    trailer block is a warning, as it is not read."""
    out = []
    tr = commit.trailers
    for c in [commit, *commit.side]:
        shown = "" if c is commit else f"(取り込んだコミット {c.sha[:10]}「{c.subject[:60]}」)"
        for key, message in c.trailer_faults():
            out.append(("error", key, shown + message))
        for key in c.stray_trailers():
            out.append(
                (
                    "warning",
                    key,
                    shown + "メッセージの最後の段落の外にあるため、トレーラーとして読みません"
                    "(トレーラーは空行の後の最後の段落に、ほかの文と混ぜずに書いてください)",
                )
            )
    if T_DATE in tr:
        v = tr[T_DATE]
        if not (dates.parse_iso(v) or dates.parse_date(v)):
            out.append(
                (
                    "error",
                    T_DATE,
                    f"「{v}」は日付として読めません({dates.RANGE_JA}の日付を 2025-12-01 のように書いてください)"
                    if v
                    else "値が空です(2025-12-01 のように書いてください)",
                )
            )
    choices = trailer_values()
    for key, allowed in choices.items():
        if key in tr and allowed and tr[key] not in allowed:
            out.append(("error", key, f"「{tr[key]}」は選べません。{' か '.join(allowed)} と書いてください"))
    return out
