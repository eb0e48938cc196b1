"""Once withheld, never shown again: 非公表 across versions.

A clerk who marks a value `!非公表` hides it from the current page, but earlier
versions in git still hold it in the clear. The rule for everything made from
more than one version (別添2 rows, timelines, past versions, the compare view,
更新履歴, feeds, `piasite diff` and `changelog`): an item withheld in any
version is withheld in every version. Items are named by their key path with
list positions left out (every 委託事項's 委託先名 when one is withheld): a
group's elements can move between versions, and showing too little of a
document's history is the safe side. A change of a withheld item is still
reported, as a change of a 非公表 item, never with what it was or became.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from piasite.config.limits import DEFAULT_LIMITS, Limits
from piasite.core import safefiles
from piasite.core.problems import WARNING, Problem
from piasite.forms.registry import form_for
from piasite.forms.values import value_at
from piasite.history import cache as blobcache
from piasite.history.commits import read_log
from piasite.history.git import GitError, ObjectError, is_content, is_shallow, parse_blobs, repo_root, resolve
from piasite.model.reader import Withheld, public

ANY = None  # a list position, in a path of paths()


def paths(data: Any, path: tuple = ()) -> set[tuple]:
    """Key paths (list positions as ANY) of every withheld value in data."""
    return {_any(p) for p in concrete_paths(data, path)}


def mask(data: Any, withheld: set[tuple], path: tuple = ()) -> Any:
    """data with every value at a path in withheld marked Withheld (a copy where anything changes)."""
    if not withheld or isinstance(data, Withheld):
        return data
    if path in withheld:
        return Withheld(data)
    if isinstance(data, dict):
        return {k: mask(v, withheld, path + (k,)) for k, v in data.items()}
    if isinstance(data, list):
        return [mask(v, withheld, path + (ANY,)) for v in data]
    return data


def mask_all(versions: Iterable[Any]) -> list[Any]:
    """The versions' data, each masked with what any of them withholds."""
    versions = list(versions)
    withheld: set[tuple] = set()
    for d in versions:
        withheld |= paths(d)
    return [mask(d, withheld) for d in versions]


# -- for all time: every reachable commit, and the current version ---------------------------
#
# The versions one history shows are not all the versions there were: a comparison of two
# commits skips those between them, a pull request's branch has commits of its own, and the
# versions before the baseline are never shown. So what is withheld is read from every blob
# any reachable commit held at a content path (renames followed: every name a file had shares
# one set), and every version any output shows is masked with it (`Ledger.mask`).
#
# The current version (the working tree, or the head of a comparison) is the one a clerk
# edits: removing `!非公表` there must not publish the value (kept or changed). Its values are
# masked by `Ledger.mask_current`, item by item (see there). Withdrawing a withholding on
# purpose is a line in RELEASE_FILE (README「非公表を解除する」).

RELEASE_FILE = ".piasite-withheld-release"
SEP = "/"  # between the keys of an item path in RELEASE_FILE


def _any(path: tuple) -> tuple:
    return tuple(ANY if isinstance(p, int) else p for p in path)


