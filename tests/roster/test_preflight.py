"""preflight: what it refuses before any parser, and what it must let through (every
workbook a spreadsheet program writes)."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from bsu.core.ruleset import load_ruleset
from bsu.errors import BsuError, RosterError
from bsu.results.model import Result
from bsu.results.xlsx import write_xlsx
from bsu.rosters import preflight
from bsu.rosters import readers as roster
from tests.hostile.corpus import (
    HEADER,
    LAUGHS,
    NIK,
    WORKER,
    Cells,
    declare,
    sheet_xml,
    workbook,
)
from tests.support import write_xlsx as openpyxl_workbook

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _code(path: Path) -> str | None:
    refusal = preflight.check_xlsx(path)
    return refusal.code if refusal else None


# --- let through -------------------------------------------------------------------------


def test_workbooks_that_programs_write_pass(tmp_path: Path) -> None:
    written = [
        *SAMPLES.glob("*.xlsx"),
        openpyxl_workbook(tmp_path / "openpyxl.xlsx", {"Data": [("NIK", "Nama"), (NIK, "Adi")]}),
        workbook(tmp_path / "tangan.xlsx"),
    ]
    read = roster.read(SAMPLES / "roster-messy.xlsx")
    from bsu import evaluate

    result = Result.of(read, evaluate(read.records, load_ruleset("bsu-2025")), "id")
    write_xlsx(result, tmp_path / "hasil.xlsx")  # bsu's own result workbook
    written.append(tmp_path / "hasil.xlsx")
    for path in written:
        assert _code(path) is None, path.name
        assert preflight.screen(path) is None, path.name


def test_stored_parts_and_a_leading_comment_pass(tmp_path: Path) -> None:
    path = tmp_path / "simpan.xlsx"
    with (
        zipfile.ZipFile(workbook(tmp_path / "asal.xlsx")) as old,
        zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as new,
    ):
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"?>", b"?>\r\n<!-- dibuat oleh ekspor -->\r\n", 1)
            new.writestr(item.filename, data)
    assert _code(path) is None
    assert len(roster.read(path)) == 1


def test_doctype_written_as_cell_text_passes(tmp_path: Path) -> None:
    """Text that reads "<!DOCTYPE" in a cell is escaped in the XML: no declaration."""
    rows: Cells = [HEADER, (2, [("A2", NIK), ("B2", "&lt;!DOCTYPE x [&lt;!ENTITY a 'b'&gt;]&gt;")])]
    path = workbook(tmp_path / "teks.xlsx", rows)
    assert _code(path) is None
    assert roster.read(path).original.iloc[0, 1] == "<!DOCTYPE x [<!ENTITY a 'b'>]>"


# --- refused -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prolog",
    [
        LAUGHS,
        "<!-- sebuah catatan --><!DOCTYPE x>",
        "<!doctype x>",
        "<?pi data?>\n<!DOCTYPE x SYSTEM 'http://contoh.test/x.dtd'>",
        "<!ENTITY x 'y'>",
        "<!--" + "x" * 70_000 + "-->",  # a preamble no spreadsheet writes
    ],
    ids=["laughs", "after-a-comment", "lower-case", "after-an-instruction", "bare-entity", "long"],
)
def test_a_declaration_before_the_root_element_is_refused(tmp_path: Path, prolog: str) -> None:
    for part in ("xl/worksheets/sheet1.xml", "xl/workbook.xml", "_rels/.rels", "xl/styles.xml"):
        name = tmp_path / f"{part.replace('/', '_')}.xlsx"
        if part == "xl/worksheets/sheet1.xml":
            path = workbook(name, sheet=sheet_xml([HEADER, WORKER], prolog=prolog))
        else:
            xml = f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<root/>'
            path = workbook(name, parts={part: xml})
        refusal = preflight.check_xlsx(path)
        assert refusal is not None and refusal.code == "xlsx_doctype", part
        assert part in refusal.problem[1]


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("utf-16-le", "\ufeff" + sheet_xml([HEADER, WORKER], prolog=LAUGHS)),
        ("utf-16-be", "\ufeff" + sheet_xml([HEADER, WORKER], prolog=LAUGHS)),
        ("utf-32", sheet_xml([HEADER, WORKER], prolog=LAUGHS)),
    ],
)
def test_a_declaration_in_utf16_or_utf32_is_refused(
    tmp_path: Path, encoding: str, data: str
) -> None:
    path = workbook(
        tmp_path / "lebar.xlsx", parts={"xl/worksheets/sheet1.xml": data.encode(encoding)}
    )
    assert _code(path) == "xlsx_doctype"


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE x+AD4-<worksheet/>',
        "<worksheet/>".encode("cp500"),  # EBCDIC, which libxml2 detects by itself
    ],
    ids=["utf-7", "ebcdic"],
)
def test_xml_in_an_encoding_a_byte_scanner_cannot_read_is_refused(
    tmp_path: Path, data: bytes
) -> None:
    path = workbook(tmp_path / "sandi.xlsx", parts={"xl/worksheets/sheet1.xml": data})
    refusal = preflight.check_xlsx(path)
    assert refusal is not None and refusal.code == "xlsx_damaged"
    assert "sheet1.xml" in refusal.problem[1]


def test_a_part_larger_than_declared_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """The archive says 1 KB (with that 1 KB's CRC); the part inflates to 40 MB and hides
    the far cell behind it. Reading stops at the first chunk past the declared size."""
    rows: Cells = [HEADER, WORKER, (1048576, [("XFD1048576", "x")])]
    path = workbook(tmp_path / "bohong.xlsx", sheet=sheet_xml(rows, padding=" " * 40_000_000))
    declare(path, "xl/worksheets/sheet1.xml", 1024)
    with zipfile.ZipFile(path) as archive:  # zipfile trusts the declaration and the CRC
        assert len(archive.read("xl/worksheets/sheet1.xml")) == 1024
    assert _code(path) == "xlsx_size_mismatch"
    assert preflight.screen(path) is not None


def test_a_part_smaller_than_declared_is_refused(tmp_path: Path) -> None:
    path = declare(workbook(tmp_path / "kurang.xlsx"), "xl/worksheets/sheet1.xml", 5000)
    assert _code(path) == "xlsx_size_mismatch"


def _flag(path: Path, member: str, flags: int | None = None, method: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    local = info.header_offset
    central = data.find(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(member)] != member.encode():
        central = data.find(b"PK\x01\x02", central + 4)
    if flags is not None:
        struct.pack_into("<H", data, local + 6, flags)
        struct.pack_into("<H", data, central + 8, flags)
    if method is not None:
        struct.pack_into("<H", data, local + 8, method)
        struct.pack_into("<H", data, central + 10, method)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("flags", "method", "words"),
    [(1, None, "encrypted"), (None, 9, "compression method 9")],
    ids=["zip-encryption", "deflate64"],
)
def test_parts_excel_never_writes_are_refused(
    tmp_path: Path, flags: int | None, method: int | None, words: str
) -> None:
    path = workbook(tmp_path / "aneh.xlsx")
    _flag(path, "xl/workbook.xml", flags, method)
    refusal = preflight.check_xlsx(path)
    assert refusal is not None and refusal.code == "xlsx_damaged"
    assert words in refusal.problem[1]


def test_corrupt_deflate_data_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "rusak.xlsx", parts={"xl/sharedStrings.xml": "<sst>" + "ab" * 5000})
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/sharedStrings.xml")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename)
    data[start + 2 : start + 12] = b"\xff" * 10
    path.write_bytes(bytes(data))
    assert _code(path) == "xlsx_damaged"


@pytest.mark.parametrize(("column", "code"), [("AMJ", None), ("AMK", "sheet_too_large")])
def test_a_roster_is_at_most_1024_columns_wide(
    tmp_path: Path, column: str, code: str | None
) -> None:
    assert preflight.MAX_COLUMNS == 1024  # AMJ is column 1,024
    path = workbook(tmp_path / "lebar.xlsx", [HEADER, (2, [("A2", NIK), (f"{column}2", "x")])])
    assert _code(path) == code


@pytest.mark.parametrize(("fields", "refused"), [(1024, False), (1025, True)])
def test_a_csv_is_at_most_1024_columns_wide(tmp_path: Path, fields: int, refused: bool) -> None:
    path = tmp_path / "lebar.csv"
    path.write_text(
        "Daftar\n" + ";".join(["NIK"] + ["x"] * (fields - 1)) + f"\n{NIK}\n", encoding="utf-8"
    )
    if not refused:
        assert roster.read(path).original.shape[1] == fields
        return
    with pytest.raises(RosterError) as caught:
        roster.read(path)
    assert caught.value.code == "csv_too_many_columns"
    assert "1,025 fields" in caught.value.message("en")


def test_the_upload_screen_leaves_large_sheets_to_the_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Far cells in a sheet larger than SCREEN_SHEET_BYTES are found by the full check
    (before reading), not by the screen (in the request)."""
    rows: Cells = [HEADER, WORKER, (1048576, [("XFD1048576", "x")])]
    path = workbook(tmp_path / "jauh.xlsx", sheet=sheet_xml(rows, padding=" " * 100_000))
    monkeypatch.setattr(preflight, "SCREEN_SHEET_BYTES", 50_000)
    assert preflight.screen(path) is None
    assert _code(path) == "sheet_too_large"


def test_the_upload_screen_scans_sheets_up_to_a_total(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many sheets each under the limit do not add up to a long scan in the request."""
    far: Cells = [HEADER, WORKER, (1048576, [("XFD1048576", "x")])]
    filler = sheet_xml([HEADER, WORKER], padding=" " * 40_000)
    path = workbook(
        tmp_path / "banyak.xlsx",
        parts={"xl/worksheets/sheet1.xml": filler, "xl/worksheets/sheet2.xml": sheet_xml(far)},
    )
    with zipfile.ZipFile(path) as archive:
        sizes = [archive.getinfo(f"xl/worksheets/sheet{n}.xml").file_size for n in (1, 2)]
    monkeypatch.setattr(preflight, "SCREEN_SHEET_BYTES", sum(sizes) - 1)
    assert preflight.screen(path) is None  # sheet1 used up the scan
    monkeypatch.setattr(preflight, "SCREEN_SHEET_BYTES", sum(sizes))
    assert preflight.screen(path) is not None
    assert _code(path) == "sheet_too_large"


def test_the_cheap_checks_are_in_the_screen(tmp_path: Path) -> None:
    path = workbook(tmp_path / "tawa.xlsx", sheet=sheet_xml([HEADER, WORKER], prolog=LAUGHS))
    refusal = preflight.screen(path)
    assert refusal is not None and refusal.code == "xlsx_doctype" and not refusal.oversize
    bomb = workbook(tmp_path / "bom.xlsx", parts={"xl/sharedStrings.xml": "A" * 20_000_000})
    refusal = preflight.screen(bomb)
    assert refusal is not None and refusal.code == "xlsx_zip_bomb" and refusal.oversize
    assert preflight.screen(tmp_path / "tidak-ada.xlsx") is None  # the reader says so
    other = tmp_path / "catatan.pdf"
    other.write_bytes(b"%PDF")
    assert preflight.screen(other) is None


def test_a_refusal_reads_as_a_roster_error(tmp_path: Path) -> None:
    path = tmp_path / "kosong.xlsx"
    path.write_bytes(b"")
    refusal = preflight.screen(path)
    assert refusal is not None
    error = refusal.error("Roster Mei.xlsx")
    assert isinstance(error, RosterError) and error.code == "file_empty"
    assert error.message("id").startswith("Roster Mei.xlsx: Berkas kosong")


def test_the_xml_guard_passes_with_defusedxml() -> None:
    import openpyxl

    assert openpyxl.DEFUSEDXML
    preflight.require_defused_xml()


def test_the_xml_guard_refuses_without_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    monkeypatch.setenv("OPENPYXL_DEFUSEDXML", "False")
    with pytest.raises(BsuError) as refused:
        preflight.require_defused_xml()
    assert refused.value.code == "xml_unprotected"
    assert "OPENPYXL_DEFUSEDXML=False" in refused.value.message("en")
    assert "defusedxml" in refused.value.message("id")
