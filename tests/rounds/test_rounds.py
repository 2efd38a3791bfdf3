"""The earlier BSU rounds (2020, 2021, 2022) beside 2025: each rule set loads complete, and
the same worker is decided by each round's own rules (cases.yaml beside this file)."""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from bsu import evaluate, load_ruleset
from bsu.core.checks import CHECKS
from bsu.core.engine import Decisions
from bsu.core.evidence import NO_EVIDENCE, Evidence, registry_frame
from bsu.core.explain import explain
from bsu.core.reasons import Outcome, ReasonCode, codes_in
from bsu.core.records import frame
from bsu.core.ruleset import available
from bsu.rosters import extracts
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
        "benefit_months": 4,  # Rp600.000 x 4 months
        "benefit_monthly_idr": 600_000,
        "active_means": "status_only",
        "wage_daily_factor": 25,
    },
    "bsu-2021": {
        "wage_cap_idr": 3_500_000,
        "wage_cap_inclusive": True,  # "Gaji paling banyak sebesar Rp 3,5 juta/ bulan"
        "regional_cap_rounding_idr": 100_000,
        "participation_cutoff": dt.date(2021, 6, 30),
        "benefit_months": 2,  # Rp500.000 x 2 months
        "benefit_monthly_idr": 500_000,
        "active_means": "status_only",
        "wage_daily_factor": 25,
    },
    "bsu-2022": {
        "wage_cap_idr": 3_500_000,
        "wage_cap_inclusive": True,
        "regional_cap_rounding_idr": 100_000,
        "participation_cutoff": dt.date(2022, 7, 31),
        "benefit_months": 1,  # Rp600.000 once
        "benefit_monthly_idr": 600_000,
        "active_means": "status_only",
        "wage_daily_factor": 25,
    },
    "bsu-2025": {
        "wage_cap_idr": 3_500_000,
        "wage_cap_inclusive": True,
        "regional_cap_rounding_idr": 100_000,
        "participation_cutoff": dt.date(2025, 4, 30),
        "benefit_months": 2,  # Rp300.000 x 2 months (June and July 2025), paid at once
        "benefit_monthly_idr": 300_000,
        "active_means": "contribution_paid",
        "wage_daily_factor": 25,
    },
}


def _benefit(round_id: str) -> int:
    """What one eligible worker receives in the round: months x the monthly amount."""
    return int(SOURCED[round_id]["benefit_months"] * SOURCED[round_id]["benefit_monthly_idr"])


def _decide(
    workers: list[dict[str, Any]], round_id: str, evidence: Evidence = NO_EVIDENCE
) -> Decisions:
    records = frame([{**WORKER, **w, "source": w.get("source", "roster.xlsx")} for w in workers])
    records["row"] = range(2, 2 + len(workers))
    return evaluate(records, load_ruleset(round_id, RULES), evidence)


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
        assert param.source_url.startswith(("https://", "http://")), name
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
    benefit = _benefit(round_id) if row["status"] == "eligible" else 0
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
                _benefit(r) if e["status"] == "eligible" else 0,
            )
            for r, e in rounds.items()
        }
        assert len(rounds) == 1 or len(decided) > 1, case["name"]


# One row for every reason a roster alone can give; REGISTRY_ONLY need a registry.
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
    {"nationality": "WNA"},
    {"nationality": "Mars"},
    # Only a basic wage, close below the cap (the 2025 and 2021-2022 cap, then 2020's).
    {"wage": None, "basic_wage": 3400000, "region": "Kota Semarang"},
    {"wage": None, "basic_wage": 4800000, "region": "Kota Semarang"},
]
REGISTRY_ONLY = {
    ReasonCode.PARTICIPANT_NOT_FOUND,
    ReasonCode.CONTRIBUTION_NOT_PAID,
    ReasonCode.PARTICIPANT_NONACTIVE_BY_CUTOFF,
}
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
    expected = set(ReasonCode) - REGISTRY_ONLY - NEVER[round_id]
    assert seen == expected
    for lang in ("id", "en"):
        messages: pd.DataFrame = explain(decisions, lang).messages
        for code in messages.columns:
            for text in messages[code].dropna():
                assert text and "{" not in text, (round_id, lang, code, text)


