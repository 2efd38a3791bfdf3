"""``bsu coverage --registry`` end to end: the real console script on a real SQLite store,
filled the way branch staff fill it (three ``bsu registry import``, ``bsu coverage
import-universe``, ``bsu coverage import-targets``); the figures are those computed by hand
in ``tests/coverage/test_regional_service.py``."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.cli.conftest import run_with_store
from tests.coverage.test_regional_service import (
    DAYS,
    JUNE,
    MARCH,
    SEPTEMBER,
    TARGETS,
    UNIVERSE,
    extract,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def bsu(*args: str | Path, data: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_with_store(*args, data=data, cwd=cwd, columns=220)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A work folder, and a store with three registry snapshots, a universe and targets."""
    work = tmp_path_factory.mktemp("regional-cli")
    data = work / "data"
    for day, lines in zip(DAYS, [MARCH, JUNE, SEPTEMBER], strict=True):
        path = extract(work / f"registry-{day}.csv", lines)
        done = bsu("registry", "import", path, "--as-of", day.isoformat(), data=data, cwd=work)
        assert done.returncode == 0, done.stderr
    (work / "semesta.csv").write_text(UNIVERSE, encoding="utf-8")
    (work / "target.csv").write_text(TARGETS, encoding="utf-8")
    steps = [
        ("coverage", "import-universe", "semesta.csv", "--source", "contoh sintetis",
         "--as-of", "2024-08-01"),
        ("coverage", "import-targets", "target.csv", "--source", "RPJMN 2025-2029"),
    ]  # fmt: skip
    for step in steps:
        done = bsu(*step, data=data, cwd=work)
        assert done.returncode == 0, done.stderr
    return work, data


def test_the_report_as_json_with_the_workbooks(loaded: tuple[Path, Path]) -> None:
    work, data = loaded
    done = bsu(
        "coverage", "--registry", "--format", "json", "--out", "ucj.xlsx", data=data, cwd=work
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert (doc["year"], doc["as_of"]) == (2025, "2025-09-30")
    rows = {r["region_code"]: r for r in doc["regencies"]}
    figures = ("protected", "universe", "coverage_pct", "not_protected", "target_pct", "gap")
    # 4 of 10 = 40,0%; ceil(46,80% x 10) = 5 - 4 = 1 (see test_regional_service).
    assert [rows["61.72"][k] for k in figures] == [4, 10, 40.0, 6, 46.8, 1]
    assert rows["61.72"]["change_pct"] == 10.0
    # 2 of 10 = 20,0%; the national 32,15% -> 4 - 2 = 2.
    assert [rows["61.01"][k] for k in figures] == [2, 10, 20.0, 8, 32.15, 2]
    totals = doc["totals"]
    # Kalimantan Barat summed: 6 counted of 20 = 30,0%; national 32,15% -> 7 - 6 = 1.
    assert (totals["universe"], totals["protected_in_universe"], totals["coverage_pct"]) == (
        20,
        6,
        30.0,
    )
    assert (totals["gap"], totals["target_source"]) == (1, "RPJMN 2025-2029")
    assert totals["universe_source"] == "contoh sintetis"
    assert "contoh sintetis, per 1 Agustus 2024" in doc["denominator"]
    assert len({r["as_of"] for r in doc["trend"]}) == 3
    firms = {r["employer_id"]: r for r in doc["arrears"]["employers"]}
    assert (firms["NPP001"]["inactive"], firms["NPP001"]["arrears"]) == (1, 3)
    assert "workers" not in doc["arrears"]  # no call list on stdout: it is in the workbook

    regional = load_workbook(work / "ucj.xlsx")
    assert regional.sheetnames == ["Ringkasan", "Per Kabupaten-Kota", "Per Provinsi", "Tren"]
    assert len(regional["Ringkasan"]._images) == 1
    owed = load_workbook(work / "ucj-tunggakan.xlsx")
    assert owed.sheetnames == ["Per Pemberi Kerja", "Daftar Tunggakan"]
    calls = list(owed["Daftar Tunggakan"].iter_rows(values_only=True))
    # Last paid before June 2025 (September - 3): workers 1, 2, 3 (NPP001), 4 (no NPP), 5
    # (NPP002); worker 3 is non-active too.
    assert len(calls) - 1 == 5
    assert (work / "ucj-chart.png").read_bytes().startswith(PNG_MAGIC)


def test_the_tables_in_english(loaded: tuple[Path, Path]) -> None:
    work, data = loaded
    done = bsu("coverage", "--registry", "--lang", "en", data=data, cwd=work)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    for shown in (
        "Coverage by regency/city (target year 2025, as of 30 September 2025)",
        "Coverage by province",
        "Kota Singkawang",
        "40.0%",
        "46.80%",
        "+10.0",
        "(regency/city unknown)",
        "(region unknown)",
        "÷ workforce universe (potential PU + potential BPU)",
        "Trend by province",
        "2025-03-31",
        "Arrears by employer",
        "1 workers non-active; 3 workers whose last contribution is more than 3 months",
    ):
        assert shown in text, shown
    assert "6172014101900001" not in text  # personal data only in the workbook


def test_months_and_year_are_taken(loaded: tuple[Path, Path]) -> None:
    work, data = loaded
    done = bsu(
        "coverage", "--registry", "--months", "6", "--year", "2024", "--format", "json",
        data=data, cwd=work,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["year"] == 2024 and doc["totals"]["target_pct"] is None
    assert any("2024" in m for m in doc["missing"])
    # 6 months before September: March; worker 3 (2025-02) only.
    assert doc["arrears"]["months"] == 6
    firms = {r["employer_id"]: r for r in doc["arrears"]["employers"]}
    assert firms["NPP001"]["arrears"] == 1


def test_without_a_universe_no_percentage_and_what_to_import(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = extract(tmp_path / "registry.csv", MARCH)
    assert (
        bsu("registry", "import", path, "--as-of", "2025-03-31", data=data, cwd=tmp_path).returncode
        == 0
    )
    done = bsu("coverage", "--registry", "--format", "json", data=data, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert all(r["coverage_pct"] is None for r in doc["regencies"] + doc["provinces"])
    assert doc["totals"]["coverage_pct"] is None
    assert any("bsu coverage import-universe BERKAS" in m for m in doc["missing"])
    table = bsu("coverage", "--registry", data=data, cwd=tmp_path)
    assert table.returncode == 0 and not re.search(r"\d%", table.stdout)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--registry",), "bsu registry import BERKAS --as-of TANGGAL"),
        (("roster.csv", "--registry"), "berikan roster"),
        (("roster.csv", "--year", "2025"), "hanya berlaku dengan --registry"),
        (("--registry", "--out", "laporan.csv"), ".csv"),
        (("--lang", "en"), "bsu coverage ROSTER"),
    ],
    ids=["no-registry", "rosters-and-registry", "year-without-registry", "out-suffix", "nothing"],
)
def test_refusals_exit_2_with_words(args: tuple[str, ...], said: str, tmp_path: Path) -> None:
    (tmp_path / "roster.csv").write_text("NIK;Nama\n6172014101900001;Ani\n", encoding="utf-8")
    done = bsu("coverage", *args, data=tmp_path / "data", cwd=tmp_path)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert said in done.stderr and "Error:" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "data").exists()  # asking creates no store
