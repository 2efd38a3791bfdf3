"""nik.clean, nik.check and nik.mask: tables of real-world cells, then properties."""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bsu.values import nik

REGIONS_CSV = Path(__file__).resolve().parents[2] / "rules" / "regions_kemendagri_2025.csv"
_regions = pd.read_csv(REGIONS_CSV, dtype=str)
PROVINCES = frozenset(_regions.loc[_regions["level"] == "province", "code"])

VALID = "3273056010900010"  # Kota Bandung, born 20-10-1990 (woman: 60 = 20 + 40)


def _clean_one(value: object) -> tuple[object, bool]:
    text, numeric = nik.clean(pd.Series([value], dtype=object))
    return text.iloc[0], bool(numeric.iloc[0])


def _check_one(value: str) -> dict[str, bool]:
    flags = nik.check(pd.Series([value], dtype=object), set(PROVINCES))
    return {k: bool(v) for k, v in flags.iloc[0].items()}


def test_the_reference_table_has_the_38_provinces() -> None:
    assert len(PROVINCES) == 38
    assert {"11", "31", "32", "33", "96"} <= PROVINCES
    assert "99" not in PROVINCES


# --- clean -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text", "numeric"),
    [
        ("3273056010900010", VALID, False),
        (" 3273056010900010 ", VALID, False),
        ("3273 0560 1090 0010", VALID, False),
        ("3273.0560.1090.0010", VALID, False),
        ("3273-0560-1090-0010", VALID, False),
        ("32.73.05.601090.0010", VALID, False),
        ("3273\u00a0056010900010", VALID, False),  # non-breaking space from a web page
        ("'3273056010900010", VALID, False),  # Excel's "store as text" apostrophe
        (3273056010900010.0, VALID, True),  # a number cell: precision lost
        (3273056010900010, VALID, True),
        ("6.17101E+15", "617101E+15", True),  # scientific text: never a real NIK
        ("6,17101E+15", "6,17101E+15", True),  # the same with a decimal comma
        ("6.17101e15", "617101e15", True),
        (None, "", False),
        ("", "", False),
        ("   ", "", False),
        (float("nan"), "", False),
    ],
)
def test_clean(raw: object, text: str, numeric: bool) -> None:
    assert _clean_one(raw) == (text, numeric)


def test_clean_keeps_the_index_and_row_order() -> None:
    raw = pd.Series(["3273 0560 1090 0010", None, 3273056010900010.0], index=[7, 3, 5])
    text, numeric = nik.clean(raw)
    assert list(text.index) == [7, 3, 5]
    assert text.tolist() == [VALID, "", VALID]
    assert numeric.tolist() == [False, False, True]


def test_scientific_text_never_passes_the_format_check() -> None:
    text, numeric = nik.clean(pd.Series(["6.17101E+15", "6,17101E+15"], dtype=object))
    assert numeric.all()
    assert nik.check(text, set(PROVINCES))["bad_format"].all()


# --- check -------------------------------------------------------------------------------

_OK = {"missing": False, "bad_format": False, "bad_region": False, "bad_birthdate": False}


