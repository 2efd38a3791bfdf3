"""The same four workers as every tool writes them give the same decisions: LibreOffice's
.xlsx, .xls and .ods (fixtures made by ``tests/fixtures/rosters/make.sh``), CSV with either
separator, an HR system's export with an employee code beside the NIK and a basic wage
beside the total, and a roster in thousands of rupiah whose header says so."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bsu.core.ruleset import load_ruleset
from bsu.rosters import sandbox
from bsu.service import pipeline
from tests.support import write_csv, write_xlsx

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rosters"
# The fixtures' workers: (NIK, name, wage, registered on).
WORKERS = [
    ("3273056010900010", "Siti Aminah", 3_500_000, "2024-01-15"),
    ("3275014507850003", "Budi Santoso", 4_750_000, "2023-06-01"),
    ("3171012902960001", "José Ramos", 2_900_000, "2022-11-20"),
    ("3275014101900001", "Dewi Lestari", 5_200_000, "2021-03-08"),
]


def comma_csv(tmp: Path) -> Path:
    lines = ["NIK,Nama,Upah,Status Kepesertaan,Tanggal Kepesertaan"]
    lines += [f"{n},{name},{w},Aktif,{d}" for n, name, w, d in WORKERS]
    return write_csv(tmp / "koma.csv", lines)


def semicolon_csv(tmp: Path) -> Path:
    def rupiah(w: int) -> str:
        return "Rp" + f"{w:,}".replace(",", ".")

    def dmy(d: str) -> str:
        y, m, day = d.split("-")
        return f"{day}/{m}/{y}"

    lines = ["NIK;Nama;Gaji;Status BPJS;Tgl Daftar BPJS"]
    lines += [f"{n};{name};{rupiah(w)};Aktif;{dmy(d)}" for n, name, w, d in WORKERS]
    return write_csv(tmp / "titik-koma.csv", lines)


def hr_export(tmp: Path) -> Path:
    rows: list[list[object]] = [
        ["Laporan Karyawan per April 2025"],
        [],
        [
            "No",
            "NIK",
            "NIK KTP",
            "Nama Karyawan",
            "Gaji Pokok",
            "Total Upah",
            "Tgl Masuk",
            "TMT Kepesertaan",
            "Status BPJS TK",
        ],
    ]
    for i, (n, name, w, d) in enumerate(WORKERS, start=1):
        rows.append([i, f"EMP{i:04d}", n, name, w - 300_000, w, "2018-07-01", d, "Aktif"])
    rows += [
        [],
        ["TOTAL", None, None, None, None, sum(w[2] for w in WORKERS)],
        [],
        [None, None, None, "Jakarta, 30 April 2025"],
        [None, None, None, "HRD"],
    ]
    return write_xlsx(tmp / "hr-export.xlsx", {"Karyawan": rows})


def thousands(tmp: Path) -> Path:
    rows: list[list[object]] = [
        ["NIK", "Nama", "Upah (Rp 000)", "Status Kepesertaan", "Tanggal Kepesertaan"]
    ]
    rows += [[n, name, w // 1000, "Aktif", d] for n, name, w, d in WORKERS]
    return write_xlsx(tmp / "ribuan.xlsx", {"Data": rows})


def fixture(name: str) -> Callable[[Path], Path]:
    return lambda _tmp: FIXTURES / name


DIALECTS: dict[str, Callable[[Path], Path]] = {
    "libreoffice-xlsx": fixture("roster.xlsx"),
    "libreoffice-xls": fixture("roster.xls"),
    "libreoffice-ods": fixture("roster.ods"),
    "comma-csv": comma_csv,
    "semicolon-csv": semicolon_csv,
    "hr-export": hr_export,
    "thousands": thousands,
}


def _decisions(path: Path) -> dict[str, tuple[str, tuple[str, ...]]]:
    checked = pipeline.check_files([path], load_ruleset("bsu-2025"), budget=sandbox.Budget())
    result = checked.result("id")
    frame = result.decisions.frame
    codes = result.explanation.codes_text()
    return {
        str(n): (str(s), tuple(sorted(str(c).split(", ")))) if c else (str(s), ())
        for n, s, c in zip(frame["nik_display"], frame["status"], codes, strict=True)
    }


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, tuple[str, ...]]]:
    return _decisions(comma_csv(tmp_path_factory.mktemp("comma")))


def test_the_reference_decisions_are_the_regulation_s(
    expected: dict[str, tuple[str, tuple[str, ...]]],
) -> None:
    # Without a region, a wage above Rp3.500.000 cannot be judged against a regional cap.
    assert expected == {
        "3273056010900010": ("eligible", ()),
        "3275014507850003": ("review", ("REGION_UNKNOWN",)),
        "3171012902960001": ("eligible", ()),
        "3275014101900001": ("review", ("REGION_UNKNOWN",)),
    }


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_dialect_gives_the_same_decisions(
    tmp_path: Path, dialect: str, expected: dict[str, tuple[str, tuple[str, ...]]]
) -> None:
    assert _decisions(DIALECTS[dialect](tmp_path)) == expected
