"""Screening an OLE compound file (an old .xls, a Word .doc, or an Office file encrypted
with a password) before any parser opens it: the header sane (its sector size, and a
sector table that fits in the file), what its streams say it is, and for an .xls its
workbook stream: not encrypted (a FILEPASS record) and each sheet's cells within reach.

Measured on this stack (python-calamine 0.9.1): a 5.6 KB .xls with cells only at A1 and
IV65536 (the format's last row and column) makes calamine build 65,536 x 256 cells,
1.2 GB resident, for one worker. The format itself stops there (rows and columns are
16-bit), so the bound is the same sparse rule as a zip workbook's: a sheet reaching far
below the cells it holds is refused. The cells are found by walking the sheet's records
(each is a type and a length, so the walk is exact); the file is memory-mapped, not read.
"""

from __future__ import annotations

import mmap
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bsu.core.words import both
from bsu.rosters.refusal import Refusal

MAX_BYTES = 256 * 1024**2  # an .xls is at most 65,536 rows of a sheet; real ones are small
MAX_SHEETS = 256
SPARSE_FLOOR = 10**4
SPARSE_FACTOR = 8
MAX_COLUMNS = 256  # BIFF8's own last column: a record past it is no Excel's

_END = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_ENCRYPTED = ("EncryptedPackage", "EncryptionInfo")

# BIFF8 record types.
_BOF, _EOF, _FILEPASS, _BOUNDSHEET = 0x0809, 0x000A, 0x002F, 0x0085
_ROW = 0x0208
_MULRK, _MULBLANK = 0x00BD, 0x00BE
# Records holding one cell: row (u16) then column (u16) first.
_CELLS = frozenset({0x0006, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6, 0x0207})


PROTECTED = Refusal(
    "xlsx_password_protected",
    (
        "Workbook ini dilindungi kata sandi (terenkripsi), jadi isinya tidak dapat dibaca.",
        "This workbook is protected with a password (encrypted), so its contents cannot be read.",
    ),
    (
        "Buka di Excel, hapus kata sandinya (File > Info > Proteksi Workbook > Enkripsi "
        "dengan Kata Sandi, kosongkan), lalu simpan sebagai Excel Workbook (.xlsx) tanpa kata "
        "sandi.",
        "Open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt "
        "with Password, clear it), and save it as an Excel Workbook (.xlsx) without a "
        "password.",
    ),
)


class Damaged(Exception):
    """The compound file does not hold together (its header or tables point outside it)."""


@dataclass(frozen=True)
class Compound:
    """The streams of a compound file, by name, as (first sector, size)."""

    data: mmap.mmap | bytes
    sector: int
    fat: tuple[int, ...]
    minifat: tuple[int, ...]
    mini_start: int
    mini_size: int
    cutoff: int
    streams: dict[str, tuple[int, int]]

    def read(self, name: str) -> bytes:
        start, size = self.streams[name]
        if size >= self.cutoff:
            return self._chain(start, self.fat, self.sector, self._sector_at, size)
        mini = self._chain(self.mini_start, self.fat, self.sector, self._sector_at, self.mini_size)
        return self._chain(start, self.minifat, 64, lambda s: s * 64, size, mini)

    def _sector_at(self, number: int) -> int:
        return (number + 1) * self.sector

    def _chain(
        self,
        start: int,
        table: tuple[int, ...],
        size: int,
        offset: object,
        want: int,
        source: bytes | None = None,
    ) -> bytes:
        data = self.data if source is None else source
        parts: list[bytes] = []
        got = 0
        for number in _walk(start, table):
            at = offset(number)  # type: ignore[operator]
            parts.append(bytes(data[at : at + size]))
            got += size
            if got >= want:
                break
        whole = b"".join(parts)
        if len(whole) < want:
            raise Damaged("stream cut short")
        return whole[:want]


def _walk(start: int, table: tuple[int, ...]) -> Iterator[int]:
    seen = 0
    number = start
    while number not in (_END, _FREE):
        if number >= len(table) or seen > len(table):
            raise Damaged("sector chain out of the file or in a loop")
        yield number
        seen += 1
        number = table[number]


