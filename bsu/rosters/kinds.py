"""The roster formats bsu reads, in one table: each suffix, the kind of file it names, and
where it may come from. The reader's dispatch, the preflight, a folder search, the upload
route's allow-list and the page's file picker all read this table, so a new format is one
row here.

``.xlsb`` is not a row: python-calamine reads it, but no tool on a test machine writes one
(LibreOffice has no export filter for it) and its binary sheets cannot be screened like
the XML ones, so it is refused with a message saying to save it as .xlsx.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Family = Literal["xlsx", "xls", "ods", "xlsb", "csv", "parquet"]
# The families read as workbooks (every sheet, through python-calamine).
WORKBOOKS: tuple[Family, ...] = ("xlsx", "xls", "ods")


@dataclass(frozen=True)
class Kind:
    suffix: str
    family: Family
    label: str  # how a person knows it: "Excel Workbook", "CSV"
    uploadable: bool = True  # offered by the upload page and accepted by /v1/batches
    in_folders: bool = True  # taken when a folder is checked (notes beside rosters are not)


KINDS: tuple[Kind, ...] = (
    Kind(".xlsx", "xlsx", "Excel Workbook"),
    Kind(".xlsm", "xlsx", "Excel Macro-Enabled Workbook"),
    Kind(".xls", "xls", "Excel 97-2003 Workbook"),
    Kind(".ods", "ods", "OpenDocument Spreadsheet"),
    Kind(".csv", "csv", "CSV"),
    Kind(".txt", "csv", "CSV (.txt)", uploadable=True, in_folders=False),
    Kind(".parquet", "parquet", "Parquet", uploadable=False),
)

BY_SUFFIX = {k.suffix: k for k in KINDS}
SUFFIXES: tuple[str, ...] = tuple(k.suffix for k in KINDS)
UPLOADABLE: tuple[str, ...] = tuple(k.suffix for k in KINDS if k.uploadable)
IN_FOLDERS: tuple[str, ...] = tuple(k.suffix for k in KINDS if k.in_folders)


def suffixes(*families: Family) -> tuple[str, ...]:
    return tuple(k.suffix for k in KINDS if k.family in families)


def kind_of(suffix: str) -> Kind | None:
    return BY_SUFFIX.get(suffix.lower())


def family_of(suffix: str) -> Family | None:
    found = kind_of(suffix)
    return found.family if found is not None else None


def listed(chosen: tuple[str, ...] = SUFFIXES) -> str:
    """The suffixes as a person reads them in a message: ".xlsx, .xls, .ods, .csv"."""
    return ", ".join(chosen)


def accept(chosen: tuple[str, ...] = UPLOADABLE) -> str:
    """The file picker's ``accept=`` attribute (the page's HTML holds it; a test keeps the
    two the same)."""
    return ",".join(chosen)
