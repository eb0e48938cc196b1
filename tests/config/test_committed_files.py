"""What a pull request can commit besides content: mkdocs.yml, a `build` symlink, symlinks beside
the output folder. None of it may run code, print markup, or make a build delete or overwrite
anything outside the folders piasite makes (piasite/engineconf.py, workdir.py, outdir.py)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.clirun import piasite

REPO_ROOT = Path(__file__).resolve().parents[2]
HOOK = "import pathlib\npathlib.Path({marker!r}).write_text('ran')\n"
# Each spelling would run code (or read the environment) if the engine were given mkdocs.yml.
CODE = {
    "hooks": "hooks:\n  - evil.py\n",
    "python_tag": 'site_author: !!python/object/apply:os.system ["touch {marker}"]\n',
    "python_tag_verbatim": "site_author: !<tag:yaml.org,2002:python/object/apply:os.system> [\"touch {marker}\"]\n",
    "python_name": "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:os.system\n",
    "env_tag": "site_description: !ENV [HOME, x]\n",
    "plugin": "plugins:\n  - search\n  - macros\n",
    "inherit": "INHERIT: ../other.yml\n",
    "custom_js": "extra_javascript:\n  - https://evil.example/x.js\n",
    "analytics": "extra:\n  analytics:\n    provider: google\n    property: G-XXXX\n",
    "repo_url": "repo_url: https://github.com/example/x\n",
    "font": "theme:\n  name: material\n  font:\n    text: Roboto\n",
    "palette_markup": 'theme:\n  name: material\n  palette:\n    primary: "red\\"><img src=x onerror=alert(1)>"\n',
    "site_url_markup": 'site_url: "https://a.example/\\"><img src=x onerror=alert(1)>"\n',
    "licence_url_js": "extra:\n  license: CC BY 4.0\n  license_url: javascript:alert(1)\n",
    "source_url_js": "extra:\n  source_url: ' javascript:alert(1)//'\n",
    "alias": "extra:\n  publisher: &p 東山市\n  contact: *p\n",
}


@pytest.fixture
def city(project):
    r = project("minimal").git_init("東山市 個人住民税 重点項目評価書を登録")
    r.write(".gitignore", "/site/\n")
    return r


def _config(r, extra: str, marker: Path) -> None:
    base = (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    base = (
        re.sub(r"(?ms)^(plugins|extra|theme|extra_javascript):\n(?:  .*\n|\s*#.*\n)*", "", base)
        if re.match(r"(plugins|extra|theme|extra_javascript):", extra)
        else base
    )
    r.write("mkdocs.yml", base + extra.replace("{marker}", str(marker)))
    r.write("evil.py", HOOK.format(marker=str(marker)))
    r.commit("設定を変更")


@pytest.mark.parametrize("name", sorted(CODE))
def test_mkdocs_yml_cannot_run_code_or_reach_out(city, tmp_path, name):
    marker = tmp_path / "ran"
    _config(city, CODE[name], marker)
    check = piasite("check", cwd=city.root)
    assert check.returncode == 1, check.stderr
    assert re.search(r"^mkdocs\.yml:\d+: ", check.stderr, re.M), check.stderr
    build = piasite("build", cwd=city.root)
    assert build.returncode == 1 and "Traceback" not in build.stderr, build.stderr
    assert "mkdocs.yml" in build.stderr and not (city.root / "site").exists()
    assert not marker.exists()


def test_the_engine_never_reads_mkdocs_yml(city, tmp_path):
    """Whatever piasite lets through, the engine is given piasite's own file: its pages folder,
    theme, plugins, scripts and navigation, and the city's texts as tokens."""
    conf = yaml.safe_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    conf.update(site_name="東山市<b>", docs_dir="content", site_dir="/tmp", use_directory_urls=False)
    conf["theme"]["custom_dir"] = "content"
    city.write("mkdocs.yml", yaml.safe_dump(conf, allow_unicode=True))
    city.commit("設定")
    assert piasite("build", cwd=city.root).returncode == 0
    # the build's own copy lives in its run folder, removed after it (runlock.private): the same writer, here
    from piasite.config.settings import read
    from piasite.engine.config import write

    (tmp_path / "run").mkdir()
    written = write(read(city.root / "mkdocs.yml"), "mkdocs", tmp_path / "run")
    engine = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert engine["docs_dir"] == "docs" and engine["theme"]["custom_dir"] == "theme"
    assert engine["plugins"] == [{"search": {"enabled": False}}] and "hooks" not in engine
    assert engine["use_directory_urls"] is True and "site_dir" not in engine
    assert re.fullmatch(r"piasitetitle[0-9a-f]{32}x", engine["site_name"])
    assert "<b>" not in written.read_text(encoding="utf-8")


MARKUP = '<img src=x onerror=alert(1)>"\'{{ 6*7 }}'


