"""dates.months: the month a registry extract names (the last contribution paid, BLTH NA),
however it is written, as a month number; NA when no month can be read."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bsu.values import dates

APRIL_2025 = dates.month_number(2025, 4)


def _one(value: object) -> object:
    return dates.months(pd.Series([value], dtype=object)).iloc[0]


@pytest.mark.parametrize(
    "raw",
    [
        "2025-04", "2025/04", "2025.04", "2025-4", " 2025-04 ", "04/2025", "4/2025", "04-2025",
        "04.2025", "042025", "202504", "42025", 42025, 202504, 202504.0, "April 2025",
        "APRIL 2025", "april 2025", "Apr 2025", "Apr-25", "apr'25", "April-2025", "2025 April",
        "30/04/2025", "1 April 2025", "2025-04-30", "2025-04-01 00:00:00",
        dt.date(2025, 4, 30), dt.datetime(2025, 4, 1, 8, 30), pd.Timestamp("2025-04-15"),
        45748, 45748.0, "45748", 45777.9,  # Excel serial days in April 2025
    ],
)  # fmt: skip
def test_april_2025_as_written(raw: object) -> None:
    assert _one(raw) == APRIL_2025


@pytest.mark.parametrize(
    ("raw", "year", "month"),
    [
        ("Mar-25", 2025, 3),
        ("Maret 2025", 2025, 3),
        ("MARET-2025", 2025, 3),
        ("Mei 2025", 2025, 5),
        ("Agt 2024", 2024, 8),
        ("Nopember 2024", 2024, 11),
        ("Des-99", 1999, 12),  # two digits as strptime reads them
        ("Jan-00", 2000, 1),
        ("122019", 2019, 12),
        ("201912", 2019, 12),
    ],
)
def test_other_months(raw: str, year: int, month: int) -> None:
    assert _one(raw) == dates.month_number(year, month)


@pytest.mark.parametrize(
    "raw",
    [
        "", None, float("nan"), "-", "belum bayar", "13/2025", "2025-13", "00-2025", "Foo 2025",
        "1899-12", "9999-12", "2025", "0", -5, True, "31/02/2025", 12345678,
    ],
)  # fmt: skip
def test_no_month_is_na(raw: object) -> None:
    assert pd.isna(_one(raw))


def test_a_column_keeps_its_index_and_dtype() -> None:
    values = pd.Series(["2025-04", "", "Mar-25", "2025-04"], index=[7, 3, 5, 7], dtype=object)
    got = dates.months(values)
    assert str(got.dtype) == "Int64"
    assert list(got.index) == [7, 3, 5, 7]
    assert got.tolist()[0::2] == [APRIL_2025, dates.month_number(2025, 3)]
    assert pd.isna(got.iloc[1])


def test_month_numbers_order_and_read_back() -> None:
    assert dates.month_number(2025, 3) + 1 == APRIL_2025 == dates.month_of(dt.date(2025, 4, 30))
    assert dates.month_number(2024, 12) + 1 == dates.month_number(2025, 1)
    assert dates.year_month(APRIL_2025) == (2025, 4)
    shown = dates.month_text(pd.Series([APRIL_2025, pd.NA], dtype="Int64"))
    assert shown.tolist() == ["2025-04", None]


_MONTH_NAMES = {
    1: "Januari", 2: "Februari", 3: "Maret", 4: "April", 5: "Mei", 6: "Juni", 7: "Juli",
    8: "Agustus", 9: "September", 10: "Oktober", 11: "November", 12: "Desember",
}  # fmt: skip


@given(st.integers(1900, 2100), st.integers(1, 12))
def test_every_written_form_of_a_month_reads_back(year: int, month: int) -> None:
    forms = [
        f"{year}-{month:02d}",
        f"{year}/{month}",
        f"{month:02d}/{year}",
        f"{month}-{year}",
        f"{month:02d}{year}",
        f"{year}{month:02d}",
        f"{_MONTH_NAMES[month]} {year}",
        f"{_MONTH_NAMES[month][:3]}-{year}",
        f"{year} {_MONTH_NAMES[month]}",
        f"15/{month:02d}/{year}",
        dt.date(year, month, 28),
        int(f"{year}{month:02d}"),
    ]
    got = dates.months(pd.Series(forms, dtype=object))
    assert got.tolist() == [dates.month_number(year, month)] * len(forms)
    assert dates.month_text(got).iloc[0] == f"{year}-{month:02d}"


_cells = st.one_of(
    st.text(),
    st.none(),
    st.floats(),
    st.integers(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
)


@given(st.lists(_cells, max_size=20))
def test_months_never_raises_and_stays_in_range(values: list[object]) -> None:
    got = dates.months(pd.Series(values, dtype=object))
    assert len(got) == len(values)
    assert str(got.dtype) == "Int64"
    known = got.dropna()
    assert known.between(dates.month_number(1900, 1), dates.month_number(2100, 12)).all()


def test_a_long_column_with_repeated_labels_is_read_row_by_row() -> None:
    """A long, mostly distinct column is parsed whole, with the caller's index."""
    values = [f"{2000 + i % 100}-{i % 12 + 1:02d}" for i in range(3000)] + ["x", "Mar-25"]
    got = dates.months(pd.Series(values, index=[0] * len(values), dtype=object))
    assert list(got.index) == [0] * len(values)
    assert got.iloc[13] == dates.month_number(2013, 2)
    assert pd.isna(got.iloc[-2]) and got.iloc[-1] == dates.month_number(2025, 3)
