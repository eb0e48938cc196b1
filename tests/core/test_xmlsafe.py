"""Control characters in content never make a feed or page invalid (a safety net behind check)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from piasite.checks.load import Assessment
from piasite.core.xmlsafe import clean
from piasite.forms.registry import load_form
from piasite.model.reader import parse
from piasite.site.generate import generate
from tests.gitrepo import base_repo

F = "content/higashiyama/5.yaml"
NASTY = r'"株式会社\e[31m赤\0\v\f\x7f\x01\b終"'  # a lone surrogate is check's (reader) business
INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def test_clean():
    assert clean("a\x1b\x00\x0b\tb\nc\rd\ud800\uffff") == "a\ufffd\ufffd\ufffd\tb\nc\rd\ufffd\ufffd"
    assert clean("東山市 ※ 😀") == "東山市 ※ 😀"


def test_feeds_and_pages_stay_valid(tmp_path):
    r = base_repo(tmp_path / "repo")
    r.edit(F, "委託先名: 株式会社ジーシーシー", f"委託先名: {NASTY}")
    r.edit(F, "評価書名: 個人住民税に関する事務 重点項目評価書", r'評価書名: "評価書\e\0名"')
    r.commit(
        "委託先を変更\n\n変更日: 2026-01-05\n提出時期に係る説明: 説明"
    )  # a control character there is check's error
    path = r.path(F)
    doc = parse(path.read_text(encoding="utf-8"), path)  # whatever check says of it: the generator's net
    assert "\x1b" in doc.data["評価書名"]
    a = Assessment(doc, load_form(doc.data["様式"]), r.root / "content")
    out = tmp_path / "docs"
    generate([a], out, content_dir=r.root / "content")
    feeds = sorted((out / "feeds").glob("*.xml"))
    assert feeds
    for f in feeds:
        text = f.read_text(encoding="utf-8")
        ET.fromstring(text.encode("utf-8"))  # raises on invalid XML
        assert "株式会社\ufffd[31m赤" in text
    n = 0
    for f in sorted(tmp_path.rglob("*")):
        if f.is_file() and f.suffix in (".md", ".html", ".title", ".xml", ".json", ".csv"):
            text = f.read_text(encoding="utf-8")
            assert not INVALID.search(text), f
            if f.suffix == ".html":
                HTMLParser().feed(text)
            n += 1
    assert n > 10
