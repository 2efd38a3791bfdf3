"""Active by contribution and nationality from a registry extract, end to end: the real
``bsu`` console script imports an extract with "Iuran Terakhir", "BLTH NA" and
"Kewarganegaraan" columns into a private SQLite store, and ``bsu check`` judges a roster
against it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bsu.store.db import make_engine
from bsu.store.models import RegistryParticipant
from tests.evidence.test_cli_and_api import ok, run
from tests.support import write_csv


def nik(i: int) -> str:
    """A well-formed NIK (Kota Bekasi, born 1 January 1990)."""
    return f"3275010101900{i:03d}"


# NIK, status, last contribution, BLTH NA, nationality: each written as extracts write them.
EXTRACT = [
    "NIK;Status Kepesertaan;Kategori;Tanggal Kepesertaan;Iuran Terakhir;BLTH NA;"
    "Kewarganegaraan;NPP",
    f"{nik(1)};Aktif;PU;2019-03-01;2025-03;;WNI;NPP-1",
    f"{nik(2)};Nonaktif;PU;2019-03-01;04/2025;Juni 2025;WNI;NPP-1",
    f"{nik(3)};Aktif;PU;2019-03-01;202504;042025;Indonesia;NPP-1",
    f"{nik(4)};Aktif;PU;2019-03-01;Apr-25;;WNA;NPP-1",
    f"{nik(5)};Aktif;PU;2019-03-01;2025-04;;WNI;NPP-1",
    f"{nik(6)};Nonaktif;PU;2019-03-01;belum tercatat;;;NPP-1",
]
ROSTER = [
    "NIK;Nama;Upah;Status Kepesertaan;Tanggal Kepesertaan;Kewarganegaraan",
    f"{nik(1)};Satu;3000000;Aktif;2019-03-01;WNI",
    f"{nik(2)};Dua;3000000;Nonaktif;2019-03-01;WNI",
    f"{nik(3)};Tiga;3000000;Aktif;2019-03-01;",
    f"{nik(4)};Empat;3000000;Aktif;2019-03-01;WNI",
    f"{nik(5)};Lima;3000000;Aktif;2019-03-01;WNA",
    f"{nik(6)};Enam;3000000;Aktif;2019-03-01;",
]
# Roster row -> (status, reasons).
EXPECTED = {
    2: ("ineligible", ["CONTRIBUTION_NOT_PAID"]),
    3: ("eligible", []),  # Nonaktif today, April paid, BLTH NA June: active up to April
    4: ("ineligible", ["PARTICIPANT_NONACTIVE_BY_CUTOFF"]),
    5: ("ineligible", ["NOT_CITIZEN"]),  # the registry's WNA outranks the roster's WNI
    6: ("eligible", []),  # the registry's WNI outranks the roster's WNA
    7: ("ineligible", ["PARTICIPANT_NOT_ACTIVE"]),  # no month that can be read: the status
}
REGISTRY = "data peserta BPJS Ketenagakerjaan (ekstrak 2025-05-02)"


@dataclass
class Checked:
    data: Path
    imported: str
    rows: dict[int, dict[str, Any]]
    english: dict[int, dict[str, Any]]


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Checked:
    folder = tmp_path_factory.mktemp("contributions")
    data = folder / "data"
    extract = write_csv(folder / "peserta.csv", EXTRACT)
    roster = write_csv(folder / "roster.csv", ROSTER)
    imported = ok(run(data, "registry", "import", extract, "--as-of", "2025-05-02"))

    def report(*more: str) -> dict[int, dict[str, Any]]:
        out = json.loads(ok(run(data, "check", roster, "--format", "json", *more)))
        return {row["row"]: row for row in out["rows"]}

    return Checked(data, imported, report(), report("--lang", "en"))


def test_the_extract_is_imported_with_its_months_and_nationality(checked: Checked) -> None:
    assert "6 peserta dimuat" in checked.imported
    engine = make_engine(f"sqlite:///{checked.data / 'bsu.db'}")
    try:
        with Session(engine) as session:
            stored = {
                p.nik: (p.last_contribution, p.nonactive_since, p.nationality)
                for p in session.scalars(select(RegistryParticipant))
            }
    finally:
        engine.dispose()
    # Months are kept as YYYY-MM however the extract wrote them; one that cannot be read
    # is no month.
    assert stored == {
        nik(1): ("2025-03", None, "wni"),
        nik(2): ("2025-04", "2025-06", "wni"),
        nik(3): ("2025-04", "2025-04", "wni"),
        nik(4): ("2025-04", None, "wna"),
        nik(5): ("2025-04", None, "wni"),
        nik(6): (None, None, None),
    }


def test_check_judges_activity_by_the_contributions_and_nationality_by_the_registry(
    checked: Checked,
) -> None:
    got = {row: (r["status"], [x["code"] for x in r["reasons"]]) for row, r in checked.rows.items()}
    assert got == EXPECTED
    [unpaid] = checked.rows[2]["reasons"]
    assert "iuran terakhir tercatat Maret 2025" in unpaid["message"]
    assert "iuran April 2025 belum dibayar" in unpaid["message"]
    assert REGISTRY in unpaid["message"]
    [nonactive] = checked.rows[4]["reasons"]
    assert "nonaktif sejak April 2025" in nonactive["message"]
    [foreign] = checked.rows[5]["reasons"]
    assert f'Kewarganegaraan "WNA" (menurut {REGISTRY})' in foreign["message"]
    assert checked.rows[5]["evidence"]["citizen_with_nik"] == REGISTRY
    assert checked.rows[3]["evidence"]["citizen_with_nik"] == REGISTRY
    assert checked.rows[7]["evidence"]["citizen_with_nik"] == "roster pemberi kerja"


def test_the_reasons_are_worded_in_english_too(checked: Checked) -> None:
    [unpaid] = checked.english[2]["reasons"]
    assert "the last contribution recorded is for March 2025" in unpaid["message"]
    assert "April 2025 was not paid" in unpaid["message"]
    [nonactive] = checked.english[4]["reasons"]
    assert "non-active since April 2025" in nonactive["message"]
