"""Which column each field is read from, when a header row offers several, and saying so.

Every header that names a field is a candidate for it (``headers.recognise``), and so is
a header the person reading named for it (``ReadOptions.mapping``), which wins outright.
Otherwise the column whose cells look like the field wins (16-digit NIKs, rupiah amounts,
dates: a sample of its first non-blank cells, read by the field's own parser), then the
more precise header ("NIK KTP" over "NIK", "Total Upah" over "Gaji Pokok"), then the
leftmost. Every candidate not chosen is listed with why, as are the columns a clerk
expects to hear of though no field is read from them (a start date, overtime, the
checker's own result columns); a wage header's unit ("Gaji (ribu)") scales its values.

The wage: a total ("Total Upah", "Upah Dilaporkan") is read as it is, and the wage's parts
beside it (basic wage, fixed allowances, daily wage) are listed as not used; without a
total, the parts are read and the engine builds the wage from them (``bsu.core.wages``).
Every column of fixed allowances is read, summed per row ("Tunjangan Tetap" and
"Tunjangan Jabatan (Tetap)", or those named by ``--map fixed_allowance=...``, which adds
to them); an allowance column of a kind that cannot be told is named in a notice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bsu.core import wages
from bsu.core.words import both
from bsu.errors import RosterError, Where
from bsu.rosters.headers import (
    ALLOWANCE_KIND_UNKNOWN,
    WEAK,
    checker_columns,
    header_key,
    other_kind,
    recognise,
    unit_of,
)
from bsu.rosters.reading import Headers, IgnoredColumn, Note, headers_of
from bsu.values import dates, nik, wage
from bsu.values.text import as_text

# How many of a column's first non-blank cells are looked at, and the share of them that
# must look like the field for the column to be taken as holding it.
SAMPLE = 200
LOOKS_LIKE = 0.5
# Why a candidate whose cells do not look like its field was passed over, by field.
_NOT_LIKE = {
    "nik": "not_nik",
    "wage": "not_wage",
    "basic_wage": "not_wage",
    "daily_wage": "not_wage",
    "registered_on": "not_date",
}
_UNIT_NOTICES = {1000: "wage_in_thousands", 1_000_000: "wage_in_millions"}
# Fields of rupiah amounts, whose header may give a unit ("Gaji Pokok (ribu)").
_MONEY = frozenset(wages.PARTS)
# The wage's parts, and why each is not used when a total stands beside it.
_BESIDE_TOTAL = {
    "basic_wage": "basic_wage",
    "fixed_allowance": "fixed_allowance_beside_total",
    "daily_wage": "daily_wage_beside_total",
}
_MOST_HEADERS_LISTED = 40


@dataclass(frozen=True)
class Candidate:
    """A column that could hold ``field``."""

    position: int
    field: str
    rank: int
    factor: int = 1
    mapped: bool = False


def candidates(cells: Sequence[Any], mapping: Mapping[str, Headers]) -> list[Candidate]:
    """Each column of a header row that could hold a field: the headers named in
    ``mapping`` for their field, and every header naming a field (the checker's own
    result columns excepted), left to right."""
    mapped = {header_key(h): name for name, value in mapping.items() for h in headers_of(value)}
    theirs = checker_columns(cells)
    found: list[Candidate] = []
    for j, cell in enumerate(cells):
        if not isinstance(cell, str | int | float) or not str(cell).strip():
            continue
        if header_key(cell) in mapped:
            factor = unit_of(cell)[1]
            found.append(Candidate(j, mapped[header_key(cell)], WEAK, factor, mapped=True))
            continue
        if j in theirs:
            continue
        named = recognise(cell)
        if named is not None:
            found.append(Candidate(j, named.field, named.rank, named.factor))
    return found


@dataclass(frozen=True)
class Choice:
    """The column each field is read from, and what the reading report says of it."""

    mapping: dict[str, int]  # field -> column position
    factors: dict[str, int] = field(default_factory=dict)  # field -> unit factor (not 1)
    ignored: tuple[tuple[int, IgnoredColumn], ...] = ()  # by column position
    notices: tuple[Note, ...] = ()
    # field -> the other candidates (position, unit factor), best first, that may fill a
    # row the chosen column leaves blank (a table that puts several rosters' columns side
    # by side, as the checker's own result workbook does).
    fallbacks: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    # field -> the columns (position, unit factor, header) summed into it, when several.
    sums: dict[str, tuple[tuple[int, int, str], ...]] = field(default_factory=dict)

    def read(self, body: pd.DataFrame, name: str) -> tuple[pd.Series, tuple[int, ...]]:
        """Field ``name``'s cells: its column, in rupiah where the header gives a unit, a
        blank cell filled from the first other candidate whose cell there looks like the
        field (a 16-digit NIK, an amount, a date; never the column a mapping replaced), or
        the sum of its columns (``sums``); and the positions it was read from."""
        if name in self.sums:
            return summed(body, self.sums[name]), tuple(p for p, _, _ in self.sums[name])
        position = self.mapping[name]
        values = _in_rupiah(body.iloc[:, position], self.factors.get(name, 1))
        used = [position]
        for other, factor in self.fallbacks.get(name, ()):
            blank = ~_present(values)
            if not blank.any():
                break
            cells = body.iloc[:, other][blank]
            cells = cells[_present(cells)]
            if cells.empty:
                continue
            looks = _LOOKS.get(name)
            if looks is not None:
                cells = cells[looks(cells)]
            if cells.empty:
                continue
            values = values.astype(object).copy()
            values[cells.index] = _in_rupiah(cells, factor).to_numpy()
            used.append(other)
        return values, tuple(used)


def choose(
    cells: Sequence[Any],
    headers: Sequence[str],
    body: pd.DataFrame,
    mapping: Mapping[str, Headers],
    where: Where,
) -> Choice:
    """Choose the column of each field from a header row's ``cells`` (shown as
    ``headers``) over the table ``body`` under it (columns by position)."""
    _check_mapped(cells, headers, mapping, where)
    found = candidates(cells, mapping)
    by_field: dict[str, list[Candidate]] = {}
    for c in found:
        by_field.setdefault(c.field, []).append(c)
    chosen: dict[str, int] = {}
    factors: dict[str, int] = {}
    fallbacks: dict[str, tuple[tuple[int, int], ...]] = {}
    sums: dict[str, tuple[tuple[int, int, str], ...]] = {}
    ignored: list[tuple[int, IgnoredColumn]] = []
    units: list[tuple[str, Note]] = []  # (field, notice of a unit in its header)
    shares: dict[int, float] = {}
    for name, options in by_field.items():
        shares.update({c.position: _share(name, body.iloc[:, c.position]) for c in options})
        if name in wages.SUMMED:
            added = _summed_columns(options, shares, headers, ignored)
            chosen[name] = added[0].position
            if len(added) > 1:
                sums[name] = tuple((c.position, c.factor, headers[c.position]) for c in added)
            elif added[0].factor != 1:
                factors[name] = added[0].factor
            units += [
                (name, Note.of(_UNIT_NOTICES[c.factor], header=headers[c.position]))
                for c in added
                if c.factor != 1
            ]
            continue
        best = max(options, key=lambda c: _rank(c, shares[c.position]))
        chosen[name] = best.position
        if best.factor != 1 and name in _MONEY:
            factors[name] = best.factor
            units.append((name, Note.of(_UNIT_NOTICES[best.factor], header=headers[best.position])))
        spare: list[tuple[int, int]] = []
        for c in sorted(options, key=lambda c: _rank(c, shares[c.position]), reverse=True):
            if c is not best:
                why = _why(c, best, shares, headers)
                ignored.append((c.position, IgnoredColumn(headers[c.position], why)))
                if why.code not in _NEVER_FILLS:
                    spare.append((c.position, c.factor if name in _MONEY else 1))
        if spare:
            fallbacks[name] = tuple(spare)
    mapped_total = any(c.mapped for c in by_field.get("wage", ()))
    dropped = _total_or_parts(
        chosen, shares, mapped_total, headers, sums, fallbacks, factors, ignored
    )
    notices = [note for name, note in units if name not in dropped]
    used = set(chosen.values()) | {c.position for c in found}
    theirs = checker_columns(cells)
    starts: list[str] = []
    unknown: list[str] = []
    for j, cell in enumerate(cells):
        if j in used or cell is None or not str(cell).strip():
            continue
        kind = "checker_output" if j in theirs else other_kind(cell)
        if kind is None:
            continue
        ignored.append((j, IgnoredColumn(headers[j], Note.of(kind))))
        if kind == "start_date":
            starts.append(headers[j])
        if kind == ALLOWANCE_KIND_UNKNOWN:
            unknown.append(headers[j])
    if starts and "registered_on" not in chosen:
        notices.append(Note.of("start_date_not_registration", header=starts[0]))
    notices += _wage_notices(chosen, sums, headers, unknown)
    return Choice(
        chosen,
        factors,
        tuple(sorted(ignored, key=lambda i: i[0])),
        tuple(notices),
        fallbacks,
        sums,
    )


def _summed_columns(
    options: Sequence[Candidate],
    shares: Mapping[int, float],
    headers: Sequence[str],
    ignored: list[tuple[int, IgnoredColumn]],
) -> list[Candidate]:
    """The columns of a summed field (the fixed allowances), left to right: every one
    mapped or holding something; or, when a header says it is their total ("Total
    Tunjangan Tetap") and none is mapped, that one alone. The others are listed."""
    totals = [c for c in options if header_key(headers[c.position]).startswith(_TOTAL_WORDS)]
    if totals and not any(c.mapped for c in options):
        best = max(totals, key=lambda c: _rank(c, shares[c.position]))
        code, used = "fixed_allowance_in_total", [best]
    else:
        code = "empty_column"
        used = [c for c in options if c.mapped or shares[c.position] >= 0] or [options[0]]
    why = Note.of(code, chosen=headers[used[0].position])
    ignored += [
        (c.position, IgnoredColumn(headers[c.position], why)) for c in options if c not in used
    ]
    return used


# How a header that totals a field's several columns begins ("Total Tunjangan Tetap").
_TOTAL_WORDS = ("total", "jumlah")


def _total_or_parts(
    chosen: dict[str, int],
    shares: Mapping[int, float],
    mapped_total: bool,
    headers: Sequence[str],
    sums: dict[str, tuple[tuple[int, int, str], ...]],
    fallbacks: dict[str, tuple[tuple[int, int], ...]],
    factors: dict[str, int],
    ignored: list[tuple[int, IgnoredColumn]],
) -> set[str]:
    """A total wage beside the wage's parts is read as it is, and the parts are listed as
    not used; a total column that holds nothing (a template's) gives way to the parts.
    The fields no longer read."""
    parts = [name for name in _BESIDE_TOTAL if name in chosen]
    total = chosen.get("wage")
    if total is None or not parts:
        return set()
    built_from = chosen.get("basic_wage", chosen.get("daily_wage"))
    if shares[total] < 0 and not mapped_total and built_from is not None:
        note = Note.of("empty_column", chosen=headers[built_from])
        ignored.append((total, IgnoredColumn(headers[total], note)))
        chosen.pop("wage")
        fallbacks.pop("wage", None)
        factors.pop("wage", None)
        return {"wage"}
    for name in parts:
        positions = [p for p, _, _ in sums.get(name, ())] or [chosen[name]]
        positions += [p for p, _ in fallbacks.get(name, ())]
        note = Note.of(_BESIDE_TOTAL[name], chosen=headers[total])
        ignored += [(p, IgnoredColumn(headers[p], note)) for p in positions]
        chosen.pop(name)
        fallbacks.pop(name, None)
        factors.pop(name, None)
        sums.pop(name, None)
    return set(parts)


def _wage_notices(
    chosen: Mapping[str, int],
    sums: Mapping[str, tuple[tuple[int, int, str], ...]],
    headers: Sequence[str],
    unknown: Sequence[str],
) -> list[Note]:
    """What the sheet says of a wage built from its parts: the fixed allowance columns
    summed, a basic wage read with no fixed allowance column, and the allowance columns
    of a kind that cannot be told (with how to mark one as fixed)."""
    if "wage" in chosen or not ("basic_wage" in chosen or "daily_wage" in chosen):
        return []
    notices = []
    if "fixed_allowance" in sums:
        listed = ", ".join(f"'{h}'" for _, _, h in sums["fixed_allowance"])
        notices.append(Note.of("fixed_allowance_summed", headers=listed))
    if "basic_wage" in chosen and "fixed_allowance" not in chosen:
        notices.append(Note.of("wage_basic_only", header=headers[chosen["basic_wage"]]))
    if unknown:
        listed = ", ".join(f"'{h}'" for h in unknown)
        notices.append(Note.of("allowances_not_added", headers=listed, example=unknown[0]))
    return notices


def _rank(c: Candidate, share: float) -> tuple[bool, bool, int, float, int]:
    return (c.mapped, share >= LOOKS_LIKE, c.rank, share, -c.position)


def _why(
    c: Candidate, best: Candidate, shares: Mapping[int, float], headers: Sequence[str]
) -> Note:
    chosen = headers[best.position]
    if best.mapped:
        return Note.of("mapped_instead", chosen=chosen)
    if shares[c.position] < 0:
        return Note.of("empty_column", chosen=chosen)
    if shares[c.position] < LOOKS_LIKE <= shares[best.position] and c.field in _NOT_LIKE:
        return Note.of(_NOT_LIKE[c.field], chosen=chosen)
    return Note.of("other_candidate", chosen=chosen)


def _share(name: str, column: pd.Series) -> float:
    """The share of a column's first non-blank cells that look like field ``name``; -1
    when the column holds nothing."""
    sample = _filled(column.iloc[: SAMPLE * 10])
    if len(sample) < SAMPLE < len(column):
        sample = _filled(column)
    if sample.empty:
        return -1.0
    looks = _LOOKS.get(name)
    if looks is None:
        return 1.0
    return float(np.mean(looks(sample.reset_index(drop=True))))


def _filled(values: pd.Series) -> pd.Series:
    """The first ``SAMPLE`` cells of ``values`` that are not blank, as objects."""
    filled = values.notna().to_numpy(dtype=bool) & values.ne("").to_numpy(
        dtype=bool, na_value=False
    )
    sample = values[filled].iloc[: SAMPLE * 2].astype(object)
    return sample[as_text(sample).str.strip().ne("").to_numpy(dtype=bool)].iloc[:SAMPLE]


def _looks_nik(sample: pd.Series) -> np.ndarray:
    text, numeric = nik.clean(sample)
    text = text.astype(object)
    digits = text.str.fullmatch(r"[0-9]{16}").fillna(False).to_numpy(dtype=bool)
    number = pd.to_numeric(text.where(numeric.to_numpy(dtype=bool)), errors="coerce")
    return digits | number.between(1e15, 1e16).to_numpy(dtype=bool)


def _looks_wage(sample: pd.Series) -> np.ndarray:
    _, form = wage.parse(sample)
    return form.eq(wage.WageForm.OK.value).to_numpy(dtype=bool)


def _looks_date(sample: pd.Series) -> np.ndarray:
    parsed, _ = dates.parse(sample)
    return parsed.notna().to_numpy(dtype=bool)


_LOOKS = {
    "nik": _looks_nik,
    "wage": _looks_wage,
    "basic_wage": _looks_wage,
    "daily_wage": _looks_wage,
    "registered_on": _looks_date,
}


# A column passed over for this reason never speaks for the field, not even on a row the
# chosen column leaves blank: the person mapped another.
_NEVER_FILLS = frozenset({"mapped_instead"})


def _present(values: pd.Series) -> pd.Series:
    """Cells that hold something (not None, NaN or blank text)."""
    return values.notna() & as_text(values).str.strip().ne("")


def _in_rupiah(values: pd.Series, factor: int) -> pd.Series:
    return scaled(values, factor) if factor != 1 else values


def summed(body: pd.DataFrame, columns: Sequence[tuple[int, int, str]]) -> pd.Series:
    """Several columns of one amount (the fixed allowances), summed per row, in rupiah
    (each column times its header's unit): a blank cell adds nothing, a row blank in every
    column stays blank, and a row with a cell that is no amount keeps it, written
    ``Header: cell`` so that the row stays invalid and says which column it was."""
    size = len(body)
    total = np.zeros(size, dtype=float)
    blank = np.ones(size, dtype=bool)
    unread = np.full(size, None, dtype=object)
    for position, factor, header in columns:
        cells = body.iloc[:, position]
        amount, form = wage.parse_allowance(cells)
        forms = form.to_numpy(dtype=object)
        ok = forms == wage.WageForm.OK.value
        total[ok] += amount.to_numpy(dtype=float)[ok] * factor
        blank &= forms == wage.WageForm.MISSING.value
        first = (forms == wage.WageForm.INVALID.value) & pd.isna(unread)
        if first.any():
            unread[first] = header + ": " + as_text(cells).to_numpy(dtype=object)[first]
    out = pd.Series(np.round(total, 2), index=body.index, dtype=object)
    out[blank] = None
    bad = pd.notna(unread)
    out[bad] = unread[bad]
    return out


def scaled(values: pd.Series, factor: int) -> pd.Series:
    """A wage column written in thousands (or millions) in rupiah: each amount read, times
    ``factor``; a cell that is no amount is kept as written, so it stays invalid."""
    amount, form = wage.parse(values)
    ok = form.eq(wage.WageForm.OK.value).to_numpy(dtype=bool)
    out = values.astype(object).copy()
    out[ok] = (amount[ok] * factor).round(2).to_numpy()
    return out


def _check_mapped(
    cells: Sequence[Any], headers: Sequence[str], mapping: Mapping[str, Headers], where: Where
) -> None:
    """Every header named in ``mapping`` is in the header row, or the reader is told which
    headers are."""
    present = {header_key(c) for c in cells if c is not None and str(c).strip()}
    for name, header in ((n, h) for n, value in mapping.items() for h in headers_of(value)):
        if header_key(header) in present:
            continue
        written = [
            h for h, c in zip(headers, cells, strict=False) if c is not None and str(c).strip()
        ]
        shown = ", ".join(f"'{h}'" for h in written[:_MOST_HEADERS_LISTED])
        if len(written) > _MOST_HEADERS_LISTED:
            shown += ", ..."
        example = written[0] if written else header
        raise RosterError(
            "roster_map_unknown_header",
            where,
            both("reading_map_unknown_header", field=name, header=header, headers=shown),
            both("reading_map_unknown_header_fix", field=name, example=example),
        )
