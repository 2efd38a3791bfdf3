"""The canonical worker record: one column set that every reader produces.

Readers map whatever headers a roster has onto these fields and keep the raw cell values
(text, numbers, dates) untouched; parsing them is the engine's job, so that a value typed
into the API and the same value read from Excel are judged by the same code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from bsu.core.fields import NAMES

# Where a record came from.
SOURCE = "source"
SHEET = "sheet"
ROW = "row"
LOCATION = (SOURCE, SHEET, ROW)

# The worker's fields, in the order of their declarations (``bsu.core.fields``).
FIELDS = NAMES
COLUMNS = LOCATION + FIELDS


def frame(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Canonical records from dicts (the API's and the tests' way in)."""
    rows = list(records)
    out = pd.DataFrame(rows, columns=list(COLUMNS), dtype=object)
    if out[ROW].isna().all():
        out[ROW] = range(1, len(out) + 1)
    return conform(out)


def _text_dtype(dtype: Any) -> bool:
    """Object cells, or Arrow strings (CSV and Parquet columns, kept as read)."""
    return pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype)


def conform(records: pd.DataFrame) -> pd.DataFrame:
    """Add the canonical columns a table lacks (as empty), as object dtype."""
    out = records.copy(deep=False)  # copy-on-write: columns are copied only if changed
    for column in COLUMNS:
        if column not in out:
            out[column] = None
        elif column in FIELDS and not _text_dtype(out[column].dtype):
            values = out[column].astype(object)
            out[column] = values.where(values.notna(), None)
    return out
