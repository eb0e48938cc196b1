"""Printed numbers of repeating groups (システム1, システム4, …): the document's own numbers where
they do not run 1..n, kept as data (each element's `番号`, declared once in the definitions'
`document:` with scope: element), shown on headings and in every label, checked, exported and
imported back; anchors stay positional. And the page summary's count agrees with its list."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from piasite.checks.load import load_document
from piasite.commands.export import export_text
from piasite.forms.registry import all_forms, load_form
from piasite.history.content import load_content
from piasite.history.itemdiff import diff
from piasite.importer import import_text
from piasite.importer.writer import dump
from piasite.site.pages import AssessmentPage
from tests.checks.test_check import edited, run_check
from tests.conftest import FIXTURES, ROOT

JUTEN = load_form("重点項目評価書")
GOOD = FIXTURES / "handwritten" / "higashiyama" / "5.yaml"


def _number_key(form=JUTEN) -> str:
    group = form.role_item("system")
    assert group.number is not None, "システムの要素に番号のキーがありません"
    return group.number.key


def _systems_text(numbers: list[int], file_name: str = "個人住民税賦課情報ファイル") -> str:
    """An extracted text whose systems are printed under the given numbers (東山市, invented)."""
    out = [
        "特定個人情報保護評価書(重点項目評価書)",
        "",
        "I 基本情報",
        "",
        "2. 特定個人情報ファイルを取り扱う事務において使用するシステム",
    ]
    for n in numbers:
        out += [f"システム{n}", f"①システムの名称\t東山市第{n}システム", f"②システムの機能\t第{n}の機能"]
    out += ["3. 特定個人情報ファイル名", file_name, ""]
    return "\n".join(out) + "\n"


def _systems(data: dict) -> list[dict]:
    return [e for _, e in JUTEN.values(data, "system")]


# -- the definition ---------------------------------------------------------------------------


def test_numbered_groups_are_the_ones_with_numbered_headings():
    """Every group printed under numbered headings has the number key, one key for every form;
    plain rows (別添2, 取込メモ) and the document level have none."""
    keys = set()
    for f in all_forms():
        for item in f.walk():
            if item.kind != "group":
                continue
            numbered = bool(re.sub(r"\{n\}|\{name\}", "", item.element or "").strip())
            assert (item.number is not None) == numbered, (f.name, item.key, item.element)
            if item.number is not None:
                keys.add(item.number.key)
                assert item.child(item.number.key) is None  # never one of the form's own items
        assert not any(i.key in keys for i in f.document_items)
    assert len(keys) == 1


def test_label_paths_and_short_labels_use_the_printed_number_and_anchors_stay_positional():
    key = _number_key()
    data = {"基本情報": {}, "特定個人情報ファイル": []}
    sys_path = JUTEN.concrete("system")
    node = data
    for k in sys_path[:-1]:
        node = node.setdefault(k, {})
    node[sys_path[-1]] = [{key: 1, "名称": "A"}, {key: 4, "名称": "B"}, {key: 7, "名称": "C"}]
    name = JUTEN.concrete("system_name", 2)
    assert "システム7" in JUTEN.label_path(name, data) and "システム3" not in JUTEN.label_path(name, data)
    assert "システム7" in JUTEN.short_label(name, data)
    assert JUTEN.anchor(name).split("-")[-2] == "s3"  # the third system: positional, as before (no data read)
    # the number's own path names the element (for messages and change rows) and anchors at it
    npath = JUTEN.concrete("system", 2) + (key,)
    assert JUTEN.item_at(npath) is JUTEN.role_item("system").number
    assert JUTEN.anchor(npath) == JUTEN.anchor(JUTEN.concrete("system", 2))
    assert JUTEN.label_path(npath, data).endswith(f"システム7 {JUTEN.role_item('system').number.label}")
    # without numbers: by position, as always
    for e in node[sys_path[-1]]:
        del e[key]
    assert "システム3" in JUTEN.label_path(name, data)


def test_file_numbers_in_short_labels():
    key = JUTEN.role_item("file").number.key
    data = {"特定個人情報ファイル": [{key: 2, "名称": "A"}, {key: 5, "名称": "B"}]}
    assert JUTEN.short_label(JUTEN.concrete("file_name", 1), data).startswith("Ⅱ(5)")
    assert "(5)B" in JUTEN.label_path(JUTEN.concrete("file_name", 1), data)


# -- the importer ---------------------------------------------------------------------------


def test_gapped_numbers_are_kept_on_every_element_and_not_noted():
    data = import_text(_systems_text([1, 4, 5, 7])).data
    key = _number_key()
    assert [e.get(key) for e in _systems(data)] == [1, 4, 5, 7]
    assert [e["名称"] for e in _systems(data)] == [f"東山市第{n}システム" for n in (1, 4, 5, 7)]
    assert not any("原文の番号" in str(n) for n in data.get("取込メモ", []))
    # written first in each element, as people read it
    text = dump(data, JUTEN, [], "../../schema")
    assert re.search(rf"- {key}: 4\n\s+名称: 東山市第4システム", text), text


def test_ordinary_numbering_writes_no_number():
    data = import_text(_systems_text([1, 2, 3])).data
    key = _number_key()
    assert len(_systems(data)) == 3
    assert all(key not in e for e in _systems(data))
    assert f"{key}:" not in dump(data, JUTEN, [], "../../schema").replace("評価書番号:", "")


def test_numbers_that_do_not_increase_are_noted_not_kept():
    data = import_text(_systems_text([1, 3, 2])).data
    key = _number_key()
    assert all(key not in e for e in _systems(data))
    notes = [n["理由"] for n in data["取込メモ"]]
    assert any("原文の番号 3 を 2 番目" in n for n in notes), notes


def test_seeds_with_ordinary_numbers_are_imported_as_before():
    """No number key in the import of a seed whose systems, files, 委託事項 and 提供先 run 1..n."""
    from tests.conftest import SEEDS

    for seed in ("000_2291bdb7c9ff38d3.txt", "002_b811fdfc73e7ad83.txt"):
        data = import_text((SEEDS / seed).read_text(encoding="utf-8")).data
        text = dump(data, JUTEN, [], "../../schema")
        assert not re.search(rf"^\s*-? *{_number_key()}:", text, re.M), seed
    gapped = import_text((SEEDS / "004_b59fdad0dd46cf5a.txt").read_text(encoding="utf-8")).data
    printed = [
        int(m)
        for m in re.findall(
            r"^(?:<b>)?システム(\d+)(?:</b>)?\t*$",
            (SEEDS / "004_b59fdad0dd46cf5a.txt").read_text(encoding="utf-8"),
            re.M,
        )
    ]
    assert [e.get(_number_key()) for e in _systems(gapped)] == printed


# -- check --------------------------------------------------------------------------------


def _numbered(tmp_path: Path, first: str, second: str) -> tuple[Path, int]:
    """The hand-written assessment with 番号 written on its two systems (the given YAML values)."""
    key = _number_key()
    path, _ = edited(
        tmp_path, "    - 名称: 個人住民税システム\n", f"    - {key}: {first}\n      名称: 個人住民税システム\n"
    )
    text = path.read_text(encoding="utf-8")
    old = "    - 名称: 課税原票管理システム\n"
    line = text[: text.index(old)].count("\n") + 1
    text = text.replace(old, (f"    - {key}: {second}\n      名称: 課税原票管理システム\n" if second else old), 1)
    path.write_text(text, encoding="utf-8")
    return path, line


def test_check_accepts_increasing_numbers(tmp_path):
    path, _ = _numbered(tmp_path, "1", "3")
    r = run_check(path)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize(
    "first, second, says",
    [
        ("1", "0", "1 以上の整数"),
        ("1", "三", "1 以上の整数"),
        ("1", "2.5", "1 以上の整数"),
        ("3", "3", "と同じです"),
        ("4", "2", "より小さくなっています"),
        ("1", "", "すべてに書いてください"),
    ],
)
def test_check_rejects_bad_numbers_with_file_line_and_item(tmp_path, first, second, says):
    path, line = _numbered(tmp_path, first, second)
    r = run_check(path)
    assert r.returncode == 1, r.stderr
    msg = next(l for l in r.stderr.splitlines() if says in l)
    assert msg.startswith(f"{path}:{line}: Ⅰ 2. システム"), msg
    assert "番号" in msg


# -- pages, export, diff ------------------------------------------------------------------------


def _good_with_numbers(numbers: tuple[int, int] = (1, 7)) -> dict:
    doc, _ = load_document(GOOD)
    data = doc.data
    for e, n in zip((e for _, e in JUTEN.values(data, "system")), numbers, strict=False):  # the first ones
        e[_number_key()] = n
    return data


def test_page_headings_show_the_printed_number_with_positional_anchors():
    data = _good_with_numbers()
    body = AssessmentPage(SimpleNamespace(form=JUTEN), data).body()
    second = JUTEN.anchor(JUTEN.concrete("system", 1))
    m = re.search(rf'<h\d id="{second}" class="pia-h">(.*?)</h\d>', body)
    assert m and m.group(1).startswith("システム7"), m and m.group(1)
    assert not re.search(r'class="pia-h">システム2<', body)
    toc = AssessmentPage(SimpleNamespace(form=JUTEN), data)
    toc.body()
    assert any(label.startswith("システム7") for _, _, label, _ in toc.outline)


@pytest.mark.parametrize("role", ["system", "file"])
def test_export_prints_the_numbers_and_imports_them_back(role):
    data = _good_with_numbers()
    if role == "file":  # one file, numbered 2 by its document
        data[JUTEN.top_key("file")][0][JUTEN.role_item("file").number.key] = 2
    text = export_text(JUTEN, data)
    assert "システム7" in text
    back = import_text(text).data
    key = _number_key()
    assert [e.get(key) for _, e in JUTEN.values(back, "system")] == [1, 7]
    if role == "file":
        fkey = JUTEN.role_item("file").number.key
        assert [e.get(fkey) for _, e in JUTEN.values(back, "file")] == [2]
        assert [n for _, n in JUTEN.values(back, "file_name")] == [n for _, n in JUTEN.values(data, "file_name")]


def test_published_documents_keep_their_numbers_through_page_and_export():
    """Every 番号 written in content/ is the number of that element's heading on its page and in its export."""
    seen = 0
    for a in load_content(ROOT / "content")[0]:
        f, data = a.form, a.data
        body = AssessmentPage(SimpleNamespace(form=f), data).body()
        text = export_text(f, data)
        for item in f.walk():
            if item.number is None:
                continue
            for path, elems in _groups(data, f, item):
                for i, e in enumerate(elems):
                    if isinstance(e, dict) and item.number.key in e:
                        head = item.element_label(i, e)
                        assert re.search(rf'id="{f.anchor(path + (i,))}" class="pia-h">{re.escape(head)}', body), head
                        if "{name}" not in (item.element or ""):
                            assert head in text
                        seen += 1
    assert seen, "content/ に番号のある要素がありません(この検査が意味を持ちません)"


