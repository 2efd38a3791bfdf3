"""Notices about a sheet as a whole that only the judged rows can show, added to how the
sheet was read (``bsu.rosters.reading.SheetRead``) so the clerk is told once, first,
instead of reading the same message on thousands of rows:

- a column probably mis-mapped or damaged by Excel: more than a share of the sheet's rows
  carry the same reason about the cells of one column (``NIK_INVALID_FORMAT`` on a column
  of employee codes, ``WAGE_IMPLAUSIBLE`` on wages written in thousands);
- a missing column: a field the sheet has no column for, whose absence gives its rows a
  reason (no NIK, wage, participation status or registration date column), said with the
  header to add; for the registration date, naming a column of employment start dates
  the reader set aside.

Which reasons, and the thresholds, are data (``rules/reading/notices.yaml``). Nothing here
changes a status: every row keeps its own reasons. The rows are counted per sheet in one
grouping; only the sheets and the few reasons are looped over.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import yaml

from bsu.core import fields, wages
from bsu.core.reasons import ReasonCode
from bsu.core.ruleset import rules_dir
from bsu.rosters.reading import Note, SheetRead

# The ignored-column reason (``IgnoredColumn.why.code``) of a column of employment start
# dates, which is no registration date, and the reader's notice saying so: the missing
# registration date notice says it again with the rows it leaves undated, so it replaces it.
START_DATE = "start_date"
START_DATE_NOTICE = "start_date_not_registration"

Key = tuple[str, str]


@dataclass(frozen=True)
class NoticeRules:
    """``rules/reading/notices.yaml``: when a sheet's rows earn a notice."""

    share: float  # more than this share of a sheet's rows ...
    min_rows: int  # ... and at least this many carry one reason about a column
    suspect: dict[ReasonCode, str]  # reason -> the field whose column the cells came from
    missing: dict[ReasonCode, str]  # reason -> the field whose absence gives it


@functools.cache
def notice_rules() -> NoticeRules:
    path = rules_dir() / "reading" / "notices.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    suspect = data["column_suspect"]
    rules = NoticeRules(
        share=float(suspect["share"]),
        min_rows=int(suspect["min_rows"]),
        suspect={ReasonCode(c): str(f) for c, f in suspect["reasons"].items()},
        missing={ReasonCode(c): str(f) for c, f in data["column_missing"].items()},
    )
    unknown = {*rules.suspect.values(), *rules.missing.values()} - set(fields.BY_NAME)
    if unknown:
        raise ValueError(f"{path}: unknown fields {sorted(unknown)}")
    return rules


def _keys(frame: pd.DataFrame) -> list[pd.Series]:
    """Each decision's file and sheet, as ``SheetRead`` names them (no sheet: "")."""
    sheet = frame["sheet"].astype(object)
    return [frame["source"].astype(str), sheet.where(sheet.notna(), "").astype(str)]


def _key(read: SheetRead) -> Key:
    return (read.source, read.sheet or "")


def judged(sheets: Sequence[SheetRead], frame: pd.DataFrame) -> list[SheetRead]:
    """``sheets`` with the notices their judged rows (``Decisions.frame``) earn."""
    if not sheets or frame.empty:
        return list(sheets)
    rules = notice_rules()
    codes = list(dict.fromkeys([*rules.suspect, *rules.missing]))
    masks = frame["reasons"].to_numpy(dtype=np.int64)
    hits = pd.DataFrame({c.value: (masks & c.bit) != 0 for c in codes}, index=frame.index)
    grouped = hits.groupby(_keys(frame), sort=False)
    counts: dict[Any, dict[Any, Any]] = grouped.sum().to_dict("index")
    sizes: dict[Any, int] = grouped.size().to_dict()
    out = []
    for read in sheets:
        key = _key(read)
        rows = int(sizes.get(key, 0))
        if not read.read or not rows:
            out.append(read)
            continue
        found = {ReasonCode(str(c)): int(n) for c, n in counts[key].items() if n}
        missing = _missing(read, found, rules)
        if any(n.code == "column_missing_registered_on_start" for n in missing):
            kept = tuple(n for n in read.notices if n.code != START_DATE_NOTICE)
            read = replace(read, notices=kept)
        out.append(read.noted(*missing, *_suspect(read, found, rows, rules)))
    return out


def _missing(read: SheetRead, found: dict[ReasonCode, int], rules: NoticeRules) -> list[Note]:
    notes = []
    for code, name in rules.missing.items():
        # A wage built from its parts has a column all the same (the basic or daily wage).
        given = wages.SOURCES if name == "wage" else (name,)
        if any(n in read.matched for n in given) or code not in found:
            continue
        header = fields.field(name).aliases[0]
        start = next((c.header for c in read.ignored if c.why.code == START_DATE), None)
        if name == "registered_on" and start is not None:
            notes.append(
                Note.of(
                    "column_missing_registered_on_start",
                    rows=found[code],
                    header=header,
                    start=start,
                    reason=code.value,
                )
            )
        else:
            notes.append(
                Note.of(
                    f"column_missing_{name}", rows=found[code], header=header, reason=code.value
                )
            )
    return notes


def _suspect(
    read: SheetRead, found: dict[ReasonCode, int], rows: int, rules: NoticeRules
) -> list[Note]:
    return [
        Note.of(
            f"suspect_{code.value.lower()}",
            share=round(100 * found[code] / rows),
            rows=found[code],
            header=read.matched[name],
            reason=code.value,
        )
        for code, name in rules.suspect.items()
        if name in read.matched
        and found.get(code, 0) >= rules.min_rows
        and found.get(code, 0) > rules.share * rows
    ]


def noticed_bits(read: SheetRead) -> int:
    """The reasons a notice of ``read`` already speaks for, as a reason mask."""
    bits = 0
    for note in read.notices:
        reason = dict(note.params).get("reason")
        if isinstance(reason, str) and reason in ReasonCode.__members__:
            bits |= ReasonCode(reason).bit
    return bits


def told(sheets: Sequence[SheetRead], frame: pd.DataFrame) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Per decision, whether a notice of its sheet already says every reason it has (a row
    a summary may fold into "and N rows with the same reason, see the notice above")."""
    if frame.empty:
        return np.zeros(0, dtype=bool)
    grouped = frame.groupby(_keys(frame), sort=False)
    by_key = {_key(read): noticed_bits(read) for read in sheets}
    group_bits = np.array([by_key.get(k, 0) for k in grouped.size().index], dtype=np.int64)
    bits = group_bits[grouped.ngroup().to_numpy()]
    masks = frame["reasons"].to_numpy(dtype=np.int64)
    out: np.ndarray[Any, np.dtype[np.bool_]] = (masks != 0) & (masks & ~bits == 0)
    return out
