import hashlib
import os
import shutil
from pathlib import Path

# Before any test imports openpyxl: the workbook export needs its standard-library writer (see
# piasite/commands/workbook.py), whether or not lxml is installed on this machine.
os.environ["OPENPYXL_LXML"] = "False"

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


ROOTS = Path(__file__).resolve().parent / "roots"  # sample projects (tests/roots/README.md)


class Project:
    """A copy of the sample project tests/roots/<name> at `root` (Sphinx's tests/roots and make_app):
    its mkdocs.yml (`config`) and content/ (`content`), to change and build freely."""

    def __init__(self, name: str, root: Path):
        src = ROOTS / name
        assert (src / "mkdocs.yml").is_file() and (src / "content").is_dir(), f"no sample project {src}"
        self.root = Path(root)
        shutil.copytree(src, self.root)
        self.content = self.root / "content"
        self.config = self.root / "mkdocs.yml"

    def git_init(self, message: str = "評価書を登録"):
        """The project as a git repository (tests/gitrepo.Repo), everything in one commit dated 2025-12-01."""
        from tests.gitrepo import Repo

        repo = Repo(self.root)
        repo.commit(message, days=0)
        return repo

    def build(self, out: Path | None = None, **kw) -> Path:
        """piasite.engine.run.build_site of content/ with the project's mkdocs.yml into out (default site/)."""
        from piasite.engine.run import build_site

        out = self.root / "site" if out is None else Path(out)
        build_site(self.content, out, config=self.config, **kw)
        return out


@pytest.fixture
def project(tmp_path):
    """project(name) → a Project: a fresh copy of tests/roots/<name> in tmp_path (never the original)."""
    made: dict[str, int] = {}

    def make(name: str) -> Project:
        made[name] = made.get(name, 0) + 1
        return Project(name, tmp_path / (name if made[name] == 1 else f"{name}-{made[name]}"))

    return make


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    """The public site of tests/roots/basic (MkDocs + Pagefind, its own git history), built once per session
    for the tests that only read it. Read-only: a test that must change it copies it first (checked at the end)."""
    basic = Project("basic", tmp_path_factory.mktemp("fixture-site") / "basic")
    basic.git_init()
    site = basic.build()
    before = _digest(site)
    yield site
    assert _digest(site) == before, "a test changed the shared fixture_site (copy it first)"


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


BROWSER = Path(__file__).resolve().parent / "browser"

# Tiers are marked at the tests themselves: `@pytest.mark.slow` (or a module's `pytestmark`) on the
# whole-site builds beyond the ones the fast tier needs (another engine, a second build, a large
# synthetic site), wheels, servers and the long sweeps (hypothesis, every item of every form × every
# wrong type), run by the full suite only; `pytestmark = pytest.mark.browser` in each module of
# tests/browser, which drive Chromium. The fast tier is `-m "not browser and not slow"`.


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    """A test under tests/browser without the `browser` mark is a collection error of its module, not
    a marker added in silence: the fast tier does not even import tests/browser (pytest_ignore_collect
    below), so the folder and the mark must agree."""
    report = yield
    if report.passed and BROWSER in Path(str(collector.path)).resolve().parents:
        unmarked = [
            n.nodeid for n in report.result if isinstance(n, pytest.Item) and n.get_closest_marker("browser") is None
        ]
        if unmarked:
            report.outcome = "failed"
            report.longrepr = (
                "tests under tests/browser must be marked browser "
                "(pytestmark = pytest.mark.browser after the module's imports):\n  " + "\n  ".join(unmarked)
            )
            report.result = []
    return report


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
