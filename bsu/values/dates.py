"""Dates as rosters hold them: real date cells, ISO text, Indonesian day-first text."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from bsu.values.text import as_float, as_text, by_unique
from bsu.values.text import is_number as numeric

_MONTHS = {
    "JANUARI": 1,
    "JANUARY": 1,
    "JAN": 1,
    "FEBRUARI": 2,
    "FEBRUARY": 2,
    "FEB": 2,
    "PEB": 2,
    "MARET": 3,
    "MARCH": 3,
    "MAR": 3,
    "APRIL": 4,
    "APR": 4,
    "MEI": 5,
    "MAY": 5,
    "JUNI": 6,
    "JUNE": 6,
    "JUN": 6,
    "JULI": 7,
    "JULY": 7,
    "JUL": 7,
    "AGUSTUS": 8,
    "AUGUST": 8,
    "AGU": 8,
    "AGT": 8,
    "AGS": 8,
    "AUG": 8,
    "SEPTEMBER": 9,
    "SEP": 9,
    "SEPT": 9,
    "OKTOBER": 10,
    "OCTOBER": 10,
    "OKT": 10,
    "OCT": 10,
    "NOVEMBER": 11,
    "NOV": 11,
    "NOPEMBER": 11,
    "DESEMBER": 12,
    "DECEMBER": 12,
    "DES": 12,
    "DEC": 12,
}
_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d/%m/%y",
    "%d-%m-%y",
    "%d %m %Y",
)
# Excel stores dates as day counts from 1899-12-30; only plausible ones are read.
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_EXCEL_MIN, _EXCEL_MAX = 20000, 80000
# The dates a roster can mean: 1900 (where Excel's calendar starts) to 2100. Outside, a
# date is a typing error or a placeholder ("9999-12-31"), and is unreadable. The range is
# technical, not a rule: it keeps every date well inside what pandas holds
# (datetime64[ns], 1677-09-22..2262-04-11), so no later step can overflow on one.
EARLIEST = pd.Timestamp("1900-01-01")
LATEST = pd.Timestamp("2100-12-31 23:59:59.999999")


def parse(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (dates as datetime64, whether the cell was empty)."""
    return by_unique(raw, _parse, remember=True)


def _parse(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    kinds = raw.map(type)
    is_date = kinds.isin([dt.date, dt.datetime, pd.Timestamp])
    if is_date.any():
        out[is_date] = _bounded(pd.to_datetime(raw[is_date].map(_as_datetime)))
    is_number = numeric(raw)
    if is_number.any():
        days = as_float(raw[is_number]).where(lambda d: d.between(_EXCEL_MIN, _EXCEL_MAX))
        out[is_number] = _bounded(_EXCEL_EPOCH + pd.to_timedelta(days.round(), unit="D"))
    text = as_text(raw).where(~(is_date | is_number), "")
    empty = text.eq("") & ~(is_date | is_number)
    todo = ~empty & ~(is_date | is_number)
    if todo.any():
        out[todo] = _parse_text(text[todo])
    return out, empty


def _parse_text(text: pd.Series) -> pd.Series:
    """Dates typed as text, each read by the first format it fits; a date that fits one
    but lies out of range is unreadable (no later format reinterprets it)."""
    words = (
        text.str.upper()
        .str.replace(r"\s+", " ", regex=True)
        .str.replace(
            r"\b([A-Z]+)\b", lambda m: str(_MONTHS.get(m.group(1), m.group(1))), regex=True
        )
    )
    found = pd.Series(pd.NaT, index=words.index, dtype="datetime64[ns]")
    fitted = pd.Series(False, index=words.index)
    for fmt in _FORMATS:
        left = ~fitted
        if not left.any():
            break
        parsed = pd.to_datetime(words[left], format=fmt, errors="coerce")
        fitted[left] = parsed.notna()
        found[left] = _bounded(parsed)
    return found


def _bounded(values: pd.Series) -> pd.Series:
    """Dates of any resolution as datetime64[ns], those outside ``EARLIEST``..``LATEST``
    missing: converting a year-9999 date to nanoseconds would overflow."""
    inside = values.between(EARLIEST, LATEST).fillna(False).astype(bool)
    return values.where(inside).astype("datetime64[ns]")


def _as_datetime(value: object) -> dt.datetime | None:
    """A date cell as a naive datetime (a timezone is dropped: the date as written), or
    None outside the range, before pandas tries to hold it in nanoseconds."""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime(warn=False)
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None)
    else:
        assert isinstance(value, dt.date)
        value = dt.datetime(value.year, value.month, value.day)
    return value if EARLIEST.year <= value.year <= LATEST.year else None


# --- months ---------------------------------------------------------------------------------
# A registry extract names months, not days: the last month a contribution was paid
# ("Iuran Terakhir") and the month a participant became non-active ("BLTH NA", bulan dan
# tahun nonaktif). A month is held as one number, ``year * 12 + month - 1``, so months
# compare and subtract as integers.


def month_number(year: int, month: int) -> int:
    """The month number of ``month`` (1-12) of ``year``."""
    return year * 12 + month - 1


def month_of(value: dt.date) -> int:
    """The month number of the month a date falls in."""
    return month_number(value.year, value.month)


