"""Issue 13's roster, every misreading in one workbook, through the real CLI: the
decisions, the ``sources`` report, the plain words on the terminal, and the checker's own
result workbook checked again after fixing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import run
from tests.corpus.rosters import everything

# (sheet, row) -> (status, reason codes): what a clerk should be told.
DECISIONS = {
    ("Data Pekerja", 5): ("eligible", []),
    ("Data Pekerja", 6): ("eligible", []),
    ("Data Pekerja", 7): ("eligible", []),
    ("Data Pekerja", 8): ("ineligible", ["WAGE_ABOVE_CAP"]),  # Total Upah 3.700.000
    ("Data Pekerja", 9): ("eligible", []),
    ("Data Pekerja", 10): ("ineligible", ["WAGE_ABOVE_CAP"]),
    ("Data Pekerja", 11): ("eligible", []),
    ("Data Pekerja", 12): ("ineligible", ["WAGE_ABOVE_CAP"]),
    ("Data Pekerja", 13): ("eligible", []),
    ("Data Pekerja", 14): ("eligible", []),  # exactly the cap: "paling banyak"
    ("Cabang Kendal", 2): ("review", ["WAGE_IMPLAUSIBLE"]),  # "3.200"
    ("Cabang Kendal", 3): ("review", ["WAGE_IMPLAUSIBLE"]),  # "7.500"
    ("Cabang Demak", 2): ("eligible", []),  # "Gaji (ribu)" 3200 = Rp3.200.000
    ("Cabang Demak", 3): ("ineligible", ["WAGE_ABOVE_CAP"]),  # 4500 = Rp4.500.000
}


def _check(path: Path, *args: str) -> dict[str, Any]:
    done = run("check", path, "--format", "json", *args)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def _decided(doc: dict[str, Any]) -> dict[tuple[str, int], tuple[str, list[str]]]:
    return {
        (r["sheet"], r["row"]): (r["status"], [x["code"] for x in r["reasons"]])
        for r in doc["rows"]
    }


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return everything(tmp_path_factory.mktemp("everything") / "roster-semua.xlsx")


def test_every_worker_is_judged_as_the_regulation_reads_the_roster(roster: Path) -> None:
    doc = _check(roster)
    assert _decided(doc) == DECISIONS
    assert doc["summary"] | {"benefit_total": 0} == {
        "total": 14,
        "eligible": 8,
        "ineligible": 4,
        "review": 2,
        "benefit_total": 0,
    }
    # The NIK judged is the 16-digit one, never the employee code beside it.
    assert all(len(r["nik"]) == 16 and r["nik"].isdigit() for r in doc["rows"])


def test_the_sources_report_says_how_each_sheet_was_read(roster: Path) -> None:
    sources = {s["sheet"]: s for s in _check(roster)["sources"]}
    assert list(sources) == [
        "Data Pekerja",
        "Cabang Kendal",
        "Cabang Demak",
        "Petunjuk",
        "Kosong",
        "Arsip",
    ]
    data = sources["Data Pekerja"]
    assert (data["file"], data["header_row"], data["rows"]) == ("roster-semua.xlsx", 4, 10)
    assert data["columns"]["nik"] == ["NIK KTP"]
    assert data["columns"]["wage"] == ["Total Upah"]
    assert data["columns"]["registered_on"] == ["TGL DAFTAR BPJS"]
    ignored = {c["header"]: c["code"] for c in data["ignored_columns"]}
    assert ignored == {"NIK": "not_nik", "Gaji Pokok": "basic_wage", "Tgl Masuk": "start_date"}
    skipped = {s["row"]: s["code"] for s in data["skipped_rows"]}
    assert skipped[16] == "row_total"
    assert {skipped[18], skipped[19], skipped[22]} == {"row_signature"}
    assert skipped[15] == "row_blank"
    assert all(s["why"] for s in data["skipped_rows"])
    assert [n["code"] for n in sources["Cabang Demak"]["notices"]] == ["wage_in_thousands"]
    assert [n["code"] for n in sources["Petunjuk"]["notices"]] == ["sheet_no_table"]
    assert [n["code"] for n in sources["Kosong"]["notices"]] == ["sheet_no_rows"]
    assert [n["code"] for n in sources["Arsip"]["notices"]] == ["sheet_hidden"]
    assert all(s["header_row"] is None for s in (sources[k] for k in ("Petunjuk", "Arsip")))


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("id", ["NIK dibaca dari kolom 'NIK KTP'", "Kolom 'NIK' tidak dipakai", "Baris 16"]),
        ("en", ["NIK read from column 'NIK KTP'", "Column 'NIK' not used", "Row 16"]),
    ],
)
def test_the_terminal_says_it_in_plain_words(roster: Path, lang: str, said: list[str]) -> None:
    done = run("check", roster, "--lang", lang)
    assert done.returncode == 0, done.stderr
    for words in said:
        assert words in done.stdout


def test_the_result_workbook_checked_again_gives_the_same_decisions(
    roster: Path, tmp_path: Path
) -> None:
    result = tmp_path / "hasil.xlsx"
    done = run("check", roster, "--out", result)
    assert done.returncode == 0, done.stderr
    first = {r["nik"]: r["status"] for r in _check(roster)["rows"]}
    again = _check(result)
    assert {r["nik"]: r["status"] for r in again["rows"]} == first
    # Its summary sheet and its own status/reason columns are the checker's, not input.
    read = [s for s in again["sources"] if s["header_row"] is not None]
    assert all(
        "participant_status" not in s["columns"] or s["columns"]["participant_status"] != ["Status"]
        for s in read
    )
