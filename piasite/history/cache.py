"""The cache of parsed blobs (git.parse_blobs): JSON files in the user's cache folder.

A repository can carry any file — a `.cache/` folder committed with `git add -f`
included — so the cache lives outside the working tree (PIASITE_CACHE_DIR, else
$XDG_CACHE_HOME/piasite, else ~/.cache/piasite; one folder per repository path)
and holds data only: JSON, read with json.loads, never pickle or marshal. An
entry that does not decode to exactly what parsing gives (the blob's id, the
shape ("ok", data) / ("err", line, message), known value types only) is ignored
and the blob parsed again, so the cache can never change the output.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from piasite.config.limits import DEFAULT_LIMITS, Limits
from piasite.model.reader import Uncertain, Withheld

VERSION = 3  # 3: the reader refuses aliases, foreign tags and over-deep or over-long values
_SHA = frozenset("0123456789abcdef")
# Values JSON cannot hold are one-key objects with a key starting with NUL (no YAML key we
# publish starts so; a mapping that does is stored as "\0map" pairs, so nothing is ambiguous).
_DATE, _DATETIME, _WITHHELD, _MAP, _UNCERTAIN = "\0date", "\0datetime", "\0withheld", "\0map", "\0uncertain"


class _Invalid(Exception):
    pass


def cache_dir(root: Path, limits: Limits = DEFAULT_LIMITS) -> Path:
    base = os.environ.get("PIASITE_CACHE_DIR")
    if base:
        top = Path(base)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        top = (Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache") / "piasite"
    key = hashlib.sha256(str(Path(root).resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:20]
    # what parsing gives depends on the limits: one folder per setting
    return top / key / f"blobs-v{VERSION}-{limits.max_file_bytes}-{limits.max_value_chars}"


def _enc(v: Any) -> Any:
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, list):
        return [_enc(x) for x in v]
    if isinstance(v, dict):
        if any(not isinstance(k, str) for k in v):
            raise _Invalid
        if any(k.startswith("\0") for k in v):
            return {_MAP: [[k, _enc(x)] for k, x in v.items()]}
        return {k: _enc(x) for k, x in v.items()}
    if isinstance(v, dt.datetime):
        return {_DATETIME: v.isoformat()}
    if isinstance(v, dt.date):
        return {_DATE: v.isoformat()}
    if isinstance(v, Withheld):
        return {_WITHHELD: _enc(v.value)}
    if type(v) is Uncertain and (v.line is None or type(v.line) is int):
        return {_UNCERTAIN: [_enc(v.source), v.line, _enc(v.reason), _enc(v.reading)]}
    raise _Invalid  # bytes, sets, tuples…: not cached, parsed every time


def _dec(v: Any) -> Any:
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, list):
        return [_dec(x) for x in v]
    if not isinstance(v, dict):
        raise _Invalid
    if len(v) == 1:
        ((k, x),) = v.items()
        if k.startswith("\0"):
            if k == _DATETIME and isinstance(x, str):
                return dt.datetime.fromisoformat(x)
            if k == _DATE and isinstance(x, str):
                return dt.date.fromisoformat(x)
            if k == _WITHHELD:
                return Withheld(_dec(x))
            if k == _UNCERTAIN and isinstance(x, list) and len(x) == 4 and (x[1] is None or type(x[1]) is int):
                return Uncertain(_dec(x[0]), x[1], _dec(x[2]), _dec(x[3]))
            if (
                k == _MAP
                and isinstance(x, list)
                and all(isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) for p in x)
            ):
                return {p[0]: _dec(p[1]) for p in x}
            raise _Invalid
    return {k: _dec(x) for k, x in v.items()}


def entry_path(cdir: Path, sha: str) -> Path | None:
    if len(sha) not in (40, 64) or not set(sha) <= _SHA:
        return None
    return cdir / sha[:2] / f"{sha}.json"


def load(cdir: Path, sha: str) -> tuple | None:
    """The cached entry of a blob, or None (absent, unreadable or not valid)."""
    f = entry_path(cdir, sha)
    if f is None:
        return None
    try:
        doc = json.loads(f.read_text(encoding="utf-8"))
        if not (isinstance(doc, dict) and doc.get("v") == VERSION and doc.get("blob") == sha):
            return None
        e = doc.get("entry")
        if isinstance(e, list) and len(e) == 2 and e[0] == "ok":
            return ("ok", _dec(e[1]))
        if isinstance(e, list) and len(e) == 3 and e[0] == "err" and type(e[1]) is int and isinstance(e[2], str):
            return ("err", e[1], e[2])
    except (OSError, ValueError, TypeError, RecursionError, _Invalid):
        pass
    return None


def store(cdir: Path, sha: str, entry: tuple) -> None:
    """Keep an entry; a value JSON cannot hold, or a folder that cannot be written, only skips it."""
    f = entry_path(cdir, sha)
    if f is None:
        return
    try:
        e = ["ok", _enc(entry[1])] if entry[0] == "ok" else list(entry)
        text = json.dumps({"v": VERSION, "blob": sha, "entry": e}, ensure_ascii=False)
        f.parent.mkdir(parents=True, exist_ok=True)
        tmp = f.with_name(f"{f.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, f)
    except (OSError, ValueError, TypeError, RecursionError, _Invalid):
        pass
