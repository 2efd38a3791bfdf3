"""``bsu coverage`` through the real console script, on a real store in BSU_DATA_DIR."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.cli.conftest import run_with_store
from tests.coverage import known

bsu = run_with_store


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A folder with the two rosters, and a store holding the registry extract."""
    work = tmp_path_factory.mktemp("cov-cli")
    data = work / "data"
    known.write_rosters(work)
    registry = known.write_registry(work / "registry.csv")
    done = bsu("registry", "import", registry, "--as-of", known.AS_OF, data=data, cwd=work)
    assert done.returncode == 0, done.stderr
    assert "7 peserta" in done.stdout
    registry.unlink()
    return work, data


def test_without_a_registry_coverage_says_so_in_both_languages(tmp_path: Path) -> None:
    known.write_rosters(tmp_path)
    done = bsu("coverage", "roster-a.csv", data=tmp_path / "data", cwd=tmp_path)
    assert done.returncode == 2
    assert "tanpa data peserta BPJS Ketenagakerjaan" in done.stderr
    assert "without the BPJS Ketenagakerjaan participant registry" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "data").exists()  # asking for coverage creates no store


def test_coverage_as_json_with_the_workbook(loaded: tuple[Path, Path]) -> None:
    work, data = loaded
    done = bsu(
        "coverage",
        "roster-a.csv",
        "roster-b.csv",
        "--out",
        "cov.xlsx",
        "--format",
        "json",
        data=data,
        cwd=work,
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["totals"] == known.TOTALS
    assert doc["by_employer"] == known.BY_EMPLOYER
    assert doc["by_region"] == known.BY_REGION
    assert doc["registry"] == [known.AS_OF]
    reached = [(r["source"], r["row"], r["nik"], r["name"], r["why"]) for r in doc["outreach"]]
    assert reached == known.OUTREACH
    book = load_workbook(work / "cov.xlsx")
    assert book.sheetnames == ["Ringkasan", "Per Pemberi Kerja", "Per Wilayah", "Daftar Jangkauan"]
    assert len(book["Ringkasan"]._images) == 1
    assert (work / "cov-chart.png").stat().st_size > 10_000


def test_a_folder_in_english_prints_the_tables(loaded: tuple[Path, Path], tmp_path: Path) -> None:
    work, data = loaded
    folder = tmp_path / "rosters"
    folder.mkdir()
    for name in ("roster-a.csv", "roster-b.csv"):
        shutil.copy(work / name, folder / name)
    (folder / "~$roster-a.xlsx").write_bytes(b"lock")  # Excel's lock file: not a roster
    (folder / "notes.txt").write_text("not a roster", encoding="utf-8")
    done = bsu("coverage", folder, "--lang", "en", data=data, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "Per employer" in text and "Per work region" in text
    for shown in (
        "PT Alfa (NPP NPP001)",
        "33.3%",
        "75.0%",
        "Kota Bekasi",
        "60.0%",
        "40.0%",
        "50.0%",
    ):
        assert shown in text, shown
    assert "Coverage (%) = workers registered and active" in text
    assert "Outreach list: 4 workers" in text
    assert "3275014101900003" not in text  # full NIKs only in the files


def test_an_unreadable_roster_is_exit_2_with_its_message(loaded: tuple[Path, Path]) -> None:
    work, data = loaded
    (work / "broken.xlsx").write_bytes(b"this is not a workbook")
    done = bsu("coverage", "roster-a.csv", "broken.xlsx", data=data, cwd=work)
    assert done.returncode == 2
    assert "broken.xlsx" in done.stderr and "Error:" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