@pytest.mark.parametrize("engine", ["mkdocs", pytest.param("zensical", marks=pytest.mark.slow)])
def test_mkdocs_yml_texts_are_printed_as_text(city, engine):
    conf = yaml.safe_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    conf.update(
        site_name="東山市" + MARKUP,
        site_description="説明" + MARKUP,
        site_author="作成" + MARKUP,
        copyright="©" + MARKUP,
    )
    conf["extra"].update(publisher="発行" + MARKUP, contact="連絡" + MARKUP, license="CC" + MARKUP)
    city.write("mkdocs.yml", yaml.safe_dump(conf, allow_unicode=True))
    city.commit("設定")
    proc = piasite("build", "--engine", engine, cwd=city.root)
    assert proc.returncode == 0, proc.stderr
    n = 0
    for page in (city.root / "site").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<img src=x" not in text and "[42]" not in text, page
        assert not re.search(r"piasitetitle[0-9a-f]{32}x", text), page
        n += 1
    top = (city.root / "site/index.html").read_text(encoding="utf-8")
    assert "東山市&lt;img src=x onerror=alert(1)&gt;" in top
    assert 'content="説明&lt;img src=x onerror=alert(1)&gt;&quot;' in top
    assert n > 10


def test_a_committed_build_symlink_is_refused(city, tmp_path):
    victim = tmp_path / "elsewhere"
    for sub in ("docs", "theme", "piasite-bodies", "serve"):
        (victim / sub).mkdir(parents=True)
        (victim / sub / "keep.txt").write_text("消さない", encoding="utf-8")
    (city.root / "build").symlink_to(victim)
    city.commit("build をリンクに")
    for cmd in (["build"], ["build", "--engine", "zensical"]):
        proc = piasite(*cmd, cwd=city.root)
        assert proc.returncode == 1 and "シンボリックリンク" in proc.stderr and "Traceback" not in proc.stderr, (
            proc.stderr
        )
    assert sorted(p.relative_to(victim).as_posix() for p in victim.rglob("*") if p.is_file()) == [
        "docs/keep.txt",
        "piasite-bodies/keep.txt",
        "serve/keep.txt",
        "theme/keep.txt",
    ]


def test_symlinks_inside_build_are_removed_not_followed(city, tmp_path):
    victim = tmp_path / "elsewhere"
    victim.mkdir()
    (victim / "keep.txt").write_text("消さない", encoding="utf-8")
    target = tmp_path / "profile"
    target.write_text("書き換えない", encoding="utf-8")
    (city.root / "build").mkdir()
    for name in ("docs", "theme", "piasite-bodies", "zensical-site"):
        (city.root / "build" / name).symlink_to(victim)
    for name in ("engine-mkdocs.yml", "engine-zensical.yml"):
        (city.root / "build" / name).symlink_to(target)
    (city.root / ".piasite-zensical.yml").symlink_to(target)  # where an earlier piasite wrote its config
    for engine in ("mkdocs", "zensical"):
        proc = piasite("build", "--engine", engine, "--out", f"site-{engine}", cwd=city.root)
        assert proc.returncode == 0, proc.stderr
        assert (city.root / f"site-{engine}/higashiyama/5/index.html").exists()
    assert [p.name for p in victim.iterdir()] == ["keep.txt"]
    assert target.read_text(encoding="utf-8") == "書き換えない"
    assert not (city.root / "build/docs").is_symlink()


def test_out_and_its_siblings_are_checked_where_the_build_writes(city, tmp_path):
    """A symlinked --out is refused, and its .tmp/.old are looked at beside the link (where the
    build makes them), not beside the link's target."""
    victim = tmp_path / "victim"
    (victim / "a").mkdir(parents=True)
    (victim / "a" / "keep.txt").write_text("消さない", encoding="utf-8")
    (victim / "empty").mkdir()
    (city.root / "site").symlink_to(victim / "empty")
    proc = piasite("build", cwd=city.root)
    assert proc.returncode == 1 and "シンボリックリンク" in proc.stderr, proc.stderr
    (city.root / "site").unlink()
    (city.root / "site.tmp").symlink_to(victim / "a")
    proc = piasite("build", cwd=city.root)
    assert proc.returncode == 1 and "site.tmp" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert (victim / "a" / "keep.txt").exists() and not (city.root / "site").exists()


def test_a_symlinked_content_folder_is_refused(city, tmp_path):
    """content -> a folder outside the repository would publish whatever is there."""
    outside = tmp_path / "other"
    shutil.copytree(city.root / "content", outside)
    shutil.rmtree(city.root / "content")
    (city.root / "content").symlink_to(outside)
    city.commit("content をリンクに")
    for cmd in ("check", "build"):
        proc = piasite(cmd, cwd=city.root)
        assert proc.returncode == 1 and "シンボリックリンク" in proc.stderr and "Traceback" not in proc.stderr, (
            proc.stderr
        )
    assert not (city.root / "site").exists()
