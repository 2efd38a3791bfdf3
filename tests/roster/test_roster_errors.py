"""roster.read on files that are not rosters: each is a RosterError a person can act on."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from bsu.errors import BsuError, RosterError
from bsu.rosters import readers as roster
from tests.hostile.corpus import cfb
from tests.support import write_xlsx

GOOD_ROWS = [("NIK", "Nama", "Upah"), ("3273056010900010", "Ani", 3_500_000)]


def _error(path: Path, code: str | tuple[str, ...], name: str | None = None) -> RosterError:
    codes = (code,) if isinstance(code, str) else code
    with pytest.raises(RosterError) as caught:
        roster.read(path, name)
    err = caught.value
    assert err.code in codes, err.message("en")
    shown = name or path.name
    for lang in ("id", "en"):
        text = err.message(lang)
        assert shown in text, (lang, text)
        assert text.startswith(shown), (lang, text)
    assert err.message("id") != err.message("en")
    assert err.where.file == shown
    assert isinstance(err, BsuError)
    return err


def test_a_good_file_reads(tmp_path: Path) -> None:
    # The control for the cases below: the same writer makes a readable roster.
    assert len(roster.read(write_xlsx(tmp_path / "baik.xlsx", {"Data": GOOD_ROWS}))) == 1


def test_missing_path(tmp_path: Path) -> None:
    err = _error(tmp_path / "tidak-ada.xlsx", "file_not_found")
    assert "does not exist" in err.message("en")
    assert "tidak ditemukan" in err.message("id")


def test_a_directory_is_unreadable(tmp_path: Path) -> None:
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    _error(folder, "file_unreadable")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".txt"])
def test_empty_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"kosong{suffix}"
    path.write_bytes(b"")
    err = _error(path, "file_empty")
    assert "0" in err.message("en")


@pytest.mark.parametrize("suffix", [".xlsb", ".pdf", ".numbers", ".json", ".docx"])
def test_unsupported_extension(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"roster{suffix}"
    path.write_bytes(b"NIK,Nama\n3273056010900010,Ani\n")
    err = _error(path, "file_type_unsupported")
    assert suffix in err.message("en")
    assert ".xlsx" in err.message("en")  # says what to save it as instead


def test_no_extension(tmp_path: Path) -> None:
    path = tmp_path / "roster"
    path.write_bytes(b"NIK\n3273056010900010\n")
    err = _error(path, "file_type_unsupported")
    assert "no extension" in err.message("en")


def test_csv_renamed_to_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "sebenarnya-csv.xlsx"
    path.write_bytes(b"NIK,Nama,Upah\n3273056010900010,Ani,3500000\n")
    err = _error(path, "xlsx_is_text")
    assert "Rename it to .csv" in err.message("en")


def test_html_renamed_to_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "ekspor.xlsx"
    path.write_bytes(
        b"\xef\xbb\xbf\r\n<html><body><table><tr><td>NIK</td></tr></table></body></html>"
    )
    err = _error(path, "xlsx_is_html")
    assert "web page" in err.message("en") and "halaman web" in err.message("id")


def test_binary_that_is_no_workbook(tmp_path: Path) -> None:
    path = tmp_path / "gambar.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    _error(path, "xlsx_invalid")


def test_password_protected_workbook(tmp_path: Path) -> None:
    # Office stores an encrypted workbook as an OLE compound file with these streams.
    path = cfb(tmp_path / "sandi.xlsx", ["EncryptedPackage", "\x06DataSpaces", "EncryptionInfo"])
    err = _error(path, "xlsx_password_protected")
    assert "without a password" in err.message("en")
    assert "tanpa kata sandi" in err.message("id")


def test_old_excel_format(tmp_path: Path) -> None:
    # An .xls is an OLE compound file too (D0 CF 11 E0), with a Workbook stream.
    path = cfb(tmp_path / "lama.xlsx", ["Workbook", "\x05SummaryInformation"])
    err = _error(path, "xlsx_old_format")
    assert ".xls" in err.message("en") and "Save As > Excel Workbook (.xlsx)" in err.message("en")


def test_truncated_xlsx(tmp_path: Path) -> None:
    whole = write_xlsx(tmp_path / "utuh.xlsx", {"Data": GOOD_ROWS}).read_bytes()
    path = tmp_path / "terpotong.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    err = _error(path, "xlsx_truncated")
    assert "cut short" in err.message("en")


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "arsip.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("catatan.txt", "bukan workbook")
    _error(path, "xlsx_unreadable")


def test_xlsx_with_a_damaged_sheet(tmp_path: Path) -> None:
    source = write_xlsx(tmp_path / "utuh.xlsx", {"Data": GOOD_ROWS})
    path = tmp_path / "rusak.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]  # the XML stops mid-element
            new.writestr(item, data)
    _error(path, "xlsx_unreadable")


def test_xlsx_whose_only_sheet_is_empty(tmp_path: Path) -> None:
    err = _error(write_xlsx(tmp_path / "kosong.xlsx", {"Lembar1": []}), "roster_empty")
    assert err.where.sheet == "Lembar1"
    assert "Lembar1" in err.message("en")


def test_xlsx_whose_sheets_are_all_empty(tmp_path: Path) -> None:
    _error(write_xlsx(tmp_path / "semua-kosong.xlsx", {"A": [], "B": [()]}), "roster_empty")


@pytest.mark.parametrize("content", [b"\n\n\n", b"\xef\xbb\xbf", b"\r\n", b"   \n"])
def test_csv_with_nothing_in_it(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "hampa.csv"
    path.write_bytes(content)
    _error(path, ("roster_empty", "roster_no_nik_column"))


def test_xlsx_without_a_nik_column(tmp_path: Path) -> None:
    rows = [("Nama", "Upah", "Kota"), ("Ani", 3_500_000, "Bekasi")]
    err = _error(write_xlsx(tmp_path / "tanpa-nik.xlsx", {"Data": rows}), "roster_no_nik_column")
    assert "NIK" in err.message("id")
    assert "NIK" in err.message("en")


def test_xlsx_notes_only(tmp_path: Path) -> None:
    rows = [("Petunjuk pengisian",), ("Isi data pekerja di sheet berikutnya.",)]
    _error(write_xlsx(tmp_path / "petunjuk.xlsx", {"Petunjuk": rows}), "roster_no_nik_column")


def test_csv_without_a_nik_column(tmp_path: Path) -> None:
    path = tmp_path / "tanpa-nik.csv"
    path.write_bytes(b"Nama;Upah;Kota\nAni;3.500.000;Bekasi\n")
    _error(path, "roster_no_nik_column")


def test_nik_header_below_the_search_window(tmp_path: Path) -> None:
    titles = [(f"baris judul {i}",) for i in range(roster.HEADER_SEARCH_ROWS)]
    path = write_xlsx(tmp_path / "terlalu-dalam.xlsx", {"Data": [*titles, *GOOD_ROWS]})
    _error(path, "roster_no_nik_column")


def test_xlsx_header_but_no_rows(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "judul-saja.xlsx", {"Data": [("Daftar",), ("NIK", "Nama", "Upah")]}
    )
    err = _error(path, "roster_no_rows")
    assert (err.where.sheet, err.where.row) == ("Data", 2)
    assert "row 2" in err.message("en")
    assert "baris 2" in err.message("id")


def test_xlsx_header_then_only_blank_rows(tmp_path: Path) -> None:
    rows = [("NIK", "Nama"), (), (None, None), ("", "")]
    _error(write_xlsx(tmp_path / "baris-kosong.xlsx", {"Data": rows}), "roster_no_rows")


@pytest.mark.parametrize(
    "content", [b"NIK,Nama,Upah\n", b"NIK;Nama;Upah", b"NIK,Nama\n,\n\n,\n", b"NIK\r\n\r\n"]
)
def test_csv_header_but_no_rows(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "judul-saja.csv"
    path.write_bytes(content)
    err = _error(path, "roster_no_rows")
    assert err.where.row == 1


def test_the_name_given_is_the_name_shown(tmp_path: Path) -> None:
    path = tmp_path / "tmp8f3a2.xlsx"
    path.write_bytes(b"")
    err = _error(path, "file_empty", name="Roster Mei.xlsx")
    assert "tmp8f3a2" not in err.message("en")


def test_no_nik_error_names_the_sheet_with_data(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "dua-sheet.xlsx", {"Kosong": [], "Data": [("Nama",), ("Ani",)]})
    err = _error(path, "roster_no_nik_column")
    assert err.where.sheet == "Data"
