"""The realistic benchmark corpus (issue 20): `python3 -m bench.corpus FOLDER [--size 1000]`.

Per 10 assessments 7 基礎項目評価書, 2 重点項目評価書 and 1 全項目評価書, as a prefecture's
portal holds them, each with VERSIONS versions in git: the first commit publishes every
document; each later version is one commit per document that changes a contractor's or a
system's name and a long text, with the trailers a clerk writes (変更日, 提出時期,
提出時期に係る説明). The documents are the hand-written acceptance expectations and the
site fixtures (invented organisations) under tests/fixtures, renamed deterministically
(organisation, number, contractors, systems); the keys rewritten are the forms' role keys,
never named here. The same arguments make the same repository (dates fixed, git fast-import).
"""

from __future__ import annotations

import argparse
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
MIX = {"基礎項目評価書": 7, "重点項目評価書": 2, "全項目評価書": 1}  # per 10 assessments
PER_ORG = 10
VERSIONS = 3
_A = "東西南北上下中大小新古本高若朝夕"
_B = "山川田野原島沢津浜岡崎森井谷橋"
_PLACE = re.compile(r"^(?:.{2,3}?[都道府県])?(.+?)([市区町村])(?:長|議会|教育委員会.*)?$")
_FORM_LINE = re.compile(r"^様式:\s*(\S+)\s*$", re.M)


