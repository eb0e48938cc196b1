"""An 評価 is a set of documents (evaluation.py): grouping by 評価書番号 per organisation,
the しきい値判断 rules, and the checks of the 基礎's Ⅲ and Ⅳ 1 against Ⅱ and the documents present.
Test documents: tests/fixtures/hyoka (東山市, invented)."""

import shutil

import pytest

from piasite.checks.evaluation import JUTEN, KISO, NONE, ZENKOUMOKU, evaluations, level_of_text, required_level
from piasite.checks.load import content_files
from piasite.forms.registry import load_form
from piasite.history.content import check_paths, load_content
from tests.conftest import FIXTURES

HYOKA = FIXTURES / "hyoka"
KISO_FORM = "基礎項目評価書"


@pytest.mark.parametrize(
    "count, handlers, incident, level",
    [
        ("1,000人未満(任意実施)", "500人以上", "発生あり", NONE),
        ("1,000人以上1万人未満", "500人以上", "発生あり", KISO),
        ("1万人以上10万人未満", "500人未満", "発生なし", KISO),
        ("1万人以上10万人未満", "500人以上", "発生なし", JUTEN),
        ("1万人以上10万人未満", "500人未満", "発生あり", JUTEN),
        ("10万人以上30万人未満", "500人未満", "発生なし", JUTEN),
        ("10万人以上30万人未満", "500人以上", "発生なし", ZENKOUMOKU),
        ("10万人以上30万人未満", "500人未満", "発生あり", ZENKOUMOKU),
        ("30万人以上", "500人未満", "発生なし", ZENKOUMOKU),
        ("1万人以上10万人未満", None, None, None),  # unanswered: no rule applies
        (None, "500人以上", "発生あり", None),
    ],
)
def test_threshold_rules(count, handlers, incident, level):
    assert required_level(count, handlers, incident) == level


def test_every_choice_of_the_kiso_form_has_a_level():
    kiso = load_form(KISO_FORM)
    for role in ("threshold_result", "submitted_kinds"):
        levels = [level_of_text(c) for c in kiso.role_item(role).choices]
        assert None not in levels and len(set(levels)) == len(levels), (role, levels)
    counts = kiso.role_item("threshold_target_count").choices
    assert [required_level(c, "500人未満", "発生なし") for c in counts] == [NONE, KISO, KISO, JUTEN, ZENKOUMOKU]
    # the 重点's own Ⅴ 1 ② names the same levels, its remarks in brackets not counting
    juten = load_form("重点項目評価書")
    assert [level_of_text(c) for c in juten.role_item("threshold_result").choices] == [JUTEN, KISO, NONE]


def test_documents_with_one_number_form_one_evaluation():
    assessments, problems = load_content(HYOKA)
    assert not problems
    evs = evaluations(assessments)
    assert [(e.url, [a.url for a in e.documents]) for e in evs] == [
        ("higashiyama/hyoka-3/", ["higashiyama/3/", "higashiyama/3-juten/"]),
        ("higashiyama/hyoka-7/", ["higashiyama/7/"]),
    ]
    assert evs[0].title == "東山市長 評価書番号 3 の評価"


def _copy(tmp_path):
    d = tmp_path / "content"
    shutil.copytree(HYOKA, d)
    return d / "higashiyama"


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _problems(content):
    _, problems = check_paths(content_files(content))
    return [(p.path.name, p.line, p.item, p.message, p.severity) for p in problems]


def test_stated_result_contradicting_the_answers(tmp_path):
    org = _copy(tmp_path)
    _edit(org / "7.yaml", "    500人以上か: 500人未満", "    500人以上か: 500人以上")
    _edit(org / "7.yaml", "    人数: 1,000人以上1万人未満", "    人数: 10万人以上30万人未満")
    got = _problems(org.parent)
    assert len(got) == 2, got
    (name, line, item, msg, sev), (name2, line2, item2, msg2, sev2) = sorted(got, key=lambda p: p[1])
    assert (name, sev, item) == ("7.yaml", "error", "Ⅲ しきい値判断結果")
    assert "しきい値判断結果は「基礎項目評価の実施が義務付けられる」ですが" in msg
    assert "対象人数「10万人以上30万人未満」、取扱者数「500人以上」、重大事故「発生なし」" in msg
    assert "「基礎項目評価及び全項目評価」の実施が義務付けられます" in msg
    text = (org / "7.yaml").read_text(encoding="utf-8").splitlines()
    assert text[line - 1].strip().startswith("結果:")
    assert item2.startswith("Ⅳ 1.") and "提出する評価書は「基礎項目評価書」ですが" in msg2 and sev2 == "error"


