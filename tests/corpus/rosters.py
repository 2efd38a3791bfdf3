"""Rosters as employers' tools really write them, made here for the tests: title rows
above the table, a totals row and a signature block below it, an employee code beside
the NIK, a basic wage beside the total, employment start dates beside registration
dates, wages in thousands, an instructions sheet, a header-only sheet and a hidden sheet.
Every NIK is made up (structurally valid: province, district, birth date)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

# Ten workers of Kota Semarang (UMK 2025 below Rp3.500.000, so the cap is Rp3.500.000).
SEMARANG = [
    # (NIK, basic wage, total wage)
    ("3374011501900001", 3_000_000, 3_300_000),
    ("3374015602910002", 3_100_000, 3_400_000),
    ("3374012003880003", 3_200_000, 3_450_000),
    ("3374014404920004", 3_400_000, 3_700_000),
    ("3374011207850005", 2_900_000, 3_200_000),
    ("3374015909930006", 3_300_000, 3_650_000),
    ("3374010101870007", 3_000_000, 3_300_000),
    ("3374014803940008", 3_450_000, 3_800_000),
    ("3374012510890009", 3_100_000, 3_400_000),
    ("3374016612950010", 3_200_000, 3_500_000),
]


def everything(path: Path) -> Path:
    """Issue 13's roster: every misreading it names, in one workbook."""
    book = openpyxl.Workbook()
    data = book.active
    data.title = "Data Pekerja"
    data.append(["DAFTAR PEKERJA CALON PENERIMA BSU 2025"])
    data.append(["PT Maju Jaya Sentosa - Semarang"])
    data.append([])
    data.append(
        [
            "No",
            "NIK",
            "NIK KTP",
            "Nama Lengkap",
            "Gaji Pokok",
            "Total Upah",
            "Tgl Masuk",
            "TGL DAFTAR BPJS",
            "Status BPJS",
            "Kab/Kota",
        ]
    )
    for i, (nik, basic, total) in enumerate(SEMARANG, start=1):
        data.append(
            [
                i,
                f"EMP{i:04d}",
                nik,
                f"Pekerja {i}",
                basic,
                total,
                dt.datetime(2019, 3, 1),
                "15/01/2024",
                "Aktif",
                "Kota Semarang",
            ]
        )
    data.append([])
    data.append(
        ["JUMLAH", None, None, None, sum(w[1] for w in SEMARANG), sum(w[2] for w in SEMARANG)]
    )
    data.append([])
    data.append([None] * 7 + ["Semarang, 30 April 2025"])
    data.append([None] * 7 + ["HRD Manager"])
    data.append([])
    data.append([])
    data.append([None] * 7 + ["(nama)"])
    thousands = book.create_sheet("Cabang Kendal")
    thousands.append(["NIK", "Nama", "Upah", "Tgl Kepesertaan", "Status Kepesertaan", "Kab/Kota"])
    for nik, wage, name in [
        ("3324014101900011", "3.200", "Pekerja 11"),
        ("3324015202910012", "7.500", "Pekerja 12"),
    ]:
        thousands.append([nik, name, wage, "2024-02-01", "Aktif", "Kabupaten Kendal"])
    unit = book.create_sheet("Cabang Demak")
    unit.append(["NIK", "Nama", "Gaji (ribu)", "Tgl Kepesertaan", "Status Kepesertaan", "Kab/Kota"])
    for nik, wage, name in [
        ("3321014101900013", 3200, "Pekerja 13"),
        ("3321015202910014", 4500, "Pekerja 14"),
    ]:
        unit.append([nik, name, wage, "2024-02-01", "Aktif", "Kabupaten Demak"])
    guide = book.create_sheet("Petunjuk")
    guide.append(["Petunjuk pengisian"])
    guide.append(["Isi NIK 16 digit sebagai Teks."])
    book.create_sheet("Kosong").append(["NIK", "Nama", "Upah", "Tgl Kepesertaan"])
    hidden = book.create_sheet("Arsip")
    hidden.sheet_state = "hidden"
    hidden.append(["NIK", "Nama", "Upah"])
    hidden.append(["3374011501900001", "Arsip Lama", 2_000_000])
    for sheet in book.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                if isinstance(cell.value, str) and cell.value.isdigit():
                    cell.number_format = "@"
    book.save(path)
    return path
