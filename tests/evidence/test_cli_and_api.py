"""Evidence loaded by branch staff, end to end: the real ``bsu`` console script on the
samples (SQLite store in a private BSU_DATA_DIR), and a real ``bsu serve`` on the same
store as the imports (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bsu.core.ruleset import load_ruleset
from bsu.results.trail_sheet import TRAIL_SHEET
from bsu.rosters import extracts
from bsu.store import schema
from bsu.store.db import make_engine
from bsu.store.imports import import_exclusions, import_registry
from tests.servers import start_server, wait_for
from tests.support import VALID_WORKER

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
BSU = Path(sys.executable).with_name("bsu")
CLEAN, EMPLOYER_B = "roster-clean.xlsx", "roster-employer-b.csv"
CRITERIA = [c.id for c in load_ruleset("bsu-2025").criteria()]

REGISTRY_ID = "data peserta BPJS Ketenagakerjaan (ekstrak 2025-05-02)"
REGISTRY_EN = "BPJS Ketenagakerjaan participant data (extract 2025-05-02)"
ROSTER_ID, ROSTER_EN = "roster pemberi kerja", "the employer's roster"
PKH_ID = "daftar PKH 2025-06-01 (Kemensos)"
ASN_ID = "daftar ASN 2025-06-01 (BKN)"

# (file, row) -> (status, reasons) with the samples' registry extract and lists loaded.
# Bunga (clean 3), Hesti (clean 9) and Prita (employer B 5) are Nonaktif in the extract,
# whose "Iuran Terakhir" (2024-11, 2023-01, 2024-12) says they stopped paying before April
# 2025: bsu-2025 judges activity by that (active_means: contribution_paid).
WITH_EVIDENCE: dict[tuple[str, int], tuple[str, list[str]]] = {
    (CLEAN, 2): ("review", ["NIK_DUPLICATE_ACROSS_EMPLOYERS"]),
    (CLEAN, 3): ("ineligible", ["CONTRIBUTION_NOT_PAID"]),
    (CLEAN, 4): ("ineligible", ["WAGE_ABOVE_CAP"]),
    (CLEAN, 5): ("ineligible", ["WAGE_ABOVE_CAP"]),
    (CLEAN, 6): ("ineligible", ["PARTICIPANT_NOT_FOUND"]),
    (CLEAN, 7): ("ineligible", ["EXCLUDED_PKH_RECIPIENT"]),
    (CLEAN, 8): ("ineligible", ["PARTICIPANT_JOINED_AFTER_CUTOFF"]),
    (CLEAN, 9): ("ineligible", ["CONTRIBUTION_NOT_PAID"]),
    (CLEAN, 10): ("ineligible", ["CATEGORY_NOT_PU"]),
    (CLEAN, 11): ("ineligible", ["EXCLUDED_ASN_TNI_POLRI"]),
    (CLEAN, 12): ("ineligible", ["EXCLUDED_PKH_RECIPIENT"]),
    (CLEAN, 13): ("ineligible", ["EXCLUDED_ASN_TNI_POLRI"]),
    (EMPLOYER_B, 2): ("review", ["NIK_DUPLICATE_ACROSS_EMPLOYERS"]),
    (EMPLOYER_B, 3): ("ineligible", ["EXCLUDED_ASN_TNI_POLRI"]),
    (EMPLOYER_B, 4): ("ineligible", ["PARTICIPANT_NOT_FOUND"]),
    (EMPLOYER_B, 5): ("ineligible", ["CONTRIBUTION_NOT_PAID"]),
}
# The same two rosters with no store: the rosters' own claims.
WITHOUT_EVIDENCE: dict[tuple[str, int], tuple[str, list[str]]] = {
    (CLEAN, 2): ("review", ["NIK_DUPLICATE_ACROSS_EMPLOYERS"]),
    (CLEAN, 3): ("eligible", []),
    (CLEAN, 4): ("eligible", []),
    (CLEAN, 5): ("ineligible", ["WAGE_ABOVE_CAP"]),
    (CLEAN, 6): ("eligible", []),
    (CLEAN, 7): ("eligible", []),
    (CLEAN, 8): ("ineligible", ["PARTICIPANT_JOINED_AFTER_CUTOFF"]),
    (CLEAN, 9): ("ineligible", ["PARTICIPANT_NOT_ACTIVE"]),
    (CLEAN, 10): ("ineligible", ["CATEGORY_NOT_PU"]),
    (CLEAN, 11): ("ineligible", ["EXCLUDED_ASN_TNI_POLRI"]),
    (CLEAN, 12): ("ineligible", ["EXCLUDED_PKH_RECIPIENT"]),
    (CLEAN, 13): ("ineligible", ["EXCLUDED_ASN_TNI_POLRI"]),
    (EMPLOYER_B, 2): ("review", ["NIK_DUPLICATE_ACROSS_EMPLOYERS"]),
    (EMPLOYER_B, 3): ("eligible", []),
    (EMPLOYER_B, 4): ("eligible", []),
    (EMPLOYER_B, 5): ("eligible", []),
}


def run(data_dir: Path, *args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed console script in a fresh process, with its own data directory."""
    return subprocess.run(
        [str(BSU), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(data_dir.parent),
            "LANG": "C.UTF-8",
            "COLUMNS": "200",
            "BSU_DATA_DIR": str(data_dir),
            **env,
        },
    )


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def decisions(rows: list[dict[str, Any]]) -> dict[tuple[str, int], tuple[str, list[str]]]:
    return {(r["source"], r["row"]): (r["status"], [x["code"] for x in r["reasons"]]) for r in rows}


