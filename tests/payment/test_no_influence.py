"""The payment pre-check never changes an eligibility decision (issue 15): for generated
rosters, valid rows and broken ones, adding bank, account and holder columns with any
cells leaves every row's decision as it was, under every shipped rule set; and making
the pre-check writes nothing back into the decisions. Synthetic people only."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bsu import load_ruleset
from bsu.core import fields, payment
from bsu.core.records import frame
from bsu.core.ruleset import available
from bsu.service.pipeline import check_records
from tests.support import VALID_WORKER

ROUNDS = available()
# The decision's own columns: everything but what the payment fields are read into.
PAYMENT_COLUMNS = frozenset(
    column for f in fields.PAYMENT for column in (f"{f.name}_raw", *f.parsed)
)
NAMES = ["Budi Santoso", "Siti Aminah", "Muhammad Rizki", "Hj. Dewi Lestari, S.E.", "", None]

_cells: dict[str, st.SearchStrategy[Any]] = {
    "nik": st.sampled_from(
        [
            "3171011501900001",
            "3171011501900002",
            "3275014101900001",
            "1171015506850003",  # Aceh
            3171011501900003.0,  # a number cell: digits lost
            "31710115019000AB",
            "123",
            "",
            None,
        ]
    ),
    "name": st.sampled_from(NAMES),
    "wage": st.sampled_from(
        [
            3_000_000,
            2_500_000.0,
            "3.000.000",
            "Rp 3,5 juta",
            5_500_000,
            10_000_000,
            0,
            -1,
            "x",
            None,
        ]
    ),
    "kpj": st.sampled_from(["12345678901", "", None]),
    "participant_status": st.sampled_from(["Aktif", "aktif", "Nonaktif", "NA", "xyz", "", None]),
    "participant_category": st.sampled_from(["PU", "BPU", "Penerima Upah", "", None]),
    "registered_on": st.sampled_from(
        ["2024-01-15", "2025-06-01", dt.date(2019, 3, 1), "15/01/2024", "kemarin", None]
    ),
    "region": st.sampled_from(
        ["Kota Jakarta Selatan", "Kota Banda Aceh", "Kabupaten Bekasi", "Antah Berantah", None]
    ),
    "province": st.sampled_from(["DKI Jakarta", "Aceh", "", None]),
    "employment_status": st.sampled_from(["Swasta", "PNS", "TNI", "Honorer", "", None]),
    "pkh_recipient": st.sampled_from(["Ya", "Tidak", "", None]),
    "nationality": st.sampled_from(["WNI", "WNA", "Indonesia", "", None]),
    "basic_wage": st.sampled_from([2_000_000, "1.500.000", None]),
    "fixed_allowance": st.sampled_from([500_000, None]),
    "daily_wage": st.sampled_from([150_000, "abc", None]),
}
# A change to one field of a worker who meets every criterion (a few per row: valid rows
# stay common, and most rows break in one way at a time).
_changes = st.lists(
    st.sampled_from(sorted(_cells)).flatmap(lambda name: st.tuples(st.just(name), _cells[name])),
    max_size=3,
).map(dict)

_accounts: dict[str, st.SearchStrategy[Any]] = {
    "bank": st.one_of(
        st.sampled_from(["BRI", "bri unit", "002", "BNI 46", "Mandiri", "BTN", "BSI", "BCA"]),
        st.sampled_from(["Bank Antah", "", None, 2, math.nan]),
        st.text(max_size=20),
    ),
    "account_number": st.one_of(
        st.from_regex(r"[0-9]{8,17}", fullmatch=True),
        st.integers(min_value=0, max_value=10**18),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(["1.23457E+15", "0123-4567-89", "'0123456789", "", None]),
        st.text(max_size=20),
    ),
    "account_holder": st.one_of(st.sampled_from(NAMES), st.text(max_size=30)),
}
_account_data = st.fixed_dictionaries({}, optional=_accounts)


def _worker(position: int, changes: dict[str, Any]) -> dict[str, Any]:
    """The valid worker, with a NIK of their own (born 15-01-90 in Jakarta Selatan), and
    ``changes``."""
    nik = f"31710115019{position + 1:05d}"
    return {**VALID_WORKER, "nik": nik, "region": "Kota Jakarta Selatan", **changes}


def _decided(records: list[dict[str, Any]], round_id: str) -> pd.DataFrame:
    return check_records(frame(records), load_ruleset(round_id)).decisions.frame


@pytest.mark.parametrize("round_id", ROUNDS)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(_changes, _account_data), min_size=1, max_size=8))
def test_account_columns_never_change_a_decision(
    round_id: str, roster: list[tuple[dict[str, Any], dict[str, Any]]]
) -> None:
    without = [_worker(i, changes) for i, (changes, _) in enumerate(roster)]
    with_accounts = [
        {**worker, **accounts} for worker, (_, accounts) in zip(without, roster, strict=True)
    ]
    plain = _decided(without, round_id)
    rules = load_ruleset(round_id)
    decisions = check_records(frame(with_accounts), rules).decisions
    before = decisions.frame.copy(deep=True)
    found = payment.of(decisions)
    assert (found is None) == (rules.spec.payment is None)
    pd.testing.assert_frame_equal(decisions.frame, before)  # the pre-check wrote nothing

    judged = decisions.frame
    for column in ("status", "reasons", "wage", "wage_cap", "benefit", "cap_min", "cap_max"):
        pd.testing.assert_series_equal(judged[column], plain[column])
    own = [c for c in plain.columns if c not in PAYMENT_COLUMNS]
    assert list(judged.columns) == list(plain.columns)
    pd.testing.assert_frame_equal(judged[own], plain[own])


def test_the_decision_columns_leave_out_only_the_account_fields() -> None:
    """The comparison above keeps every column a criterion could read."""
    judged = _decided([{"nik": "3171011501900001", "bank": "BRI"}], "bsu-2025")
    assert set(judged.columns) >= PAYMENT_COLUMNS
    assert {"status", "reasons", "wage", "wage_cap", "benefit"} <= set(judged.columns)
    assert sorted(PAYMENT_COLUMNS) == [
        "account",
        "account_holder_raw",
        "account_number_raw",
        "account_numeric",
        "bank_raw",
    ]
