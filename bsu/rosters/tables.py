"""A table of cells as a roster: the header row found under any title rows, headers
mapped onto the canonical fields (``bsu.rosters.headers``), every column (known or not)
kept for the outputs, and rows numbered as the spreadsheet shows them. Each reader
(``xlsx``, ``delimited``, ``parquet``) hands its cells here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from bsu.core import records
from bsu.errors import RosterError, Where
from bsu.rosters.headers import field_for
from bsu.rosters.reading import DEFAULT, ReadOptions, SheetRead
from bsu.values.text import distinct

HEADER_SEARCH_ROWS = 30


@dataclass
class Roster:
    """Canonical records plus every original column, aligned row for row."""

    records: pd.DataFrame
    original: pd.DataFrame
    sheets: list[SheetRead] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.records)


def combine(rosters: Iterable[Roster]) -> Roster:
    """Several rosters as one table; rows keep their file and sheet."""
    parts = list(rosters)
    recs = pd.concat([r.records for r in parts], ignore_index=True)
    original = pd.concat([r.original for r in parts], ignore_index=True)
    return Roster(records=recs, original=original, sheets=[s for r in parts for s in r.sheets])


def from_grid(
    grid: list[list[Any]],
    source: str,
    sheet: str | None,
    first_row: int,
    first_col: int,
    options: ReadOptions = DEFAULT,
) -> Roster | None:
    """Turn a sheet's cells into a roster, or None if no header row names a NIK column."""
    width = max((len(row) for row in grid), default=0)
    frame = pd.DataFrame(grid, dtype=object).reindex(columns=range(width))
    return from_frame(frame, source, sheet, first_row, first_col, options=options)


def from_frame(
    frame: pd.DataFrame,
    source: str,
    sheet: str | None,
    first_row: int,
    first_col: int,
    header: list[Any] | None = None,
    options: ReadOptions = DEFAULT,
) -> Roster | None:
    """Turn a table of cells (columns 0..n) into a roster, or None if no header row names
    a NIK column. ``header``, when given, is the header row above the table (a Parquet
    file's column names); otherwise it is searched for in the table's first rows. Works
    column by column: a million rows never become a million Python lists."""
    if header is not None:
        found = _find_header([header])
        at, body_start = -1, first_row + 1
        body = frame
    else:
        top = frame.iloc[:HEADER_SEARCH_ROWS].astype(object)
        found = _find_header(top.where(top.notna(), None).to_numpy().tolist())
        at = found[0] if found is not None else 0
        body_start = first_row + at + 1
        body = frame.iloc[at + 1 :]
    if found is None:
        return None
    _, mapping, cells = found
    cells = cells + [None] * (frame.shape[1] - len(cells))
    headers = _unique_headers(cells, first_col)
    body = body.set_axis(pd.RangeIndex(body_start, body_start + len(body)), axis=0)
    blank = pd.Series(True, index=body.index)
    for position in range(body.shape[1]):
        values = body.iloc[:, position]
        blank &= values.isna() | values.eq("")
    body = body[~blank.to_numpy()]
    header_row = body_start - 1
    where = Where(source, sheet, header_row)
    if body.empty:
        raise RosterError(
            "roster_no_rows",
            where,
            (
                "Baris judul kolom ditemukan, tetapi tidak ada baris pekerja di bawahnya.",
                "The header row was found, but there are no worker rows below it.",
            ),
            (
                "Isi data pekerja di bawah baris judul kolom.",
                "Fill in the workers below the header row.",
            ),
        )
    recs = pd.DataFrame(index=body.index)
    recs[records.SOURCE] = source
    recs[records.SHEET] = sheet
    recs[records.ROW] = body.index.to_numpy()
    for canonical, column in mapping.items():
        recs[canonical] = body[column]
    recs = records.conform(recs).reset_index(drop=True)
    original = body.set_axis(headers, axis=1).reset_index(drop=True)
    matched = {f: str(headers[c]) for f, c in mapping.items()}
    read_info = SheetRead(source, sheet, header_row, len(recs), matched)
    return Roster(records=recs, original=original, sheets=[read_info])


def _find_header(grid: list[list[Any]]) -> tuple[int, dict[str, int], list[Any]] | None:
    best: tuple[int, dict[str, int]] | None = None
    for i, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        mapping: dict[str, int] = {}
        for j, cell in enumerate(row):
            if isinstance(cell, str) and cell.strip():
                canonical = field_for(cell)
                if canonical and canonical not in mapping:
                    mapping[canonical] = j
        if "nik" in mapping and (best is None or len(mapping) > len(best[1])):
            best = (i, mapping)
    if best is None:
        return None
    at, mapping = best
    row = grid[at]
    width = max(len(r) for r in grid[at:])
    return at, mapping, [row[j] if j < len(row) else None for j in range(width)]


def _unique_headers(cells: list[Any], first_col: int) -> list[str]:
    """Header texts, a blank one named by its sheet column ("Kolom F"), repeats numbered."""
    return distinct(
        [
            str(cell).strip()
            if cell is not None and str(cell).strip()
            else f"Kolom {_letter(first_col + j)}"
            for j, cell in enumerate(cells)
        ]
    )


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def empty(where: Where) -> RosterError:
    return RosterError(
        "roster_empty",
        where,
        ("Sheet kosong: tidak ada data sama sekali.", "The sheet is empty: it holds no data."),
        (
            "Isi roster dengan baris judul kolom (mis. NIK, Nama, Upah) dan data pekerja.",
            "Fill the roster with a header row (e.g. NIK, Nama, Upah) and worker rows.",
        ),
    )


def no_nik(where: Where) -> RosterError:
    return RosterError(
        "roster_no_nik_column",
        where,
        ("Tidak ada kolom NIK di baris judul kolom mana pun.", "No header row has a NIK column."),
        (
            "Tambahkan kolom berjudul 'NIK' (atau 'No KTP') berisi NIK 16 digit, diformat "
            "sebagai Teks.",
            "Add a column headed 'NIK' (or 'No KTP') holding the 16-digit NIK, formatted as Text.",
        ),
    )
