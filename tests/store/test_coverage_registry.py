"""A registry extract's name, contacts, employer and work region reach the store: the
headers of a real HR export (findings 2026-12 §9) all read, and the region resolved to a
Kemendagri code (a regency, else the province when only it is named, else none). On a
database of each kind."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bsu.rosters import extracts, readers, regional_tables
from bsu.store import coverage
from bsu.store.imports import import_registry
from bsu.store.models import RegistryParticipant

# The header row of an HR system's BPJS Ketenagakerjaan export (§9), on row 4 under a
# title, an info row and a blank row.
S9_HEADER = (
    "NO,NIK,NO KPJ,NAMA LENGKAP,TEMPAT LAHIR,TANGGAL LAHIR,JENIS KELAMIN,STATUS PERKAWINAN,"
    "ALAMAT,KELURAHAN,KECAMATAN,KOTA/KAB,PROVINSI,KODE POS,NO HP,EMAIL,NAMA IBU KANDUNG,"
    "TGL MULAI BEKERJA,UPAH,STATUS KEPESERTAAN,JHT,JKK,JKM,JP,KODE PERUSAHAAN,"
    "NAMA PERUSAHAAN,NPWP PERUSAHAAN"
)
S9_ROWS = (
    "1,6172014101900001,21010000001,Adi Nugroho,Singkawang,1990-01-01,L,K,Jl. Contoh 1,"
    "Pasiran,Singkawang Barat,KOTA SINGKAWANG,KALIMANTAN BARAT,79123,0812-0000-0001,"
    "adi@example.com,Siti,2019-03-01,3200000,Aktif,Ya,Ya,Ya,Ya,61720001,"
    "PT Khatulistiwa Contoh,01.234.567.8-901.000",
    "2,6101015502920002,21010000002,Bunga Lestari,Sambas,1992-02-15,P,K,Jl. Contoh 2,"
    "Dalam Kaum,Sambas,,KALIMANTAN BARAT,79462,0812-0000-0002,bunga@example.com,Ani,"
    "2020-07-15,3100000,Nonaktif,Ya,Ya,Ya,Ya,61720001,PT Khatulistiwa Contoh,"
    "01.234.567.8-901.000",
)


def write_s9(path: Path) -> Path:
    lines = ["DATA TENAGA KERJA BPJS KETENAGAKERJAAN", "Dicetak 2025-09-30", "", S9_HEADER]
    path.write_text("\n".join([*lines, *S9_ROWS]) + "\n", encoding="utf-8")
    return path


def participants(engine: Engine) -> dict[str, RegistryParticipant]:
    with Session(engine) as session:
        found = session.scalars(select(RegistryParticipant)).all()
        return {p.nik: p for p in found}


def test_every_column_of_a_real_export_is_read_and_stored(engine: Engine, tmp_path: Path) -> None:
    extract = extracts.registry(write_s9(tmp_path / "ekspor-hr.csv"))
    done = import_registry(engine, extract, dt.date(2025, 9, 30), "petugas")
    assert (done.rows, done.skipped, done.already) == (2, 0, False)
    stored = participants(engine)
    adi, bunga = stored["6172014101900001"], stored["6101015502920002"]
    assert (adi.kpj, adi.name, adi.status) == ("21010000001", "Adi Nugroho", "active")
    assert (adi.phone, adi.email) == ("0812-0000-0001", "adi@example.com")
    assert (adi.employer_id, adi.employer_name) == ("61720001", "PT Khatulistiwa Contoh")
    assert adi.region_code == "61.72"
    assert adi.reported_wage == 3200000
    # Kota/Kab left blank, the province given: the province's code.
    assert (bunga.status, bunga.region_code, bunga.name) == ("inactive", "61", "Bunga Lestari")
    assert (bunga.phone, bunga.email) == ("0812-0000-0002", "bunga@example.com")


def _read_regions(tmp_path: Path, region: str, province: str) -> object:
    path = tmp_path / "r.csv"
    path.write_text(
        f"NIK;Kota/Kab;Provinsi\n6172014101900001;{region};{province}\n", encoding="utf-8"
    )
    rows, _ = extracts.registry_rows(readers.read(path))
    return rows["region_code"].iloc[0]


@pytest.mark.parametrize(
    ("region", "province", "code"),
    [
        ("KOTA SINGKAWANG", "KALIMANTAN BARAT", "61.72"),  # by name, with its province
        ("Kota Singkawang", "", "61.72"),  # by name alone
        ("Singkawang", "", "61.72"),  # without "Kota"
        ("Singkawang, Kota", "", "61.72"),  # as lists sort it
        ("61.72", "", "61.72"),  # by code
        ("6172", "", "61.72"),  # the code without its dot
        ("", "Kalimantan Barat", "61"),  # only the province: the province
        ("Kalimantan Barat", "", "61"),  # a province named in the Kota/Kab column
        ("Kota Atlantis", "", None),  # unknown
        ("Kota Atlantis", "Kalimantan Barat", None),  # unknown, though its province is known
        ("Kota Singkawang", "Sumatera Utara", None),  # outside the province named
        ("Bekasi", "", None),  # the city or the regency: not guessed
        ("", "", None),  # nothing said
    ],
)
def test_a_work_region_resolves_to_a_kemendagri_code_or_to_none(
    tmp_path: Path, region: str, province: str, code: str | None
) -> None:
    assert _read_regions(tmp_path, region, province) == code


def test_an_extract_without_region_or_contacts_stores_none(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "minimal.csv"
    path.write_text("NIK;Status Kepesertaan\n6172014101900001;Aktif\n", encoding="utf-8")
    import_registry(engine, extracts.registry(path), dt.date(2025, 3, 31), "petugas")
    adi = participants(engine)["6172014101900001"]
    assert (adi.name, adi.phone, adi.email, adi.region_code) == (None, None, None, None)


def test_a_cell_too_long_for_a_phone_number_is_not_stored_as_one(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "long.csv"
    long = "0812 " * 20
    path.write_text(f"NIK;No HP\n6172014101900001;{long}\n", encoding="utf-8")
    import_registry(engine, extracts.registry(path), dt.date(2025, 3, 31), "petugas")
    assert participants(engine)["6172014101900001"].phone is None


def test_the_national_code_is_the_same_for_the_reader_and_the_store() -> None:
    assert regional_tables.NATIONAL == coverage.NATIONAL
