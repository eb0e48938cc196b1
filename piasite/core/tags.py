"""The two tags a content file may carry: !非公表 (withheld: kept in the file, never published) and
!要確認 (what an importer could not read for certain, with the fields it writes under it).

The reader reads them, the importer writes them, checks and the JSON Schema describe them.
"""

from __future__ import annotations

WITHHELD_TAG = "!非公表"
UNCERTAIN_TAG = "!要確認"
# What an importer writes under !要確認, and what each field holds.
UNCERTAIN_FIELDS = {
    "原文": "元の文書の記載(そのまま)",
    "行": "元のテキストの行番号",
    "理由": "読み取れなかった理由",
    "読み": "取込みの推測(公開されません)",
}
TAGS_JA = f"{WITHHELD_TAG} と {UNCERTAIN_TAG}"
