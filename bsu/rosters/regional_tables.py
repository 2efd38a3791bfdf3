"""The tables branch staff import for regional coverage, read into the rows the store
takes (``bsu.store.coverage``): the workforce universe and the coverage targets. Also the
one place a work region's text becomes a Kemendagri code for the store (``codes``: the
registry extract's Kota/Kab and Provinsi columns, and these tables). The cells are read
as any small table is (``small_tables``: screening, header row, numbers, refusal).

A region is a Kemendagri code ("61.72", "6172", "61") or a name ("Kota Singkawang",
"Singkawang", "Kalimantan Barat"), from a code column, else a name column; a "Provinsi"
column, when there is one, narrows a name and names a province row by itself.

Universe ("semesta": potential workers per region). Columns: the region, and the
potential PU and BPU workers ("PU"/"BPU", "Potensi PU", "Semesta BPU", "Pekerja
Penerima Upah", ...). A source that gives only a total ("Semesta", "Total", "Jumlah")
is taken as it is: the total is stored as ``potential_pu`` and ``potential_bpu`` is left
empty (None), so the denominator (PU + BPU) is the total and no PU/BPU split is claimed;
the import says so. A table with PU but no BPU (or the reverse) is refused: half a
denominator would pass for a whole one. A row summing the others ("Total", "Jumlah",
"Indonesia", "Nasional") is skipped and counted in ``skipped``.

Targets. Columns: the region (also "Nasional"/"Indonesia": ``NATIONAL``), the year, the
target percent ("32,15", "32.15", "32,15%"; number cells too, and a column whose number
cells are all at most 1 is a column of fractions, as Excel stores "32,15%": 0,3215), and
optionally the row's own source ("Sumber").

A region that is not found (or fits several, or lies outside the province named beside
it), a number that is empty, negative or not a whole number, a year or percent that
cannot be read, a region (or region and year) given twice: the whole table is refused,
before anything is written. Vectorised per column; a region text is resolved once however
many rows repeat it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from bsu.core.gather import index_for
from bsu.core.ruleset import load_ruleset
from bsu.core.words import both
from bsu.rosters import small_tables
from bsu.rosters.headers import header_key
from bsu.values import region
from bsu.values.text import as_text, is_number, key, key_of

# The region code of a national target: the same as ``bsu.store.coverage.NATIONAL`` (the
# readers do not import the store; a test holds the two equal).
NATIONAL = "ID"

Rows = tuple[pd.DataFrame, int]

# A row that sums the others, not a region; in a targets table the national words name
# the national target.
_TOTAL_WORDS = frozenset({"TOTAL", "JUMLAH", "JUMLAH TOTAL", "GRAND TOTAL", "SUBTOTAL"})
_NATIONAL_WORDS = frozenset({"INDONESIA", "NASIONAL", "NATIONAL", "NASIONAL INDONESIA"})


def _keys(*headers: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(header_key(h) for h in headers))


# Each column's headers, as compared (``header_key``), the more precise first.
_CODE = _keys(
    "Kode Wilayah",
    "Kode Kemendagri",
    "Kode Kab/Kota",
    "Kode Kabupaten/Kota",
    "Kode Daerah",
    "Kode",
    "Region Code",
    "Code",
)
_NAME = _keys(
    "Kabupaten/Kota",
    "Kab/Kota",
    "Kota/Kabupaten",
    "Kota/Kab",
    "Nama Kabupaten/Kota",
    "Nama Wilayah",
    "Wilayah",
    "Nama Daerah",
    "Daerah",
    "Kabupaten",
    "Kota",
    "Region",
    "Regency/City",
)
_PROVINCE = _keys("Provinsi", "Nama Provinsi", "Prov", "Province")
_PU = _keys(
    "PU",
    "Potensi PU",
    "Semesta PU",
    "Jumlah PU",
    "Pekerja Penerima Upah",
    "Penerima Upah",
    "Potensi Pekerja Penerima Upah",
    "Semesta Pekerja Penerima Upah",
    "Potential PU",
    "Universe PU",
)
_BPU = _keys(
    "BPU",
    "Potensi BPU",
    "Semesta BPU",
    "Jumlah BPU",
    "Pekerja Bukan Penerima Upah",
    "Bukan Penerima Upah",
    "Potensi Pekerja Bukan Penerima Upah",
    "Semesta Pekerja Bukan Penerima Upah",
    "Potential BPU",
    "Universe BPU",
)
_TOTAL = _keys(
    "Semesta",
    "Semesta Pekerja",
    "Total Semesta",
    "Jumlah Semesta",
    "Potensi",
    "Potensi Pekerja",
    "Total",
    "Jumlah",
    "Jumlah Pekerja",
    "Universe",
)
_YEAR = _keys("Tahun", "Tahun Target", "Year", "Target Year")
_TARGET = _keys(
    "Target (%)",
    "Target UCJ (%)",
    "Target Cakupan (%)",
    "Persentase Target",
    "Target Persen",
    "Target Coverage",
    "Coverage Target",
    "Sasaran (%)",
)
_SOURCE = _keys("Sumber", "Sumber Data", "Source", "Referensi", "Reference", "Dasar")
_REGION_COLUMNS = ("code", "name", "province")


# --- the region lookup -------------------------------------------------------------------


@functools.cache
def _regions() -> tuple[region.RegionIndex, dict[str, str]]:
    """The default rule set's Kemendagri table as a lookup, and each code's name."""
    rules = load_ruleset()
    table = rules.regions
    names = dict(zip(table["code"].astype(str), table["name"].astype(str), strict=True))
    return index_for(rules), names


def codes(regions: pd.Series, provinces: pd.Series) -> pd.DataFrame:
    """Each row's region and province texts as a Kemendagri code: ``region_code`` (a
    regency or city, "61.72"; a province, "61", when only the province is named; None
    when neither is named, the text fits nothing or several, or the region lies outside
    the province named) and ``state`` (``bsu.values.region``'s)."""
    index, _ = _regions()
    found = region.resolve(index, regions, provinces)
    return found[["region_code", "state"]]


def region_name(code: str) -> str:
    return _regions()[1].get(code, code)


@dataclass(frozen=True)
class _Places:
    code: pd.Series  # the Kemendagri code (or NATIONAL), None where not found
    state: pd.Series  # region states, and "total" / "national"
    text: pd.Series  # what the row says, as quoted
    column: pd.Series  # the header of the cell it says it in


def _places(table: small_tables.Table) -> _Places:
    """Each row's region, from its code cell, else its name cell, narrowed by its
    province cell (or the province cell alone)."""
    code = table.cells("code")
    numeric = is_number(code)
    code_text = as_text(code)
    if numeric.any():  # 61.10 typed as a number is 61.1: a code has two decimals
        values = code[numeric].astype(float)
        whole = np.mod(values, 1) == 0
        code_text[numeric] = np.where(
            whole, values.map(lambda v: f"{v:.0f}"), values.map(lambda v: f"{v:.2f}")
        )
    name_text = table.text("name")
    province_text = table.text("province")
    text = code_text.where(code_text != "", name_text)
    column = pd.Series(
        np.where(
            code_text != "",
            _header_or(table, "code"),
            np.where(name_text != "", _header_or(table, "name"), _header_or(table, "province")),
        ),
        index=text.index,
    )
    found = codes(text, province_text)
    state = found["state"].astype(object).copy()
    words = key(text.where(text != "", province_text))
    state[words.isin(_TOTAL_WORDS)] = "total"
    state[words.isin(_NATIONAL_WORDS)] = "national"
    shown = text.where(text != "", province_text)
    return _Places(found["region_code"].astype(object), state, shown, column)


def _header_or(table: small_tables.Table, name: str) -> str:
    return table.header(name) if name in table.columns else ""


def _region_problems(
    table: small_tables.Table, places: _Places, fix_unknown: tuple[str, str]
) -> list[small_tables.Problem]:
    def column(row: int) -> str:
        return str(places.column.loc[row])

    def quoted(key_: str) -> Callable[[int], tuple[str, str]]:
        return lambda row: both(key_, text=small_tables.shown(places.text.loc[row]))

    def ambiguous(row: int) -> tuple[str, str]:
        index, names = _regions()
        fits = sorted(index.keys.get(key_of(str(places.text.loc[row])), frozenset()))
        listed = ", ".join(f"{names.get(c, c)} ({c})" for c in fits) or "-"
        return both(
            "coverage_imports_region_ambiguous",
            text=small_tables.shown(places.text.loc[row]),
            names=listed,
        )

    def conflict(row: int) -> tuple[str, str]:
        province = small_tables.shown(table.text("province").loc[row])
        return both(
            "coverage_imports_region_conflict",
            text=small_tables.shown(places.text.loc[row]),
            province=province,
        )

    state, code = places.state, places.code
    unresolved = code.isna() & ~state.isin(["total", "national"])
    return [
        small_tables.Problem(
            unresolved & state.eq(region.MISSING),
            "table_region_missing",
            column,
            lambda _row: both("coverage_imports_region_missing"),
            both("coverage_imports_region_missing_fix"),
        ),
        small_tables.Problem(
            unresolved & state.eq(region.UNRECOGNISED),
            "table_region_unknown",
            column,
            quoted("coverage_imports_region_unknown"),
            fix_unknown,
        ),
        small_tables.Problem(
            unresolved & state.eq(region.CONFLICT),
            "table_region_conflict",
            column,
            conflict,
            both("coverage_imports_region_conflict_fix"),
        ),
        small_tables.Problem(
            unresolved & ~state.isin([region.MISSING, region.UNRECOGNISED, region.CONFLICT]),
            "table_region_ambiguous",
            column,
            ambiguous,
            both("coverage_imports_region_ambiguous_fix"),
        ),
    ]


def _duplicates(
    keys: pd.DataFrame,
    code: str,
    words: Callable[[int, int], tuple[str, str]],
    fix: tuple[str, str],
    column: str,
) -> small_tables.Problem:
    """Rows repeating an earlier row's ``keys`` (region, or region and year)."""
    repeated = keys.duplicated(keep="first") & keys.notna().all(axis=1)
    first_row = (
        pd.Series(keys.index, index=keys.index)
        .groupby([keys[c] for c in keys.columns], dropna=False)
        .transform("min")
    )
    return small_tables.Problem(
        repeated,
        code,
        lambda _row: column,
        lambda row: words(row, int(first_row.loc[row])),
        fix,
    )


def _count_problems(
    table: small_tables.Table, name: str, state: pd.Series
) -> list[small_tables.Problem]:
    header = table.header(name)
    text = table.text(name)

    def quoted(key_: str) -> Callable[[int], tuple[str, str]]:
        return lambda row: both(key_, text=small_tables.shown(text.loc[row]))

    return [
        small_tables.Problem(
            state.eq("missing"),
            "table_number_missing",
            lambda _row: header,
            lambda _row: both("coverage_imports_number_missing"),
            both("coverage_imports_number_missing_fix"),
        ),
        small_tables.Problem(
            state.eq("bad"),
            "table_number_unreadable",
            lambda _row: header,
            quoted("coverage_imports_number_bad"),
            both("coverage_imports_number_bad_fix"),
        ),
        small_tables.Problem(
            state.eq("negative"),
            "table_number_negative",
            lambda _row: header,
            quoted("coverage_imports_number_negative"),
            both("coverage_imports_number_negative_fix"),
        ),
    ]


# --- the two tables ----------------------------------------------------------------------


def universe_rows(path: Path, name: str | None = None) -> Rows:
    """A universe table's rows: ``region_code``, ``potential_pu``, ``potential_bpu``
    (Int64; BPU NA when the table gives only a total) and ``row``; and how many total
    rows were skipped."""
    fix = both("coverage_imports_universe_fix")
    wanted = {
        "code": _CODE,
        "name": _NAME,
        "province": _PROVINCE,
        "pu": _PU,
        "bpu": _BPU,
        "total": _TOTAL,
    }
    table = small_tables.read(path, name or path.name, wanted, _REGION_COLUMNS, fix)
    has = set(table.columns)
    figures: tuple[str, ...]
    if {"pu", "bpu"} <= has:
        figures = ("pu", "bpu")
    elif "pu" in has or "bpu" in has:
        missing = "coverage_imports_column_bpu" if "pu" in has else "coverage_imports_column_pu"
        raise small_tables.missing_column(table, missing, fix)
    elif "total" in has:
        figures = ("total",)
    else:
        raise small_tables.missing_column(table, "coverage_imports_column_pu_bpu", fix)
    places = _places(table)
    totals = places.state.isin(["total", "national"])
    problems = _region_problems(table, places, both("coverage_imports_region_unknown_fix"))
    values: dict[str, pd.Series] = {}
    for figure in figures:
        values[figure], state = small_tables.counts(table.cells(figure))
        problems += _count_problems(table, figure, state.where(~totals, "ok"))
    if not (~totals).any():
        raise small_tables.no_rows(table)

    def repeated(row: int, first: int) -> tuple[str, str]:
        code = str(places.code.loc[row])
        return both("coverage_imports_duplicate", code=code, name=region_name(code), first=first)

    keys = places.code.where(~totals).to_frame("region_code")
    problems.append(
        _duplicates(
            keys,
            "table_region_repeated",
            repeated,
            both("coverage_imports_duplicate_fix"),
            _header_or(table, "code") or _header_or(table, "name") or _header_or(table, "province"),
        )
    )
    small_tables.refuse(table, problems)
    kept = ~totals
    none = pd.Series(pd.NA, index=table.body.index, dtype="Int64")
    out = pd.DataFrame(
        {
            "region_code": places.code[kept].astype(str),
            "potential_pu": values["pu" if "pu" in values else "total"][kept],
            "potential_bpu": values.get("bpu", none)[kept],
            "row": table.body.index[kept.to_numpy()],
        }
    ).reset_index(drop=True)
    return out, int(totals.sum())


def targets_rows(path: Path, name: str | None = None) -> Rows:
    """A targets table's rows: ``region_code`` (``NATIONAL`` for Nasional/Indonesia),
    ``year`` (int), ``target_pct`` (float), ``source`` ("" when the row names none) and
    ``row``; nothing is skipped."""
    fix = both("coverage_imports_targets_fix")
    wanted = {
        "code": _CODE,
        "name": _NAME,
        "province": _PROVINCE,
        "year": _YEAR,
        "target": _TARGET,
        "source": _SOURCE,
    }
    table = small_tables.read(path, name or path.name, wanted, _REGION_COLUMNS, fix)
    for needed, words in (
        ("year", "coverage_imports_column_year"),
        ("target", "coverage_imports_column_target"),
    ):
        if needed not in table.columns:
            raise small_tables.missing_column(table, words, fix)
    places = _places(table)
    national = places.state.eq("national")
    code = places.code.where(~national, NATIONAL)
    state = places.state.where(~national, "ok")
    resolved = _Places(
        code, state.where(~state.eq("total"), region.UNRECOGNISED), places.text, places.column
    )
    problems = _region_problems(table, resolved, both("coverage_imports_targets_region_fix"))
    year, year_ok = small_tables.years(table.cells("year"))
    target, target_ok = small_tables.percents(table.cells("target"))
    year_text, target_text = table.text("year"), table.text("target")
    problems += [
        small_tables.Problem(
            ~year_ok,
            "table_year_unreadable",
            lambda _row: table.header("year"),
            lambda row: both(
                "coverage_imports_year_bad", text=small_tables.shown(year_text.loc[row])
            ),
            both("coverage_imports_year_bad_fix"),
        ),
        small_tables.Problem(
            ~target_ok,
            "table_percent_unreadable",
            lambda _row: table.header("target"),
            lambda row: both(
                "coverage_imports_percent_bad", text=small_tables.shown(target_text.loc[row])
            ),
            both("coverage_imports_percent_bad_fix"),
        ),
    ]
    if table.body.empty:
        raise small_tables.no_rows(table)

    def repeated(row: int, first: int) -> tuple[str, str]:
        where = str(code.loc[row])
        return both(
            "coverage_imports_duplicate_target",
            code=where,
            name="Indonesia" if where == NATIONAL else region_name(where),
            year=int(year.loc[row]),
            first=first,
        )

    keys = pd.DataFrame({"region_code": code, "year": year.astype(object)})
    keys = keys.where(keys.notna(), None)
    problems.append(
        _duplicates(
            keys,
            "table_target_repeated",
            repeated,
            both("coverage_imports_duplicate_target_fix"),
            _header_or(table, "code") or _header_or(table, "name") or _header_or(table, "province"),
        )
    )
    small_tables.refuse(table, problems)
    out = pd.DataFrame(
        {
            "region_code": code.astype(str),
            "year": year.astype(int),
            "target_pct": target.astype(float),
            "source": table.text("source"),
            "row": table.body.index,
        }
    ).reset_index(drop=True)
    return out, 0
