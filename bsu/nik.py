"""NIK (Nomor Induk Kependudukan): cleaning and structural checks, vectorised.

A NIK is 16 digits ``PP KK CC DDMMYY SSSS``: province, regency, district, birth date
(women have 40 added to the day; the century is not encoded) and a serial number.
Excel keeps only 15 significant digits, so a NIK that arrives as a number has lost its
last digit: it can never be trusted, only flagged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bsu.text import as_text, is_number

_SCIENTIFIC = r"[0-9]+(?:[.,][0-9]+)?[eE][+]?[0-9]+"
_STRIPPED = r"^'+|[\s.\-]"
_STRIPPABLE = r"[\s.\-']"
_DAYS_IN_MONTH = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def clean(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return the NIK as text and whether the cell held a number.

    Spaces, dots, dashes and Excel's leading apostrophe are stripped. A number, or text
    in scientific notation ("6.17101E+15"), is marked as precision lost.
    """
    numeric = is_number(raw)
    text = as_text(raw)
    scientific = text.str.fullmatch(_SCIENTIFIC).fillna(False).astype(bool)
    # A regex replace costs a microsecond a cell; most NIKs need none.
    dirty = text.str.contains(_STRIPPABLE, regex=True).fillna(False).astype(bool)
    cleaned = text.copy()
    if dirty.any():
        cleaned[dirty] = text[dirty].str.replace(_STRIPPED, "", regex=True)
    return cleaned, (numeric | scientific)


def check(nik: pd.Series, province_codes: set[str]) -> pd.DataFrame:
    """Structural checks of cleaned NIKs: one boolean column per problem.

    Columns: ``missing``, ``bad_format`` (not 16 ASCII digits), ``bad_region`` (first two
    digits not a province code), ``bad_birthdate`` (digits 7-12 not a DDMMYY date). The
    later checks are only true where the format is right.
    """
    missing = nik.eq("")
    well_formed = nik.str.fullmatch(r"[0-9]{16}").fillna(False).astype(bool)
    bad_format = ~missing & ~well_formed

    digits = nik.where(well_formed, "0000000000000000")
    bad_region = well_formed & ~digits.str.slice(0, 2).isin(list(province_codes))

    day = digits.str.slice(6, 8).astype(int).to_numpy()
    month = digits.str.slice(8, 10).astype(int).to_numpy()
    year = digits.str.slice(10, 12).astype(int).to_numpy()
    day = np.where(day > 40, day - 40, day)
    month_ok = (month >= 1) & (month <= 12)
    limit = _DAYS_IN_MONTH[np.where(month_ok, month, 0)]
    # 29 February exists in a year ending in a multiple of four, in either century
    # (1900 was not a leap year but 2000 was, so "00" is allowed).
    limit = np.where((month == 2) & (year % 4 != 0), 28, limit)
    date_ok = month_ok & (day >= 1) & (day <= limit)
    bad_birthdate = well_formed & ~pd.Series(date_ok, index=nik.index)

    return pd.DataFrame(
        {
            "missing": missing,
            "bad_format": bad_format,
            "bad_region": bad_region,
            "bad_birthdate": bad_birthdate,
        },
        index=nik.index,
    )


def mask(nik: str) -> str:
    """A NIK safe to log: the first four and last four digits, the rest hidden."""
    if len(nik) <= 8:
        return "*" * len(nik)
    return f"{nik[:4]}{'*' * (len(nik) - 8)}{nik[-4:]}"