def _flags(**on: bool) -> dict[str, bool]:
    return {**_OK, **on}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(VALID, _OK, id="valid"),
        pytest.param("", _flags(missing=True), id="empty"),
        pytest.param(VALID[:15], _flags(bad_format=True), id="15-digits"),
        pytest.param(VALID + "1", _flags(bad_format=True), id="17-digits"),
        pytest.param("3273O56010900010", _flags(bad_format=True), id="letter-O"),
        pytest.param("ABCDEFGHIJKLMNOP", _flags(bad_format=True), id="letters"),
        pytest.param("３２７３０５６０１０９０００１０", _flags(bad_format=True), id="full-width"),
        pytest.param("٣٢٧٣٠٥٦٠١٠٩٠٠٠١٠", _flags(bad_format=True), id="arabic-indic"),
        pytest.param("3273 056010900010", _flags(bad_format=True), id="uncleaned-space"),
        pytest.param("9973056010900010", _flags(bad_region=True), id="province-99"),
        pytest.param("0073056010900010", _flags(bad_region=True), id="province-00"),
        pytest.param("3073056010900010", _flags(bad_region=True), id="province-30"),
        pytest.param("9673050101000001", _OK, id="province-96-papua-barat-daya"),
        pytest.param("1101050101000001", _OK, id="province-11-aceh"),
        # Men: day 01-31; women: day + 40, so 41-71.
        pytest.param("3273050110900001", _OK, id="man-day-01"),
        pytest.param("3273053110900001", _OK, id="man-day-31-oct"),
        pytest.param("3273054110900001", _OK, id="woman-day-41"),
        pytest.param("3273057110900001", _OK, id="woman-day-71-oct"),
        pytest.param("3273053210900001", _flags(bad_birthdate=True), id="day-32"),
        pytest.param("3273053610900001", _flags(bad_birthdate=True), id="day-36"),
        pytest.param("3273054010900001", _flags(bad_birthdate=True), id="day-40"),
        pytest.param("3273057210900001", _flags(bad_birthdate=True), id="day-72"),
        pytest.param("3273050010900001", _flags(bad_birthdate=True), id="day-00"),
        pytest.param("3273059910900001", _flags(bad_birthdate=True), id="day-99"),
        pytest.param("3273051513900001", _flags(bad_birthdate=True), id="month-13"),
        pytest.param("3273051500900001", _flags(bad_birthdate=True), id="month-00"),
        pytest.param("3273052902960001", _OK, id="29-feb-96"),
        pytest.param("3273052902000001", _OK, id="29-feb-00"),
        pytest.param("3273056902040001", _OK, id="29-feb-04-woman"),
        pytest.param("3273052902970001", _flags(bad_birthdate=True), id="29-feb-97"),
        pytest.param("3273056902010001", _flags(bad_birthdate=True), id="29-feb-01-woman"),
        pytest.param("3273053002960001", _flags(bad_birthdate=True), id="30-feb-96"),
        pytest.param("3273053104900001", _flags(bad_birthdate=True), id="31-apr"),
        pytest.param("3273057104900001", _flags(bad_birthdate=True), id="31-apr-woman"),
        pytest.param("3273053004900001", _OK, id="30-apr"),
        pytest.param("3273053112990001", _OK, id="31-dec-99"),
        pytest.param("9973053104900001", _flags(bad_region=True, bad_birthdate=True), id="both"),
    ],
)
def test_check(value: str, expected: dict[str, bool]) -> None:
    assert _check_one(value) == expected


def test_check_on_a_column_flags_each_row_on_its_own() -> None:
    column = pd.Series([VALID, "", "123", "9973056010900010"], index=[10, 11, 12, 13])
    flags = nik.check(column, set(PROVINCES))
    assert list(flags.index) == [10, 11, 12, 13]
    assert flags["missing"].tolist() == [False, True, False, False]
    assert flags["bad_format"].tolist() == [False, False, True, False]
    assert flags["bad_region"].tolist() == [False, False, False, True]
    assert not flags["bad_birthdate"].any()


# --- properties --------------------------------------------------------------------------

_two_digits = st.integers(1, 99).map(lambda n: f"{n:02d}")


@st.composite
def valid_niks(draw: st.DrawFn) -> str:
    province = draw(st.sampled_from(sorted(PROVINCES)))
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
    woman = draw(st.booleans())
    day = born.day + (40 if woman else 0)
    serial = draw(st.integers(1, 9999))
    return (
        f"{province}{draw(_two_digits)}{draw(_two_digits)}"
        f"{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(valid_niks(), min_size=1, max_size=20))
def test_any_nik_with_a_province_and_a_real_birthdate_is_accepted(values: list[str]) -> None:
    flags = nik.check(pd.Series(values, dtype=object), set(PROVINCES))
    assert not flags.any(axis=None), flags[flags.any(axis=1)]


def _real_date(day: int, month: int, yy: int) -> bool:
    if day > 40:
        day -= 40
    if not 1 <= month <= 12:
        return False
    # The century is not encoded: a yy that is a multiple of four may be a leap year.
    year = 2000 if yy % 4 == 0 else 2001
    return 1 <= day <= calendar.monthrange(year, month)[1]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 99), st.integers(0, 99), st.integers(0, 99))
def test_birthdate_flag_matches_the_calendar(day: int, month: int, yy: int) -> None:
    value = f"327305{day:02d}{month:02d}{yy:02d}0001"
    assert _check_one(value)["bad_birthdate"] is not _real_date(day, month, yy)


_cells = st.one_of(
    st.text(),
    st.none(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_cells, max_size=20))
def test_clean_never_raises_and_returns_text(values: list[object]) -> None:
    text, numeric = nik.clean(pd.Series(values, dtype=object))
    assert len(text) == len(numeric) == len(values)
    assert all(isinstance(v, str) for v in text)
    assert numeric.dtype == bool


