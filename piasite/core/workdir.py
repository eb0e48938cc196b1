"""build/, piasite's work folder beside mkdocs.yml: always a real folder of the project.

A repository can carry anything, a `build` symlink included (`git add -f`; .gitignore does not
stop it). Followed, a build would empty and refill whatever the link points to (`build -> ..`
deletes the parent's docs/ folder), and a config file written through a symlink would overwrite
the file it names. So the work folder is refused when it is not a plain folder, and every
folder or file piasite replaces inside it is made fresh: whatever stands there — a folder, a
file, a symlink (removed as a link, never followed) — goes first.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from piasite.core.errors import PiasiteError

WORK = "build"


class WorkDirError(PiasiteError):
    pass


def root(project: Path) -> Path:
    """project/build, created when absent; an error when it is a symlink or not a folder."""
    w = Path(project) / WORK
    if w.is_symlink() or (w.exists() and not w.is_dir()):
        what = "シンボリックリンク" if w.is_symlink() else "フォルダでないファイル"
        raise WorkDirError(
            f"{w} が{what}です。piasite は組み立てのたびに {WORK}/ の中身を消して作り直すため、"
            f"リンク先などを消さないよう止めました。{w} を消してから実行してください"
            "(リポジトリに入っているなら、取り除いてください)"
        )
    w.mkdir(exist_ok=True)
    return w


def clear(path: Path) -> None:
    """Remove what stands at path: a symlink or file unlinked, a folder deleted (links inside it
    are removed as links: shutil.rmtree never follows them)."""
    p = Path(path)
    if p.is_symlink() or (p.exists() and not p.is_dir()):
        p.unlink()
    elif p.exists():
        shutil.rmtree(p)


def fresh(path: Path) -> Path:
    """An empty folder at path."""
    clear(path)
    Path(path).mkdir(parents=True)
    return Path(path)


def write(path: Path, text: str) -> None:
    """A new file at path (a symlink standing there is removed, never written through)."""
    clear(path)
    Path(path).write_text(text, encoding="utf-8", newline="\n")
