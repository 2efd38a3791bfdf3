"""Which roster header means which canonical field, and what the other headers are.

Headers are compared after case-folding and dropping everything but ASCII letters and
digits, so "No. KTP/NIK", "NO KTP NIK" and "no_ktp_nik" are one header. ``header_key`` is
the one comparison: registry extracts match their extra columns with it too.

A header that names a field does so with a rank (``Field.preferred`` above its plain
``aliases`` above its ``weak`` ones), which decides between two columns whose cells look
alike (``bsu.rosters.choice``). A unit written in a wage header ("Gaji (ribu)", "Upah
(Rp 000)", "dalam jutaan") is read off before the header is looked up: ``unit_of``. Some
headers name no field but a clerk expects to hear of them: an employment start date is
not a BPJS registration date, overtime is not the monthly wage, the checker's own result
columns are not input (``other_kind``, ``checker_headings``).

An allowance header ("Tunjangan ...", "Tunj. ...", "Allowance ...") is read by what it
says of its kind (``allowance_kind``): one that says it is fixed ("Tunjangan Jabatan
(Tetap)") is a ``fixed_allowance`` column, added to the basic wage; known non-fixed pay
(overtime, meal, transport, attendance, bonus, "Tidak Tetap") never is; any other
("Tunjangan Jabatan") is of a kind that cannot be told, and is not added either.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bsu.core.fields import REGISTRY
from bsu.core.words import catalogue, say

WEAK, PLAIN, PREFERRED = 0, 1, 2


def header_key(text: object) -> str:
    """A header as compared: case-folded, ASCII letters and digits only."""
    return re.sub(r"[^0-9a-z]+", "", str(text).casefold())


def _keys(headers: Iterable[str]) -> frozenset[str]:
    return frozenset(header_key(h) for h in headers)


# Each header a field answers to (declared with the field, ``bsu.core.fields``), as
# compared, with its rank.
HEADER_RANKS: dict[str, tuple[str, int]] = {
    header_key(alias): (field.name, rank)
    for field in REGISTRY
    for rank, aliases in ((WEAK, field.weak), (PLAIN, field.aliases), (PREFERRED, field.preferred))
    for alias in aliases
}
HEADER_FIELDS: dict[str, str] = {key: name for key, (name, _) in HEADER_RANKS.items()}

# Units written in a wage header, most specific first: (pattern, factor). The text a unit
# is written with is removed before the header is looked up ("Gaji (ribu)" is "Gaji").
_UNITS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(pattern), factor)
    for pattern, factor in (
        (r"\b(?:dalam\s+)?juta(?:an)?\b|\bjt\b|x\s*1[.,]?000[.,]?000\b", 1_000_000),
        (r"\b(?:rp|idr)\.?\s*000[.,]?000\b|\(\s*000[.,]?000\s*\)", 1_000_000),
        (r"\b(?:dalam\s+)?ribu(?:an)?\b|\brb\b|x\s*1[.,]?000\b", 1000),
        (r"\b(?:rp|idr)\.?\s*000\b|\(\s*000\s*\)|\bin\s+thousands?\b|\bthousands?\b", 1000),
    )
)
# A header key that may hold a unit at all (most cells looked at are not headers).
_MAYBE_UNIT = re.compile(r"ribu|juta|jt|rb|000|thousand")
# What may be left of a header once its unit is read off: a currency and joining words.
_CURRENCY = re.compile(r"\b(?:rp|idr|rupiah|dalam|in)\b\.?")


def unit_of(header: object) -> tuple[str, int]:
    """The header without its unit, and the factor the unit stands for (1: none)."""
    text = str(header).casefold()
    for pattern, factor in _UNITS:
        if pattern.search(text):
            return pattern.sub(" ", text), factor
    return text, 1


@dataclass(frozen=True)
class Named:
    """What a header names: a field, with the header's rank and the wage unit in it."""

    field: str
    rank: int
    factor: int = 1


def recognise(header: object) -> Named | None:
    """The field a header names (as written, without its currency, or once its unit is
    read off), if any; an allowance header that says it is fixed names ``fixed_allowance``."""
    if header is None:
        return None
    key = header_key(header)
    found = HEADER_RANKS.get(key)
    if found is not None:
        return Named(*found)
    text, factor = str(header).casefold(), 1
    if _MAYBE_UNIT.search(key):
        text, factor = unit_of(header)
    for key in (header_key(text), header_key(_CURRENCY.sub(" ", text))):
        found = HEADER_RANKS.get(key)
        if found is not None:
            return Named(*found, factor=factor)
    if allowance_kind(text) == FIXED:
        return Named("fixed_allowance", PLAIN, factor)
    return None


# What an allowance header says of its kind (the words compared once case-folded, each
# run of other characters a space): ``FIXED`` is added to the basic wage, ``NOT_FIXED``
# never is, ``UNKNOWN`` cannot be told (never added, and named in a notice).
FIXED, NOT_FIXED, UNKNOWN = "fixed", "not_fixed", "unknown"
_ALLOWANCE = re.compile(r"\b(?:tunjangan|tunj|tunjang|allowances?)\b")
_SAYS_FIXED = re.compile(r"\b(?:tetap|fixed)\b")
_SAYS_NOT_FIXED = re.compile(
    r"\b(?:tidak|non|bukan|not)\s?(?:tetap|fixed)\b|\bnon(?:tetap|fixed)\b|\bvariab(?:el|le)\b"
)
# Pay that is not fixed whatever its header says: overtime, meal, transport, attendance,
# bonus, THR, incentives, commission, premiums.
_NOT_FIXED_PAY = re.compile(
    r"\b(?:lembur|overtime|makan|meal|transport\w*|kehadiran|hadir|attendance|bonus|thr"
    r"|insentif|incentives?|komisi|commissions?|premi|shift)\b"
)


