"""Content files → validated Assessment objects, the input of every later stage."""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from piasite.checks.document import check_document, check_text
from piasite.checks.evaluation import EVALUATION_SLUG, check_unique_numbers
from piasite.checks.evaluation import check as check_evaluations
from piasite.config.layout import reserved  # a reserved name is told as such, at its files (refused())
from piasite.config.limits import DEFAULT_LIMITS, Limits
from piasite.config.settings import CONFIG, Settings
from piasite.core import safenames
from piasite.core.problems import ERROR, Problem
from piasite.forms.form import Form
from piasite.forms.registry import form_for, form_of
from piasite.model.names import ALIASES_FILE, AliasError, Names
from piasite.model.reader import Document, ReadError, public, read, uncertain_paths

SKIP = {ALIASES_FILE}  # content/ files that are not assessments


class Withholding(Protocol):
    """What the versions in git withhold, for the checks (which read no git): history/withheld.py's
    FromHistory answers from the repository's history, history/content.py passes it in."""

    def hidden_paths(self, doc: Document) -> set[tuple]:
        """The concrete paths of doc an earlier version withheld: messages never quote their values."""
        ...

    def names(self, content_dir: Path, datas: list) -> set[str]:
        """Every text withheld now (datas) or in any version of content_dir's history."""
        ...


@dataclass(eq=False)
class Assessment:
    doc: Document
    form: Form
    content_root: Path

    @property
    def data(self) -> dict:
        return self.doc.data

    @functools.cached_property
    def public_data(self) -> dict:
        """The data with every 非公表 value replaced: what any output may show. Read-only."""
        return public(self.data)

    @property
    def path(self) -> Path:
        return self.doc.path

    @property
    def rel_path(self) -> str:
        """Path under the repository root as git knows it, e.g. content/kumagaya/5.yaml."""
        return str(self.path.relative_to(self.content_root.parent)).replace("\\", "/")

    @property
    def org_slug(self) -> str:
        return self.path.parent.name

    @property
    def slug(self) -> str:
        return self.path.stem

    @property
    def url(self) -> str:
        """Site path of the assessment page, stable across revisions."""
        return f"{self.org_slug}/{self.slug}/"

    @property
    def org(self) -> str:
        return str(self.form.value(self.data, "organisation") or self.org_slug)

    @property
    def number(self) -> Any:
        return self.form.value(self.data, "number")

    @property
    def title(self) -> str:
        return assessment_title(self.form, self.data, self.slug)

    @property
    def full_title(self) -> str:
        """The title a resident sees everywhere (h1, page title, search result, index rows, feeds)."""
        return full_title(self.org, self.title)

    @property
    def published(self) -> Any:
        return self.form.value(self.data, "published")


def assessment_title(f: Form, d: Any, slug: str) -> str:
    """評価書名, else 事務の名称 and the form's name (個人住民税に関する事務 重点項目評価書), else the file's name."""
    if f.value(d, "title"):
        return str(f.value(d, "title"))
    if f.has_role("target_document"):  # 変更箇所一覧: names the assessment it lists changes of
        if not f.value(d, "target_document"):
            return slug
        return " ".join(str(v) for v in (f.value(d, "jimu_name"), f.value(d, "target_document")) if v) + f" {f.name}"
    jimu = f.value(d, "jimu_name")
    return f"{jimu} {f.name}" if jimu else slug


def full_title(org: str, title: str) -> str:
    """熊谷市長 個人住民税に関する事務 重点項目評価書: the 評価実施機関 first, since four assessments of
    住民基本台帳に関する事務 are told apart only by who made them (no repetition when the title has it)."""
    org, title = str(org or "").strip(), str(title or "").strip()
    return title if not org or title.startswith(org) else f"{org} {title}"


def content_files(root: Path, aliases: bool = False) -> list[Path]:
    """The assessment files under root, and what only looks like one so that check_paths can
    refuse it: folders named *.yaml, symbolic links (to files or folders). With aliases=True
    also root/aliases.yaml when present (checked by check_paths as the alias file)."""
    root = Path(root)
    if root.is_symlink():  # os.walk would follow the top: the content folder itself is refused like a link in it
        return [root]
    out = []
    for folder, dirs, files in os.walk(root):  # never follows a symbolic link
        here = Path(folder)
        unsafe = {
            d
            for d in dirs
            if not d.startswith(".") and not safenames.safe(d) and not reserved(d) and _holds_yaml(here / d)
        }
        for d in dirs:
            if d.endswith(".yaml") or (here / d).is_symlink() or d in unsafe:
                out.append(here / d)
        out += [here / f for f in files if f.endswith(".yaml") and f not in SKIP and not f.startswith(".")]
        # a folder whose name cannot be a URL is refused as a whole (check_paths): nothing in it is read
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in unsafe)
    if aliases and os.path.lexists(root / ALIASES_FILE):  # a link too: check_paths refuses it
        out.append(root / ALIASES_FILE)
    return sorted(out)


def _holds_yaml(folder: Path) -> bool:
    """Whether an assessment file (or what looks like one) is anywhere under folder."""
    for _, dirs, files in os.walk(folder):
        if any(f.endswith(".yaml") and not f.startswith(".") for f in files):
            return True
        dirs[:] = [d for d in dirs if not d.startswith(".")]
    return False


