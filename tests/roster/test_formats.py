"""Every roster format bsu reads (``bsu.rosters.kinds``): .xls and .ods written by
LibreOffice read as the .xlsx does; a file whose content is not what its name says is
told what it really is; hostile .xls and .ods files are refused before calamine, and,
without that screening, hurt only the sandbox's child.

The LibreOffice files are in ``tests/fixtures/rosters`` (``make.sh`` writes them again);
the rest are written here.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import struct
import zipfile
from pathlib import Path

import pytest

from bsu.errors import RosterError
from bsu.rosters import kinds, ole, preflight, sandbox
from bsu.rosters import readers as roster
from bsu.values import nik, wage
from tests.hostile.corpus import cfb
from tests.support import write_xlsx

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rosters"
PAGE = Path(__file__).resolve().parents[2] / "bsu" / "api" / "static" / "index.html"

HEADER = ("NIK", "Nama", "Upah", "Status Kepesertaan", "Tanggal Kepesertaan")
WORKERS = [
    ("3273056010900010", "Siti Aminah", 3_500_000, "Aktif", dt.date(2024, 1, 15)),
    ("3275014507850003", "Budi Santoso", 4_750_000, "Aktif", dt.date(2023, 6, 1)),
    ("3171012902960001", "José Ramos", 2_900_000, "Aktif", dt.date(2022, 11, 20)),
    ("3275014101900001", "Dewi Lestari", 5_200_000, "Aktif", dt.date(2021, 3, 8)),
]


def _records(r: roster.Roster) -> list[tuple[object, ...]]:
    """What the engine will see: NIK cleaned, name, wage parsed, date as a date, row."""
    text, _ = nik.clean(r.records["nik"])
    amount, _ = wage.parse(r.records["wage"])
    dates = [
        v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))
        for v in r.records["registered_on"]
    ]
    return list(
        zip(text, r.records["name"], amount, dates, r.records["row"].astype(int), strict=True)
    )


@pytest.fixture
def excel(tmp_path: Path) -> list[tuple[object, ...]]:
    """The same roster written by openpyxl, as Excel would: what every format must give."""
    path = write_xlsx(tmp_path / "excel.xlsx", {"Data": [HEADER, *WORKERS]})
    return _records(roster.read(path))


@pytest.mark.parametrize("name", ["roster.xlsx", "roster.xls", "roster.ods"])
def test_a_libreoffice_roster_reads_as_the_excel_one(
    name: str, excel: list[tuple[object, ...]]
) -> None:
    read = roster.read(FIXTURES / name)
    assert _records(read) == excel
    [sheet] = read.sheets
    assert (sheet.source, sheet.header_row, sheet.rows) == (name, 1, 4)
    assert sheet.matched["nik"] == "NIK" and sheet.matched["registered_on"] == "Tanggal Kepesertaan"


@pytest.mark.parametrize("name", ["roster.xls", "roster.ods"])
def test_the_new_formats_read_in_the_sandbox_too(name: str) -> None:
    here = roster.read(FIXTURES / name)
    there = sandbox.read(FIXTURES / name)
    assert _records(there) == _records(here)


def test_one_table_names_every_format() -> None:
    assert {".xlsx", ".xlsm", ".xls", ".ods", ".csv"} <= set(kinds.IN_FOLDERS)
    assert ".txt" not in kinds.IN_FOLDERS and ".parquet" not in kinds.UPLOADABLE
    found = re.search(r'id="file"[^>]*accept="([^"]*)"', PAGE.read_text(encoding="utf-8"))
    assert found is not None and found.group(1) == kinds.accept()


# --- content that is not what its name says ---------------------------------------------


def _zip(path: Path, names: dict[str, str], mimetype: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        if mimetype is not None:
            archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        for part, text in names.items():
            archive.writestr(part, text)
    return path


def _copy(name: str, to: Path) -> Path:
    return Path(shutil.copyfile(FIXTURES / name, to))


MISMATCHES = [
    # (file written as, content, code, words in English)
    ("ods.xlsx", lambda p: _copy("roster.ods", p), "file_is_ods", "Rename it to .ods"),
    ("xls.xlsx", lambda p: _copy("roster.xls", p), "xlsx_old_format", "Rename it to .xls"),
    ("xlsx.xls", lambda p: _copy("roster.xlsx", p), "file_is_xlsx", "Rename it to .xlsx"),
    ("xlsx.ods", lambda p: _copy("roster.xlsx", p), "file_is_xlsx", "Rename it to .xlsx"),
    ("ods.xls", lambda p: _copy("roster.ods", p), "file_is_ods", "Rename it to .ods"),
    ("xls.ods", lambda p: _copy("roster.xls", p), "file_is_xls", "Rename it to .xls"),
    ("pdf.xlsx", lambda p: p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj"), "file_is_pdf", "PDF"),
    ("pdf.xls", lambda p: p.write_bytes(b"%PDF-1.4\n"), "file_is_pdf", "no roster"),
    (
        "word.xlsx",
        lambda p: _zip(p, {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}),
        "file_is_docx",
        "Word document",
    ),
    (
        "biner.xlsx",
        lambda p: _zip(p, {"[Content_Types].xml": "<Types/>", "xl/workbook.bin": "\x00"}),
        "file_is_xlsb",
        "Save As > Excel Workbook (.xlsx)",
    ),
    (
        "teks.ods",
        lambda p: _zip(p, {"content.xml": "<x/>"}, "application/vnd.oasis.opendocument.text"),
        "file_is_odt",
        "OpenDocument text",
    ),
    ("word.xls", lambda p: cfb(p, ["WordDocument", "1Table"]), "file_is_doc", "old Word"),
    (
        "sandi.xls",
        lambda p: cfb(p, ["EncryptedPackage", "EncryptionInfo"]),
        "xlsx_password_protected",
        "without a password",
    ),
    (
        "web.xls",
        lambda p: p.write_bytes(b"<html><body><table><tr><td>NIK</td></tr></table>"),
        "file_is_html",
        "web page",
    ),
    (
        "teks.xls",
        lambda p: p.write_bytes(b"NIK;Nama\n3273056010900010;Ani\n"),
        "file_is_text",
        "Rename it to .csv",
    ),
    ("laporan.csv", lambda p: p.write_bytes(b"%PDF-1.4\n"), "file_is_pdf", "PDF"),
]


@pytest.mark.parametrize(
    ("name", "make", "code", "words"), MISMATCHES, ids=[m[0] for m in MISMATCHES]
)
def test_content_that_is_not_its_name_is_named(
    tmp_path: Path, name: str, make: object, code: str, words: str
) -> None:
    path = tmp_path / name
    make(path)  # type: ignore[operator]
    with pytest.raises(RosterError) as refused:
        roster.read(path)
    error = refused.value
    assert error.code == code, error.message("en")
    assert words in error.message("en")
    assert "Calamine" not in error.message("en") and "Error" not in error.message("en")
    refusal = preflight.screen(path)  # the upload route answers the same at once
    assert refusal is not None and refusal.code == code


def test_an_ods_renamed_xlsx_says_what_it_is_in_both_languages(tmp_path: Path) -> None:
    path = _copy("roster.ods", tmp_path / "roster.xlsx")
    with pytest.raises(RosterError) as refused:
        roster.read(path)
    assert "sebenarnya spreadsheet OpenDocument (.ods" in refused.value.message("id")
    assert "Ganti ekstensinya menjadi .ods" in refused.value.message("id")


@pytest.mark.parametrize("suffix", [".xlsb", ".pdf", ".docx", ".numbers"])
def test_a_format_not_read_names_the_ones_that_are(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"roster{suffix}"
    path.write_bytes(b"PK\x03\x04 not read")
    with pytest.raises(RosterError) as refused:
        roster.read(path)
    assert refused.value.code == "file_type_unsupported"
    message = refused.value.message("en")
    assert suffix in message and ".xls, .ods" in message


# --- hostile .xls and .ods --------------------------------------------------------------


def _ods_with(path: Path, rows: str) -> Path:
    """The LibreOffice roster with ``rows`` added to the end of its sheet."""
    with zipfile.ZipFile(FIXTURES / "roster.ods") as source, zipfile.ZipFile(path, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "content.xml":
                data = data.replace(b"</table:table>", rows.encode() + b"</table:table>", 1)
            method = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            out.writestr(info, data, compress_type=method)
    return path


VALUE = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
HOSTILE_ODS = [
    # A value past a million empty rows and 16,000 empty cells: 16.7 billion cells.
    (
        "far-cell",
        '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="16000"/></table:table-row>'
        '<table:table-row><table:table-cell table:number-columns-repeated="16000"/>'
        f"{VALUE}</table:table-row>",
    ),
    # One valued row repeated a million times.
    (
        "repeated-rows",
        f'<table:table-row table:number-rows-repeated="1000000">{VALUE}</table:table-row>',
    ),
    # One valued cell repeated a million columns.
    (
        "repeated-columns",
        '<table:table-row><table:table-cell table:number-columns-repeated="1000000" '
        'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>',
    ),
]


@pytest.mark.parametrize(("name", "rows"), HOSTILE_ODS, ids=[h[0] for h in HOSTILE_ODS])
def test_an_ods_declaring_a_huge_sheet_is_refused_before_calamine(
    tmp_path: Path, name: str, rows: str
) -> None:
    path = _ods_with(tmp_path / f"{name}.ods", rows)
    assert path.stat().st_size < 20_000
    with pytest.raises(RosterError) as refused:
        sandbox.read(path, budget=sandbox.Budget(memory_mb=1024, timeout_seconds=30))
    assert refused.value.code == "sheet_too_large"
    assert "Clear cells far outside the roster table" in refused.value.message("en")


def test_empty_rows_repeated_to_the_sheets_edge_are_no_harm(tmp_path: Path) -> None:
    """What LibreOffice writes below a formatted table: read as the roster it is."""
    path = _ods_with(
        tmp_path / "rapi.ods",
        '<table:table-row table:number-rows-repeated="1048553">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>',
    )
    assert len(roster.read(path)) == 4


def test_an_xls_reaching_its_last_cell_is_refused(tmp_path: Path) -> None:
    """Unscreened, this 5.6 KB .xls makes calamine build 65,536 x 256 cells (1.2 GB)."""
    with pytest.raises(RosterError) as refused:
        sandbox.read(FIXTURES / "far.xls")
    assert refused.value.code == "sheet_too_large"
    assert "65536" in refused.value.message("en")


def test_without_screening_a_hostile_ods_hurts_only_the_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _ods_with(tmp_path / "jauh.ods", HOSTILE_ODS[0][1])
    monkeypatch.setattr(preflight, "check_ods", lambda *_a, **_k: None)
    with pytest.raises(RosterError) as refused:
        sandbox.read(path, budget=sandbox.Budget(memory_mb=1024, timeout_seconds=30))
    assert refused.value.code in {"xlsx_unreadable", "file_too_complex"}
    assert len(roster.read(FIXTURES / "roster.ods")) == 4  # this process reads on


def _biff(*records: tuple[int, bytes]) -> bytes:
    return b"".join(struct.pack("<HH", kind, len(body)) + body for kind, body in records)


def test_an_encrypted_xls_stream_is_refused_as_password_protected() -> None:
    stream = _biff((0x0809, b"\x00\x06\x05\x00" + b"\x00" * 12), (0x002F, b"\x01\x00" * 27))
    refusal = ole._workbook(stream, None)
    assert refusal is not None and refusal.code == "xlsx_password_protected"
    plain = _biff((0x0809, b"\x00\x06\x05\x00" + b"\x00" * 12), (0x000A, b""))
    assert ole._workbook(plain, None) is None


@pytest.mark.parametrize(
    ("offset", "value", "why"),
    [
        (0x1E, 10, "header names no known version"),  # a sector of 1 KB
        (0x2C, 10_000, "sector counts do not fit the file"),  # 10,000 FAT sectors
    ],
)
def test_an_xls_whose_header_does_not_fit_its_file_is_damaged(
    tmp_path: Path, offset: int, value: int, why: str
) -> None:
    data = bytearray((FIXTURES / "roster.xls").read_bytes())
    struct.pack_into("<H" if offset == 0x1E else "<I", data, offset, value)
    path = tmp_path / "rusak.xls"
    path.write_bytes(bytes(data))
    with pytest.raises(RosterError) as refused:
        roster.read(path)
    assert refused.value.code == "xls_damaged"
    assert why in refused.value.message("en")
