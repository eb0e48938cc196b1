import datetime as dt
import json

import jsonschema
import pytest
import yaml

from piasite.core import dates
from piasite.forms.registry import form_names, load_form
from piasite.forms.schema import form_schema, schema_filename
from tests.conftest import FIXTURES, ROOT, schema_validator


@pytest.mark.parametrize("name", form_names())
def test_committed_schema_is_generated_from_definition(name):
    form = load_form(name)
    committed = json.loads((ROOT / "schema" / schema_filename(form)).read_text(encoding="utf-8"))
    assert committed == form_schema(form), "run `piasite schema` and commit schema/"


def _json_ready(v):
    if isinstance(v, dict):
        return {k: _json_ready(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_json_ready(x) for x in v]
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def test_handwritten_assessment_validates_against_schema():
    schema = form_schema(load_form("重点項目評価書"))
    data = yaml.safe_load((FIXTURES / "handwritten" / "higashiyama" / "5.yaml").read_text(encoding="utf-8"))
    schema_validator(schema).validate(_json_ready(data))
    data["基本情報"]["事務"]["対象人数"] = "たくさん"
    with pytest.raises(jsonschema.ValidationError):
        schema_validator(schema).validate(_json_ready(data))


def test_content_files_declare_their_schema():
    for path in (ROOT / "content").rglob("*.yaml"):
        if path.name == "aliases.yaml":
            continue
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target.is_file(), f"{path}: {target}"


@pytest.mark.parametrize(
    "text, expected, precision",
    [
        ("令和7年12月1日", dt.date(2025, 12, 1), "day"),
        ("令和元年5月1日", dt.date(2019, 5, 1), "day"),
        ("令和1年5月7日", dt.date(2019, 5, 7), "day"),
        ("平成30年12月", dt.date(2018, 12, 1), "month"),
        ("H30.5.21", dt.date(2018, 5, 21), "day"),
        ("R7.12.1", dt.date(2025, 12, 1), "day"),
        ("2015/2/25", dt.date(2015, 2, 25), "day"),
        ("平成29年8月30日.", dt.date(2017, 8, 30), "day"),
        ("令和５年１月２６日", dt.date(2023, 1, 26), "day"),
    ],
)
def test_parse_date_forms(text, expected, precision):
    assert dates.parse_date(text) == (expected, precision)


@pytest.mark.parametrize("text", ["平成27年6月予定", "令和2年3月上旬から中旬の間", "令和7年13月1日", "-"])
def test_not_dates(text):
    assert dates.parse_date(text) is None


def test_wareki():
    assert dates.wareki(dt.date(2025, 12, 1)) == "令和7年12月1日"
    assert dates.wareki(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert dates.wareki(dt.date(2019, 4, 30)) == "平成31年4月30日"
    assert dates.wareki("2018-12") == "平成30年12月"