def headers(book_path: Path) -> dict[str, list[Any]]:
    book = load_workbook(book_path, read_only=True)
    try:
        return {
            name: [c.value for c in next(book[name].iter_rows(max_row=1))]
            for name in book.sheetnames[1:]
        }
    finally:
        book.close()


# --- the CLI, SQLite store in BSU_DATA_DIR ---------------------------------------------


@dataclass
class Loaded:
    data: Path
    imports: list[str]  # stdout of each import command, in order
    status: str  # stdout of bsu registry status
    report: dict[str, Any]  # bsu check --format json
    out: Path  # bsu check --out


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    """A store with the samples' registry extract (imported twice) and PKH and ASN lists,
    loaded through the CLI; then the two sample rosters checked against it."""
    data = tmp_path_factory.mktemp("cli") / "data"
    extract = SAMPLES / "registry-extract.csv"
    imports = [
        ok(run(data, "registry", "import", extract, "--as-of", "2025-05-02")),
        ok(run(data, "registry", "import", extract, "--as-of", "2025-05-02")),
        ok(
            run(
                data,
                *("exclusions", "import", "--list", "pkh", SAMPLES / "exclusions-pkh.csv"),
                *("--source", "Kemensos", "--as-of", "2025-06-01"),
            )
        ),
        ok(
            run(
                data,
                *("exclusions", "import", "--list", "asn", SAMPLES / "exclusions-asn.csv"),
                *("--source", "BKN", "--as-of", "2025-06-01"),
            )
        ),
    ]
    status = ok(run(data, "registry", "status"))
    out = data.parent / "hasil.xlsx"
    report = json.loads(
        ok(
            run(
                data,
                *("check", SAMPLES / CLEAN, SAMPLES / EMPLOYER_B),
                *("--format", "json", "--out", out),
            )
        )
    )
    return Loaded(data, imports, status, report, out)


def test_imports_say_what_they_did(loaded: Loaded) -> None:
    first, second, pkh, asn = loaded.imports
    assert "registry-extract.csv" in first and "13 peserta dimuat" in first
    assert "0 baris tanpa NIK sah dilewati" in first
    assert "already imported" in second and "sudah pernah dimuat" in second
    assert "13 rows" in second
    assert "daftar PKH" in pkh and "1 NIK" in pkh and "already" not in pkh
    assert "daftar ASN" in asn and "1 NIK" in asn
    lines = loaded.status.splitlines()
    assert "Peserta / participants: 13 (per 2025-05-02)" in lines
    assert "Daftar / list PKH: 1 NIK" in lines
    assert "Daftar / list ASN: 1 NIK" in lines
    assert "Daftar / list TNI: 0 NIK" in lines
    assert (loaded.data / "bsu.db").is_file()


