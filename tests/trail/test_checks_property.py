"""Every row's ``checks`` (``bsu.core.trail``) over generated rosters: one entry per
criterion of its rule set, in order, and outcomes that agree with the row's status."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bsu import evaluate, load_ruleset
from bsu.core.evidence import Evidence, ExclusionList, registry_frame
from bsu.core.reasons import CRITERION_REASONS, CheckOutcome, Status, codes_in
from bsu.core.records import frame
from bsu.core.ruleset import available
from bsu.core.trail import row_checks

# Structurally valid NIKs (Kota Bekasi, born 1 January 1990, a woman's day + 40): a few,
# so that the same NIK is drawn twice now and then (a duplicate).
NIKS = [f"327501410190{i:04d}" for i in range(1, 13)]
TEXT = {
    "nik": st.sampled_from([*NIKS, "", "123", "32750141019O0001", "9975014101900001"])
    | st.sampled_from(NIKS).map(float),
    "wage": st.sampled_from([None, "", "abc", "3,5 juta", "Rp 3.800.001", 3_200])
    | st.integers(1_000_000, 6_500_000),
    "participant_status": st.sampled_from(["Aktif", "Nonaktif", "", "mungkin"]),
    "participant_category": st.sampled_from(["", "PU", "BPU", "-", "lain"]),
    "registered_on": st.sampled_from(["2024-01-15", "2025-04-30", "2025-05-01", "", "kemarin"]),
    "region": st.sampled_from(
        ["", "Kota Bekasi", "Bekasi", "Morowali", "Jawa Barat", "Kota Jambi", "Atlantis"]
    ),
    "employment_status": st.sampled_from(["", "PNS", "Kontrak", "TNI AL", "-"]),
    "pkh_recipient": st.sampled_from(["", "Ya", "Tidak", "-", "?"]),
    "nationality": st.sampled_from(["", "WNI", "WNA", "Indonesia", "Mars"]),
    "basic_wage": st.sampled_from([None, None, 3_400_000, "tiga juta"]),
    "fixed_allowance": st.sampled_from([None, 300_000, ""]),
    "daily_wage": st.sampled_from([None, None, 140_000]),
}
WORKERS = st.lists(st.fixed_dictionaries(TEXT), min_size=1, max_size=25)
RULE_SETS = available()


def _ids(checks: list[dict[str, Any]]) -> list[str]:
    return [entry["criterion"] for entry in checks]


def assert_consistent(decisions: Any) -> None:
    """What the property says of each row's checks."""
    rules = decisions.ruleset
    criteria = [c.id for c in rules.criteria()]
    checks = row_checks(decisions)
    f = decisions.frame
    assert len(checks) == len(f)
    json.dumps(checks, allow_nan=False)  # plain JSON values: no NaN, no numpy scalars
    for row, status, mask in zip(checks, f["status"], f["reasons"], strict=True):
        assert _ids(row) == criteria, "every criterion once, in the rule set's order"
        outcomes = {entry["outcome"] for entry in row}
        assert outcomes <= {o.value for o in CheckOutcome}
        if status == Status.ELIGIBLE.value:
            assert outcomes <= {CheckOutcome.PASS.value, CheckOutcome.NOT_APPLICABLE.value}
        fails = CheckOutcome.FAIL.value in outcomes
        assert fails == (status == Status.INELIGIBLE.value)
        if status == Status.REVIEW.value:
            assert CheckOutcome.REVIEW.value in outcomes
        # The reasons the entries name are the row's reasons, each under its criterion.
        named = sorted(code for entry in row for code in entry["reasons"])
        assert named == sorted(c.value for c in codes_in(int(mask)))
        for entry in row:
            allowed = {c.value for c in CRITERION_REASONS[entry["criterion"]]}
            assert set(entry["reasons"]) <= allowed
            assert (entry["outcome"] == CheckOutcome.PASS.value) <= (not entry["reasons"])
            assert entry["citation"].startswith(rules.spec.citation_prefix)
            assert entry["evidence"] == "roster" or entry["evidence_label"]


@pytest.mark.parametrize("ruleset_id", RULE_SETS)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workers=WORKERS)
def test_every_row_names_every_criterion_once_and_agrees_with_its_status(
    ruleset_id: str, workers: list[dict[str, Any]]
) -> None:
    records = frame([{**w, "source": "roster.xlsx"} for w in workers])
    assert_consistent(evaluate(records, load_ruleset(ruleset_id)))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    workers=WORKERS,
    listed=st.lists(st.sampled_from(NIKS), unique=True, max_size=4),
    registered=st.lists(st.sampled_from(NIKS), unique=True, max_size=6),
    status=st.sampled_from(["active", "inactive", None]),
)
def test_the_same_holds_where_a_registry_and_lists_outrank_the_roster(
    workers: list[dict[str, Any]], listed: list[str], registered: list[str], status: str | None
) -> None:
    rules = load_ruleset("bsu-2025")
    registry = registry_frame(
        pd.DataFrame(
            {
                "nik": registered,
                "status": [status] * len(registered),
                "category": ["PU"] * len(registered),
                "registered_on": [dt.date(2023, 3, 1)] * len(registered),
                "reported_wage": [3_100_000.0] * len(registered),
                "label": ["2025-05-02"] * len(registered),
            }
        )
    )
    lists = tuple(
        ExclusionList(kind, pd.Index(listed, dtype=object), f"{kind.upper()} 2025-06-01")
        for kind in ("pkh", "asn")
    )
    evidence = Evidence(registry=registry, lists=lists, registry_label="2025-05-02")
    records = frame([{**w, "source": "roster.xlsx"} for w in workers])
    decisions = evaluate(records, rules, evidence)
    assert_consistent(decisions)
    checks = row_checks(decisions)
    f = decisions.frame
    for row, nik, numeric in zip(checks, f["nik"], f["nik_numeric"], strict=True):
        by_id = {entry["criterion"]: entry for entry in row}
        if nik in listed and not numeric:  # a NIK typed as a number is never looked up
            pkh = by_id["not_pkh_recipient"]
            assert (pkh["evidence"], pkh["evidence_label"]) == ("list:pkh", "PKH 2025-06-01")
            assert pkh["outcome"] == CheckOutcome.FAIL.value
