"""Cover values right / wrong / unsettled / missing on the published excerpts whose covers come out of
order (Z2 相模原市 with its page footer, Z6 枚方市 scrambled) and on the invented covers of
tests/importer/test_importer_cover.py, counted against what each text prints (a person's count,
written out below). Run from a checkout: `python3 scripts/cover_figures.py` (PYTHONPATH=. to measure
that checkout's importer)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from piasite.importer import import_text  # noqa: E402
from piasite.model.reader import Uncertain  # noqa: E402
from tests.importer.test_importer_cover import rearranged  # noqa: E402

PUBLIC = ROOT / "tests" / "fixtures" / "public"
ZEN = "特定個人情報保護評価書(全項目評価書)\n"
DECL = (
    "東山市は、国民年金に関する事務における特定個人情報ファイルの取扱いにあたり、適切な措置を講じ、\n"
    "個人のプライバシー等の権利利益の保護に取り組んでいることを宣言する。\n"
)
NOTES = "国民年金システムは、令和7年度に標準準拠システムへ移行する予定であり、移行に合わせて\n特定個人情報の取扱いを見直す。\n"
BODY = "項目一覧\nⅠ 基本情報\nⅥ 評価実施手続\n(別添3) 変更箇所\nⅠ 基本情報\n1. 特定個人情報ファイルを取り扱う事務\n①事務の名称\n国民年金に関する事務\n"
NO, TITLE, DEC, SP, ORG, APP, PUB = (
    "評価書番号",
    "評価書名",
    "個人のプライバシー等の権利利益の保護の宣言",
    "特記事項",
    "評価実施機関名",
    "承認日",
    "公表日",
)
COVER = (NO, TITLE, DEC, SP, ORG, APP, PUB)
D = DECL.replace("\n", "")

# (name, text, what the text prints: item → value, None for a cell printed empty; an item not listed
# is not printed, and any value placed there is wrong)
CASES = [
    (
        "Z2 相模原市 (footer on the cover)",
        (PUBLIC / "Z2_sagamihara_zenkoumoku_expydoc_lines.txt").read_text(encoding="utf-8"),
        {ORG: "相模原市長", APP: None, PUB: None, "様式の版": "平成28年1月"},
    ),
    (
        "Z6 枚方市 (scrambled)",
        (PUBLIC / "Z6_hirakata_zenkoumoku_123deta_scrambled.txt").read_text(encoding="utf-8"),
        {NO: 1, TITLE: "枚方市 住民基本台帳事務 全項目評価書", PUB: "2019-03-29", ORG: "枚方市長", APP: None},
    ),
    (
        "labels of a row on one line, values on the next",
        ZEN
        + "評価書番号 評価書名\n7 国民年金に関する事務 全項目評価書\n個人のプライバシー等の権利利益の保護の宣言\n"
        + DECL
        + "特記事項\nなし\n評価実施機関名\n東山市長\n個人情報保護委員会 承認日 【行政機関等のみ】\n公表日\n令和6年7月1日\n"
        + "[令和6年10月 様式4]\n"
        + BODY,
        {
            NO: 7,
            TITLE: "国民年金に関する事務 全項目評価書",
            DEC: D,
            SP: "なし",
            ORG: "東山市長",
            APP: None,
            PUB: "2024-07-01",
        },
    ),
    (
        "公表日's value and the 宣言 after the last label",
        ZEN
        + "評価書番号\n7\n評価書名\n国民年金に関する事務 全項目評価書\n個人のプライバシー等の権利利益の保護の宣言\n特記事項\n"
        + "評価実施機関名\n東山市長\n個人情報保護委員会 承認日 【行政機関等のみ】\n公表日\n"
        + DECL
        + "令和6年7月1日\n[平成30年5月 様式4]\n"
        + BODY,
        {
            NO: 7,
            TITLE: "国民年金に関する事務 全項目評価書",
            DEC: D,
            SP: None,
            ORG: "東山市長",
            APP: None,
            PUB: "2024-07-01",
        },
    ),
    (
        "the 宣言 and 公表日's date under 特記事項",
        ZEN
        + "評価書番号\n7\n評価書名\n国民年金に関する事務 全項目評価書\n個人のプライバシー等の権利利益の保護の宣言\n特記事項\n"
        + DECL
        + "令和6年7月1日\n評価実施機関名\n東山市長\n公表日\n"
        + BODY,
        {NO: 7, TITLE: "国民年金に関する事務 全項目評価書", DEC: D, SP: None, ORG: "東山市長", PUB: "2024-07-01"},
    ),
    (
        "values beside the wrong labels",
        ZEN
        + "評価書番号\n7\n評価書名\n国民年金に関する事務 全項目評価書\n個人のプライバシー等の権利利益の保護の宣言\n"
        + DECL
        + "特記事項\nなし\n公表日 東山市長\n評価実施機関名 令和6年7月1日\n"
        + BODY,
        {NO: 7, TITLE: "国民年金に関する事務 全項目評価書", DEC: D, SP: "なし", ORG: "東山市長", PUB: "2024-07-01"},
    ),
    (
        "two paragraphs after the last label",
        ZEN
        + "評価書番号\n7\n評価書名\n国民年金に関する事務 全項目評価書\n個人のプライバシー等の権利利益の保護の宣言\n特記事項\n"
        + "評価実施機関名\n東山市長\n公表日\n令和6年7月1日\n"
        + DECL
        + "\n"
        + NOTES
        + BODY,
        {
            NO: 7,
            TITLE: "国民年金に関する事務 全項目評価書",
            DEC: D,
            SP: NOTES.replace("\n", ""),
            ORG: "東山市長",
            PUB: "2024-07-01",
        },
    ),
]


def score(data: dict, truth: dict) -> dict[str, int]:
    out = {"right": 0, "wrong": 0, "unsettled": 0, "missing": 0}
    for key in dict.fromkeys((*COVER, *truth)):
        got = data.get(key)
        if key not in truth:  # not printed: nothing may be placed
            if got is not None and not isinstance(got, Uncertain):
                out["wrong"] += 1
            continue
        want = truth[key]
        if isinstance(got, Uncertain):
            out["unsettled"] += 1
        elif want is None:
            out["right" if got is None else "wrong"] += 1
        elif got is None:
            out["missing"] += 1
        else:
            out["right" if got == want else "wrong"] += 1
    return out


CONTENTS = (
    "項目一覧\nⅠ 基本情報\n(別添1) 事務の内容\nⅡ 特定個人情報ファイルの概要\n(別添2) 特定個人情報ファイル記録項目\n"
    "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策\nⅣ その他のリスク対策\nⅤ 開示請求、問合せ\n"
    "Ⅵ 評価実施手続\n(別添3) 変更箇所\n"
)
PLAIN_COVER = (
    ZEN
    + "評価書番号\n3\n評価書名\n国民年金に関する事務 全項目評価書\n評価実施機関名\n東山市長\n公表日\n令和6年7月1日\n"
)
JIMU = "Ⅰ 基本情報\n1. 特定個人情報ファイルを取り扱う事務\n①事務の名称\n国民年金に関する事務\n②事務の内容 ※\n"
LOG = (
    "(別添3) 変更箇所\n変更日\t項目\t変更前の記載\t変更後の記載\t提出時期\t提出時期に係る説明\n"
    "令和6年4月1日\tⅠ 7. ①部署\t年金課\t市民局 年金課\t事後\t組織改正による\n"
)
WHOLE = "国民年金法に基づき、被保険者の資格の取得及び喪失に関する届出を受け付け、年金事務所へ進達する。"


def _footer(n: int) -> str:
    return f"国民年金に関する事務 全項目評価書\n{n}\n東山市市民局年金課\n"


def furniture_cases() -> list[tuple[str, str]]:
    out = [
        (f"page number {n!r} after the 項目一覧", PLAIN_COVER + CONTENTS + n + "\n" + JIMU + WHOLE + "\n" + LOG)
        for n in ("2", "- 2 -", "2 / 9", "2/9")
    ]
    out += [
        (
            f"page number {n!r} after the 項目一覧, no change log printed",
            PLAIN_COVER + CONTENTS + n + "\n" + JIMU + WHOLE + "\n",
        )
        for n in ("2", "- 2 -")
    ]
    out.append(
        (
            "bare page numbers and a running footer, a value over a page break",
            PLAIN_COVER
            + _footer(1)
            + CONTENTS
            + _footer(2)
            + JIMU
            + WHOLE[:37]
            + "\n"
            + _footer(3)
            + WHOLE[37:]
            + "\n"
            + _footer(4)
            + LOG,
        )
    )
    return out


def furniture_score(data: dict, logged: bool) -> dict[str, int]:
    """Values of Ⅰ 1 ①② and the one change row, right or not; lines left in 取込メモ."""
    jimu = (data.get("基本情報") or {}).get("事務") or {}
    rows = data.get("変更箇所") or []
    right = int(jimu.get("名称") == "国民年金に関する事務") + int(jimu.get("内容") == WHOLE)
    if logged:
        right += int(len(rows) == 1 and rows[0].get("変更後の記載") == "市民局 年金課")
    else:
        right += int(rows == [])
    notes = [n for n in data.get("取込メモ", []) if n.get("行")]
    return {"right": right, "of": 3, "lines in 取込メモ": len(notes)}


def main() -> None:
    print("-- page numbers and running footers")
    for name, text in furniture_cases():
        s = furniture_score(import_text(text).data, "変更日" in text)
        print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in s.items()))
    total = {"right": 0, "wrong": 0, "unsettled": 0, "missing": 0}
    print("-- cover values")
    for name, text, truth in CASES:
        s = score(import_text(text).data, truth)
        for k, v in s.items():
            total[k] += v
        print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in s.items()))
    print("total: " + ", ".join(f"{k} {v}" for k, v in total.items()))
    print("-- the acceptance covers rearranged (tests/importer/test_importer_cover.py), against their clean import")
    for how in ("labels first", "values first", "values before labels"):
        t = {"right": 0, "wrong": 0, "unsettled": 0, "missing": 0}
        for path in sorted((ROOT / "tests" / "fixtures" / "acceptance").glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            clean = import_text(text).data
            truth = {k: clean.get(k) for k in COVER if clean.get(k) is not None}
            for k, v in score(import_text(rearranged(text, how)).data, truth).items():
                t[k] += v
        print(f"{how}: " + ", ".join(f"{k} {v}" for k, v in t.items()))


if __name__ == "__main__":
    main()