def test_check_with_the_store_uses_its_evidence(loaded: Loaded) -> None:
    rows = loaded.report["rows"]
    assert decisions(rows) == WITH_EVIDENCE
    assert loaded.report["summary"]["eligible"] == 0
    for row in rows:
        evidence = row["evidence"]
        assert list(evidence) == CRITERIA, row
        assert evidence["citizen_with_nik"] == ROSTER_ID
        assert evidence["active_participant"] == REGISTRY_ID, row

    by_place = {(r["source"], r["row"]): r for r in rows}
    cahyo = by_place[CLEAN, 4]
    assert cahyo["wage"] == 5_800_000
    assert cahyo["evidence"]["wage_within_cap"] == REGISTRY_ID
    [reason] = cahyo["reasons"]
    assert "Rp5.800.000" in reason["message"] and "Rp5.700.000" in reason["message"]
    eko = by_place[CLEAN, 6]
    assert eko["evidence"]["wage_within_cap"] == ROSTER_ID
    assert "ekstrak 2025-05-02" in eko["reasons"][0]["message"]
    fitri = by_place[CLEAN, 7]
    assert fitri["evidence"]["not_pkh_recipient"] == PKH_ID
    assert PKH_ID in fitri["reasons"][0]["message"]
    kartika = by_place[CLEAN, 12]  # her roster says Ya; she is not on the list
    assert kartika["evidence"]["not_pkh_recipient"] == ROSTER_ID
    nia = by_place[EMPLOYER_B, 3]
    assert nia["evidence"]["not_asn_tni_polri"] == ASN_ID
    assert ASN_ID in nia["reasons"][0]["message"]


def test_the_result_workbooks_have_an_evidence_column(loaded: Loaded) -> None:
    for book in (
        loaded.out,
        loaded.out.with_name("hasil-roster-clean.xlsx"),
        loaded.out.with_name("hasil-roster-employer-b.xlsx"),
    ):
        for sheet, header in headers(book).items():
            if sheet.startswith(TRAIL_SHEET):
                continue  # one line per row and criterion, its evidence in its own column
            assert "Bukti" in header, (book.name, sheet, header)
            assert header.index("Bukti") == header.index("Keterangan") + 1

    book = load_workbook(loaded.out, read_only=True)
    sheet = book["Tidak Layak"]
    rows = list(sheet.iter_rows(values_only=True))
    book.close()
    header = list(rows[0])
    fitri = next(r for r in rows[1:] if r[header.index("Baris")] == 7)
    assert f"not_pkh_recipient: {PKH_ID}" in fitri[header.index("Bukti")]
    assert f"active_participant: {REGISTRY_ID}" in fitri[header.index("Bukti")]


def test_check_without_a_store_gives_the_rosters_own_decisions(tmp_path: Path) -> None:
    data = tmp_path / "data"
    out = tmp_path / "hasil.xlsx"
    report = json.loads(
        ok(
            run(
                data,
                *("check", SAMPLES / CLEAN, SAMPLES / EMPLOYER_B),
                *("--format", "json", "--out", out),
            )
        )
    )
    assert decisions(report["rows"]) == WITHOUT_EVIDENCE
    assert all("evidence" not in row for row in report["rows"])
    for sheet, header in headers(out).items():
        assert "Bukti" not in header, (sheet, header)
    assert not (data / "bsu.db").exists(), "a plain check must not create a store"
    assert "Belum ada data" in ok(run(data, "registry", "status"))


# --- the API, on the same store as the imports -------------------------------------------


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[Any]:
    engine = make_engine(database_url)
    schema.upgrade(engine)
    try:
        import_registry(
            engine,
            extracts.registry(SAMPLES / "registry-extract.csv"),
            dt.date(2025, 5, 2),
            "petugas",
        )
        for kind, source in (("pkh", "Kemensos"), ("asn", "BKN")):
            path = SAMPLES / f"exclusions-{kind}.csv"
            import_exclusions(
                engine, kind, extracts.exclusion_list(path), source, dt.date(2025, 6, 1), "petugas"
            )
    finally:
        engine.dispose()
    server = start_server(tmp_path / "data", database_url)
    try:
        yield server
    finally:
        server.stop()


