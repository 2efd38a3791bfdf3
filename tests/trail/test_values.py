"""What each criterion's entry of a row's ``checks`` says it read and compared: one worker
(changed from one who meets every criterion) per case, one criterion's entry checked."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from bsu import evaluate, load_ruleset
from bsu.core.evidence import Evidence, ExclusionList, registry_frame
from bsu.core.records import frame
from bsu.core.trail import row_checks
from tests.support import VALID_WORKER

RULES = load_ruleset("bsu-2025")
NIK = VALID_WORKER["nik"]

# (name, worker changes, criterion, outcome, reasons, values (a subset), default or None)
CASES: list[tuple[str, dict[str, Any], str, str, list[str], dict[str, Any], str | None]] = [
    (
        "a valid NIK, nationality not stated",
        {},
        "citizen_with_nik",
        "pass",
        [],
        {"nik_valid": True, "nationality": None, "duplicate": False},
        "nationality_blank_not_stated",
    ),
    (
        "a foreign national",
        {"nationality": "WNA"},
        "citizen_with_nik",
        "fail",
        ["NOT_CITIZEN"],
        {"nik_valid": True, "nationality": "wna"},
        None,
    ),
    (
        "a malformed NIK",
        {"nik": "123"},
        "citizen_with_nik",
        "review",
        ["NIK_INVALID_FORMAT"],
        {"nik_valid": False},
        "nationality_blank_not_stated",
    ),
    (
        "active, registered before the cutoff",
        {},
        "active_participant",
        "pass",
        [],
        {
            "status": "active",
            "registered_on": "2024-01-15",
            "cutoff": "2025-04-30",
            "active_means": "contribution_paid",
            "last_paid_month": None,
        },
        None,
    ),
    (
        "registered the day after the cutoff",
        {"registered_on": "2025-05-01"},
        "active_participant",
        "fail",
        ["PARTICIPANT_JOINED_AFTER_CUTOFF"],
        {"registered_on": "2025-05-01", "cutoff": "2025-04-30"},
        None,
    ),
    (
        "a category left blank is taken as PU",
        {"participant_category": ""},
        "wage_earner_category",
        "pass",
        [],
        {"category": None, "required": "PU"},
        "category_blank_is_pu",
    ),
    (
        "a BPU participant",
        {"participant_category": "BPU"},
        "wage_earner_category",
        "fail",
        ["CATEGORY_NOT_PU"],
        {"category": "BPU", "required": "PU"},
        None,
    ),
    (
        "no region: the general cap",
        {"wage": 3_000_000},
        "wage_within_cap",
        "pass",
        [],
        {
            "wage": 3_000_000,
            "wage_basis": "total",
            "cap": 3_500_000,
            "cap_source": "wage_cap_idr",
            "region_state": "missing",
        },
        None,
    ),
    (
        "Morowali, 3.650.000: within its UMK cap",
        {"wage": 3_650_000, "region": "Kabupaten Morowali"},
        "wage_within_cap",
        "pass",
        [],
        {
            "wage": 3_650_000,
            "cap": 3_800_000,
            "cap_source": "UMK Kabupaten Morowali 2025",
            "region_code": "72.06",
            "region_state": "found",
        },
        None,
    ),
    (
        "Morowali, 3.800.001: above its cap",
        {"wage": 3_800_001, "region": "Morowali"},
        "wage_within_cap",
        "fail",
        ["WAGE_ABOVE_CAP"],
        {"wage": 3_800_001, "cap": 3_800_000, "cap_source": "UMK Kabupaten Morowali 2025"},
        None,
    ),
    (
        "Bekasi (city or regency), above both caps",
        {"wage": 5_800_000, "region": "Bekasi"},
        "wage_within_cap",
        "fail",
        ["WAGE_ABOVE_CAP"],
        {"cap": 5_700_000, "cap_source": "region_range_max", "region_state": "ambiguous"},
        None,
    ),
    (
        "basic wage plus fixed allowance, judged as their sum",
        {
            "wage": "",
            "basic_wage": 3_400_000,
            "fixed_allowance": 300_000,
            "region": "Kota Yogyakarta",
        },
        "wage_within_cap",
        "fail",
        ["WAGE_ABOVE_CAP"],
        {
            "wage": 3_700_000,
            "wage_basis": "components",
            "basic_wage": 3_400_000,
            "fixed_allowance": 300_000,
            "daily_wage": None,
            "cap": 3_500_000,
            "cap_source": "wage_cap_idr",
            "region_state": "found",
        },
        None,
    ),
    (
        "a daily wage x 25 at the cap",
        {"wage": "", "daily_wage": 140_000},
        "wage_within_cap",
        "pass",
        [],
        {"wage": 3_500_000, "wage_basis": "daily", "daily_wage": 140_000, "basic_wage": None},
        None,
    ),
    (
        "a basic wage alone, far below the cap",
        {"wage": "", "basic_wage": 2_000_000},
        "wage_within_cap",
        "pass",
        [],
        {"wage": 2_000_000, "wage_basis": "basic_only", "basic_wage": 2_000_000},
        "fixed_allowance_blank_is_none",
    ),
    (
        "a civil servant",
        {"employment_status": "PNS"},
        "not_asn_tni_polri",
        "fail",
        ["EXCLUDED_ASN_TNI_POLRI"],
        {"employment": "asn"},
        None,
    ),
    (
        "an employment status left blank",
        {"employment_status": ""},
        "not_asn_tni_polri",
        "pass",
        [],
        {"employment": None},
        "employment_blank_not_excluded",
    ),
    (
        "a contract worker",
        {"employment_status": "Kontrak"},
        "not_asn_tni_polri",
        "pass",
        [],
        {"employment": "other"},
        None,
    ),
    (
        "a PKH recipient",
        {"pkh_recipient": "Ya"},
        "not_pkh_recipient",
        "fail",
        ["EXCLUDED_PKH_RECIPIENT"],
        {"pkh": True},
        None,
    ),
    (
        "a dash in the PKH column",
        {"pkh_recipient": "-"},
        "not_pkh_recipient",
        "pass",
        [],
        {"pkh": None},
        "pkh_blank_is_not_recipient",
    ),
    (
        "an unreadable PKH answer",
        {"pkh_recipient": "?"},
        "not_pkh_recipient",
        "review",
        ["PKH_UNKNOWN"],
        {"pkh": None},
        None,
    ),
]


def _entry(worker: dict[str, Any], criterion: str, evidence: Evidence | None = None) -> Any:
    records = frame([{**VALID_WORKER, **worker, "source": "roster.xlsx"}])
    decisions = evaluate(records, RULES, evidence or Evidence())
    [checks] = row_checks(decisions)
    return next(entry for entry in checks if entry["criterion"] == criterion)


@pytest.mark.parametrize(
    ("worker", "criterion", "outcome", "reasons", "values", "default"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_each_entry_says_what_was_read_and_compared(
    worker: dict[str, Any],
    criterion: str,
    outcome: str,
    reasons: list[str],
    values: dict[str, Any],
    default: str | None,
) -> None:
    entry = _entry(worker, criterion)
    assert (entry["outcome"], entry["reasons"]) == (outcome, reasons)
    assert {k: entry["values"][k] for k in values} == values
    assert entry.get("default") == default
    assert entry["evidence"] == "roster" and "evidence_label" not in entry
    article = next(c.citation for c in RULES.criteria() if c.id == criterion)
    assert entry["citation"] == f"{RULES.spec.citation_prefix}, {article}"


def test_every_criterion_of_the_rule_set_has_its_fixed_keys() -> None:
    """The keys of a criterion's values do not depend on the row."""
    records = frame(
        [
            {**VALID_WORKER, **worker, "source": "roster.xlsx", "nik": f"32750141019000{i:02d}"}
            for i, (_, worker, *_) in enumerate(CASES, start=1)
        ]
    )
    checks = row_checks(evaluate(records, RULES))
    for i in range(len(RULES.spec.criteria)):
        assert len({tuple(row[i]["values"]) for row in checks}) == 1


