"""Reading a workbook roster (.xlsx/.xlsm, .xls, .ods) with python-calamine, after
``preflight`` has refused what would hurt the reader.

Every sheet that holds workers is read, and only those. Each sheet is either read or
skipped as a whole, with a ``SheetRead`` saying which and why (``reading_sheet_*``):
- hidden and very hidden sheets are not read (the notice says to unhide one to include it);
- an empty sheet, a sheet with no header row naming a NIK column (instructions, the
  checker's own Ringkasan), and a header-only sheet (a template, a result sheet with no
  rows) are skipped.
The workbook fails only when no sheet holds workers, with the error of its first
relevant sheet. Hidden rows are read like any other (calamine cannot tell them).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bsu.core.words import both
from bsu.errors import RosterError, Where
from bsu.rosters import preflight
from bsu.rosters.reading import DEFAULT, Note, ReadOptions, SheetRead
from bsu.rosters.tables import Roster, combine, empty, from_grid, no_nik


@dataclass(frozen=True)
class _Sheet:
    title: str
    hidden: str | None  # None: visible; else "hidden" or "very hidden"
    start: tuple[int, int] | None
    grid: list[list[Any]]


def read(path: Path, name: str, options: ReadOptions = DEFAULT) -> Roster:
    # What the file really is (not a workbook, cut short, protected, hostile), before
    # calamine, which aborts the process on some of them.
    refusal = preflight.check_workbook(path)
    if refusal is not None:
        raise refusal.error(name)
    sheets = _sheets(path, name)
    parts: list[Roster] = []
    skipped: list[SheetRead] = []
    failures: list[RosterError] = []
    for sheet in sheets:
        part, note, failure = _one(sheet, name, options)
        if part is not None:
            parts.append(part)
            continue
        skipped.append(_skipped(name, sheet.title, note))
        if failure is not None:
            failures.append(failure)
    if not parts:
        raise _none_read(name, sheets, failures)
    whole = combine(parts)
    # Every sheet in the workbook's order: the ones read and the ones skipped.
    order = {sheet.title: i for i, sheet in enumerate(sheets)}
    whole.sheets = sorted([*whole.sheets, *skipped], key=lambda s: order.get(s.sheet or "", 0))
    return whole


def visible_sheets(path: Path, name: str) -> list[tuple[str, int, list[list[Any]]]]:
    """Each visible sheet's title, the spreadsheet row of its first cells and its cells:
    for the small tables staff import (``bsu.rosters.small_tables``). The caller screens
    the file first."""
    return [
        (s.title, (s.start[0] + 1) if s.start else 1, s.grid)
        for s in _sheets(path, name)
        if s.hidden is None
    ]


def _sheets(path: Path, name: str) -> list[_Sheet]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        found: list[_Sheet] = []
        for meta in book.sheets_metadata:
            if not str(meta.typ).endswith("WorkSheet"):
                continue
            visible = str(meta.visible)
            if not visible.endswith(".Visible"):
                hidden = "very hidden" if visible.endswith("VeryHidden") else "hidden"
                found.append(_Sheet(meta.name, hidden, None, []))
                continue
            sheet = book.get_sheet_by_name(meta.name)
            found.append(
                _Sheet(meta.name, None, sheet.start, sheet.to_python(skip_empty_area=True))
            )
        return found
    except MemoryError:
        raise
    except Exception as exc:  # calamine raises many unrelated types; all mean "unreadable"
        raise RosterError(
            "xlsx_unreadable",
            Where(name),
            both("format_unreadable", kind=type(exc).__name__),
            both("format_unreadable_fix"),
        ) from exc


def _one(
    sheet: _Sheet, name: str, options: ReadOptions
) -> tuple[Roster | None, Note, RosterError | None]:
    """The sheet's roster, or why it was skipped (and the error it would have been)."""
    if sheet.hidden is not None:
        return None, Note.of("sheet_hidden", sheet=sheet.title, state=sheet.hidden), None
    if not any(cell not in (None, "") for row in sheet.grid for cell in row):
        return None, Note.of("sheet_empty", sheet=sheet.title), empty(Where(name, sheet.title))
    first_row = (sheet.start[0] + 1) if sheet.start else 1
    first_col = sheet.start[1] if sheet.start else 0
    try:
        part = from_grid(sheet.grid, name, sheet.title, first_row, first_col, options)
    except RosterError as error:
        if error.code != "roster_no_rows":
            raise
        return None, Note.of("sheet_no_rows", sheet=sheet.title), error
    if part is None:
        return None, Note.of("sheet_no_table", sheet=sheet.title), no_nik(Where(name, sheet.title))
    return part, Note.of("sheet_empty", sheet=sheet.title), None


def _skipped(source: str, title: str, note: Note) -> SheetRead:
    return SheetRead(source, title, None, 0, {}, notices=(note,))


def _none_read(name: str, sheets: list[_Sheet], failures: list[RosterError]) -> RosterError:
    """No sheet holds workers: the error of the first sheet that came closest (a header
    with no rows, then a table with no NIK column, then an empty sheet)."""
    for code in ("roster_no_rows", "roster_no_nik_column", "roster_empty"):
        for failure in failures:
            if failure.code == code:
                return failure
    hidden = [sheet.title for sheet in sheets if sheet.hidden is not None]
    if hidden:
        return RosterError(
            "roster_sheets_hidden",
            Where(name, hidden[0]),
            both("format_only_hidden", sheets=", ".join(f"'{t}'" for t in hidden)),
            both("format_only_hidden_fix"),
        )
    return empty(Where(name, sheets[0].title if sheets else None))
