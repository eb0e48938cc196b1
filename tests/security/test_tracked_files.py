"""SECURITY.md: 追跡されている通常のファイルだけを読む.

A pull request can commit a symbolic link anywhere piasite reads or copies from the working tree
(overrides/, its templates and guides, content/, aliases.yaml, mkdocs.yml,
.piasite-history-baseline), pointing at the checkout's .git/config (in CI, the token in
`extraheader`) or at a file of the runner (/etc/passwd, stood in for here by a canary file outside
the repository). A FIFO there would hang a build forever. Each is played through the real command
line (a subprocess with a timeout, so that a FIFO opened cannot hang the suite): the command exits 1
with a Japanese message naming the file, the canary is in no output (stdout, stderr, any file the
command leaves in the repository), and the site built before is left whole (piasite/safefiles.py)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from piasite.core.errors import PiasiteError
from tests.gitrepo import Repo, base_repo

ROOT = Path(__file__).resolve().parents[2]
CANARY = "CANARY-tracked-7f3a9c"  # in the files a link points to, never to be seen
GIT_CANARY = "CANARY-gitconfig-41d2e8"  # stands for checkout's extraheader token in .git/config
TIMEOUT = 120  # a FIFO opened blocks forever: the command is killed and the test fails instead


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PIASITE_TODAY": "2026-01-15"}
    try:
        return subprocess.run(
            [sys.executable, "-m", "piasite", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"piasite {' '.join(args)} hung (a FIFO opened?)")


def _files(root: Path) -> dict[str, bytes]:
    """Every regular file under root but .git, read without following a link."""
    out = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for n in names:
            p = Path(folder) / n
            if p.is_file() and not p.is_symlink():
                out[str(p.relative_to(root))] = p.read_bytes()
    return out


def _digest(site: Path) -> dict[str, str]:
    return {k: hashlib.sha256(v).hexdigest() for k, v in _files(site).items()}


@pytest.fixture(scope="module")
def built_city(tmp_path_factory) -> Path:
    """A city's repository with its site built once (copied by each test)."""
    r = base_repo(tmp_path_factory.mktemp("tracked") / "city")
    shutil.copy(ROOT / "mkdocs.yml", r.path("mkdocs.yml"))
    r.write(".gitignore", "/site/\n/build/\n")
    r.write("overrides/assets/city.css", "/* 東山市 */\n")
    r.commit("設定")
    with open(r.root / ".git" / "config", "a", encoding="utf-8") as f:  # as actions/checkout leaves it
        f.write(f'[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic {GIT_CANARY}\n')
    proc = _run(r.root, "build")
    assert proc.returncode == 0, proc.stderr
    return r.root


class City:
    def __init__(self, root: Path, outside: Path):
        self.root, self.outside = root, outside
        self.repo = Repo.__new__(Repo)
        self.repo.root, self.repo.day = root, 10
        self.site_before = _digest(root / "site")

    def link(self, rel: str, target: str | Path, commit: bool = True) -> None:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if p.exists() or p.is_symlink():
            shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
        p.symlink_to(target)
        if commit:  # as a pull request carries it (git stores the link itself)
            self.repo.commit(f"{rel} を追加")

    def fifo(self, rel: str) -> None:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if p.exists():
            p.unlink()
        os.mkfifo(p)

    def outside_file(self, name: str, text: str) -> Path:
        p = self.outside / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        return p


@pytest.fixture
def city(built_city, tmp_path) -> City:
    root = tmp_path / "city"
    shutil.copytree(built_city, root, symlinks=True)
    outside = tmp_path / "outside"  # the runner's files: /etc/passwd and the like
    outside.mkdir()
    return City(root, outside)


def _assessment_with_canary() -> str:
    text = (ROOT / "tests/fixtures/handwritten/higashiyama/5.yaml").read_text(encoding="utf-8")
    assert "個人住民税" in text
    return text.replace("個人住民税", f"個人住民税{CANARY}", 1).replace("評価書番号: 5", "評価書番号: 2", 1)


