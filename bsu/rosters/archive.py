"""Screening a workbook's zip archive (an .xlsx, or an .ods) before any parser opens it:
declared sizes and compression ratios (zip bombs), each part readable as it declares
itself and free of DOCTYPE/ENTITY declarations, and each worksheet's area (the rows x
columns a reader would allocate), streamed once. ``bsu.rosters.preflight`` runs it before
every read.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Literal

from bsu.rosters import odf
from bsu.rosters.refusal import Refusal
from bsu.rosters.sniff import ZIP_MAGIC
from bsu.values.numbers import id_number as _id

MAX_ENTRIES = 10_000
MAX_TOTAL_BYTES = 2 * 1024**3  # declared, uncompressed
MAX_RATIO = 100  # for entries over RATIO_FLOOR bytes
RATIO_FLOOR = 10 * 1024**2
MAX_CELLS = 40_000_000  # rows x columns a reader may densify (1M rows x 40 columns)
# A real roster fills most of its rows; a few rows far below the rest only make a reader
# allocate (and convert) an empty area. Past SPARSE_FLOOR rows, at least one row in
# SPARSE_FACTOR must be there.
SPARSE_FLOOR = 10**4
SPARSE_FACTOR = 8
MAX_ROWS = 1_048_576
# A roster is a few dozen columns wide. Past this, every per-column step of reading costs
# seconds (a 1 MB CSV line of 200,000 fields took 130 s and 1.2 GB to read).
MAX_COLUMNS = 1_024
CHUNK = 4 * 1024**2
# The upload route scans sheets itself up to this size in all (uncompressed, as declared):
# a hostile sheet is small, and this much streams in well under a second. The check before
# reading scans every sheet.
SCREEN_SHEET_BYTES = 16 * 1024**2
# An XML part's DOCTYPE must come before its root element; Excel's preamble is one line.
PROLOG_BYTES = 64 * 1024

_WIDE = re.compile(rb'<c r="([A-Z]{2,3})\d')  # a cell beyond column Z
_ROW = re.compile(rb'<row r="(\d+)"')
# A cell naming a row past Excel's last, anywhere; and the last cell of each chunk (cells
# come in row order). Matching every six-digit cell instead cost seconds on a real
# million-row roster; a six-digit cell hidden mid-chunk still meets the area bound.
_FAR_CELL = re.compile(rb'<c r="[A-Z]{1,3}(\d{7,})"')
_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}(\d+)"')
_SPACE = re.compile(rb"[ \t\r\n]*")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")
_XML_ENCODINGS = {b"utf-8", b"utf8", b"utf-16", b"utf16", b"utf-16le", b"utf-16be"}
_XML_NAMES = (".xml", ".rels", ".vml")

TRUNCATED = Refusal(
    "xlsx_truncated",
    (
        "Berkas ini terpotong atau rusak: daftar isi arsipnya tidak ada di akhir berkas "
        "(biasanya unggahan atau salinan yang tidak selesai).",
        "This file is cut short or damaged: the archive's table of contents is missing from "
        "its end (usually an upload or a copy that did not finish).",
    ),
    (
        "Salin atau unduh ulang berkas aslinya lalu unggah lagi; bila masih gagal, buka di "
        "Excel dan simpan ulang sebagai Excel Workbook (.xlsx).",
        "Copy or download the original again and upload it; if it still fails, open it in "
        "Excel and save it again as an Excel Workbook (.xlsx).",
    ),
)


def check(
    path: Path, sheet_bytes: int | None = None, family: Literal["xlsx", "ods"] = "xlsx"
) -> Refusal | None:
    """None if the archive is safe to hand to a parser. Sheets are scanned up to
    ``sheet_bytes`` in all, as declared (None: every sheet is). ``family``: an .xlsx's
    sheets are its worksheet parts; an .ods's are all in ``content.xml`` (``odf``)."""
    try:
        archive = zipfile.ZipFile(path)
    except OSError:
        return None
    except (zipfile.BadZipFile, EOFError, ValueError, struct.error, NotImplementedError) as exc:
        if not zipfile.is_zipfile(path):
            return TRUNCATED
        return _damaged("(arsip / archive)", str(exc), str(exc))
    try:
        with archive, path.open("rb") as raw:
            entries = archive.infolist()
            refusal = _sizes(entries)
            left = sheet_bytes
            for entry in entries:
                if refusal is not None:
                    return refusal
                sheet = _is_sheet(entry) if family == "xlsx" else entry.filename == "content.xml"
                whole = sheet and (left is None or entry.file_size <= left)
                if whole and left is not None:
                    left -= entry.file_size
                refusal = _entry(raw, entry, whole, _area if family == "xlsx" else _ods_area)
            return refusal
    except OSError:
        return None


