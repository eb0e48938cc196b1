"""The regime's rules as data: what the 特定個人情報保護評価指針 and the My Number Act fix for every form —
the evaluation thresholds, the commit trailers a change is described by, the indexes of the site — read
from forms/regime/<name>.yaml beside the form definitions, so that a revision of the 指針 is an edit of
a YAML file, not of code. Each consumer reads its own section (`section("evaluation")`) once."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from piasite.core import yamlcore
from piasite.core.errors import PiasiteError

REGIME_DIR = Path(__file__).parent / "regime"


class _Loader(yaml.SafeLoader):
    pass


yamlcore.as_written(_Loader)


class RegimeError(PiasiteError):
    """A file of forms/regime/ is missing or not a mapping: the installation is broken, not the city's input."""


@cache
def section(name: str) -> dict:
    """forms/regime/<name>.yaml as a mapping (read once per process; the files are the package's own)."""
    path = REGIME_DIR / f"{name}.yaml"
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, yaml.YAMLError) as e:
        raise RegimeError(f"{path}: 制度の定義を読めません({e})") from e
    if not isinstance(data, dict):
        raise RegimeError(f"{path}: 制度の定義は対応表(mapping)で書いてください")
    return data
