"""The data-gap defaults the engine applied, and to which rows.

A rule set declares each default it relies on (``rules/*.yaml`` ``defaults``; the ids are
``rulefile.DEFAULT_CRITERIA``): what a blank cell is taken to mean and why. Here each id
is a mask over the gathered frame: the rows the default decided something for. A default
is applied only where the roster speaks for the field; where loaded evidence (a registry
extract, an exclusion list) gave the value, nothing was assumed. Pure and vectorised: a
few masks over the whole frame, counted per roster and per source file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bsu.core import wages
from bsu.core.gather import ROSTER
from bsu.core.rulefile import DEFAULT_CRITERIA, Default
from bsu.core.ruleset import Lang, RuleSet
from bsu.values import vocabulary
from bsu.values.numbers import count
from bsu.values.text import by_unique

Mask = Callable[[pd.DataFrame], np.ndarray]


def _none(frame: pd.DataFrame) -> np.ndarray:
    return np.zeros(len(frame), dtype=bool)


def _flag(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return _none(frame)
    return frame[column].fillna(False).to_numpy(dtype=bool)


def _from_roster(frame: pd.DataFrame, evidence: str) -> np.ndarray:
    """Rows whose field the roster spoke for (no registry extract or list gave it)."""
    if evidence not in frame:
        return np.ones(len(frame), dtype=bool)
    return frame[evidence].eq(ROSTER).to_numpy(dtype=bool)


def _blank(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Cells left empty or holding only dashes (``vocabulary.blank``), each text once."""
    if column not in frame:
        return _none(frame)
    blank: pd.Series = by_unique(frame[column], vocabulary.blank)
    return blank.to_numpy(dtype=bool)


def _both(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out: np.ndarray = np.logical_and(a, b)
    return out


def _category(frame: pd.DataFrame) -> np.ndarray:
    # A registry category clears ``category_empty`` (gather), so what is left blank is the
    # roster's blank, which the check takes for the required category.
    return _both(_flag(frame, "category_empty"), frame["category_value"].isna().to_numpy())


def _pkh(frame: pd.DataFrame) -> np.ndarray:
    return _both(_blank(frame, "pkh_recipient_raw"), _from_roster(frame, "evidence_pkh"))


def _employment(frame: pd.DataFrame) -> np.ndarray:
    blank = _blank(frame, "employment_status_raw")
    return _both(blank, _from_roster(frame, "evidence_employment"))


def _nationality(frame: pd.DataFrame) -> np.ndarray:
    blank = _flag(frame, "nationality_empty")
    return _both(blank, _from_roster(frame, "evidence_nationality"))


def _fixed_allowance(frame: pd.DataFrame) -> np.ndarray:
    # ``wage_basis`` "basic_only": a basic wage with no fixed allowance, taken as the wage.
    if "wage_basis" not in frame:
        return _none(frame)
    return frame["wage_basis"].eq(wages.BASIC_ONLY).to_numpy(dtype=bool)


# How each default of ``rulefile.DEFAULT_CRITERIA`` is found in the gathered frame.
MASKS: dict[str, Mask] = {
    "nationality_blank_not_stated": _nationality,
    "category_blank_is_pu": _category,
    "fixed_allowance_blank_is_none": _fixed_allowance,
    "employment_blank_not_excluded": _employment,
    "pkh_blank_is_not_recipient": _pkh,
}
if set(MASKS) != set(DEFAULT_CRITERIA):  # pragma: no cover - a new default needs its mask
    raise RuntimeError("bsu.core.defaults.MASKS must name every rulefile.DEFAULT_CRITERIA id")


def applied(frame: pd.DataFrame, ruleset: RuleSet) -> dict[str, np.ndarray]:
    """Per default the rule set declares (in its order), the rows it was applied to, as a
    boolean array aligned with ``frame``. A default whose criterion the rule set does not
    list is never applied, so it is left out."""
    listed = {c.id for c in ruleset.criteria()}
    return {
        name: MASKS[name](frame)
        for name in ruleset.spec.defaults
        if DEFAULT_CRITERIA.get(name) in listed
    }


@dataclass(frozen=True)
class Applied:
    """One default applied to some rows of a roster: how many in all and per source."""

    id: str
    default: Default
    rows: int
    by_source: dict[str, int]

    def message(self, lang: Lang) -> str:
        """The rule set's own count line: "12 baris: kategori kosong, dianggap PU"."""
        return self.default.message.in_(lang).format(count=count(self.rows, lang))

    def to_json(self, lang: Lang) -> dict[str, object]:
        out: dict[str, object] = {
            "id": self.id,
            "field": self.default.field,
            "rows": self.rows,
            "message": self.message(lang),
        }
        if len(self.by_source) > 1:
            out["by_source"] = [{"source": s, "rows": n} for s, n in self.by_source.items()]
        return out


def counted(frame: pd.DataFrame, ruleset: RuleSet) -> list[Applied]:
    """The defaults applied to at least one row, in the rule set's order, with their
    counts in all and per source file (in the order the files were read)."""
    sources = frame["source"].astype(object) if "source" in frame else None
    out = []
    for name, mask in applied(frame, ruleset).items():
        rows = int(mask.sum())
        if not rows:
            continue
        by_source: dict[str, int] = {}
        if sources is not None:
            per = sources[mask].value_counts(sort=False)
            order = pd.unique(sources[mask])
            by_source = {str(s): int(per[s]) for s in order}
        out.append(Applied(name, ruleset.spec.defaults[name], rows, by_source))
    return out
