"""Rows under a roster's header row that are not workers: blank separator rows, the header
row repeated (on every printed page, or where rosters were pasted together), totals and
subtotals, column numbers under the header, and the signature and note blocks below the
table. They are listed with the reason and judged in no status.

The principle: a row with a name or a NIK is never dropped silently; when in doubt it is
judged (and its own reasons, e.g. a missing NIK, flag it). So a row with an identity-like
NIK cell (digits, no letters) is never looked at, a row with a name inside the table is a
worker whose NIK is missing, and a row below the table with a name and a wage or a date is
judged too.

Works column by column: the one pass over every row is the NIK column's (does the cell
look like an identity number?); only the few rows whose NIK cell does not are looked at
closer, still column by column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from bsu.core import wages
from bsu.rosters.headers import header_key
from bsu.rosters.reading import Note, SkippedRow
from bsu.values import account

QUOTE_CHARS = 60  # a quoted cell is cut to this many characters
# A number in a quoted cell, perhaps grouped by one kind of separator ("0123-01-012345-50-1").
# Of 10 digits or more it is an account number or a NIK: a note is read by people and
# kept, so it shows one as the terminal shows an account ("123*******890"), never in full.
_NUMBER_TEXT = re.compile(r"(?<![0-9])[0-9]+(?:([ .\-])[0-9]+(?:\1[0-9]+)*)?(?![0-9])")
_LONG, _LONGEST_AMOUNT = 10, 12
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")  # an amount, "1.250.000.000"
LEADING_ROWS = 2  # rows under the header looked at closer whatever their NIK cell holds

# An identity-like NIK cell: a digit and no letter (``e`` is allowed for a number written
# by a float, "3.2730560109e+15").
_ID_LIKE = r"^[^A-DF-Za-df-z]*[0-9][^A-DF-Za-df-z]*$"

# Totals words, on text as ``_words`` leaves it (case-folded, words separated by a space).
_TOTAL = re.compile(
    r"(?:sub ?total|grand total|total|jumlah|jml|rekapitulasi)"
    r"(?: (?:karyawan|pekerja|tenaga kerja|peserta|upah|gaji|keseluruhan|seluruhnya|akhir"
    r"|semua|total|per halaman|halaman ini))*"
    r"(?: \d+(?: orang)?)?"
)
# A number as a cell holds it: 3200000, 3.200.000, Rp 3.200.000,-, 3,200,000.00, (1).
_NUMBER = re.compile(
    r"\(?(?:rp\.?\s*)?[-+]?(?:\d{1,3}(?:[.,\s]\d{3})+|\d+)(?:[.,]\d+)?(?:,-)?\)?",
    re.IGNORECASE,
)
# A date as a cell may hold it as text: 2024-01-15, 15/01/2024, 15 Januari 2024.
_DATE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{1,2}\s+[A-Za-z]+\s+\d{4}")
# The signature block: who signs, where and when, "(name)" in brackets.
_SIGNATURE_WORDS = re.compile(
    r"^(?:mengetahui|menyetujui|disetujui|dibuat|diperiksa|diketahui|hormat kami|ttd"
    r"|tanda tangan|tertanda|cap|stempel|materai|meterai|prepared|approved|checked)\b"
    r"|\b(?:manager|manajer|direktur|director|direksi|hrd|hrga|personalia|kepala|pimpinan"
    r"|bendahara|supervisor|owner|pemilik|komisaris|ketua|sekretaris|staf|staff|admin)\b"
)
_SIGNATURE_TEXT = re.compile(
    r"^[^\d,]{2,40},\s*\d{1,2}(?:[\s\-/.]+[A-Za-z]+[\s\-/.]+|[-/.]\d{1,2}[-/.])\d{2,4}$"
    r"|^\(.*\)$|^[_.\-\s]{3,}$"
)
# Notes: what the table means, where it came from.
_NOTE_WORDS = re.compile(
    r"^(?:catatan|keterangan|ket|note|notes|nb|sumber|source|dicetak|printed|data per"
    r"|disclaimer|perhatian)\b"
)
_NOTE_TEXT = re.compile(r"^[*#]")

_SIGNATURE, _NOTE, _BELOW = "row_signature", "row_note", "row_below_table"


def not_workers(
    body: pd.DataFrame, mapping: Mapping[str, int], header: Sequence[Any]
) -> tuple[np.ndarray, tuple[SkippedRow, ...]]:
    """body: the table under the header row, index = the sheet's row numbers (as the
    spreadsheet shows them), columns = positions 0..n-1 (cells as read: str, float, int,
    datetime/date, None/NaN, pandas NA). mapping: canonical field name ('nik', 'name',
    'wage', 'registered_on', ...) -> column position (may lack any field but 'nik').
    header: the header row's cells by position. Returns a boolean numpy array, True for
    each body row that is not a worker (blank rows included), and a SkippedRow(row, Note)
    for each such row, in row order.

    Blank rows after the last row that holds anything are the end of the sheet (Excel's
    used range often reaches past the table): they are True but not listed."""
    flags = np.zeros(len(body), dtype=bool)
    if body.empty:
        return flags, ()
    closer = ~_id_like(body.iloc[:, mapping["nik"]])
    closer[:LEADING_ROWS] = True  # the columns numbered under the header, "(1)", "(2)", ...
    candidates = np.flatnonzero(closer)
    if candidates.size == 0:
        return flags, ()
    look = _Look(body.iloc[candidates], mapping, header)
    codes = look.codes()
    # Below the table: after the last row whose NIK cell is filled, a row that is not a
    # worker's (no name with a wage or a date) is the signature or note block.
    table_end = _table_end(len(body), candidates, look, codes)
    below = (candidates > table_end) & (codes == "") & ~look.worker_like()
    codes[below] = look.block_kinds(below)
    flagged = codes != ""
    flags[candidates[flagged]] = True
    last_filled = _last_filled(len(body), candidates, codes)
    rows = body.index.to_numpy()
    skipped = tuple(
        SkippedRow(int(rows[at]), _note(code, word))
        for at, code, word in zip(
            candidates[flagged], codes[flagged], look.quoted(codes)[flagged], strict=True
        )
        if at <= last_filled
    )
    return flags, skipped


class _Look:
    """The candidate rows (their NIK cell is not identity-like), looked at column by column."""

    def __init__(self, rows: pd.DataFrame, mapping: Mapping[str, int], header: Sequence[Any]):
        self.mapping = mapping
        self.header = header
        self.size = len(rows)
        self.columns = [rows.iloc[:, j] for j in range(rows.shape[1])]
        self.texts = [_text(c) for c in self.columns]
        self.blanks = [t.eq("").to_numpy() for t in self.texts]
        self.numbers = [
            ~b & t.str.fullmatch(_NUMBER).fillna(False).to_numpy(dtype=bool)
            for t, b in zip(self.texts, self.blanks, strict=True)
        ]
        self.first = _first_filled(self.texts, self.blanks)
        self.total_word = self.total_words()

    def wage_at(self) -> int | None:
        """The column of the wage: the total, or else the part the wage is built from."""
        return next((self.mapping[n] for n in wages.SOURCES if n in self.mapping), None)

    def cell(self, name: str) -> pd.Series | None:
        at = self.mapping.get(name)
        return self.texts[at] if at is not None and at < len(self.texts) else None

    def codes(self) -> np.ndarray:
        """Each candidate row's reason code ("" = judged), before the block below the table."""
        codes = np.full(self.size, "", dtype=object)
        blank = np.logical_and.reduce(self.blanks)
        nik = self.cell("nik")
        assert nik is not None
        nik_digits = nik.str.count(r"[0-9]").to_numpy()
        name = self.cell("name")
        no_name = (
            np.ones(self.size, dtype=bool)
            if name is None
            else ~name.str.contains(r"[^\W\d_]", regex=True).to_numpy(dtype=bool)
        )
        total_word = self.total_word
        name_is_total = np.zeros(self.size, dtype=bool) if name is None else _is_total(name)
        numbers = np.sum(self.numbers, axis=0)
        filled = np.sum([~b for b in self.blanks], axis=0)
        only_numbers = (nik_digits == 0) & no_name & (filled > 0) & (numbers == filled)
        wage_at = self.wage_at()
        wage_number = (
            self.numbers[wage_at]
            if wage_at is not None and wage_at < len(self.numbers)
            else np.zeros(self.size, dtype=bool)
        )
        rules = [
            (blank, "row_blank"),
            (self.repeated_header(), "row_repeated_header"),
            (nik_digits >= 16, ""),  # a whole NIK: judged, whatever else the row holds
            ((nik_digits == 0) & (total_word != "") & (no_name | name_is_total), "row_total"),
            (
                no_name & (numbers >= 3) & (numbers == filled) & self.column_numbers(),
                "row_column_numbers",
            ),
            (only_numbers & (numbers == 1) & ~wage_number, "row_number_only"),
            (only_numbers, "row_sums"),
        ]
        decided = np.zeros(self.size, dtype=bool)
        for mask, code in rules:
            codes[mask & ~decided] = code
            decided |= mask
        return codes

    def total_words(self) -> np.ndarray:
        """The first cell of each row that is a totals word (as written), or ""."""
        word = np.full(self.size, "", dtype=object)
        for text, blank in zip(self.texts, self.blanks, strict=True):
            hit = ~blank & _is_total(text) & (word == "")
            word[hit] = text.to_numpy()[hit]
        return word

    def repeated_header(self) -> np.ndarray:
        """Rows whose cells equal the header row's in the NIK column and in most of the
        mapped columns."""
        positions = sorted({at for at in self.mapping.values() if at < len(self.texts)})
        same = {
            at: self.texts[at]
            .str.casefold()
            .str.replace(r"[^0-9a-z]+", "", regex=True)
            .eq(header_key(self.header[at]) if at < len(self.header) else "")
            .to_numpy(dtype=bool)
            & ~self.blanks[at]
            for at in positions
        }
        count = np.sum(list(same.values()), axis=0)
        return np.asarray(same[self.mapping["nik"]] & (count * 2 > len(positions)), dtype=bool)

    def column_numbers(self) -> np.ndarray:
        """Rows whose numbers are 1, 2, 3, ... from left to right (the columns numbered
        under the header, as government forms do)."""
        ok = np.ones(self.size, dtype=bool)
        seen = np.zeros(self.size, dtype=int)
        for text, number in zip(self.texts, self.numbers, strict=True):
            value = pd.to_numeric(text.str.strip("()"), errors="coerce").to_numpy(dtype=float)
            seen = seen + number
            ok &= ~number | (value == seen)
        return ok

    def worker_like(self) -> np.ndarray:
        """A name with a wage-like number or a date: a worker, judged even below the table."""
        name = self.cell("name")
        has_name = (
            np.ones(self.size, dtype=bool)
            if name is None
            else name.str.contains(r"[^\W\d_]", regex=True).to_numpy(dtype=bool)
        )
        data = np.zeros(self.size, dtype=bool)
        if (at := self.wage_at()) is not None and at < len(self.numbers):
            data |= self.numbers[at]
        if (at := self.mapping.get("registered_on")) is not None and at < len(self.columns):
            cells = self.columns[at]
            data |= cells.map(lambda v: isinstance(v, date)).to_numpy(dtype=bool)
            data |= self.texts[at].str.contains(_DATE).fillna(False).to_numpy(dtype=bool)
        return has_name & data

    def block_kinds(self, below: np.ndarray) -> np.ndarray:
        """Signature, note or other text below the table, for the rows ``below``; a row
        that says nothing itself belongs to the block above it ("Budi Santoso" under
        "HRD Manager")."""
        first = pd.Series(self.first[below], dtype=object)
        signature, note = _block_text(first)
        kind = np.full(len(first), None, dtype=object)
        kind[signature] = _SIGNATURE
        kind[note] = _NOTE
        return pd.Series(kind).ffill().fillna(_BELOW).to_numpy(dtype=object)

    def quoted(self, codes: np.ndarray) -> np.ndarray:
        """The words each reason quotes: the totals word, or the row's first cell."""
        quote = np.where(codes == "row_total", self.total_word, self.first)
        return np.array([_masked(str(q))[:QUOTE_CHARS] for q in quote], dtype=object)


