"""Reading rosters as employers really write them: .xlsx/.xlsm, .xls, .ods, .csv and
.parquet (the formats table is ``kinds``).

Finds the header row under any title rows, maps headers onto the canonical fields
(``columns``), keeps every column (known or not) for the outputs, and numbers rows as the
spreadsheet shows them: one module per format (``workbook``, ``delimited``, ``parquet``), their
cells made a roster by ``tables``. Knows nothing of the rules. Every failure a user can
cause is a ``RosterError`` saying what, where and how to fix it: whatever a parser raises
(calamine, zipfile, pyarrow, csv, a codec) is translated by these modules, except
``MemoryError``, which is the reading process's to handle (``sandbox`` reads uploads in a
child with a memory limit).
"""

from __future__ import annotations

from pathlib import Path

from bsu.core.words import both, say
from bsu.errors import RosterError, Where
from bsu.rosters import delimited, kinds, parquet, workbook
from bsu.rosters.reading import DEFAULT, ReadOptions, SheetRead
from bsu.rosters.tables import HEADER_SEARCH_ROWS, Roster, combine

__all__ = [
    "HEADER_SEARCH_ROWS",
    "Roster",
    "SheetRead",
    "combine",
    "read",
    "unsupported",
]


def read(path: Path, name: str | None = None, options: ReadOptions = DEFAULT) -> Roster:
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
    family = kinds.family_of(path.suffix)
    if family in kinds.WORKBOOKS:
        return workbook.read(path, name, options)
    if family == "csv":
        return delimited.read(path, name, options)
    if family == "parquet":
        return parquet.read(path, name, options)
    raise unsupported(path.suffix.lower(), where)


def unsupported(suffix: str, where: Where, chosen: tuple[str, ...] = kinds.SUFFIXES) -> RosterError:
    """A file whose suffix names no roster format bsu reads (``kinds``)."""
    problem = tuple(
        say(
            "format_unsupported",
            lang,
            suffix=suffix or say("format_no_extension", lang),
            formats=kinds.listed(chosen),
        )
        for lang in ("id", "en")
    )
    return RosterError(
        "file_type_unsupported", where, (problem[0], problem[1]), both("format_unsupported_fix")
    )