def year_month(number: int) -> tuple[int, int]:
    """(year, month 1-12) of a month number."""
    year, index = divmod(int(number), 12)
    return year, index + 1


def month_text(numbers: pd.Series) -> pd.Series:
    """Month numbers as ``YYYY-MM`` text (object dtype), ``None`` where missing."""
    valid = numbers.notna().to_numpy(dtype=bool)
    out = np.full(len(numbers), None, dtype=object)
    if valid.any():
        n = numbers[valid].astype("int64")
        years, months = n // 12, n % 12 + 1
        text = years.astype(str) + "-" + months.astype(str).str.zfill(2)
        out[valid] = text.to_numpy(dtype=object)
    return pd.Series(out, index=numbers.index, dtype=object)


def months(raw: pd.Series) -> pd.Series:
    """The month each cell names, as a month number (Int64); NA when the cell is empty or
    names no month that can be read.

    Reads "2025-04", "2025/04", "04/2025", "4-2025", "042025", "202504", "42025" (a month
    number whose leading zero a spreadsheet dropped), "April 2025", "Apr 2025", "Mar-25",
    "Maret 2024", "2024 April", a full date as text ("30/04/2024", "2024-04-30"), a date or
    datetime cell, and an Excel serial day number: the month it falls in."""
    return by_unique(raw, _months, remember=True)


_YEAR_FIRST = r"(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})"
_MONTH_FIRST = r"(?P<m>\d{1,2})\s*[-/.]\s*(?P<y>\d{4})"
_YEAR_MONTH_DIGITS = r"(?P<y>\d{4})(?P<m>\d{2})"
_MONTH_YEAR_DIGITS = r"(?P<m>\d{1,2})(?P<y>\d{4})"
# A name of a month and a year of four digits or two ("Mar-25", "Apr'25", "Maret 2025").
_NAME_YEAR = r"(?P<name>[A-Z]+)\.?[\s\-/.,']*(?P<y>\d{4}|\d{2})"
_YEAR_NAME = r"(?P<y>\d{4})[\s\-/.,]*(?P<name>[A-Z]+)"
_SERIAL = r"(?P<days>\d{5})(?:\.\d+)?"


def _months(raw: pd.Series) -> pd.Series:
    index = raw.index  # rows are matched by position below: a repeated label is no trouble
    raw = raw.reset_index(drop=True)
    out = pd.Series(pd.NA, index=raw.index, dtype="Int64")
    kinds = raw.map(type)
    is_date = kinds.isin([dt.date, dt.datetime, pd.Timestamp])
    if is_date.any():
        out[is_date] = _stamp_months(_bounded(pd.to_datetime(raw[is_date].map(_as_datetime))))
    # Numbers are read as their digits ("202504", "42025"), as text would be.
    text = as_text(raw).where(~is_date, "").str.upper().str.strip()
    left = text.ne("")
    for pattern in (_YEAR_FIRST, _MONTH_FIRST, _YEAR_MONTH_DIGITS, _MONTH_YEAR_DIGITS):
        if not left.any():
            break
        found = text[left].str.extract(f"^{pattern}$")
        number = _month_numbers(_as_int(found["y"]), _as_int(found["m"]))
        out[number.index[number.notna()]] = number.dropna()
        left &= out.isna()
    for pattern in (_NAME_YEAR, _YEAR_NAME):
        if not left.any():
            break
        found = text[left].str.extract(f"^{pattern}$")
        month = found["name"].map(_MONTHS)
        year = _as_int(found["y"])
        short = found["y"].str.len().eq(2).fillna(False).astype(bool)
        # Two digits as strptime reads %y: 00-68 are 2000-2068, 69-99 are 1969-1999.
        year = year.where(~short, year + 2000 - 100 * (year > 68))
        number = _month_numbers(year, _as_int(month))
        out[number.index[number.notna()]] = number.dropna()
        left &= out.isna()
    if left.any():
        found = text[left].str.extract(f"^{_SERIAL}$")
        days = _as_int(found["days"]).where(lambda d: d.between(_EXCEL_MIN, _EXCEL_MAX))
        serial = days.notna()
        if serial.any():
            stamps = _EXCEL_EPOCH + pd.to_timedelta(days[serial].astype(float), unit="D")
            out[stamps.index] = _stamp_months(_bounded(stamps))
            left &= out.isna()
    if left.any():
        # A full date written as text: the month it falls in.
        out[left] = _stamp_months(_parse_text(text[left]))
    return out.set_axis(index)


def _as_int(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype("Int64")


def _month_numbers(year: pd.Series, month: pd.Series) -> pd.Series:
    """Month numbers where the year is one a roster can mean and the month is 1-12."""
    valid = year.between(EARLIEST.year, LATEST.year) & month.between(1, 12)
    valid = valid.fillna(False).astype(bool)
    return (year * 12 + month - 1).where(valid).astype("Int64")


def _stamp_months(stamps: pd.Series) -> pd.Series:
    """The month numbers of datetimes (NA where missing)."""
    number: pd.Series = stamps.dt.year * 12 + stamps.dt.month - 1
    return number.astype("Int64")
