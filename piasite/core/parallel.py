"""Sharing file-writing work between the machine's two cores (a forked child takes half)."""

from __future__ import annotations

import os
from collections.abc import Callable


def on_two_cores(items: list, work: Callable[[list], None]) -> None:
    """work(items), which only writes files, shared with a forked child (every second item):
    pages are most of our generation. Should the child fail, its share is
    done here again, so the error is the ordinary one."""
    if len(items) < 20 or not hasattr(os, "fork"):
        work(items)
        return
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            work(items[1::2])
            code = 0
        finally:
            os._exit(code)
    work(items[0::2])
    _, status = os.waitpid(pid, 0)
    if status != 0:
        work(items[1::2])
