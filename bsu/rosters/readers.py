"""Reading rosters as employers really write them: .xlsx/.xlsm and .csv.

Finds the header row under any title rows, maps headers onto the canonical fields
(``columns``), keeps every column (known or not) for the outputs, and numbers rows as the
spreadsheet shows them. Knows nothing of the rules. Every failure a user can cause is a
``RosterError`` saying what, where and how to fix it: whatever a parser raises (calamine,
zipfile, pyarrow, csv, a codec) is translated here, except ``MemoryError``, which is the
reading process's to handle (``sandbox`` reads uploads in a child with a memory limit).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from bsu.core import records
from bsu.errors import RosterError, Where
from bsu.rosters import preflight
from bsu.rosters.headers import field_for
from bsu.values.numbers import id_number
from bsu.values.text import distinct

HEADER_SEARCH_ROWS = 30
XLSX_SUFFIXES = preflight.XLSX_SUFFIXES
PARQUET_SUFFIXES = (".parquet",)
CSV_SUFFIXES = preflight.CSV_SUFFIXES
# csv.Sniffer is quadratic on some lines (64 KB of ',"a' took 25 s): it sees this much.
SNIFF_CHARS = 8192


@dataclass(frozen=True)
class SheetRead:
    """What was read from one sheet: where its header was and which columns matched."""

    source: str
    sheet: str | None
    header_row: int
    rows: int
    matched: dict[str, str]  # canonical field -> header as written


@dataclass
class Roster:
    """Canonical records plus every original column, aligned row for row."""

    records: pd.DataFrame
    original: pd.DataFrame
    sheets: list[SheetRead] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.records)


def read(path: Path, name: str | None = None) -> Roster:
    """Read one roster file; ``name`` is how the file is named in results and messages."""
    name = name or path.name
    where = Where(name)
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError as exc:
        raise RosterError(
            "file_not_found",
            where,
            ("Berkas tidak ditemukan.", "The file does not exist."),
            ("Periksa nama dan folder berkas.", "Check the file name and folder."),
        ) from exc
    except OSError as exc:
        raise RosterError(
            "file_unreadable",
            where,
            (
                f"Berkas tidak dapat dibuka ({exc.strerror}).",
                f"The file cannot be opened ({exc.strerror}).",
            ),
            ("Periksa izin akses berkas.", "Check the file's permissions."),
        ) from exc
    if not head:
        raise RosterError(
            "file_empty",
            where,
            ("Berkas kosong (0 byte).", "The file is empty (0 bytes)."),
            ("Unggah roster yang berisi data pekerja.", "Upload a roster holding worker rows."),
        )
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path, name)
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, name)
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(path, name)
    raise RosterError(
        "file_type_unsupported",
        where,
        (
            f"Jenis berkas '{suffix or '(tanpa ekstensi)'}' tidak didukung.",
            f"File type '{suffix or '(no extension)'}' is not supported.",
        ),
        (
            "Simpan roster sebagai Excel Workbook (.xlsx) atau CSV (.csv), lalu coba lagi.",
            "Save the roster as an Excel Workbook (.xlsx) or CSV (.csv) and try again.",
        ),
    )


def combine(rosters: Iterable[Roster]) -> Roster:
    """Several rosters as one table; rows keep their file and sheet."""
    parts = list(rosters)
    recs = pd.concat([r.records for r in parts], ignore_index=True)
    original = pd.concat([r.original for r in parts], ignore_index=True)
    return Roster(records=recs, original=original, sheets=[s for r in parts for s in r.sheets])


# --- xlsx --------------------------------------------------------------------------------


def _read_xlsx(path: Path, name: str) -> Roster:
    from python_calamine import CalamineWorkbook

    where = Where(name)
    # What the file really is (not a workbook, cut short, protected, hostile), before
    # calamine, which aborts the process on some of them.
    refusal = preflight.check_xlsx(path)
    if refusal is not None:
        raise refusal.error(name)
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = [
            (meta.name, book.get_sheet_by_name(meta.name))
            for meta in book.sheets_metadata
            if str(meta.typ).endswith("WorkSheet") and str(meta.visible).endswith("Visible")
        ]
        grids = [
            (title, sheet.start, sheet.to_python(skip_empty_area=True)) for title, sheet in sheets
        ]
    except MemoryError:
        raise
    except Exception as exc:  # calamine raises many unrelated types; all mean "unreadable"
        raise RosterError(
            "xlsx_unreadable",
            where,
            (
                f"Workbook tidak dapat dibaca ({type(exc).__name__}).",
                f"The workbook cannot be read ({type(exc).__name__}).",
            ),
            (
                "Buka di Excel dan simpan ulang sebagai Excel Workbook (.xlsx).",
                "Open it in Excel and save it again as an Excel Workbook (.xlsx).",
            ),
        ) from exc
    parts: list[Roster] = []
    for title, start, grid in grids:
        first_row = (start[0] + 1) if start else 1
        first_col = start[1] if start else 0
        part = _from_grid(grid, name, title, first_row, first_col)
        if part is not None:
            parts.append(part)
    if not parts:
        filled = [title for title, _, grid in grids if grid]
        if not filled:
            raise _empty(Where(name, grids[0][0] if grids else None))
        raise _no_nik(Where(name, filled[0]))
    return combine(parts)


# --- csv ---------------------------------------------------------------------------------


def _read_csv(path: Path, name: str) -> Roster:
    refusal = preflight.check_csv(path)
    if refusal is not None:
        raise refusal.error(name)
    try:
        raw = _utf8(path.read_bytes(), name)
    except OSError as exc:
        raise RosterError(
            "file_unreadable",
            Where(name),
            (
                f"Berkas tidak dapat dibaca ({exc.strerror or exc}).",
                f"The file cannot be read ({exc.strerror or exc}).",
            ),
            ("Periksa izin akses berkas.", "Check the file's permissions."),
        ) from exc
    fast = _parse_csv_arrow(raw)
    if fast is not None:
        part = _from_frame(fast, name, None, 1, 0)
        if part is not None:
            return part
    text = _decode(raw, name)
    lines = text.splitlines()[:50]
    delimiter = _delimiter(lines)
    try:
        width = max((len(r) for r in csv.reader(lines, delimiter=delimiter)), default=0)
    except csv.Error as exc:
        raise _malformed(Where(name), exc) from exc
    if width == 0:
        raise _empty(Where(name))
    try:
        try:
            grid = _parse_csv(text, delimiter, _narrow(width, name))
        except pd.errors.ParserError:
            # A longer line further down: size the table from every line, then read again.
            rows = csv.reader(io.StringIO(text), delimiter=delimiter)
            grid = _parse_csv(text, delimiter, _narrow(max(len(r) for r in rows), name))
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        raise _malformed(Where(name), exc) from exc
    part = _from_frame(grid, name, None, 1, 0)
    if part is None:
        raise _no_nik(Where(name))
    return part


def _narrow(width: int, name: str) -> int:
    """The table's width, refused past ``preflight.MAX_COLUMNS``."""
    if width <= preflight.MAX_COLUMNS:
        return width
    raise RosterError(
        "csv_too_many_columns",
        Where(name),
        (
            f"Sebuah baris berisi {id_number(width)} kolom; tabel roster paling lebar "
            f"{id_number(preflight.MAX_COLUMNS)} kolom.",
            f"A line holds {width:,} fields; a roster table is at most "
            f"{preflight.MAX_COLUMNS:,} columns wide.",
        ),
        (
            "Periksa pemisah kolomnya (koma atau titik koma) dan tanda kutip yang tidak "
            "berpasangan, lalu simpan ulang sebagai CSV.",
            "Check the delimiter (comma or semicolon) and any unpaired quotes, then save the "
            "file as CSV again.",
        ),
    )


