"""The date and wage parsers at and beyond what numpy and pandas can hold (issue 11, item 2).

Before: a date after 2262-04-11 or before 1677-09-22 (datetime64[ns]'s range) raised
``OutOfBoundsDatetime`` and an integer too large for a float raised ``OverflowError``, so
one such cell failed the whole check (a 500, a failed batch, ``bsu check`` exit 1). Now
each is that cell's reason: a date outside ``dates.EARLIEST``..``dates.LATEST`` is
unreadable (``REGISTRATION_DATE_INVALID``), a wage that is no rupiah amount is invalid.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from bsu.values import dates, wage

OUT_OF_RANGE_DATES = [
    "9999-12-31",
    "0001-01-01",
    "2262-04-12",
    "1677-09-21",
    "31/12/9999",
    "1 Januari 0001",
    "31-12-2101",
    "1899-12-31",
    dt.date(1, 1, 1),
    dt.date(9999, 12, 31),
    dt.datetime(9999, 12, 31, 23, 59, 59),
    dt.datetime(1, 1, 1),
    dt.datetime(1899, 12, 31),
    pd.Timestamp("2262-04-11"),  # the last day datetime64[ns] holds: no plausible date
    pd.Timestamp("1677-09-22"),
    np.datetime64("9999-12-31"),
    10**400,  # an Excel serial number can be any number a cell holds
    -(10**400),
    2**63,
    1e308,
    -1e308,
    float("inf"),
    2958465,  # Excel's 9999-12-31
    80000,  # 2119: beyond the range
]


@pytest.mark.parametrize("raw", OUT_OF_RANGE_DATES, ids=lambda v: repr(v)[:40])
def test_a_date_out_of_range_is_unreadable_not_an_error(raw: object) -> None:
    column = pd.Series(["2024-01-15", raw, dt.date(2024, 1, 15)], dtype=object)
    parsed, empty = dates.parse(column)
    assert parsed.dtype == "datetime64[ns]"
    assert pd.isna(parsed.iloc[1]), parsed.iloc[1]
    assert not empty.iloc[1]
    # The rest of the column is parsed as before.
    assert parsed.iloc[0] == parsed.iloc[2] == pd.Timestamp("2024-01-15")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1900-01-01", pd.Timestamp("1900-01-01")),
        ("31/12/2100", pd.Timestamp("2100-12-31")),
        (dt.datetime(2100, 12, 31, 23, 59), pd.Timestamp("2100-12-31 23:59")),
        (dt.date(1900, 1, 1), pd.Timestamp("1900-01-01")),
        # A date with a timezone (a Python caller's) is read as the date written.
        (
            dt.datetime(2024, 1, 15, 8, tzinfo=dt.timezone(dt.timedelta(hours=7))),
            pd.Timestamp("2024-01-15 08:00"),
        ),
        (pd.Timestamp("2024-01-15", tz="UTC"), pd.Timestamp("2024-01-15")),
    ],
    ids=repr,
)
def test_the_range_edges_are_dates(raw: object, expected: pd.Timestamp) -> None:
    parsed, _ = dates.parse(pd.Series([raw], dtype=object))
    assert parsed.iloc[0] == expected


def test_a_column_of_only_out_of_range_dates_keeps_its_type() -> None:
    parsed, empty = dates.parse(pd.Series(OUT_OF_RANGE_DATES, dtype=object))
    assert parsed.dtype == "datetime64[ns]"
    assert parsed.isna().all() and not empty.any()


INVALID_WAGES = [
    10**400,
    -(10**400),
    "9" * 400,
    "9" * 20,  # Rp 100 quintillion a month: no rupiah amount a wage can be
    "Rp 999.999.999.999.999.999.999",
    1e308,
    1.7976931348623157e308,
    2**63,
    2**64,
    5e-324,  # rounds to Rp0,00: not above zero
    0.001,
    -0.0,
    float("inf"),
    np.float64("inf"),
    np.int64(-(2**63)),
]


@pytest.mark.parametrize("raw", INVALID_WAGES, ids=lambda v: repr(v)[:40])
def test_a_wage_that_is_no_rupiah_amount_is_invalid_not_an_error(raw: object) -> None:
    values, form = wage.parse(pd.Series([3_000_000, raw], dtype=object))
    assert values.dtype == float
    assert math.isnan(values.iloc[1]) and form.iloc[1] == wage.WageForm.INVALID.value
    assert (values.iloc[0], form.iloc[0]) == (3_000_000.0, "ok")


@pytest.mark.parametrize(
    "amount", [0.01, 1, 90_000_000_000_000, np.int64(5_000_000), np.float32(3_000_000)]
)
def test_the_wage_range_edges_are_amounts(amount: object) -> None:
    values, form = wage.parse(pd.Series([amount], dtype=object))
    assert form.iloc[0] == "ok" and values.iloc[0] == pytest.approx(float(amount))  # type: ignore[arg-type]
