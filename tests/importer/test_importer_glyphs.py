"""Radicals a PDF's fonts write into the text layer for the kanji they draw (Chrome and Word with Noto
CJK or MS 明朝: ⼈ U+2F08 for 人, ⺠ U+2EA0 for 民): imported as the kanji the page shows, by Unicode's
own table (radicals.py), and counted in the report."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from piasite.core.glyphs import unify
from piasite.core.radicals import RADICALS
from piasite.importer import import_file, import_text
from piasite.importer.report import measure, render

KISO = "特定個人情報保護評価書(基礎項目評価書)\n"


def test_unify_maps_radicals_to_the_kanji_and_counts_them():
    assert unify("個⼈情報の⽤途‧住⺠") == ("個人情報の用途・住民", 4)
    assert unify("個人情報") == ("個人情報", 0)
    # a Japanese font gives ⼾ for 戸 (Unicode's equivalent is the traditional 戶)
    assert unify("⼾籍の附票") == ("戸籍の附票", 1)


def test_every_kangxi_radical_maps_where_nfkc_maps_it():
    # the table is Unicode's: for the Kangxi block it agrees with the compatibility decomposition
    for cp in range(0x2F00, 0x2FD6):
        assert RADICALS[cp] == ord(unicodedata.normalize("NFKC", chr(cp))), hex(cp)
    assert chr(RADICALS[0x2EA0]) == "民" and chr(RADICALS[0x2ED1]) == "長"


def test_a_text_copied_from_such_a_pdf_imports_as_the_page_reads():
    text = (
        KISO
        + "評価実施機関名\t東⼭市⻑\n"
        + "I 関連情報\n1.特定個⼈情報ファイルを取り扱う事務\n①事務の名称\t住⺠基本台帳に関する事務\n"
        + "②事務の概要\t住⺠の届出に基づき、住⺠票を作成‧管理する。\n"
        + "③システムの名称\t住⺠記録システム\n"
    )
    imp = import_text(text)
    jimu = imp.data["関連情報"]["事務"]
    assert jimu["名称"] == "住民基本台帳に関する事務"
    assert jimu["概要"] == "住民の届出に基づき、住民票を作成・管理する。"
    assert jimu["システムの名称"] == ["住民記録システム"]
    assert imp.data["評価実施機関名"] == "東山市長"
    report = render([measure("x.txt", imp)])
    assert "文字の直し" in report and " 8 字" in report
    plain = import_text(text.translate(RADICALS | {0x2027: 0x30FB}))
    assert plain.data == imp.data
    assert "文字の直し" not in render([measure("x.txt", plain)])


def test_a_chrome_printed_pdf_reads_as_its_page_shows_and_says_so_quietly(capfd):
    pdf = Path(__file__).parent.parent / "fixtures" / "pdf-dev" / "higashiyama-7-kiso-chrome.pdf"
    imp = import_file(pdf)
    assert imp.data["評価実施機関名"] == "東山市長"
    assert imp.data["関連情報"]["事務"] == {
        "名称": "住民基本台帳に関する事務",
        "概要": "住民の届出に基づき、住民票を作成・管理する。",
        "システムの名称": ["住民記録システム"],
    }
    assert imp.stats["unified"] == 15
    err = capfd.readouterr().err
    assert "FontBBox" not in err and err == ""
