"""A text that is not an assessment is refused with a message saying what it looks like (issue 19,
Deliver 4): the PPC's 記載要領 (its labels followed by what to write), a city's list page of its
assessments, a text of another kind. Every real text the tests hold still imports."""

from __future__ import annotations

from pathlib import Path

import pytest

from piasite.importer import import_text
from piasite.importer.document import NotAnAssessment

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# An invented guide in the 記載要領's manner: the form's labels, each followed by instructions.
GUIDE_BODY = """Ⅰ 関連情報
1. 特定個人情報ファイルを取り扱う事務
①事務の名称
・評価対象の事務の名称を記載する。
②事務の概要
・評価対象の事務の内容を、根拠となる法令とともに記載する。
【記載例】児童手当法に基づき、児童手当の支給に関する事務を行う。
③システムの名称
・事務で使用するシステムの名称を記載すること。
2. 特定個人情報ファイル名
・特定個人情報ファイルの名称を記載する。複数ある場合は全てを記載すること。
3. 個人番号の利用
法令上の根拠
・個人番号を利用する根拠となる法令の条項を記載する。
5. 評価実施機関における担当部署
①部署
・担当部署の名称を記載する。
"""


def _refused(text: str) -> str:
    with pytest.raises(NotAnAssessment) as e:
        import_text(text)
    return e.value.message


def test_a_writing_guide_titled_so_is_refused_naming_its_form():
    msg = _refused("特定個人情報保護評価書(基礎項目評価書)記載要領\n\n" + GUIDE_BODY)
    assert "記載要領" in msg and "基礎項目評価書" in msg


def test_a_writing_guide_without_its_title_is_known_by_its_instructions():
    msg = _refused("特定個人情報保護評価書(基礎項目評価書)\n評価書番号\n・番号を記載する。\n" + GUIDE_BODY)
    assert "記載要領" in msg and "基礎項目評価書" in msg and "を記載する" in msg


def test_an_assessment_that_cites_the_guide_in_a_value_is_an_assessment():
    # one value mentioning the 記載要領 (seed 004 does) is no guide
    text = (
        "特定個人情報保護評価書(基礎項目評価書)\n評価書番号\n5\n評価実施機関名\n東山町長\n公表日\n令和6年4月1日\n"
        "Ⅰ 関連情報\n1. 特定個人情報ファイルを取り扱う事務\n①事務の名称\n児童手当の支給に関する事務\n②事務の概要\n"
        "児童手当法に基づく事務を行う。記載要領を充実し、必要最小限の情報を記載することとしている。\n"
    )
    assert import_text(text).data["関連情報"]["事務"]["名称"] == "児童手当の支給に関する事務"


def test_a_list_page_of_assessments_is_refused():
    page = (
        "特定個人情報保護評価書の公表\n東山市が公表している特定個人情報保護評価書の一覧です。\n"
        "評価書番号\t評価書名\t公表日\n"
        "1\t住民基本台帳に関する事務 全項目評価書\t令和6年4月1日\n"
        "2\t個人住民税に関する事務 全項目評価書\t令和6年4月1日\n"
        "3\t国民健康保険に関する事務 基礎項目評価書\t令和6年5月1日\n"
        "4\t介護保険に関する事務 重点項目評価書\t令和6年6月3日\n"
        "PDF 形式のファイルを開くには閲覧ソフトが必要です。\n"
    )
    msg = _refused(page)
    assert "一覧のページ" in msg and "4 件" in msg and "住民基本台帳に関する事務 全項目評価書" in msg


def test_a_text_of_another_kind_is_refused():
    minutes = (
        "第3回 東山市情報公開・個人情報保護審議会 会議録\n日時 令和6年7月10日 午後2時から\n"
        "場所 東山市役所 第2会議室\n議題 公文書の公開請求に係る諮問について\n"
    )
    msg = _refused(minutes)
    assert "特定個人情報保護評価書のテキストではないようです" in msg


def test_every_real_text_the_tests_hold_still_imports():
    texts = [
        p
        for d in ("acceptance", "seeds", "public", "invented")
        for p in sorted((FIXTURES / d).glob("*.txt"))
        if p.read_text(encoding="utf-8").strip()
    ]
    assert len(texts) >= 20
    for p in texts:
        imp = import_text(p.read_text(encoding="utf-8"))
        assert imp.form is not None, p.name
