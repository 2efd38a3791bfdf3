"""The payment pre-check's action list as CSV: the lines of *Tindak Lanjut Rekening*
(``payment_sheet.action_table``), one per finding of each eligible worker, for the HR
clerk to work through. Written as the result CSV is (``bsu.results.csv``): UTF-8 with a
byte order mark, every cell as text, none run as a formula; only its header when no roster
gave account data."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from bsu.results.csv import write_table
from bsu.results.model import Result
from bsu.results.payment_sheet import action_table

MEDIA_TYPE = "text/csv; charset=utf-8"


def write_actions(result: Result, out: Path | IO[str]) -> None:
    """The action list of ``result`` to ``out`` (a file, written then renamed into place,
    or an open text stream)."""
    write_table(action_table(result), out)
