"""The wage judged, built from what a row gives: pure and vectorised.

A rule set judges the wage reported to BPJS Ketenagakerjaan, which is the basic wage plus
the fixed allowances (the ``wage_within_cap`` criterion cites the article). A roster may
give it whole (a total, ``wage``) or in parts; per row, the first that is not blank wins:

1. the total, used as it is (``total``);
2. the basic wage plus the fixed allowances (``components``), or the basic wage alone when
   the fixed allowance is blank (``basic_only``: the rule set's default, and rows close
   below their cap are asked for the allowances, ``checks.wage_within_cap``);
3. the daily wage times the rule set's ``wage_daily_factor``, plus the fixed allowances (a
   blank allowance counts as none) (``daily``);
4. else the wage is missing.

A part that cannot be read makes the wage invalid: ``wage_unread`` names the field it came
from and ``wage_raw`` holds what it said. A registry's reported wage, when loaded, replaces
all of this (``gather._apply_registry`` sets the basis ``registry``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from bsu.values.wage import WageForm

# How the wage judged was built (the gathered column ``wage_basis``; the rule set words
# each with its phrase ``wage_built_<basis>``). None: no wage (missing or unreadable).
TOTAL = "total"
COMPONENTS = "components"
BASIC_ONLY = "basic_only"
DAILY = "daily"
REGISTRY = "registry"
BASES = (TOTAL, COMPONENTS, BASIC_ONLY, DAILY, REGISTRY)

# The fields a wage is read or built from, the total first; and the field a roster may
# split over several columns, summed per row when read (``bsu.rosters.choice``).
SOURCES = ("wage", "basic_wage", "daily_wage")
PARTS = ("wage", "basic_wage", "fixed_allowance", "daily_wage")
SUMMED = frozenset({"fixed_allowance"})

_OK, _MISSING, _INVALID = WageForm.OK.value, WageForm.MISSING.value, WageForm.INVALID.value


def build(parts: Mapping[str, pd.Series], daily_factor: float) -> dict[str, pd.Series]:
    """The judged ``wage``, ``wage_form``, ``wage_raw``, ``wage_basis`` and ``wage_unread``
    from the parsed parts: for each field of ``PARTS``, its amount (``<field>``), its
    ``WageForm`` (``<field>_form``) and its text (``<field>_raw``)."""
    index = parts["wage"].index
    n = len(index)

    def form(name: str) -> np.ndarray:
        return np.asarray(parts[f"{name}_form"].to_numpy(dtype=object))

    def amount(name: str) -> np.ndarray:
        return np.asarray(pd.to_numeric(parts[name], errors="coerce").to_numpy(dtype=float))

    total_form, basic_form = form("wage"), form("basic_wage")
    allowance_form, daily_form = form("fixed_allowance"), form("daily_wage")
    total = total_form != _MISSING
    basic = ~total & (basic_form != _MISSING)
    daily = ~total & ~basic & (daily_form != _MISSING)
    built = basic | daily
    allowance_given = allowance_form != _MISSING
    allowance_bad = allowance_form == _INVALID
    main_bad = (basic & (basic_form == _INVALID)) | (daily & (daily_form == _INVALID))
    bad = built & (main_bad | allowance_bad)
    good = built & ~bad

    allowance = np.where(allowance_form == _OK, amount("fixed_allowance"), 0.0)
    base = np.where(basic, amount("basic_wage"), amount("daily_wage") * float(daily_factor))
    wage = np.where(total, amount("wage"), np.nan)
    wage[good] = np.round(base[good] + allowance[good], 2)

    wage_form = np.where(total, total_form, _MISSING).astype(object)
    wage_form[good] = _OK
    wage_form[bad] = _INVALID

    basis = np.full(n, None, dtype=object)
    basis[total & (total_form == _OK)] = TOTAL
    basis[good & basic & allowance_given] = COMPONENTS
    basis[good & basic & ~allowance_given] = BASIC_ONLY
    basis[good & daily] = DAILY

    unread = np.full(n, None, dtype=object)
    unread[total & (total_form == _INVALID)] = "wage"
    unread[built & ~main_bad & allowance_bad] = "fixed_allowance"
    unread[basic & (basic_form == _INVALID)] = "basic_wage"
    unread[daily & (daily_form == _INVALID)] = "daily_wage"
    raw = np.asarray(parts["wage_raw"].to_numpy(dtype=object)).copy()
    for name in PARTS[1:]:
        hit = unread == name
        if hit.any():
            raw[hit] = np.asarray(parts[f"{name}_raw"].to_numpy(dtype=object))[hit]

    return {
        "wage": pd.Series(wage, index=index, dtype=float),
        "wage_form": pd.Series(wage_form, index=index, dtype=object),
        "wage_raw": pd.Series(raw, index=index, dtype=object),
        "wage_basis": pd.Series(basis, index=index, dtype=object),
        "wage_unread": pd.Series(unread, index=index, dtype=object),
    }