def _masked(text: str) -> str:
    """``text`` with every long number masked (an amount written with thousands dots is
    no one's number and stays)."""
    if not any(c.isdigit() for c in text):
        return text

    def one(found: re.Match[str]) -> str:
        number = found.group(0)
        digits = re.sub(r"[^0-9]", "", number)
        amount = len(digits) <= _LONGEST_AMOUNT and _THOUSANDS.fullmatch(number)
        if len(digits) < _LONG or amount:
            return number
        return account.masked(digits)

    return _NUMBER_TEXT.sub(one, text)


def _id_like(cells: pd.Series) -> np.ndarray:
    """Whether each cell looks like an identity number (a number, or text with digits and
    no letters): the one test every row goes through."""
    if not (pd.api.types.is_object_dtype(cells) or pd.api.types.is_string_dtype(cells)):
        return cells.notna().to_numpy(dtype=bool, copy=True)
    if not pd.api.types.is_object_dtype(cells):
        return _matches(cells)
    kind = pd.api.types.infer_dtype(cells, skipna=True)
    if kind in ("floating", "integer", "mixed-integer-float", "decimal"):
        return cells.notna().to_numpy(dtype=bool)  # number cells (an .xlsx NIK typed as one)
    if kind == "string":
        return _matches(cells.astype("str"))
    # Numbers and text mixed: the numbers at C speed, only the text through the pattern.
    like = pd.to_numeric(cells, errors="coerce").notna().to_numpy(dtype=bool, copy=True)
    rest = np.flatnonzero(~like & cells.notna().to_numpy(dtype=bool))
    like[rest] = _matches(cells.iloc[rest].astype("str"))
    return like


