"""The whole decision of every row, criterion by criterion: its ``checks``.

Per row, one entry per criterion of the rule set, in the rule set's order::

    {"criterion": "wage_within_cap", "outcome": "pass", "reasons": [],
     "values": {"wage": 3700000, "cap": 3800000,
                "cap_source": "UMK Kabupaten Morowali 2025", ...},
     "evidence": "roster", "citation": "<citation_prefix>, <the criterion's article>"}

- ``outcome`` (``CheckOutcome``): ``fail`` when the row has an ineligible reason of the
  criterion, else ``review`` when it has a review reason, else ``pass``. So a row is
  eligible exactly when every outcome is ``pass`` (or ``not_applicable``) and ineligible
  exactly when one is ``fail``. ``not_applicable`` is for a criterion that cannot concern
  a row; every criterion of the shipped rounds is a condition every worker must meet (the
  regulation lists them cumulatively), so none produces it today (``CONCERNS`` below is
  where a criterion would say which rows it concerns).
- ``values``: what was read and compared, as plain JSON values (whole numbers as int,
  dates as ISO text, months as "2025-03", None for what is missing); the keys are fixed
  per criterion and rule set (``VALUES``).
- ``evidence``: ``roster``, ``registry`` or ``list:<kind>``: what spoke for the
  criterion's field; with ``evidence_label`` (the extract's date, the list's name and
  date) when it was not the roster.
- ``default``: present when a data-gap default (``bsu.core.defaults``) decided something
  for this row and criterion, e.g. ``category_blank_is_pu``.
- ``citation``: the rule set's citation prefix and the criterion's article.

Language-neutral and deterministic (the trace of a run is built from it). Built a
criterion at a time over whole columns; only the final dicts are made per row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bsu.core import defaults, wages
from bsu.core.duplicates import nonempty
from bsu.core.engine import Decisions
from bsu.core.explain import scalar
from bsu.core.fields import BY_NAME
from bsu.core.gather import ROSTER
from bsu.core.reasons import CheckOutcome, Outcome, ReasonCode
from bsu.core.rulefile import DEFAULT_CRITERIA, Criterion
from bsu.core.ruleset import Lang, RuleSet

Columns = dict[str, np.ndarray]
OUTCOMES = tuple(CheckOutcome)
# The outcomes as array positions: what ``CriterionTrail.outcome_codes`` holds.
_PASS, _FAIL, _REVIEW, _NOT_APPLICABLE = (OUTCOMES.index(o) for o in CheckOutcome)
_OUTCOME_VALUES = np.array([o.value for o in OUTCOMES], dtype=object)


@dataclass(frozen=True)
class CriterionTrail:
    """One criterion over every row, as columns (aligned with the decisions' frame)."""

    criterion: Criterion
    citation: str
    outcome_codes: np.ndarray  # int8: positions in ``OUTCOMES``
    masks: np.ndarray  # int64: the row's reason bits of this criterion
    values: Columns  # name -> object array of plain JSON values
    evidence: np.ndarray  # object: "roster", "registry", "list:<kind>"
    evidence_label: np.ndarray  # object: the extract's or list's label; None for the roster
    default: str | None  # the data-gap default this criterion relies on, if any
    defaulted: np.ndarray  # bool: the rows the default was applied to

    @property
    def id(self) -> str:
        return self.criterion.id

    def outcomes(self) -> np.ndarray:
        """Per row, the outcome's value ("pass", "fail", ...), as an object array."""
        words: np.ndarray = _OUTCOME_VALUES[self.outcome_codes]
        return words

    def reasons(self) -> np.ndarray:
        """Per row, the codes of its reasons of this criterion (one tuple per distinct set,
        shared between the rows that have it)."""
        distinct, inverse = np.unique(self.masks, return_inverse=True)
        codes = np.empty(len(distinct), dtype=object)
        codes[:] = [tuple(c.value for c in ReasonCode if m & c.bit) for m in distinct.tolist()]
        return codes[inverse.reshape(-1)]

    def counts(self) -> dict[CheckOutcome, int]:
        """How many rows had each outcome."""
        tally = np.bincount(self.outcome_codes, minlength=len(OUTCOMES))
        return {o: int(tally[i]) for i, o in enumerate(OUTCOMES)}

    def entries(self) -> list[dict[str, Any]]:
        """Per row, this criterion's entry of the row's ``checks``. Rows alike in every
        part of their entry (most rows, on most criteria) share one dict: treat the
        entries as read-only, and copy one before changing it."""
        names = list(self.values)
        if len(self.masks) <= _EACH_ITS_OWN:  # finding the alike would cost more
            inverse = first = np.arange(len(self.masks), dtype=np.int64)
        else:
            parts = [self.outcome_codes, self.masks, self.defaulted]
            parts += [_codes(column) for column in (self.evidence, self.evidence_label)]
            parts += [_codes(self.values[name]) for name in names]
            inverse, first = _alike(parts)
        outcomes = self.outcomes()
        reasons = self.reasons()
        values = [self.values[name] for name in names]
        made = np.empty(len(first), dtype=object)
        for j, i in enumerate(first.tolist()):
            entry: dict[str, Any] = {
                "criterion": self.id,
                "outcome": outcomes[i],
                "reasons": list(reasons[i]),
                "values": {name: column[i] for name, column in zip(names, values, strict=True)},
                "evidence": self.evidence[i],
                "citation": self.citation,
            }
            if self.evidence_label[i] is not None:
                entry["evidence_label"] = self.evidence_label[i]
            if self.default is not None and self.defaulted[i]:
                entry["default"] = self.default
            made[j] = entry
        taken: list[dict[str, Any]] = made[inverse].tolist()
        return taken


# Up to this many rows, each row's entry is made on its own.
_EACH_ITS_OWN = 64


def _alike(parts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Rows alike in every part (arrays of codes): per row the number of its kind (kinds
    numbered as they first occur), and per kind the first row of it. The parts are
    combined a column at a time, renumbered each time, so the key never overflows."""
    key = np.zeros(len(parts[0]), dtype=np.int64)
    for part in parts:
        codes = np.asarray(part, dtype=np.int64)
        key, _ = pd.factorize(key * (int(codes.max(initial=0)) + 1) + codes)
    kinds = int(key.max(initial=-1)) + 1
    first = np.empty(kinds, dtype=np.int64)
    rows = np.arange(len(key), dtype=np.int64)
    first[key[::-1]] = rows[::-1]
    return key, first


def _codes(values: np.ndarray) -> np.ndarray:
    """A code per distinct value (None and missing values count as one value)."""
    codes, _ = pd.factorize(values, use_na_sentinel=False)
    return codes


@dataclass(frozen=True)
class Trail:
    """Every criterion of the rule set over every row."""

    ruleset: RuleSet
    criteria: tuple[CriterionTrail, ...]
    rows: int

    def row_checks(self) -> list[list[dict[str, Any]]]:
        """Per row, its ``checks``: one entry per criterion, in the rule set's order."""
        per_criterion = [c.entries() for c in self.criteria]
        if not per_criterion:
            return [[] for _ in range(self.rows)]
        return [list(entries) for entries in zip(*per_criterion, strict=True)]

    def counts(self) -> list[tuple[CriterionTrail, dict[CheckOutcome, int]]]:
        """Per criterion, in order: how many rows had each outcome."""
        return [(c, c.counts()) for c in self.criteria]


def of(decisions: Decisions) -> Trail:
    """The trail of ``decisions``, made once however many outputs read it (kept with them,
    in ``Decisions.derived``)."""
    found = decisions.derived.get("trail")
    if not isinstance(found, Trail):
        found = decisions.derived["trail"] = row_trail(decisions)
    return found


def row_trail(decisions: Decisions) -> Trail:
    """The checks of every row of ``decisions``, as columns."""
    frame = decisions.frame
    rules = decisions.ruleset
    masks = frame["reasons"].to_numpy(dtype=np.int64)
    applied = defaults.applied(frame, rules)
    seen = Seen(frame, rules, decisions, applied)
    labels = {f"list:{listed.kind}": listed.label for listed in decisions.evidence.lists}
    built = []
    for criterion in rules.criteria():
        ineligible = review = 0
        for code in criterion.reasons:
            if rules.reason(code).outcome is Outcome.INELIGIBLE:
                ineligible |= code.bit
            else:
                review |= code.bit
        mine = masks & (ineligible | review)
        codes = np.select([(mine & ineligible) != 0, (mine & review) != 0], [_FAIL, _REVIEW], _PASS)
        codes = codes.astype(np.int8)
        concerns = CONCERNS.get(criterion.id)
        if concerns is not None:
            codes[~concerns(frame, rules)] = _NOT_APPLICABLE
        evidence, label = _evidence(frame, criterion, labels)
        default = next((d for d, c in DEFAULT_CRITERIA.items() if c == criterion.id), None)
        defaulted = applied.get(default or "", np.zeros(len(frame), dtype=bool))
        shown = VALUES.get(criterion.id, _no_values)(seen)
        built.append(
            CriterionTrail(
                criterion=criterion,
                citation=f"{rules.spec.citation_prefix}, {criterion.citation}",
                outcome_codes=codes,
                masks=mine,
                values=shown,
                evidence=evidence,
                evidence_label=label,
                default=default if default in applied else None,
                defaulted=defaulted,
            )
        )
    return Trail(rules, tuple(built), len(frame))


def row_checks(decisions: Decisions) -> list[list[dict[str, Any]]]:
    """Per row of ``decisions``, its ``checks`` (see the module's docstring)."""
    return of(decisions).row_checks()


def title(criterion: Criterion, ruleset: RuleSet, lang: Lang) -> str:
    """A criterion's title in ``lang``, its ``{parameters}`` filled in ("... sampai dengan
    30 April 2025")."""
    return _PLACEHOLDER.sub(lambda m: scalar(m.group(1), ruleset, lang), criterion.title.in_(lang))


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


# --- evidence ---------------------------------------------------------------------------

# The gathered column noting which evidence decided each roster field.
_EVIDENCE_OF = {f.name: f.evidence for f in BY_NAME.values() if f.evidence is not None}


def _evidence(
    frame: pd.DataFrame, criterion: Criterion, lists: dict[str, str]
) -> tuple[np.ndarray, np.ndarray]:
    """What spoke for the criterion (its first field with an evidence column), and the
    label of the extract or list where it was not the roster."""
    n = len(frame)
    label = np.full(n, None, dtype=object)
    column = next((_EVIDENCE_OF[f] for f in criterion.evidence if f in _EVIDENCE_OF), None)
    if column is None or column not in frame:
        return np.full(n, ROSTER, dtype=object), label
    keys = frame[column].to_numpy(dtype=object)
    registry = keys == "registry"
    if registry.any() and "registry_label" in frame:
        label[registry] = frame["registry_label"].to_numpy(dtype=object)[registry]
    for key, named in lists.items():
        label[keys == key] = named
    return keys, label


# --- values -----------------------------------------------------------------------------


def _numbers(values: pd.Series) -> np.ndarray:
    """Amounts as plain numbers: int where whole, float otherwise, None where missing (or
    not finite: an open-ended cap is no number to show)."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    out = np.full(len(numbers), None, dtype=object)
    finite = np.isfinite(numbers)
    whole = finite & (np.abs(numbers) < 2**53)
    whole[whole] = numbers[whole] == np.floor(numbers[whole])
    out[whole] = numbers[whole].astype(np.int64).astype(object)
    fraction = finite & ~whole
    out[fraction] = numbers[fraction].astype(object)
    return out


def _flags(values: pd.Series) -> np.ndarray:
    """True / False, None where not known."""
    out = np.full(len(values), None, dtype=object)
    known = values.notna().to_numpy()
    out[known] = values[known].astype(bool).to_numpy(dtype=object)
    return out


def _texts(values: pd.Series) -> np.ndarray:
    out = values.astype(object).to_numpy(dtype=object, copy=True)
    out[pd.isna(out)] = None
    return out


def _iso_dates(values: pd.Series) -> np.ndarray:
    """Dates as "2024-01-15", None where missing; each distinct date formatted once."""
    codes, distinct = pd.factorize(pd.to_datetime(values, errors="coerce"))
    texts = np.array(list(pd.DatetimeIndex(distinct).strftime("%Y-%m-%d")), dtype=object)
    out = np.full(len(values), None, dtype=object)
    known = codes >= 0
    out[known] = texts[codes[known]]
    return out


def _months(values: pd.Series) -> np.ndarray:
    """Month numbers (year x 12 + month - 1, as ``bsu.values.dates`` gives them) as
    "2025-03", None where not known."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    out = np.full(len(numbers), None, dtype=object)
    known = np.isfinite(numbers)
    if known.any():
        distinct, inverse = np.unique(numbers[known].astype(np.int64), return_inverse=True)
        texts = np.array([f"{m // 12:04d}-{m % 12 + 1:02d}" for m in distinct.tolist()])
        out[known] = texts.astype(object)[inverse.reshape(-1)]
    return out


def _constant(value: Any, n: int) -> np.ndarray:
    out = np.empty(n, dtype=object)
    out.fill(value)
    return out


def _param(rules: RuleSet, name: str) -> Any:
    """A parameter as a plain JSON value (a date as ISO text); None if the round lacks it."""
    spec = rules.spec.parameters.get(name)
    if spec is None:
        return None
    value = spec.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return value


@dataclass(frozen=True)
class Seen:
    """What the values of a criterion are read from: the decisions, their frame and rule
    set, and the rows each data-gap default was applied to."""

    frame: pd.DataFrame
    rules: RuleSet
    decisions: Decisions
    applied: dict[str, np.ndarray]

    def defaulted(self, name: str) -> np.ndarray:
        found = self.applied.get(name)
        return found if found is not None else np.zeros(len(self.frame), dtype=bool)


def _no_values(seen: Seen) -> Columns:
    return {}


def _citizen(seen: Seen) -> Columns:
    frame = seen.frame
    out: Columns = {"nik_valid": _flags(frame["nik_valid"])}
    if "nationality_value" in frame:
        out["nationality"] = _texts(frame["nationality_value"])
    out["duplicate"] = nonempty(frame["duplicate_of"]).to_numpy(dtype=object)
    out["duplicate_across_employers"] = nonempty(frame["duplicate_elsewhere"]).to_numpy(
        dtype=object
    )
    return out


def _active(seen: Seen) -> Columns:
    frame, rules = seen.frame, seen.rules
    n = len(frame)
    out: Columns = {"status": _texts(frame["status_value"])}
    if seen.decisions.evidence.registry is not None:
        out["in_registry"] = _flags(frame["participant_found"])
    out["registered_on"] = _iso_dates(frame["registered_on"])
    out["cutoff"] = _constant(_param(rules, "participation_cutoff"), n)
    for month in ("last_paid_month", "nonactive_month"):
        if month in frame:
            out[month] = _months(frame[month])
    if "active_means" in rules.spec.parameters:
        out["active_means"] = _constant(_param(rules, "active_means"), n)
    return out


def _category(seen: Seen) -> Columns:
    frame, rules = seen.frame, seen.rules
    return {
        "category": _texts(frame["category_value"]),
        "required": _constant(_param(rules, "participant_category"), len(frame)),
    }


# Which wage components a wage basis (``wage_basis``) was built from.
_COMPONENTS = {
    "basic_wage": (wages.COMPONENTS, wages.BASIC_ONLY),
    "fixed_allowance": (wages.COMPONENTS, wages.DAILY),
    "daily_wage": (wages.DAILY,),
}


def _wage(seen: Seen) -> Columns:
    frame, rules = seen.frame, seen.rules
    out: Columns = {"wage": _numbers(frame["wage"])}
    if "wage_basis" in frame:
        basis = frame["wage_basis"]
        out["wage_basis"] = _texts(basis)
        for component, bases in _COMPONENTS.items():
            if component in frame:
                used = basis.isin(bases).to_numpy()
                shown = _numbers(frame[component])
                shown[~used] = None
                out[component] = shown
    out["cap"] = _numbers(frame["wage_cap"])
    out["cap_source"] = _cap_source(frame, rules)
    out["region_code"] = _texts(frame["region_code"])
    out["region_state"] = _texts(frame["region_state"])
    return out


def _cap_source(frame: pd.DataFrame, rules: RuleSet) -> np.ndarray:
    """Where the row's cap comes from: the regional minimum wage it is the rounding of
    ("UMK Kabupaten Morowali 2025"), the general cap (``wage_cap_idr``), or, where the region
    is not known to one cap, the end of its possible range that was compared
    (``region_range_min`` / ``region_range_max``)."""
    general = float(rules.param("wage_cap_idr"))
    cap = frame["wage_cap"].to_numpy(dtype="float64")
    found = frame["region_state"].eq("found").to_numpy()
    regional = found & (cap > general)
    out = np.full(len(frame), "wage_cap_idr", dtype=object)
    if regional.any():
        year = rules.spec.tables.minimum_wages_year
        named = (
            frame["region_kind"].fillna("").astype(str)
            + " "
            + frame["region_name"].fillna("").astype(str)
        )
        if year is not None:
            named = named + f" {year}"
        out[regional] = named.to_numpy(dtype=object)[regional]
    ranged = ~found & (cap > general)
    if ranged.any():
        top = cap >= frame["cap_max"].to_numpy(dtype="float64")
        out[ranged & top] = "region_range_max"
        out[ranged & ~top] = "region_range_min"
    return out


def _employment(seen: Seen) -> Columns:
    shown = _texts(seen.frame["employment_class"])
    shown[seen.defaulted("employment_blank_not_excluded")] = None
    return {"employment": shown}


def _pkh(seen: Seen) -> Columns:
    shown = _flags(seen.frame["pkh"])
    shown[seen.defaulted("pkh_blank_is_not_recipient")] = None
    return {"pkh": shown}


# Per criterion id, the values its entries show; a criterion without one shows none.
VALUES: dict[str, Callable[[Seen], Columns]] = {
    "citizen_with_nik": _citizen,
    "active_participant": _active,
    "wage_earner_category": _category,
    "wage_within_cap": _wage,
    "not_asn_tni_polri": _employment,
    "not_pkh_recipient": _pkh,
}
# Per criterion id, the rows it concerns (the others are ``not_applicable``); a criterion
# without an entry concerns every row, as every criterion of the shipped rounds does.
CONCERNS: dict[str, Callable[[pd.DataFrame, RuleSet], np.ndarray]] = {}
