"""No module names a form key: the code reads roles (piasite/forms/*.yaml `roles:`).

Counts every quoted string in piasite/**/*.py (the definitions, forms/*.yaml, are not code) that
equals a `key:` of any form definition. The few that remain
are listed below with the reason each is there; a new one fails this test.
"""

import re
from collections import Counter
from pathlib import Path

import yaml

from tests.conftest import YAML_LOADER

PIASITE = Path(__file__).resolve().parents[2] / "piasite"
QUOTED = re.compile(r"""(?<![A-Za-z0-9_])[rbfu]{0,2}(["'])((?:(?!\1).)+?)\1""")

# (module, string) → count allowed, and why. These are words a reader sees or a published
# interface names, which happen to equal a form key; none is used to read a document.
ALLOWED = {
    # open data field names (api/assessments.json, api/<org>/<n>.json, index JSON/CSV): a published
    # format, the same for every form
    ("site/api.py", "様式"): 1,
    ("site/api.py", "評価実施機関名"): 1,
    ("site/api.py", "評価書名"): 1,
    ("site/api.py", "評価書番号"): 1,
    ("site/api.py", "公表日"): 1,
    ("site/api.py", "名称"): 1,
    # index column headings (also the open data's index fields)
    ("site/indexes.py", "評価書番号"): 1,
    ("site/indexes.py", "公表日"): 1,
    ("site/indexes.py", "様式"): 1,
    ("site/indexes.py", "委託事項"): 1,
    ("site/indexes.py", "特定個人情報ファイル"): 1,
    ("site/indexes.py", "法令上の根拠"): 1,
    # navigation titles (mirrored by mkdocs.yml) and search filter names (Pagefind)
    ("config/layout.py", "事務"): 1,
    ("config/layout.py", "システム"): 1,
    ("site/generate.py", "事務"): 1,
    ("site/generate.py", "様式"): 1,
    # `piasite diff --format json` field name
    ("history/itemdiff.py", "項目"): 1,
    # fields of the !要確認 tag (core/tags.py's format: 原文, 行, 理由, 読み), the same words as 取込メモ's columns
    ("core/tags.py", "行"): 1,
    ("core/tags.py", "理由"): 1,
    ("model/reader.py", "行"): 2,
    ("forms/schema.py", "行"): 1,
    ("forms/schema.py", "理由"): 1,
    ("site/api.py", "理由"): 1,
    # heading of the history page of a form that has no change log (変更箇所一覧)
    ("site/history_pages.py", "変更箇所"): 1,
}


def form_keys() -> set[str]:
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


def quoted_keys() -> Counter:
    keys = form_keys()
    found: Counter = Counter()
    for p in sorted(PIASITE.rglob("*.py")):
        rel = p.relative_to(PIASITE).as_posix()  # forms/*.py too: only the definitions (*.yaml) may name keys
        for line in p.read_text(encoding="utf-8").splitlines():
            code = line.split("#", 1)[0] if not re.search(r"""["'][^"']*#""", line) else line
            for m in QUOTED.finditer(code):
                if m.group(2) in keys:
                    found[(rel, m.group(2))] += 1
    return found


def test_the_scanner_finds_keys():
    assert {"委託先名", "変更箇所", "様式"} <= form_keys()
    assert QUOTED.findall('x = d.get("委託先名") or f\'{a}\'')[0][1] == "委託先名"


def test_no_quoted_form_key_outside_the_allow_list():
    found = quoted_keys()
    extra = {k: n for k, n in found.items() if n > ALLOWED.get(k, 0)}
    assert not extra, f"quoted form keys in piasite/ (read them from roles instead): {extra}"
    stale = {k for k in ALLOWED if found.get(k, 0) < ALLOWED[k]}
    assert not stale, f"allow-list entries no longer needed (lower them): {stale}"
