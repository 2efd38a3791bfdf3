"""Reading a Parquet file (registry extracts): one table, its columns the header row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bsu.errors import RosterError, Where
from bsu.rosters.reading import DEFAULT, ReadOptions
from bsu.rosters.tables import Roster, from_frame, no_nik


def read(path: Path, name: str, options: ReadOptions = DEFAULT) -> Roster:
    """``name``: how the file is named in results and messages."""
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
    part = from_frame(table.set_axis(range(len(header)), axis=1), name, None, 1, 0, header, options)
    if part is None:
        raise no_nik(Where(name))
    return part
