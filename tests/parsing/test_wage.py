"""wage.parse, wage.regional_cap, and numbers.rupiah read back: tables, then properties."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bsu.values import numbers, wage


def _parse_one(value: object) -> tuple[float, str]:
    values, form = wage.parse(pd.Series([value], dtype=object))
    return float(values.iloc[0]), str(form.iloc[0])


@pytest.mark.parametrize(
    "raw",
    [
        3500000,
        3500000.0,
        "3500000",
        "3500000.0",
        "3500000,00",
        " 3500000 ",
        "Rp 3.500.000",
        "Rp3.500.000,00",
        "3.500.000,-",
        "Rp. 3.500.000",
        "rp 3.500.000",
        "RP3.500.000",
        "IDR 3.500.000",
        "Rp 3.500.000,-",
        "3,500,000",
        "3,500,000.00",
        "3 500 000",
        "3,5 juta",
        "3,5 jt",
        "3.5 juta",
        "3,5juta",
        "3,5 JUTA",
        "3,50 juta",
        "Rp 3,5 juta",
    ],
)
def test_forms_of_three_and_a_half_million(raw: object) -> None:
    assert _parse_one(raw) == (3500000.0, "ok")


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("Rp5.690.752,95", 5690752.95),
        ("5690752,95", 5690752.95),
        ("5690752.95", 5690752.95),
        ("5,690,752.95", 5690752.95),
        ("Rp 1.000.000.000", 1_000_000_000.0),
        ("12 juta", 12_000_000.0),
        ("0,5 jt", 500_000.0),
        (4_482_914.09, 4_482_914.09),
    ],
)
def test_other_amounts(raw: object, amount: float) -> None:
    value, form = _parse_one(raw)
    assert form == "ok"
    assert value == pytest.approx(amount, abs=1e-6)


@pytest.mark.parametrize("raw", ["", None, "   ", float("nan")])
def test_missing(raw: object) -> None:
    value, form = _parse_one(raw)
    assert math.isnan(value)
    assert form == "missing"


@pytest.mark.parametrize(
    "raw",
    [
        "abc",
        "0",
        "00",
        0,
        0.0,
        -1,
        -3500000.0,
        "-3500000",
        "- 3.500.000",
        "Rp -3.500.000",
        "3,5",  # 3.5 rupiah, or 3.5 million? A guess either way.
        "3.50",
        "3,50",
        "3.5",
        "tiga juta",
        "3500000 rupiah?",
        "3.500.000 / bulan",
        "3.500.000 - 4.000.000",
        "3.5000.000",
        "3,500,00",
        "1e6",
        "Rp",
        "-",
        "juta",
        float("inf"),
        True,
    ],
)
def test_invalid(raw: object) -> None:
    value, form = _parse_one(raw)
    assert math.isnan(value)
    assert form == "invalid"


def test_parse_keeps_the_index() -> None:
    raw = pd.Series(["Rp 3.500.000", "", "abc"], index=[5, 9, 2], dtype=object)
    values, form = wage.parse(raw)
    assert list(values.index) == list(form.index) == [5, 9, 2]
    assert form.tolist() == ["ok", "missing", "invalid"]


# --- properties --------------------------------------------------------------------------


def _dotted(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 10**9))
def test_every_way_of_writing_an_integer_parses_back(n: int) -> None:
    typed = [n, float(n), str(n), _dotted(n), f"Rp{_dotted(n)}", f"Rp {_dotted(n)}", f"{n:,}"]
    values, form = wage.parse(pd.Series(typed, dtype=object))
    assert form.tolist() == ["ok"] * len(typed), list(zip(typed, form, strict=True))
    assert values.tolist() == [float(n)] * len(typed)


@settings(max_examples=200, deadline=None)
@given(st.integers(100_000, 100_000_000_000))
def test_rupiah_output_parses_back(cents: int) -> None:
    amount = cents / 100
    assert _parse_one(numbers.rupiah(amount)) == (amount, "ok")


_cells = st.one_of(
    st.text(),
    st.text(alphabet="0123456789.,- RpIDRjuta"),
    st.none(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_cells, max_size=20))
def test_parse_never_raises_and_nan_means_not_ok(values: list[object]) -> None:
    parsed, form = wage.parse(pd.Series(values, dtype=object))
    assert len(parsed) == len(form) == len(values)
    assert set(form) <= {"ok", "missing", "invalid"}
    ok = form.eq("ok")
    assert parsed.isna().equals(~ok)
    assert (parsed[ok] > 0).all()
    assert parsed[ok].map(math.isfinite).all()


# --- regional cap ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minimum_wage", "cap"),
    [
        (2_169_349, 3_500_000),  # below the general cap: the general cap
        (3_499_999, 3_500_000),
        (3_500_000, 3_500_000),
        (3_500_001, 3_600_000),
        (3_600_000, 3_600_000),
        (3_600_001, 3_700_000),
        (3_607_223, 3_700_000),
        (5_396_761, 5_400_000),
        (5_558_515.10, 5_600_000),
        (5_690_752.95, 5_700_000),
        (4_900_000.0000001, 4_900_000),  # float noise does not push a cap up a step
    ],
)
def test_regional_cap(minimum_wage: float, cap: float) -> None:
    caps = wage.regional_cap(pd.Series([minimum_wage], dtype=float), 3_500_000, 100_000)
    assert caps.tolist() == [cap]


def test_regional_cap_is_vectorised_and_keeps_the_index() -> None:
    minimum = pd.Series([3_500_000, 3_607_223, 5_690_752.95], index=["a", "b", "c"])
    caps = wage.regional_cap(minimum, 3_500_000, 100_000)
    assert caps.to_dict() == {"a": 3_500_000, "b": 3_700_000, "c": 5_700_000}