def _groups(data, f, item):
    """(path, elements) of every instance of a group in data."""

    def walk(node, path, defn):
        if defn is item:
            if isinstance(node, list):
                yield path, node
            return
        if isinstance(node, dict):
            for k, v in node.items():
                c = defn.element_child(k) if defn.kind == "group" else defn.child(k)
                if c is not None:
                    yield from walk(v, path + (k,), c)
        elif isinstance(node, list) and defn.kind == "group":
            for i, e in enumerate(node):
                if isinstance(e, dict):
                    for k, v in e.items():
                        c = defn.child(k)
                        if c is not None:
                            yield from walk(v, path + (i, k), c)

    yield from walk(data, (), f.root)


def test_diff_reports_a_renumbering_once_and_no_cascade():
    key = _number_key()
    before, _ = load_document(GOOD)
    after = _good_with_numbers((1, 4))
    changes = diff(JUTEN, before.data, after)
    assert [(c.before, c.after, c.marked) for c in changes] == [("2", "4", False)]
    assert "システム4" in changes[0].item and changes[0].anchor == JUTEN.anchor(JUTEN.concrete("system", 1))
    # an element removed above others renumbers them by position: not a change of theirs
    plain_before, _ = load_document(GOOD)
    removed = load_document(GOOD)[0].data
    systems = [e for _, e in JUTEN.values(removed, "system")]
    node = removed
    for k in JUTEN.concrete("system")[:-1]:
        node = node[k]
    node[JUTEN.concrete("system")[-1]] = systems[1:]
    assert all(not c.item.endswith(key) for c in diff(JUTEN, plain_before.data, removed))


