"""Where `piasite build` may write: it replaces the output folder, so it must be ours.

A build assembles the site in <out>.tmp and swaps it in, keeping the old one as
<out>.old until the swap is done: all three folders are deleted at some point.
So each must be absent, empty, or a site piasite made — marked by MARKER,
written into every site — and none may be the content folder, hold it, or be
the project folder or one of its parents. Checked before anything is written.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

MARKER = ".piasite-site"
MARKER_TEXT = "このフォルダは piasite が組み立てたサイトです。piasite build はこのフォルダを丸ごと置き換えます。\n"


class OutDirError(Exception):
    pass


def mark(site: Path) -> None:
    (Path(site) / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def is_ours(path: Path) -> bool:
    """A site piasite made: the marker, or (sites built before the marker existed) our assets and
    Pagefind's index side by side."""
    p = Path(path)
    return (p / MARKER).is_file() or (
        (p / "assets/piasite/piasite.js").is_file() and (p / "pagefind").is_dir() and not any(p.glob("*.yaml"))
    )


def remove(site: Path) -> None:
    """Delete a site piasite made (or what is left of one), its MARKER last: a build killed in the
    middle of this leaves a folder still marked as ours, which the next build may delete; a folder
    without the marker and with files in it is refused by check(). Nothing if the folder is absent."""
    p = Path(site)
    if p.is_symlink() or not p.is_dir():
        return
    for child in p.iterdir():
        if child.name == MARKER:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
    (p / MARKER).unlink(missing_ok=True)
    try:
        p.rmdir()
    except OSError:
        shutil.rmtree(p, ignore_errors=True)


def _deletable(path: Path) -> bool:
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        return False
    return not path.exists() or not any(path.iterdir()) or is_ours(path)


def check(out_dir: Path, content_dir: Path, project: Path) -> None:
    """Raise OutDirError (a Japanese message) unless out_dir and its .tmp/.old may be replaced."""
    given = Path(out_dir)
    out = given.resolve()
    # The folders the build touches are beside the path as given (a symlink there is not followed:
    # it is refused like a file below), so they are checked there, not beside the link's target.
    lexical = Path(os.path.abspath(given))
    content = Path(content_dir).resolve()
    guarded = {Path(project).resolve(), content.parent}
    if out == content or out.is_relative_to(content):
        raise OutDirError(
            f"出力先 {given} は評価書のフォルダ {content_dir} です(またはその中です)。"
            "サイトは別のフォルダ(例: --out site)に出力してください"
        )
    for root in guarded:
        if root.is_relative_to(out):
            raise OutDirError(
                f"出力先 {given} はプロジェクトのフォルダ{'' if out == root else 'を含むフォルダ'}です。"
                "サイトはプロジェクトの中の別のフォルダ(例: --out site)に出力してください"
            )
    work = Path(project).resolve() / "build"
    if out == work or out.is_relative_to(work):
        raise OutDirError(
            f"出力先 {given} は piasite の作業用フォルダ(build/)です。別のフォルダ(例: --out site)に出力してください"
        )
    if content.is_relative_to(out):
        raise OutDirError(
            f"出力先 {given} は評価書のフォルダ {content_dir} を含んでいます。"
            "組み立てるたびに出力先を置き換えるため、評価書が消えてしまいます。別のフォルダを指定してください"
        )
    if not out.name or not lexical.name:
        raise OutDirError(f"出力先 {given} には出力できません")
    for path in (lexical, lexical.with_name(lexical.name + ".tmp"), lexical.with_name(lexical.name + ".old")):
        if not _deletable(path):
            what = (
                "シンボリックリンクです"
                if path.is_symlink()
                else "フォルダではありません"
                if path.exists() and not path.is_dir()
                else "空でなく、piasite が組み立てたサイトでもありません"
            )
            raise OutDirError(
                f"{path} は{what}。piasite build はこのフォルダを置き換えるため、"
                "中身を消してしまわないよう止めました。別の出力先を指定するか、中身を確かめて移してください"
            )