def concrete_paths(data: Any, path: tuple = ()) -> set[tuple]:
    """Key paths with list positions of every withheld value in data."""
    if isinstance(data, Withheld):
        return {path}
    out: set[tuple] = set()
    if isinstance(data, dict):
        for k, v in data.items():
            out |= concrete_paths(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out |= concrete_paths(v, path + (i,))
    return out


def _key(value: Any) -> str:
    """A value's identity for value-equality (whitespace and Unicode forms folded)."""
    if isinstance(value, Withheld):
        value = value.value
    if isinstance(value, str):
        return " ".join(unicodedata.normalize("NFKC", value).split())
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def scalars(value: Any) -> Iterable[str]:
    """The scalar texts inside a value (for the alias check)."""
    if isinstance(value, Withheld):
        value = value.value
    if isinstance(value, dict):
        for v in value.values():
            yield from scalars(v)
    elif isinstance(value, list):
        for v in value:
            yield from scalars(v)
    elif value is not None and str(value).strip():
        yield _key(str(value))


class _Lineage:
    """What one file (under all the names it had) ever withheld."""

    def __init__(self) -> None:
        self.versions: list[Any] = []  # parsed data of every version (Withheld kept)
        self.paths: set[tuple] = set()  # ANY paths withheld in some version
        self.released: set[tuple] = set()


class Ledger:
    """Withheld item paths of every content file over every reachable commit."""

    def __init__(self) -> None:
        self._of: dict[str, _Lineage] = {}
        self.names: set[str] = set()  # every withheld scalar text (aliases may not name one)
        self.release_errors: list[tuple[int, str]] = []

    def lineage(self, path: str) -> _Lineage | None:
        return self._of.get(path)

    def paths_for(self, path: str) -> set[tuple]:
        lin = self._of.get(path)
        return (lin.paths - lin.released) if lin else set()

    def mask(self, path: str, data: Any) -> Any:
        """A version of the file at path (any version) masked with what it ever withheld."""
        return mask(data, self.paths_for(path)) if isinstance(data, (dict, list)) else data

    def mask_current(self, path: str, data: Any) -> tuple[Any, list[tuple]]:
        """(data masked, the concrete paths masked that data does not mark itself).

        A value of the current version is masked where an earlier version withheld the item
        (its key path, list positions aside) and
        - the value is one that was withheld there (the tag removed, the value kept), or
        - no element marks that item any more (the tag removed, the value changed), or
        - it stands where a withheld value stood (same positions).
        So a document whose 委託事項1 withholds its 委託先名 still shows the others' 委託先名,
        and removing a tag never publishes the value; a line in RELEASE_FILE does.
        """
        lin = self._of.get(path)
        if lin is None or not isinstance(data, dict):
            return data, []
        past = [v for v in lin.versions if v != data]
        any_paths = set().union(*(paths(v) for v in past)) - lin.released if past else set()
        if not any_paths:
            return data, []
        values: dict[tuple, set[str]] = {}
        spots: set[tuple] = set()
        for v in past:
            for p in concrete_paths(v):
                spots.add(p)
                values.setdefault(_any(p), set()).add(_key(value_at(v, p)))
        marked_now = paths(data)
        masked: list[tuple] = []

        def walk(node: Any, p: tuple) -> Any:
            if isinstance(node, Withheld):
                return node
            a = _any(p)
            if a in any_paths and node not in (None, "", [], {}):
                if a not in marked_now or p in spots or _key(node) in values.get(a, ()):
                    masked.append(p)
                    return Withheld(node)
            if isinstance(node, dict):
                return {k: walk(v, p + (k,)) for k, v in node.items()}
            if isinstance(node, list):
                return [walk(v, p + (i,)) for i, v in enumerate(node)]
            return node

        return walk(data, ()), masked

    def is_released(self, path: str, item: tuple) -> bool:
        lin = self._of.get(path)
        return lin is not None and _any(item) in lin.released


def release_line(path: str, item: tuple) -> str:
    """The RELEASE_FILE line that withdraws the withholding of item (a path) in file path."""
    return f"{path} {SEP.join(str(k) for k in item if not isinstance(k, int) and k is not ANY)}"


def read_release(root: Path) -> tuple[dict[str, set[tuple]], list[tuple[int, str]]]:
    """RELEASE_FILE: `content/…/x.yaml キー/キー/…` a line (# comments) → {file: {ANY paths}}."""
    f = Path(root) / RELEASE_FILE
    if not os.path.lexists(f):
        return {}, []
    try:
        text = safefiles.read_text(f, Path(root))  # a link or a FIFO is refused, never followed
    except safefiles.UnsafeFile as e:
        return {}, [(1, e.message)]
    except (OSError, UnicodeDecodeError):
        return {}, [(1, "UTF-8 のテキストとして読めません")]
    out: dict[str, set[tuple]] = {}
    errors = []
    for n, line in enumerate(text.split("\n"), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(None, 1)
        if len(parts) != 2 or not parts[0].endswith(".yaml"):
            errors.append((n, "「content/…/ファイル.yaml 項目のキー/キー/…」の形で書いてください"))
            continue
        out.setdefault(parts[0], set()).add(tuple(k.strip() for k in parts[1].split(SEP)))
    return out, errors


def _release_paths(lin: _Lineage, keys: set[tuple]) -> set[tuple]:
    """The ANY paths of lin a release names (keys without list positions)."""
    return {p for p in lin.paths if tuple(k for k in p if k is not ANY) in keys}


def build_ledger(root: Path, commits: Iterable[Any], prefix: str, is_content, parse) -> Ledger:
    """The ledger from commits (commits.Commit: changes (status, old, new, blob)); parse(blobs)
    → {blob: ("ok", data) | ("err", …)} (git.parse_blobs, cached by blob id)."""
    parent: dict[str, str] = {}

    def find(p: str) -> str:
        while parent.get(p, p) != p:
            parent[p] = parent.get(parent[p], parent[p])
            p = parent[p]
        return p

    blobs: list[tuple[str, str]] = []
    where: dict[str, str] = {}  # blob → the commit and path it was first seen at, for an error
    for c in commits:
        for (status, old, new, blob), mode in zip(
            c.changes, getattr(c, "modes", None) or [""] * len(c.changes), strict=False
        ):
            if mode and mode not in ("100644", "100755"):
                continue  # a gitlink or a link: load_history and diff name it (commit and path); nothing to read
            where.setdefault(blob, f"コミット {c.sha[:10]} の {new or old}")
            if status == "R" and is_content(old, prefix) and new and is_content(new, prefix):
                parent.setdefault(old, old)
                parent.setdefault(new, new)
                parent[find(old)] = find(new)
            path = new or old
            if status != "D" and is_content(path, prefix) and blob.strip("0"):
                parent.setdefault(path, path)
                blobs.append((path, blob))
    try:
        parsed = parse({b for _, b in blobs})
    except ObjectError as e:  # name the commit and path, as load_history does
        raise ObjectError(e.sha, "blob", "missing", where.get(e.sha, "")) from None
    ledger = Ledger()
    groups: dict[str, _Lineage] = {}
    seen: set[tuple[str, str]] = set()
    for path, blob in blobs:
        lin = groups.setdefault(find(path), _Lineage())
        if (find(path), blob) in seen:
            continue
        seen.add((find(path), blob))
        entry = parsed.get(blob)
        if not entry or entry[0] != "ok" or not isinstance(entry[1], dict):
            continue
        data = entry[1]
        lin.versions.append(data)
        for item in concrete_paths(data):
            lin.paths.add(_any(item))
            ledger.names.update(scalars(value_at(data, item)))
    for p in parent:
        ledger._of[p] = groups.setdefault(find(p), _Lineage())
    release, ledger.release_errors = read_release(root)
    for p, keys in release.items():
        got = ledger._of.get(p)
        if got is not None:
            got.released |= _release_paths(got, keys)
    return ledger


_MEMO: dict[tuple, Ledger] = {}
_MARK = '"\\u0000withheld"'  # how blobcache writes a Withheld value (JSON escapes the NUL)


def _tagged_blobs(root: Path, shas: set[str], limits: Limits = DEFAULT_LIMITS) -> dict[str, tuple]:
    """git.parse_blobs, but a blob whose cached entry holds no Withheld value is left out
    unread: only blobs with a tag add to the ledger (most versions have none)."""
    cdir = blobcache.cache_dir(root, limits)
    head = json.dumps({"v": blobcache.VERSION})[:-1]  # blobcache.store writes "v" first
    todo = set()
    for sha in shas:
        f = blobcache.entry_path(cdir, sha)
        try:
            text = f.read_text(encoding="utf-8") if f is not None else None
        except OSError:
            text = None
        if text is None or _MARK in text or not text.startswith(head):  # absent, tagged or of another version
            todo.add(sha)
    return parse_blobs(root, todo, limits=limits)


def ledger(
    root: Path, revs: Iterable[str], prefix: str, commits: dict | None = None, limits: Limits = DEFAULT_LIMITS
) -> Ledger:
    """The ledger of every commit reachable from revs (full ids), computed once per process."""
    revs = tuple(sorted(set(revs)))
    release = Path(root) / RELEASE_FILE
    try:
        stamp = release.lstat().st_mtime_ns, release.lstat().st_size
    except OSError:
        stamp = None
    key = (str(Path(root).resolve()), prefix, revs, stamp, limits)
    if key in _MEMO:
        return _MEMO[key]
    every: dict = dict(commits or {})
    for rev in revs:
        if commits is None or rev not in every:
            every.update(read_log(Path(root), rev))
    out = build_ledger(root, every.values(), prefix, is_content, lambda shas: _tagged_blobs(Path(root), shas, limits))
    _MEMO[key] = out
    return out


def for_content(
    content_dir: Path, revs: Iterable[str] = ("HEAD",), limits: Limits = DEFAULT_LIMITS
) -> tuple[Ledger, Path, str] | None:
    """The ledger of content_dir's repository (None outside git, shallow, or without commits)."""
    content_dir = Path(content_dir).resolve()
    try:
        root = repo_root(content_dir)
        if is_shallow(root):
            return None
        shas = [resolve(root, r) for r in revs]
    except GitError:
        return None
    prefix = str(content_dir.relative_to(root.resolve())).replace("\\", "/").strip(".")
    prefix = (prefix + "/") if prefix else ""
    return ledger(root, shas, prefix, limits=limits), root, prefix


def removed_tags(led: Ledger, path: str, data: Any) -> tuple[Any, list[str]]:
    """(the current data masked, a Japanese warning per item whose !非公表 was removed)."""
    masked, found = removed(led, path, data)
    return masked, [f"{path}: {label}: {message}" for _, label, message in found]


def removed(led: Ledger, path: str, data: Any) -> tuple[Any, list[tuple[tuple, str, str]]]:
    """(the current data masked, [(concrete path, item label, message)] of the items masked)."""
    masked, where = led.mask_current(path, data)
    if not where:
        return masked, []
    form = form_for(masked)
    shown = public(masked)
    out = []
    for p in where:
        try:
            label = form.label_path(p, shown) if form is not None else SEP.join(map(str, p))
        except (KeyError, IndexError, TypeError, ValueError):
            label = SEP.join(map(str, p))
        out.append(
            (
                p,
                label,
                "以前の版で非公表(!非公表)だった項目に印がありません。値は公開せず「非公表」と表示します"
                f"(公開してよいと決めたときは {RELEASE_FILE} に「{release_line(path, p)}」と書きます)",
            )
        )
    return masked, out


def check_problems(docs: list, limits: Limits = DEFAULT_LIMITS) -> list:
    """`piasite check`: a warning at each item whose !非公表 was removed (it stays unpublished)."""
    out: list = []
    by_dir: dict[Path, list] = {}
    for d in docs:
        by_dir.setdefault(Path(d.path).resolve().parent.parent, []).append(d)
    for content_dir, group in by_dir.items():
        found = for_content(content_dir, limits=limits)
        if found is None:
            continue
        led, root, _ = found
        for n, m in led.release_errors:
            out.append(Problem(Path(root) / RELEASE_FILE, n, "", m))
        for d in group:
            try:
                rel = str(Path(d.path).resolve().relative_to(Path(root).resolve())).replace("\\", "/")
            except ValueError:
                continue
            for p, label, message in removed(led, rel, d.data)[1]:
                out.append(Problem(Path(d.path), d.line(p), label, message, WARNING))
    return out


def mask_assessments(
    assessments: list, content_dir: Path | None, limits: Limits = DEFAULT_LIMITS
) -> tuple[set[str], list[str]]:
    """Mask the current data of every assessment in place (Ledger.mask_current); returns every
    withheld text (for the alias check) and the warnings of removed !非公表 tags."""
    found = for_content(content_dir, limits=limits) if content_dir else None
    if found is None:
        return current_names(a.doc.data for a in assessments), []
    led, root, _ = found
    names = led.names | current_names(a.doc.data for a in assessments)
    warnings = [f"{RELEASE_FILE}:{n}: {m}" for n, m in led.release_errors]
    for a in assessments:
        try:
            rel = str(Path(a.path).resolve().relative_to(Path(root).resolve())).replace("\\", "/")
        except ValueError:
            continue
        data, notes = removed_tags(led, rel, a.doc.data)
        if notes:
            a.doc.data = data
            a.__dict__.pop("public_data", None)  # a cached_property computed from the old data
        warnings += notes
    return names, warnings


def current_names(datas: Iterable[Any]) -> set[str]:
    """The texts the given (current) documents withhold."""
    out: set[str] = set()
    for d in datas:
        for p in concrete_paths(d):
            out.update(scalars(value_at(d, p)))
    return out


def withheld_names(content_dir: Path, datas: Iterable[Any] = (), limits: Limits = DEFAULT_LIMITS) -> set[str]:
    """Every text withheld now (datas) or in any version of content_dir's history."""
    found = for_content(content_dir, limits=limits)
    return current_names(datas) | (found[0].names if found else set())


def mask_document(path: Path, data: Any, limits: Limits = DEFAULT_LIMITS) -> Any:
    """One current file's data masked (Ledger.mask_current), for commands that print one file."""
    found = for_content(Path(path).resolve().parent.parent, limits=limits)
    if found is None:
        return data
    led, root, _ = found
    try:
        rel = str(Path(path).resolve().relative_to(Path(root).resolve())).replace("\\", "/")
    except ValueError:
        return data
    return led.mask_current(rel, data)[0]


class FromHistory:
    """What the versions in git withhold, as checks.load asks it (its Withholding): a ledger per
    content folder, read once, with the city's limits."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self.ledgers: dict = {}  # content folder → for_content()
        self.limits = limits

    def hidden_paths(self, doc: Any) -> set[tuple]:
        return hidden_paths(doc, self.ledgers, self.limits)

    def names(self, content_dir: Path, datas: list) -> set[str]:
        return withheld_names(content_dir, datas, self.limits)


def hidden_paths(doc: Any, ledgers: dict, limits: Limits = DEFAULT_LIMITS) -> set[tuple]:
    """The concrete paths of doc (a reader.Document) that Ledger.mask_current masks: messages
    about them never quote the value. ledgers: a cache, content folder → for_content()."""
    folder = Path(doc.path).resolve().parent.parent
    if folder not in ledgers:
        ledgers[folder] = for_content(folder, limits=limits)
    found = ledgers[folder]
    if found is None:
        return set()
    led, root, _ = found
    try:
        rel = str(Path(doc.path).resolve().relative_to(Path(root).resolve())).replace("\\", "/")
    except ValueError:
        return set()
    return set(led.mask_current(rel, doc.data)[1])