def _assert_refused(c: City, proc: subprocess.CompletedProcess, named: str) -> None:
    said = proc.stdout + proc.stderr
    assert proc.returncode == 1, said
    assert "Traceback" not in said and "予期しないエラー" not in said, said
    assert named in proc.stderr, proc.stderr
    assert any(w in proc.stderr for w in ("シンボリックリンク", "通常のファイルではありません")), proc.stderr
    assert CANARY not in said and GIT_CANARY not in said, said
    for rel, data in _files(c.root).items():
        assert CANARY.encode() not in data and GIT_CANARY.encode() not in data, rel
    assert _digest(c.root / "site") == c.site_before, "the previous site was changed"


# (name, set-up, the file the message must name, the commands that read it)
Attack = tuple[str, Callable[[City], None], str, tuple[tuple[str, ...], ...]]
BUILD = (("build",),)


def _overrides_git_config(c: City) -> None:
    c.link("overrides/assets/x.txt", "../../.git/config")


def _overrides_passwd(c: City) -> None:
    c.link("overrides/assets/passwd.txt", c.outside_file("passwd", f"root:x:0:0:{CANARY}:/root:/bin/sh\n"))


def _overrides_theme(c: City) -> None:
    c.link("overrides/theme/partials/x.html", "../../../.git/config")


def _overrides_template(c: City) -> None:
    c.link("overrides/assessment.md.j2", c.outside_file("t.j2", f"{CANARY}\n"))


def _overrides_guide(c: City) -> None:
    c.link("overrides/guides/reading.md", c.outside_file("g.md", f"# 読み方\n\n{CANARY}\n"))


def _overrides_folder(c: City) -> None:
    c.outside_file("assets/x.css", f"/* {CANARY} */\n")
    shutil.rmtree(c.root / "overrides/assets")
    c.link("overrides/assets", c.outside / "assets")


def _overrides_itself(c: City) -> None:
    c.outside_file("ov/assets/x.css", f"/* {CANARY} */\n")
    shutil.rmtree(c.root / "overrides")
    c.link("overrides", c.outside / "ov")


def _content_file(c: City) -> None:
    c.link("content/higashiyama/2.yaml", c.outside_file("2.yaml", _assessment_with_canary()))


def _content_git_config(c: City) -> None:
    c.link("content/higashiyama/3.yaml", "../../.git/config")


def _content_folder(c: City) -> None:
    c.outside_file("nishiyama/1.yaml", _assessment_with_canary())
    c.link("content/nishiyama", c.outside / "nishiyama")


def _aliases(c: City) -> None:
    c.link("content/aliases.yaml", c.outside_file("aliases.yaml", f"同じ:\n  - [{CANARY}, 東山市]\n"))


def _mkdocs(c: City) -> None:
    text = (c.root / "mkdocs.yml").read_text(encoding="utf-8")
    c.link("mkdocs.yml", c.outside_file("mkdocs.yml", text.replace("site_name:", f"site_name: {CANARY}\n#", 1)))


def _baseline(c: City) -> None:
    c.link(".piasite-history-baseline", "./.git/config")


def _fifo_overrides(c: City) -> None:
    c.fifo("overrides/assets/x.txt")


def _fifo_content(c: City) -> None:
    c.fifo("content/higashiyama/2.yaml")


def _fifo_mkdocs(c: City) -> None:
    (c.root / "mkdocs.yml").unlink()
    c.fifo("mkdocs.yml")


