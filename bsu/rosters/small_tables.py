"""A small table that is no roster (it has no NIK column, so the roster reader, which
finds a header row by its NIK, does not read it): a table of regions branch staff import
(``bsu.rosters.regional_tables``). Its cells, its header row, its numbers as people type
them, and its refusal: the first row with a problem, said with file, sheet, row and column,
what is wrong and how to fix it, and how many other rows have problems too.

A table of regions is small (a row per regency or province). It is read in this process,
not in the roster sandbox, after the same screening as a roster (``preflight``: a hostile
or disguised workbook is refused before python-calamine sees it), and only within
``MAX_BYTES``. A workbook's first visible sheet with a header row is read; a CSV may use
commas, semicolons or tabs, in UTF-8, UTF-16 or Windows-1252; the header row may sit under
title rows; rows are numbered as the spreadsheet shows them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bsu.core.words import both, say
from bsu.errors import RosterError, Where
from bsu.rosters import delimited, kinds, preflight, readers, workbook
from bsu.rosters.headers import header_key
from bsu.values.text import as_text, is_number

MAX_BYTES = 5 * 1024 * 1024  # a table of every regency of Indonesia is about 30 KB
HEADER_ROWS = 30  # the header row is looked for among these first rows
SUFFIXES = kinds.suffixes("xlsx", "xls", "ods", "csv")


# --- the table's cells -------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """The rows below a header row: ``body``'s index is the spreadsheet's row number,
    its columns the positions named in ``columns`` (name -> position) and ``headers``."""

    file: str
    sheet: str | None
    header_row: int
    columns: dict[str, int]
    headers: list[str]
    body: pd.DataFrame

    def cells(self, name: str) -> pd.Series:
        if name not in self.columns:
            return pd.Series("", index=self.body.index, dtype=object)
        return self.body[self.columns[name]]

    def text(self, name: str) -> pd.Series:
        return as_text(self.cells(name))

    def header(self, name: str) -> str:
        return self.headers[self.columns[name]]

    def where(self, row: int | None = None, column: str | None = None) -> Where:
        return Where(self.file, self.sheet, row, column)


def read(
    path: Path,
    name: str,
    wanted: dict[str, tuple[str, ...]],
    anchors: tuple[str, ...],
    fix: tuple[str, str],
) -> Table:
    """The table of the first sheet (of a workbook) whose header row names one of the
    ``anchors`` among the ``wanted`` columns (name -> header keys, the more precise
    first); ``fix`` says how to head the columns when no row does."""
    where = Where(name)
    size = path.stat().st_size if path.is_file() else 0
    if size > MAX_BYTES:
        raise RosterError(
            "table_too_large",
            where,
            both(
                "coverage_imports_too_large",
                size=f"{size / 2**20:.1f}",
                limit=f"{MAX_BYTES // 2**20}",
            ),
            both("coverage_imports_too_large_fix"),
        )
    for sheet, first_row, grid in _grids(path, name):
        found = _header(grid, wanted, anchors)
        if found is None:
            continue
        at, columns = found
        width = max(len(row) for row in grid)
        headers = [str(c).strip() if c is not None else "" for c in grid[at]]
        headers += [""] * (width - len(headers))
        rows = [[*row, *([None] * (width - len(row)))] for row in grid[at + 1 :]]
        body = pd.DataFrame(rows, dtype=object, columns=range(width))
        body.index = pd.RangeIndex(first_row + at + 1, first_row + at + 1 + len(body))
        filled = pd.concat([as_text(body[c]).ne("") for c in body], axis=1).any(axis=1)
        return Table(name, sheet, first_row + at, columns, headers, body[filled])
    raise RosterError("table_no_header", where, both("coverage_imports_no_header"), fix)


def _header(
    grid: list[list[Any]], wanted: dict[str, tuple[str, ...]], anchors: tuple[str, ...]
) -> tuple[int, dict[str, int]] | None:
    """The first row naming an anchor column, and where each wanted column is in it."""
    for at, row in enumerate(grid[:HEADER_ROWS]):
        keys = [header_key(c) if c is not None else "" for c in row]
        columns: dict[str, int] = {}
        for name, aliases in wanted.items():
            for alias in aliases:
                if alias in keys and keys.index(alias) not in columns.values():
                    columns[name] = keys.index(alias)
                    break
        if any(c in columns for c in anchors):
            return at, columns
    return None


def _grids(path: Path, name: str) -> list[tuple[str | None, int, list[list[Any]]]]:
    """Each visible sheet's cells (a CSV is one sheet): its name, the spreadsheet row
    number of its first row, and the rows. A missing or unreadable file, or one in no
    format a table is read from, gets the roster reader's words."""
    if not path.is_file():
        readers.read(path, name)  # the file is missing or a folder: said as for a roster
    family = kinds.family_of(path.suffix)
    if family in kinds.WORKBOOKS:
        refusal = preflight.check_workbook(path)
        if refusal is not None:
            raise refusal.error(name)
        return [(t, r, g) for t, r, g in workbook.visible_sheets(path, name)]
    if family == "csv":
        refusal = preflight.check_csv(path)
        if refusal is not None:
            raise refusal.error(name)
        return [(None, 1, delimited.rows(path, name))]
    raise readers.unsupported(path.suffix.lower(), Where(name), SUFFIXES)


