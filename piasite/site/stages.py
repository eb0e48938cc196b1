"""The build as a list of named stages, run by one runner (`run`): `piasite build` and `piasite serve`
run the same stages (serve's update after a save runs fewer of them).

A stage is a name and a function of the build's context (the Site for the site's own stages,
site/generate.py; the engine's Build for the whole pipeline, engine/pipeline.py). The runner calls
them in order and, in the manner of MkDocs' plugin events, the hooks registered for a stage:
`pre_<name>` before it and `post_<name>` after it, each given the same context. docs/stages.md
lists the stages and what each one reads and writes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Hook = Callable[[Any], None]


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[Any], None]


def run(
    stages: Iterable[Stage],
    ctx: Any,
    hooks: Mapping[str, Sequence[Hook]] | None = None,
    timings: dict[str, float] | None = None,
) -> None:
    """Each stage on ctx, in order, with its pre_/post_ hooks; timings (when given) gets each
    stage's seconds under its name."""
    hooks = hooks or {}
    for stage in stages:
        t0 = time.perf_counter()
        for hook in hooks.get(f"pre_{stage.name}", ()):
            hook(ctx)
        stage.run(ctx)
        for hook in hooks.get(f"post_{stage.name}", ()):
            hook(ctx)
        if timings is not None:
            timings[stage.name] = timings.get(stage.name, 0.0) + time.perf_counter() - t0


def names(stages: Iterable[Stage]) -> list[str]:
    return [s.name for s in stages]


def between(stages: Sequence[Stage], first: str, last: str) -> list[Stage]:
    """The stages from first to last, both included (a KeyError-like ValueError for a name not there)."""
    at = names(stages)
    return list(stages[at.index(first) : at.index(last) + 1])


def after(stages: Sequence[Stage], name: str) -> list[Stage]:
    """The stages following name."""
    return list(stages[names(stages).index(name) + 1 :])
