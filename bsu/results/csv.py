"""The result as CSV: every cell as the text a person typed, and no cell a spreadsheet
would run as a formula. Written to a temporary name and renamed into place."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from bsu.results.cells import number_text
from bsu.results.durable import atomic
from bsu.results.model import Result
from bsu.values.text import as_text


def write_csv(result: Result, out: Path | IO[str]) -> None:
    """Every cell as the text a person typed: 3200000, not 3200000.0; a NIK keeps its digits.

    The cells are ``as_text`` then ``neutralise``, quoted as the csv module quotes them, and
    joined into lines a column at a time rather than handed to a csv writer row by row.
    One difference from the csv module: a field holding a carriage return is quoted too;
    left bare, it ended the row for every reader.
    """
    write_table(result.table(), out)


def write_table(table: pd.DataFrame, out: Path | IO[str]) -> None:
    """``table`` as ``write_csv`` writes a result: its headers, then its cells as text."""
    columns = [_csv_cells(table.iloc[:, j]) for j in range(table.shape[1])]
    # Headers come from the roster too: a header typed as "=cmd" is neutralised like a cell.
    names = pd.Series([str(name) for name in table.columns], dtype=object)
    header = _quoted(neutralise(names).tolist())
    if isinstance(out, Path):
        with atomic(out) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as f:
            _write_lines(f, header, columns)
    else:
        _write_lines(out, header, columns)


_FORMULA_START = r"^[=+\-@\t\r\n]"
_PLAIN_NUMBER = r"-?[0-9]+(?:[.,][0-9]+)*"


def neutralise(cells: pd.Series) -> pd.Series:
    """Text a spreadsheet would run as a formula (=, +, -, @, tab, CR, LF first) gets a
    leading apostrophe (OWASP CSV injection); a plain negative number stays as it is."""
    risky = cells.str.match(_FORMULA_START).fillna(False) & ~cells.str.fullmatch(
        _PLAIN_NUMBER
    ).fillna(False)
    return cells.where(~risky, "'" + cells)


_CSV_EOL = os.linesep  # what DataFrame.to_csv ended its lines with
_CSV_CHUNK = 1 << 16  # rows joined into one string at a time
_RISKY_FIRST = frozenset("=+-@\t\r\n")  # the characters _FORMULA_START matches
_RISKY_AFTER_NUL = re.compile(r"\x00" + _FORMULA_START.removeprefix("^"))
_IS_PLAIN_NUMBER = re.compile(_PLAIN_NUMBER).fullmatch
_NEEDS_QUOTES = re.compile(r'[,"\r\n]').search
_NUMBERS = frozenset({int, float, type(None)})


def _write_lines(out: IO[str], header: list[str], columns: list[list[str]]) -> None:
    out.write(",".join(header) + _CSV_EOL)
    rows = len(columns[0]) if columns else 0
    for start in range(0, rows, _CSV_CHUNK):
        part = [column[start : start + _CSV_CHUNK] for column in columns]
        out.write(_CSV_EOL.join(map(",".join, zip(*part, strict=True))) + _CSV_EOL)


def _csv_cells(values: pd.Series) -> list[str]:
    return _quoted(_neutralised(_texts(values)))


def _texts(values: pd.Series) -> list[str]:
    """``as_text(values).tolist()``; a column of numbers takes a shortcut to the same text,
    each distinct number turned into text once."""
    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "iu":  # never missing
        return list(map(str, values.tolist()))
    if values.dtype.kind == "f" or (
        values.dtype == object and all(type(v) in _NUMBERS for v in values.tolist())
    ):
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        texts = np.array([*map(number_text, uniques.tolist()), ""], dtype=object)
        return list(texts[codes])  # code -1, a missing number, takes the "" at the end
    return as_text(values).tolist()


def _neutralised(texts: list[str]) -> list[str]:
    """``neutralise`` on a list of text, without a regex per cell: most columns have no
    cell that starts like a formula, which one search over the joined column shows."""
    if _RISKY_AFTER_NUL.search("\x00" + "\x00".join(texts)) is None:
        return texts
    return ["'" + t if t[:1] in _RISKY_FIRST and not _IS_PLAIN_NUMBER(t) else t for t in texts]


def _quoted(texts: list[str]) -> list[str]:
    """Fields as csv.QUOTE_MINIMAL writes them (a comma, quote or line break puts the field
    in quotes, a quote doubled), a carriage return counted as a line break."""
    if _NEEDS_QUOTES("".join(texts)) is None:
        return texts
    return [
        '"' + t.replace('"', '""') + '"' if "," in t or '"' in t or "\n" in t or "\r" in t else t
        for t in texts
    ]