# -- the summary ----------------------------------------------------------------------------------


def test_summary_count_is_what_its_list_adds_up_to(tmp_path):
    """Two systems whose names are one index entry (content/aliases.yaml): the summary lists the name
    once with how many, so 「N 件」 is the sum of the list."""
    from piasite.site.generate import generate
    from piasite.site.theme import bodies_dir, key_of

    content = tmp_path / "content"
    (content / "higashiyama").mkdir(parents=True)
    text = GOOD.read_text(encoding="utf-8").replace("schema=../../../../schema", "schema=../../schema")
    text = text.replace(
        "    - 名称: 課税原票管理システム\n",
        "    - 名称: 課税原票管理システム(東山市版)\n      機能: 同じシステムの別の表記\n"
        "    - 名称: 課税原票管理システム\n",
        1,
    )
    (content / "higashiyama" / "5.yaml").write_text(text, encoding="utf-8")
    (content / "aliases.yaml").write_text(
        "同じもの:\n  - [課税原票管理システム, 課税原票管理システム(東山市版)]\n別のもの: []\n", encoding="utf-8"
    )
    assessments, problems = load_content(content)
    assert assessments, problems
    out = tmp_path / "site"
    generate(assessments, out, allow_shallow=True, content_dir=content, config=ROOT / "mkdocs.yml", extensions=[])
    body = (bodies_dir(out) / f"{key_of('higashiyama/5/index.md')}.html").read_text(encoding="utf-8")
    fact = re.search(r"<dt>システム</dt><dd>(?:<a [^>]*>)?(\d+) 件\((.*?)\)(?:</a>)?</dd>", body)
    assert fact, body[:2000]
    count, listed = int(fact.group(1)), fact.group(2)
    systems = [n for _, n in JUTEN.values(assessments[0].data, "system_name")]
    assert count == len(systems) == 3
    parts = re.findall(r"(.+?)(?:\((\d+) 件\))?(?:、|$)", listed)
    assert sum(int(n or 1) for _, n in parts) == count, listed
    assert "課税原票管理システム(2 件)" in listed


