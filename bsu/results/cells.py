"""Values as the cells of a result file: what each kind of value becomes in the CSV's text
and in a workbook cell that both xlsx libraries store alike."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

TEXT_LIMIT = 32_767  # characters Excel keeps in a cell; XlsxWriter cuts longer text too
EXACT_LIMIT = 10**15  # Excel keeps 15 digits: a whole number this large is written as text


def number_text(value: Any) -> str:
    """A number as a person types it: 3200000, not 3200000.0; missing as ""."""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e18:
            return str(int(value))
        return str(value)
    return "" if value is None or value is pd.NA else str(value)


def dates_among_numbers(cells: list[Any]) -> bool:
    types = {type(v) for v in cells}
    return bool(types & {int, float}) and any(issubclass(t, dt.date) for t in types)


def cells(values: pd.Series, nik: bool) -> list[Any]:
    """A column as cells (see ``cell``), with shortcuts for the common column types."""
    if nik:
        return [nik_cell(v) for v in values.tolist()]
    if values.dtype.kind in "iuf":  # row numbers, wage caps, benefits
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
        missing = np.isnan(numbers)
        if (np.abs(numbers[~missing]) < EXACT_LIMIT).all():
            out: list[Any] = numbers.tolist()
            for i in np.flatnonzero(missing).tolist():
                out[i] = None
            return out
    elif infer_dtype(values, skipna=True) in ("string", "empty"):  # text and empty cells
        out = [v if isinstance(v, str) and v else None for v in values.tolist()]
        if max(map(len, filter(None, out)), default=0) > TEXT_LIMIT:
            out = [cell(v) for v in out]
        return out
    return [cell(v) for v in values.tolist()]


def cell(value: Any) -> Any:
    """One value as a cell that both writers store alike, or None for no cell.

    Text is cut to what Excel holds; a whole number too long for Excel's 15 digits, inf,
    and a date Excel cannot show (before 1900) become text; a date keeps its wall-clock
    time without the timezone; anything else (times, decimals) is written as its text.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value[:TEXT_LIMIT] or None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, np.datetime64):
        return cell(pd.Timestamp(value))
    if isinstance(value, np.generic) and not isinstance(value, np.timedelta64):
        return cell(value.item())
    if isinstance(value, int):
        return value if abs(value) < EXACT_LIMIT else str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value) or (value.is_integer() and abs(value) >= EXACT_LIMIT):
            return number_text(value)
        return value
    if isinstance(value, dt.date):
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime(warn=False)
        if isinstance(value, dt.datetime):
            value = value.replace(tzinfo=None)
        if 1900 <= value.year <= 9999:
            return value
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    return str(value)[:TEXT_LIMIT] or None


def nik_cell(value: Any) -> str | None:
    """A NIK as text: a number read from Excel loses its ``.0``, and never its digits."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    got = cell(value)
    return None if got is None else str(got)
