"""The earlier BSU rounds (2020, 2021, 2022) beside 2025: each rule set loads complete, and
the same worker is decided by each round's own rules (cases.yaml beside this file)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from bsu import evaluate, load_ruleset
from bsu.core.checks import CHECKS
from bsu.core.engine import Decisions
from bsu.core.explain import explain
from bsu.core.reasons import Outcome, ReasonCode, codes_in
from bsu.core.records import frame
from bsu.core.ruleset import available
from tests.support import VALID_WORKER

RULES = Path(__file__).resolve().parents[2] / "rules"
CASES = Path(__file__).parent / "cases.yaml"
ROUNDS = ("bsu-2020", "bsu-2021", "bsu-2022", "bsu-2025")
# Registered before every round's cutoff, so a case changes only what it names.
WORKER: dict[str, Any] = {**VALID_WORKER, "registered_on": "2019-01-15"}

# What the sources give for each round (bsu_rounds.csv, regulation.md §2).
SOURCED: dict[str, dict[str, Any]] = {
    "bsu-2020": {
        "wage_cap_idr": 5_000_000,
        "wage_cap_inclusive": False,  # "di bawah Rp5.000.000"
        "participation_cutoff": dt.date(2020, 6, 30),  # "sampai dengan bulan Juni 2020"
        "benefit_idr": 2_400_000,  # Rp600.000 x 4 months
    },
    "bsu-2021": {
        "wage_cap_idr": 3_500_000,
        # wage_cap_inclusive: the sources do not say "paling banyak" or "di bawah".
        "regional_cap_rounding_idr": 100_000,
        "participation_cutoff": dt.date(2021, 6, 30),
        "benefit_idr": 1_000_000,  # Rp500.000 x 2 months
    },
    "bsu-2022": {
        "wage_cap_idr": 3_500_000,
        "wage_cap_inclusive": True,
        "regional_cap_rounding_idr": 100_000,
        "participation_cutoff": dt.date(2022, 7, 31),
        "benefit_idr": 600_000,
    },
    "bsu-2025": {
        "wage_cap_idr": 3_500_000,
        "wage_cap_inclusive": True,
        "regional_cap_rounding_idr": 100_000,
        "participation_cutoff": dt.date(2025, 4, 30),
        "benefit_idr": 600_000,
    },
}


def _decide(workers: list[dict[str, Any]], round_id: str) -> Decisions:
    records = frame([{**WORKER, **w, "source": w.get("source", "roster.xlsx")} for w in workers])
    records["row"] = range(2, 2 + len(workers))
    return evaluate(records, load_ruleset(round_id, RULES))


def test_the_four_rounds_are_shipped_and_2023_is_not() -> None:
    assert available(RULES) == list(ROUNDS)


@pytest.mark.parametrize("round_id", ROUNDS)
def test_each_round_loads_complete_with_its_sourced_values(round_id: str) -> None:
    rs = load_ruleset(round_id, RULES)
    assert rs.id == round_id
    assert set(rs.reasons) == set(ReasonCode) - NOT_A_CRITERION[round_id], "reasons worded"
    assert {c.id for c in rs.criteria()} <= set(CHECKS), "the engine knows every criterion"
    for reason in rs.reasons.values():
        assert reason.citation.startswith(rs.spec.citation_prefix)
    for name, param in rs.spec.parameters.items():
        assert param.source_url.startswith("https://"), name
    for basis in rs.spec.legal_basis:
        assert basis.source_url.startswith("https://"), basis.short
    for name, value in SOURCED[round_id].items():
        assert rs.param(name) == value, name
    assert rs.spec.effective.from_ <= rs.spec.effective.to
    cutoff = rs.param("participation_cutoff")
    year = int(round_id.rsplit("-", 1)[1])
    assert rs.spec.effective.from_.year == rs.spec.effective.to.year == cutoff.year == year


def test_2020_has_no_regional_rule_and_2021_2022_no_minimum_wages() -> None:
    rs2020 = load_ruleset("bsu-2020", RULES)
    assert "regional_cap_rounding_idr" not in rs2020.spec.parameters
    assert rs2020.spec.tables.minimum_wages is None
    for round_id in ("bsu-2021", "bsu-2022"):
        rs = load_ruleset(round_id, RULES)
        assert "regional_cap_rounding_idr" in rs.spec.parameters
        assert rs.spec.tables.minimum_wages is None, "no UMP/UMK table is sourced for the year"
        assert rs.minimum_wages.empty


def test_the_2020_pkh_and_2021_priority_rules_never_exclude() -> None:
    """PKH is no 2020 criterion and only a priority in 2021 (Pasal 3B): a recipient is
    never ineligible for it, whatever the engine still forces on 2020."""
    for round_id in ("bsu-2020", "bsu-2021"):
        rs = load_ruleset(round_id, RULES)
        for code in (ReasonCode.PKH_UNKNOWN, ReasonCode.EXCLUDED_PKH_RECIPIENT):
            if code in rs.reasons:
                assert rs.reason(code).outcome is Outcome.REVIEW, (round_id, code)
        decided = _decide([{"pkh_recipient": "Ya"}], round_id).frame
        assert decided["status"].tolist() != ["ineligible"]


def _cases() -> list[Any]:
    out = []
    for case in yaml.safe_load(CASES.read_text(encoding="utf-8")):
        for round_id, expected in case["rounds"].items():
            marks = []
            if "xfail" in expected:
                marks.append(pytest.mark.xfail(reason=expected["xfail"], strict=True))
            out.append(
                pytest.param(
                    case["worker"],
                    round_id,
                    expected,
                    marks=marks,
                    id=f"{case['name']} [{round_id}]",
                )
            )
    return out


@pytest.mark.parametrize(("worker", "round_id", "expected"), _cases())
def test_case(worker: dict[str, Any], round_id: str, expected: dict[str, Any]) -> None:
    decisions = _decide([worker], round_id)
    row = decisions.frame.iloc[0]
    assert row["status"] == expected["status"]
    got = sorted(c.value for c in codes_in(int(row["reasons"])))
    assert got == sorted(expected.get("reasons", []))
    if "wage_cap" in expected:
        assert row["wage_cap"] == expected["wage_cap"]
    benefit = SOURCED[round_id]["benefit_idr"] if row["status"] == "eligible" else 0
    assert row["benefit"] == benefit

    text = explain(decisions, "id").messages_text().iloc[0]
    english = explain(decisions, "en").messages_text().iloc[0]
    assert bool(text) == bool(english) == bool(got)
    assert "{" not in text and "{" not in english, "a placeholder was left unfilled"
    assert expected.get("message_contains", "") in text
    assert expected.get("message_contains_en", "") in english


def test_cases_show_differences_between_rounds() -> None:
    """Every case that names several rounds shows them deciding the same worker differently:
    in status, reasons, cap or benefit."""
    for case in yaml.safe_load(CASES.read_text(encoding="utf-8")):
        rounds = case["rounds"]
        assert set(rounds) <= set(ROUNDS), case["name"]
        decided = {
            (
                e["status"],
                tuple(sorted(e.get("reasons", []))),
                e.get("wage_cap"),
                SOURCED[r]["benefit_idr"] if e["status"] == "eligible" else 0,
            )
            for r, e in rounds.items()
        }
        assert len(rounds) == 1 or len(decided) > 1, case["name"]


# One row for every reason a roster alone can give; PARTICIPANT_NOT_FOUND needs a registry.
EVERY_REASON: list[dict[str, Any]] = [
    {"nik": ""},
    {"nik": "327501410190001"},
    {"nik": "9975014101900001"},
    {"nik": "3275017201900001"},
    {"nik": 3275014101900001.0},
    {"nik": "3275014101900101"},
    {"nik": "3275014101900101"},
    {"nik": "3275014101900102", "source": "other-employer.xlsx"},
    {"nik": "3275014101900102"},
    {"participant_status": ""},
    {"participant_status": "Nonaktif"},
    {"registered_on": ""},
    {"registered_on": "kemarin"},
    {"registered_on": "2026-01-01"},
    {"participant_category": "Lainnya"},
    {"participant_category": "BPU"},
    {"wage": ""},
    {"wage": "abc"},
    {"wage": "3.200"},  # in thousands: implausible
    {"wage": 9000000, "region": "Kota Bekasi"},
    {"wage": 4000000, "region": "Atlantis"},
    {"employment_status": "PNS"},
    {"pkh_recipient": "mungkin"},
    {"pkh_recipient": "Ya"},
]
# Reasons of criteria a round does not have: PKH was no 2020 criterion.
NOT_A_CRITERION: dict[str, set[ReasonCode]] = {
    "bsu-2020": {ReasonCode.PKH_UNKNOWN, ReasonCode.EXCLUDED_PKH_RECIPIENT},
    "bsu-2021": set(),
    "bsu-2022": set(),
    "bsu-2025": set(),
}
NEVER: dict[str, set[ReasonCode]] = {
    # One cap everywhere: the region never matters. PKH is not a 2020 criterion.
    "bsu-2020": {ReasonCode.REGION_UNKNOWN} | NOT_A_CRITERION["bsu-2020"],
    # No sourced minimum wages: above Rp3.500.000 nothing can be judged, so nothing is above.
    "bsu-2021": {ReasonCode.WAGE_ABOVE_CAP},
    "bsu-2022": {ReasonCode.WAGE_ABOVE_CAP},
    "bsu-2025": set(),
}


@pytest.mark.parametrize("round_id", ROUNDS)
def test_every_reason_a_round_can_give_is_worded_in_both_languages(round_id: str) -> None:
    workers = [
        {**w, "nik": w.get("nik", f"32750141019{i:05d}")} for i, w in enumerate(EVERY_REASON, 1)
    ]
    decisions = _decide(workers, round_id)
    seen = {code for mask in decisions.frame["reasons"] for code in codes_in(int(mask))}
    expected = set(ReasonCode) - {ReasonCode.PARTICIPANT_NOT_FOUND} - NEVER[round_id]
    assert seen == expected
    for lang in ("id", "en"):
        messages: pd.DataFrame = explain(decisions, lang).messages
        for code in messages.columns:
            for text in messages[code].dropna():
                assert text and "{" not in text, (round_id, lang, code, text)
