"""The result workbook through rustpy-xlsxwriter (Rust, several times faster than
XlsxWriter).

rustpy-xlsxwriter 0.8 writes a sheet as a header row and one record (a dict) per row,
taking each record's values in the order of the first one's keys. Text is stored as text
(never a formula), XML-illegal characters as _xHHHH_ escapes, as XlsxWriter does. It
raises on NaT, on dates before 1900 and on text over 32,767 characters, writes pd.NA as
"<NA>" and inf as an empty cell: ``cells.cell`` has turned all of these into cells it
takes. A date gives its whole column the date format (see ``Sheet.dates_among_numbers``).
An empty list of records has no header row, so an empty sheet goes as an empty DataFrame.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from bsu.results.columns import SUMMARY_SHEET
from bsu.results.sheets import (
    BANNER_FILL,
    BANNER_HEIGHT,
    DATE_FORMAT,
    HEADER_FILL,
    SUMMARY_WIDTHS,
    Tab,
)
from bsu.results.summary import Summary
from bsu.values.text import distinct


def write_rustpy(path: Path, summary: Summary, sheets: Sequence[Tab]) -> None:
    import rustpy_xlsxwriter as rx

    header = (
        rx.Format()
        .set_bold()
        .set_background_color(HEADER_FILL)
        .set_border("thin")
        .set_text_wrap()
        .set_align("top")
    )
    formats = {
        "nik": rx.Format().set_num_format("@"),
        "money": rx.Format().set_num_format("#,##0"),
        "messages": rx.Format().set_text_wrap().set_align("top"),
    }
    records: list[tuple[str, Any]] = [(SUMMARY_SHEET, _summary_records(summary))]
    for sheet in sheets:
        if sheet.height:
            records.append((sheet.title, sheet.records()))
        else:
            records.append((sheet.title, pd.DataFrame(columns=sheet.headers, dtype=object)))
    # The summary's layout has no header row: its first label and value stand in for one
    # (bold), the title is merged across the three columns above it, and the rows styled
    # in Summary are bold rows (a row format colours the whole row, so no header fill).
    bold = rx.Format().set_bold()
    row_formats = {
        i: rx.Format().set_bold().set_num_format("#,##0") if style == "money" else bold
        for i, (style, _) in enumerate(summary.rows, start=2)
        if style in ("pair", "bold", "money", "head") and i > 2
    }
    titled = rx.Format().set_bold().set_font_size(14)
    # Under a draft rule set its banner is row 2 of the summary, and every other sheet's
    # first row, its header moved down one.
    banner = summary.banner
    top = 0 if banner is None else 1
    merged: dict[str, list[Any]] = {SUMMARY_SHEET: [(0, 0, 0, 2, summary.title, titled)]}
    heights: dict[str, dict[int, float]] = {}
    if banner is not None:
        red = (
            rx.Format()
            .set_bold()
            .set_font_color("#FFFFFF")
            .set_background_color(BANNER_FILL)
            .set_text_wrap()
            .set_align("top")
        )
        merged[SUMMARY_SHEET].append((1, 0, 1, 2, banner, red))
        merged.update(
            {s.title: [(0, 0, 0, max(len(s.headers), 2) - 1, banner, red)] for s in sheets}
        )
        heights = {t: {0 if t != SUMMARY_SHEET else 1: BANNER_HEIGHT} for t in merged}
    rx.write_worksheets(
        records,
        path,
        datetime_format=DATE_FORMAT,
        freeze_panes={s.title: {"row": top + 1, "col": 0} for s in sheets},
        header_format={SUMMARY_SHEET: bold, **{s.title: header for s in sheets}},
        autofilter={s.title: True for s in sheets},
        column_widths={
            SUMMARY_SHEET: list(SUMMARY_WIDTHS),
            **{s.title: s.widths() for s in sheets},
        },
        column_formats={
            s.title: {h: formats[k] for h, k in zip(s.headers, s.kinds, strict=True) if k}
            for s in sheets
        },
        header_row={SUMMARY_SHEET: 2, **{s.title: top for s in sheets}},
        merge_ranges=merged,
        row_heights=heights,
        row_formats={SUMMARY_SHEET: row_formats},
    )


def _summary_records(summary: Summary) -> list[dict[str, Any]]:
    first, *rest = [cells for _, cells in summary.rows]
    keys = distinct(["" if v is None else str(v) for v in first])
    return [dict(zip(keys, cells, strict=True)) for cells in rest]
