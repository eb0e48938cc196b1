"""`piasite cms`: the staff's browser form (Decap CMS, issue 23).

`piasite cms --out DIR` writes the form (site/cms.py's admin/) into DIR, for a look at the generated
configuration or to serve it with decap-server. `piasite cms trailers --base REV` reads the answers
the form wrote after each changed document (`# piasite-cms: 変更日: …`, templates/admin/piasite-yaml.js)
and prints them as the commit trailers `piasite check --since` and the change log read; with
`--commit` it takes the lines out of the documents and makes the branch's commits since REV one
commit whose message ends with those trailers (the PR workflow's step, before review: Decap's commit
messages are templates and cannot carry a form's values, so the answers travel in the file).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from piasite.core.errors import PiasiteError
from piasite.core.problems import Problem
from piasite.forms.registry import all_forms
from piasite.history.commits import trailer_values
from piasite.history.git import git, repo_root, resolve
from piasite.history.trailers import NONE_VALUE, T_DATE, T_EXPLANATION, T_NONE, T_TIMING
from piasite.site import cms

MARK = "# piasite-cms: "  # the form's answer lines (piasite-yaml.js MARK)
IMPORTANT = "重要な変更"  # the form's question whether the change is one (site/cms.py change_field)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CmsAnswerError(PiasiteError):
    pass


def write(out: Path, extra: dict, site_url: str = "") -> list[Path]:
    return cms.write_admin(out, all_forms(), extra, site_url)


def split_answers(text: str) -> tuple[str, dict[str, str], int]:
    """(the document without the form's answer lines, the answers, the line of the first answer)."""
    lines = text.split("\n")
    end = len(lines) - 1 if lines and lines[-1] == "" else len(lines)
    start = end
    while start > 0 and lines[start - 1].startswith(MARK):
        start -= 1
    if start == end:
        return text, {}, 0
    answers: dict[str, str] = {}
    for line in lines[start:end]:
        key, _, value = line[len(MARK) :].partition(": ")
        answers[key] = value
    body = "\n".join(lines[:start])
    if body.endswith("\n\n"):
        body = body[:-1]
    return body, answers, start + 1


def trailers_of(answers: dict[str, str], where: Path, line: int) -> list[str]:
    """The trailer lines of the answers, each checked as the change log will read it."""
    problems = []
    out: list[str] = []
    if answers.get(IMPORTANT) == NONE_VALUE:
        return [f"{T_NONE}: {NONE_VALUE}"]
    date = answers.get(T_DATE, "")
    if date:
        if not _DATE.match(date):
            problems.append(Problem(where, line, T_DATE, f"{T_DATE}は 2026-04-01 の形で書いてください(「{date}」)"))
        out.append(f"{T_DATE}: {date}")
    timing = answers.get(T_TIMING, "")
    if timing:
        if timing not in trailer_values()[T_TIMING]:
            problems.append(Problem(where, line, T_TIMING, f"{T_TIMING}「{timing}」は選べません"))
        out.append(f"{T_TIMING}: {timing}")
    explanation = answers.get(T_EXPLANATION, "")
    if explanation:
        out.append(f"{T_EXPLANATION}: {explanation}")
    if answers.get(IMPORTANT) == "はい" and not (timing and explanation):
        problems.append(
            Problem(where, line, IMPORTANT, f"重要な変更には「{T_TIMING}」と「{T_EXPLANATION}」を書いてください")
        )
    if problems:
        raise CmsAnswerError(f"ブラウザのフォームの届出に直すところが {len(problems)} 件あります", problems=problems)
    return out


def trailers(base: str, content_dir: Path = Path("content"), commit: bool = False) -> str:
    root = repo_root(Path(content_dir))
    base_sha = resolve(root, base)
    rel = Path(content_dir).resolve().relative_to(root.resolve()).as_posix()
    changed = git(root, "diff", "--name-only", "-z", base_sha, "HEAD", "--", rel).decode().split("\0")
    found: list[tuple[Path, str, dict[str, str], int]] = []
    for name in sorted(n for n in changed if n.endswith(".yaml")):
        path = root / name
        if not path.is_file():
            continue
        body, answers, line = split_answers(path.read_text(encoding="utf-8"))
        if answers:
            found.append((path, body, answers, line))
    if not found:
        raise CmsAnswerError(f"{base} からの変更に、ブラウザのフォームの届出(「{MARK.strip()}」の行)がありません")
    lines = trailers_of(found[0][2], found[0][0], found[0][3])
    for path, _, answers, line in found[1:]:
        if trailers_of(answers, path, line) != lines:
            raise CmsAnswerError(
                "届出の内容が評価書によって違います。1 つのプルリクエストには 1 つの届出にしてください", path, line
            )
    if not commit:
        return "\n".join(lines) + "\n"
    for path, body, _, _ in found:
        path.write_text(body, encoding="utf-8")
    subjects = git(root, "log", "--reverse", "--format=%s", f"{base_sha}..HEAD").decode().splitlines()
    subject = subjects[0] if subjects else "ブラウザのフォームで更新"
    git(root, "reset", "--soft", base_sha)
    git(root, "add", "--", *(str(p.relative_to(root)) for p, *_ in found))
    message = subject + "\n\n" + "\n".join(lines) + "\n"
    subprocess.run(["git", "commit", "-q", "-F", "-"], cwd=root, input=message.encode(), check=True)
    return git(root, "rev-parse", "HEAD").decode()
