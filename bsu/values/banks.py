"""Banks as people write them: "Bank Rakyat Indonesia", "BRI", "bri unit", "BRI Unit
Cikarang", "PT. Bank Rakyat Indonesia (Persero) Tbk", "002" and "(002) BRI" are one bank.

Names are compared as words, ignoring case, punctuation and the words every bank's legal
name carries ("PT", "Bank", "Persero", "Tbk"). A name that begins with a known one ("BRI
Unit Cikarang", "Mandiri KCP Bekasi") is that bank, the longest known name winning ("BRI
Syariah ..." is not BRI). A number of up to three digits is a bank code ("2" is "002").
Work is done once per distinct text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from bsu.values.text import as_text, by_unique

_NOT_WORD = re.compile(r"[^0-9A-Z]+")
_NOISE = frozenset({"PT", "TBK", "PERSERO", "PERSEROAN", "BANK"})
_CODE = re.compile(r"[0-9]{1,3}")
UNKNOWN = ""  # what ``identify`` gives a bank it cannot name


def key(text: str) -> str:
    """A bank name as compared: "PT. Bank Rakyat Indonesia (Persero) Tbk" -> "RAKYAT
    INDONESIA"."""
    words = _NOT_WORD.sub(" ", text.upper()).split()
    return " ".join(w for w in words if w not in _NOISE)


def identify(values: pd.Series, names: Mapping[str, str], codes: Mapping[str, str]) -> pd.Series:
    """Per cell, the bank's id from ``names`` (``key`` of a name -> id) or ``codes`` ("002"
    -> id); ``UNKNOWN`` for a bank that is neither, None for a blank cell."""
    longest = max((len(k.split()) for k in names), default=0)

    def one(text: str) -> str | None:
        if not text:
            return None
        full = key(text)
        if full in names:
            return names[full]
        words = full.split()
        numbers = [w for w in words if _CODE.fullmatch(w)]
        rest = [w for w in words if not _CODE.fullmatch(w)]
        for n in range(min(longest, len(rest)), 0, -1):
            found = names.get(" ".join(rest[:n]))
            if found is not None:
                return found
        for number in numbers:
            found = codes.get(number.zfill(3))
            if found is not None:
                return found
        return UNKNOWN

    def each(texts: pd.Series) -> pd.Series:
        return as_text(texts).map(one).astype(object)

    return by_unique(values, each, remember=False)