def _malformed(where: Where, exc: Exception) -> RosterError:
    return RosterError(
        "csv_malformed",
        where,
        (f"CSV tidak dapat dibaca: {exc}.", f"The CSV cannot be read: {exc}."),
        (
            "Pastikan setiap baris memakai pemisah yang sama (koma atau titik koma) dan "
            "tanda kutip berpasangan.",
            "Make sure every line uses the same delimiter (comma or semicolon) and that "
            "quotes are paired.",
        ),
    )


def _parse_csv_arrow(raw: bytes) -> pd.DataFrame | None:
    """The common case, read by Arrow's multi-threaded parser straight from the bytes:
    UTF-8, one delimiter, every line as wide as the first. Anything else (title lines
    above the header, ragged lines, other encodings) returns None for the careful path."""
    from pyarrow import csv as pacsv

    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    try:
        head = body[: 64 * 1024].decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        if len(body) <= 64 * 1024:
            return None
        head = body[: 64 * 1024].decode("utf-8", errors="ignore")
    lines = head.splitlines()[:50]
    delimiter = _delimiter(lines)
    try:
        width = max((len(r) for r in csv.reader(lines[:1], delimiter=delimiter)), default=0)
    except csv.Error:
        return None  # the careful path says what is wrong
    if not 2 <= width <= preflight.MAX_COLUMNS:
        return None
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, encoding="utf8"),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False
            ),
            # Every column as text, as the careful path reads them: no number guessing,
            # no "NA" turned into a missing value, leading zeros kept.
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
    except MemoryError:
        raise
    except (pa.ArrowException, UnicodeDecodeError):
        return None
    if table.num_columns != width:
        return None
    frame: pd.DataFrame = table.to_pandas(types_mapper=_ARROW_TEXT.get)
    return frame.set_axis(range(width), axis=1)


