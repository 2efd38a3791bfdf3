"""The result workbook's decision trail (*Jejak Keputusan*): one line per roster row and
criterion, from the row's ``checks`` (``bsu.core.trail``), worded in the result's language.

Its lines are made a slice of rows at a time, only as the sheet is written, from the
trail's columns: a 100,000-row roster has 600,000 lines, which are never held as one
table. Beyond what a sheet holds (``EXCEL_ROWS``) the trail goes on in "Jejak Keputusan
(2)" and so on, a row's lines never split between two sheets.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd

from bsu.core.ruleset import Lang
from bsu.core.trail import OUTCOMES, CriterionTrail, Trail, title
from bsu.core.words import say
from bsu.results.cells import cells
from bsu.results.model import Result
from bsu.results.sheets import Kind
from bsu.values.numbers import rupiah

TRAIL_SHEET = "Jejak Keputusan"
EXCEL_ROWS = 1_048_576  # rows a worksheet holds, its header row included
_ROWS_AT_ONCE = 8_192  # roster rows turned into lines at a time
# Values shown as rupiah in the trail's words (the JSON keeps plain numbers).
MONEY = frozenset({"wage", "cap", "basic_wage", "fixed_allowance", "daily_wage"})
# The columns of the sheet, by key: bsu's own location columns, then the trail's.
COLUMNS = (
    "source",
    "sheet",
    "row",
    "nik",
    "criterion",
    "outcome",
    "values",
    "evidence",
    "default",
    "citation",
)
_WIDTHS = {
    "source": 24.0,
    "sheet": 14.0,
    "row": 8.0,
    "nik": 20.0,
    "criterion": 44.0,
    "outcome": 18.0,
    "values": 70.0,
    "evidence": 30.0,
    "default": 30.0,
    "citation": 60.0,
}


def heading(key: str, lang: Lang) -> str:
    if key in ("source", "sheet", "row"):
        return say(f"results_column_{key}", lang)
    return say(f"results_trail_{key}", lang)


@dataclass(frozen=True)
class Lines:
    """What every part of the trail sheet is made from: the trail, the location columns,
    and the words of the result's language."""

    trail: Trail
    lang: Lang
    location: dict[str, np.ndarray]  # source, sheet (absent when no sheet), row, nik
    titles: np.ndarray  # per criterion, its title in the language
    outcome_words: np.ndarray  # per ``OUTCOMES`` position
    citations: np.ndarray
    assumed: list[str | None]  # per criterion, what its default assumes (in the language)

    @classmethod
    def of(cls, result: Result) -> Lines:
        lang = result.lang
        trail = result.trail
        frame = result.decisions.frame
        rules = result.decisions.ruleset
        nik = frame["nik_display"].to_numpy(dtype=object)
        location = {
            "source": frame["source"].to_numpy(dtype=object),
            "sheet": frame["sheet"].to_numpy(dtype=object),
            "row": frame["row"].to_numpy(dtype=object),
            "nik": nik,
        }
        if frame["sheet"].isna().all():
            del location["sheet"]
        spec = rules.spec
        return cls(
            trail=trail,
            lang=lang,
            location=location,
            titles=np.array([title(c.criterion, rules, lang) for c in trail.criteria], object),
            outcome_words=np.array(
                [say(f"results_outcome_{o.value}", lang) for o in OUTCOMES], dtype=object
            ),
            citations=np.array([c.citation for c in trail.criteria], dtype=object),
            assumed=[
                spec.defaults[c.default].assumed.in_(lang) if c.default is not None else None
                for c in trail.criteria
            ],
        )

    @property
    def keys(self) -> list[str]:
        return [k for k in COLUMNS if k != "sheet" or "sheet" in self.location]

    def columns(self, start: int, stop: int) -> list[list[Any]]:
        """The cells of the lines of roster rows ``start`` to ``stop``, a list per column:
        each roster row's own cells made once and repeated for its criteria."""
        per_row = len(self.trail.criteria)
        n = stop - start
        made: dict[str, np.ndarray] = {}
        for key, values in self.location.items():
            own = np.empty(n, dtype=object)
            own[:] = cells(pd.Series(values[start:stop], dtype=object), key == "nik")
            made[key] = np.repeat(own, per_row)
        made["criterion"] = np.tile(self.titles, n)
        made["citation"] = np.tile(self.citations, n)
        parts = [
            (
                self.outcome_words[c.outcome_codes[start:stop]],
                _values_text(c, start, stop),
                self._evidence_words(c, start, stop),
                self._assumed(c, i, start, stop),
            )
            for i, c in enumerate(self.trail.criteria)
        ]
        for j, key in enumerate(("outcome", "values", "evidence", "default")):
            if parts:
                made[key] = np.stack([p[j] for p in parts], axis=1).reshape(-1)
            else:
                made[key] = np.empty(0, dtype=object)
        return [made[k].tolist() for k in self.keys]

    def _evidence_words(self, c: CriterionTrail, start: int, stop: int) -> np.ndarray:
        """Where the criterion's value came from, in the rule set's words."""
        rules = self.trail.ruleset
        keys = c.evidence[start:stop]
        labels = c.evidence_label[start:stop]
        out = np.full(stop - start, rules.phrase("evidence_roster", self.lang), dtype=object)
        other = keys != "roster"
        if other.any():
            pairs = pd.Series(keys[other]).astype(str) + "\0" + pd.Series(labels[other]).astype(str)
            codes, distinct = pd.factorize(pairs)
            words = []
            for pair in distinct.tolist():
                key, label = pair.split("\0", 1)
                phrase = "evidence_registry" if key == "registry" else "evidence_list"
                words.append(rules.phrase(phrase, self.lang).format(label=label))
            out[other] = np.array(words, dtype=object)[codes]
        return out

    def _assumed(self, c: CriterionTrail, i: int, start: int, stop: int) -> np.ndarray:
        out = np.full(stop - start, None, dtype=object)
        if self.assumed[i] is not None:
            out[c.defaulted[start:stop]] = self.assumed[i]
        return out


