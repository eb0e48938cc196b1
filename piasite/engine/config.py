"""The engine's configuration, written by piasite into the run's folder from the city's checked
settings (config/settings.py): never mkdocs.yml itself. The pages folder, theme, plugins, styles,
scripts and navigation are piasite's; each text the theme prints reaches the engine as a title token
(site/theme.py), filled escaped after the engine has run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from piasite.config.layout import NAV
from piasite.config.settings import OUR_CSS, OUR_JS, TEXTS, Settings
from piasite.core import workdir
from piasite.site.theme import BODIES, key_of, title_token

ENGINE_FILE = "engine-{engine}.yml"  # in build/, beside docs/ and theme/ (paths relative to it)


def engine_config(s: Settings, engine: str, title_token, nav: list[tuple[str, str]]) -> dict:
    """What the engine is given (paths relative to build/): piasite's own choices and the city's
    checked settings; each text as the token title_token(name) returns."""
    theme: dict[str, Any] = {"name": "material", "language": "ja", "font": False, "custom_dir": "theme"}
    theme.update(s.theme)
    conf: dict[str, Any] = {"site_name": title_token("site_name")}
    conf.update({k: title_token(k) for k in TEXTS if k in s.texts and k != "site_name"})
    if s.site_url:
        conf["site_url"] = s.site_url
    conf.update(
        {
            "docs_dir": "docs",
            "use_directory_urls": True,
            "theme": theme,
            "plugins": [{"search": {"enabled": False}}],
            "extra": {"generator": False},
            "extra_css": list(OUR_CSS),
            "extra_javascript": list(OUR_JS),
            "nav": [{t: p} for t, p in nav],
        }
    )
    if engine != "mkdocs":  # Zensical has no output option: its site_dir, inside build/
        conf["site_dir"] = "zensical-site"
    return conf


def write(s: Settings, engine: str, work: Path | None = None) -> Path:
    """<work>/engine-<engine>.yml from the city's settings (checked: ConfigError on a problem), the
    texts' token files in <work>/piasite-bodies; returns the file's path. work: the run's own folder
    (runlock.private), build/ when not given."""
    s.require()
    work = workdir.root(s.root or Path(".").resolve()) if work is None else Path(work)
    bodies = work / BODIES
    bodies.mkdir(exist_ok=True)
    tokens = {}
    for name in TEXTS:
        key = key_of("\0config/" + name)
        workdir.write(bodies / f"{key}.title", s.texts.get(name, ""))
        tokens[name] = title_token(key)
    conf = engine_config(s, engine, tokens.__getitem__, NAV)
    out = work / ENGINE_FILE.format(engine=engine)
    workdir.write(
        out,
        "# piasite が mkdocs.yml から書き出したエンジンの設定です(手で書き換えても、組み立てのたびに上書きされます)\n"
        + yaml.safe_dump(conf, allow_unicode=True, sort_keys=False),
    )
    return out
