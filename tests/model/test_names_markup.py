import pytest

from piasite.core.markup import to_html
from piasite.model.names import AliasError, Names, fold, split_branch


def test_fold_spellings():
    assert fold("株式会社 熊本計算センター") == fold("株式会社熊本計算センター")
    assert fold("(株)ジーシーシー") == fold("株式会社ジーシーシー") == fold("㈱ジーシーシー")
    assert fold("中間サーバ") == fold("中間サーバー")
    assert fold("中間サーバコネクタ") == fold("中間サーバーコネクタ")
    assert fold("ＫＳＫ") == fold("KSK")
    assert fold("サービス検索・電子申請機能(マイナポータルびったりサービス)") == fold(
        "サービス検索・電子申請機能(マイナポータルぴったりサービス)"
    )
    assert fold("株式会社スーブル") != fold("株式会社スープル")  # only a person may merge these


def test_branch_is_an_attribute():
    assert split_branch("日本電気株式会社 熊本支店") == ("日本電気株式会社", "熊本支店")
    assert split_branch("日本電気株式会社岩手支店") == ("日本電気株式会社", "岩手支店")
    assert split_branch("株式会社ジーシーシー") == ("株式会社ジーシーシー", "")


def test_alias_file_merges_and_splits(tmp_path):
    (tmp_path / "aliases.yaml").write_text(
        "同じもの:\n  - [株式会社スーブル, 株式会社スープル]\n別のもの:\n  - 中間サーバ\n", encoding="utf-8"
    )
    names = Names.load(tmp_path)
    assert names.key("株式会社 スープル") == names.key("株式会社スーブル")
    assert names.key("中間サーバ") != names.key("中間サーバー")
    assert names.preferred[names.key("株式会社スープル")] == "株式会社スーブル"


def test_alias_file_errors_name_the_line(tmp_path):
    (tmp_path / "aliases.yaml").write_text("同じもの:\n  - 一つだけ\n", encoding="utf-8")
    with pytest.raises(AliasError) as e:
        Names.load(tmp_path)
    assert e.value.line == 1 and "同じもの" in e.value.message


def test_markdown_is_safe():
    out = to_html(
        '<img src="https://x.example/a.png" onerror=alert(1)>\n\n[a](javascript:alert(1)) ![b](https://t.example/b.png)'
    )
    assert "<img" not in out and "javascript:" not in out and "t.example" not in out
    assert "&lt;img" in out
    assert to_html("# 見出し") == "<p><strong>見出し</strong></p>"
    assert to_html("一行目\n二行目") == "<p>一行目<br>\n二行目</p>"
    assert '<a href="https://www.city.example.jp/" rel="noopener noreferrer">' in to_html(
        "<https://www.city.example.jp/>"
    )
