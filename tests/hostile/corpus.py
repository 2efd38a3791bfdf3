"""Hostile files, generated: every kind of upload that has broken (or could break) a
spreadsheet reader, each built by hand so the test controls every byte.

Each entry of ``CORPUS`` says what bsu must answer: the error code, and whether the upload
route already refuses it (``screened``: a 4xx at once) or only the reader can tell (the
batch fails with that code). ``None`` as the code means the file must be read and checked.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

NS = "http://schemas.openxmlformats.org"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Types xmlns="{NS}/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Relationships xmlns="{NS}/package/2006/relationships"><Relationship Id="rId1" '
    f'Type="{NS}/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<workbook xmlns="{NS}/spreadsheetml/2006/main" '
    f'xmlns:r="{NS}/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Relationships xmlns="{NS}/package/2006/relationships"><Relationship Id="rId1" '
    f'Type="{NS}/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_OPEN = (
    f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}/spreadsheetml/2006/main">'
)
NIK = "3275014101900001"

Cells = list[tuple[int, list[tuple[str, str]]]]
HEADER = (1, [("A1", "NIK"), ("B1", "Nama")])
WORKER = (2, [("A2", NIK), ("B2", "Adi")])


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_xml(rows: Cells, prolog: str = "", padding: str = "") -> str:
    """A worksheet with cells exactly where given; ``padding`` goes between the first rows
    and the last (whitespace a lying archive can hide cells behind)."""
    body = [
        f'<row r="{r}">' + "".join(cell(ref, text) for ref, text in cells) + "</row>"
        for r, cells in rows
    ]
    if padding and len(body) > 1:
        body.insert(len(body) - 1, padding)
    xml = f"{SHEET_OPEN}<sheetData>{''.join(body)}</sheetData></worksheet>"
    if prolog:
        xml = xml.replace("?>", "?>" + prolog, 1)
    return xml


def workbook(
    path: Path,
    rows: Cells = (HEADER, WORKER),  # type: ignore[assignment]
    *,
    sheet: str | None = None,
    parts: dict[str, str | bytes] | None = None,
) -> Path:
    """A minimal .xlsx written by hand; ``parts`` replace or add archive members."""
    members: dict[str, str | bytes] = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet if sheet is not None else sheet_xml(list(rows)),
        **(parts or {}),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def declare(path: Path, member: str, size: int) -> Path:
    """Make the archive lie: ``member`` is declared ``size`` bytes (local header and central
    directory), with the CRC of its first ``size`` bytes, so a reader that trusts the
    declared size (and checks the CRC of what it read) sees a small, valid part."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
        crc = zlib.crc32(archive.read(member)[:size])
    data = bytearray(path.read_bytes())
    local = info.header_offset
    assert data[local : local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, local + 14, crc)
    struct.pack_into("<I", data, local + 22, size)
    central = -1
    name = member.encode()
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length] == name:
            central = at
            break
        at = data.find(b"PK\x01\x02", at + 4)
    assert central >= 0
    struct.pack_into("<I", data, central + 16, crc)
    struct.pack_into("<I", data, central + 24, size)
    path.write_bytes(bytes(data))
    return path