@settings(max_examples=200, deadline=None)
@given(
    valid_niks(),
    st.lists(st.tuples(st.integers(0, 16), st.sampled_from([" ", ".", "-", "  ", " - "]))),
    st.booleans(),
)
def test_separators_clean_back_to_the_nik(
    value: str, inserts: list[tuple[int, str]], apostrophe: bool
) -> None:
    typed = value
    for position, sep in sorted(inserts, reverse=True):
        typed = typed[:position] + sep + typed[position:]
    if apostrophe:
        typed = "'" + typed
    assert _clean_one(typed) == (value, False)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_mask_shows_at_most_the_first_and_last_four_digits(value: str) -> None:
    masked = nik.mask(value)
    assert len(masked) == 16
    assert masked[:4] == value[:4]
    assert masked[-4:] == value[-4:]
    assert masked[4:12] == "*" * 8
    assert sum(c.isdigit() for c in masked) == 8


@pytest.mark.parametrize("value", ["", "1", "1234", "12345678"])
def test_mask_hides_short_values_entirely(value: str) -> None:
    assert nik.mask(value) == "*" * len(value)


def test_numpy_numbers_are_numbers_too() -> None:
    raw = pd.Series([np.float64(3273056010900010.0), np.int64(3273056010900010)], dtype=object)
    text, numeric = nik.clean(raw)
    assert text.tolist() == [VALID, VALID]
    assert numeric.tolist() == [True, True]


# --- digits of other scripts ---------------------------------------------------------------

# Python's \d, str.isdigit(), int() and pydantic's default patterns all take these for
# digits ('١' and '１' are "1"); a NIK is sixteen ASCII digits, typed or pasted, and one
# that is not must be flagged as written, never turned into another NIK.
_FOREIGN_DIGITS = st.characters(categories=["Nd"]).filter(lambda c: not "0" <= c <= "9")


@pytest.mark.parametrize("dtype", [object, "str"], ids=["xlsx-cells", "csv-arrow-strings"])
@settings(max_examples=150, deadline=None)
@given(value=valid_niks(), position=st.integers(0, 15), digit=_FOREIGN_DIGITS)
def test_a_digit_of_another_script_makes_a_nik_malformed(
    dtype: object, value: str, position: int, digit: str
) -> None:
    typed = value[:position] + digit + value[position + 1 :]
    assert digit.isdigit() and int(digit) in range(10)  # what a looser check would accept
    text, numeric = nik.clean(pd.Series([typed], dtype=dtype))  # type: ignore[call-overload]
    assert text.tolist() == [typed], "kept as typed, not normalised to ASCII"
    assert not numeric.iloc[0]
    flags = nik.check(text, set(PROVINCES))
    assert flags.iloc[0].to_dict() == _flags(bad_format=True)


_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_WORKER_NIK = "3275014101900001"  # tests.support.VALID_WORKER's


@pytest.mark.parametrize(
    "typed",
    [
        _WORKER_NIK.translate(_FULL_WIDTH),
        _WORKER_NIK.translate(_ARABIC_INDIC),
        _WORKER_NIK[:14] + _WORKER_NIK[14:15].translate(_FULL_WIDTH) + _WORKER_NIK[15:],
        _WORKER_NIK[:15] + _WORKER_NIK[15:].translate(_ARABIC_INDIC),
    ],
    ids=["full-width", "arabic-indic", "one-full-width", "one-arabic-indic"],
)
def test_the_engine_calls_such_a_nik_malformed(typed: str) -> None:
    from bsu import evaluate, load_ruleset
    from bsu.core.reasons import ReasonCode, codes_in
    from bsu.core.records import frame
    from tests.support import VALID_WORKER

    records = frame([{**VALID_WORKER, "nik": typed}, VALID_WORKER])
    decided = evaluate(records, load_ruleset("bsu-2025")).frame
    reasons = [set(codes_in(int(mask))) for mask in decided["reasons"]]
    assert ReasonCode.NIK_INVALID_FORMAT in reasons[0]
    assert typed != VALID_WORKER["nik"] == _WORKER_NIK
    assert ReasonCode.NIK_DUPLICATE not in reasons[0], "not read as row 2's NIK"
    assert decided["status"].tolist()[0] != "eligible"
    assert ReasonCode.NIK_INVALID_FORMAT not in reasons[1]