# --- the refusals ------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Rows with one kind of problem, and how to say it for one of them."""

    rows: pd.Series  # bool, by row number
    code: str
    column: Callable[[int], str]
    words: Callable[[int], tuple[str, str]]
    fix: tuple[str, str]


def refuse(table: Table, problems: list[Problem]) -> None:
    """Refuse the table at its first row with a problem (the first problem of that row),
    saying how many other rows have problems too; nothing when there is none."""
    if not problems:
        return
    bad = pd.concat([p.rows for p in problems], axis=1).any(axis=1)
    if not bad.any():
        return
    row = int(bad.index[bad.to_numpy()][0])
    first = next(p for p in problems if bool(p.rows.loc[row]))
    words = first.words(row)
    more = int(bad.sum()) - 1
    if more:
        extra = both("coverage_imports_more", count=more)
        words = (f"{words[0]} {extra[0]}", f"{words[1]} {extra[1]}")
    raise RosterError(first.code, table.where(row, first.column(row)), words, first.fix)


def missing_column(table: Table, column: str, fix: tuple[str, str]) -> RosterError:
    return RosterError(
        "table_missing_column",
        table.where(table.header_row),
        (
            say("coverage_imports_missing_column", "id", column=say(column, "id")),
            say("coverage_imports_missing_column", "en", column=say(column, "en")),
        ),
        fix,
    )


def shown(text: object) -> str:
    """A cell as a message quotes it: no region or figure is personal data, but a long
    cell is cut."""
    said = str(text)
    return said if len(said) <= 60 else said[:57] + "..."


# --- numbers -----------------------------------------------------------------------------

_WHOLE = r"-?(?:\d+|\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+)"
_PERCENT = r"(?:\d+(?:[.,]\d+)?)\s*%?"
_YEAR_TEXT = r"\d{4}"
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _numbers(cells: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Cells as floats (NaN where none), which hold numbers typed as numbers, and their
    text (stripped, non-breaking spaces as spaces)."""
    numeric = is_number(cells)
    values = pd.Series(np.nan, index=cells.index, dtype=float)
    if numeric.any():
        values[numeric] = cells[numeric].astype(float)
    text = as_text(cells).str.replace("\u00a0", " ").str.strip()
    return values, numeric, text


def counts(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers of workers as people type them (73236, "73.236", "73,236", "73 236"):
    the values (Int64, NA where not a whole number) and each cell's state: "ok",
    "missing", "bad" or "negative"."""
    values, numeric, text = _numbers(cells)
    typed = ~numeric & text.str.fullmatch(_WHOLE).fillna(False).astype(bool)
    digits = text.where(typed, "0").str.replace(r"[^0-9]", "", regex=True)
    sign = np.where(text.str.startswith("-"), -1.0, 1.0)
    values = values.where(~typed, digits.astype(float) * sign)
    whole = np.isfinite(values) & (np.mod(values.fillna(0.5), 1) == 0)
    state = pd.Series("ok", index=cells.index, dtype=object)
    state[~whole] = "bad"
    state[whole & (values < 0)] = "negative"
    state[~numeric & text.eq("")] = "missing"
    return values.where(whole).round().astype("Int64"), state


def percents(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Percentages ("32,15", "32.15", "32,15%", a number cell; a column whose number
    cells are all at most 1 holds fractions, as Excel stores a cell formatted as %):
    the values (NaN where not read) and whether each is one between 0 and 100."""
    values, numeric, text = _numbers(cells)
    if numeric.any() and bool((values[numeric].abs() <= 1).all()):
        values = values * 100
    typed = ~numeric & text.str.fullmatch(_PERCENT).fillna(False).astype(bool)
    number = text.where(typed, "nan").str.replace("%", "").str.strip().str.replace(",", ".")
    values = values.where(~typed, number.astype(float)).round(4)
    good = np.isfinite(values) & (values >= 0) & (values <= 100)
    return values.where(good), good


def years(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Years (Int64) and whether each cell is one from ``FIRST_YEAR`` to ``LAST_YEAR``."""
    values, numeric, text = _numbers(cells)
    typed = ~numeric & text.str.fullmatch(_YEAR_TEXT).fillna(False).astype(bool)
    values = values.where(~typed, text.where(typed, "nan").astype(float))
    good = np.isfinite(values) & (np.mod(values.fillna(0.5), 1) == 0)
    good &= (values >= FIRST_YEAR) & (values <= LAST_YEAR)
    return values.where(good).round().astype("Int64"), good


def no_rows(table: Table) -> RosterError:
    return RosterError(
        "table_no_rows",
        table.where(table.header_row),
        both("coverage_imports_no_rows"),
        both("coverage_imports_no_rows_fix"),
    )
