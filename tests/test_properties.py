"""Property-based tests (hypothesis): whatever the YAML shape, `piasite check` answers with messages
and exit 0/1, never a traceback; whatever the extracted text, the importer places every line."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piasite.cli import main
from piasite.forms.registry import form_names, load_form
from piasite.importer import import_text
from piasite.importer.document import NotAnAssessment
from piasite.importer.writer import dump
from piasite.model.reader import ReadError, parse
from tests.conftest import SEEDS

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _form_keys() -> list[str]:
    keys: set[str] = set()

    def walk(item):
        for child in item.items:
            keys.add(child.key)
            walk(child)

    for name in form_names():
        walk(load_form(name).root)
    return sorted(keys)


KEYS = _form_keys()
FORMS = form_names()

# Text that tries what content can carry: controls, bidi, zero-width, look-alikes, markup, long runs.
nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "\x1b[31m",
            "\x00",
            "\u202e",
            "\u200b",
            "НЕС",
            "ΝEC",
            "<script>x</script>",
            "{{ 6*7 }}",
            "{%+ endraw %}",
            "=HYPERLINK(\"x\")",
            "令和7年2月30日",
            "2025-02-30",
            "9999-12-31",
            "\ud800",
            "事前",
            "事後",
            "委託する",
            "10万人以上30万人未満",
            "",
            " ",
            "~",
            "&a",
            "*a",
            "!!binary",
        ]
    ),
)
scalars = st.one_of(
    nasty_text,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
)


class Tagged:
    """A value to be written with the 非公表 tag."""

    def __init__(self, value):
        self.value = value


def shapes(leaves):
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(st.one_of(st.sampled_from(KEYS), nasty_text), inner, max_size=4),
            inner.map(Tagged),
        ),
        max_leaves=25,
    )


class _Dumper(yaml.SafeDumper):
    pass


def _tagged(dumper, t: Tagged):
    v = t.value
    if isinstance(v, dict):
        return dumper.represent_mapping("!非公表", v)
    if isinstance(v, list):
        return dumper.represent_sequence("!非公表", v)
    return dumper.represent_scalar("!非公表", "" if v is None else str(v))


_Dumper.add_representer(Tagged, _tagged)


# One strategy object for every place a shape goes: hypothesis validates a strategy when it is first
# drawn from, and building them anew for each example (as a flatmap did) cost more than the checks.
SHAPES = shapes(scalars)
documents = st.tuples(
    st.fixed_dictionaries(
        {"様式": st.one_of(st.sampled_from(FORMS), SHAPES)},
        optional={
            k: SHAPES
            for k in (
                "評価書番号",
                "評価書名",
                "公表日",
                "評価実施機関名",
                "基本情報",
                "特定個人情報ファイル",
                "変更箇所",
                "終了日",
                "取込メモ",
            )
        },
    ),
    st.dictionaries(st.sampled_from(KEYS), SHAPES, max_size=4),  # any other item of any form, any shape
).map(lambda t: {**t[1], **t[0]})

# Raw YAML-ish text: flow and block indicators, anchors, aliases, tags, quotes.
yamlish = st.text(alphabet=st.sampled_from(list("&*!:[]{}-,?|>'\"#% \n\tab様式重点項目評価書非公表\\x0")), max_size=200)


def _check(tmp: Path, text: str):
    path = tmp / "higashiyama" / "1.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    res = CliRunner().invoke(main, ["check", str(path)])
    assert res.exception is None or isinstance(res.exception, SystemExit), (text, res.output, res.exc_info)
    assert res.exit_code in (0, 1), res.output
    assert "Traceback" not in res.output
    return res


@pytest.mark.slow
@SETTINGS
@given(documents)
def test_check_never_crashes_on_any_shape(doc):
    text = yaml.dump(doc, Dumper=_Dumper, allow_unicode=True)
    with tempfile.TemporaryDirectory() as tmp:
        _check(Path(tmp), text)


@SETTINGS
@given(yamlish)
def test_check_never_crashes_on_yamlish_text(text):
    with tempfile.TemporaryDirectory() as tmp:
        _check(Path(tmp), text)


# -- importer ---------------------------------------------------------------------------------

SEED_LINES = [l for p in sorted(SEEDS.glob("*.txt")) for l in p.read_text(encoding="utf-8").split("\n")][:4000]


@st.composite
def damaged_line(draw):
    line = draw(st.sampled_from(SEED_LINES))
    how = draw(st.sampled_from(["keep", "cut", "drop", "insert", "tabs"]))
    if how == "cut" and line:
        line = line[: draw(st.integers(0, len(line)))]
    elif how == "drop" and line:
        i = draw(st.integers(0, len(line) - 1))
        line = line[:i] + line[i + 1 :]
    elif how == "insert":
        i = draw(st.integers(0, len(line)))
        line = line[:i] + draw(nasty_text).replace("\n", " ") + line[i:]
    elif how == "tabs":
        line = line.replace(" ", "\t")
    return line


importer_texts = st.lists(
    st.one_of(damaged_line(), st.text(max_size=30).map(lambda s: s.replace("\n", " "))), min_size=1, max_size=20
).map("\n".join)


@pytest.mark.slow
@settings(SETTINGS, max_examples=100)
@given(importer_texts)
def test_importer_places_every_line_of_any_text(text):
    if not text.strip():  # nothing to import: refused with a message (NotAnAssessment), tested in test_cli_errors
        with pytest.raises(NotAnAssessment):
            import_text(text)
        return
    try:
        imported = import_text(text)
    except NotAnAssessment as e:  # no form's title, label or notation in it: refused, saying what it looks like
        assert "ようです" in e.message
        return
    lines = text.split("\n")
    acc = imported.stats["accounted"]
    lost = [
        (i + 1, l)
        for i, l in enumerate(lines)
        if l.strip() and acc.get(i + 1) not in ("value", "layout", "note", "blank")
    ]
    assert not lost, lost
    # what it writes is YAML the reader can read back, and check answers about it without crashing
    written = dump(imported.data, imported.form, ["property test"], None)
    try:
        parse(written)
    except ReadError as e:  # only the content's own limits may refuse it, never a YAML syntax slip
        assert not e.syntax, (e.message, written)


def test_property_tests_can_fail():
    # the harness itself: a crash inside check would be seen as an exception, not an exit code
    with tempfile.TemporaryDirectory() as tmp:
        res = _check(Path(tmp), "様式: 重点項目評価書\n評価書番号: [5]\n")
        assert res.exit_code == 1
