"""Conflicts between an employer's roster and the evidence branch staff hold: a registry
extract and exclusion lists. Pure engine: ``Evidence`` built in memory, no store.

Each case starts from a worker who meets every criterion, gives them a registry row (or
none, or a place on a list) and changes only what the case names on the roster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pytest

from bsu.core.engine import Decisions, evaluate
from bsu.core.evidence import NO_EVIDENCE, Evidence, ExclusionList, registry_frame
from bsu.core.explain import explain
from bsu.core.reasons import codes_in
from bsu.core.records import frame
from bsu.core.ruleset import load_ruleset
from tests.support import VALID_WORKER

RULES = load_ruleset("bsu-2025")
LABEL = "2025-05-02"
PKH_LABEL = "PKH 2025-06-01 (Kemensos)"
ASN_LABEL = "ASN 2025-06-01 (BKN)"

# Words the rule set uses for each kind of evidence (rules/bsu-2025.yaml, phrases).
ROSTER_ID, ROSTER_EN = "roster pemberi kerja", "the employer's roster"
REGISTRY_ID = f"data peserta BPJS Ketenagakerjaan (ekstrak {LABEL})"
REGISTRY_EN = f"BPJS Ketenagakerjaan participant data (extract {LABEL})"
PKH_ID, PKH_EN = f"daftar {PKH_LABEL}", f"the {PKH_LABEL} list"
ASN_ID, ASN_EN = f"daftar {ASN_LABEL}", f"the {ASN_LABEL} list"


def nik(i: int) -> str:
    """A well-formed NIK (Kota Bekasi, born 1 January 1990), one per case."""
    return f"3275010101900{i:03d}"


# A registry row for a participant who meets every criterion; cases change what they test.
GOOD_PARTICIPANT: dict[str, Any] = {
    "status": "active",
    "category": "PU",
    "registered_on": "2020-01-01",
    "reported_wage": 3_000_000.0,
    "label": LABEL,
}
# Registry columns an extract may leave out (None: it does not say).
MAY_SAY = ("nationality", "last_contribution", "nonactive_since")
PARTICIPANT_COLUMNS = ["nik", *GOOD_PARTICIPANT, *MAY_SAY]


@dataclass(frozen=True)
class Case:
    name: str
    nik: str | float
    roster: dict[str, Any]  # what the roster says beyond VALID_WORKER
    registry: dict[str, Any] | None  # the registry row for this NIK; None: not in the extract
    status: str
    reasons: list[str]
    lists: tuple[str, ...] = ()  # the exclusion lists this NIK is on
    says: tuple[str, ...] = ()  # the Indonesian messages contain each
    says_en: tuple[str, ...] = ()  # and the English ones
    # Per criterion id, where its evidence came from (Indonesian words); others: roster.
    evidence: dict[str, str] = field(default_factory=dict)
    evidence_en: dict[str, str] = field(default_factory=dict)


FROM_REGISTRY = {
    "active_participant": REGISTRY_ID,
    "wage_earner_category": REGISTRY_ID,
    "wage_within_cap": REGISTRY_ID,
}
FROM_REGISTRY_EN = {
    "active_participant": REGISTRY_EN,
    "wage_earner_category": REGISTRY_EN,
    "wage_within_cap": REGISTRY_EN,
}
# A NIK absent from the extract: participation was looked up in it, the wage is the roster's.
LOOKED_UP = {"active_participant": REGISTRY_ID, "wage_earner_category": REGISTRY_ID}
LOOKED_UP_EN = {"active_participant": REGISTRY_EN, "wage_earner_category": REGISTRY_EN}

CASES = [
    Case(
        "roster Aktif, registry inactive: the registry wins",
        nik(1),
        {"participant_status": "Aktif"},
        {"status": "inactive"},
        "ineligible",
        ["PARTICIPANT_NOT_ACTIVE"],
        says=('"Nonaktif"', f"menurut {REGISTRY_ID}"),
        says_en=('"Nonaktif"', f"according to {REGISTRY_EN}"),
        evidence=FROM_REGISTRY,
        evidence_en=FROM_REGISTRY_EN,
    ),
    Case(
        "roster Nonaktif, registry active: eligible",
        nik(2),
        {"participant_status": "Nonaktif"},
        {"status": "active"},
        "eligible",
        [],
        evidence=FROM_REGISTRY,
        evidence_en=FROM_REGISTRY_EN,
    ),
    Case(
        "roster wage within the cap, registry reported wage above it (Kota Bekasi)",
        nik(3),
        {"wage": 3_000_000, "region": "Kota Bekasi"},
        {"reported_wage": 5_800_000.0},
        "ineligible",
        ["WAGE_ABOVE_CAP"],
        says=("Rp5.800.000", "Rp3.000.000", "Rp5.700.000", f"ekstrak {LABEL}"),
        says_en=("Rp5.800.000", "the roster states Rp3.000.000", f"extract {LABEL}"),
        evidence=FROM_REGISTRY,
        evidence_en=FROM_REGISTRY_EN,
    ),
    Case(
        "roster wage above the cap, registry reported wage within it: eligible",
        nik(4),
        {"wage": 6_500_000, "region": "Kota Bekasi"},
        {"reported_wage": 3_200_000.0},
        "eligible",
        [],
        evidence=FROM_REGISTRY,
        evidence_en=FROM_REGISTRY_EN,
    ),
    Case(
        "NIK absent from the registry, roster status and date empty: only NOT_FOUND",
        nik(5),
        {"participant_status": None, "registered_on": None},
        None,
        "ineligible",
        ["PARTICIPANT_NOT_FOUND"],
        says=(f"tidak ditemukan dalam {REGISTRY_ID}",),
        says_en=(f"not in {REGISTRY_EN}",),
        evidence=LOOKED_UP,
        evidence_en=LOOKED_UP_EN,
    ),
    Case(
        "NIK absent from the registry, roster says Aktif: NOT_FOUND all the same",
        nik(6),
        {"participant_status": "Aktif"},
        None,
        "ineligible",
        ["PARTICIPANT_NOT_FOUND"],
        evidence=LOOKED_UP,
        evidence_en=LOOKED_UP_EN,
    ),
    Case(
        "a malformed NIK is not looked up: NIK_INVALID_FORMAT, not NOT_FOUND",
        "123",
        {},
        None,
        "review",
        ["NIK_INVALID_FORMAT"],
        says=('"123"',),
        says_en=('"123"',),
    ),
    Case(
        "registry category BPU, roster PU",
        nik(8),
        {"participant_category": "PU"},
        {"category": "BPU"},
        "ineligible",
        ["CATEGORY_NOT_PU"],
        says=('"BPU"', f"menurut {REGISTRY_ID}"),
        says_en=('"BPU"', f"according to {REGISTRY_EN}"),
        evidence=FROM_REGISTRY,
        evidence_en=FROM_REGISTRY_EN,
    ),
    Case(
        "registry registered after 30 April 2025, roster before",
        nik(9),
        {"registered_on": "2024-01-15"},
        {"registered_on": "2025-05-01"},
        "ineligible",
        ["PARTICIPANT_JOINED_AFTER_CUTOFF"],
        says=("1 Mei 2025", "30 April 2025", f"menurut {REGISTRY_ID}"),
        says_en=("1 May 2025", "30 April 2025", f"according to {REGISTRY_EN}"),
        evidence=FROM_REGISTRY,
        evidence_en=FROM_REGISTRY_EN,
    ),
    Case(
        "registry registered on 30 April 2025, roster after it: eligible",
        nik(10),
        {"registered_on": "2025-06-01"},
        {"registered_on": "2025-04-30"},
        "eligible",
        [],
        evidence=FROM_REGISTRY,
        evidence_en=FROM_REGISTRY_EN,
    ),
    Case(
        "on the PKH list, roster says Tidak",
        nik(11),
        {"pkh_recipient": "Tidak"},
        {},
        "ineligible",
        ["EXCLUDED_PKH_RECIPIENT"],
        lists=("pkh",),
        says=(f"menurut {PKH_ID}",),
        says_en=(f"according to {PKH_EN}",),
        evidence={**FROM_REGISTRY, "not_pkh_recipient": PKH_ID},
        evidence_en={**FROM_REGISTRY_EN, "not_pkh_recipient": PKH_EN},
    ),
    Case(
        "on the PKH list, roster PKH cell unreadable: excluded, no PKH_UNKNOWN",
        nik(12),
        {"pkh_recipient": "?"},
        {},
        "ineligible",
        ["EXCLUDED_PKH_RECIPIENT"],
        lists=("pkh",),
        evidence={**FROM_REGISTRY, "not_pkh_recipient": PKH_ID},
        evidence_en={**FROM_REGISTRY_EN, "not_pkh_recipient": PKH_EN},
    ),
    Case(
        "on the ASN list, roster says Kontrak",
        nik(13),
        {"employment_status": "Kontrak"},
        {},
        "ineligible",
        ["EXCLUDED_ASN_TNI_POLRI"],
        lists=("asn",),
        says=(f"menurut {ASN_ID}",),
        says_en=(f"according to {ASN_EN}",),
        evidence={**FROM_REGISTRY, "not_asn_tni_polri": ASN_ID},
        evidence_en={**FROM_REGISTRY_EN, "not_asn_tni_polri": ASN_EN},
    ),
    Case(
        "a NIK typed as a number is not looked up anywhere: NIK_PRECISION_LOST only",
        float(nik(14)),
        {"pkh_recipient": "Tidak", "employment_status": "Kontrak"},
        {"status": "inactive", "category": "BPU", "reported_wage": 9_000_000.0},
        "review",
        ["NIK_PRECISION_LOST"],
        lists=("pkh", "asn"),
    ),
    Case(
        "registry WNA, roster WNI: the registry wins",
        nik(16),
        {"nationality": "WNI"},
        {"nationality": "wna"},
        "ineligible",
        ["NOT_CITIZEN"],
        says=('"WNA"', f"menurut {REGISTRY_ID}"),
        says_en=('"WNA"', f"according to {REGISTRY_EN}"),
        evidence={**FROM_REGISTRY, "citizen_with_nik": REGISTRY_ID},
        evidence_en={**FROM_REGISTRY_EN, "citizen_with_nik": REGISTRY_EN},
    ),
    Case(
        "registry active but last paid March 2025, roster Aktif: not paid for April",
        nik(17),
        {"participant_status": "Aktif"},
        {"last_contribution": "2025-03"},
        "ineligible",
        ["CONTRIBUTION_NOT_PAID"],
        says=("iuran terakhir tercatat Maret 2025", f"menurut {REGISTRY_ID}", "April 2025"),
        says_en=("March 2025", f"according to {REGISTRY_EN}"),
        evidence=FROM_REGISTRY,
        evidence_en=FROM_REGISTRY_EN,
    ),
    Case(
        "registry inactive today, April paid, non-active since June: eligible",
        nik(18),
        {"participant_status": "Nonaktif"},
        {"status": "inactive", "last_contribution": "2025-04", "nonactive_since": "2025-06"},
        "eligible",
        [],
        evidence=FROM_REGISTRY,
        evidence_en=FROM_REGISTRY_EN,
    ),
    Case(
        "in the registry and meeting every criterion: eligible, evidence named",
        nik(15),
        {},
        {},
        "eligible",
        [],
        evidence=FROM_REGISTRY,
        evidence_en=FROM_REGISTRY_EN,
    ),
]


def _digits(case: Case) -> str:
    return case.nik if isinstance(case.nik, str) else f"{case.nik:.0f}"


def evidence_for(cases: list[Case]) -> Evidence:
    rows = [
        {"nik": _digits(c), **GOOD_PARTICIPANT, **c.registry}
        for c in cases
        if c.registry is not None
    ]
    lists = tuple(
        ExclusionList(
            kind, pd.Index([_digits(c) for c in cases if kind in c.lists], dtype=object), label
        )
        for kind, label in (("pkh", PKH_LABEL), ("asn", ASN_LABEL))
    )
    return Evidence(
        registry=registry_frame(pd.DataFrame(rows, columns=PARTICIPANT_COLUMNS)),
        lists=lists,
        registry_label=LABEL,
    )


def records_for(cases: list[Case]) -> pd.DataFrame:
    return frame(
        [
            {**VALID_WORKER, **c.roster, "nik": c.nik, "source": "roster.xlsx", "row": i + 2}
            for i, c in enumerate(cases)
        ]
    )


def codes(decisions: Decisions) -> list[list[str]]:
    return [[c.value for c in codes_in(int(m))] for m in decisions.frame["reasons"]]


def judge(cases: list[Case]) -> Decisions:
    return evaluate(records_for(cases), RULES, evidence_for(cases))


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in CASES])
def test_the_evidence_outranks_the_roster(case: Case) -> None:
    decisions = judge([case])
    assert decisions.frame["status"].tolist() == [case.status]
    assert [sorted(r) for r in codes(decisions)] == [sorted(case.reasons)]
    eligible = case.status == "eligible"
    assert decisions.frame["benefit"].tolist() == [600_000 if eligible else 0]

    for lang, needles in (("id", case.says), ("en", case.says_en)):
        explained = explain(decisions, lang)
        [text] = explained.messages_text().tolist()
        assert bool(text) == bool(case.reasons), text
        assert "{" not in text and "}" not in text, f"a placeholder was left unfilled: {text}"
        for needle in needles:
            assert needle in text, f"{needle!r} not in {text!r}"
        [reasons] = explained.rows()
        assert sorted(r["code"] for r in reasons) == sorted(case.reasons)
        assert all(r["citation"].startswith("Permenaker") for r in reasons)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in CASES])
def test_every_criterion_names_its_evidence(case: Case) -> None:
    decisions = judge([case])
    criteria = [c.id for c in RULES.criteria()]
    for lang, roster, expected in (
        ("id", ROSTER_ID, case.evidence),
        ("en", ROSTER_EN, case.evidence_en),
    ):
        sources = explain(decisions, lang).evidence
        assert list(sources.columns) == criteria
        assert sources.iloc[0].to_dict() == {c: expected.get(c, roster) for c in criteria}
        assert explain(decisions, lang).evidence_rows() == [sources.iloc[0].to_dict()]


def test_the_wage_used_is_the_registry_one() -> None:
    above, within = CASES[2], CASES[3]
    decisions = judge([above, within])
    f = decisions.frame
    assert f["wage"].tolist() == [5_800_000, 3_200_000]
    assert f["roster_wage"].tolist() == [3_000_000, 6_500_000]
    assert f["wage_cap"].tolist() == [5_700_000, 5_700_000]


def test_all_cases_in_one_roster_give_the_same_decisions_as_one_by_one() -> None:
    """Vectorised: one row's evidence never leaks into another's."""
    decisions = judge(CASES)
    assert decisions.frame["status"].tolist() == [c.status for c in CASES]
    assert [sorted(r) for r in codes(decisions)] == [sorted(c.reasons) for c in CASES]
    for lang in ("id", "en"):
        together = explain(decisions, lang)
        for position, case in enumerate(CASES):
            alone = explain(judge([case]), lang)
            assert together.messages_text().iloc[position] == alone.messages_text().iloc[0]
            assert together.evidence.iloc[position].equals(alone.evidence.iloc[0])


def test_without_evidence_nothing_changes_and_no_evidence_is_named() -> None:
    records = records_for(CASES)
    plain = evaluate(records, RULES)
    none = evaluate(records, RULES, NO_EVIDENCE)
    assert NO_EVIDENCE.empty
    assert none.frame["status"].tolist() == plain.frame["status"].tolist()
    assert none.frame["reasons"].tolist() == plain.frame["reasons"].tolist()
    assert none.frame["wage"].equals(plain.frame["wage"])
    for lang in ("id", "en"):
        explained = explain(none, lang)
        assert explained.evidence.empty
        assert explained.evidence.shape == (len(CASES), 0)
        assert set(explained.evidence_text()) == {""}
        assert explained.messages_text().tolist() == explain(plain, lang).messages_text().tolist()
    # The roster alone believes it: the status and the wage are the roster's.
    assert none.frame["status"].tolist()[:4] == ["eligible", "ineligible", "eligible", "ineligible"]


def test_the_registry_outranks_the_roster_only_where_it_is_loaded() -> None:
    """Exclusion lists alone: participation and wage stay the roster's; no NIK is 'not
    found' when no registry extract was loaded."""
    cases = [CASES[0], CASES[4], CASES[10], CASES[12]]
    lists_only = Evidence(lists=evidence_for(cases).lists)
    decisions = evaluate(records_for(cases), RULES, lists_only)
    assert [sorted(r) for r in codes(decisions)] == [
        [],
        sorted(["PARTICIPATION_UNKNOWN", "REGISTRATION_DATE_MISSING"]),
        ["EXCLUDED_PKH_RECIPIENT"],
        ["EXCLUDED_ASN_TNI_POLRI"],
    ]
    sources = explain(decisions, "id").evidence
    assert set(sources["active_participant"]) == {ROSTER_ID}
    assert sources["not_pkh_recipient"].tolist() == [ROSTER_ID, ROSTER_ID, PKH_ID, ROSTER_ID]
    assert sources["not_asn_tni_polri"].tolist() == [ROSTER_ID, ROSTER_ID, ROSTER_ID, ASN_ID]


