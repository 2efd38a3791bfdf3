"""Employers by identity: the NPP most of a roster's workers have in the registry, else
the roster's NPP column, else the uploading key's employer id, else the file name."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from bsu import load_ruleset
from bsu.core import records
from bsu.core.engine import Decisions, evaluate
from bsu.core.evidence import NO_EVIDENCE, Evidence, registry_frame
from bsu.core.ruleset import Lang
from bsu.coverage import compute as coverage
from bsu.coverage import employers
from bsu.coverage.workbook import write_xlsx

RULES = load_ruleset("bsu-2025")


def nik(i: int) -> str:
    """A synthetic NIK of Kota Singkawang (61.72), born 1 January 1990 (a woman's: 41)."""
    return f"617201410190{i:04d}"


# (NIK number, employer id, company name) as the registry holds them.
Registered = tuple[int, str | None, str | None]


@dataclass(frozen=True)
class Case:
    roster: list[tuple[int, str]]  # (NIK number, the roster's NPP cell) of "a.csv"
    registry: list[Registered] | None  # None: no registry loaded
    key: str | None
    expected: tuple[str | None, str | None, str, str]  # npp, name, basis, label
    other: list[tuple[int, str]] = field(default_factory=list)  # rows of "other.csv"


CASES = {
    "registry: the NPP most of its workers have": Case(
        roster=[(1, "NPP-C"), (2, "NPP-C"), (3, ""), (4, "")],
        registry=[(1, "NPP-A", "PT Alfa"), (2, "NPP-A", "PT Alfa"), (3, "NPP-B", "PT Beta")],
        key="NPP-K",
        expected=("NPP-A", "PT Alfa", "registry", "PT Alfa (NPP NPP-A)"),
    ),
    "registry: a tie goes to the smallest NPP": Case(
        roster=[(1, ""), (2, "")],
        registry=[(1, "NPP-B", "PT Beta"), (2, "NPP-A", "PT Alfa")],
        key=None,
        expected=("NPP-A", "PT Alfa", "registry", "PT Alfa (NPP NPP-A)"),
    ),
    "registry: an NPP without a name in the extract": Case(
        roster=[(1, "")],
        registry=[(1, "NPP-A", None)],
        key=None,
        expected=("NPP-A", None, "registry", "NPP NPP-A"),
    ),
    "column: registry rows name no employer": Case(
        roster=[(1, "NPP-D"), (2, "NPP-C"), (3, "NPP-C")],
        registry=[(1, None, None), (2, None, None)],
        key="NPP-K",
        expected=("NPP-C", None, "column", "NPP NPP-C"),
    ),
    "column: no registry loaded": Case(
        roster=[(1, " NPP-C "), (2, "")],
        registry=None,
        key=None,
        expected=("NPP-C", None, "column", "NPP NPP-C"),
    ),
    "column: named by the registry through another roster's worker": Case(
        roster=[(1, "NPP-C")],
        registry=[(9, "NPP-C", "PT Cahaya")],
        key=None,
        expected=("NPP-C", "PT Cahaya", "column", "PT Cahaya (NPP NPP-C)"),
        other=[(9, "")],
    ),
    "key: the uploading key's employer id": Case(
        roster=[(1, ""), (2, "")],
        registry=[],
        key="  NPP-K ",
        expected=("NPP-K", None, "key", "NPP NPP-K"),
    ),
    "file: nothing names the employer": Case(
        roster=[(1, ""), (2, "")],
        registry=[(1, None, None)],
        key="",
        expected=(None, None, "file", "a.csv"),
    ),
}


def _decisions(case: Case) -> Decisions:
    rows = [
        {"source": source, "nik": nik(i), "region": "Kota Singkawang", "employer_npp": npp}
        for source, listed in (("a.csv", case.roster), ("other.csv", case.other))
        for i, npp in listed
    ]
    if case.registry is None:
        return evaluate(records.frame(rows), RULES, NO_EVIDENCE)
    registry = registry_frame(
        pd.DataFrame(
            case.registry, columns=["nik", "employer_id", "employer_name"], dtype=object
        ).assign(nik=lambda t: t["nik"].map(nik), status="active")
    )
    return evaluate(records.frame(rows), RULES, Evidence(registry=registry))


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_rosters_employer_is_found_by_registry_column_key_or_file(case: Case) -> None:
    found = employers.identify(_decisions(case), case.key)
    assert list(found.columns) == list(employers.COLUMNS)
    assert found.index.name == "source"
    assert tuple(found.loc["a.csv"]) == case.expected
    assert found.loc["a.csv", "basis"] in employers.BASES


def test_one_row_per_roster_file_in_order_of_appearance() -> None:
    rows = [
        {"source": "b.xlsx", "nik": nik(1), "employer_npp": "NPP-B"},
        {"source": "a.csv", "nik": nik(2)},
        {"source": "b.xlsx", "nik": nik(3), "employer_npp": "NPP-B"},
    ]
    found = employers.identify(evaluate(records.frame(rows), RULES))
    assert list(found.index) == ["b.xlsx", "a.csv"]
    assert list(found["label"]) == ["NPP NPP-B", "a.csv"]


@pytest.mark.parametrize(
    ("lang", "label"), [("id", "(tanpa nama berkas)"), ("en", "(no file name)")]
)
def test_a_roster_without_a_file_name_is_still_labelled(lang: Lang, label: str) -> None:
    decisions = evaluate(records.frame([{"source": None, "nik": nik(1)}]), RULES)
    found = employers.identify(decisions, lang=lang)
    assert list(found["label"]) == [label]
    assert list(found["basis"]) == ["file"]


def test_no_rows_no_employers() -> None:
    found = employers.identify(evaluate(records.frame([]), RULES))
    assert found.empty and list(found.columns) == list(employers.COLUMNS)


def _two_files_of_one_employer() -> Decisions:
    """a.csv: its workers are at NPP-A in the registry; b.csv: nobody is registered, but
    its NPP column says NPP-A; c.csv: an unknown employer."""
    rows = [
        {"source": "a.csv", "nik": nik(1), "region": "Kota Singkawang"},
        {"source": "a.csv", "nik": nik(2), "region": "Kota Singkawang"},
        {"source": "b.csv", "nik": nik(3), "region": "Kota Singkawang", "employer_npp": "NPP-A"},
        {"source": "c.csv", "nik": nik(4), "region": "Kota Singkawang"},
    ]
    registry = registry_frame(
        pd.DataFrame(
            {
                "nik": [nik(1), nik(2)],
                "status": ["active", "inactive"],
                "employer_id": "NPP-A",
                "employer_name": "PT Alfa",
            }
        )
    )
    return evaluate(records.frame(rows), RULES, Evidence(registry=registry))


def test_two_files_with_the_same_npp_are_one_employer() -> None:
    decisions = _two_files_of_one_employer()
    found = employers.identify(decisions)
    assert list(found["label"]) == ["PT Alfa (NPP NPP-A)"] * 2 + ["c.csv"]
    assert list(found["basis"]) == ["registry", "column", "file"]
    assert list(found["name"]) == ["PT Alfa", "PT Alfa", None]

    result = coverage.compute(decisions, "id")
    assert result.to_json()["by_employer"] == [
        {
            "employer": "c.csv",
            "npp": None,
            "employer_name": None,
            "basis": "file",
            "workers": 1,
            "active": 0,
            "inactive": 0,
            "not_registered": 1,
            "nik_unusable": 0,
            "coverage_pct": 0.0,
        },
        {
            "employer": "PT Alfa (NPP NPP-A)",
            "npp": "NPP-A",
            "employer_name": "PT Alfa",
            "basis": "registry",  # the best way any of its files was identified
            "workers": 3,
            "active": 1,
            "inactive": 1,
            "not_registered": 1,
            "nik_unusable": 0,
            "coverage_pct": 33.3,
        },
    ]
    assert result.totals["employers"] == 2
    # Sorted as people read a list; each employer's workers in roster order.
    assert list(result.outreach["employer"]) == ["c.csv"] + ["PT Alfa (NPP NPP-A)"] * 2
    assert list(result.outreach["source"]) == ["c.csv", "a.csv", "b.csv"]


def test_coverage_names_the_keys_employer_when_nothing_else_does() -> None:
    rows = [{"source": "upload.csv", "nik": nik(1), "region": "Kota Singkawang"}]
    registry = registry_frame(pd.DataFrame({"nik": [nik(2)], "status": ["active"]}))
    decisions = evaluate(records.frame(rows), RULES, Evidence(registry=registry))
    result = coverage.compute(decisions, "en", key_employer_id="NPP-K")
    (row,) = result.to_json()["by_employer"]
    assert (row["employer"], row["npp"], row["basis"]) == ("NPP NPP-K", "NPP-K", "key")
    assert coverage.compute(decisions, "en").to_json()["by_employer"][0]["basis"] == "file"


def test_the_workbook_says_how_each_employer_was_identified(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    write_xlsx(coverage.compute(_two_files_of_one_employer(), "en"), path)
    rows = list(load_workbook(path)["Per Pemberi Kerja"].iter_rows(values_only=True))
    assert rows[0][:4] == (
        "Employer",
        "NPP",
        "Company name",
        "Identified by",
    )
    assert rows[1][:4] == ("c.csv", None, None, "File name (NPP not known)")
    assert rows[2][:4] == (
        "PT Alfa (NPP NPP-A)",
        "NPP-A",
        "PT Alfa",
        "Registry: the NPP most of its workers have",
    )
