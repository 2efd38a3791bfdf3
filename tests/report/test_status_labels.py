"""reasons.STATUS_LABELS: the one wording of each status, read by the writers, the CLI and
(as a copy it must agree with) the web page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bsu.core.reasons import STATUS_LABELS, Status
from bsu.results.columns import SHEETS

APP_JS = Path(__file__).resolve().parents[2] / "bsu" / "api" / "static" / "app.js"


@pytest.mark.parametrize(
    ("status", "id_label", "en_label", "sheet"),
    [
        (Status.ELIGIBLE, "Layak", "Eligible", "Layak"),
        (Status.INELIGIBLE, "Tidak Layak", "Ineligible", "Tidak Layak"),
        (Status.REVIEW, "Perlu Perbaikan Data", "Needs data fixes", "Perlu Perbaikan"),
    ],
)
def test_status_wording(status: Status, id_label: str, en_label: str, sheet: str) -> None:
    assert STATUS_LABELS[status] == {"id": id_label, "en": en_label, "sheet": sheet}
    assert SHEETS[status] == sheet


def test_every_status_is_worded_and_sheets_keep_their_order() -> None:
    assert list(STATUS_LABELS) == list(Status)
    assert list(SHEETS) == list(Status)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_web_page_words_statuses_the_same(lang: str) -> None:
    script = APP_JS.read_text(encoding="utf-8")
    for status in Status:
        found = re.findall(rf'^\s+{status.value}: "([^"]*)",$', script, flags=re.MULTILINE)
        assert STATUS_LABELS[status][lang] in found, (status, found)
