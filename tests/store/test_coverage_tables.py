"""The workforce universe and the coverage targets branch staff import: the samples'
tables, the ways people write codes, names and numbers, the latest import in use, and
each refusal (the row and column named, nothing written). On a database of each kind."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bsu.errors import BsuError, RosterError
from bsu.rosters import extracts
from bsu.store import coverage
from bsu.store.models import (
    AuditRecord,
    TargetEntry,
    TargetImport,
    UniverseEntry,
    UniverseImport,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "coverage"
AS_OF = dt.date(2024, 8, 1)
SYNTHETIC = "contoh sintetis, bukan data BPS"


def load_universe(engine: Engine, path: Path, source: str = SYNTHETIC, as_of: dt.date = AS_OF):
    return coverage.import_universe(engine, extracts.universe(path), source, as_of, "petugas")


def load_targets(engine: Engine, path: Path, source: str = "Contoh"):
    return coverage.import_targets(engine, extracts.targets(path), source, "petugas")


def written(engine: Engine, *models: Any) -> list[int]:
    with Session(engine) as session:
        return [session.scalar(select(func.count()).select_from(m)) or 0 for m in models]


def audited(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(select(AuditRecord.action).order_by(AuditRecord.id)))


def csv(tmp_path: Path, text: str, name: str = "tabel.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def xlsx(tmp_path: Path, rows: list[list[Any]], name: str = "tabel.xlsx") -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


# --- the universe ------------------------------------------------------------------------


def test_the_samples_universe_is_loaded_with_its_source_and_date(engine: Engine) -> None:
    done = load_universe(engine, SAMPLES / "universe.csv")
    # Four regencies; the "Jumlah" row sums them and is skipped.
    assert (done.rows, done.skipped, done.already) == (4, 1, False)
    table = coverage.universe(engine)
    assert list(table.columns) == list(coverage.UNIVERSE_COLUMNS)
    got = {r.region_code: (r.potential_pu, r.potential_bpu) for r in table.itertuples()}
    assert got == {"12.18": (5, 5), "61.01": (25, 35), "61.71": (15, 10), "61.72": (20, 20)}
    assert set(table["source"]) == {SYNTHETIC}
    assert set(table["as_of"]) == {AS_OF}
    assert set(table["filename"]) == {"universe.csv"}
    assert audited(engine) == ["coverage.universe.imported"]


def test_the_same_universe_again_changes_nothing_and_another_replaces_it(
    engine: Engine, tmp_path: Path
) -> None:
    first = load_universe(engine, SAMPLES / "universe.csv")
    again = load_universe(engine, SAMPLES / "universe.csv")
    assert again.already and again.import_id == first.import_id
    assert written(engine, UniverseImport, UniverseEntry) == [1, 4]
    # The same file with another source is another import, and so is a newer table.
    other = load_universe(engine, SAMPLES / "universe.csv", source="BPS Sakernas 2024")
    assert not other.already
    assert set(coverage.universe(engine)["source"]) == {"BPS Sakernas 2024"}
    newer = csv(tmp_path, "Kode Wilayah;PU;BPU\n61.72;100;200\n")
    load_universe(engine, newer, as_of=dt.date(2025, 8, 1))
    table = coverage.universe(engine)
    assert table[["region_code", "potential_pu", "potential_bpu"]].values.tolist() == [
        ["61.72", 100, 200]
    ]
    assert set(table["as_of"]) == {dt.date(2025, 8, 1)}


def test_without_a_universe_the_loader_gives_an_empty_table(engine: Engine) -> None:
    table = coverage.universe(engine)
    assert table.empty and list(table.columns) == list(coverage.UNIVERSE_COLUMNS)


def test_a_total_only_table_is_stored_as_pu_with_no_bpu(engine: Engine, tmp_path: Path) -> None:
    path = csv(tmp_path, "Kabupaten/Kota,Semesta\nKota Singkawang,40\nSambas,60\n")
    assert load_universe(engine, path).rows == 2
    table = coverage.universe(engine).set_index("region_code")
    assert table.loc["61.72", "potential_pu"] == 40
    assert table["potential_bpu"].isna().all()


def test_a_workbook_with_codes_typed_as_numbers_and_a_province_row(
    engine: Engine, tmp_path: Path
) -> None:
    path = xlsx(
        tmp_path,
        [
            ["Semesta pekerja Kalimantan Barat"],
            [],
            ["Kode", "Provinsi", "Potensi PU", "Potensi BPU"],
            [61.72, "Kalimantan Barat", 45000, "44.920"],  # a code typed as a number
            [61.1, "Kalimantan Barat", "12 000", 13000],  # 61.10 once Excel drops the 0
            [None, "Kalimantan Barat", 900000, "1,200,000"],  # the province's own row
        ],
    )
    assert load_universe(engine, path).rows == 3
    got = {
        r.region_code: (r.potential_pu, r.potential_bpu)
        for r in coverage.universe(engine).itertuples()
    }
    assert got == {"61": (900000, 1200000), "61.10": (12000, 13000), "61.72": (45000, 44920)}


UNIVERSE_REFUSALS = [
    # (table, error code, words naming the place, words saying what is wrong)
    (
        "Kabupaten/Kota;PU;BPU\nKota Singkawang;1;2\nKota Atlantis;3;4\n",
        "table_region_unknown",
        "baris 3, kolom 'Kabupaten/Kota'",
        "'Kota Atlantis' bukan kabupaten",
    ),
    (
        "Kabupaten/Kota;PU;BPU\nBekasi;1;2\n",
        "table_region_ambiguous",
        "baris 2, kolom 'Kabupaten/Kota'",
        "Kabupaten Bekasi (32.16), Kota Bekasi (32.75)",
    ),
    (
        "Kabupaten/Kota;Provinsi;PU;BPU\nKota Singkawang;Sumatera Utara;1;2\n",
        "table_region_conflict",
        "baris 2, kolom 'Kabupaten/Kota'",
        "tidak terletak di provinsi 'Sumatera Utara'",
    ),
    (
        "Kabupaten/Kota;PU;BPU\nKota Singkawang;1;2\nSambas;-3;4\n",
        "table_number_negative",
        "baris 3, kolom 'PU'",
        "'-3' negatif",
    ),
    (
        "Kabupaten/Kota;PU;BPU\nKota Singkawang;1;dua\n",
        "table_number_unreadable",
        "baris 2, kolom 'BPU'",
        "'dua' bukan bilangan bulat",
    ),
    (
        "Kabupaten/Kota;PU;BPU\nKota Singkawang;1,5;2\n",
        "table_number_unreadable",
        "baris 2, kolom 'PU'",
        "'1,5' bukan bilangan bulat",
    ),
    (
        "Kabupaten/Kota;PU;BPU\nKota Singkawang;;2\n",
        "table_number_missing",
        "baris 2, kolom 'PU'",
        "Angkanya kosong",
    ),
    (
        "Kabupaten/Kota;PU;BPU\n;1;2\n",
        "table_region_missing",
        "baris 2",
        "tidak menyebut wilayahnya",
    ),
    (
        "Kabupaten/Kota;PU;BPU\nKota Singkawang;1;2\n61.72;3;4\n",
        "table_region_repeated",
        "baris 3, kolom 'Kabupaten/Kota'",
        "Wilayah 61.72 (Kota Singkawang) sudah ada di baris 2",
    ),
    (
        "Kabupaten/Kota;PU\nKota Singkawang;1\n",
        "table_missing_column",
        "baris 1",
        "Kolom BPU (ada kolom PU tanpa kolom BPU) tidak ada",
    ),
    (
        "Kabupaten/Kota;Catatan\nKota Singkawang;x\n",
        "table_missing_column",
        "baris 1",
        "Kolom PU dan BPU (atau satu kolom Semesta) tidak ada",
    ),
    (
        "Nama;Angka\nKota Singkawang;1\n",
        "table_no_header",
        "tabel.csv:",
        "Tidak ada baris judul kolom yang menamai kolom wilayah",
    ),
    (
        "Kabupaten/Kota;PU;BPU\n;;\n",
        "table_no_rows",
        "baris 1",
        "tidak ada baris wilayah di bawahnya",
    ),
]


@pytest.mark.parametrize(("table", "code", "where", "what"), UNIVERSE_REFUSALS)
def test_a_universe_with_a_problem_is_refused_whole(
    engine: Engine, tmp_path: Path, table: str, code: str, where: str, what: str
) -> None:
    with pytest.raises(RosterError) as refused:
        load_universe(engine, csv(tmp_path, table))
    error = refused.value
    assert error.code == code
    assert f"tabel.csv, {where}" in error.message("id") or where in error.message("id")
    assert what in error.message("id")
    assert error.message("en") != error.message("id")
    assert written(engine, UniverseImport, UniverseEntry, AuditRecord) == [0, 0, 0]


def test_a_refusal_counts_the_other_rows_with_problems(engine: Engine, tmp_path: Path) -> None:
    table = "Wilayah;PU;BPU\nAtlantis;1;2\nKota Singkawang;-1;2\nSambas;1;x\n"
    with pytest.raises(RosterError) as refused:
        load_universe(engine, csv(tmp_path, table))
    assert "baris 2" in refused.value.message("id")
    assert "(Other rows with problems: 2.)" in refused.value.message("en")


def test_a_universe_needs_a_source(engine: Engine) -> None:
    with pytest.raises(BsuError) as refused:
        load_universe(engine, SAMPLES / "universe.csv", source="  ")
    assert refused.value.code == "source_missing"
    assert written(engine, UniverseImport) == [0]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("semesta.pdf", b"%PDF-1.4", "file_type_unsupported"),
        ("semesta.xlsx", b"this is not a workbook", None),  # preflight's own code
        ("semesta.csv", b"", "file_empty"),
    ],
)
def test_a_file_that_is_no_table_is_refused_with_the_readers_words(
    engine: Engine, tmp_path: Path, name: str, content: bytes, code: str | None
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(RosterError) as refused:
        load_universe(engine, path)
    if code is not None:
        assert refused.value.code == code
    assert name in refused.value.message("id")
    assert written(engine, UniverseImport) == [0]


def test_a_missing_file_is_said_as_for_a_roster(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(RosterError) as refused:
        load_universe(engine, tmp_path / "tidak-ada.csv")
    assert refused.value.code == "file_not_found"


# --- targets -----------------------------------------------------------------------------


def test_the_samples_targets_are_loaded_with_their_own_sources(engine: Engine) -> None:
    done = load_targets(engine, SAMPLES / "targets.csv", source="Contoh bsu")
    assert (done.rows, done.already) == (6, False)
    table = coverage.targets(engine)
    assert list(table.columns) == list(coverage.TARGET_COLUMNS)
    got = {(r.region_code, r.year): r.target_pct for r in table.itertuples()}
    assert got == {
        ("12.18", 2024): 54.0,
        ("61", 2030): 65.77,
        ("61.01", 2025): 20.0,
        ("61.72", 2025): 25.0,
        ("ID", 2025): 32.15,
        ("ID", 2029): 43.92,
    }
    national = table[(table["region_code"] == coverage.NATIONAL) & (table["year"] == 2025)]
    assert national["source"].iloc[0].startswith("RPJMN 2025-2029, https://")
    assert audited(engine) == ["coverage.targets.imported"]
    assert load_targets(engine, SAMPLES / "targets.csv", source="Contoh bsu").already


def test_a_later_import_wins_per_region_and_year(engine: Engine, tmp_path: Path) -> None:
    load_targets(engine, SAMPLES / "targets.csv")
    later = csv(tmp_path, "Wilayah;Tahun;Target\nIndonesia;2025;33\n")
    load_targets(engine, later, source="Revisi")
    table = coverage.targets(engine).set_index(["region_code", "year"])
    assert table.loc[("ID", 2025), "target_pct"] == 33.0
    assert table.loc[("ID", 2025), "source"] == "Revisi"  # no Sumber column: the import's
    assert table.loc[("ID", 2029), "target_pct"] == 43.92  # untouched by the later table
    assert len(table) == 6


@pytest.mark.parametrize("written_as", ["32,15", "32.15", "32,15%", "32,15 %", " 32,15 "])
def test_a_target_percent_as_people_type_it(
    engine: Engine, tmp_path: Path, written_as: str
) -> None:
    load_targets(engine, csv(tmp_path, f"Wilayah;Tahun;Target (%)\nNasional;2025;{written_as}\n"))
    assert coverage.targets(engine)["target_pct"].tolist() == [32.15]


@pytest.mark.parametrize(
    ("cells", "stored"),
    [
        ([32.15, 46.8], [32.15, 46.8]),  # numbers as percents
        ([0.3215, 0.468], [32.15, 46.8]),  # cells formatted as %: Excel stores fractions
    ],
)
def test_target_numbers_in_a_workbook(
    engine: Engine, tmp_path: Path, cells: list[float], stored: list[float]
) -> None:
    rows: list[list[Any]] = [["Wilayah", "Tahun", "Target UCJ (%)"]]
    rows += [["Nasional", 2025, cells[0]], ["Kabupaten Serdang Bedagai", 2023, cells[1]]]
    load_targets(engine, xlsx(tmp_path, rows))
    table = coverage.targets(engine).set_index("region_code")
    assert [table.loc["ID", "target_pct"], table.loc["12.18", "target_pct"]] == stored


TARGET_REFUSALS = [
    (
        "Wilayah;Tahun;Target (%)\nNasional;2025;132\n",
        "table_percent_unreadable",
        "baris 2, kolom 'Target (%)'",
        "'132' bukan persentase",
    ),
    (
        "Wilayah;Tahun;Target (%)\nNasional;2025;tinggi\n",
        "table_percent_unreadable",
        "baris 2, kolom 'Target (%)'",
        "'tinggi' bukan persentase",
    ),
    (
        "Wilayah;Tahun;Target (%)\nNasional;2025;\n",
        "table_percent_unreadable",
        "baris 2, kolom 'Target (%)'",
        "bukan persentase",
    ),
    (
        "Wilayah;Tahun;Target (%)\nNasional;'25;32\n",
        "table_year_unreadable",
        "baris 2, kolom 'Tahun'",
        "25' bukan tahun",
    ),
    (
        "Wilayah;Tahun;Target (%)\nNasional;2025;32\nAtlantis;2025;40\n",
        "table_region_unknown",
        "baris 3, kolom 'Wilayah'",
        "'Atlantis' bukan kabupaten",
    ),
    (
        "Wilayah;Tahun;Target (%)\nTotal;2025;32\n",
        "table_region_unknown",
        "baris 2, kolom 'Wilayah'",
        "'Total' bukan kabupaten",
    ),
    (
        "Wilayah;Tahun;Target (%)\nNasional;2025;32\nIndonesia;2025;33\n",
        "table_target_repeated",
        "baris 3, kolom 'Wilayah'",
        "Target ID (Indonesia) untuk tahun 2025 sudah ada di baris 2",
    ),
    (
        "Wilayah;Target (%)\nNasional;32\n",
        "table_missing_column",
        "baris 1",
        "Kolom Tahun tidak ada",
    ),
    (
        "Wilayah;Tahun\nNasional;2025\n",
        "table_missing_column",
        "baris 1",
        "Kolom Target (%) tidak ada",
    ),
]


@pytest.mark.parametrize(("table", "code", "where", "what"), TARGET_REFUSALS)
def test_targets_with_a_problem_are_refused_whole(
    engine: Engine, tmp_path: Path, table: str, code: str, where: str, what: str
) -> None:
    with pytest.raises(RosterError) as refused:
        load_targets(engine, csv(tmp_path, table))
    error = refused.value
    assert error.code == code
    assert f"tabel.csv, {where}" in error.message("id")
    assert what in error.message("id")
    assert written(engine, TargetImport, TargetEntry, AuditRecord) == [0, 0, 0]
