"""A city's own form definition (forms/ beside mkdocs.yml, read by forms/registry.py) is committed
text like any other: whoever opens a pull request can write its labels. They reach the assessment
pages, the indexes, the 新旧対照表 and the open data; there they are text, never markup."""

from __future__ import annotations

import json
import re

from piasite.forms.registry import PACKAGE_FORMS
from tests.clirun import piasite

PAYLOAD = '<img src=x onerror="alert(1)">'
RAW = re.compile(r"<img src=x onerror")


def test_markup_in_a_city_forms_labels_is_text_on_every_page(project):
    p = project("basic")
    src = (PACKAGE_FORMS / "juten.yaml").read_text(encoding="utf-8")
    hostile = src.replace("\nform: 重点項目評価書\n", "\nform: 試行評価書\n").replace(
        "\nschema_id: juten\n", "\nschema_id: shiko\n"
    )
    # every label of a flow mapping ({key: …, label: X, …}) gets the payload in front of it
    hostile, n = re.subn(r"(\{key: [^,{}]+, label: )([^,{}]+)", lambda m: m[1] + "'" + PAYLOAD + m[2] + "'", hostile)
    assert n > 100
    (p.root / "forms").mkdir()
    (p.root / "forms" / "shiko.yaml").write_text(hostile, encoding="utf-8")
    for doc in p.content.glob("*/*.yaml"):
        doc.write_text(
            doc.read_text(encoding="utf-8").replace("様式: 重点項目評価書", "様式: 試行評価書", 1), encoding="utf-8"
        )
    p.git_init()
    r = piasite("build", cwd=p.root)
    assert r.returncode == 0, r.stderr
    site = p.root / "site"
    pages = 0
    for f in site.rglob("*"):
        if f.suffix in (".html", ".xml") and f.is_file():  # what a browser or a feed reader parses as markup
            text = f.read_text(encoding="utf-8")
            assert not RAW.search(text), f"{f.relative_to(site)}: a label's markup is markup"
            pages += "onerror" in text
        elif f.suffix == ".json" and f.is_file():  # data: the label as a JSON string, whatever it holds
            json.loads(f.read_text(encoding="utf-8"))
    assert pages > 5  # the labels are on the pages, as text (&lt;img …)
    schema = json.loads((site / "api" / "schema" / "shiko.schema.json").read_text(encoding="utf-8"))
    assert RAW.search(json.dumps(schema, ensure_ascii=False))  # kept whole in the data
