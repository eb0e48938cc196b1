"""The importer and the text export name no form key: they read the definitions' roles,
labels and `unused_if`. Same scanner as tests/test_no_form_keys.py (which leaves
piasite/importer/ to this test), over piasite/importer/*.py and piasite/commands/export.py."""

import re
from collections import Counter
from pathlib import Path

import yaml

from tests.conftest import YAML_LOADER

PIASITE = Path(__file__).resolve().parents[2] / "piasite"
QUOTED = re.compile(r"""(?<![A-Za-z0-9_])[rbfu]{0,2}(["'])((?:(?!\1).)+?)\1""")

# (module, string) → count allowed, and why. Empty: a quoted form key here fails the test.
ALLOWED: dict[tuple[str, str], int] = {}


def _form_keys() -> set[str]:
    keys: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("key"), str):
                keys.add(node["key"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for p in sorted((PIASITE / "forms").glob("*.yaml")):
        walk(yaml.load(p.read_text(encoding="utf-8"), Loader=YAML_LOADER))
    return keys


def test_no_quoted_form_key_in_the_importer_or_the_export():
    keys = _form_keys()
    assert {"委託先名", "変更箇所", "取込メモ", "様式の版"} <= keys
    found: Counter = Counter()
    for p in sorted((PIASITE / "importer").glob("*.py")) + [PIASITE / "commands" / "export.py"]:
        for line in p.read_text(encoding="utf-8").splitlines():
            code = line.split("#", 1)[0] if not re.search(r"""["'][^"']*#""", line) else line
            for m in QUOTED.finditer(code):
                if m.group(2) in keys:
                    found[(p.name, m.group(2))] += 1
    extra = {k: n for k, n in found.items() if n > ALLOWED.get(k, 0)}
    assert not extra, extra
