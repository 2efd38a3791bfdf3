"""The result workbook's status sheets, and the look both xlsx libraries give the
workbook: each sheet's rows, which column holds a NIK, money or messages, widths, fill
and date format. The libraries are given the same prepared cells, so their files match."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import repeat
from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from bsu.results.cells import TEXT_LIMIT, cells, dates_among_numbers
from bsu.results.columns import SHEETS, headings
from bsu.results.model import Result
from bsu.values.text import distinct

DATE_FORMAT = "dd/mm/yyyy"
HEADER_FILL = "#DDEBF7"
SUMMARY_WIDTHS = (34.0, 22.0, 90.0)
# The draft banner (``Summary.banner``): white on red, across the sheet, above its header.
BANNER_FILL = "#C00000"
BANNER_HEIGHT = 48.0
BANNER_FORMAT = {
    "bold": True,
    "font_color": "#FFFFFF",
    "bg_color": BANNER_FILL,
    "text_wrap": True,
    "valign": "top",
}
_ROWS_AT_ONCE = 1 << 15  # rows turned into cells at a time

Kind = Literal["nik", "money", "messages", ""]


class Tab(Protocol):
    """What a writer needs of a sheet of rows: its title, headers, the kind of each column
    (how it is formatted), widths, and its rows as cells, made only as they are written
    (``Sheet``: a status sheet; ``trail_sheet.TrailSheet``: the decision trail)."""

    @property
    def title(self) -> str: ...
    @property
    def headers(self) -> list[str]: ...
    @property
    def kinds(self) -> list[Kind]: ...
    @property
    def dates_among_numbers(self) -> bool: ...
    @property
    def height(self) -> int: ...
    def widths(self) -> list[float]: ...
    def rows(self) -> Iterator[tuple[Any, ...]]: ...
    def records(self) -> Iterator[dict[str, Any]]: ...


@dataclass(frozen=True)
class Sheet:
    """One status sheet: the rows of the table it holds, turned into cells (text, a bool, a
    number or a date; None leaves the cell empty) only as it is written, so that no more
    than one sheet's cells are held at a time."""

    title: str
    headers: list[str]
    kinds: list[Kind]
    table: pd.DataFrame
    rows_here: np.ndarray[Any, np.dtype[np.bool_]]
    # rustpy-xlsxwriter gives every cell of a column the date format once it meets a date
    # there (looking a row ahead), so a number next to a date would show as a date.
    dates_among_numbers: bool

    @property
    def height(self) -> int:
        return int(self.rows_here.sum())

    def widths(self) -> list[float]:
        return [
            80.0 if kind == "messages" else float(min(max(len(name) + 2, 12), 60))
            for name, kind in zip(self.headers, self.kinds, strict=True)
        ]

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """The rows as cells, made a slice of rows at a time to hold little memory."""
        here = self.rows_here  # a column at a time: cheaper than filtering the whole table
        columns = [self.table.iloc[:, j][here] for j in range(len(self.kinds))]
        for start in range(0, self.height, _ROWS_AT_ONCE):
            made = [
                cells(c.iloc[start : start + _ROWS_AT_ONCE], kind == "nik")
                for c, kind in zip(columns, self.kinds, strict=True)
            ]
            yield from zip(*made, strict=True)

    def records(self) -> Iterator[dict[str, Any]]:
        """The rows as dicts by header, for rustpy-xlsxwriter; made when first asked for."""
        yield from map(dict, map(zip, repeat(self.headers), self.rows()))


def status_sheets(result: Result) -> list[Sheet]:
    """One sheet per status (``SHEETS``), in order."""
    table = result.table()
    status = result.decisions.frame["status"]
    nik = result.nik_columns()
    money = headings("wage_cap", "benefit")
    messages = headings("messages")
    names = [str(name) for name in table.columns]
    kinds: list[Kind] = [
        "nik" if n in nik else "money" if n in money else "messages" if n in messages else ""
        for n in names
    ]
    headers = distinct([n[:TEXT_LIMIT] for n in names])
    # Only a column of several kinds of value can hold a date next to a number.
    mixed = [
        c for _, c in table.items() if c.dtype == object and infer_dtype(c).startswith("mixed")
    ]
    sheets = []
    for s, title in SHEETS.items():
        here = status.eq(s.value).to_numpy()
        mixes = any(dates_among_numbers(cells(c[here], False)) for c in mixed)
        sheets.append(Sheet(title, headers, kinds, table, here, mixes))
    return sheets
