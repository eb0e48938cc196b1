"""What an assessment lists, read through the form's roles: its 特定個人情報ファイル, systems and
委託事項, and where the 提供先・移転先 it does not list are. Shared by the checks (counts against
lists) and the site (indexes, the facts of a page). Values are read as given: callers pass the
public data where a page is made."""

from __future__ import annotations

from typing import Any

from piasite.core.markup import plain
from piasite.model.reader import Uncertain


def files(a, data):
    """(path of the file, its name) for every 特定個人情報ファイル of a form that has them as a group."""
    f = a.form
    if not f.has_role("file"):
        return
    for fpath, file in f.values(data, "file"):
        if isinstance(file, dict):
            yield fpath, plain(f.value(data, "file_name", within=fpath) or f"({fpath[-1] + 1})")


def systems(a, d):
    """(path, name) of every system named (a group of systems, or a list of their names)."""
    for p, name in a.form.values(d, "system_name"):
        if name:
            yield p, name


def tasks(a, d):
    """(path of the task, task, file name) for every 委託事項."""
    f = a.form
    names = dict(files(a, d))
    for tpath, task in f.values(d, "entrustment"):
        if isinstance(task, dict):
            fpath = f.enclosing(tpath, "file")
            yield tpath, task, (names.get(fpath, "") if fpath else "")


# Where a file's 提供先・移転先 beyond those it lists are, as far as the document says.
ATTACHED, UNREAD, UNSAID = "attached", "unread", "unsaid"


def rest_of_list(form: Any, data: Any, fpath: tuple) -> str:
    """ATTACHED: the file's 添付資料 (role provision_transfer_attachment) names one, or a listed
    name points to one (添付資料を参照, 別紙…); UNREAD: the 添付資料 is !要確認 (an import found
    no attachment named); UNSAID: nothing says (piasite check reports it as an error)."""
    att = form.value(data, "provision_transfer_attachment", within=fpath)
    if isinstance(att, Uncertain):
        return UNREAD
    if att:
        return ATTACHED
    names = " ".join(
        str(v) for role in ("provision_name", "transfer_name") for _, v in form.values(data, role, within=fpath)
    )
    return ATTACHED if "添付" in names or "別紙" in names else UNSAID


def least_said(states: list[str]) -> str:
    """Of several files' states, the one that says least (one unread file makes the note say so)."""
    return next((s for s in (UNREAD, UNSAID) if s in states), ATTACHED)
