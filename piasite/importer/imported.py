"""What one import gives (document.py for an assessment, henko.py for a 変更箇所一覧): the form it was
read as, the content document's data, and figures about the reading (stats)."""

from __future__ import annotations

from dataclasses import dataclass, field

from piasite.forms.form import Form


@dataclass
class Imported:
    form: Form
    data: dict
    stats: dict = field(default_factory=dict)
