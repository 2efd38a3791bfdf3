"""``bsu check`` shows how each roster was read (``sources`` in ``--format json``, plain
words on the screen) and takes ``--map field="Header"`` to correct it; a mapping that
cannot be followed is the command's mistake (exit 2, naming what is there)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import run
from tests.support import write_xlsx

NIKS = [f"327501410190{i:04d}" for i in range(1, 11)]
# An HR export: "Kode" holds the employee code; "Gaji Pokok" and "Total Upah" side by side.
HEADER = ["Kode", "NIK KTP", "Nama", "Gaji Pokok", "Total Upah", "Status Kepesertaan", "Tgl Daftar"]


def roster(path: Path, nik_header: str = "NIK KTP", nik_codes: bool = False) -> Path:
    header = [nik_header if h == "NIK KTP" else h for h in HEADER]
    rows: list[list[Any]] = [
        [
            f"EMP{i:04d}",
            f"EMP{i:04d}" if nik_codes else nik,
            f"Pekerja {i}",
            3000000,
            3200000 + i,
            "Aktif",
            "15/01/2024",
        ]
        for i, nik in enumerate(NIKS, start=1)
    ]
    return write_xlsx(path, {"Pekerja": [["DAFTAR PEKERJA"], header, *rows]})


def check_json(*args: str | Path) -> tuple[int, dict[str, Any], str]:
    done = run("check", *args, "--format", "json")
    doc = json.loads(done.stdout) if done.stdout.strip() else {}
    return done.returncode, doc, done.stderr


def test_json_has_sources_in_the_documented_shape(tmp_path: Path) -> None:
    code, doc, stderr = check_json(roster(tmp_path / "pt.xlsx"))
    assert code == 0, stderr
    (source,) = doc["sources"]
    assert set(source) >= {
        "file",
        "sheet",
        "header_row",
        "columns",
        "ignored_columns",
        "skipped_rows",
        "notices",
    }
    assert (source["file"], source["sheet"], source["header_row"]) == ("pt.xlsx", "Pekerja", 2)
    assert source["columns"]["nik"] == ["NIK KTP"]
    assert all(isinstance(h, list) for h in source["columns"].values())
    assert doc["summary"]["total"] == 10


@pytest.mark.parametrize(
    ("mapping", "field", "header", "wage"),
    [
        ([], "wage", None, None),  # the automatic choice, whatever it is
        (["--map", "wage=Gaji Pokok"], "wage", "Gaji Pokok", 3000000),
        (["--map", 'wage="Total Upah"'], "wage", "Total Upah", 3200001),
        (["--map", "WAGE = Total Upah"], "wage", "Total Upah", 3200001),
    ],
)
def test_map_chooses_the_column_a_field_is_read_from(
    mapping: list[str], field: str, header: str | None, wage: int | None, tmp_path: Path
) -> None:
    code, doc, stderr = check_json(roster(tmp_path / "pt.xlsx"), *mapping)
    assert code == 0, stderr
    (source,) = doc["sources"]
    if header is not None:
        assert source["columns"][field] == [header]
        assert doc["rows"][0]["wage"] == wage
        assert header not in {c["header"] for c in source["ignored_columns"]}


def test_map_reads_the_nik_from_the_column_named(tmp_path: Path) -> None:
    # "NIK" holds employee codes: every row fails until the person names "NIK KTP".
    path = roster(tmp_path / "pt.xlsx", nik_header="No KTP", nik_codes=False)
    code, doc, stderr = check_json(path, "--map", "nik=Kode")
    assert code == 0, stderr
    (source,) = doc["sources"]
    assert source["columns"]["nik"] == ["Kode"]
    assert doc["summary"]["review"] == 10
    assert [n["code"] for n in source["notices"]] == ["suspect_nik_invalid_format"]
    code, doc, stderr = check_json(path, "--map", "nik=No KTP")
    assert code == 0, stderr
    assert doc["sources"][0]["columns"]["nik"] == ["No KTP"]
    assert doc["summary"]["eligible"] == 10 and doc["sources"][0]["notices"] == []


@pytest.mark.parametrize(
    ("mapping", "said"),
    [
        ("gaji=Total Upah", ["gaji", "wage", "nik"]),  # no such field: the known ones
        ("wage", ["wage=Total Upah"]),  # not field=Header
        ("wage=", ["field=Judul Kolom"]),
    ],
)
def test_a_mapping_that_names_no_field_ends_with_exit_2(
    mapping: str, said: list[str], tmp_path: Path
) -> None:
    done = run("check", roster(tmp_path / "pt.xlsx"), "--map", mapping)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    for words in said:
        assert words in done.stderr


def test_an_unknown_header_ends_with_exit_2_listing_the_headers(tmp_path: Path) -> None:
    done = run("check", roster(tmp_path / "pt.xlsx"), "--map", "wage=Upah Total")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "Upah Total" in done.stderr
    for header in ("Gaji Pokok", "Total Upah", "NIK KTP"):
        assert header in done.stderr


def test_with_several_files_a_file_without_the_header_is_skipped(tmp_path: Path) -> None:
    has = roster(tmp_path / "a.xlsx")
    lacks = write_xlsx(
        tmp_path / "b.xlsx",
        {"Pekerja": [["NIK", "Nama", "Upah"], [NIKS[0], "Adi", 3000000]]},
    )
    done = run("check", has, lacks, "--map", "wage=Total Upah", "--format", "json")
    assert done.returncode == 3, done.stderr
    doc = json.loads(done.stdout)
    assert [s["file"] for s in doc["sources"]] == ["a.xlsx"]
    assert "b.xlsx" in done.stderr and "Total Upah" in done.stderr


def test_the_screen_leads_with_the_notice_not_a_row_per_worker(tmp_path: Path) -> None:
    path = roster(tmp_path / "pt.xlsx", nik_codes=True)
    done = run("check", path, "--map", "nik=NIK KTP")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "NIK bukan 16 angka" in text and "'NIK KTP'" in text
    assert text.index("NIK bukan 16 angka") < text.index("Perlu Perbaikan Data")
    assert "10 baris perlu perhatian karena alasan yang sudah disebut" in text
    assert "NIK_INVALID_FORMAT" not in text  # no table of 10 identical rows
    english = run("check", path, "--map", "nik=NIK KTP", "--lang", "en").stdout
    assert "the NIK is not 16 digits" in english and "already gives" in english


def test_coverage_takes_the_same_mapping(tmp_path: Path) -> None:
    done = run("coverage", roster(tmp_path / "pt.xlsx"), "--map", "gaji=Total Upah")
    assert done.returncode == 2, done.stderr
    assert "gaji" in done.stderr and "Traceback" not in done.stderr
