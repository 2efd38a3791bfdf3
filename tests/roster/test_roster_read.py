"""roster.read on real files: one roster in many dialects, row numbers, cells, sheets.

Every file is written here, byte for byte (CSV) or with openpyxl (xlsx), into tmp_path.
"""

from __future__ import annotations

import datetime as dt
import gc
import warnings
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from bsu.errors import RosterError
from bsu.rosters import readers as roster
from bsu.values import dates, nik, wage
from tests.support import write_csv, write_xlsx

# Three workers: (NIK, name, wage). The names need Windows-1252 (and a comma).
WORKERS = [
    ("3273056010900010", "Siti Aminah, S.Pd.", 3_500_000.0),
    ("3275014507850003", "Søren Müller", 4_750_000.5),
    ("3171012902960001", "José Ramos", 2_900_000.0),
]
CANONICAL = [(n, name, w) for n, name, w in WORKERS]


def _canonical(r: roster.Roster) -> list[tuple[str, str, float]]:
    """NIK as cleaned text, name, wage as parsed: what the engine will see."""
    text, _ = nik.clean(r.records["nik"])
    amount, form = wage.parse(r.records["wage"])
    assert form.eq("ok").all(), r.records["wage"].tolist()
    return list(zip(text, r.records["name"], amount.round(2), strict=True))


def _rows(r: roster.Roster) -> list[int]:
    return [int(v) for v in r.records["row"]]


# --- the same roster, many dialects ------------------------------------------------------


def comma_csv(tmp: Path) -> Path:
    return write_csv(
        tmp / "koma.csv",
        [
            "NIK,Nama,Upah",
            '3273056010900010,"Siti Aminah, S.Pd.",3500000',
            '3275014507850003,Søren Müller,"4,750,000.50"',
            "3171012902960001,José Ramos,Rp 2.900.000",
        ],
    )


def semicolon_csv(tmp: Path) -> Path:
    # What Excel writes in an Indonesian locale: ';' because ',' is the decimal mark.
    return write_csv(
        tmp / "titik-koma.csv",
        [
            "NIK;Nama;Upah",
            "3273056010900010;Siti Aminah, S.Pd.;3.500.000",
            "3275014507850003;Søren Müller;4.750.000,50",
            "3171012902960001;José Ramos;Rp2.900.000,00",
        ],
    )


def bom_csv(tmp: Path) -> Path:
    return write_csv(
        tmp / "bom.csv",
        [
            "NIK,Nama,Upah",
            '3273056010900010,"Siti Aminah, S.Pd.",3500000',
            "3275014507850003,Søren Müller,4750000.50",
            "3171012902960001,José Ramos,2900000",
        ],
        encoding="utf-8-sig",
        newline="\r\n",
    )


def cp1252_csv(tmp: Path) -> Path:
    return write_csv(
        tmp / "windows.csv",
        [
            "NIK;Nama;Upah",
            "'3273056010900010;Siti Aminah, S.Pd.;Rp 3.500.000,-",
            "3275-0145-0785-0003;Søren Müller;4750000,50",
            "3171 0129 0296 0001;José Ramos;2,9 juta",
        ],
        encoding="cp1252",
        newline="\r\n",
    )


def tab_txt(tmp: Path) -> Path:
    return write_csv(
        tmp / "tab.txt",
        [
            "NIK\tNama\tUpah",
            "3273056010900010\tSiti Aminah, S.Pd.\t3500000",
            "3275014507850003\tSøren Müller\t4.750.000,50",
            "3171012902960001\tJosé Ramos\t2.900.000",
        ],
    )


def xlsx_plain(tmp: Path) -> Path:
    return write_xlsx(tmp / "biasa.xlsx", {"Sheet1": [("NIK", "Nama", "Upah"), *WORKERS]})


def xlsx_titles(tmp: Path) -> Path:
    return write_xlsx(
        tmp / "judul.xlsx",
        {
            "Pekerja": [
                ("DAFTAR PEKERJA CALON PENERIMA BSU 2025",),
                ("PT Maju Jaya, Kota Bekasi", None, "Periode: Mei 2025"),
                ("NIK", "Nama", "Upah"),
                *WORKERS,
            ]
        },
    )


def xlsx_english(tmp: Path) -> Path:
    return write_xlsx(
        tmp / "english.xlsx",
        {"Staff": [("Name", "Wage", "NIK"), *[(n, w, k) for k, n, w in WORKERS]]},
    )


