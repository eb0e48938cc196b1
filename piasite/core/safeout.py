"""Output that cannot attack a terminal or a reader (SECURITY.md 端末と読み手を攻撃しない出力).

Everything a command writes can quote an untrusted text: a value from content, a commit message or
trailer, a folder name, imported text. An ESC byte there would drive the terminal or the CI log
(colours, cursor moves, OSC 8 links, a window title), a bidi control would reorder what the reader
sees (Trojan Source). So every C0 control (but tab and line feed, and a carriage return directly
before a line feed: CSV's CRLF), DEL, every C1 control, the bidi controls (U+202A–U+202E,
U+2066–U+2069, U+200E, U+200F, U+061C), the line and paragraph separators (U+2028, U+2029) and
lone surrogates are written visibly as <U+001B>.

`SafeStream` applies that to a text stream; cli.py puts one over sys.stdout and sys.stderr for the
whole run of every command (its messages and errors included), so no module has to remember it.
Zero-width characters are kept: the PR comment relies on U+2060 to keep @mentions and references
text (mdtext.py), and check already names them in its warnings.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

_UNSAFE = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029\ud800-\udfff"
UNSAFE = re.compile(f"[{_UNSAFE}]|\r(?!\n)")


def escape(text: str) -> str:
    """text with every unsafe character written as <U+XXXX> (tab, LF and CRLF kept)."""
    return UNSAFE.sub(lambda m: f"<U+{ord(m[0]):04X}>", text)


def json_text(text: str) -> str:
    """A JSON text (json.dumps with ensure_ascii=False) with every unsafe character in its JSON
    escape (\\u202e): a tool reading it gets the value, a terminal shows no raw control."""
    return UNSAFE.sub(lambda m: "".join(f"\\u{b:04x}" for b in _utf16(m[0])), text)


def _utf16(c: str) -> list[int]:
    return (
        [ord(c)] if ord(c) <= 0xFFFF else [0xD800 + ((ord(c) - 0x10000) >> 10), 0xDC00 + ((ord(c) - 0x10000) & 0x3FF)]
    )


def has_unsafe(text: str) -> bool:
    return UNSAFE.search(text) is not None


class SafeStream(io.TextIOBase):
    """A text stream writing to another with escape() applied. A carriage return ending one write
    is held until the next shows whether a line feed follows it (CRLF kept across writes)."""

    def __init__(self, inner: IO[str]):
        self.inner = inner
        self._cr = False

    def write(self, s: str) -> int:
        if not isinstance(s, str):  # click probes a stream with b"": a text stream refuses bytes
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        n = len(s)
        if self._cr:
            s = "\r" + s
            self._cr = False
        if s.endswith("\r"):
            s = s[:-1]
            self._cr = True
        if s:
            self.inner.write(escape(s))
        return n

    def _release(self) -> None:
        if self._cr:
            self._cr = False
            self.inner.write(escape("\r"))

    def flush(self) -> None:
        # A lone CR at the end of a write is kept back: flushing does not decide it (click flushes
        # after every echo); the next write or close does.
        self.inner.flush()

    def close(self) -> None:
        self._release()
        self.inner.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return bool(getattr(self.inner, "isatty", lambda: False)())

    def fileno(self) -> int:
        return self.inner.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.inner, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.inner, "errors", None)

    def __getattr__(self, name: str) -> Any:  # newlines, mode, name … as the stream below has them
        if name in ("buffer", "detach"):  # no way around the escaping
            raise AttributeError(name)
        return getattr(self.inner, name)


@contextmanager
def safe_streams() -> Iterator[None]:
    """sys.stdout and sys.stderr behind a SafeStream for the block (nested: once)."""
    old_out, old_err = sys.stdout, sys.stderr
    if isinstance(old_out, SafeStream):
        yield
        return
    out, err = SafeStream(old_out), SafeStream(old_err)
    sys.stdout, sys.stderr = out, err
    try:
        yield
    finally:
        for s in (out, err):
            try:
                s._release()
                s.inner.flush()
            except (OSError, ValueError):
                pass
        sys.stdout, sys.stderr = old_out, old_err
