"""Bounding the cells an OpenDocument spreadsheet (.ods) makes a reader build, from its
``content.xml``, streamed once (``archive`` runs it as the zip's sheet screening).

An .ods says "this row, N times" (``table:number-rows-repeated``) and "this cell, N
times" (``table:number-columns-repeated``): a few bytes can declare a million rows or
columns. Measured with python-calamine 0.9.1, in a child with a 3 GB limit:
- a valued cell repeated 1,000,000 columns: calamine stops at 16,384 columns (no harm);
- a valued row repeated 1,000,000 times: 1,000,004 x 5 cells, 0.8 s, 490 MB;
- a valued row of 10,000 columns repeated 100,000 times, or a value past 1,048,000 empty
  rows of 16,000 empty cells: ``CalamineError: Cell limit exceeded`` (its own limit is
  100,000,000 cells, which would still be gigabytes);
- empty rows and cells repeated to the sheet's edge (what LibreOffice writes below a
  formatted table): skipped, no harm.
So a repeat counts only when a value follows it: the rows and columns reached by values
are bounded like an .xlsx sheet's (``MAX_CELLS``, ``MAX_COLUMNS``, and the sparse rule).
Only rows that repeat, or hold repeated cells, are looked at one by one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bsu.core.words import both
from bsu.rosters.refusal import Refusal

_ROW_END = b"</table:table-row>"
_TABLE = b"<table:table "
_ROWS = re.compile(rb'<table:table-row\b[^>]*?table:number-rows-repeated="(\d+)"')
_CELL = re.compile(rb"<table:(?:covered-)?table-cell\b([^>]*?)(/?)>")
_COLUMNS = re.compile(rb'table:number-columns-repeated="(\d+)"')
MAX_ROW_BYTES = 16 * 1024**2  # one row's markup; a real row is a few KB


def area(
    chunks: Iterable[bytes], max_cells: int, max_columns: int, sparse_floor: int, sparse: int
) -> Refusal | None:
    """None if the sheets of ``content.xml`` (its bytes, in chunks) stay within bounds."""
    state = _State()
    carry = b""
    for chunk in chunks:
        window = carry + chunk
        cut = window.rfind(_ROW_END)
        if cut < 0:
            if len(window) > MAX_ROW_BYTES:
                return _refuse(
                    state.max_row, max_columns + 1, state.present, max_cells, max_columns
                )
            carry = window
            continue
        cut += len(_ROW_END)
        state.rows(window[:cut])
        carry = window[cut:]
        refusal = state.refusal(max_cells, max_columns, sparse_floor, sparse)
        if refusal is not None:
            return refusal
    state.rows(carry)
    return state.refusal(max_cells, max_columns, sparse_floor, sparse)


class _State:
    def __init__(self) -> None:
        self.position = 0  # rows of the current table so far
        self.max_row = 0  # the furthest row a value reaches, in any table
        self.max_col = 0
        self.present = 0  # rows written (a repeated row once)

    def rows(self, part: bytes) -> None:
        pieces = part.split(_ROW_END)
        # Plain rows holding a value are counted; rows that repeat, hold repeated cells,
        # hold no value or start a table are walked (few in a real file).
        special = [
            i
            for i, piece in enumerate(pieces)
            if b"repeated" in piece
            or _TABLE in piece
            or (b"value-type" not in piece and b"<text:p" not in piece)
        ]
        done = 0
        for i in special:
            piece = pieces[i]
            self._plain(i - done)
            done = i + 1
            table = piece.rfind(_TABLE)
            if table >= 0:
                self.position = 0
                piece = piece[table:]
            if b"<table:table-row" not in piece:
                continue
            found = _ROWS.search(piece)
            times = int(found.group(1)) if found else 1
            width = _width(piece)
            self.present += 1
            self.position += times
            if width:
                self.max_row = max(self.max_row, self.position)
                self.max_col = max(self.max_col, width)
        rest = pieces[done:]
        self._plain(sum(1 for piece in rest if b"<table:table-row" in piece))

    def _plain(self, count: int) -> None:
        if count > 0:
            self.present += count
            self.position += count
            self.max_row = max(self.max_row, self.position)

    def refusal(
        self, max_cells: int, max_columns: int, sparse_floor: int, sparse: int
    ) -> Refusal | None:
        columns = max(self.max_col, 26)
        far = self.max_row > sparse_floor and self.max_row > sparse * max(self.present, 1)
        if self.max_col > max_columns or self.max_row * columns > max_cells or far:
            return _refuse(self.max_row, self.max_col, self.present, max_cells, max_columns)
        return None


def _width(row: bytes) -> int:
    """The columns a row's values reach (0: it holds no value); repeats counted."""
    reach, width = 0, 0
    for attributes, closed in _CELL.findall(row):
        found = _COLUMNS.search(attributes)
        reach += int(found.group(1)) if found else 1
        if not closed or b"value-type" in attributes:
            width = reach
    return width


def _refuse(rows: int, columns: int, present: int, max_cells: int, max_columns: int) -> Refusal:
    return Refusal(
        "sheet_too_large",
        both(
            "format_ods_sheet_too_large",
            rows=rows,
            columns=columns,
            present=present,
            limit=max_cells,
            columns_limit=max_columns,
        ),
    )
