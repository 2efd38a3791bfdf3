"""dates.parse: date cells, ISO and Indonesian day-first text, Excel serial numbers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bsu.values import dates

JAN_15 = pd.Timestamp("2024-01-15")


def _parse_one(value: object) -> tuple[pd.Timestamp, bool]:
    parsed, empty = dates.parse(pd.Series([value], dtype=object))
    return parsed.iloc[0], bool(empty.iloc[0])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (dt.date(2024, 1, 15), JAN_15),
        (dt.datetime(2024, 1, 15), JAN_15),
        (dt.datetime(2024, 1, 15, 10, 30), pd.Timestamp("2024-01-15 10:30")),
        (pd.Timestamp("2024-01-15"), JAN_15),
        ("2024-01-15", JAN_15),
        ("2024-01-15 00:00:00", JAN_15),
        ("2024/01/15", JAN_15),
        ("15/01/2024", JAN_15),
        ("15-01-2024", JAN_15),
        ("15.01.2024", JAN_15),
        ("15/01/24", JAN_15),
        (" 15/01/2024 ", JAN_15),
        ("15 Januari 2024", JAN_15),
        ("15 JANUARI 2024", JAN_15),
        ("15 januari 2024", JAN_15),
        ("15  Januari   2024", JAN_15),
        ("15 Jan 2024", JAN_15),
        ("15-Jan-2024", JAN_15),
        ("30 April 2025", pd.Timestamp("2025-04-30")),
        ("1 Mei 2025", pd.Timestamp("2025-05-01")),
        ("17 Agustus 2024", pd.Timestamp("2024-08-17")),
        ("17 Agt 2024", pd.Timestamp("2024-08-17")),
        ("10 Okt 2024", pd.Timestamp("2024-10-10")),
        ("10 Nopember 2024", pd.Timestamp("2024-11-10")),
        ("25 Desember 2024", pd.Timestamp("2024-12-25")),
        ("29/02/2024", pd.Timestamp("2024-02-29")),
        ("5/1/2024", pd.Timestamp("2024-01-05")),  # day first, as Indonesia writes it
        (45412.0, pd.Timestamp("2024-04-30")),  # Excel serial
        (45412, pd.Timestamp("2024-04-30")),
        (45412.4, pd.Timestamp("2024-04-30")),
    ],
)
def test_dates(raw: object, expected: pd.Timestamp) -> None:
    assert _parse_one(raw) == (expected, False)


@pytest.mark.parametrize("raw", ["", None, "  ", float("nan")])
def test_empty(raw: object) -> None:
    parsed, empty = _parse_one(raw)
    assert pd.isna(parsed)
    assert empty is True


@pytest.mark.parametrize(
    "raw",
    [
        "x",
        "13/13/2024",
        "01/15/2024",  # US order: month 15
        "31/02/2024",
        "29/02/2023",
        "32/01/2024",
        "15 Foo 2024",
        "Jan 15 2024",
        "2024",
        "-",
        1.0,  # a number, but no plausible Excel date
        123456789.0,
    ],
)
def test_unreadable_dates_are_nat_but_not_empty(raw: object) -> None:
    parsed, empty = _parse_one(raw)
    assert pd.isna(parsed)
    assert empty is False


def test_mixed_column_keeps_its_index() -> None:
    raw = pd.Series(["15/01/2024", None, dt.date(2024, 1, 15), "x", 45412.0], index=list("abcde"))
    parsed, empty = dates.parse(raw)
    assert list(parsed.index) == list("abcde")
    assert parsed.dtype == "datetime64[ns]"
    assert parsed["a"] == parsed["c"] == JAN_15
    assert parsed["e"] == pd.Timestamp("2024-04-30")
    assert parsed[["b", "d"]].isna().all()
    assert empty.tolist() == [False, True, False, False, False]


_ID_MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip

_days = st.dates(min_value=dt.date(1960, 1, 1), max_value=dt.date(2099, 12, 31))


@settings(max_examples=200, deadline=None)
@given(_days)
def test_every_written_form_of_a_date_parses_back(day: dt.date) -> None:
    serial = float((day - dt.date(1899, 12, 30)).days)
    typed = [
        day,
        day.isoformat(),
        day.strftime("%d/%m/%Y"),
        day.strftime("%d-%m-%Y"),
        day.strftime("%d.%m.%Y"),
        f"{day.day} {_ID_MONTHS[day.month - 1]} {day.year}",
        serial,
    ]
    parsed, empty = dates.parse(pd.Series(typed, dtype=object))
    assert not empty.any()
    assert parsed.tolist() == [pd.Timestamp(day)] * len(typed), list(
        zip(typed, parsed, strict=True)
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(), st.none(), st.floats(), st.integers()), max_size=20))
def test_parse_never_raises(values: list[object]) -> None:
    parsed, empty = dates.parse(pd.Series(values, dtype=object))
    assert len(parsed) == len(empty) == len(values)
    assert not parsed[empty].notna().any()


def test_numpy_serial_is_a_serial() -> None:
    assert _parse_one(np.float64(45412.0)) == (pd.Timestamp("2024-04-30"), False)
