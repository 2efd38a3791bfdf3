"""Every sheet that holds workers is read, and only those: each sheet of a workbook has a
``SheetRead`` saying it was read, or skipped as a whole and why; the workbook fails only
when no sheet holds workers. Includes the checker's own result workbook, uploaded again.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from bsu.errors import RosterError
from bsu.rosters import readers as roster
from bsu.rosters.reading import SheetRead
from tests.cli.conftest import run
from tests.support import write_xlsx

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rosters"
HEADER = ("NIK", "Nama", "Upah", "Status Kepesertaan", "Tanggal Kepesertaan")
ANI = ("3273056010900010", "Siti Aminah", 3_500_000, "Aktif", "2024-01-15")
BUDI = ("3275014507850003", "Budi Santoso", 4_750_000, "Aktif", "2023-06-01")


def _shape(sheets: list[SheetRead]) -> list[tuple[str | None, int | None, int, list[str]]]:
    return [(s.sheet, s.header_row, s.rows, [n.code for n in s.notices]) for s in sheets]


# The template filled in by a clerk, saved by LibreOffice in each format (make.sh).
TEMPLATE = [
    ("Petunjuk", None, 0, ["sheet_no_table"]),
    ("Data", 3, 2, []),
    ("Cabang Bogor", None, 0, ["sheet_no_rows"]),
    ("Kosong", None, 0, ["sheet_empty"]),
    ("Maret", None, 0, ["sheet_hidden"]),
]


@pytest.mark.parametrize("name", ["sheets.xlsx", "sheets.xls", "sheets.ods"])
def test_each_sheet_is_read_or_skipped_with_its_reason(name: str) -> None:
    read = roster.read(FIXTURES / name)
    assert _shape(read.sheets) == TEMPLATE
    assert [str(v) for v in read.records["nik"]] == [ANI[0], BUDI[0]]  # not the hidden one
    hidden = read.sheets[-1].notices[0].message("en")
    assert "'Maret' is hidden" in hidden and "Unhide" in hidden
    skipped = read.sheets[0].to_json("en")
    assert skipped["header_row"] is None and skipped["rows"] == 0
    assert "instructions" in skipped["notices"][0]["message"]


def _book(path: Path, sheets: dict[str, list[tuple[object, ...]]], hidden: dict[str, str]) -> Path:
    write_xlsx(path, sheets)
    book = openpyxl.load_workbook(path)
    for title, state in hidden.items():
        book[title].sheet_state = state  # type: ignore[assignment]
    book.save(path)
    return path


CASES = [
    # (name, sheets, hidden sheets, what each sheet gives)
    (
        "very hidden sheet",
        {"Data": [HEADER, ANI], "Rahasia": [HEADER, BUDI]},
        {"Rahasia": "veryHidden"},
        [("Data", 1, 1, []), ("Rahasia", None, 0, ["sheet_hidden"])],
    ),
    (
        "header-only sheet before the roster",
        {"Juni": [HEADER], "Mei": [("Roster Mei",), (), HEADER, ANI, BUDI]},
        {},
        [("Juni", None, 0, ["sheet_no_rows"]), ("Mei", 3, 2, [])],
    ),
    (
        "blank sheet and notes",
        {"Catatan": [("Dikirim ke BPJS tanggal 2 Mei",)], "Sheet2": [], "Data": [HEADER, ANI]},
        {},
        [
            ("Catatan", None, 0, ["sheet_no_table"]),
            ("Sheet2", None, 0, ["sheet_empty"]),
            ("Data", 1, 1, []),
        ],
    ),
]


@pytest.mark.parametrize(("name", "sheets", "hidden", "expected"), CASES, ids=[c[0] for c in CASES])
def test_sheet_rules(
    tmp_path: Path,
    name: str,
    sheets: dict[str, list[tuple[object, ...]]],
    hidden: dict[str, str],
    expected: list[tuple[str, int | None, int, list[str]]],
) -> None:
    read = roster.read(_book(tmp_path / "roster.xlsx", sheets, hidden))
    assert _shape(read.sheets) == expected


FAILURES = [
    # No sheet holds workers: the error of the sheet that came closest, where it is.
    (
        "only a header",
        {"Catatan": [("Isi nanti",)], "Data": [HEADER]},
        {},
        "roster_no_rows",
        "Data",
    ),
    (
        "no NIK column",
        {"Kosong": [], "Data": [("Nama",), ("Ani",)]},
        {},
        "roster_no_nik_column",
        "Data",
    ),
    ("all empty", {"Sheet1": [], "Sheet2": []}, {}, "roster_empty", "Sheet1"),
    (
        "workers only on a hidden sheet",
        {"Petunjuk": [("Isi sheet Data",)], "Data": [HEADER, ANI]},
        {"Data": "hidden"},
        "roster_no_nik_column",
        "Petunjuk",
    ),
    ("only hidden sheets", {"Data": [HEADER, ANI]}, {}, "roster_sheets_hidden", "Data"),
]


@pytest.mark.parametrize(
    ("name", "sheets", "hidden", "code", "sheet"), FAILURES, ids=[f[0] for f in FAILURES]
)
def test_a_workbook_without_workers_fails_with_the_closest_reason(
    tmp_path: Path,
    name: str,
    sheets: dict[str, list[tuple[object, ...]]],
    hidden: dict[str, str],
    code: str,
    sheet: str,
) -> None:
    path = tmp_path / "roster.xlsx"
    _book(path, sheets, hidden)
    if code == "roster_sheets_hidden":  # the only visible sheet is a chart sheet
        book = openpyxl.load_workbook(path)
        book.create_chartsheet("Grafik", 0)
        book["Data"].sheet_state = "hidden"
        book.save(path)
    with pytest.raises(RosterError) as failed:
        roster.read(path)
    assert failed.value.code == code, failed.value.message("en")
    assert failed.value.where.sheet == sheet


def test_the_checkers_own_result_workbook_reads_again(tmp_path: Path) -> None:
    """Fix and re-upload: the result workbook's Ringkasan is skipped, each status sheet
    with workers is read, one with none is skipped, and the same workers come back."""
    source = write_xlsx(tmp_path / "roster.xlsx", {"Data": [HEADER, ANI, BUDI]})
    result = tmp_path / "hasil.xlsx"
    done = run("check", source, "--out", result, "--format", "json")
    assert done.returncode == 0, done.stderr
    read = roster.read(result)
    assert sorted(str(v) for v in read.records["nik"]) == [ANI[0], BUDI[0]]
    by_sheet = {s.sheet: s for s in read.sheets}
    assert not by_sheet[next(t for t in by_sheet if t and t.startswith("Ringkasan"))].read
    assert sum(s.rows for s in read.sheets) == 2
    assert all(s.read or s.notices for s in read.sheets)  # every skipped sheet says why
