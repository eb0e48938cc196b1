"""The build's stages (engine/run.py BUILD, site/generate.py SITE_STAGES): one list for build and
serve, documented in docs/stages.md; serve's update after a save keeps the pages' index links current."""

from __future__ import annotations

import re
import shutil

from piasite.commands.serve import Preview
from piasite.engine.run import BUILD, GENERATION, SITE, Build
from piasite.site import stages
from piasite.site.generate import SHARED_STAGES, SITE_STAGES
from piasite.site.theme import bodies_dir, key_of

from .conftest import FIXTURES, ROOT

PAGE = "higashiyama/5/index.md"
OLD, NEW = "株式会社KSKテクノサポート", "東山入力センター株式会社"


def _body(preview: Preview, relpath: str) -> str:
    return (bodies_dir(preview.docs) / f"{key_of(relpath)}.html").read_text(encoding="utf-8")


def _index_links(body: str) -> list[tuple[str, str]]:
    """(href, text) of the page's links to its names' index entries (pages.index_link)."""
    return re.findall(r'<p class="pia-indexlink"[^>]*><a href="([^"]+)">([^<]+)</a>', body)


def test_preview_update_keeps_index_links_current(tmp_path):
    """A 委託先 renamed in a saved file: its page links to the new name's entry of the 委託先 index,
    as the index lists it (the links were those of the first build before, the index the new one)."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "site", content)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    preview = Preview(content, tmp_path / "mkdocs.yml")
    try:
        # the preview's own build up to the generated tree (the engine is not what is under test)
        b = Build(content, preview.settings, preview.work, preview.raw, allow_shallow=True, staff=True, preview=True)
        b.extensions = []  # no git history here
        stages.run(GENERATION, b)
        preview.site = b.site
        old_entry = next(e for e in b.site.index("itakusaki").entities if e.name == OLD)
        assert (f"../../indexes/itakusaki/#{old_entry.id}", f"委託先の索引: {OLD}") in _index_links(
            _body(preview, PAGE)
        )

        f = content / "higashiyama" / "5.yaml"
        f.write_text(f.read_text(encoding="utf-8").replace(f"委託先名: {OLD}", f"委託先名: {NEW}"), encoding="utf-8")
        preview.update(f)

        assert preview.state.kind == "page" and preview.state.problems == []
        entry = next(e for e in preview.site.index("itakusaki").entities if e.name == NEW)
        links = _index_links(_body(preview, PAGE))
        assert (f"../../indexes/itakusaki/#{entry.id}", f"委託先の索引: {NEW}") in links
        assert not [link for link in links if old_entry.id in link[0] or OLD in link[1]]
        assert f'id="{entry.id}"' in _body(preview, "indexes/itakusaki/index.md")  # the entry linked to is there
    finally:
        preview.close()


def test_one_list_for_build_and_serve():
    """The build's list is the site's stages between load/check/tree and the engine's; serve's update
    runs the pages stage and the stages after it."""
    names = stages.names(BUILD)
    assert names == [
        "load",
        "check",
        "tree",
        *stages.names(SITE_STAGES),
        "engine",
        "fill",
        "offline",
        "pagefind",
        "admin",
        "swap",
    ]
    assert stages.names(GENERATION) + stages.names(SITE) == names
    assert stages.names(SHARED_STAGES) == names[names.index("pages") + 1 : names.index("top") + 1]


def test_hooks_run_around_their_stage():
    seen: list[str] = []
    two = [stages.Stage("a", lambda ctx: seen.append("a")), stages.Stage("b", lambda ctx: seen.append("b"))]
    timings: dict[str, float] = {}
    stages.run(
        two, None, {"pre_b": [lambda ctx: seen.append("pre_b")], "post_a": [lambda ctx: seen.append("post_a")]}, timings
    )
    assert seen == ["a", "post_a", "pre_b", "b"] and set(timings) == {"a", "b"}


def test_docs_list_every_stage_in_order():
    """docs/stages.md names each stage of BUILD, in the order the build runs them."""
    text = (ROOT / "docs" / "stages.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\| `([a-z]+)` \|", text, re.M)
    assert documented == stages.names(BUILD)
