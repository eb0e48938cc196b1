from piasite.form import load_form


def test_anchor_and_labels():
    f = load_form("重点項目評価書")
    doc = {"特定個人情報ファイル": [{"名称": "個人住民税賦課情報ファイル"}]}
    p = ("特定個人情報ファイル", 0, "委託", "委託事項", 0, "委託先名")
    assert f.anchor(p) == "II-f1-4-t1-3"
    assert f.label_path(p, doc) == ("Ⅱ 特定個人情報ファイルの概要 (1)個人住民税賦課情報ファイル "
                                    "4. 特定個人情報ファイルの取扱いの委託 委託事項1 ③委託先名")
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

    from piasite.form import load_form_file

    kiso = load_form("基礎項目評価書")
    ninth = kiso.item_at(("関連情報", "規則第9条第2項の適用"))
    assert ninth.since == "平成30年5月"
    assert not kiso.printed_in(ninth, "平成26年4月") and not kiso.printed_in(ninth.items[0], "平成28年1月")
    assert kiso.printed_in(ninth, "平成30年5月") and kiso.printed_in(ninth, None) and kiso.printed_in(ninth, "令和9年1月")
    # a version the form does not list is refused where the definition is read
    from piasite.form import FORMS_DIR

    text = (FORMS_DIR / "kiso.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "kiso.yaml"
    bad.write_text(text.replace("since: 平成30年5月", "since: 平成31年1月", 1), encoding="utf-8")
    with pytest.raises(ValueError, match="since names a version the form does not list"):
        load_form_file(bad)