def xlsx_formal(tmp: Path) -> Path:
    header = ("No.", "No. KTP/NIK", "Nama Lengkap", "Upah (Rp)", "Status BPJS", "Tgl Daftar",
              "Kabupaten/Kota")  # fmt: skip
    (k1, n1, _), (k2, n2, _), (k3, n3, _) = WORKERS
    body = [
        (1, k1, n1, "Rp 3.500.000", "Aktif", dt.date(2020, 1, 2), "Kota Bekasi"),
        (2, k2, n2, "4.750.000,50", "Aktif", dt.date(2021, 3, 4), "Kab. Bekasi"),
        (3, k3, n3, 2_900_000, "Nonaktif", "15/01/2024", "Jakarta"),
    ]
    return write_xlsx(tmp / "formal.xlsx", {"Data": [header, *body]})


DIALECTS: dict[str, tuple[Callable[[Path], Path], list[int]]] = {
    "comma-csv": (comma_csv, [2, 3, 4]),
    "semicolon-csv": (semicolon_csv, [2, 3, 4]),
    "utf8-bom-crlf-csv": (bom_csv, [2, 3, 4]),
    "cp1252-crlf-csv": (cp1252_csv, [2, 3, 4]),
    "tab-txt": (tab_txt, [2, 3, 4]),
    "xlsx": (xlsx_plain, [2, 3, 4]),
    "xlsx-title-rows": (xlsx_titles, [4, 5, 6]),
    "xlsx-english-headers": (xlsx_english, [2, 3, 4]),
    "xlsx-formal-headers": (xlsx_formal, [2, 3, 4]),
}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_dialect_gives_the_same_records(tmp_path: Path, dialect: str) -> None:
    write, rows = DIALECTS[dialect]
    path = write(tmp_path)
    r = roster.read(path)
    assert len(r) == 3
    assert _canonical(r) == CANONICAL
    assert _rows(r) == rows
    assert r.records["source"].eq(path.name).all()
    assert list(r.records.columns[:3]) == ["source", "sheet", "row"]


def test_the_windows_1252_file_really_is_not_utf8(tmp_path: Path) -> None:
    raw = cp1252_csv(tmp_path).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "Søren Müller".encode("cp1252") in raw


def test_csv_sheet_is_none_and_xlsx_sheet_is_named(tmp_path: Path) -> None:
    assert roster.read(comma_csv(tmp_path)).records["sheet"].isna().all()
    assert roster.read(xlsx_titles(tmp_path)).records["sheet"].eq("Pekerja").all()


def test_title_rows_move_the_header(tmp_path: Path) -> None:
    r = roster.read(xlsx_titles(tmp_path))
    (info,) = r.sheets
    assert info.sheet == "Pekerja"
    assert info.header_row == 3
    assert info.rows == 3
    assert info.source == "judul.xlsx"


def test_formal_headers_map_onto_the_canonical_fields(tmp_path: Path) -> None:
    r = roster.read(xlsx_formal(tmp_path))
    (info,) = r.sheets
    assert info.matched == {
        "nik": "No. KTP/NIK",
        "name": "Nama Lengkap",
        "wage": "Upah (Rp)",
        "participant_status": "Status BPJS",
        "registered_on": "Tgl Daftar",
        "region": "Kabupaten/Kota",
    }
    assert r.records["participant_status"].tolist() == ["Aktif", "Aktif", "Nonaktif"]
    assert r.records["region"].tolist() == ["Kota Bekasi", "Kab. Bekasi", "Jakarta"]
    parsed, empty = dates.parse(r.records["registered_on"])
    assert not empty.any()
    assert parsed.tolist() == [
        pd.Timestamp("2020-01-02"),
        pd.Timestamp("2021-03-04"),
        pd.Timestamp("2024-01-15"),
    ]
    # "No." is not a canonical field, but it is kept.
    assert r.original["No."].tolist() == [1, 2, 3]


def test_csv_title_row_above_the_header(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "judul.csv",
        ["Daftar Pekerja PT Maju", "", "NIK,Nama,Upah", "3273056010900010,Ani,3500000"],
    )
    r = roster.read(path)
    assert r.sheets[0].header_row == 3
    assert _rows(r) == [4]
    assert r.records["name"].tolist() == ["Ani"]


# --- row numbers are the ones the spreadsheet shows -------------------------------------