# "Active up to the cutoff" by the contribution paid (active_means: contribution_paid) is
# known only for 2025 (Kemnaker); the earlier rounds judge the participation status alone,
# even when the registry gives the last month paid or the month the worker became
# non-active (BLTH NA). {prev} and {cutoff} are the month before each round's cutoff month
# and that month, as an extract writes them.
ACTIVE_BY_CONTRIBUTION: list[tuple[str, dict[str, str], dict[str, list[str]]]] = [
    (
        "last contribution the month before the cutoff",
        {"Iuran Terakhir": "{prev}"},
        {"bsu-2025": ["CONTRIBUTION_NOT_PAID"]},
    ),
    ("last contribution in the cutoff month", {"Iuran Terakhir": "{cutoff}"}, {}),
    (
        "non-active (BLTH NA) in the cutoff month",
        {"Iuran Terakhir": "{cutoff}", "BLTH NA": "{cutoff}"},
        {"bsu-2025": ["PARTICIPANT_NONACTIVE_BY_CUTOFF"]},
    ),
]


def _registry(folder: Path, columns: dict[str, str]) -> Evidence:
    """A registry extract with one active PU participant (the worker), written as a CSV
    and read the way ``bsu registry import`` reads one."""
    path = folder / "registry.csv"
    row = {
        "NIK": WORKER["nik"],
        "Status Kepesertaan": "Aktif",
        "Kategori": "PU",
        "Tanggal Kepesertaan": WORKER["registered_on"],
        **columns,
    }
    pd.DataFrame([row], dtype=object).to_csv(path, sep=";", index=False)
    participants, skipped = extracts.registry(path).rows()
    assert skipped == 0
    label = "2025-05-02"
    return Evidence(registry=registry_frame(participants.assign(label=label)), registry_label=label)


@pytest.mark.parametrize("round_id", ROUNDS)
@pytest.mark.parametrize(
    ("columns", "reasons"),
    [pytest.param(c, r, id=name) for name, c, r in ACTIVE_BY_CONTRIBUTION],
)
def test_active_by_contribution_only_where_the_round_says_so(
    tmp_path: Path, round_id: str, columns: dict[str, str], reasons: dict[str, list[str]]
) -> None:
    cutoff = load_ruleset(round_id, RULES).param("participation_cutoff")
    prev = (cutoff.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    months = {"prev": prev, "cutoff": cutoff.strftime("%Y-%m")}
    evidence = _registry(tmp_path, {k: v.format(**months) for k, v in columns.items()})
    row = _decide([{}], round_id, evidence).frame.iloc[0]
    expected = reasons.get(round_id, [])
    assert sorted(c.value for c in codes_in(int(row["reasons"]))) == expected
    assert row["status"] == ("ineligible" if expected else "eligible")


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


@pytest.mark.parametrize("round_id", [r for r in ROUNDS if r != "bsu-2025"])
def test_each_round_words_its_reasons_and_phrases_with_the_placeholders_of_2025(
    round_id: str,
) -> None:
    """The engine fills the same placeholders under every round: an earlier round's wording
    may differ (its cap, its year), never what it asks to be filled in."""
    latest, rs = load_ruleset("bsu-2025", RULES), load_ruleset(round_id, RULES)
    for code, reason in rs.reasons.items():
        for lang in ("id", "en"):
            assert _placeholders(reason.message.in_(lang)) == _placeholders(
                latest.reason(code).message.in_(lang)
            ), (code, lang)
    assert set(rs.spec.phrases) == set(latest.spec.phrases)
    for name, phrase in rs.spec.phrases.items():
        for lang in ("id", "en"):
            assert _placeholders(phrase.in_(lang)) == _placeholders(
                latest.spec.phrases[name].in_(lang)
            ), (name, lang)