def test_submitted_kinds_against_the_documents_present(tmp_path):
    org = _copy(tmp_path)
    (org / "3-juten.yaml").unlink()
    got = _problems(org.parent)
    assert [(n, s) for n, _, _, _, s in got] == [("3.yaml", "warning")]
    assert "評価書番号 3 の重点項目評価書がありません" in got[0][3]

    org = _copy(tmp_path / "b")
    _edit(org / "3.yaml", "    種類: 基礎項目評価書及び重点項目評価書", "    種類: 基礎項目評価書")
    got = _problems(org.parent)
    msgs = [m for _, _, _, m, s in got if s == "error"]
    assert any("評価書番号 3 の重点項目評価書(3-juten.yaml)がありますが" in m for m in msgs), got
    assert any("しきい値判断からは「基礎項目評価及び重点項目評価」が義務付けられます" in m for m in msgs), got


def test_more_than_required_is_allowed(tmp_path):
    org = _copy(tmp_path)  # 7: 1,000–1万 needs the 基礎 only; a voluntary 重点 is fine
    _edit(org / "7.yaml", "    種類: 基礎項目評価書\n", "    種類: 基礎項目評価書及び重点項目評価書\n")
    juten = (
        (org / "3-juten.yaml")
        .read_text(encoding="utf-8")
        .replace("評価書番号: 3", "評価書番号: 7")
        .replace(
            "    しきい値判断結果: 基礎項目評価及び重点項目評価の実施が義務付けられる",
            "    しきい値判断結果: 基礎項目評価の実施が義務付けられる(任意に重点項目評価を実施)",
        )
    )
    (org / "7-juten.yaml").write_text(juten, encoding="utf-8")
    assert _problems(org.parent) == []


def test_one_evaluation_holds_one_document_of_each_kind(tmp_path):
    org = _copy(tmp_path)
    shutil.copy(org / "3.yaml", org / "3-copy.yaml")
    got = _problems(org.parent)
    assert [(n, i) for n, _, i, _, _ in got] == [("3.yaml", "評価書番号")], got
    assert "評価書番号 3 は" in got[0][3] and "3-copy.yaml と重複しています" in got[0][3]

    org = _copy(tmp_path / "b")
    import yaml

    from tests.formdocs import full_document

    doc = full_document(load_form("全項目評価書"))
    (org / "3-zenkoumoku.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    got = [g for g in _problems(org.parent) if g[0] == "3-zenkoumoku.yaml" and "評価書番号" in g[3]]
    assert got and "評価書番号 3 には" in got[0][3] and "重点項目評価書もあります" in got[0][3], got


def test_a_file_may_not_take_an_evaluation_url(tmp_path):
    org = _copy(tmp_path)
    shutil.move(org / "7.yaml", org / "hyoka-7.yaml")
    got = _problems(org.parent)
    assert [(n, s) for n, _, _, _, s in got] == [("hyoka-7.yaml", "error")]
    assert "評価のページの URL" in got[0][3]


def test_the_detailed_document_restates_the_same_result(tmp_path):
    org = _copy(tmp_path)
    _edit(
        org / "3-juten.yaml",
        "    しきい値判断結果: 基礎項目評価及び重点項目評価の実施が義務付けられる",
        "    しきい値判断結果: 基礎項目評価の実施が義務付けられる(任意に重点項目評価を実施)",
    )
    got = _problems(org.parent)
    assert [(n, s) for n, _, _, _, s in got] == [("3-juten.yaml", "warning")], got
    assert got[0][2] == "Ⅴ 1. ②しきい値判断結果" and "3.yaml" in got[0][3] and "合いません" in got[0][3]


def test_withheld_values_reach_no_message_and_no_evaluation_page(tmp_path):
    org = _copy(tmp_path)
    _edit(org / "7.yaml", "    人数: 1,000人以上1万人未満", "    人数: !非公表 30万人以上")
    _edit(org / "3.yaml", "評価書番号: 3", "評価書番号: !非公表 3")
    got = _problems(org.parent)
    assert not any("30万人以上" in m for _, _, _, m, _ in got), got
    assessments, _ = load_content(org.parent)
    assert [e.url for e in evaluations(assessments)] == ["higashiyama/hyoka-3/", "higashiyama/hyoka-7/"]
    assert [a.slug for a in evaluations(assessments)[0].documents] == ["3-juten"]  # the withheld 3 is in none
