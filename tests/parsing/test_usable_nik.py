"""nik.usable: the one definition of a NIK that can be a key (stored, looked up, logged
as consulted), whatever column or list it runs on."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bsu.values import nik

VALID = "3273056010900010"


@pytest.mark.parametrize(
    ("value", "usable"),
    [
        (VALID, True),
        ("0000000000000000", True),  # a key, though the engine finds no province in it
        (VALID[:15], False),  # 15 digits: what Excel keeps of a number
        (VALID + "1", False),
        ("３２７３０５６０１０９０００１０", False),  # full-width digits are not ASCII
        ("٣٢٧٣٠٥٦٠١٠٩٠٠٠١٠", False),  # Arabic-Indic digits: isdigit(), not a NIK
        ("3273 0560 1090 0010", False),  # not cleaned: ``clean`` strips spaces first
        ("", False),
        (None, False),
        (float("nan"), False),
        (3273056010900010, False),  # a number is no key: its last digit may be lost
    ],
)
def test_usable(value: object, usable: bool) -> None:
    assert nik.usable(pd.Series([value], dtype=object)).tolist() == [usable]


@pytest.mark.parametrize(
    "values",
    [
        pd.Series([], dtype=object),
        pd.Series([1.0, float("nan")]),  # a column of numbers has no text at all
        pd.Series([VALID, "x"], dtype="string"),
        pd.Series([VALID, None], dtype="string[pyarrow]"),
    ],
)
def test_usable_on_any_column_is_a_plain_boolean_column(values: pd.Series) -> None:
    out = nik.usable(values)
    assert out.dtype == bool and out.index.equals(values.index)


def test_a_nik_typed_as_a_number_is_not_usable() -> None:
    cleaned, numeric = nik.clean(pd.Series([VALID, 3273056010900010, "6.17101E+15"]))
    assert nik.usable(cleaned, numeric).tolist() == [True, False, False]


@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_every_sixteen_ascii_digits_are_usable(text: str) -> None:
    assert nik.usable(pd.Series([text], dtype=object)).tolist() == [True]


@given(st.text(max_size=20))
def test_usable_means_sixteen_ascii_digits(text: str) -> None:
    expected = len(text) == 16 and text.isascii() and text.isdigit()
    assert nik.usable(pd.Series([text], dtype=object)).tolist() == [expected]
