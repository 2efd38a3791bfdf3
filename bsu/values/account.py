"""Bank account numbers as people type them: kept as text, with Excel's damage marked.

An account number is an identifier, not a quantity: "0123 4567 89", "0123-01-012345-50-1"
and "'012345678901234567" are the same kind of value. Excel keeps only 15 significant
digits of a number, so an account longer than that which arrives as a number (or as
"1.23457E+15") has lost its last digits; a shorter one typed as a number may have lost a
leading zero, which no check can see (the length warning may).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bsu.values.text import as_text, is_number

_SCIENTIFIC = r"[0-9]+(?:[.,][0-9]+)?[eE][+]?[0-9]+"
# Excel's text apostrophe, and the separators people group digits with.
_STRIPPED = r"^'+|[\s.\-/]"
_DIGITS = r"[0-9]+"
_EXCEL_DIGITS = 15


def clean(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The account as text without separators ("" when blank), and whether its cell lost
    digits: a number of more than 15 digits, or text in scientific notation."""
    numeric = is_number(raw).to_numpy(dtype=bool)
    text = as_text(raw)
    scientific = text.str.fullmatch(_SCIENTIFIC).fillna(False).astype(bool).to_numpy()
    cleaned = text.str.replace(_STRIPPED, "", regex=True).astype(object)
    long = cleaned.str.len().fillna(0).to_numpy() > _EXCEL_DIGITS
    lost = (numeric & long) | scientific
    return cleaned, pd.Series(lost, index=raw.index, dtype=bool)


def digits_only(accounts: pd.Series) -> pd.Series:
    """Which cleaned accounts are digits alone (blank ones are not)."""
    return accounts.str.fullmatch(_DIGITS).fillna(False).astype(bool)


def masked(account: str) -> str:
    """An account number as logs and the terminal may show it: the first and last three
    digits, the rest as ``*`` ("123*******890"); short ones keep only their last two."""
    if len(account) <= 6:
        return "*" * max(len(account) - 2, 0) + account[-2:]
    return account[:3] + "*" * (len(account) - 6) + account[-3:]


def lengths(accounts: pd.Series) -> np.ndarray:
    """Each account's number of characters (0 when blank), as integers."""
    return accounts.str.len().fillna(0).to_numpy(dtype=np.int64)