def _registry(**columns: Any) -> Evidence:
    rows = {
        "nik": [NIK],
        "status": ["active"],
        "category": ["PU"],
        "registered_on": [dt.date(2023, 3, 1)],
        "label": ["2025-05-02"],
        **{k: [v] for k, v in columns.items()},
    }
    return Evidence(registry=registry_frame(pd.DataFrame(rows)), registry_label="2025-05-02")


def test_a_registry_month_is_shown_as_the_month_and_names_the_extract() -> None:
    entry = _entry({}, "active_participant", _registry(last_contribution="2025-03"))
    assert (entry["outcome"], entry["reasons"]) == ("fail", ["CONTRIBUTION_NOT_PAID"])
    assert entry["values"]["last_paid_month"] == "2025-03"
    assert entry["values"]["in_registry"] is True
    assert (entry["evidence"], entry["evidence_label"]) == ("registry", "2025-05-02")


def test_the_registrys_reported_wage_is_the_wage_judged() -> None:
    entry = _entry({"wage": 3_000_000}, "wage_within_cap", _registry(reported_wage=3_600_000))
    assert entry["values"]["wage"] == 3_600_000
    assert entry["values"]["wage_basis"] == "registry"
    assert (entry["evidence"], entry["evidence_label"]) == ("registry", "2025-05-02")


def test_a_list_that_decided_is_named_with_its_date() -> None:
    listed = ExclusionList("pkh", pd.Index([NIK], dtype=object), "PKH 2025-06-01 (Kemensos)")
    entry = _entry({"pkh_recipient": ""}, "not_pkh_recipient", Evidence(lists=(listed,)))
    assert entry["outcome"] == "fail"
    assert (entry["evidence"], entry["evidence_label"]) == (
        "list:pkh",
        "PKH 2025-06-01 (Kemensos)",
    )
    assert "default" not in entry, "a list decided: nothing was assumed"
