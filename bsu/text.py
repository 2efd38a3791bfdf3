"""Small vectorised helpers for the messy text people type into spreadsheets."""

from __future__ import annotations

import pandas as pd


def as_text(values: pd.Series) -> pd.Series:
    """Cell values as stripped text (object dtype); empty cells become ``""``.

    Floats that hold whole numbers print without ``.0`` so that a number typed into a
    text field reads as typed.
    """
    out = values.astype(object)
    is_str = out.map(lambda v: isinstance(v, str)).astype(bool)
    text = pd.Series("", index=values.index, dtype=object)
    text[is_str] = out[is_str].str.strip()
    other = ~is_str & out.notna()
    if other.any():
        text[other] = out[other].map(_show)
    return text


def _show(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        return str(int(value))
    return str(value).strip()


def key(values: pd.Series) -> pd.Series:
    """A matching key: upper case, punctuation to spaces, single spaces."""
    return as_text(values).str.upper().str.replace(r"[^0-9A-Z]+", " ", regex=True).str.strip()


def key_of(value: str) -> str:
    """The same key for one string (vocabularies, headers)."""
    return str(key(pd.Series([value], dtype=object)).iloc[0])