_ARROW_TEXT = {pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}


def _parse_csv(text: str, delimiter: str, width: int) -> pd.DataFrame:
    return pd.read_csv(
        io.StringIO(text),
        sep=delimiter,
        header=None,
        names=range(width),
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
        engine="c",
    )


def _read_parquet(path: Path, name: str) -> Roster:
    """Parquet (registry extracts): one table, its columns the header row."""
    try:
        table = pd.read_parquet(path)
    except MemoryError:
        raise
    except Exception as exc:  # pyarrow raises many types; all mean "unreadable"
        raise RosterError(
            "parquet_unreadable",
            Where(name),
            (
                f"Berkas Parquet tidak dapat dibaca ({type(exc).__name__}).",
                f"The Parquet file cannot be read ({type(exc).__name__}).",
            ),
            (
                "Ekspor ulang datanya sebagai Parquet, CSV atau .xlsx.",
                "Export the data again as Parquet, CSV or .xlsx.",
            ),
        ) from exc
    header = [str(c) for c in table.columns]
    part = _from_frame(table.set_axis(range(len(header)), axis=1), name, None, 1, 0, header)
    if part is None:
        raise _no_nik(Where(name))
    return part


_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH = bytes(range(0x80, 0x100))
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _utf8(raw: bytes, name: str) -> bytes:
    """The file as UTF-8 bytes. Excel's "Unicode Text" and some exports are UTF-16 (with a
    byte order mark, or without one: every other byte zero); read as UTF-8 or Windows-1252
    they would become text with a zero byte after every letter."""
    encoding = next((enc for bom, enc in _BOMS if raw.startswith(bom)), None)
    if encoding is None:
        sample = raw[:4096]
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if len(sample) >= 8 and min(even, odd) * 8 < max(even, odd) > len(sample) // 8:
            encoding = "utf-16-be" if even > odd else "utf-16-le"
    if encoding is None:
        return raw
    try:
        return raw.decode(encoding).encode("utf-8", "surrogatepass")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].decode(encoding, "replace").count("\n") + 1
        raise _encoding(Where(name), encoding.upper(), line) from exc


def _decode(raw: bytes, name: str) -> str:
    """UTF-8, else Windows-1252 (what Excel writes for "CSV" on Windows). A file that is
    mostly UTF-8 but not all of it (two exports pasted together) is refused, not read as
    Windows-1252: that would turn every accented letter into two wrong ones."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        high = len(raw) - len(raw.translate(None, _HIGH))
        utf8 = sum(map(len, _UTF8_SEQUENCE.findall(raw)))
        if utf8 * 2 > high:
            raise _encoding(Where(name), "UTF-8", raw[: exc.start].count(b"\n") + 1) from exc
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _encoding(where: Where, encoding: str, line: int) -> RosterError:
    return RosterError(
        "csv_encoding",
        where,
        (
            f"Baris {line} tidak dapat dibaca sebagai {encoding}, padahal bagian lain berkas "
            "ini memakai pengodean itu; berkas ini mencampur pengodean teks.",
            f"Line {line} cannot be read as {encoding}, although the rest of the file uses "
            "that encoding; the file mixes text encodings.",
        ),
        (
            "Buka di Excel lalu simpan sebagai 'CSV UTF-8 (Comma delimited)', atau sebagai "
            "Excel Workbook (.xlsx).",
            "Open it in Excel and save it as 'CSV UTF-8 (Comma delimited)', or as an Excel "
            "Workbook (.xlsx).",
        ),
    )


def _delimiter(lines: list[str]) -> str:
    sample = "\n".join(lines)
    if len(sample) > SNIFF_CHARS:
        cut = sample.rfind("\n", 0, SNIFF_CHARS)
        sample = sample[: cut if cut > 0 else SNIFF_CHARS]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in (";", ",", "\t")}
        return max(counts, key=lambda d: counts[d])


# --- shared ------------------------------------------------------------------------------


def _from_grid(
    grid: list[list[Any]], source: str, sheet: str | None, first_row: int, first_col: int
) -> Roster | None:
    """Turn a sheet's cells into a roster, or None if no header row names a NIK column."""
    width = max((len(row) for row in grid), default=0)
    frame = pd.DataFrame(grid, dtype=object).reindex(columns=range(width))
    return _from_frame(frame, source, sheet, first_row, first_col)