def _values_text(c: CriterionTrail, start: int, stop: int) -> np.ndarray:
    """ "key=value; key=value" per row, what was read and compared; missing values left
    out. Each distinct value of a key is made text once."""
    out = np.full(stop - start, "", dtype=object)
    started = np.zeros(stop - start, dtype=bool)
    for key, column in c.values.items():
        part = column[start:stop]
        codes, distinct = pd.factorize(pd.Series(part, dtype=object), use_na_sentinel=True)
        if not len(distinct):
            continue
        words = np.array([f"{key}={_shown(key, v)}" for v in distinct.tolist()], dtype=object)
        has = codes >= 0
        text = np.full(len(part), "", dtype=object)
        text[has] = words[codes[has]]
        first, more = has & ~started, has & started
        out[first] = text[first]
        out[more] = out[more] + "; " + text[more]
        started |= has
    out[~started] = None  # an empty cell, not empty text
    return out


def _shown(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if key in MONEY and isinstance(value, int | float):
        return rupiah(float(value))
    return str(value)


@dataclass(frozen=True)
class TrailSheet:
    """One sheet of the trail: the lines of roster rows ``start`` to ``stop``."""

    title: str
    headers: list[str]
    kinds: list[Kind]
    lines: Lines
    start: int
    stop: int
    dates_among_numbers: bool = False

    @property
    def height(self) -> int:
        return (self.stop - self.start) * len(self.lines.trail.criteria)

    def widths(self) -> list[float]:
        return [_WIDTHS[k] for k in self.lines.keys]

    def rows(self) -> Iterator[tuple[Any, ...]]:
        for at in range(self.start, self.stop, _ROWS_AT_ONCE):
            yield from zip(*self.lines.columns(at, min(at + _ROWS_AT_ONCE, self.stop)), strict=True)

    def records(self) -> Iterator[dict[str, Any]]:
        yield from map(dict, map(zip, repeat(self.headers), self.rows()))


def trail_sheets(result: Result) -> list[TrailSheet]:
    """The trail's sheets: "Jejak Keputusan", then "(2)", ... as the lines need (each
    holds what ``EXCEL_ROWS`` allows, its header included)."""
    sheet_rows = EXCEL_ROWS
    lines = Lines.of(result)
    keys = lines.keys
    headers = [heading(k, result.lang) for k in keys]
    kinds: list[Kind] = ["nik" if k == "nik" else "messages" if k == "values" else "" for k in keys]
    per_row = max(len(lines.trail.criteria), 1)
    rows_per_sheet = max((sheet_rows - 1) // per_row, 1)
    total = lines.trail.rows
    sheets = []
    for i, start in enumerate(range(0, max(total, 1), rows_per_sheet)):
        name = TRAIL_SHEET if i == 0 else f"{TRAIL_SHEET} ({i + 1})"
        sheets.append(
            TrailSheet(name, headers, kinds, lines, start, min(start + rows_per_sheet, total))
        )
    return sheets