def test_the_api_uses_the_store_evidence(served: Any) -> None:
    with served.client() as client:
        # In the registry, active, reported wage Rp3.200.000: the registry's wage is used.
        adi = client.post("/v1/check", json=VALID_WORKER)
        assert adi.status_code == 200, adi.text
        body = adi.json()
        assert (body["status"], body["reasons"], body["wage"]) == ("eligible", [], 3_200_000)
        assert body["evidence"]["active_participant"] == REGISTRY_ID

        bunga = {**VALID_WORKER, "nik": "3275016502920002", "participant_status": "Aktif"}
        inactive = client.post("/v1/check", json=bunga).json()
        assert inactive["status"] == "ineligible"
        assert [r["code"] for r in inactive["reasons"]] == ["CONTRIBUTION_NOT_PAID"]
        assert list(inactive["evidence"]) == CRITERIA
        assert inactive["evidence"]["active_participant"] == REGISTRY_ID
        assert REGISTRY_ID in inactive["reasons"][0]["message"]
        assert "iuran terakhir tercatat November 2024" in inactive["reasons"][0]["message"]

        english = client.post("/v1/check", json=bunga, headers={"Accept-Language": "en"}).json()
        assert english["evidence"]["active_participant"] == REGISTRY_EN
        assert english["evidence"]["citizen_with_nik"] == ROSTER_EN
        assert REGISTRY_EN in english["reasons"][0]["message"]

        eko = {**VALID_WORKER, "nik": "3171012309910005", "participant_status": "Aktif"}
        absent = client.post("/v1/check", json=eko).json()
        assert absent["status"] == "ineligible"
        assert [r["code"] for r in absent["reasons"]] == ["PARTICIPANT_NOT_FOUND"]
        assert absent["evidence"]["active_participant"] == REGISTRY_ID

        submitted = client.post(
            "/v1/batches", files={"file": (CLEAN, (SAMPLES / CLEAN).read_bytes())}
        )
        assert submitted.status_code == 202, submitted.text
        batch = wait_for(client, submitted.headers["location"], {"done", "failed"})
        assert batch["status"] == "done", batch
        rows = client.get(f"/v1/batches/{batch['id']}/rows", params={"page_size": 100}).json()
        en_rows = client.get(
            f"/v1/batches/{batch['id']}/rows",
            params={"page_size": 100},
            headers={"Accept-Language": "en"},
        ).json()

    expected = {place: decided for place, decided in WITH_EVIDENCE.items() if place[0] == CLEAN}
    # Alone, roster-clean.xlsx shares no NIK with another employer's roster.
    expected[CLEAN, 2] = ("eligible", [])
    assert rows["count"] == len(expected)
    assert decisions(rows["data"]) == expected
    for row, en_row in zip(rows["data"], en_rows["data"], strict=True):
        assert list(row["evidence"]) == CRITERIA, row
        assert row["evidence"]["active_participant"] == REGISTRY_ID
        assert en_row["evidence"]["active_participant"] == REGISTRY_EN
    fitri = next(r for r in rows["data"] if r["row"] == 7)
    assert fitri["evidence"]["not_pkh_recipient"] == PKH_ID


# --- Found wrong once, now fixed -------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(("registry", "import"), id="registry"),
        pytest.param(("exclusions", "import", "--list", "pkh"), id="exclusions"),
    ],
)
def test_importing_a_missing_file_is_a_user_error(tmp_path: Path, command: tuple[str, ...]) -> None:
    done = run(tmp_path / "data", *command, tmp_path / "tidak-ada.csv")
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2
    assert "Galat:" in done.stderr and "Error:" in done.stderr


def test_status_with_lists_only_does_not_print_none(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ok(run(data, "exclusions", "import", "--list", "pkh", SAMPLES / "exclusions-pkh.csv"))
    status = ok(run(data, "registry", "status"))
    assert "Daftar / list PKH: 1 NIK" in status
    assert "None" not in status, status
