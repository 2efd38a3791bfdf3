"""Coverage numbers on a known set, from the registry's answers only."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from bsu import load_ruleset
from bsu.core import records
from bsu.core.engine import evaluate
from bsu.core.evidence import Evidence, registry_frame
from bsu.coverage import compute as coverage
from bsu.errors import BsuError
from tests.coverage import known

RULES = load_ruleset("bsu-2025")


def _table(frame: pd.DataFrame) -> list[dict[str, object]]:
    return json.loads(frame.to_json(orient="records"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def result() -> coverage.Coverage:
    decisions = evaluate(known.roster_records(), RULES, known.evidence())
    return coverage.compute(decisions, "id")


def test_totals_count_each_worker_once_and_the_percentage_is_active_over_all(
    result: coverage.Coverage,
) -> None:
    assert result.totals == known.TOTALS
    parts = ("active", "inactive", "not_registered", "nik_unusable")
    assert sum(result.totals[k] for k in parts) == result.totals["workers"]


def test_per_employer_names_each_roster_by_its_npp_in_the_registry(
    result: coverage.Coverage,
) -> None:
    assert list(result.by_employer.columns) == list(coverage.EMPLOYER_COLUMNS)
    assert _table(result.by_employer) == known.BY_EMPLOYER


def test_per_region_names_the_region_and_its_province(result: coverage.Coverage) -> None:
    assert list(result.by_region.columns) == list(coverage.REGION_COLUMNS)
    assert _table(result.by_region) == known.BY_REGION
    assert _table(result.by_province) == known.BY_PROVINCE


def test_the_outreach_list_is_who_is_not_protected_with_the_full_nik(
    result: coverage.Coverage,
) -> None:
    out = result.outreach
    assert list(out.columns) == list(coverage.OUTREACH_COLUMNS)
    got = list(out[["source", "row", "nik", "name", "why"]].itertuples(index=False, name=None))
    assert got == known.OUTREACH
    assert set(out["employer"]) == set(known.LABELS.values())
    assert list(out["npp"]) == ["NPP001", "NPP001", "NPP001", "NPP002"]
    assert out.loc[out["name"].eq("Dedi"), "region"].item() == "Kota Surabaya"
    assert out.loc[out["name"].eq("Joko"), "province"].item() == "Jawa Barat"
    assert set(out["why_text"]) == {
        "Belum terdaftar di BPJS Ketenagakerjaan",
        "Terdaftar, tetapi tidak aktif",
    }


def test_to_json_is_plain_json_with_the_same_numbers(result: coverage.Coverage) -> None:
    doc = result.to_json()
    assert json.loads(json.dumps(doc, allow_nan=False)) == doc
    assert doc["totals"] == known.TOTALS
    assert doc["by_employer"] == known.BY_EMPLOYER
    assert doc["by_region"] == known.BY_REGION
    assert doc["by_province"] == known.BY_PROVINCE
    assert doc["ruleset"] == {"id": "bsu-2025", "version": RULES.version}
    assert doc["registry"] == [known.AS_OF]
    assert "÷" in doc["definition"] and "aktif" in doc["definition"]
    first = doc["outreach"][0]
    assert first == {
        "employer": "PT Alfa (NPP NPP001)",
        "npp": "NPP001",
        "source": "roster-a.csv",
        "sheet": None,
        "row": 4,
        "nik": "3275014101900003",
        "name": "Citra",
        "status": "Terdaftar, tidak aktif",
        "last_paid_month": None,
        "phone": None,
        "email": None,
        "province": "Jawa Barat",
        "region_code": "32.75",
        "region": "Kota Bekasi",
        "region_raw": "Kota Bekasi",
        "why": "inactive",
        "why_text": "Terdaftar, tetapi tidak aktif",
    }


def test_english_words_the_reasons_and_the_definition() -> None:
    decisions = evaluate(known.roster_records(), RULES, known.evidence())
    doc = coverage.compute(decisions, "en").to_json()
    assert doc["lang"] == "en"
    assert {r["why_text"] for r in doc["outreach"]} == {
        "Not registered with BPJS Ketenagakerjaan",
        "Registered, but not active",
    }
    assert doc["definition"].startswith("Coverage (%) = workers registered and active")
    assert doc["totals"] == known.TOTALS


def test_without_a_registry_there_is_no_coverage() -> None:
    decisions = evaluate(known.roster_records(), RULES)
    with pytest.raises(BsuError) as caught:
        coverage.compute(decisions, "id")
    assert caught.value.code == "registry_missing"
    assert "data peserta" in caught.value.message("id")
    assert "registry" in caught.value.message("en")
    # Exclusion lists alone are not a registry either.
    with pytest.raises(BsuError):
        coverage.compute(evaluate(known.roster_records(), RULES, Evidence()), "en")


def test_unresolved_regions_are_counted_as_unknown_last_and_a_province_alone_is_named() -> None:
    rows = [
        {"source": "x.csv", "nik": "3275014101900001", "region": "Jawa Barat"},
        {"source": "x.csv", "nik": "3275014101900002", "region": "Bekasi"},  # city or regency
        {"source": "x.csv", "nik": "3275014101900003", "region": ""},
        {"source": "x.csv", "nik": "3275014101900004", "region": "Kabupaten Garut"},
    ]
    registry = registry_frame(
        pd.DataFrame({"nik": ["3275014101900001", "3275014101900002"], "status": "active"})
    )
    decisions = evaluate(records.frame(rows), RULES, Evidence(registry=registry))
    regions = coverage.compute(decisions, "id").by_region
    assert list(regions["region"]) == [
        "Jawa Barat (kab/kota tidak disebut)",
        "Kabupaten Garut",
        coverage.UNKNOWN_REGION,
    ]
    assert list(regions["province"]) == ["Jawa Barat", "Jawa Barat", coverage.UNKNOWN_REGION]
    assert list(regions["region_code"]) == ["32", "32.05", ""]
    assert list(regions["workers"]) == [1, 1, 2]
    assert list(regions["coverage_pct"]) == [100.0, 0.0, 50.0]


def test_a_worker_on_two_rosters_counts_on_each() -> None:
    nik = "3275014101900001"
    rows = [
        {"source": "a.csv", "nik": nik, "region": "Kota Bekasi"},
        {"source": "b.csv", "nik": nik, "region": "Kota Bekasi"},
    ]
    registry = registry_frame(pd.DataFrame({"nik": [nik], "status": ["inactive"]}))
    result = coverage.compute(
        evaluate(records.frame(rows), RULES, Evidence(registry=registry)), "id"
    )
    assert list(result.by_employer["inactive"]) == [1, 1]
    assert result.totals["workers"] == 2
    assert len(result.outreach) == 2


def test_a_registry_row_without_status_is_not_counted_as_protected() -> None:
    nik = "3275014101900001"
    registry = registry_frame(pd.DataFrame({"nik": [nik], "status": [None]}))
    rows = [{"source": "a.csv", "nik": nik, "region": "Kota Bekasi"}]
    result = coverage.compute(
        evaluate(records.frame(rows), RULES, Evidence(registry=registry)), "id"
    )
    assert (result.totals["active"], result.totals["inactive"]) == (0, 1)
    assert result.totals["coverage_pct"] == 0.0


def test_no_rows_gives_empty_tables_and_no_percentage() -> None:
    decisions = evaluate(records.frame([]), RULES, known.evidence())
    result = coverage.compute(decisions, "id")
    assert result.totals["workers"] == 0
    assert result.totals["coverage_pct"] is None
    assert result.by_employer.empty and result.by_region.empty and result.outreach.empty
    assert json.dumps(result.to_json(), allow_nan=False)


def test_the_percentage_is_rounded_down_so_100_means_everyone() -> None:
    niks = [f"327501410190{i:04d}" for i in range(1, 4)]
    rows = [{"source": "a.csv", "nik": n, "region": "Kota Bekasi"} for n in niks]
    registry = registry_frame(pd.DataFrame({"nik": niks[:2], "status": "active"}))
    result = coverage.compute(
        evaluate(records.frame(rows), RULES, Evidence(registry=registry)), "id"
    )
    assert result.totals["coverage_pct"] == 66.6
    assert list(result.by_employer["coverage_pct"]) == [66.6]


def test_coverage_is_pure_it_loads_no_file_or_chart_library() -> None:
    code = "import bsu.coverage.compute, sys; print(sorted(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = {name.split(".")[0] for name in done.stdout.strip("[]\n").replace("'", "").split(", ")}
    assert loaded & {"openpyxl", "xlsxwriter", "matplotlib", "sqlalchemy", "typer"} == set()