def _from_frame(
    frame: pd.DataFrame,
    source: str,
    sheet: str | None,
    first_row: int,
    first_col: int,
    header: list[Any] | None = None,
) -> Roster | None:
    """Turn a table of cells (columns 0..n) into a roster, or None if no header row names
    a NIK column. ``header``, when given, is the header row above the table (a Parquet
    file's column names); otherwise it is searched for in the table's first rows. Works
    column by column: a million rows never become a million Python lists."""
    if header is not None:
        found = _find_header([header])
        at, body_start = -1, first_row + 1
        body = frame
    else:
        top = frame.iloc[:HEADER_SEARCH_ROWS].astype(object)
        found = _find_header(top.where(top.notna(), None).to_numpy().tolist())
        at = found[0] if found is not None else 0
        body_start = first_row + at + 1
        body = frame.iloc[at + 1 :]
    if found is None:
        return None
    _, mapping, cells = found
    cells = cells + [None] * (frame.shape[1] - len(cells))
    headers = _unique_headers(cells, first_col)
    body = body.set_axis(pd.RangeIndex(body_start, body_start + len(body)), axis=0)
    blank = pd.Series(True, index=body.index)
    for position in range(body.shape[1]):
        values = body.iloc[:, position]
        blank &= values.isna() | values.eq("")
    body = body[~blank.to_numpy()]
    header_row = body_start - 1
    where = Where(source, sheet, header_row)
    if body.empty:
        raise RosterError(
            "roster_no_rows",
            where,
            (
                "Baris judul kolom ditemukan, tetapi tidak ada baris pekerja di bawahnya.",
                "The header row was found, but there are no worker rows below it.",
            ),
            (
                "Isi data pekerja di bawah baris judul kolom.",
                "Fill in the workers below the header row.",
            ),
        )
    recs = pd.DataFrame(index=body.index)
    recs[records.SOURCE] = source
    recs[records.SHEET] = sheet
    recs[records.ROW] = body.index.to_numpy()
    for canonical, column in mapping.items():
        recs[canonical] = body[column]
    recs = records.conform(recs).reset_index(drop=True)
    original = body.set_axis(headers, axis=1).reset_index(drop=True)
    matched = {f: str(headers[c]) for f, c in mapping.items()}
    read_info = SheetRead(source, sheet, header_row, len(recs), matched)
    return Roster(records=recs, original=original, sheets=[read_info])


def _find_header(grid: list[list[Any]]) -> tuple[int, dict[str, int], list[Any]] | None:
    best: tuple[int, dict[str, int]] | None = None
    for i, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        mapping: dict[str, int] = {}
        for j, cell in enumerate(row):
            if isinstance(cell, str) and cell.strip():
                canonical = field_for(cell)
                if canonical and canonical not in mapping:
                    mapping[canonical] = j
        if "nik" in mapping and (best is None or len(mapping) > len(best[1])):
            best = (i, mapping)
    if best is None:
        return None
    at, mapping = best
    row = grid[at]
    width = max(len(r) for r in grid[at:])
    return at, mapping, [row[j] if j < len(row) else None for j in range(width)]


def _unique_headers(cells: list[Any], first_col: int) -> list[str]:
    """Header texts, a blank one named by its sheet column ("Kolom F"), repeats numbered."""
    return distinct(
        [
            str(cell).strip()
            if cell is not None and str(cell).strip()
            else f"Kolom {_letter(first_col + j)}"
            for j, cell in enumerate(cells)
        ]
    )


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _empty(where: Where) -> RosterError:
    return RosterError(
        "roster_empty",
        where,
        ("Sheet kosong: tidak ada data sama sekali.", "The sheet is empty: it holds no data."),
        (
            "Isi roster dengan baris judul kolom (mis. NIK, Nama, Upah) dan data pekerja.",
            "Fill the roster with a header row (e.g. NIK, Nama, Upah) and worker rows.",
        ),
    )


def _no_nik(where: Where) -> RosterError:
    return RosterError(
        "roster_no_nik_column",
        where,
        ("Tidak ada kolom NIK di baris judul kolom mana pun.", "No header row has a NIK column."),
        (
            "Tambahkan kolom berjudul 'NIK' (atau 'No KTP') berisi NIK 16 digit, diformat "
            "sebagai Teks.",
            "Add a column headed 'NIK' (or 'No KTP') holding the 16-digit NIK, formatted as Text.",
        ),
    )
