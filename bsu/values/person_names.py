"""People's names compared as a bank compares them, but told apart kindly: the holder of
an account against the worker it is meant for.

A bank's matching is strict ("any difference in spelling or word order"), so the
pre-check flags every difference that survives what is plainly not part of a name:
case, spacing, punctuation, titles and honorifics (H., Hj., Ir., S.E., Bpk., Ibu, ...),
and the order of the words. What is left is either the same name, a close one (a dropped
or added name, an initial, a spelling variant) or a different one.
"""

from __future__ import annotations

import difflib
import re
from enum import StrEnum

import pandas as pd

from bsu.values.text import as_text


class NameMatch(StrEnum):
    SAME = "same"
    CLOSE = "close"
    DIFFERENT = "different"


# Titles and honorifics written before or after a name (compared without punctuation).
_TITLE_WORDS = """
    H HJ HAJI HAJJAH IR DR DRS DRA PROF BPK BAPAK IBU IB SDR SDRI TN NY NN MR MRS MS
    SE SH SKOM SPD SSOS SAG SIP SKM SKEP SPSI SP SPT SST ST SM SKED MM MT MSI MPD
    MH MKOM MBA AMD AMKEP AMDKEB AMK AMA ALM ALMH
"""
_TITLES = frozenset(_TITLE_WORDS.split())
_NOT_LETTER = re.compile(r"[^A-Z ]+")
_CLOSE = 0.8


def key(names: pd.Series) -> pd.Series:
    """Each name as words without titles, sorted: "H. Budi Santoso, S.E." and "santoso
    budi" both give "BUDI SANTOSO"; "" when blank."""
    text = as_text(names).str.upper()
    # "S.E." and "S.Kom" are titles as a whole: join a title's letters before splitting.
    text = text.str.replace(r"\.(?=[A-Z]{1,4}\b)", "", regex=True)
    words = text.str.replace(_NOT_LETTER.pattern, " ", regex=True).str.split()
    return words.map(lambda ws: " ".join(sorted(w for w in ws if w not in _TITLES))).astype(object)


def compare(holders: pd.Series, workers: pd.Series) -> pd.Series:
    """Per row, how the holder's name compares with the worker's (``NameMatch`` values,
    as an object column); None when either is blank."""
    a, b = key(holders), key(workers)
    pairs = pd.Series(list(zip(a, b, strict=True)), index=holders.index, dtype=object)
    return pairs.map(lambda p: _match(*p)).astype(object)


def _match(holder: str, worker: str) -> str | None:
    if not holder or not worker:
        return None
    if holder == worker:
        return NameMatch.SAME.value
    h, w = holder.split(), worker.split()
    if set(h) <= set(w) or set(w) <= set(h):
        return NameMatch.CLOSE.value
    ratio = difflib.SequenceMatcher(None, holder, worker).ratio()
    return NameMatch.CLOSE.value if ratio >= _CLOSE else NameMatch.DIFFERENT.value
