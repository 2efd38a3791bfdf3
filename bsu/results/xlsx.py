"""The result workbook an employer works from: a summary, one sheet per status, the
payment pre-check when a roster gave account data, and the decision trail (*Jejak
Keputusan*: every row criterion by criterion).

Two libraries can write it (``xlsx_writer``); both are given the same prepared cells
(``sheets``, ``summary``), so their files hold the same values, types and formats.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from bsu.results.durable import atomic
from bsu.results.model import Result
from bsu.results.payment_sheet import payment_sheets
from bsu.results.sheets import Tab, status_sheets
from bsu.results.summary import summary_sheet
from bsu.results.trail_sheet import trail_sheets
from bsu.results.xlsx_rustpy import write_rustpy as _write_rustpy
from bsu.results.xlsx_xlsxwriter import write_xlsxwriter as _write_xlsxwriter

XLSX_WRITER_SETTING = "BSU_XLSX_WRITER"  # Settings.xlsx_writer, named as people set it


def xlsx_writer(wanted: str = "auto") -> Literal["rustpy", "xlsxwriter"]:
    """The library that writes result workbooks, for the ``wanted`` one (the caller's
    ``Settings.xlsx_writer``, ``BSU_XLSX_WRITER``).

    rustpy-xlsxwriter (Rust, several times faster) when it can be imported; XlsxWriter
    (pure Python) when it cannot, or when ``xlsxwriter`` is wanted. ``rustpy`` insists on
    the first; empty or ``auto`` is the default.
    """
    wanted = wanted.strip().lower()
    if wanted == "xlsxwriter":
        return "xlsxwriter"
    if wanted not in ("", "auto", "rustpy"):
        raise ValueError(f"{XLSX_WRITER_SETTING}={wanted!r}: expected auto, rustpy or xlsxwriter")
    try:
        import rustpy_xlsxwriter  # noqa: F401
    except ImportError:
        if wanted == "rustpy":
            raise
        return "xlsxwriter"
    return "rustpy"


def write_xlsx(result: Result, path: Path, *, writer: str = "auto") -> None:
    """The workbook an employer works from: a summary, one sheet per status, the payment
    pre-check when a roster gave account data (*Pembayaran*, *Tindak Lanjut Rekening*,
    ``payment_sheet``), and the decision trail (*Jejak Keputusan*, ``trail_sheet``).

    ``writer``: the library wanted (``Settings.xlsx_writer``; see ``xlsx_writer``). Both
    writers are given the same prepared cells, so their files hold the same values, types
    and formats: a NIK as text, money as ``#,##0``, dates as dates, text never as a formula,
    a missing value as an empty cell. A roster column with dates and numbers side by side
    goes to XlsxWriter (see ``Sheet.dates_among_numbers``).
    """
    library = xlsx_writer(writer)
    summary = summary_sheet(result)
    # The status sheets, the payment pre-check, then the decision trail: every row's
    # checks, one line per criterion.
    sheets: list[Tab] = [*status_sheets(result), *payment_sheets(result), *trail_sheets(result)]
    with atomic(path) as tmp:
        if library == "rustpy" and not any(s.dates_among_numbers for s in sheets):
            _write_rustpy(tmp, summary, sheets)
        else:
            _write_xlsxwriter(tmp, summary, sheets)