def place(k: int) -> str:
    """東山, 西山, … deterministic and plainly not real cities' names."""
    return _A[k % len(_A)] + _B[(k // len(_A)) % len(_B)] + ("" if k < len(_A) * len(_B) else str(k))


def templates() -> dict[str, list[str]]:
    """Form name → texts of the invented documents of that form under tests/fixtures."""
    out: dict[str, list[str]] = {name: [] for name in MIX}
    paths = sorted((FIXTURES / "acceptance").glob("*.expected.yaml")) + sorted((FIXTURES / "site").rglob("*.yaml"))
    for p in paths:
        text = p.read_text(encoding="utf-8")
        m = _FORM_LINE.search(text)
        if m and m[1] in out:
            out[m[1]].append(text)
    missing = [k for k, v in out.items() if not v]
    if missing:
        raise SystemExit(f"エラー: tests/fixtures に {'、'.join(missing)} の評価書がありません")
    return out


def _role(form_name: str, role: str) -> str | None:
    from piasite.forms.registry import load_form

    try:
        return load_form(form_name).role_key(role)
    except Exception:  # a form without that role (基礎 has no contractor)
        return None


def _line_re(key: str | None) -> re.Pattern[str] | None:
    return re.compile(rf"^(\s*(?:- )?{re.escape(key)}:\s*)(\S.*?)\s*$", re.M) if key else None


def vary(text: str, form_name: str, org: int, number: int) -> str:
    """One assessment of organisation `org` from a template's text."""
    org_key, number_key = _role(form_name, "organisation"), _role(form_name, "number")
    stem = place(org)
    if org_key:
        m = re.search(rf"^{re.escape(org_key)}:\s*(.+?)\s*$", text, re.M)
        pm = _PLACE.match(m[1].strip("'\"")) if m else None
        if pm:
            text = text.replace(pm[1], stem)
        text = re.sub(rf"^{re.escape(org_key)}:.*$", f"{org_key}: {stem}市長", text, count=1, flags=re.M)
    if number_key:
        text = re.sub(rf"^{re.escape(number_key)}:.*$", f"{number_key}: {number}", text, count=1, flags=re.M)
    return text


def revise(text: str, form_name: str, version: int) -> str:
    """Version `version` (2, 3, …): a contractor (or a system) renamed and a long text amended."""
    tag = f"第{version}版"
    text = re.sub(r"\(第\d+版\)", "", text)  # a name renamed once again, not tagged twice
    line = _line_re(_role(form_name, "contractor")) or _line_re(_role(form_name, "system_name"))
    if line:
        text = line.sub(
            lambda m: m[1] + (m[2] if m[2].startswith(("!", "-", "－", "'", '"', "[")) else f"{m[2]}({tag})"),
            text,
            count=1,
        )
    # the longest plain value: a clause added in its middle, as a revision reads
    best = max(
        (m for m in re.finditer(r"^(\s*(?:- )?[^\s:#][^:#]*:\s+)([^!\s'\"|>\[{].{60,})$", text, re.M)),
        key=lambda m: len(m[2]),
        default=None,
    )
    if best:
        v = best[2]
        cut = v.find("、", len(v) // 2)
        cut = cut + 1 if cut > 0 else len(v) // 2
        text = text[: best.start(2)] + v[:cut] + f"{tag}で見直したとおり、" + v[cut:] + text[best.end(2) :]
    return text


def documents(size: int) -> Iterator[tuple[str, str, str]]:
    """(path, form name, first version's text) for `size` assessments in the mix."""
    pool = templates()
    order = [name for name, k in MIX.items() for _ in range(k)]  # 7 基礎, 2 重点, 1 全項目
    used: dict[str, int] = dict.fromkeys(MIX, 0)
    for i in range(size):
        org, j = divmod(i, PER_ORG)
        form_name = order[i % len(order)]
        texts = pool[form_name]
        text = texts[used[form_name] % len(texts)]
        used[form_name] += 1
        yield f"content/org{org:04d}/{j + 1}.yaml", form_name, vary(text, form_name, org, j + 1)


def make(root: Path, size: int, versions: int = VERSIONS) -> Path:
    """A git repository at root with the corpus; returns root/content."""
    docs = list(documents(size))
    out: list[bytes] = []
    t0 = 1704067200  # 2024-01-01: the same repository every run
    mark = [0]

    def commit(message: str, files: dict[str, str]) -> None:
        mark[0] += 1
        n = mark[0]
        m = message.encode()
        out.append(
            f"commit refs/heads/main\nmark :{n}\n"
            f"author Bench <bench@example.invalid> {t0 + n * 600} +0900\n"
            f"committer Bench <bench@example.invalid> {t0 + n * 600} +0900\n"
            f"data {len(m)}\n".encode()
            + m
            + b"\n"
        )
        if n > 1:
            out.append(f"from :{n - 1}\n".encode())
        for p, t in files.items():
            b = t.encode()
            out.append(f"M 100644 inline {p}\ndata {len(b)}\n".encode() + b + b"\n")
        out.append(b"\n")

    texts = {p: t for p, _, t in docs}
    aliases = ROOT / "content" / "aliases.yaml"
    first = dict(texts)
    if aliases.exists():
        first["content/aliases.yaml"] = aliases.read_text(encoding="utf-8")
    commit("評価書を公表", first)
    for v in range(2, versions + 1):
        month = 1 + (v - 2) % 12
        for p, form_name, _ in docs:
            texts[p] = revise(texts[p], form_name, v)
            trailers = (
                f"変更日: {2024 + v - 1}-{month:02d}-01\n提出時期: 事後\n提出時期に係る説明: 委託先の変更に伴う修正"
            )
            commit(f"{p}: 第{v}版\n\n{trailers}", {p: texts[p]})
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(out), check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=root, check=True)
    return root / "content"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python3 -m bench.corpus", description="ベンチマーク用の合成リポジトリを作ります")
    ap.add_argument("folder", type=Path)
    ap.add_argument("--size", type=int, default=1000, help="評価書の数")
    ap.add_argument("--versions", type=int, default=VERSIONS, help="評価書ごとの版の数")
    a = ap.parse_args(argv)
    if a.folder.exists() and any(a.folder.iterdir()):
        raise SystemExit(f"エラー: {a.folder} は空ではありません")
    make(a.folder, a.size, a.versions)
    n = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=a.folder, capture_output=True, text=True).stdout
    print(f"{a.folder}: 評価書 {a.size} 件、コミット {n.strip()} 件")


if __name__ == "__main__":
    main()