def _u32s(raw: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(raw) // 4}I", raw[: len(raw) // 4 * 4])


def open_compound(data: mmap.mmap | bytes) -> Compound:
    """The compound file's tables and streams; raises ``Damaged``."""
    if len(data) < 512:
        raise Damaged("shorter than its header")
    major, order, shift, mini_shift = struct.unpack_from("<HHHH", data, 0x1A)
    if order != 0xFFFE or (major, shift) not in ((3, 9), (4, 12)) or mini_shift != 6:
        raise Damaged("header names no known version")
    sector = 1 << shift
    n_fat, dir_start, _, cutoff, minifat_start, n_minifat, difat_start, n_difat = (
        struct.unpack_from("<IIIIIIII", data, 0x2C)
    )
    sectors = max((len(data) - sector) // sector, 0)
    if cutoff != 4096 or not 0 < n_fat <= sectors or n_difat > sectors or n_minifat > sectors:
        raise Damaged("sector counts do not fit the file")
    per = sector // 4
    difat = list(_u32s(bytes(data[0x4C:0x200])))
    number, hops = difat_start, 0
    while number not in (_END, _FREE) and hops < n_difat:
        if number >= sectors:
            raise Damaged("DIFAT outside the file")
        at = (number + 1) * sector
        entries = _u32s(bytes(data[at : at + sector]))
        difat.extend(entries[: per - 1])
        number, hops = entries[per - 1], hops + 1
    fat_sectors = [s for s in difat if s not in (_END, _FREE)][:n_fat]
    if len(fat_sectors) < n_fat or any(s >= sectors for s in fat_sectors):
        raise Damaged("FAT outside the file")
    fat = _u32s(b"".join(bytes(data[(s + 1) * sector : (s + 2) * sector]) for s in fat_sectors))
    fat = fat[:sectors]
    directory = b"".join(
        bytes(data[(s + 1) * sector : (s + 2) * sector]) for s in _walk(dir_start, fat)
    )
    minifat = _u32s(
        b"".join(
            bytes(data[(s + 1) * sector : (s + 2) * sector]) for s in _walk(minifat_start, fat)
        )
        if n_minifat
        else b""
    )
    streams: dict[str, tuple[int, int]] = {}
    mini_start, mini_size = _END, 0
    for at in range(0, len(directory) - 127, 128):
        length, kind = struct.unpack_from("<HB", directory, at + 64)
        if kind not in (1, 2, 5) or not 2 <= length <= 64:
            continue
        name = directory[at : at + length - 2].decode("utf-16-le", "replace")
        start, size = struct.unpack_from("<II", directory, at + 116)
        if kind == 5:
            mini_start, mini_size = start, size
        elif kind == 2:
            streams[name] = (start, size)
    return Compound(data, sector, fat, minifat, mini_start, mini_size, cutoff, streams)


def check(path: Path, scan_bytes: int | None = None) -> Refusal | None:
    """None if the compound file, an .xls (``what`` says so), is safe to hand to a
    parser; else why not."""
    try:
        with path.open("rb") as fh:
            size = fh.seek(0, 2)
            if size > MAX_BYTES:
                return Refusal(
                    "xls_too_large",
                    both("format_xls_too_large", size=size // 1024**2, limit=MAX_BYTES // 1024**2),
                    oversize=True,
                )
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return _check(data, scan_bytes)
    except OSError:
        return None  # unreadable: the reader says why


def what(path: Path) -> str:
    """What a compound file holds: "encrypted", "xls", "doc" or "ole" (else); "ole" too
    when it cannot be told."""
    try:
        with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return _what(open_compound(data))
    except (OSError, ValueError, Damaged, struct.error):
        return "ole"


def _what(book: Compound) -> str:
    if any(name in book.streams for name in _ENCRYPTED):
        return "encrypted"
    if "Workbook" in book.streams or "Book" in book.streams:
        return "xls"
    if "WordDocument" in book.streams:
        return "doc"
    return "ole"


def _check(data: mmap.mmap, scan_bytes: int | None) -> Refusal | None:
    try:
        book = open_compound(data)
        name = next((n for n in ("Workbook", "Book") if n in book.streams), None)
        if name is None:
            raise Damaged("no workbook stream")
        stream = book.read(name)
    except (Damaged, struct.error, ValueError) as exc:
        return Refusal("xls_damaged", both("format_xls_damaged", detail=str(exc)))
    return _workbook(stream, scan_bytes)


def _records(stream: bytes, at: int, end: int) -> Iterator[tuple[int, int, int]]:
    """(type, offset of the body, length) of each record from ``at`` to the substream's
    EOF or ``end``."""
    while at + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, at)
        yield kind, at + 4, length
        if kind == _EOF:
            return
        at += 4 + length


def _workbook(stream: bytes, scan_bytes: int | None) -> Refusal | None:
    end = len(stream) if scan_bytes is None else min(len(stream), scan_bytes)
    sheets: list[tuple[int, str]] = []
    for kind, body, length in _records(stream, 0, end):
        if kind == _FILEPASS:
            return PROTECTED
        if kind == _BOUNDSHEET and length >= 8:
            sheets.append((struct.unpack_from("<I", stream, body)[0], f"{len(sheets) + 1}"))
    if len(sheets) > MAX_SHEETS:
        return Refusal("xls_damaged", both("format_xls_damaged", detail=f"{len(sheets)} sheets"))
    for offset, number in sheets:
        if offset >= end:
            continue
        refusal = _sheet(stream, offset, end, number)
        if refusal is not None:
            return refusal
    return None


def _sheet(stream: bytes, offset: int, end: int, number: str) -> Refusal | None:
    """Bound the rows x columns calamine would build for one sheet from its cell records."""
    max_row, max_col, rows, cells = 0, 0, 0, 0
    unpack = struct.unpack_from
    for kind, body, length in _records(stream, offset, end):
        if kind in _CELLS and length >= 4:
            row, col = unpack("<HH", stream, body)
        elif kind in (_MULRK, _MULBLANK) and length >= 6:
            row, _ = unpack("<HH", stream, body)
            col = unpack("<H", stream, body + length - 2)[0]
        else:
            if kind == _ROW:
                rows += 1
            continue
        cells += 1
        max_row = max(max_row, row + 1)
        max_col = max(max_col, col + 1)
    present = max(rows, cells // max(max_col, 1), 1)
    if max_col > MAX_COLUMNS or (max_row > SPARSE_FLOOR and max_row > SPARSE_FACTOR * present):
        return Refusal(
            "sheet_too_large",
            both(
                "format_xls_sheet_too_large",
                sheet=number,
                rows=max_row,
                columns=max_col,
                cells=cells,
            ),
        )
    return None
