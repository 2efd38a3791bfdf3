"""What an upload really is, told from its first bytes (and, for a zip or an OLE compound
file, from the names inside it): an .xlsx, .xlsb or .ods workbook, a Word document, an
old .xls or a password-protected workbook, a PDF, a web page or a CSV; and, when that is
not what its name says, a message naming what it really is and how to fix it.
``bsu.rosters.preflight`` asks before any parser runs.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from bsu.core.words import both, say
from bsu.rosters import ole as compound
from bsu.rosters.kinds import WORKBOOKS, listed, suffixes
from bsu.rosters.ole import PROTECTED
from bsu.rosters.refusal import Refusal

# How far into an OLE compound file to look for the streams of an encrypted workbook.
OLE_SCAN_BYTES = 64 * 1024**2
CHUNK = 4 * 1024**2

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_ENCRYPTED_STREAMS = tuple(
    name.encode("utf-16-le") for name in ("EncryptedPackage", "EncryptionInfo")
)
_MARKUP = re.compile(rb"<\s*(html|head|body|table|meta|!doctype\s+html)\b", re.IGNORECASE)


EMPTY = Refusal(
    "file_empty",
    ("Berkas kosong (0 byte).", "The file is empty (0 bytes)."),
    ("Unggah roster yang berisi data pekerja.", "Upload a roster holding worker rows."),
)


def first_bytes(path: Path) -> bytes | None:
    """The file's first 8 KB; None if it cannot be opened (the reader says why)."""
    try:
        with path.open("rb") as fh:
            return fh.read(8192)
    except OSError:
        return None


# What a file may really be, and whether bsu reads it under its right name.
READABLE = {"xlsx": ".xlsx", "xls": ".xls", "ods": ".ods", "text": ".csv"}


def ole(path: Path, suffix: str = ".xlsx") -> Refusal:
    """An OLE compound file named as a zip workbook (or a .csv): a workbook encrypted with
    a password (Office stores it as an EncryptedPackage stream), an old binary .xls, or a
    Word .doc."""
    kind = ole_kind(path)
    return mismatch(kind, suffix)


def ole_kind(path: Path) -> str:
    """ "encrypted", "xls", "doc" or "ole": from the compound file's directory, or, when
    that cannot be read, from the encrypted streams' names anywhere in its first bytes."""
    kind = compound.what(path)
    if kind != "ole":
        return kind
    tail = b""
    with path.open("rb") as fh:
        for _ in range(OLE_SCAN_BYTES // CHUNK):
            chunk = fh.read(CHUNK)
            if not chunk:
                break
            window = tail + chunk
            if any(name in window for name in _ENCRYPTED_STREAMS):
                return "encrypted"
            tail = window[-64:]
    return "xls"  # what an OLE file offered as a roster nearly always is


def zip_kind(path: Path, head: bytes) -> str:
    """What a zip holds: "xlsx", "xlsb", "ods", "docx", "odt", "pptx", or "zip" (not told:
    cut short, or another zip)."""
    if head[30:38] == b"mimetype":
        mime = head[38:120]
        if mime.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            return "ods"
        if mime.startswith(b"application/vnd.oasis.opendocument.text"):
            return "odt"
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist()[:MAX_NAMES])
    except (OSError, zipfile.BadZipFile, EOFError, ValueError, NotImplementedError):
        names = set()
    for marker, kind in _ZIP_MARKERS:
        if marker in names or (not names and marker.encode() in head):
            return kind
    return "zip"


_ZIP_MARKERS = (
    ("xl/workbook.xml", "xlsx"),
    ("xl/workbook.bin", "xlsb"),
    ("word/document.xml", "docx"),
    ("ppt/presentation.xml", "pptx"),
    ("content.xml", "ods"),
)
MAX_NAMES = 10_000


def head_kind(head: bytes) -> str:
    """What a file that is neither a zip nor an OLE file is: "pdf", "html", "text" or
    "binary"."""
    if head.startswith(b"%PDF"):
        return "pdf"
    text = _text(head)
    if text is None:
        return "binary"
    if text.startswith(b"<") or _MARKUP.search(text[:4096]):
        return "html"
    return "text"