def test_an_empty_registry_lookup_makes_every_looked_up_nik_not_found() -> None:
    """The store found none of the NIKs: the registry frame is empty, not None."""
    cases = [CASES[0], CASES[6], CASES[13]]
    empty = Evidence(
        registry=registry_frame(pd.DataFrame(columns=PARTICIPANT_COLUMNS)),
        registry_label=LABEL,
    )
    decisions = evaluate(records_for(cases), RULES, empty)
    assert codes(decisions) == [
        ["PARTICIPANT_NOT_FOUND"],
        ["NIK_INVALID_FORMAT"],
        ["NIK_PRECISION_LOST"],
    ]
    [text] = explain(decisions, "id").messages_text().iloc[:1].tolist()
    assert f"ekstrak {LABEL}" in text


# --- Found wrong once, now fixed: kept as cases ---------------------------------------------

SUSPECT = [
    pytest.param(
        Case(
            "16 digits with an unknown province code: not looked up",
            "9975010101900001",
            {},
            None,
            "review",
            ["NIK_INVALID_REGION"],
        ),
        id="a NIK with an invalid province is not looked up",
    ),
    pytest.param(
        Case(
            "16 digits with an impossible birth date: not looked up",
            "3275013213900001",
            {},
            None,
            "review",
            ["NIK_INVALID_BIRTHDATE"],
        ),
        id="a NIK with an invalid birth date is not looked up",
    ),
    pytest.param(
        Case(
            "registry category blank, roster BPU",
            nik(20),
            {"participant_category": "BPU"},
            {"category": None},
            "ineligible",
            ["CATEGORY_NOT_PU"],
        ),
        id="a blank registry category keeps the roster's BPU",
    ),
    pytest.param(
        Case(
            "registry registration date blank, roster date given",
            nik(21),
            {"registered_on": "2024-01-15"},
            {"registered_on": None},
            "eligible",
            [],
        ),
        id="a blank registry date keeps the roster's date",
    ),
]


@pytest.mark.parametrize("case", SUSPECT)
def test_suspect_behaviour(case: Case) -> None:
    decisions = judge([case])
    assert (decisions.frame["status"].tolist(), codes(decisions)) == (
        [case.status],
        [case.reasons],
    )
