"""The earlier rounds through the installed ``bsu`` command, as an auditor would use them."""

from __future__ import annotations

import json

from tests.cli.conftest import ROOT, run


def test_rules_list_names_every_round_and_no_2023() -> None:
    listed = run("rules", "list")
    assert listed.returncode == 0, listed.stderr
    for round_id in ("bsu-2020", "bsu-2021", "bsu-2022", "bsu-2025"):
        assert round_id in listed.stdout
    assert "bsu-2023" not in listed.stdout


def test_rules_show_states_each_rounds_values() -> None:
    expected = {
        # The benefit is months x the monthly amount: 4 x Rp600.000 in 2020, 2 x Rp500.000 in
        # 2021, and in 2022 one amount paid at once (Pasal 6 ayat (1)), 1 x Rp600.000.
        "bsu-2020": (
            "Rp5.000.000",
            "30 Juni 2020",
            "benefit_months: 4",
            "benefit_monthly_idr: Rp600.000",
            "di bawah Rp5.000.000",
            "Warga Negara Indonesia",
        ),
        "bsu-2021": (
            "Rp3.500.000",
            "30 Juni 2021",
            "benefit_months: 2",
            "benefit_monthly_idr: Rp500.000",
            "Pasal 3A ayat (3) dan (4)",
        ),
        "bsu-2022": (
            "Rp3.500.000",
            "31 Juli 2022",
            "benefit_months: 1",
            "benefit_monthly_idr: Rp600.000",
            "Pasal 6 ayat (1)",
            "Pasal 4 ayat (3) dan ayat (4)",
            "active_means: status_only",
        ),
    }
    for round_id, words in expected.items():
        shown = run("rules", "show", round_id)
        assert shown.returncode == 0, shown.stderr
        for word in words:
            assert word in shown.stdout, (round_id, word)
        assert "{" not in shown.stdout
        english = run("rules", "show", round_id, "--lang", "en")
        assert english.returncode == 0 and "Active BPJS Ketenagakerjaan" in english.stdout


def test_check_the_clean_sample_under_2022_as_json() -> None:
    done = run(
        "check", "samples/roster-clean.xlsx", "--rules", "bsu-2022", "--format", "json", cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["ruleset"] == {"id": "bsu-2022", "version": "2022.1", "status": "final"}
    assert doc["summary"] == {
        "total": 12,
        "eligible": 2,
        "ineligible": 8,
        "review": 2,
        "benefit_total": 1_200_000,
    }
    rows = {r["row"]: r for r in doc["rows"]}
    # Kota Bekasi, Rp5.700.000: within the 2025 cap, not judgeable without UMK 2022.
    assert rows[4]["status"] == "review"
    [reason] = rows[4]["reasons"]
    assert reason["code"] == "REGION_UNKNOWN"
    assert "belum ada dalam aturan" in reason["message"]
    assert reason["citation"] == (
        "Permenaker No. 10 Tahun 2022, Pasal 3 ayat (2) huruf c jo. Pasal 4 ayat (1) sampai "
        "dengan ayat (5)"
    )
    # Registered on 30 April 2025, long after the 2022 cutoff.
    assert [r["code"] for r in rows[7]["reasons"]] == ["PARTICIPANT_JOINED_AFTER_CUTOFF"]
    # The PKH recipient is excluded in 2022.
    assert [r["code"] for r in rows[12]["reasons"]] == ["EXCLUDED_PKH_RECIPIENT"]
    assert all(r["benefit"] in (0, 600_000) for r in doc["rows"])