def _matches(text: pd.Series) -> np.ndarray:
    return text.str.match(_ID_LIKE).fillna(False).to_numpy(dtype=bool)


def _text(cells: pd.Series) -> pd.Series:
    """Each cell as stripped text, "" for a blank one."""
    missing = cells.isna().to_numpy(dtype=bool)
    text = cells.astype("str").str.strip()
    text = text.where(~missing, "")
    return text.fillna("").reset_index(drop=True)


def _words(text: pd.Series) -> pd.Series:
    return text.astype("str").str.casefold().str.replace(r"[^0-9a-z]+", " ", regex=True).str.strip()


def _is_total(text: pd.Series) -> np.ndarray:
    return _words(text).str.fullmatch(_TOTAL).fillna(False).to_numpy(dtype=bool)


def _first_filled(texts: list[pd.Series], blanks: list[np.ndarray]) -> np.ndarray:
    size = len(blanks[0]) if blanks else 0
    first = np.full(size, "", dtype=object)
    for text, blank in zip(texts, blanks, strict=True):
        hit = ~blank & (first == "")
        first[hit] = text.to_numpy()[hit]
    return first


def _table_end(size: int, candidates: np.ndarray, look: _Look, codes: np.ndarray) -> int:
    """The position of the last row whose NIK cell is filled (holds a digit) and which is
    not itself a total or a line of the block below ("Bekasi, 30 April 2025" typed in the
    NIK column); the body's length when there is none, so that no row is below it."""
    nik = look.cell("nik")
    assert nik is not None
    digits = nik.str.count(r"[0-9]").to_numpy()
    signature, note = _block_text(nik)
    filled_candidates = (digits > 0) & (codes == "") & ~((signature | note) & (digits < 16))
    filled = np.ones(size, dtype=bool)
    filled[candidates] = filled_candidates
    found = np.flatnonzero(filled)
    return int(found[-1]) if found.size else size


def _last_filled(size: int, candidates: np.ndarray, codes: np.ndarray) -> int:
    """The position of the last row that holds anything."""
    filled = np.ones(size, dtype=bool)
    filled[candidates] = codes != "row_blank"
    found = np.flatnonzero(filled)
    return int(found[-1]) if found.size else -1


def _block_text(first: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Whether each text is a line of a signature block, and of a note."""
    words = _words(first)
    signature = words.str.match(_SIGNATURE_WORDS) | first.str.match(_SIGNATURE_TEXT)
    note = words.str.match(_NOTE_WORDS) | first.str.match(_NOTE_TEXT)
    return (
        signature.fillna(False).to_numpy(dtype=bool),
        note.fillna(False).to_numpy(dtype=bool),
    )


def _note(code: str, quote: str) -> Note:
    if code in ("row_total", _SIGNATURE, _NOTE, _BELOW):
        return Note.of(code, text=quote)
    return Note.of(code)