CHECK_BUILD = (("check",), ("build",))
ATTACKS: list[Attack] = [
    ("overrides_git_config", _overrides_git_config, "overrides/assets/x.txt", BUILD),
    ("overrides_passwd", _overrides_passwd, "overrides/assets/passwd.txt", BUILD),
    ("overrides_theme", _overrides_theme, "overrides/theme/partials/x.html", BUILD),
    ("overrides_template", _overrides_template, "overrides/assessment.md.j2", BUILD),
    ("overrides_guide", _overrides_guide, "overrides/guides/reading.md", BUILD),
    ("overrides_folder", _overrides_folder, "overrides/assets", BUILD),
    ("overrides_itself", _overrides_itself, "overrides", BUILD),
    (
        "content_file",
        _content_file,
        "content/higashiyama/2.yaml",
        CHECK_BUILD
        + (
            ("build", "--publish"),
            ("diff", "HEAD~1"),
            ("diff", "--comment", "HEAD~1"),
            ("changelog", "content/higashiyama/2.yaml"),
        ),
    ),
    (
        "content_git_config",
        _content_git_config,
        "content/higashiyama/3.yaml",
        CHECK_BUILD + (("check", "content/higashiyama/3.yaml"), ("diff", "HEAD~1")),
    ),
    (
        "content_folder",
        _content_folder,
        "content/nishiyama",
        CHECK_BUILD + (("check", "content/nishiyama/1.yaml"), ("changelog", "content/nishiyama/1.yaml")),
    ),
    ("aliases", _aliases, "content/aliases.yaml", CHECK_BUILD),
    ("mkdocs", _mkdocs, "mkdocs.yml", CHECK_BUILD),
    ("baseline", _baseline, ".piasite-history-baseline", BUILD + (("check", "--since", "HEAD~1"),)),
    ("fifo_overrides", _fifo_overrides, "overrides/assets/x.txt", BUILD),
    (
        "fifo_content",
        _fifo_content,
        "content/higashiyama/2.yaml",
        CHECK_BUILD + (("check", "content/higashiyama/2.yaml"), ("build", "--publish")),
    ),
    ("fifo_mkdocs", _fifo_mkdocs, "mkdocs.yml", CHECK_BUILD),
]


@pytest.mark.parametrize("attack", ATTACKS, ids=[a[0] for a in ATTACKS])
def test_a_link_or_special_file_in_a_read_path_is_refused(city, attack):
    _, setup, named, commands = attack
    setup(city)
    for args in commands:
        proc = _run(city.root, *args)
        _assert_refused(city, proc, named)


@pytest.mark.parametrize(
    "attack",
    [a for a in ATTACKS if a[0] in ("overrides_git_config", "overrides_template", "fifo_overrides", "mkdocs")],
    ids=lambda a: a[0],
)
def test_serve_refuses_it_before_serving(city, attack):
    """serve's build (its own work folder) reads the same files: it stops with the message."""
    _, setup, named, _ = attack
    setup(city)
    proc = _run(city.root, "serve", "--port", "0")
    _assert_refused(city, proc, named)


def test_serve_shows_a_linked_assessment_as_a_problem_and_never_its_text(city):
    """A linked assessment under content/ is one of the problems the preview lists (serve keeps
    running for the clerk to fix it); its target is read into no page of the preview."""
    from piasite.commands.serve import Preview

    _content_file(city)
    old = os.getcwd()
    os.chdir(city.root)
    try:
        p = Preview(Path("content"))
        try:
            p.full()
            problems = p.state.problems
        except PiasiteError as e:  # committed, the link is refused by the history too (commit and path named)
            problems = [e.format_message()]
    finally:
        os.chdir(old)
    assert any("content/higashiyama/2.yaml" in m and "シンボリックリンク" in m for m in problems), problems
    for rel, data in _files(city.root).items():
        assert CANARY.encode() not in data, rel


def test_a_regular_override_is_still_used(city):
    """The refusal is for links and special files only: a real file in overrides/ is copied."""
    (city.root / "overrides/assets/x.txt").write_text("東山市の追加\n", encoding="utf-8")
    proc = _run(city.root, "build")
    assert proc.returncode == 0, proc.stderr
    assert (city.root / "site/assets/piasite/x.txt").read_text(encoding="utf-8") == "東山市の追加\n"