class _Broken(Exception):
    """A part cannot be read as it declares itself."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.code)
        self.refusal = refusal


def _sizes(entries: list[zipfile.ZipInfo]) -> Refusal | None:
    if len(entries) > MAX_ENTRIES:
        return Refusal(
            "xlsx_too_many_parts",
            (
                f"Workbook berisi {_id(len(entries))} bagian, lebih dari batas {_id(MAX_ENTRIES)}.",
                f"The workbook holds {len(entries):,} parts, more than the {MAX_ENTRIES:,} limit.",
            ),
            oversize=True,
        )
    total = sum(e.file_size for e in entries)
    if total > MAX_TOTAL_BYTES:
        return Refusal(
            "xlsx_too_large",
            (
                f"Isi workbook sebesar {total / 1024**3:.1f} GB setelah dibuka, lebih dari batas "
                f"{MAX_TOTAL_BYTES / 1024**3:.0f} GB.",
                f"The workbook expands to {total / 1024**3:.1f} GB, more than the "
                f"{MAX_TOTAL_BYTES / 1024**3:.0f} GB limit.",
            ),
            oversize=True,
        )
    for e in entries:
        if e.file_size > RATIO_FLOOR and e.file_size > MAX_RATIO * max(e.compress_size, 1):
            ratio = e.file_size // max(e.compress_size, 1)
            return Refusal(
                "xlsx_zip_bomb",
                (
                    f"Bagian '{e.filename}' memuai {_id(ratio)}:1 saat dibuka; roster sungguhan "
                    "sekitar 11:1. Berkas ini tidak dibuka.",
                    f"Part '{e.filename}' expands {ratio:,}:1; a real roster is about 11:1. The "
                    "file is not opened.",
                ),
                oversize=True,
            )
    return None


def _is_sheet(entry: zipfile.ZipInfo) -> bool:
    return entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml")


def _entry(
    raw: BinaryIO,
    entry: zipfile.ZipInfo,
    whole: bool,
    area: Callable[[str, Iterable[bytes]], Refusal | None],
) -> Refusal | None:
    """One part: readable as declared and no DOCTYPE; ``whole``: a worksheet to read to
    its end, bounding its area."""
    if entry.is_dir():
        return None
    part = entry.filename
    if entry.flag_bits & 0x1:
        return _damaged(part, "terenkripsi", "encrypted")
    if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        method = f"{entry.compress_type}"
        return _damaged(part, f"metode kompresi {method}", f"compression method {method}")
    try:
        chunks = _inflate(raw, entry, CHUNK if whole else PROLOG_BYTES)
        first = next(chunks, b"")
        refusal = _prolog(part, first[:PROLOG_BYTES])
        if refusal is None and whole:
            refusal = area(part, _chain(first, chunks))
        return refusal
    except _Broken as broken:
        return broken.refusal
    except zlib.error as exc:
        return _damaged(part, f"data rusak: {exc}", f"corrupt data: {exc}")


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest


def _inflate(raw: BinaryIO, entry: zipfile.ZipInfo, size: int) -> Iterator[bytes]:
    """A part's bytes, ``size`` at a time, read from the archive itself: never more than
    the central directory declares (a part that holds more is refused, as is one that
    holds less), whatever its local header or CRC say."""
    raw.seek(entry.header_offset)
    local = raw.read(30)
    if len(local) < 30 or not local.startswith(ZIP_MAGIC):
        raise _Broken(_damaged(entry.filename, "tanpa header lokal", "no local header"))
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    raw.seek(entry.header_offset + 30 + name_length + extra_length)
    left, produced = entry.compress_size, 0
    inflater = zlib.decompressobj(-15) if entry.compress_type == zipfile.ZIP_DEFLATED else None
    pending = b""
    while True:
        if not pending and left > 0:
            pending = raw.read(min(left, max(size // 4, 64 * 1024)))
            if not pending:
                raise _Broken(_damaged(entry.filename, "terpotong", "cut short"))
            left -= len(pending)
        if inflater is None:
            chunk, pending = pending, b""
            done = left == 0
        else:
            chunk = inflater.decompress(pending, size)
            pending = inflater.unconsumed_tail
            done = inflater.eof
            if not chunk and not pending and left == 0 and not done:
                raise _Broken(_damaged(entry.filename, "terpotong", "cut short"))
        produced += len(chunk)
        if produced > entry.file_size:
            raise _Broken(_mismatch(entry))
        if chunk:
            yield chunk
        if done:
            break
    if produced != entry.file_size:
        raise _Broken(_mismatch(entry))


def _prolog(part: str, head: bytes) -> Refusal | None:
    """Refuse a part that declares a document type (or an encoding other than UTF-8 or
    UTF-16) before its root element. Reads the markup with UTF-16's and UTF-32's zero
    bytes dropped, so that a part in those encodings is read the same way."""
    text = head.replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xff\xfe")
    at = _skip(text, 0)
    if at == len(text):
        return None
    if not text.startswith(b"<", at):
        # Not XML: a picture, say. A part named as XML must be XML, in an encoding a
        # scanner of bytes can read.
        if part.lower().endswith(_XML_NAMES):
            return _damaged(part, "bukan XML", "not XML")
        return None
    while at < len(text):
        if text.startswith(b"<?", at):
            end = text.find(b"?>", at)
            if end < 0:
                break
            declared = _ENCODING.search(text, at, end)
            if declared and declared.group(1).lower() not in _XML_ENCODINGS:
                encoding = declared.group(1).decode("ascii", "replace")
                return _damaged(part, f"pengodean {encoding}", f"encoding {encoding}")
            at = end + 2
        elif text.startswith(b"<!--", at):
            end = text.find(b"-->", at + 4)
            if end < 0:
                break
            at = end + 3
        elif text.startswith(b"<!", at):
            return _doctype(part)
        else:
            return None  # the root element: no DOCTYPE can follow
        at = _skip(text, at)
    return _doctype(part)  # a preamble this long is no spreadsheet's


def _skip(text: bytes, at: int) -> int:
    """Past the white space at ``at``."""
    space = _SPACE.match(text, at)
    return space.end() if space else at


def _doctype(part: str) -> Refusal:
    return Refusal(
        "xlsx_doctype",
        (
            f"Bagian '{part}' memuat deklarasi DOCTYPE/ENTITY, yang tidak pernah ditulis Excel "
            "dan dapat dipakai untuk menyerang pembaca XML. Berkas ini tidak dibuka.",
            f"Part '{part}' holds a DOCTYPE/ENTITY declaration, which Excel never writes and "
            "which can be used to attack XML readers. The file is not opened.",
        ),
    )


def _damaged(part: str, detail_id: str, detail_en: str) -> Refusal:
    return Refusal(
        "xlsx_damaged",
        (
            f"Bagian '{part}' rusak atau tidak ditulis oleh program spreadsheet ({detail_id}).",
            f"Part '{part}' is damaged or was not written by a spreadsheet program ({detail_en}).",
        ),
    )


def _mismatch(entry: zipfile.ZipInfo) -> Refusal:
    return Refusal(
        "xlsx_size_mismatch",
        (
            f"Isi bagian '{entry.filename}' tidak sesuai dengan ukuran yang dinyatakan arsipnya "
            f"({_id(entry.file_size)} byte): berkas ini diubah atau rusak.",
            f"Part '{entry.filename}' does not hold the {entry.file_size:,} bytes its archive "
            "declares: the file was altered or is damaged.",
        ),
    )


def _area(part: str, chunks: Iterable[bytes]) -> Refusal | None:
    """Bound the rows x columns a reader would allocate for this sheet, reading it once."""
    max_row, max_col, rows, cells = 0, 26, 0, 0
    tail = b""
    for chunk in chunks:
        window = tail + chunk
        # findall and max(map(...)) keep the per-match work in C: a Python loop over
        # every row tag cost more than inflating the sheet.
        wide = _WIDE.findall(window)
        if wide:
            max_col = max(max_col, *map(_column, set(wide)))
        numbered = _ROW.findall(chunk)
        rows += len(numbered)
        far = _FAR_CELL.findall(window)
        last_cell = window.rfind(b'<c r="')
        tail_cell = _CELL_ROW.match(window, last_cell) if last_cell >= 0 else None
        if tail_cell:
            far.append(tail_cell.group(1))
        for found in (numbered, far):
            if found:
                max_row = max(max_row, *map(int, found))
        cells += chunk.count(b"<c ") + chunk.count(b"<c>")
        tail = window[-32:]
    area = max_row * max_col
    sparse = max_row > SPARSE_FLOOR and max_row > SPARSE_FACTOR * max(rows, 1)
    sheet = part.rsplit("/", 1)[-1]
    if max_row > MAX_ROWS or area > MAX_CELLS or sparse:
        return Refusal(
            "sheet_too_large",
            (
                f"Sheet {sheet} menjangkau sampai baris {_id(max_row)} dan kolom "
                f"{_id(max_col)} ({_id(area)} sel) padahal hanya berisi {_id(cells)} sel; "
                f"pembaca akan menyiapkan semua sel itu (batas {_id(MAX_CELLS)}, dan tabel "
                "harus terisi). Hapus isi sel jauh di luar tabel roster.",
                f"Sheet {sheet} reaches row {max_row:,} and column {max_col:,} ({area:,} "
                f"cells) but holds only {cells:,} cells; a reader would allocate all of them "
                f"(limit {MAX_CELLS:,}, and the table must be filled). Clear cells far outside "
                "the roster table.",
            ),
        )
    if max_col > MAX_COLUMNS:
        return Refusal(
            "sheet_too_large",
            (
                f"Sheet {sheet} menjangkau sampai kolom {_id(max_col)}; tabel roster paling "
                f"lebar {_id(MAX_COLUMNS)} kolom. Hapus isi sel jauh di kanan tabel roster.",
                f"Sheet {sheet} reaches column {max_col:,}; a roster table is at most "
                f"{MAX_COLUMNS:,} columns wide. Clear cells far to the right of the roster "
                "table.",
            ),
        )
    return None


def _ods_area(part: str, chunks: Iterable[bytes]) -> Refusal | None:
    """An .ods's ``content.xml``: every sheet's rows and repeated cells (``odf``)."""
    return odf.area(chunks, MAX_CELLS, MAX_COLUMNS, SPARSE_FLOOR, SPARSE_FACTOR)


def _column(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number
