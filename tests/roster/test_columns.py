"""Which column each field is read from, and the reading report that says so.

Every roster is a real file written here (xlsx with openpyxl, CSV byte for byte); each
case asserts the records the engine will see and ``roster.sheets[0]``: the header judged
per field, the columns not used with the code of why, and the sheet's notices.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bsu.core import fields
from bsu.errors import RosterError
from bsu.rosters import readers as roster
from bsu.rosters.headers import checker_headings, field_for, header_key, recognise, unit_of
from bsu.rosters.reading import DEFAULT, ReadOptions, SheetRead, parse_mapping
from tests.support import write_csv, write_xlsx

NIKS = ("3273056010900010", "3275014507850003", "3171012902960001")
NAMES = ("Siti Aminah", "Budi Santoso", "Joko Widodo")
CODES = ("EMP0001", "EMP0002", "EMP0003")


def _read(
    tmp: Path,
    header: Sequence[str],
    columns: Sequence[Sequence[Any]],
    options: ReadOptions = DEFAULT,
    titles: Sequence[Sequence[Any]] = (),
    kind: str = "xlsx",
) -> roster.Roster:
    """A roster with ``header`` over ``columns`` (one sequence of cells per column)."""
    rows = [list(r) for r in zip(*columns, strict=True)]
    if kind == "csv":
        lines = [",".join(header)] + [",".join(str(c) for c in r) for r in rows]
        return roster.read(write_csv(tmp / "roster.csv", lines), options=options)
    path = write_xlsx(tmp / "roster.xlsx", {"Data": [*titles, list(header), *rows]})
    return roster.read(path, options=options)


def _ignored(info: SheetRead) -> list[tuple[str, str]]:
    return [(c.header, c.why.code) for c in info.ignored]


def _notices(info: SheetRead) -> list[str]:
    return [n.code for n in info.notices]


# --- the NIK: by content first, then the more precise header, then the leftmost ---------

NIK_CASES = [
    # (headers, columns, NIK header judged, ignored)
    (("NIK", "NIK KTP"), (CODES, NIKS), "NIK KTP", [("NIK", "not_nik")]),
    (("NIK KTP", "NIK"), (NIKS, CODES), "NIK KTP", [("NIK", "not_nik")]),
    (("NIK", "No. KTP"), (NIKS, NIKS), "No. KTP", [("NIK", "other_candidate")]),
    (("NIK Karyawan", "NIK"), (CODES, NIKS), "NIK", [("NIK Karyawan", "not_nik")]),
    (("NIK Karyawan", "No KTP"), (NIKS, NIKS), "No KTP", [("NIK Karyawan", "other_candidate")]),
    (("NIK Karyawan",), (NIKS,), "NIK Karyawan", []),
    (("NIK (NPWP 16 Digit)",), (NIKS,), "NIK (NPWP 16 Digit)", []),
    (("Nomor Induk Kependudukan (NIK)",), (NIKS,), "Nomor Induk Kependudukan (NIK)", []),
    (("No KTP/NIK",), (NIKS,), "No KTP/NIK", []),
    (("NIK", "NIK"), (NIKS, NIKS), "NIK", [("NIK (2)", "other_candidate")]),
    (("No. KTP", "NIK"), ((None,) * 3, NIKS), "NIK", [("No. KTP", "empty_column")]),
    # Numbers Excel made of NIKs still look like NIKs (the engine flags their lost digit).
    (("NIK", "NIK KTP"), (CODES, [float(n) for n in NIKS]), "NIK KTP", [("NIK", "not_nik")]),
]


@pytest.mark.parametrize(("header", "columns", "judged", "ignored"), NIK_CASES)
def test_the_nik_is_read_from_the_column_holding_niks(
    tmp_path: Path,
    header: tuple[str, ...],
    columns: tuple[Sequence[Any], ...],
    judged: str,
    ignored: list[tuple[str, str]],
) -> None:
    r = _read(tmp_path, ("Nama", *header), (NAMES, *columns))
    (info,) = r.sheets
    assert info.matched == {"nik": judged, "name": "Nama"}
    assert info.columns == {"nik": (judged,), "name": ("Nama",)}
    assert _ignored(info) == ignored
    position = list(r.original.columns).index(judged)
    assert r.records["nik"].tolist() == r.original.iloc[:, position].tolist()


def test_the_reading_says_why_the_employee_code_column_is_not_the_nik(tmp_path: Path) -> None:
    (info,) = _read(tmp_path, ("NIK", "NIK KTP"), (CODES, NIKS)).sheets
    text = "\n".join(info.lines("id"))
    assert "NIK dibaca dari kolom 'NIK KTP'." in text
    assert "Kolom 'NIK' tidak dipakai: isinya bukan NIK 16 digit" in text
    assert info.to_json("en")["columns"] == {"nik": ["NIK KTP"]}
    assert info.to_json("en")["ignored_columns"][0]["code"] == "not_nik"


# --- the wage: the total or reported wage over the basic wage; other pay is not it ------

WAGES = (3_500_000, 4_000_000, 2_900_000)
TOTALS = (4_100_000, 4_600_000, 3_300_000)

WAGE_CASES = [
    # (headers, columns, wage header judged, ignored, notices)
    (
        ("Gaji Pokok", "Total Upah"),
        (WAGES, TOTALS),
        "Total Upah",
        [("Gaji Pokok", "basic_wage")],
        [],
    ),
    (
        ("Upah Dilaporkan", "Upah Pokok"),
        (TOTALS, WAGES),
        "Upah Dilaporkan",
        [("Upah Pokok", "basic_wage")],
        [],
    ),
    (
        ("Upah Pokok", "Tunjangan Tetap", "Upah"),
        (WAGES, TOTALS, TOTALS),
        "Upah",
        [("Upah Pokok", "basic_wage"), ("Tunjangan Tetap", "fixed_allowance_beside_total")],
        [],
    ),
    (
        ("Upah Harian", "Total Gaji", "Lembur"),
        (WAGES, TOTALS, WAGES),
        "Total Gaji",
        [("Upah Harian", "daily_wage_beside_total"), ("Lembur", "other_pay")],
        [],
    ),
    (("Upah", "Upah Bulanan"), (WAGES, TOTALS), "Upah Bulanan", [("Upah", "other_candidate")], []),
    (
        ("Total Gaji", "Gaji"),
        (("lihat lampiran",) * 3, TOTALS),
        "Gaji",
        [("Total Gaji", "not_wage")],
        [],
    ),
    (("UPAH", "Uang Makan"), (TOTALS, WAGES), "UPAH", [("Uang Makan", "other_pay")], []),
]


@pytest.mark.parametrize(("header", "columns", "judged", "ignored", "notices"), WAGE_CASES)
def test_the_wage_judged_is_the_total_or_reported_wage(
    tmp_path: Path,
    header: tuple[str, ...],
    columns: tuple[Sequence[Any], ...],
    judged: str,
    ignored: list[tuple[str, str]],
    notices: list[str],
) -> None:
    r = _read(tmp_path, ("NIK", *header), (NIKS, *columns))
    (info,) = r.sheets
    assert info.matched == {"nik": "NIK", "wage": judged}
    assert _ignored(info) == ignored
    assert _notices(info) == notices
    expected = columns[header.index(judged)]
    assert r.records["wage"].tolist() == list(expected)


# --- a wage header that names its unit -------------------------------------------------

UNIT_CASES = [
    # (header, cells, wages read, notices)
    ("Gaji (ribu)", (3200, "7.500", "lihat slip"), [3_200_000.0, 7_500_000.0, "lihat slip"]),
    ("Upah (dalam ribuan Rp)", (3200, 4100, 2900), [3_200_000.0, 4_100_000.0, 2_900_000.0]),
    ("Upah (Rp 000)", ("3.200", "4.100", "2.900"), [3_200_000.0, 4_100_000.0, 2_900_000.0]),
    ("Upah (Rp. 000)", (3200.5, 4100, 2900), [3_200_500.0, 4_100_000.0, 2_900_000.0]),
    ("Gaji (x1000)", (3200, 4100, 2900), [3_200_000.0, 4_100_000.0, 2_900_000.0]),
    ("Upah (ribuan)", (3200, None, 2900), [3_200_000.0, "", 2_900_000.0]),
    ("UPAH (RB)", (3200, 4100, 2900), [3_200_000.0, 4_100_000.0, 2_900_000.0]),
    ("Upah (juta)", (3.2, 4.1, 2.9), [3_200_000.0, 4_100_000.0, 2_900_000.0]),
    ("Gaji dalam jutaan rupiah", (3.2, 4.1, 2.9), [3_200_000.0, 4_100_000.0, 2_900_000.0]),
]


@pytest.mark.parametrize(("header", "cells", "wages"), UNIT_CASES)
def test_a_unit_in_the_wage_header_scales_the_wages(
    tmp_path: Path, header: str, cells: tuple[Any, ...], wages: list[Any]
) -> None:
    r = _read(tmp_path, ("NIK", header), (NIKS, cells))
    (info,) = r.sheets
    assert info.matched == {"nik": "NIK", "wage": header}
    notice = "wage_in_millions" if unit_of(header)[1] == 1_000_000 else "wage_in_thousands"
    assert _notices(info) == [notice]
    assert dict(info.notices[0].params) == {"header": header}
    assert r.records["wage"].tolist() == wages
    # The clerk's own cells are kept as written in the outputs.
    assert r.original[header].tolist()[0] == cells[0]


@pytest.mark.parametrize(
    ("header", "factor"),
    [
        ("Upah (Rp)", 1),
        ("Gaji", 1),
        ("Gaji (ribu)", 1000),
        ("Upah (Rp 000.000)", 1_000_000),
        ("Upah (x 1.000)", 1000),
    ],
)
def test_the_unit_of_a_header(header: str, factor: int) -> None:
    named = recognise(header)
    assert named is not None and named.field == "wage"
    assert named.factor == factor


def test_a_basic_wage_in_thousands_says_both(tmp_path: Path) -> None:
    r = _read(tmp_path, ("NIK", "Gaji Pokok (ribu)"), (NIKS, (3200, 4100, 2900)))
    (info,) = r.sheets
    assert sorted(_notices(info)) == ["wage_basic_only", "wage_in_thousands"]
    assert r.records["basic_wage"].tolist() == [3_200_000.0, 4_100_000.0, 2_900_000.0]


def test_a_plain_wage_header_is_not_scaled(tmp_path: Path) -> None:
    r = _read(tmp_path, ("NIK", "Upah (Rp)"), (NIKS, ("3.200", "7.500", 2900)))
    assert r.records["wage"].tolist() == ["3.200", "7.500", 2900]
    assert _notices(r.sheets[0]) == []


# --- dates: a start date is not the BPJS registration date ------------------------------

DATES = ("2024-01-15", "2023-06-01", "2022-11-30")

DATE_CASES = [
    # (headers, columns, registration header judged or None, ignored, notices)
    (
        ("Tgl Masuk",),
        (DATES,),
        None,
        [("Tgl Masuk", "start_date")],
        ["start_date_not_registration"],
    ),
    (("TMT",), (DATES,), None, [("TMT", "start_date")], ["start_date_not_registration"]),
    (
        ("Tgl Mulai Bekerja", "Join Date"),
        (DATES, DATES),
        None,
        [("Tgl Mulai Bekerja", "start_date"), ("Join Date", "start_date")],
        ["start_date_not_registration"],
    ),
    (("TMT", "Tgl Daftar BPJS"), (DATES, DATES), "Tgl Daftar BPJS", [("TMT", "start_date")], []),
    (("TMT Kepesertaan",), (DATES,), "TMT Kepesertaan", [], []),
    (
        ("TMT BPJS", "Tanggal Bergabung"),
        (DATES, DATES),
        "TMT BPJS",
        [("Tanggal Bergabung", "start_date")],
        [],
    ),
    (("Tanggal Daftar BPJS",), (DATES,), "Tanggal Daftar BPJS", [], []),
    (("Tgl Kepesertaan BPJS",), (DATES,), "Tgl Kepesertaan BPJS", [], []),
    (
        ("Tgl Daftar", "Tanggal Kepesertaan"),
        (("belum", "belum", "?"), DATES),
        "Tanggal Kepesertaan",
        [("Tgl Daftar", "not_date")],
        [],
    ),
]


@pytest.mark.parametrize(("header", "columns", "judged", "ignored", "notices"), DATE_CASES)
def test_a_start_date_is_never_judged_as_the_registration_date(
    tmp_path: Path,
    header: tuple[str, ...],
    columns: tuple[Sequence[Any], ...],
    judged: str | None,
    ignored: list[tuple[str, str]],
    notices: list[str],
) -> None:
    r = _read(tmp_path, ("NIK", *header), (NIKS, *columns))
    (info,) = r.sheets
    assert info.matched.get("registered_on") == judged
    assert _ignored(info) == ignored
    assert _notices(info) == notices
    if judged is None:
        assert r.records["registered_on"].isna().all()
        assert dict(info.notices[0].params) == {"header": header[0]}
    else:
        assert r.records["registered_on"].tolist() == list(columns[header.index(judged)])


def test_the_start_date_notice_is_worded(tmp_path: Path) -> None:
    (info,) = _read(tmp_path, ("NIK", "Tgl Masuk"), (NIKS, DATES)).sheets
    assert (
        "Kolom 'Tgl Masuk' adalah tanggal mulai bekerja, bukan tanggal kepesertaan BPJS"
        in info.lines("id")[1]
    )


# --- columns kept but not judged --------------------------------------------------------


def test_known_columns_no_rule_judges_are_listed_and_unknown_ones_only_kept(
    tmp_path: Path,
) -> None:
    others = ("Unit Kerja", "Jabatan", "Nama Perusahaan", "Departemen", "NIP")
    header = ("NIK", *others, "ID Karyawan", "Hobi")
    r = _read(tmp_path, header, (NIKS, *([("x",) * 3] * (len(others) + 2))))
    (info,) = r.sheets
    assert info.matched == {"nik": "NIK"}
    assert _ignored(info) == [(h, "not_judged") for h in (*others, "ID Karyawan")]
    assert list(r.original.columns) == list(header)


def test_the_employers_npp_and_the_workers_contacts_are_read_for_coverage(
    tmp_path: Path,
) -> None:
    """Read for coverage only (the employer by NPP, the outreach list's contacts)."""
    header = ("NIK", "NPP", "No HP", "E-mail")
    npps, phones = ("AA010203",) * 3, ("081234567801", "081234567802", "")
    emails = ("a@contoh.id", "", "c@contoh.id")
    r = _read(tmp_path, header, (NIKS, npps, phones, emails))
    (info,) = r.sheets
    assert info.matched == {
        "nik": "NIK",
        "employer_npp": "NPP",
        "phone": "No HP",
        "email": "E-mail",
    }
    assert r.records["employer_npp"].tolist() == list(npps)


# --- real exports ----------------------------------------------------------------------


def test_a_bpjs_exporters_file_with_the_header_on_row_4(tmp_path: Path) -> None:
    titles = [("DAFTAR TENAGA KERJA",), ("PT Contoh Sejahtera",), ()]
    header = (
        "NO KPJ",
        "NIK",
        "NAMA LENGKAP",
        "TGL MULAI BEKERJA",
        "KODE PERUSAHAAN",
        "KOTA/KAB",
        "UPAH",
    )
    columns = (
        ("24001234567", "24001234568", "24001234569"),
        NIKS,
        NAMES,
        DATES,
        ("AA010203",) * 3,
        ("Kota Bekasi",) * 3,
        WAGES,
    )
    r = _read(tmp_path, header, columns, titles=titles)
    (info,) = r.sheets
    assert info.header_row == 4
    assert info.matched == {
        "nik": "NIK",
        "name": "NAMA LENGKAP",
        "wage": "UPAH",
        "kpj": "NO KPJ",
        "region": "KOTA/KAB",
        "employer_npp": "KODE PERUSAHAAN",
    }
    assert _ignored(info) == [("TGL MULAI BEKERJA", "start_date")]
    assert _notices(info) == ["start_date_not_registration"]
    assert r.records["row"].tolist() == [5, 6, 7]
    assert r.records["nik"].tolist() == list(NIKS)
    assert r.records["wage"].tolist() == list(WAGES)
    assert r.records["region"].eq("Kota Bekasi").all()


def test_an_hr_export_with_both_nik_columns_and_both_wages(tmp_path: Path) -> None:
    header = (
        "No",
        "NIK",
        "Nama Karyawan",
        "NIK KTP",
        "Gaji Pokok",
        "Total Upah",
        "Tgl Masuk",
        "Tgl Daftar BPJS",
    )
    columns = ((1, 2, 3), CODES, NAMES, NIKS, WAGES, TOTALS, DATES, DATES)
    r = _read(tmp_path, header, columns, kind="csv")
    (info,) = r.sheets
    assert info.matched == {
        "nik": "NIK KTP",
        "name": "Nama Karyawan",
        "wage": "Total Upah",
        "registered_on": "Tgl Daftar BPJS",
    }
    assert _ignored(info) == [
        ("NIK", "not_nik"),
        ("Gaji Pokok", "basic_wage"),
        ("Tgl Masuk", "start_date"),
    ]
    assert _notices(info) == []
    assert r.records["nik"].tolist() == list(NIKS)
    assert r.records["wage"].tolist() == [str(w) for w in TOTALS]


# --- the mapping asked for wins ---------------------------------------------------------

MAP_CASES = [
    # (mapping, headers, columns, matched field -> header, ignored)
    (
        ['wage="Gaji Pokok"'],
        ("NIK", "Gaji Pokok", "Total Upah"),
        (NIKS, WAGES, TOTALS),
        {"nik": "NIK", "wage": "Gaji Pokok"},
        [("Total Upah", "mapped_instead")],
    ),
    (
        ["wage=total upah"],
        ("NIK", "Total Upah", "Upah Bulanan"),
        (NIKS, TOTALS, WAGES),
        {"nik": "NIK", "wage": "Total Upah"},
        [("Upah Bulanan", "mapped_instead")],
    ),
    (
        ["nik=NIK"],
        ("NIK", "NIK KTP"),
        (CODES, NIKS),
        {"nik": "NIK"},
        [("NIK KTP", "mapped_instead")],
    ),
    (
        ["nik=Nomor Pekerja", "wage=Penghasilan"],
        ("Nomor Pekerja", "Penghasilan"),
        (NIKS, WAGES),
        {"nik": "Nomor Pekerja", "wage": "Penghasilan"},
        [],
    ),
    (
        ["registered_on=Tgl Masuk"],
        ("NIK", "Tgl Masuk"),
        (NIKS, DATES),
        {"nik": "NIK", "registered_on": "Tgl Masuk"},
        [],
    ),
]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
@pytest.mark.parametrize(("mapping", "header", "columns", "matched", "ignored"), MAP_CASES)
def test_a_mapping_overrides_the_automatic_choice(
    tmp_path: Path,
    kind: str,
    mapping: list[str],
    header: tuple[str, ...],
    columns: tuple[Sequence[Any], ...],
    matched: dict[str, str],
    ignored: list[tuple[str, str]],
) -> None:
    r = _read(tmp_path, header, columns, parse_mapping(mapping), kind=kind)
    (info,) = r.sheets
    assert info.matched == matched
    assert _ignored(info) == ignored
    assert _notices(info) == []  # a mapped basic wage or start date is what was asked for
    for name, judged in matched.items():
        cells = r.original[judged].tolist()
        assert r.records[name].tolist() == cells


def test_a_mapped_header_finds_the_header_row_under_titles(tmp_path: Path) -> None:
    titles = [("Laporan Bulanan",), ("April 2025",)]
    options = parse_mapping(["nik=Nomor Pekerja"])
    r = _read(tmp_path, ("Nomor Pekerja", "Nama"), (NIKS, NAMES), options, titles=titles)
    assert r.sheets[0].header_row == 3
    assert r.records["nik"].tolist() == list(NIKS)
    with pytest.raises(RosterError) as caught:
        _read(tmp_path, ("Nomor Pekerja", "Nama"), (NIKS, NAMES), titles=titles)
    assert caught.value.code == "roster_no_nik_column"


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_mapped_header_not_in_the_roster_lists_the_headers_present(
    tmp_path: Path, kind: str
) -> None:
    options = parse_mapping(['wage="Total Gaji"'])
    with pytest.raises(RosterError) as caught:
        _read(tmp_path, ("NIK", "Nama", "Gaji Pokok"), (NIKS, NAMES, WAGES), options, kind=kind)
    error = caught.value
    assert error.code == "roster_map_unknown_header"
    assert error.where.row == 1
    assert "'Total Gaji'" in error.message("id")
    assert "'NIK', 'Nama', 'Gaji Pokok'" in error.message("id")
    assert "'NIK', 'Nama', 'Gaji Pokok'" in error.message("en")
    assert 'wage="NIK"' in error.message("en")


# --- the checker's own result file, uploaded again --------------------------------------


def test_the_checkers_result_workbook_reads_back_with_the_same_workers(tmp_path: Path) -> None:
    header = ("NIK", "Nama", "Upah", "Status Kepesertaan", "Tanggal Kepesertaan", "Keterangan")
    rows = [
        (NIKS[0], NAMES[0], 3_000_000, "Aktif", "2024-01-15", "ok"),  # Layak
        (NIKS[1], NAMES[1], 9_000_000, "Aktif", "2024-01-15", None),  # Tidak Layak: wage
        ("12345", NAMES[2], 3_000_000, "Aktif", "2024-01-15", None),  # Perlu Perbaikan
    ]
    source = write_xlsx(tmp_path / "roster.xlsx", {"Pekerja": [header, *rows]})
    out = tmp_path / "hasil.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "bsu", "check", str(source), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out, read_only=True)
    # Each status sheet holds one worker: none is a header-only sheet. The decision trail
    # (one line per worker and criterion) is no roster of workers.
    status_sheets = [ws for ws in book if ws.title not in {"Ringkasan", "Jejak Keputusan"}]
    assert len(status_sheets) == 3 and all(ws.max_row == 2 for ws in status_sheets)
    r = roster.read(out)
    assert sorted(r.records["nik"]) == sorted(r[0] for r in rows)
    assert sorted(r.records["name"]) == sorted(NAMES)
    assert r.records["participant_status"].eq("Aktif").all()
    read = [info for info in r.sheets if info.read]
    assert len(read) == 3  # the three status sheets; the summary sheet holds no workers
    for info in read:
        assert info.matched == {
            "nik": "NIK",
            "name": "Nama",
            "wage": "Upah",
            "participant_status": "Status Kepesertaan",
            "registered_on": "Tanggal Kepesertaan",
        }
        checker = [h for h, code in _ignored(info) if code == "checker_output"]
        assert {"Berkas", "Sheet", "Baris", "Status", "Kode Alasan", "Keterangan"} <= set(checker)
        assert "Keterangan (asli)" not in checker


def test_a_rosters_own_status_column_is_not_taken_for_the_checkers(tmp_path: Path) -> None:
    r = _read(tmp_path, ("NIK", "Status", "Keterangan"), (NIKS, ("Tetap",) * 3, ("",) * 3))
    assert _ignored(r.sheets[0]) == []


# --- the header tables ------------------------------------------------------------------


@pytest.mark.parametrize("declared", fields.REGISTRY, ids=lambda f: f.name)
def test_every_header_of_a_field_names_it_and_no_other(declared: fields.Field) -> None:
    for alias in declared.headers:
        assert field_for(alias) == declared.name, alias
    others = {header_key(a) for f in fields.REGISTRY if f is not declared for a in f.headers}
    assert {header_key(a) for a in declared.headers}.isdisjoint(others)


def test_the_checkers_headings_are_its_result_columns_in_both_languages() -> None:
    headings = checker_headings()
    assert {"status", "codes"} <= set(headings)
    assert headings["status"] == {"status"}
    assert headings["codes"] == {"kodealasan", "reasoncodes"}


def test_a_mapped_wage_header_with_a_unit_is_scaled(tmp_path: Path) -> None:
    options = parse_mapping(["wage=Penghasilan (ribu)"])
    r = _read(tmp_path, ("NIK", "Penghasilan (ribu)"), (NIKS, (3200, 4100, 2900)), options)
    assert r.sheets[0].matched["wage"] == "Penghasilan (ribu)"
    assert _notices(r.sheets[0]) == ["wage_in_thousands"]
    assert r.records["wage"].tolist() == [3_200_000.0, 4_100_000.0, 2_900_000.0]
