"""Looking at an .xlsx before any parser does, so a hostile file cannot hurt the process.

Measured on this stack: a 1.5 KB workbook with cells only at A1 and XFD1048576 makes
python-calamine allocate 549 GB and abort the whole process (no exception to catch), and
a 307 KB zip bomb expands to 300 MB in every reader. So before parsing: the zip's declared
sizes and compression ratios are checked (a real 100k-row roster compresses about 11:1),
and each worksheet's XML is streamed once to bound the area a reader would allocate.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

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
CHUNK = 4 * 1024**2

_WIDE = re.compile(rb'<c r="([A-Z]{2,3})\d')  # a cell beyond column Z
_ROW = re.compile(rb'<row r="(\d+)"')
# A cell naming a row past Excel's last, anywhere; and the last cell of each chunk (cells
# come in row order). Matching every six-digit cell instead cost seconds on a real
# million-row roster; a six-digit cell hidden mid-chunk still meets the area bound.
_FAR_CELL = re.compile(rb'<c r="[A-Z]{1,3}(\d{7,})"')
_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}(\d+)"')


@dataclass(frozen=True)
class Refusal:
    """Why a workbook is refused, in both languages (``roster`` turns it into an error)."""

    code: str
    problem: tuple[str, str]


def check(path: Path) -> Refusal | None:
    """None if the workbook is safe to hand to a parser."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            refusal = _sizes(entries)
            if refusal:
                return refusal
            for entry in entries:
                if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
                    refusal = _area(archive, entry)
                    if refusal:
                        return refusal
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError):
        return None  # not ours to judge: the reader reports a damaged file in its own words
    return None


def _sizes(entries: list[zipfile.ZipInfo]) -> Refusal | None:
    if len(entries) > MAX_ENTRIES:
        return Refusal(
            "xlsx_too_many_parts",
            (
                f"Workbook berisi {_id(len(entries))} bagian, lebih dari batas {_id(MAX_ENTRIES)}.",
                f"The workbook holds {len(entries):,} parts, more than the {MAX_ENTRIES:,} limit.",
            ),
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
            )
    return None


def _area(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> Refusal | None:
    """Bound the rows x columns a reader would allocate for this sheet, reading it once."""
    max_row, max_col, rows, cells = 0, 26, 0, 0
    tail = b""
    with archive.open(entry) as stream:
        while chunk := stream.read(CHUNK):
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
    if max_row <= MAX_ROWS and area <= MAX_CELLS and not sparse:
        return None
    sheet = entry.filename.rsplit("/", 1)[-1]
    return Refusal(
        "sheet_too_large",
        (
            f"Sheet {sheet} menjangkau sampai baris {_id(max_row)} dan kolom {_id(max_col)} "
            f"({_id(area)} sel) padahal hanya berisi {_id(cells)} sel; pembaca akan menyiapkan "
            f"semua sel itu (batas {_id(MAX_CELLS)}, dan tabel harus terisi). Hapus isi sel "
            "jauh di luar tabel roster.",
            f"Sheet {sheet} reaches row {max_row:,} and column {max_col:,} ({area:,} cells) "
            f"but holds only {cells:,} cells; a reader would allocate all of them (limit "
            f"{MAX_CELLS:,}, and the table must be filled). Clear cells far outside the "
            "roster table.",
        ),
    )


def _id(n: int) -> str:
    """12.345 the Indonesian way."""
    return f"{n:,}".replace(",", ".")


def _column(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number
