"""Where else a repeated NIK is held: the places a duplicate reason names.

A NIK may appear twice in one roster (a row copied) or in two employers' rosters (a worker
claimed twice). For each row whose NIK repeats, the other places holding it are listed as
(source, sheet, row), split into the same roster file and the others; ``explain`` words
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bsu.core.records import ROW, SHEET, SOURCE

PLACES_LISTED = 10


@dataclass(frozen=True)
class Upload:
    """Another upload of the same round holding the NIK as eligible (``Evidence.claims``):
    its batch (short id) and employer, or None where the caller may not be told whose it
    is."""

    batch: str
    employer: str | None


@dataclass(frozen=True)
class More:
    """Stands for the places of a repeated NIK left unnamed."""

    count: int


def find(gathered: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """For each row holding a valid NIK that another row holds too (within the same
    ``duplicate_scope`` when there is one), the other places in the same roster file and
    those in other files; None for the rest."""
    valid = gathered["nik_valid"]
    keyed = gathered["nik"].astype(object)
    if "duplicate_scope" in gathered:
        keyed = gathered["duplicate_scope"].astype(object) + "|" + keyed
    repeated = valid & keyed.where(valid).duplicated(keep=False)
    return other_locations(gathered, repeated, keyed)


def other_locations(
    ev: pd.DataFrame, repeated: pd.Series, keyed: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """For each row whose NIK repeats, the other rows holding it as (source, sheet, row):
    those in the same roster file, and those in other employers' rosters.

    At most ``PLACES_LISTED`` of each are named, then ``More(n)`` for the n others:
    a NIK dragged down a whole column would otherwise cost rows x rows.
    """
    if not repeated.any():
        empty = pd.Series(None, index=ev.index, dtype=object)
        return empty, empty.copy()
    dup = ev.loc[repeated, [SOURCE, SHEET, ROW]]
    files = dup[SOURCE].astype(object).where(dup[SOURCE].notna(), None).tolist()
    keys = keyed[repeated].tolist()
    places = list(zip(dup[SOURCE], dup[SHEET], dup[ROW], strict=True))
    # One pass: per NIK and file, the first few places and how many there are.
    first: dict[Any, dict[Any, list[tuple[Any, ...]]]] = {}
    count: dict[Any, dict[Any, int]] = {}
    for k, f, place in zip(keys, files, places, strict=True):
        listed = first.setdefault(k, {}).setdefault(f, [])
        if len(listed) <= PLACES_LISTED:
            listed.append(place)
        per_file = count.setdefault(k, {})
        per_file[f] = per_file.get(f, 0) + 1
    same: list[list[Any]] = []
    elsewhere: list[list[Any]] = []
    for k, f, me in zip(keys, files, places, strict=True):
        mine = [p for p in first[k][f] if p != me][:PLACES_LISTED]
        more_mine = count[k][f] - 1 - len(mine)
        theirs: list[Any] = []
        for other, listed in first[k].items():
            if other != f:
                theirs.extend(listed[: PLACES_LISTED - len(theirs)])
        more_theirs = sum(n for other, n in count[k].items() if other != f) - len(theirs)
        same.append([*mine, More(more_mine)] if more_mine else mine)
        elsewhere.append([*theirs, More(more_theirs)] if more_theirs else theirs)
    return (
        pd.Series(same, index=dup.index, dtype=object).reindex(ev.index),
        pd.Series(elsewhere, index=dup.index, dtype=object).reindex(ev.index),
    )


def with_uploads(
    elsewhere: pd.Series, nik: pd.Series, valid: pd.Series, claims: pd.DataFrame
) -> pd.Series:
    """``elsewhere`` with, for each valid NIK that other uploads claim, an ``Upload`` place
    per upload (``claims``: ``Evidence.claims``). One grouping of the claims, one map."""
    if claims.empty:
        return elsewhere
    places = pd.Series(
        [
            Upload(b[:8], e if isinstance(e, str) else None)
            for b, e in zip(claims["batch_id"], claims["employer"], strict=True)
        ],
        index=claims.index,
        dtype=object,
    )
    per_nik = places.groupby(claims["nik"].to_numpy(), sort=False).agg(list)
    hit = valid & nik.isin(per_nik.index)
    if not hit.any():
        return elsewhere
    out = elsewhere.astype(object).copy()
    found = nik[hit].map(per_nik)
    out[hit] = [
        (list(before) if isinstance(before, list) else []) + uploads
        for before, uploads in zip(out[hit], found, strict=True)
    ]
    return out


def nonempty(lists: pd.Series) -> pd.Series:
    """Rows holding a non-empty list (only repeated NIKs hold one: the rest is skipped)."""
    held = lists.notna().to_numpy()
    out = np.zeros(len(lists), dtype=bool)
    out[held] = [bool(x) for x in lists.to_numpy()[held]]
    return pd.Series(out, index=lists.index)
