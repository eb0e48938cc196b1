"""Names that become paths and URLs: the folders and files under content/.

content/<org>/<name>.yaml becomes the page <org>/<name>/, its search result URL, its feed and
its open-data file. A name is written into hrefs as it is, so it must mean the same thing to
every browser, file system and server: `\\evil.example` is read by browsers as `//evil.example`
(another host), `%2e%2e` as `..`, `#` and `?` end the path, control characters break lines,
`Kumagaya` and `kumagaya` are one folder on some file systems and two on others, and NFC/NFD
spellings of one kana are equal on macOS only. So only one small ASCII set is accepted:

    [a-z0-9][a-z0-9_-]*      at most MAX_CHARS characters; files <name>.yaml

Anything else is an error of `piasite check` and of the build (never a warning), the name
shown with every character outside printable ASCII and letters written as <U+XXXX>
(shown()), so that the message itself shows what is there and cannot drive a terminal.
"""

from __future__ import annotations

import re
import unicodedata

NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
MAX_CHARS = 64
RULE_JA = f"半角の英小文字・数字・-・_ で、英小文字か数字で始まる {MAX_CHARS} 文字までの名前"
EXAMPLE_JA = "例: content/kumagaya/5.yaml"


def safe(name: str) -> bool:
    return len(name) <= MAX_CHARS and bool(NAME.fullmatch(name))


def shown(name: str) -> str:
    """The name for a message: printable ASCII and letters/digits of other scripts as they are,
    every other character (controls, spaces, combining marks, format characters) as <U+XXXX>."""
    out = []
    for ch in name:
        cat = unicodedata.category(ch)
        if ("\x21" <= ch <= "\x7e") or (ord(ch) > 0x7F and cat[0] in "LNPS"):
            out.append(ch)
        else:
            out.append(f"<U+{ord(ch):04X}>")
    return "".join(out)


def why(name: str) -> str:
    """Why name cannot be a folder or file name under content/ ('' when it can), in Japanese."""
    if safe(name):
        return ""
    if len(name) > MAX_CHARS:
        reason = f"{len(name)} 文字あります"
    elif name in (".", "..") or name.startswith("."):
        reason = "「.」で始まっています"
    elif name.startswith(("-", "_")):
        reason = f"「{name[0]}」で始まっています"
    elif any(c.isascii() and c.isupper() for c in name):
        reason = "大文字が含まれています"
    elif not name.isascii():
        reason = "半角英数字以外の文字が含まれています"
    elif not name:
        reason = "空です"
    else:
        bad = sorted({c for c in name if not (c.isascii() and (c.islower() or c.isdigit() or c in "-_"))})
        reason = "使えない文字 " + " ".join(f"「{shown(c)}」" for c in bad) + " が含まれています"
    return reason


def message(kind: str, name: str) -> str:
    """The error for a refused name; kind is "folder" or "file"."""
    what = "フォルダ" if kind == "folder" else "ファイル"
    return (
        f"{what}名「{shown(name)}」は使えません({why(name)})。サイトの URL になるため、{RULE_JA}"
        f"にしてください({EXAMPLE_JA})"
    )