def test_change_rows_from_git_name_the_printed_number(tmp_path):
    """A 別添2 row made from a commit names the system by the number its document prints; the editorial
    commit that writes the numbers (変更箇所: なし) adds no row."""
    from piasite.history import changelog
    from piasite.history.versions import load_history
    from tests.gitrepo import base_repo

    key = _number_key()
    r = base_repo(tmp_path / "repo")
    rel = "content/higashiyama/5.yaml"
    r.edit(rel, "    - 名称: 個人住民税システム\n", f"    - {key}: 1\n      名称: 個人住民税システム\n")
    r.edit(rel, "    - 名称: 課税原票管理システム\n", f"    - {key}: 4\n      名称: 課税原票管理システム\n")
    r.commit("原文のシステムの番号を書く\n\n変更箇所: なし")
    r.edit(
        rel,
        "      他のシステムとの接続: [税務システム]\n",
        "      他のシステムとの接続: [税務システム, 庁内連携システム]\n",
    )
    r.commit(
        "課税原票管理システムの接続を追加\n\n変更日: 2026-01-05\n提出時期: 事後\n提出時期に係る説明: 接続の追加のみ"
    )
    hist = load_history(r.root / "content", rev="HEAD", cache=False)
    fh = next(f for f in hist.files if not f.deleted)
    rows = changelog.derived_rows(fh, JUTEN)
    assert [row.item.split(" ")[-2:] for row in rows] == [["システム4", "③他のシステムとの接続"]], [
        row.item for row in rows
    ]