def load_document(path: Path, limits: Limits = DEFAULT_LIMITS) -> tuple[Document | None, list[Problem]]:
    try:
        return read(path, limits), []
    except ReadError as e:
        return None, [Problem(Path(path), e.line, "", e.message)]
    except OSError as e:
        return None, [Problem(Path(path), 1, "", f"ファイルを読めません({e.strerror or type(e).__name__})")]


def refused(p: Path) -> str:
    """Why a path can never be an assessment, or ''."""
    if p.is_symlink():
        return (
            "シンボリックリンクは使えません。評価書のファイル・フォルダそのものを置いてください"
            "(リンク先がリポジトリの外でも、そのまま公開されてしまいます)"
        )
    if p.is_dir() and not p.name.endswith(".yaml"):  # content_files gives a folder whose name is refused
        return safenames.message("folder", p.name)
    if p.is_dir():
        return f"フォルダ「{safenames.shown(p.name)}」は評価書にできません。「.yaml」で終わる名前はファイルにだけ付けてください"
    if not p.is_file():
        return "通常のファイルではありません"
    if reserved(p.parent.name):
        return (
            f"評価実施機関のフォルダ名「{safenames.shown(p.parent.name)}」は使えません(サイトの同じ名前の部分と重なります)。"
            "別の名前にしてください"
        )
    if p.name != ALIASES_FILE:  # content/aliases.yaml: the one file not named as a page
        if not p.name.endswith(".yaml") or not safenames.safe(p.name[: -len(".yaml")]):
            return safenames.message("file", p.name[: -len(".yaml")] if p.name.endswith(".yaml") else p.name)
        folder = p.absolute().parent.name  # `piasite check 1.yaml`: the folder it is in
        if not safenames.safe(folder):
            return safenames.message("folder", folder)
    if reserved(p.parent.name):
        return (
            f"評価実施機関のフォルダ名「{p.parent.name}」は使えません(サイトの同じ名前の部分と重なります)。"
            "別の名前にしてください"
        )
    return ""


def check_paths(
    paths: list[Path], withholding: Withholding, settings: Settings | None = None
) -> tuple[list[Document], list[Problem]]:
    """Read and validate files; returns the readable documents and every problem. withholding: what
    earlier versions withheld (history/content.py passes the repository's); settings: the city's
    (mkdocs.yml's, read by the command: its problems are told here too); None: the built-in."""
    settings = Settings() if settings is None else settings
    lim = settings.limits
    docs, problems = [], []
    config = settings.path or CONFIG
    if lim.problem:
        problems.append(Problem(config, 1, "", lim.problem))
    # mkdocs.yml is read as data and only in part (settings.py): what the build would refuse
    problems += [Problem(config, line, "", msg) for line, msg in settings.problems]
    alias_files: list[Path] = []
    for p in paths:
        why = refused(p)
        if why:
            problems.append(Problem(p, 1, "", why))
            continue
        if p.name == ALIASES_FILE:
            alias_files.append(p)
            continue
        doc, probs = load_document(p, lim)
        problems += probs
        if doc is None:
            continue
        docs.append(doc)
        problems += check_document(doc, withholding.hidden_paths(doc))  # never quoted: withheld in some version
        if EVALUATION_SLUG.match(p.stem):
            problems.append(
                Problem(
                    p,
                    1,
                    "",
                    f"ファイル名「{p.stem}」は評価のページの URL(<機関>/{p.stem}/)に使うため、"
                    "評価書のファイル名にはできません。別の名前にしてください",
                )
            )
    for p in alias_files:  # after the documents: an alias may not name what they withhold
        problems += check_aliases(p, docs, withholding, lim)
    problems += check_unique_numbers(docs)
    problems += check_evaluations(docs)
    return docs, problems


def load_content(
    root: Path, withholding: Withholding, settings: Settings | None = None
) -> tuple[list[Assessment], list[Problem]]:
    """Every assessment under content/, validated (settings: as check_paths). Callers stop on any error."""
    root = Path(root)
    docs, problems = check_paths(content_files(root, aliases=True), withholding, settings)
    bad = {p.path for p in problems if p.severity == ERROR}
    out = [Assessment(d, form_of(d.data), root) for d in docs if d.path not in bad]
    out.sort(key=lambda a: (a.org_slug, _num_key(a.slug)))
    return out, problems


def uncertain_problems(root: Path, limits: Limits = DEFAULT_LIMITS) -> list[Problem]:
    """One problem per !要確認 value still open under content/ (for a publication build)."""
    out = []
    for doc in (load_document(p, limits)[0] for p in content_files(root)):
        form = form_for(doc.data, None) if doc is not None else None
        if form is None or doc is None:
            continue
        for path in uncertain_paths(doc.data):
            out.append(
                Problem(
                    doc.path, doc.line(path), form.short_label(path, doc.data), "原文から読み取れませんでした(要確認)"
                )
            )
    return out


def check_aliases(
    path: Path, docs: list[Document], withholding: Withholding, limits: Limits = DEFAULT_LIMITS
) -> list[Problem]:
    """content/aliases.yaml: its shape (names.py), its characters, with lines, and no alias of a
    name withheld in any version of any assessment (docs: the current ones; the others from git)."""
    hidden = withholding.names(Path(path).parent, [d.data for d in docs])
    try:
        Names.load_file(path, hidden, limits)
    except AliasError as e:
        return [Problem(Path(path), e.line, "", e.message)]
    doc, probs = load_document(path, limits)
    return probs if doc is None else check_text(doc)


def _num_key(slug: str) -> tuple:
    m = re.match(r"(\d+)", slug)
    return (int(m[1]) if m else 10**9, slug)
