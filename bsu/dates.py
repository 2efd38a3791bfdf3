"""Dates as rosters hold them: real date cells, ISO text, Indonesian day-first text."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from bsu.text import as_text, by_unique
from bsu.text import is_number as numeric

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


def parse(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (dates as datetime64, whether the cell was empty)."""
    return by_unique(raw, _parse, remember=True)


def _parse(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    kinds = raw.map(type)
    is_date = kinds.isin([dt.date, dt.datetime, pd.Timestamp])
    if is_date.any():
        out[is_date] = pd.to_datetime(raw[is_date].map(_as_datetime))
    is_number = numeric(raw)
    if is_number.any():
        days = pd.to_numeric(raw[is_number]).where(lambda d: d.between(_EXCEL_MIN, _EXCEL_MAX))
        out[is_number] = _EXCEL_EPOCH + pd.to_timedelta(days.round(), unit="D")
    text = as_text(raw).where(~(is_date | is_number), "")
    empty = text.eq("") & ~(is_date | is_number)
    todo = ~empty & ~(is_date | is_number)
    if todo.any():
        words = (
            text[todo]
            .str.upper()
            .str.replace(r"\s+", " ", regex=True)
            .str.replace(
                r"\b([A-Z]+)\b", lambda m: str(_MONTHS.get(m.group(1), m.group(1))), regex=True
            )
        )
        found = pd.Series(pd.NaT, index=words.index, dtype="datetime64[ns]")
        for fmt in _FORMATS:
            missing = found.isna()
            if not missing.any():
                break
            found[missing] = pd.to_datetime(words[missing], format=fmt, errors="coerce")
        out[todo] = found
    return out, empty


def _as_datetime(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    assert isinstance(value, dt.date)
    return dt.datetime(value.year, value.month, value.day)
