"""Reading a CSV roster as employers write it: any of comma, semicolon or tab; UTF-8,
UTF-16 or Windows-1252; title lines above the header; ragged lines. The common case
(UTF-8, one width) goes through Arrow's parser; anything else through the careful path,
which says what is wrong in a ``RosterError``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from bsu.errors import RosterError, Where
from bsu.rosters import preflight
from bsu.rosters.reading import DEFAULT, ReadOptions
from bsu.rosters.tables import Roster, empty, from_frame, no_nik
from bsu.values.numbers import id_number

# csv.Sniffer is quadratic on some lines (64 KB of ',"a' took 25 s): it sees this much.
SNIFF_CHARS = 8192


def read(path: Path, name: str, options: ReadOptions = DEFAULT) -> Roster:
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
        part = from_frame(fast, name, None, 1, 0, options=options)
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
        raise empty(Where(name))
    try:
        try:
            grid = _parse_csv(text, delimiter, _narrow(width, name))
        except pd.errors.ParserError:
            # A longer line further down: size the table from every line, then read again.
            rows = csv.reader(io.StringIO(text), delimiter=delimiter)
            grid = _parse_csv(text, delimiter, _narrow(max(len(r) for r in rows), name))
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        raise _malformed(Where(name), exc) from exc
    part = from_frame(grid, name, None, 1, 0, options=options)
    if part is None:
        raise no_nik(Where(name))
    return part


def rows(path: Path, name: str) -> list[list[str]]:
    """A CSV's rows as text cells, decoded and split as a roster's are (encodings, byte
    order marks, the delimiter sniffed): for the small tables staff import
    (``bsu.rosters.small_tables``). The caller screens the file first."""
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
    text = _decode(raw, name)
    delimiter = _delimiter(text.splitlines()[:50])
    try:
        return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise _malformed(Where(name), exc) from exc


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