def cfb(path: Path, streams: list[str]) -> Path:
    """An OLE compound file (what .xls and password-protected workbooks are): the header
    and one directory sector naming ``streams``. Enough for anything that looks at it."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 0x2C, 1)  # one FAT sector
    struct.pack_into("<i", header, 0x30, 0)  # the directory starts at sector 0
    struct.pack_into("<I", header, 0x38, 4096)
    struct.pack_into("<i", header, 0x3C, -2)
    struct.pack_into("<i", header, 0x44, -2)
    struct.pack_into("<i", header, 0x4C, 1)  # the FAT is sector 1
    header[0x50:512] = b"\xff" * (512 - 0x50)
    directory = bytearray()
    for name in ["Root Entry", *streams]:
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry[: len(encoded)] = encoded
        struct.pack_into("<H", entry, 64, len(encoded))
        entry[66] = 5 if name == "Root Entry" else 2
        directory += entry
    directory += b"\x00" * (-len(directory) % 512)
    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<iii", fat, 0, -2, -3, -2)
    path.write_bytes(bytes(header) + bytes(directory) + bytes(fat) + b"\x00" * 2048)
    return path


# --- the corpus ------------------------------------------------------------------------


def zip_bomb(path: Path) -> Path:
    # 50 MB of one letter compresses about 1000:1.
    return workbook(path, parts={"xl/sharedStrings.xml": "A" * (50 * 1024 * 1024)})


def lying_size(path: Path) -> Path:
    """The sheet says 1 KB; behind 40 MB of whitespace it holds the cell at XFD1048576,
    which would make python-calamine allocate 549 GB and abort."""
    rows: Cells = [HEADER, WORKER, (1048576, [("XFD1048576", "x")])]
    workbook(path, sheet=sheet_xml(rows, padding=" " * (40 * 1024 * 1024)))
    return declare(path, "xl/worksheets/sheet1.xml", 1024)


def far_corners(path: Path) -> Path:
    return workbook(path, [HEADER, WORKER, (1048576, [("XFD1048576", "x")])])


def far_dimension(path: Path) -> Path:
    """Only the sheet's declared dimension reaches the far corner."""
    xml = sheet_xml([HEADER, WORKER]).replace(
        "<sheetData>", '<dimension ref="A1:XFD1048576"/><sheetData>'
    )
    return workbook(path, sheet=xml)


def too_many_rows(path: Path) -> Path:
    """More rows than a sheet may have: 1,048,577 rows, one cell each (a 2 MB file)."""
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(2, 1_048_578))
    head = f'<row r="1">{cell("A1", "NIK")}</row>'
    return workbook(path, sheet=f"{SHEET_OPEN}<sheetData>{head}{rows}</sheetData></worksheet>")


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


def laughs_in_sheet(path: Path) -> Path:
    rows: Cells = [HEADER, (2, [("A2", NIK), ("B2", "&lol9;")])]
    return workbook(path, sheet=sheet_xml(rows, prolog=LAUGHS))


def laughs_in_content_types(path: Path) -> Path:
    types = CONTENT_TYPES.replace("?>", "?>" + LAUGHS, 1).replace(
        'ContentType="application/xml"', 'ContentType="application/xml&lol9;"'
    )
    return workbook(path, parts={"[Content_Types].xml": types})


XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def xxe(path: Path) -> Path:
    rows: Cells = [HEADER, (2, [("A2", NIK), ("B2", "&xxe;")])]
    return workbook(path, sheet=sheet_xml(rows, prolog=XXE))


def xxe_utf16(path: Path) -> Path:
    """The same attack in a part encoded as UTF-16, past a scanner that reads bytes."""
    rows: Cells = [HEADER, (2, [("A2", NIK), ("B2", "&xxe;")])]
    xml = sheet_xml(rows, prolog=XXE).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return workbook(path, parts={"xl/worksheets/sheet1.xml": xml.encode("utf-16")})


def truncated(path: Path) -> Path:
    whole = workbook(path.with_name("whole-" + path.name)).read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    return path


def password_protected(path: Path) -> Path:
    return cfb(path, ["EncryptedPackage", "\x06DataSpaces", "EncryptionInfo"])


def old_xls(path: Path) -> Path:
    return cfb(path, ["Workbook", "\x05SummaryInformation"])


def html_renamed(path: Path) -> Path:
    path.write_bytes(
        b"<html><head><meta charset='utf-8'></head><body><table>"
        b"<tr><td>NIK</td><td>Nama</td></tr><tr><td>3275014101900001</td><td>Adi</td></tr>"
        b"</table></body></html>"
    )
    return path


def csv_renamed(path: Path) -> Path:
    path.write_bytes(f"NIK;Nama;Upah\n{NIK};Adi;3000000\n".encode())
    return path


def xlsx_renamed_csv(path: Path) -> Path:
    return workbook(path)


def empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


CONTROL = "Adi\x01\x07\x0b\x0c\x1b\x7f\u200b\ufeffSari"


def control_csv(path: Path) -> Path:
    path.write_text(
        f"NIK;Nama;Upah;Status Kepesertaan;Tgl Daftar\n"
        f"{NIK};{CONTROL};3000000;Aktif;15/01/2024\n"
        f"3275014101900002;Budi\x00Santoso;3000000;Aktif;15/01/2024\n",
        encoding="utf-8",
    )
    return path


def control_xlsx(path: Path) -> Path:
    # Excel writes control characters as _xHHHH_ escapes (raw ones are not XML).
    escaped = "".join(f"_x{ord(c):04X}_" if ord(c) < 32 else c for c in CONTROL)
    rows: Cells = [HEADER, (2, [("A2", NIK), ("B2", escaped)])]
    return workbook(path, rows)


def huge_field_csv(path: Path) -> Path:
    """A field longer than Python's csv module allows (128 KiB), under a title line (so
    that the careful reader, which uses the csv module, reads it)."""
    path.write_text(f"Daftar Pekerja\nNIK;Nama\n{NIK};{'x' * 200_000}\n", encoding="utf-8")
    return path


def sniffer_trap_csv(path: Path) -> Path:
    """A line on which csv.Sniffer's regular expression takes quadratic time (64 KB of it
    took 25 s): a reader that sniffs whole lines would be busy for hours."""
    path.write_text(',"a' * 400_000 + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class Hostile:
    """One file of the corpus and what bsu must answer for it."""

    id: str
    filename: str
    make: Callable[[Path], Path]
    code: str | None  # None: read and checked like any roster
    screened: bool = True  # the upload route refuses it at once (else: the batch fails)
    status: int = 422


CORPUS = [
    Hostile("zip-bomb", "bom.xlsx", zip_bomb, "xlsx_zip_bomb", status=413),
    Hostile("lying-declared-size", "bohong.xlsx", lying_size, "xlsx_size_mismatch"),
    Hostile("far-corner-cells", "jauh.xlsx", far_corners, "sheet_too_large"),
    Hostile("far-dimension", "dimensi.xlsx", far_dimension, None),
    # 30 MB of sheet: more than the upload route scans itself, so the reader refuses it.
    Hostile("too-many-rows", "baris.xlsx", too_many_rows, "sheet_too_large", screened=False),
    Hostile("billion-laughs-sheet", "tawa.xlsx", laughs_in_sheet, "xlsx_doctype"),
    Hostile("billion-laughs-content-types", "tawa2.xlsx", laughs_in_content_types, "xlsx_doctype"),
    Hostile("xxe", "xxe.xlsx", xxe, "xlsx_doctype"),
    Hostile("xxe-utf16", "xxe16.xlsx", xxe_utf16, "xlsx_doctype"),
    Hostile("truncated-zip", "potong.xlsx", truncated, "xlsx_truncated"),
    Hostile("password-protected", "sandi.xlsx", password_protected, "xlsx_password_protected"),
    Hostile("xls-renamed", "lama.xlsx", old_xls, "xlsx_old_format"),
    Hostile("html-renamed", "web.xlsx", html_renamed, "xlsx_is_html"),
    Hostile("csv-renamed", "teks.xlsx", csv_renamed, "xlsx_is_text"),
    Hostile("xlsx-renamed-csv", "buku.csv", xlsx_renamed_csv, "csv_is_workbook"),
    Hostile("empty", "kosong.xlsx", empty, "file_empty"),
    Hostile("huge-csv-field", "lebar.csv", huge_field_csv, "csv_malformed", screened=False),
    Hostile(
        "sniffer-trap", "jebakan.csv", sniffer_trap_csv, "csv_too_many_columns", screened=False
    ),
    Hostile("control-characters-csv", "kontrol.csv", control_csv, None),
    Hostile("control-characters-xlsx", "kontrol.xlsx", control_xlsx, None),
]
