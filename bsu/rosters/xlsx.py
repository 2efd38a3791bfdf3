"""Reading an .xlsx/.xlsm roster with python-calamine, every visible worksheet, after
``preflight`` has refused what would hurt the reader."""

from __future__ import annotations

from pathlib import Path

from bsu.errors import RosterError, Where
from bsu.rosters import preflight
from bsu.rosters.reading import DEFAULT, ReadOptions
from bsu.rosters.tables import Roster, combine, empty, from_grid, no_nik


def read(path: Path, name: str, options: ReadOptions = DEFAULT) -> Roster:
    from python_calamine import CalamineWorkbook

    where = Where(name)
    # What the file really is (not a workbook, cut short, protected, hostile), before
    # calamine, which aborts the process on some of them.
    refusal = preflight.check_xlsx(path)
    if refusal is not None:
        raise refusal.error(name)
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = [
            (meta.name, book.get_sheet_by_name(meta.name))
            for meta in book.sheets_metadata
            if str(meta.typ).endswith("WorkSheet") and str(meta.visible).endswith("Visible")
        ]
        grids = [
            (title, sheet.start, sheet.to_python(skip_empty_area=True)) for title, sheet in sheets
        ]
    except MemoryError:
        raise
    except Exception as exc:  # calamine raises many unrelated types; all mean "unreadable"
        raise RosterError(
            "xlsx_unreadable",
            where,
            (
                f"Workbook tidak dapat dibaca ({type(exc).__name__}).",
                f"The workbook cannot be read ({type(exc).__name__}).",
            ),
            (
                "Buka di Excel dan simpan ulang sebagai Excel Workbook (.xlsx).",
                "Open it in Excel and save it again as an Excel Workbook (.xlsx).",
            ),
        ) from exc
    parts: list[Roster] = []
    for title, start, grid in grids:
        first_row = (start[0] + 1) if start else 1
        first_col = start[1] if start else 0
        part = from_grid(grid, name, title, first_row, first_col, options)
        if part is not None:
            parts.append(part)
    if not parts:
        filled = [title for title, _, grid in grids if grid]
        if not filled:
            raise empty(Where(name, grids[0][0] if grids else None))
        raise no_nik(Where(name, filled[0]))
    return combine(parts)
