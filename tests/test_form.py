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
