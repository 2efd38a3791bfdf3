"""The roster formats bsu reads, in one table: each suffix, the kind of file it names, and
where it may come from. The reader's dispatch, the preflight, a folder search, the upload
route's allow-list and the page's file picker all read this table, so a new format is one
row here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Family = Literal["xlsx", "xls", "ods", "xlsb", "csv", "parquet"]


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
