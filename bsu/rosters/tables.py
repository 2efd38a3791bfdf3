"""A table of cells as a roster: the header row found under any title rows, each field's
column chosen among the headers that could hold it (``bsu.rosters.choice``, by header
and by content), the rows that are not workers set aside (``bsu.rosters.rows``), every
column (known or not) kept for the outputs, and rows numbered as the spreadsheet shows
them. Each reader (``xlsx``, ``delimited``, ``parquet``) hands its cells here, and the
sheet's ``SheetRead`` says how it was read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bsu.core import records
from bsu.errors import RosterError, Where
from bsu.rosters import choice, rows
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
        found = _find_header([header], options)
        at, body_start = -1, first_row + 1
        body = frame
    else:
        top = frame.iloc[:HEADER_SEARCH_ROWS].astype(object)
        found = _find_header(top.where(top.notna(), None).to_numpy().tolist(), options)
        at = found[0] if found is not None else 0
        body_start = first_row + at + 1
        body = frame.iloc[at + 1 :]
    if found is None:
        return None
    cells = found[1] + [None] * (frame.shape[1] - len(found[1]))
    headers = _unique_headers(cells, first_col)
    body = body.set_axis(pd.RangeIndex(body_start, body_start + len(body)), axis=0)
    header_row = body_start - 1
    where = Where(source, sheet, header_row)
    chosen = choice.choose(cells, headers, body, options.mapping, where)
    fields = {name: chosen.read(body, name) for name in chosen.mapping}
    probe = body
    filled = [n for n, (_, used) in fields.items() if len(used) > 1]
    if filled:  # the rows are told apart on the fields as read, blanks filled
        probe = body.copy(deep=False)
        for name in filled:
            probe[chosen.mapping[name]] = fields[name][0]
    others, skipped = rows.not_workers(probe, chosen.mapping, cells)
    keep = ~np.asarray(others, dtype=bool)
    body = body[keep]
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
    for canonical, (values, _) in fields.items():
        recs[canonical] = values[keep]
    recs = records.conform(recs).reset_index(drop=True)
    original = body.set_axis(headers, axis=1).reset_index(drop=True)
    order = [name for name in records.FIELDS if name in chosen.mapping]
    matched = {name: str(headers[chosen.mapping[name]]) for name in order}
    read_info = SheetRead(
        source,
        sheet,
        header_row,
        len(recs),
        matched,
        columns={name: tuple(headers[j] for j in fields[name][1]) for name in order},
        ignored=tuple(column for _, column in chosen.ignored),
        skipped=tuple(skipped),
        notices=chosen.notices,
    )
    return Roster(records=recs, original=original, sheets=[read_info])


def _find_header(
    grid: list[list[Any]], options: ReadOptions = DEFAULT
) -> tuple[int, list[Any]] | None:
    """The header row among the first ``HEADER_SEARCH_ROWS``: the one with a column that
    could hold the NIK and the most fields (the first of equals), and its cells. A header
    named in ``options.mapping`` counts for its field."""
    best: tuple[int, int] | None = None  # (row, number of fields)
    for i, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        named = {c.field for c in choice.candidates(row, options.mapping)}
        if "nik" in named and (best is None or len(named) > best[1]):
            best = (i, len(named))
    if best is None:
        return None
    at = best[0]
    row = grid[at]
    width = max(len(r) for r in grid[at:])
    return at, [row[j] if j < len(row) else None for j in range(width)]


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
