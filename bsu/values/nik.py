"""NIK (Nomor Induk Kependudukan): cleaning and structural checks, vectorised.

A NIK is 16 digits ``PP KK CC DDMMYY SSSS``: province, regency, district, birth date
(women have 40 added to the day; the century is not encoded) and a serial number.
Excel keeps only 15 significant digits, so a NIK that arrives as a number has lost its
last digit: it can never be trusted, only flagged.

``usable`` is the one definition of a NIK that can be a key (stored, looked up, logged as
consulted): 16 ASCII digits, not typed as a number. The engine asks more of a NIK before
it identifies a worker (``check``: a real province, a real birth date).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bsu.values.text import as_text, is_number

_SCIENTIFIC = r"[0-9]+(?:[.,][0-9]+)?[eE][+]?[0-9]+"
_STRIPPED = r"^'+|[\s.\-]"
_WELL_FORMED = r"[0-9]{16}"
_DAYS_IN_MONTH = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def clean(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return the NIK as text and whether the cell held a number.

    Spaces, dots, dashes and Excel's leading apostrophe are stripped. A number, or text
    in scientific notation ("6.17101E+15"), is marked as precision lost.
    """
    numeric = is_number(raw)
    text = as_text(raw)
    # Most NIKs are 16 digits already: only the others are looked at further (a regex
    # in Python costs about a microsecond a cell).
    odd = ~_sixteen_digits(text).to_numpy()
    scientific = np.zeros(len(text), dtype=bool)
    cleaned = text.copy()
    if odd.any():
        rest = text[odd]
        scientific[odd] = rest.str.fullmatch(_SCIENTIFIC).fillna(False).astype(bool).to_numpy()
        cleaned[odd] = rest.str.replace(_STRIPPED, "", regex=True)
    return cleaned, numeric | pd.Series(scientific, index=text.index)


def usable(niks: pd.Series, numeric: pd.Series | None = None) -> pd.Series:
    """Whether each cleaned NIK can be a key: 16 ASCII digits and, where ``numeric``
    (from ``clean``) is given, not typed as a number whose last digit Excel lost."""
    ok = _sixteen_digits(niks)
    return ok if numeric is None else ok & ~numeric.to_numpy(dtype=bool)


def _sixteen_digits(values: pd.Series) -> pd.Series:
    """16 ASCII digits, as a plain boolean column; anything that is not text is not."""
    try:
        matched = values.str.fullmatch(_WELL_FORMED)
    except AttributeError:  # no text at all: a column of numbers, or an empty float one
        return pd.Series(False, index=values.index, dtype=bool)
    return matched.fillna(False).astype(bool)


def check(nik: pd.Series, province_codes: set[str]) -> pd.DataFrame:
    """Structural checks of cleaned NIKs: one boolean column per problem.

    Columns: ``missing``, ``bad_format`` (not 16 ASCII digits), ``bad_region`` (first two
    digits not a province code), ``bad_birthdate`` (digits 7-12 not a DDMMYY date). The
    later checks are only true where the format is right.
    """
    missing = nik.eq("").fillna(False).astype(bool)
    well_formed = _sixteen_digits(nik)
    bad_format = ~missing & ~well_formed

    # Sixteen ASCII digits per row as one byte matrix: digit arithmetic without strings.
    digits = nik.where(well_formed, "0" * 16).astype(object).tolist()
    d = np.frombuffer("".join(digits).encode("ascii"), dtype=np.uint8).reshape(-1, 16) - 48
    d = d.astype(np.int16)

    def number(start: int) -> np.ndarray:
        return d[:, start] * 10 + d[:, start + 1]  # type: ignore[no-any-return]

    provinces = np.array(sorted(int(c) for c in province_codes if c.isdigit()), dtype=np.int16)
    bad_region = well_formed & ~pd.Series(np.isin(number(0), provinces), index=nik.index)

    day, month, year = number(6), number(8), number(10)
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
