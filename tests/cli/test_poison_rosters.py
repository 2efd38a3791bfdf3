"""One cell out of every range is that row's reason; the rest of the roster is checked
(issue 11, item 2). Before: a date cell at year 1 or 9999 (outside datetime64[ns]'s
1677-09-22..2262-04-11), or such a date typed as text, made ``bsu check`` exit 1 with an
``OutOfBoundsDatetime`` traceback, and a 400-digit wage an ``OverflowError``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.cli.conftest import run
from tests.support import write_csv, write_xlsx

HEADER = ["NIK", "Nama", "Upah", "Status Kepesertaan", "Tanggal Kepesertaan", "Catatan"]
WORKBOOK_ROWS: list[list[Any]] = [
    ["3275014101900001", "A", 3000000, "Aktif", dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31)],
    ["3275014101900002", "B", 1e308, "Aktif", dt.datetime(9999, 12, 31, 23, 59, 59), 1e308],
    ["3275014101900003", "C", 3000000, "Aktif", dt.date(2024, 1, 15), "biasa"],
    ["3275014101900004", "D", -1e308, "Aktif", 2958465, dt.datetime(1, 1, 1)],
    ["3275014101900005", "E", 3000000, "Aktif", "31/12/9999", dt.time(12, 0)],
    ["3275014101900006", "F", 5e-324, "Aktif", dt.datetime(2024, 1, 15), 2**63 - 1],
]
CSV_LINES = [
    ",".join(HEADER),
    "3275014101900001,A,3000000,Aktif,9999-12-31,",
    f"3275014101900002,B,{'9' * 400},Aktif,0001-01-01,x",
    "3275014101900003,C,3000000,Aktif,2024-01-15,y",
    "3275014101900004,D,1e308,Aktif,2262-04-12,z",
    "3275014101900005,E,inf,Aktif,1 Januari 0001,",
    "3275014101900006,F,3000000,Aktif,15 Januari 2024,",
]
# Per row (as the spreadsheet numbers them): the status and the codes it must carry.
EXPECTED = {
    2: ("review", {"REGISTRATION_DATE_INVALID"}),
    3: ("review", {"REGISTRATION_DATE_INVALID", "WAGE_INVALID"}),
    4: ("eligible", set()),
    5: ("review", {"REGISTRATION_DATE_INVALID", "WAGE_INVALID"}),
    6: ("review", {"REGISTRATION_DATE_INVALID"}),
    7: ("review", {"WAGE_INVALID"}),
}
EXPECTED_CSV = {
    **EXPECTED,
    6: ("review", {"REGISTRATION_DATE_INVALID", "WAGE_INVALID"}),
    7: ("eligible", set()),
}


def _checked(roster: Path, out: Path) -> dict[int, tuple[str, set[str]]]:
    done = run("check", roster, "--format", "json", "--out", out)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    rows = json.loads(done.stdout)["rows"]
    return {r["row"]: (r["status"], {x["code"] for x in r["reasons"]}) for r in rows}


@pytest.mark.parametrize("out", ["hasil.xlsx", "hasil.csv"])
def test_a_workbook_with_dates_at_year_1_and_9999_and_1e308_is_checked_row_by_row(
    tmp_path: Path, out: str
) -> None:
    roster = write_xlsx(tmp_path / "roster.xlsx", {"Pekerja": [HEADER, *WORKBOOK_ROWS]})
    assert _checked(roster, tmp_path / out) == EXPECTED
    if out.endswith(".xlsx"):
        sheet = load_workbook(tmp_path / out)["Perlu Perbaikan"]
        header = [c.value for c in sheet[1]]
        notes = [r[header.index("Catatan")] for r in sheet.iter_rows(min_row=2, values_only=True)]
        assert "31/12/9999" in [n if isinstance(n, str) else None for n in notes] or any(
            isinstance(n, dt.datetime) and n.year == 9999 for n in notes
        ), notes  # the user's own cell is kept, as a date or as its text


@pytest.mark.parametrize("out", ["hasil.xlsx", "hasil.csv"])
def test_a_csv_with_out_of_range_dates_and_huge_wages_is_checked_row_by_row(
    tmp_path: Path, out: str
) -> None:
    roster = write_csv(tmp_path / "roster.csv", CSV_LINES)
    assert _checked(roster, tmp_path / out) == EXPECTED_CSV


def test_the_table_output_names_the_reasons_too(tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "roster.csv", CSV_LINES)
    done = run("check", roster, "--lang", "en")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "REGISTRATION_DATE_INVALID" in done.stdout or "registration date" in done.stdout
