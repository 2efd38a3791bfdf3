"""Dates as rosters hold them: real date cells, ISO text, Indonesian day-first text."""

from __future__ import annotations

import datetime as dt

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