def mismatch(kind: str, suffix: str) -> Refusal:
    """A file named ``suffix`` that is really ``kind``: what it is and how to fix it, in
    the codes bsu has always used for the common cases."""
    if kind == "encrypted":
        return PROTECTED
    code = _CODES.get((kind, suffix), f"file_is_{kind}")
    if kind == "html":
        fix = both("format_fix_html")
    elif kind in READABLE and READABLE[kind] != suffix:
        fix = both("format_fix_rename", right=READABLE[kind])
    elif kind == "xlsb":
        fix = both("format_fix_xlsb")
    else:
        fix = both("format_fix_not_roster", formats=listed(suffixes(*WORKBOOKS, "csv")))
    problem = tuple(
        say(
            "format_really",
            lang,
            what=say(f"format_what_{kind}", lang),
            expected=say(f"format_what_{_EXPECTED.get(suffix, 'xlsx')}", lang),
            suffix=suffix,
        )
        for lang in ("id", "en")
    )
    return Refusal(code, (problem[0], problem[1]), fix)


_EXPECTED = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods", ".csv": "text"}
_CODES = {
    ("xls", ".xlsx"): "xlsx_old_format",
    ("xls", ".xlsm"): "xlsx_old_format",
    ("html", ".xlsx"): "xlsx_is_html",
    ("html", ".xlsm"): "xlsx_is_html",
    ("text", ".xlsx"): "xlsx_is_text",
    ("text", ".xlsm"): "xlsx_is_text",
    ("binary", ".xlsx"): "xlsx_invalid",
    ("binary", ".xlsm"): "xlsx_invalid",
}


def not_a_zip(head: bytes, suffix: str = ".xlsx") -> Refusal:
    """A file named as a workbook that is no zip and no OLE file: a PDF, a web page (other
    systems often export "Excel" as HTML), a CSV, or something else."""
    kind = head_kind(head)
    if kind == "binary" and suffix in (".xlsx", ".xlsm"):
        return INVALID
    return mismatch(kind, suffix)


INVALID = Refusal(
    "xlsx_invalid",
    (
        "Berkas ini bukan workbook Excel (.xlsx) yang sah, atau rusak.",
        "This file is not a valid Excel workbook (.xlsx), or it is damaged.",
    ),
    (
        "Buka di Excel dan simpan ulang sebagai Excel Workbook (.xlsx), atau simpan sebagai CSV.",
        "Open it in Excel and save it again as an Excel Workbook (.xlsx), or as CSV.",
    ),
)


def _text(head: bytes) -> bytes | None:
    """The head as ASCII-ish bytes if the file is text (UTF-16 with its zero bytes
    dropped), None if it is binary."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head[2:].replace(b"\x00", b"")
    elif b"\x00" in head:
        return None
    head = head.removeprefix(b"\xef\xbb\xbf")
    controls = sum(head.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13))
    if controls * 100 > len(head):
        return None
    return head.lstrip()


def workbook_named_csv(head: bytes) -> Refusal:
    """A .csv whose bytes are a workbook's (zip: .xlsx; OLE: .xls or password-protected)."""
    old = head.startswith(OLE_MAGIC)
    return Refusal(
        "csv_is_workbook",
        (
            "Berkas ini berkas Excel lama (.xls) atau workbook berkata sandi, bukan CSV, "
            "walau namanya berakhiran .csv."
            if old
            else "Berkas ini workbook Excel (.xlsx), bukan CSV, walau namanya berakhiran .csv.",
            "This file is an old Excel file (.xls) or a password-protected workbook, not a "
            "CSV, although its name ends in .csv."
            if old
            else "This file is an Excel workbook (.xlsx), not a CSV, although its name ends "
            "in .csv.",
        ),
        (
            "Buka di Excel lalu simpan sebagai CSV, atau sebagai Excel Workbook (.xlsx) "
            "tanpa kata sandi."
            if old
            else "Ganti ekstensinya menjadi .xlsx lalu unggah lagi, atau simpan sebagai CSV.",
            "Open it in Excel and save it as CSV, or as an Excel Workbook (.xlsx) without a "
            "password."
            if old
            else "Rename it to .xlsx and upload it again, or save it as CSV.",
        ),
    )
