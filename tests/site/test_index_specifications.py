"""The indexes come from forms/regime/indexes.yaml: what it declares is what the site builds, and a
specification the code cannot build is refused with a message naming the file."""

import pytest

from piasite.forms import regime
from piasite.site import indexes


def test_the_site_builds_the_declared_indexes_in_their_order():
    specs = indexes.specifications()
    built = indexes.build_indexes([], indexes.Names())
    assert [i.id for i in built] == [s["id"] for s in specs] == ["kikan", "jimu", "system", "itakusaki", "teikyosaki"]
    assert [i.title for i in built] == [s["title"] for s in specs]
    assert all(i.columns == list(s["columns"]) for i, s in zip(built, specs, strict=True))


@pytest.mark.parametrize(
    "bad, said",
    [
        ({"indexes": []}, "索引の並び"),
        ({"indexes": [{"id": "x", "title": "x", "lead": "", "columns": []}]}, "id・title・lead・collect・columns"),
        (
            {"indexes": [{"id": "x", "title": "x", "lead": "", "collect": "weather", "columns": []}]},
            "collect「weather」",
        ),
    ],
)
def test_a_specification_the_code_cannot_build_is_refused(monkeypatch, bad, said):
    monkeypatch.setattr(regime, "section", lambda name: bad if name == "indexes" else {})
    with pytest.raises(regime.RegimeError, match=said):
        indexes.specifications()
