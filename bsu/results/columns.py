"""The names people see in a result file: the columns bsu adds before a roster's own, and
the workbook's sheets. Worded in ``rules/words/results.yaml`` (``results_column_*``)."""

from __future__ import annotations

from bsu.core.reasons import STATUS_LABELS, Status
from bsu.core.ruleset import Lang
from bsu.core.words import say

SHEETS = {s: STATUS_LABELS[s]["sheet"] for s in Status}
SUMMARY_SHEET = "Ringkasan"
# The columns bsu puts before the roster's own, by key.
COLUMNS = (
    "source",
    "sheet",
    "row",
    "status",
    "codes",
    "messages",
    "evidence",
    "wage_cap",
    "benefit",
)


def headers(lang: Lang) -> dict[str, str]:
    """The heading of each of bsu's columns (``COLUMNS``) in ``lang``."""
    return {key: say(f"results_column_{key}", lang) for key in COLUMNS}


def headings(*keys: str) -> set[str]:
    """The headings of ``keys`` in every language: how a writer knows a column by name."""
    return {headers(lang)[key] for lang in ("id", "en") for key in keys}