def _words(text: object) -> str:
    return " ".join(re.findall(r"[0-9a-z]+", str(text).casefold()))


def allowance_kind(header: object) -> str | None:
    """``FIXED``, ``NOT_FIXED`` or ``UNKNOWN`` for a header naming an allowance (or pay
    that is never fixed); None for any other header."""
    words = _words(header)
    if _NOT_FIXED_PAY.search(words) or _SAYS_NOT_FIXED.search(words):
        return NOT_FIXED if _ALLOWANCE.search(words) else None
    if not _ALLOWANCE.search(words):
        return None
    return FIXED if _SAYS_FIXED.search(words) else UNKNOWN


def field_for(header: object) -> str | None:
    """The canonical field a header names, if any."""
    named = recognise(header)
    return named.field if named is not None else None


# Columns a clerk expects the checker to know, which no field is read from; each with the
# code of why it is not judged (``reading_<code>`` in ``rules/words/reading.yaml``).
START_DATES = _keys(
    (
        "Tgl Masuk",
        "Tanggal Masuk",
        "Tgl Masuk Kerja",
        "Tanggal Masuk Kerja",
        "TMT",
        "TMT Kerja",
        "TMT Bekerja",
        "TMT Karyawan",
        "TMT Pegawai",
        "Tgl Mulai Bekerja",
        "Tanggal Mulai Bekerja",
        "Tgl Mulai Kerja",
        "Tanggal Mulai Kerja",
        "Tgl Bergabung",
        "Tanggal Bergabung",
        "Tanggal Join",
        "Join Date",
        "Joining Date",
        "Hire Date",
        "Start Date",
        "Tgl Awal Kerja",
    )
)
OTHER_PAY = _keys(
    (
        "Lembur",
        "Uang Lembur",
        "Upah Lembur",
        "Overtime",
        "Tunjangan Tidak Tetap",
        "Tunjangan Makan",
        "Tunjangan Transport",
        "Tunjangan Transportasi",
        "Tunjangan Kehadiran",
        "Uang Makan",
        "Uang Transport",
        "THR",
        "Bonus",
        "Insentif",
        "Komisi",
        "Premi",
        "Potongan",
        "Total Potongan",
        "Iuran BPJS",
        "PPh 21",
        "Gaji Bersih",
        "Upah Bersih",
        "Take Home Pay",
        "THP",
        "Net Salary",
    )
)
NOT_JUDGED = _keys(
    (
        "Unit Kerja",
        "Jabatan",
        "Departemen",
        "Department",
        "Divisi",
        "Bagian",
        "Nama Perusahaan",
        "No Karyawan",
        "Nomor Karyawan",
        "No Induk Karyawan",
        "Nomor Induk Karyawan",
        "NIP",
        "ID Karyawan",
        "ID Pegawai",
        "Kode Karyawan",
        "Employee ID",
        "Employee Number",
    )
)


def other_kind(header: object) -> str | None:
    """Why a header naming no field is not judged, for the ones a clerk should hear of."""
    key = header_key(header)
    if key in START_DATES:
        return "start_date"
    if key in OTHER_PAY or header_key(unit_of(header)[0]) in OTHER_PAY:
        return "other_pay"
    kind = allowance_kind(unit_of(header)[0])
    if kind == NOT_FIXED:
        return "other_pay"
    if kind == UNKNOWN:
        return ALLOWANCE_KIND_UNKNOWN
    if key in NOT_JUDGED:
        return "not_judged"
    return None


# The code of an allowance column whose kind cannot be told (``reading_<code>``).
ALLOWANCE_KIND_UNKNOWN = "allowance_kind_unknown"


# The columns the checker puts before a roster's own in its result file: each is worded
# by a catalogue key ``results_column_<key>`` (``bsu.results.columns``); a re-uploaded
# result file holds them.
_CHECKER_COLUMN = "results_column_"


@functools.cache
def checker_headings() -> dict[str, frozenset[str]]:
    """Each of the checker's result columns (by key) as its headings compare, in either
    language."""
    return {
        key.removeprefix(_CHECKER_COLUMN): _keys(say(key, lang) for lang in ("id", "en"))
        for key in catalogue()
        if key.startswith(_CHECKER_COLUMN)
    }


def checker_columns(cells: Iterable[object]) -> set[int]:
    """The positions of a header row that are the checker's own result columns: only when
    the row holds the result file's status and reason-code columns, so that a roster's own
    "Status" or "Keterangan" column is never taken for the checker's."""
    headings = checker_headings()
    keys = [header_key(c) if c is not None else "" for c in cells]
    if not (set(keys) & headings["status"] and set(keys) & headings["codes"]):
        return set()
    every = frozenset().union(*headings.values())
    return {j for j, key in enumerate(keys) if key in every}
