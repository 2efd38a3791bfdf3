"""Wages as people type them, and the cap that applies to them; vectorised.

Accepted forms: 2750000, 2750000.0, "Rp 2.750.000", "Rp2.750.000,00", "2.750.000,-",
"2,750,000", "2,75 juta", "2,75 jt". Anything else is invalid: a wage is never guessed.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import pandas as pd

from bsu.values.text import as_float, as_text, by_unique, is_number


class WageForm(StrEnum):
    OK = "ok"
    MISSING = "missing"
    INVALID = "invalid"


# (pattern, characters to drop, decimal comma?) applied after "Rp" and ",-" are removed.
_PLAIN = r"[0-9]+"
_PLAIN_DECIMAL_DOT = r"[0-9]{4,}\.[0-9]{1,2}"
_PLAIN_DECIMAL_COMMA = r"[0-9]{4,},[0-9]{1,2}"
_DOT_THOUSANDS = r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]{1,2})?"
_COMMA_THOUSANDS = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]{1,2})?"
_SPACE_THOUSANDS = r"[0-9]{1,3}(?: [0-9]{3})+"
_MILLIONS = r"([0-9]{1,3}(?:[.,][0-9]{1,2})?) ?(?:juta|jt)\.?"
# A wage is a rupiah amount: at least one sen, and below 2**53 sen (about Rp90 trillion),
# the most float64 holds to the sen. Beyond that no wage is meant (1e308, 400 digits) and
# sums, caps and printed amounts would be wrong, so such a value is invalid. A technical
# bound, not a rule: the caps that matter are in the rule sets.
_LEAST_SEN, _MOST_SEN = 1, 2**53


def parse(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (wage in rupiah as float, ``WageForm``) for each cell."""
    return by_unique(raw, _parse, remember=True)


def parse_allowance(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """As ``parse``, for an allowance: zero is an amount (no allowance), and so is a lone
    dash, the way payroll sheets write a zero ("-", "Rp -")."""
    return by_unique(raw, _parse_allowance, remember=True)


def _parse_allowance(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    values, form = _parse(raw)
    text = as_text(raw).str.strip().str.lower()
    dash = text.str.fullmatch(r"(?:(?:rp|idr)\.?\s*)?-+").fillna(False).to_numpy(dtype=bool)
    zero = (
        form.eq(WageForm.INVALID.value).to_numpy(dtype=bool)
        & _parse_zero(text).to_numpy(dtype=bool)
    ) | dash
    values = values.copy()
    form = form.copy()
    values[zero] = 0.0
    form[zero] = WageForm.OK.value
    return values, form


def _parse_zero(text: pd.Series) -> pd.Series:
    """Cells that are a zero amount as a wage is typed: 0, "Rp 0", "0,00", "0.000"."""
    bare = text.str.replace(r"^(?:rp|idr)\.?\s*", "", regex=True).str.replace(
        r"\s*[.,]?-$", "", regex=True
    )
    return bare.str.fullmatch(r"0+(?:[.,]0+)*").fillna(False).astype(bool)


def _parse(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    values = pd.Series(np.nan, index=raw.index, dtype=float)
    numeric = is_number(raw)
    values[numeric] = as_float(raw[numeric])

    text = as_text(raw).where(~numeric, "")
    empty = text.eq("") & ~numeric
    s = (
        text.str.lower()
        .str.replace(r"^(?:rp|idr)\.?\s*", "", regex=True)
        .str.replace(r"\s*[.,]?-$", "", regex=True)
        .str.strip()
    )

    def take(pattern: str, converted: pd.Series) -> None:
        hit = s.str.fullmatch(pattern).fillna(False).astype(bool) & values.isna() & ~numeric
        if hit.any():
            values[hit] = pd.to_numeric(converted[hit], errors="coerce")

    take(_PLAIN, s)
    take(_PLAIN_DECIMAL_DOT, s)
    take(_PLAIN_DECIMAL_COMMA, s.str.replace(",", ".", regex=False))
    take(_DOT_THOUSANDS, s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    take(_COMMA_THOUSANDS, s.str.replace(",", "", regex=False))
    take(_SPACE_THOUSANDS, s.str.replace(" ", "", regex=False))
    millions = s.str.extract(f"^{_MILLIONS}$", expand=False)
    hit = millions.notna() & values.isna() & ~numeric
    if hit.any():
        values[hit] = (
            pd.to_numeric(millions[hit].str.replace(",", ".", regex=False), errors="coerce")
            * 1_000_000
        )

    sen = values * 100
    valid = (sen >= _LEAST_SEN) & (sen < _MOST_SEN)  # NaN and infinity compare false
    form = pd.Series(WageForm.INVALID.value, index=raw.index, dtype=object)
    form[valid] = WageForm.OK.value
    form[empty] = WageForm.MISSING.value
    return values.where(valid), form


def regional_cap(minimum_wage: pd.Series, general_cap: float, rounding: float) -> pd.Series:
    """The cap for a region: the general cap, or a higher minimum wage rounded up."""
    rounded = pd.Series(
        np.ceil(np.round(minimum_wage.to_numpy(dtype=float) / rounding, 6)) * rounding,
        index=minimum_wage.index,
    )
    return rounded.where(minimum_wage > general_cap, float(general_cap))