def test_csv_blank_lines_keep_the_numbering(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "kosong.csv",
        [
            "NIK,Nama,Upah",
            "3273056010900010,Ani,3500000",
            "",
            "3275014507850003,Budi,3500000",
            ",,",
            "3171012902960001,Citra,3500000",
            "",
            "",
        ],
    )
    r = roster.read(path)
    assert r.records["name"].tolist() == ["Ani", "Budi", "Citra"]
    assert _rows(r) == [2, 4, 6]


def test_csv_crlf_blank_lines_keep_the_numbering(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "crlf.csv",
        ["NIK;Nama", "3273056010900010;Ani", "", "3275014507850003;Budi"],
        newline="\r\n",
    )
    assert _rows(roster.read(path)) == [2, 4]


def test_xlsx_blank_rows_keep_the_numbering(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "kosong.xlsx",
        {
            "S": [
                ("NIK", "Nama"),
                ("3273056010900010", "Ani"),
                (),
                (None, None),
                ("3275014507850003", "Budi"),
                (),
            ]
        },
    )
    r = roster.read(path)
    assert r.records["name"].tolist() == ["Ani", "Budi"]
    assert _rows(r) == [2, 5]


def test_xlsx_used_range_not_starting_at_a1(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Geser"
    sheet["C3"], sheet["D3"] = "NIK", "Nama"
    sheet["C5"], sheet["D5"] = "3273056010900010", "Ani"
    sheet["C7"], sheet["D7"] = "3275014507850003", "Budi"
    path = tmp_path / "geser.xlsx"
    book.save(path)
    r = roster.read(path)
    assert r.sheets[0].header_row == 3
    assert r.records["name"].tolist() == ["Ani", "Budi"]
    assert _rows(r) == [5, 7]


# --- cells arrive as they were typed -----------------------------------------------------


def test_nik_cells_keep_their_type(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "tipe.xlsx",
        {
            "S": [
                ("NIK", "Nama", "Upah"),
                ("3273056010900010", "Teks", "3500000"),
                (3273056010900010, "Angka", 3500000),
            ]
        },
    )
    r = roster.read(path)
    cells = r.records["nik"].tolist()
    assert isinstance(cells[0], str)
    assert isinstance(cells[1], float)
    text, numeric = nik.clean(r.records["nik"])
    assert text.tolist() == ["3273056010900010", "3273056010900010"]
    assert numeric.tolist() == [False, True]  # the engine can flag the lost precision
    assert r.records["wage"].map(type).tolist() == [str, float]


def test_csv_cells_are_text(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "teks.csv", ["NIK,Nama,Upah", "0003273056010900,Ani,3500000"])
    r = roster.read(path)
    assert r.records["nik"].tolist() == ["0003273056010900"]  # leading zeros kept
    assert r.records["wage"].tolist() == ["3500000"]


def test_missing_canonical_columns_are_empty(tmp_path: Path) -> None:
    r = roster.read(write_csv(tmp_path / "nik-saja.csv", ["NIK", "3273056010900010"]))
    assert r.records["nik"].tolist() == ["3273056010900010"]
    for column in ("name", "wage", "region", "province", "pkh_recipient"):
        assert r.records[column].isna().all(), column


def test_unknown_columns_are_kept_with_their_headers(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "lain.xlsx",
        {
            "Data": [
                ("NIK", "Departemen", "Nama", "Catatan", "Catatan", None, "Nama"),
                ("3273056010900010", "Gudang", "Ani", "shift pagi", "x", "tanpa judul", "Ani 2"),
            ]
        },
    )
    r = roster.read(path)
    assert list(r.original.columns) == [
        "NIK", "Departemen", "Nama", "Catatan", "Catatan (2)", "Kolom F", "Nama (2)"
    ]  # fmt: skip
    assert r.original.iloc[0].tolist() == [
        "3273056010900010", "Gudang", "Ani", "shift pagi", "x", "tanpa judul", "Ani 2"
    ]  # fmt: skip
    assert len(r.original) == len(r.records)
    assert r.records["name"].tolist() == ["Ani"]  # the first "Nama" is the name
    assert r.sheets[0].matched == {"nik": "NIK", "name": "Nama"}


def test_unknown_csv_columns_are_kept(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "lain.csv",
        ["NIK;Jabatan;Nama", "3273056010900010;Operator;Ani", "3275014507850003;Staf;Budi"],
    )
    r = roster.read(path)
    assert r.original["Jabatan"].tolist() == ["Operator", "Staf"]
    assert r.original["Nama"].tolist() == r.records["name"].tolist() == ["Ani", "Budi"]


def test_unnamed_column_letter_is_the_sheet_column(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["C1"], sheet["D1"], sheet["F1"] = "NIK", "Nama", "Catatan"
    sheet["C2"], sheet["D2"], sheet["E2"], sheet["F2"] = "3273056010900010", "Ani", "?", "-"
    path = tmp_path / "huruf.xlsx"
    book.save(path)
    r = roster.read(path)
    assert list(r.original.columns) == ["NIK", "Nama", "Kolom E", "Catatan"]


def test_sheets_report(tmp_path: Path) -> None:
    r = roster.read(xlsx_formal(tmp_path))
    (info,) = r.sheets
    assert (info.source, info.sheet, info.header_row, info.rows) == ("formal.xlsx", "Data", 1, 3)


def test_name_overrides_the_file_name(tmp_path: Path) -> None:
    r = roster.read(comma_csv(tmp_path), name="unggahan-1.csv")
    assert r.records["source"].eq("unggahan-1.csv").all()
    assert r.sheets[0].source == "unggahan-1.csv"


@pytest.mark.parametrize("suffix", [".xlsm", ".XLSX"])
def test_other_workbook_suffixes(tmp_path: Path, suffix: str) -> None:
    path = xlsx_plain(tmp_path)
    renamed = path.rename(path.with_suffix(suffix))
    assert _canonical(roster.read(renamed)) == CANONICAL


# --- workbooks with several sheets -------------------------------------------------------


def test_two_roster_sheets_are_both_read(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "dua.xlsx",
        {
            "Jakarta": [("NIK", "Nama"), WORKERS[0][:2], WORKERS[1][:2]],
            "Bekasi": [
                ("Laporan Bekasi",),
                ("NIK", "Nama", "Upah"),
                (WORKERS[2][0], WORKERS[2][1], 1),
            ],
        },
    )
    r = roster.read(path)
    assert r.records["sheet"].tolist() == ["Jakarta", "Jakarta", "Bekasi"]
    assert r.records["name"].tolist() == [w[1] for w in WORKERS]
    assert _rows(r) == [2, 3, 3]
    assert [(s.sheet, s.header_row, s.rows) for s in r.sheets] == [
        ("Jakarta", 1, 2),
        ("Bekasi", 2, 1),
    ]
    assert list(r.records.index) == [0, 1, 2]
    assert len(r.original) == 3


def test_a_notes_sheet_is_skipped(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "petunjuk.xlsx",
        {
            "Petunjuk": [
                ("Cara mengisi:",),
                ("1. Isi NIK 16 digit sebagai Teks.",),
                ("Nama", "Keterangan"),
                ("Upah", "Upah bulanan dalam rupiah"),
            ],
            "Roster": [("NIK", "Nama", "Upah"), *WORKERS],
        },
    )
    r = roster.read(path)
    assert r.records["sheet"].eq("Roster").all()
    assert [(s.sheet, s.read) for s in r.sheets] == [("Petunjuk", False), ("Roster", True)]
    assert _canonical(r) == CANONICAL


def test_an_empty_sheet_next_to_a_roster_is_skipped(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "kosong-satu.xlsx", {"Kosong": [], "Data": [("NIK",), ("3273056010900010",)]}
    )
    r = roster.read(path)
    assert r.records["sheet"].tolist() == ["Data"]


# --- a CSV line with an extra field ------------------------------------------------------


def _ragged(tmp: Path, at: int) -> Path:
    lines = ["NIK,Nama"] + [f"32730560109{i:05d},N{i}" for i in range(70)]
    lines[at] += ",catatan"
    return write_csv(tmp / f"ragged-{at}.csv", lines)


def _outcome(path: Path) -> str:
    try:
        return f"read {len(roster.read(path))}"
    except RosterError as exc:
        return exc.code


def test_an_extra_field_is_treated_the_same_on_any_line(tmp_path: Path) -> None:
    assert _outcome(_ragged(tmp_path, 4)) == _outcome(_ragged(tmp_path, 61))


def test_read_closes_the_file(tmp_path: Path) -> None:
    path = comma_csv(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        roster.read(path)
        gc.collect()
    assert [str(w.message) for w in caught if w.category is ResourceWarning] == []
