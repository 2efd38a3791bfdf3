"""numbers: the one formatter of counts, percentages and rupiah, as tables then properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bsu.values import numbers


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0"),
        (999, "999"),
        (1000, "1.000"),
        (10_000, "10.000"),
        (1_234_567, "1.234.567"),
        (-12_345, "-12.345"),
    ],
)
def test_id_number(n: int, text: str) -> None:
    assert numbers.id_number(n) == text


@pytest.mark.parametrize(
    ("n", "lang", "text"),
    [(10_000, "id", "10.000"), (10_000, "en", "10,000"), (12, "id", "12"), (12, "en", "12")],
)
def test_count_in_each_language(n: int, lang: str, text: str) -> None:
    assert numbers.count(n, lang) == text


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [(12.5, "id", "12,5%"), (12.5, "en", "12.5%"), (100.0, "id", "100,0%"), (0.04, "en", "0.0%")],
)
def test_percent_in_each_language(value: float, lang: str, text: str) -> None:
    assert numbers.percent(value, lang) == text


@given(st.integers(min_value=0, max_value=10**30))
def test_id_number_reads_back(n: int) -> None:
    text = numbers.id_number(n)
    assert re.fullmatch(r"[0-9]{1,3}(?:\.[0-9]{3})*", text)
    assert int(text.replace(".", "")) == n
    assert text.replace(".", ",") == numbers.count(n, "en")


# --- rupiah ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (3_500_000, "Rp3.500.000"),
        (3_500_000.0, "Rp3.500.000"),
        (5_690_752.95, "Rp5.690.752,95"),
        (4_482_914.09, "Rp4.482.914,09"),
        (3_500_000.5, "Rp3.500.000,50"),
        (600_000, "Rp600.000"),
        (999, "Rp999"),
        (1000, "Rp1.000"),
        (0, "Rp0"),
        (1_000_000_000, "Rp1.000.000.000"),
    ],
)
def test_rupiah(amount: float, text: str) -> None:
    assert numbers.rupiah(amount) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [(3_500_000.999, "Rp3.500.001"), (1_234.996, "Rp1.235")],
)
def test_rupiah_carries_rounded_cents(amount: float, text: str) -> None:
    assert numbers.rupiah(amount) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (-1.5, "-Rp1,50"),
        (1e20, "Rp100.000.000.000.000.000.000"),
        # Found by schemathesis on POST /v1/check/batch: the largest float a client can
        # send overflowed to infinity in cents and the request answered 500.
        (1.7976931348623157e308, "Rp" + f"{int(1.7976931348623157e308):,}".replace(",", ".")),
        (float("inf"), "Rpinf"),
    ],
)
def test_rupiah_of_any_float_is_text_not_an_error(amount: float, text: str) -> None:
    assert numbers.rupiah(amount) == text


@given(st.integers(min_value=0, max_value=10**15))
def test_rupiah_reads_back_to_its_cents(cents: int) -> None:
    text = numbers.rupiah(cents / 100)
    match = re.fullmatch(r"Rp([0-9]{1,3}(?:\.[0-9]{3})*)(?:,([0-9]{2}))?", text)
    assert match is not None, text
    whole, sen = match.groups()
    assert int(whole.replace(".", "")) * 100 + int(sen or 0) == round(cents / 100 * 100)
