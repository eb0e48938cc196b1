import fnmatch
import hashlib
import os
import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
# libyaml when present, as piasite/form.py: for the tests' own YAML round trips (normal forms to compare),
# which are not what is under test and cost seconds in pure Python.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"  # published texts, copied from shared/seeds
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def _history_cache(tmp_path_factory):
    """The history cache (blobcache.py) in a temporary folder, for this process and the builds it runs."""
    old = os.environ.get("PIASITE_CACHE_DIR")
    os.environ["PIASITE_CACHE_DIR"] = str(tmp_path_factory.mktemp("piasite-cache"))
    yield
    if old is None:
        os.environ.pop("PIASITE_CACHE_DIR", None)
    else:
        os.environ["PIASITE_CACHE_DIR"] = old


@pytest.fixture(scope="session", autouse=True)
def _kakasi_loaded():
    """pykakasi's dictionaries (~0.7 s to load) in this process before any build: build_site generates
    in a forked child (build.in_child), which inherits them instead of loading them again each time."""
    from piasite.model.names import _kakasi

    _kakasi()


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    """The public site of tests/fixtures/site (MkDocs + Pagefind), built once per session for the
    tests that only read it. Read-only: a test that must change it copies it first (checked at the end)."""
    from piasite.engine.run import build_site

    tmp = tmp_path_factory.mktemp("fixture-site")
    shutil.copy(ROOT / "mkdocs.yml", tmp / "mkdocs.yml")
    build_site(FIXTURES / "site", tmp / "site", config=tmp / "mkdocs.yml")
    before = _digest(tmp / "site")
    yield tmp / "site"
    assert _digest(tmp / "site") == before, "a test changed the shared fixture_site (copy it first)"


_VALIDATORS: dict[str, object] = {}


def schema_validator(schema: dict):
    """jsonschema's validator for a schema, the schema checked against its meta-schema once per session
    (jsonschema.validate checks it again on every call: most of a second for a form's schema)."""
    import json

    import jsonschema

    key = json.dumps(schema, sort_keys=True, ensure_ascii=False)
    if key not in _VALIDATORS:
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        _VALIDATORS[key] = cls(schema)
    return _VALIDATORS[key]


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def seeds() -> Path:
    assert SEEDS.is_dir(), f"seed texts expected at {SEEDS}"
    return SEEDS


# Whole-site builds beyond the ones the fast tier needs (another engine, a second build, a large
# synthetic site) and the long sweeps (hypothesis, every item of every form × every wrong type):
# `slow`, run by the full suite only.
SLOW = {
    "test_properties.py::test_check_never_crashes_on_any_shape",
    "test_properties.py::test_importer_places_every_line_of_any_text",
    "test_cli_errors.py::test_wrong_type_anywhere_in_every_form",
    "test_cli_errors.py::test_build_summary_line",  # its line is also checked by test_init_checks_and_builds
    "test_site.py::test_zensical_builds_the_same_tree",
    "test_site.py::test_build_is_reproducible",
    "test_site.py::test_search_index_in_parts_for_large_sites",
    "test_site.py::test_import_notes_only_for_staff_collapsed_and_not_indexed",  # the staff build
    "test_withheld_history.py::test_staff_build_links_no_raw_file_holding_them",  # the staff build
    "test_hostile.py::*[[]zensical]",  # the hostile corpus through the second engine (mkdocs stays fast)
    "test_outdir.py::test_builds_into_an_empty_folder_and_replaces_its_own_site",
    "test_history_cache.py::test_a_committed_pickle_runs_nothing",
    "test_uncertain.py::test_page_shows_unread_not_a_guess_and_publish_refuses",
    "test_init_new.py::test_guides_are_site_pages_linked_from_the_nav",
    "test_init_new.py::test_city_overrides_css_and_template",
}


BROWSER = Path(__file__).resolve().parent / "browser"


def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser drives Chromium: marked `browser`, so that the fast tier
    (`-m "not browser and not slow"`) leaves them out; the tests named in SLOW are marked `slow`."""
    for item in items:
        if BROWSER in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)
        if any(fnmatch.fnmatchcase(f"{Path(str(item.path)).name}::{item.name}", s) for s in SLOW):
            item.add_marker(pytest.mark.slow)


def pytest_ignore_collect(collection_path: Path, config):
    """tests/browser is not even imported when `-m` can select none of its tests, i.e. when `not browser`
    is one of the expression's top-level `and` terms (the fast tier): importing it loads Playwright and
    reads all of content/ to parametrize, ~2 s of the fast tier. Anything else is collected as usual."""
    if Path(collection_path).resolve() != BROWSER:
        return None
    words = (config.getoption("markexpr") or "").split()
    if "or" in words or any(c in w for w in words for c in "()"):
        return None
    terms = " ".join(words).split(" and ")
    return True if "not browser" in terms else None
