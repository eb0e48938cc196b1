"""The last line against characters no XML or HTML may hold.

`piasite check` rejects control characters in content (validate.py), but a
value can also come from a past commit or a commit trailer, and one escape
sequence (YAML "\\e", "\\0", "\\v") would make an Atom feed invalid XML and put
parse errors into pages; a lone surrogate ("\\ud800") cannot even be written as
UTF-8. So every file the generator writes goes through clean(): such
characters become U+FFFD, which shows that something was there.
"""

from __future__ import annotations

import re

# Not allowed in XML 1.0 (tab, LF and CR are), plus DEL, lone surrogates and the noncharacters.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    return _INVALID.sub("\ufffd", text)
