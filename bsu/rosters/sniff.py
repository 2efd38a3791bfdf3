"""What an upload really is, told from its first bytes: empty, an old .xls or a
password-protected workbook (both OLE compound files), a web page or a CSV renamed to
.xlsx, a workbook renamed to .csv. ``bsu.rosters.preflight`` asks before any parser runs.
"""

from __future__ import annotations

import re
from pathlib import Path

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


def ole(path: Path) -> Refusal:
    """An OLE compound file: a workbook encrypted with a password (Office stores it as an
    EncryptedPackage stream), or else an old binary .xls."""
    tail = b""
    with path.open("rb") as fh:
        for _ in range(OLE_SCAN_BYTES // CHUNK):
            chunk = fh.read(CHUNK)
            if not chunk:
                break
            window = tail + chunk
            if any(name in window for name in _ENCRYPTED_STREAMS):
                return Refusal(
                    "xlsx_password_protected",
                    (
                        "Workbook ini dilindungi kata sandi (terenkripsi), jadi isinya tidak "
                        "dapat dibaca.",
                        "This workbook is protected with a password (encrypted), so its "
                        "contents cannot be read.",
                    ),
                    (
                        "Buka di Excel, hapus kata sandinya (File > Info > Proteksi Workbook > "
                        "Enkripsi dengan Kata Sandi, kosongkan), lalu simpan sebagai Excel "
                        "Workbook (.xlsx) tanpa kata sandi.",
                        "Open it in Excel, remove the password (File > Info > Protect Workbook "
                        "> Encrypt with Password, clear it), and save it as an Excel Workbook "
                        "(.xlsx) without a password.",
                    ),
                )
            tail = window[-64:]
    return Refusal(
        "xlsx_old_format",
        (
            "Berkas ini berformat Excel lama (.xls, Excel 97-2003), walau namanya berakhiran "
            ".xlsx.",
            "This file is in the old Excel format (.xls, Excel 97-2003), although its name "
            "ends in .xlsx.",
        ),
        (
            "Buka di Excel lalu pilih Simpan Sebagai > Excel Workbook (.xlsx), atau simpan "
            "sebagai CSV.",
            "Open it in Excel and choose Save As > Excel Workbook (.xlsx), or save it as CSV.",
        ),
    )


def not_a_zip(head: bytes) -> Refusal:
    text = _text(head)
    if text is not None and (text.startswith(b"<") or _MARKUP.search(text[:4096])):
        return Refusal(
            "xlsx_is_html",
            (
                "Berkas ini halaman web (HTML) atau XML yang diberi nama .xlsx, bukan workbook "
                "Excel; sistem lain sering mengekspor 'Excel' seperti ini.",
                "This file is a web page (HTML) or XML named .xlsx, not an Excel workbook; "
                "other systems often export 'Excel' this way.",
            ),
            (
                "Buka di Excel lalu simpan sebagai Excel Workbook (.xlsx) atau CSV.",
                "Open it in Excel and save it as an Excel Workbook (.xlsx) or as CSV.",
            ),
        )
    if text is not None:
        return Refusal(
            "xlsx_is_text",
            (
                "Berkas ini berisi teks (seperti CSV), bukan workbook Excel, walau namanya "
                "berakhiran .xlsx.",
                "This file holds text (like a CSV), not an Excel workbook, although its name "
                "ends in .xlsx.",
            ),
            (
                "Ganti ekstensinya menjadi .csv lalu unggah lagi, atau buka di Excel dan "
                "simpan sebagai Excel Workbook (.xlsx).",
                "Rename it to .csv and upload it again, or open it in Excel and save it as an "
                "Excel Workbook (.xlsx).",
            ),
        )
    return Refusal(
        "xlsx_invalid",
        (
            "Berkas ini bukan workbook Excel (.xlsx) yang sah, atau rusak.",
            "This file is not a valid Excel workbook (.xlsx), or it is damaged.",
        ),
        (
            "Buka di Excel dan simpan ulang sebagai Excel Workbook (.xlsx), atau simpan "
            "sebagai CSV.",
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
