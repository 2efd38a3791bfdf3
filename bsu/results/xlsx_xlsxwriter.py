"""The result workbook through XlsxWriter (pure Python): the fallback when
rustpy-xlsxwriter cannot be imported or cannot hold a sheet, and the library people can
ask for (``Settings.xlsx_writer``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bsu.results.columns import SUMMARY_SHEET
from bsu.results.sheets import (
    BANNER_FORMAT,
    BANNER_HEIGHT,
    DATE_FORMAT,
    HEADER_FILL,
    SUMMARY_WIDTHS,
    Tab,
)
from bsu.results.summary import Summary


def write_xlsxwriter(path: Path, summary: Summary, sheets: Sequence[Tab]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    try:
        fmt = _Formats(book)
        _write_summary(book, fmt, summary)
        for sheet in sheets:
            _write_rows(book, fmt, sheet, summary.banner)
        book.close()
    except BaseException:
        # constant_memory keeps each sheet's rows in a temporary file that only a
        # successful close() closes: a failed write would leak one descriptor per sheet.
        for written in book.worksheets():
            handle = getattr(written, "row_data_fh", None)
            if handle is not None and not handle.closed:
                handle.close()
        raise


class _Formats:
    def __init__(self, book: Any) -> None:
        self.header = book.add_format(
            {
                "bold": True,
                "bg_color": HEADER_FILL,
                "border": 1,
                "text_wrap": True,
                "valign": "top",
            }
        )
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.bold = book.add_format({"bold": True})
        self.money = book.add_format({"num_format": "#,##0"})
        self.date = book.add_format({"num_format": DATE_FORMAT})
        self.text = book.add_format({"num_format": "@"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.banner = book.add_format(BANNER_FORMAT)


def _write_rows(book: Any, fmt: _Formats, sheet: Tab, banner: str | None = None) -> None:
    out = book.add_worksheet(sheet.title)
    by_kind = {"nik": fmt.text, "money": fmt.money, "messages": fmt.wrap, "": None}
    formats = [by_kind[kind] for kind in sheet.kinds]
    top = 0  # the header's row: under the draft banner when there is one
    if banner is not None:
        _banner(out, 0, max(len(sheet.headers), 1), banner, fmt.banner)
        top = 1
    for j, (name, width) in enumerate(zip(sheet.headers, sheet.widths(), strict=True)):
        out.write_string(top, j, name, fmt.header)
        out.set_column(j, j, width, fmt.text if sheet.kinds[j] == "nik" else None)
    out.freeze_panes(top + 1, 0)
    if sheet.headers:
        out.autofilter(top, 0, top + sheet.height, len(sheet.headers) - 1)
    for i, values in enumerate(sheet.rows(), start=top + 1):
        for j, value in enumerate(values):
            if value is not None:
                _write_cell(out, fmt, i, j, value, formats[j])


def _write_cell(out: Any, fmt: _Formats, i: int, j: int, value: Any, cell_format: Any) -> None:
    if isinstance(value, str):
        out.write_string(i, j, value, cell_format)
    elif isinstance(value, bool):
        out.write_boolean(i, j, value, cell_format)
    elif isinstance(value, int | float):
        out.write_number(i, j, value, cell_format)
    else:
        out.write_datetime(i, j, value, fmt.date)


def _write_summary(book: Any, fmt: _Formats, summary: Summary) -> None:
    sheet = book.add_worksheet(SUMMARY_SHEET)
    for j, width in enumerate(SUMMARY_WIDTHS):
        sheet.set_column(j, j, width)
    sheet.write_string(0, 0, summary.title, fmt.title)
    if summary.banner is not None:
        _banner(sheet, 1, len(SUMMARY_WIDTHS), summary.banner, fmt.banner)
    for i, (style, cells) in enumerate(summary.rows, start=2):
        for j, value in enumerate(cells):
            if value is None:
                continue
            if style == "head":
                cell_format = fmt.header
            elif style and j == 0:
                cell_format = fmt.bold
            elif style == "money" and j == 1:
                cell_format = fmt.money
            else:
                cell_format = None
            _write_cell(sheet, fmt, i, j, value, cell_format)


def _banner(sheet: Any, row: int, columns: int, text: str, cell_format: Any) -> None:
    """The draft banner across the first ``columns`` columns of ``row``."""
    sheet.set_row(row, BANNER_HEIGHT)
    if columns > 1:
        sheet.merge_range(row, 0, row, columns - 1, text, cell_format)
    else:
        sheet.write_string(row, 0, text, cell_format)
