"""Small vectorised helpers for the messy text people type into spreadsheets."""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

T = TypeVar("T", pd.Series, tuple[pd.Series, pd.Series])


def by_unique(values: pd.Series, fn: Callable[[pd.Series], T], remember: bool = False) -> T:
    """Apply ``fn`` once per distinct value and spread the answers back over the rows.

    Rosters repeat the same few statuses, regions and wages on thousands of rows, so
    parsing distinct values is most of the speed. A mostly distinct column (NIKs) is
    parsed whole. With ``remember``, answers are kept per value across calls (``fn`` must
    depend on the value alone), so a small check, e.g. one API request, parses only what is
    new. Only vocabularies, wages and dates are remembered: a value that identifies a person
    (NIK, name, KPJ) must not outlive its check in the process's memory (UU 27/2022).
    """
    if _mostly_distinct(values):
        return fn(values)
    if isinstance(values.dtype, pd.StringDtype):  # Arrow strings hash in C++
        codes, arrow_uniques = pd.factorize(values, use_na_sentinel=False)
        uniques = np.asarray(arrow_uniques, dtype=object)
    else:
        codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    if len(uniques) * 2 > len(values) > _SMALL:
        return fn(values)
    answer = _remembered(fn, uniques) if remember else fn(pd.Series(uniques, dtype=object))

    def spread(part: pd.Series) -> pd.Series:
        if part.dtype == object or isinstance(part.dtype, pd.StringDtype):
            # Text answers spread as pointers (an Arrow take would copy every string).
            taken = part.to_numpy(dtype=object)[codes]
            return pd.Series(taken, index=values.index, dtype=object)
        out = part.iloc[codes]
        out.index = values.index
        return out

    if isinstance(answer, tuple):
        return (spread(answer[0]), spread(answer[1]))  # type: ignore[return-value]
    return spread(answer)  # type: ignore[return-value]


_SMALL = 1000
_MEMO_LIMIT = 50_000  # distinct values remembered per parser before starting afresh
_memo: dict[Callable[..., Any], dict[tuple[type, Any], tuple[Any, ...]]] = {}
_dtypes: dict[Callable[..., Any], tuple[Any, ...]] = {}
_memo_lock = threading.Lock()
_NA_KEY = (type(None), None)  # every missing value (None, NaN, NaT) is one key


def _remembered(fn: Callable[[pd.Series], T], uniques: np.ndarray) -> T:
    """``fn`` of the distinct values, computing only those not seen before."""
    keys = [_NA_KEY if u is None or u != u else (type(u), u) for u in uniques.tolist()]
    with _memo_lock:
        memo = _memo.setdefault(fn, {})
        known = [memo.get(k) for k in keys]
        dtypes = _dtypes.get(fn)
    missing = [i for i, row in enumerate(known) if row is None]
    if missing or dtypes is None:
        fresh = fn(pd.Series(uniques[missing], dtype=object))
        parts = fresh if isinstance(fresh, tuple) else (fresh,)
        dtypes = tuple(p.dtype for p in parts)
        rows = list(zip(*(p.tolist() for p in parts), strict=True))
        with _memo_lock:
            if len(memo) + len(rows) > _MEMO_LIMIT:
                memo.clear()
            for i, row in zip(missing, rows, strict=True):
                memo[keys[i]] = row
                known[i] = row
            _dtypes[fn] = dtypes
    columns = list(zip(*known, strict=True)) if known else [() for _ in dtypes]
    out = tuple(pd.Series(list(c), dtype=d) for c, d in zip(columns, dtypes, strict=True))
    return out if len(out) > 1 else out[0]  # type: ignore[return-value]


def _mostly_distinct(values: pd.Series, sample: int = 2000) -> bool:
    """A NIK or name column is distinct on nearly every row: its first rows tell, without
    hashing the whole column only to parse it whole anyway."""
    if len(values) < sample * 4:
        return False
    head = values.iloc[:sample].to_numpy(dtype=object)
    return len(pd.unique(head)) > sample * 0.95


def as_text(values: pd.Series, remember: bool = False) -> pd.Series:
    """Cell values as stripped text (object dtype); empty cells become ``""``.

    Floats that hold whole numbers print without ``.0`` so that a number typed into a
    text field reads as typed.
    """
    return by_unique(values, _as_text, remember)


def _as_text(values: pd.Series) -> pd.Series:
    if _all_text(values):
        # csv, parquet and text-formatted cells: Arrow strings, whose string methods run
        # in C++ (a regex per cell in Python costs about a microsecond).
        return values.astype("str").str.strip().fillna("")
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


def _all_text(values: pd.Series) -> bool:
    return infer_dtype(values, skipna=True) in ("string", "empty")


def is_number(values: pd.Series) -> pd.Series:
    """Which cells hold a number (Python or NumPy; a bool is not a number)."""
    if _all_text(values):
        return pd.Series(False, index=values.index)
    return (
        values.map(
            lambda v: (
                isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
            )
        ).astype(bool)
        & values.notna()
    )


def as_float(numbers: pd.Series) -> pd.Series:
    """Number cells as float64. An integer too large for a float (a 400-digit JSON number)
    becomes infinite, which every parser refuses as a value, instead of raising
    ``OverflowError`` and failing the whole check with it."""
    try:
        return numbers.astype(float)
    except OverflowError:  # rare: only then is each number looked at on its own
        return numbers.map(_float).astype(float)


def _float(value: Any) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def key(values: pd.Series) -> pd.Series:
    """A matching key: upper case, punctuation to spaces, single spaces."""
    return by_unique(values, _key, remember=True)


def _key(values: pd.Series) -> pd.Series:
    return _as_text(values).str.upper().str.replace(_NOT_KEY.pattern, " ", regex=True).str.strip()


_NOT_KEY = re.compile(r"[^0-9A-Z]+")


def key_of(value: str) -> str:
    """The same key for one string (vocabularies, headers, region names)."""
    return _NOT_KEY.sub(" ", value.strip().upper()).strip()


def distinct(names: list[str]) -> list[str]:
    """Names made distinct in order: a repeat becomes "Name (2)", "Name (3)"; tables keyed
    by name (roster headers, rustpy-xlsxwriter's rows) would otherwise merge columns."""
    seen: set[str] = set()
    out = []
    for name in names:
        candidate, n = name, 2
        while candidate in seen:
            candidate, n = f"{name} ({n})", n + 1
        seen.add(candidate)
        out.append(candidate)
    return out
