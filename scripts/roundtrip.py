"""Round trip of every form: a document with every item filled (tests/formdocs.py), printed in the
official layout (`piasite export --format text`), imported again; prints the leaves that come back equal.

    python3 scripts/roundtrip.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from piasite.commands.export import export_text  # noqa: E402
from piasite.forms.registry import form_names, load_form  # noqa: E402
from piasite.importer import import_text  # noqa: E402
from tests.formdocs import full_document, leaves  # noqa: E402

print("様式\t値\t同じ\t余分\t取込メモ")
for name in form_names():
    form = load_form(name)
    if form.has_role("changes") is False:
        continue
    doc = full_document(form)
    imp = import_text(export_text(form, doc))
    want = dict(leaves(doc))
    got = dict(leaves({k: v for k, v in imp.data.items() if k != "取込メモ"}))
    same = sum(1 for k, v in want.items() if got.get(k) == v)
    print(f"{name}\t{len(want)}\t{same}\t{len(set(got) - set(want))}\t{len(imp.data.get('取込メモ', []))}")
