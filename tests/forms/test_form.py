import pytest

from piasite.forms.registry import load_form


def test_anchor_and_labels():
    f = load_form("重点項目評価書")
    doc = {"特定個人情報ファイル": [{"名称": "個人住民税賦課情報ファイル"}]}
    p = ("特定個人情報ファイル", 0, "委託", "委託事項", 0, "委託先名")
    assert f.anchor(p) == "II-f1-4-t1-3"
    assert f.label_path(p, doc) == (
        "Ⅱ 特定個人情報ファイルの概要 (1)個人住民税賦課情報ファイル "
        "4. 特定個人情報ファイルの取扱いの委託 委託事項1 ③委託先名"
    )
    assert f.short_label(p, doc) == "Ⅱ(1) 4. 委託事項1 ③委託先名"


def test_anchors_unique():
    f = load_form("重点項目評価書")

    def paths(item, prefix):
        for c in item.items:
            p = prefix + (c.key,)
            yield p
            yield from paths(c, p + ((0,) if c.kind == "group" else ()))

    anchors = [f.anchor(p) for p in paths(f.root, ())]
    assert len(anchors) == len(set(anchors))


def test_since_names_the_first_version_printing_an_item(tmp_path):
    import pytest

    from piasite.forms.definition import load_form_file

    kiso = load_form("基礎項目評価書")
    ninth = kiso.item_at(("関連情報", "規則第9条第2項の適用"))
    assert ninth.since == "平成30年5月"
    assert not kiso.printed_in(ninth, "平成26年4月") and not kiso.printed_in(ninth.items[0], "平成28年1月")
    assert (
        kiso.printed_in(ninth, "平成30年5月") and kiso.printed_in(ninth, None) and kiso.printed_in(ninth, "令和9年1月")
    )
    # a version the form does not list is refused where the definition is read
    from piasite.forms.registry import PACKAGE_FORMS

    text = (PACKAGE_FORMS / "kiso.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "kiso.yaml"
    bad.write_text(text.replace("since: 平成30年5月", "since: 平成31年1月", 1), encoding="utf-8")
    with pytest.raises(ValueError, match="since: の「.*」は様式の版"):
        load_form_file(bad)


# -- hint: one line of guidance per item, with the source it paraphrases -----------------------


def _juten_with(tmp_path, old: str, new: str):
    from piasite.forms.registry import PACKAGE_FORMS

    text = (PACKAGE_FORMS / "juten.yaml").read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "forms" / "juten.yaml"
    bad.parent.mkdir(exist_ok=True)
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    return bad


_ROW = "id: declaration, kind: text, required: true"  # the 宣言, which has no hint of its own
_ITEM = "項目「個人のプライバシー等の権利利益の保護の宣言」"


def test_hints_are_read_with_their_sources():
    from piasite.forms.items import HINT_MAX
    from piasite.forms.registry import all_forms

    hinted = [(f.name, i) for f in all_forms() for i in f.walk() if i.hint]
    assert {name for name, _ in hinted} >= {"基礎項目評価書", "重点項目評価書", "全項目評価書"}
    for name, item in hinted:
        assert isinstance(item.hint, str) and "\n" not in item.hint and len(item.hint) <= HINT_MAX, (name, item.key)
        assert item.hint_source and all(isinstance(s, str) and s for s in item.hint_source), (name, item.key)
    assert not [i.key for f in all_forms() for i in f.walk() if i.hint_source and not i.hint]


@pytest.mark.parametrize(
    "hint, says",
    [
        ("[一つ目, 二つ目]", "hint: は 1 行の文字列で書いてください(リストになっています)"),
        ("12", "hint: は 1 行の文字列で書いてください(数になっています)"),
        ("{手引き: 番号}", "hint: は 1 行の文字列で書いてください(「キー: 値」の形になっています)"),
        ("true", "hint: は 1 行の文字列で書いてください(true/falseになっています)"),
        ('"  "', "hint: は空でない 1 行の文字列で書いてください"),
        ('"一行目\\n二行目"', "hint: は空でない 1 行の文字列で書いてください"),
        ('"' + "長" * 81 + '"', "hint: は 80 字以内で書いてください(81 字あります)"),
    ],
)
def test_a_bad_hint_is_an_error_naming_file_and_item(tmp_path, hint, says):
    from piasite.forms.definition import FormError, load_form_file

    bad = _juten_with(tmp_path, _ROW + "}", _ROW + f", hint: {hint}, hint_source: 記載要領}}")
    with pytest.raises(FormError) as e:
        load_form_file(bad)
    assert "forms/juten.yaml" in str(e.value) and _ITEM in str(e.value)
    assert says in str(e.value), str(e.value)


@pytest.mark.parametrize(
    "extra, says",
    [
        ("hint: 宣言の文を書きます", "hint: には hint_source: (根拠の資料"),  # a hint with no source
        ("hint: 宣言の文を書きます, hint_source: [記載要領, 3]", "hint: には hint_source: (根拠の資料"),
        ("hint: 宣言の文を書きます, hint_source: []", "hint: には hint_source: (根拠の資料"),
        ("hint_source: 記載要領", "hint_source: がありますが hint: がありません"),
    ],
)
def test_a_hint_needs_its_source(tmp_path, extra, says):
    from piasite.forms.definition import FormError, load_form_file

    bad = _juten_with(tmp_path, _ROW + "}", _ROW + f", {extra}}}")
    with pytest.raises(FormError, match="forms/juten.yaml: " + _ITEM) as e:
        load_form_file(bad)
    assert says in str(e.value)


def test_a_good_hint_is_kept_and_its_item_path_named_in_errors(tmp_path):
    from piasite.forms.definition import FormError, load_form_file

    good = load_form_file(
        _juten_with(tmp_path, _ROW + "}", _ROW + ", hint: ' 宣言の文を書きます ', hint_source: [記載要領, 計画管理書]}")
    )
    item = good.top("個人のプライバシー等の権利利益の保護の宣言")
    assert item.hint == "宣言の文を書きます" and item.hint_source == ("記載要領", "計画管理書")
    row = "{key: 委託先名, label: ③委託先名, shape: name, id: \"3\", kind: text, required: true"
    with pytest.raises(
        FormError, match=r"項目「特定個人情報ファイル\.委託\.委託事項\.委託先名」: hint: は 1 行の文字列"
    ):
        load_form_file(_juten_with(tmp_path, row, row + ", hint: [a]"))
