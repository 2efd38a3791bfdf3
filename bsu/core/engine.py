"""The eligibility engine: canonical records and a rule set in, one decision per row out.

Pure: no files, no database, no network. Every criterion is evaluated on every row (no
short circuit), as masks over the whole table, so one row can carry several reasons.
Reasons are packed into one integer per row (a bit per ``ReasonCode``); turning them into
words is ``explain``'s job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from bsu.core.evidence import NO_EVIDENCE, Evidence, ExclusionList
from bsu.core.reasons import CRITERION_REASONS, Outcome, ReasonCode, Status
from bsu.core.records import FIELDS, LOCATION, ROW, SHEET, SOURCE, conform
from bsu.core.ruleset import RuleSet
from bsu.errors import RuleSetError
from bsu.values import dates, nik, region, vocabulary, wage
from bsu.values.text import as_text

Flags = dict[ReasonCode, pd.Series]
Check = Callable[[pd.DataFrame, RuleSet], Flags]
CHECKS: dict[str, Check] = {}


def check(criterion_id: str) -> Callable[[Check], Check]:
    """Register the implementation of a criterion named in a rule set. The reasons it can
    give are declared in ``reasons.CRITERION_REASONS`` (a rule set that lists the criterion
    must word each of them), which the rule-set loader reads without importing the engine."""
    if criterion_id not in CRITERION_REASONS:
        raise KeyError(f"{criterion_id}: declare its reasons in bsu.core.reasons.CRITERION_REASONS")

    def register(fn: Check) -> Check:
        CHECKS[criterion_id] = fn
        return fn

    return register


@dataclass(frozen=True)
class Decisions:
    """Decisions aligned row for row with the records they judge.

    ``frame`` columns: ``status``, ``reasons`` (bit mask), ``wage``, ``wage_cap``,
    ``benefit``, and the evidence ``explain`` words the reasons with.
    """

    frame: pd.DataFrame
    ruleset: RuleSet
    evidence: Evidence = NO_EVIDENCE

    def __len__(self) -> int:
        return len(self.frame)

    def counts(self) -> dict[Status, int]:
        counts = self.frame["status"].value_counts()
        return {s: int(counts.get(s.value, 0)) for s in Status}

    def benefit_total(self) -> int:
        return int(self.frame["benefit"].sum())


def evaluate(
    records: pd.DataFrame,
    ruleset: RuleSet,
    evidence: Evidence = NO_EVIDENCE,
    *,
    separate_sources: bool = False,
    niks: tuple[pd.Series, pd.Series] | None = None,
) -> Decisions:
    """Judge every record against every criterion of ``ruleset``, using ``evidence``
    (registry rows, exclusion lists) where it is given: it outranks the roster.

    With ``separate_sources`` each source is an unrelated request (the API checks many
    callers' workers in one pass): a NIK repeated in two sources is no duplicate.
    ``niks``: ``nik.clean`` of the records' NIKs, when the caller has it already (the
    pipeline cleans them once, for the evidence lookup and for this)."""
    records = conform(records)
    gathered = gather(records, ruleset, evidence, niks)
    if separate_sources:
        gathered["duplicate_scope"] = records[SOURCE].astype(str)
    mask = np.zeros(len(records), dtype=np.int64)
    for criterion in ruleset.criteria():
        implementation = CHECKS.get(criterion.id)
        if implementation is None:
            raise RuleSetError(
                f"{ruleset.path}: kriteria '{criterion.id}' tidak dikenal oleh mesin ini.",
                f"{ruleset.path}: criterion '{criterion.id}' is not known to this engine.",
            )
        for code, hit in implementation(gathered, ruleset).items():
            if code not in criterion.reasons:
                raise RuleSetError(
                    f"{ruleset.path}: kriteria '{criterion.id}' tidak memuat alasan {code}.",
                    f"{ruleset.path}: criterion '{criterion.id}' does not list reason {code}.",
                )
            mask |= np.where(hit.to_numpy(dtype=bool), code.bit, 0)

    ineligible_bits, review_bits = _outcome_bits(ruleset)
    status = np.where(
        mask & ineligible_bits,
        Status.INELIGIBLE.value,
        np.where(mask & review_bits, Status.REVIEW.value, Status.ELIGIBLE.value),
    )
    out = gathered
    out["reasons"] = mask
    out["status"] = status
    above = out["wage"] > out["cap_max"]
    out["wage_cap"] = out["cap_max"].where(above, out["cap_min"])
    benefit = float(ruleset.param("benefit_idr"))
    out["benefit"] = np.where(status == Status.ELIGIBLE.value, benefit, 0.0)
    return Decisions(frame=out, ruleset=ruleset, evidence=evidence)


def _outcome_bits(ruleset: RuleSet) -> tuple[int, int]:
    ineligible = review = 0
    for code, reason in ruleset.reasons.items():
        if reason.outcome is Outcome.INELIGIBLE:
            ineligible |= code.bit
        else:
            review |= code.bit
    return ineligible, review


def gather(
    records: pd.DataFrame,
    ruleset: RuleSet,
    evidence: Evidence = NO_EVIDENCE,
    niks: tuple[pd.Series, pd.Series] | None = None,
) -> pd.DataFrame:
    """Parse every field into typed evidence; keep the raw text for messages."""
    # Columns are gathered in a dict and framed once: adding some fifty columns one by
    # one to a DataFrame was the largest fixed cost of checking a single worker.
    ev: dict[str, Any] = {column: records[column] for column in LOCATION}
    for column in FIELDS:
        ev[f"{column}_raw"] = as_text(records[column], remember=column not in PERSONAL)

    ev["nik"], ev["nik_numeric"] = nik.clean(records["nik"]) if niks is None else niks
    # What to show for a NIK: the cleaned digits, or as typed when it was a number.
    ev["nik_display"] = ev["nik"].where(~ev["nik_numeric"], ev["nik_raw"])
    problems = nik.check(ev["nik"], _province_codes(ruleset))
    for column in problems.columns:
        ev[f"nik_{column}"] = problems[column] & ~ev["nik_numeric"]
    # Only a NIK with no problem of form identifies a worker (and can be looked up).
    ev["nik_valid"] = ~ev["nik_numeric"] & ~problems.any(axis=1)
    ev["wage"], ev["wage_form"] = wage.parse(records["wage"])
    ev["status_value"] = vocabulary.status(records["participant_status"])
    ev["category_value"], ev["category_empty"] = vocabulary.category(
        records["participant_category"]
    )
    ev["registered_on"], ev["registered_on_empty"] = dates.parse(records["registered_on"])
    ev["employment_class"] = vocabulary.employment_class(records["employment_status"])
    ev["pkh"] = vocabulary.yes_no(records["pkh_recipient"])
    _regional_caps(ev, records, ruleset)
    ev["evidence_participation"] = ROSTER
    ev["evidence_wage"] = ROSTER
    ev["evidence_pkh"] = ROSTER
    ev["evidence_employment"] = ROSTER
    ev["participant_found"] = pd.Series(pd.NA, index=records.index, dtype="boolean")
    ev["roster_wage"] = ev["wage"]
    gathered = pd.DataFrame(ev, index=records.index)
    # Plain labels: pandas 3 would keep them as Arrow strings, copied on every insert.
    gathered.columns = pd.Index(list(gathered.columns), dtype=object)
    if evidence.registry is not None:
        _apply_registry(gathered, evidence.registry, evidence.registry_label, evidence.scoped)
    for listed in evidence.lists:
        _apply_list(gathered, listed)
    return gathered


@cache
def _province_codes(ruleset: RuleSet) -> set[str]:
    regions = ruleset.regions
    return set(regions.loc[regions["level"] == "province", "code"])


ROSTER = "roster"
# Fields that identify a person: parsed afresh each time, never kept between checks.
PERSONAL = frozenset({"nik", "name", "kpj"})


def _regional_caps(ev: dict[str, Any], records: pd.DataFrame, ruleset: RuleSet) -> None:
    """The range of caps each row's region allows, by the round's regional rule."""
    general = float(ruleset.param("wage_cap_idr"))
    if "regional_cap_rounding_idr" not in ruleset.spec.parameters:
        # No regional rule in this round: one cap everywhere.
        for column, value in (("cap_min", general), ("cap_max", general)):
            ev[column] = value
        ev["region_state"] = region.FOUND
        for column in ("region_code", "region_kind", "region_name"):
            ev[column] = None
        ev["region_amount"] = float("nan")
        return
    resolved = region.resolve(_index_for(ruleset), records["region"], records["province"])
    for column in resolved.columns:
        named = column if column.startswith(("cap", "region_")) else f"region_{column}"
        ev[named] = resolved[column]
    if ruleset.minimum_wages.empty:
        # A regional rule whose minimum wages are not sourced: above the general cap,
        # no wage can be judged.
        ev["cap_min"] = general
        ev["cap_max"] = float("inf")
        ev["region_state"] = region.UNSOURCED


def _apply_registry(
    ev: pd.DataFrame, registry: pd.DataFrame, label: str, scoped: bool = False
) -> None:
    """The registry outranks the roster for every NIK it can be asked about. A scoped
    registry (one employer's share) could be asked only about the NIKs it holds: the rest
    keep the roster's values, as if no registry were loaded."""
    lookable = ev["nik_valid"]
    if scoped:
        lookable = lookable & ev["nik"].isin(registry.index)
    found = lookable & ev["nik"].isin(registry.index)
    row = registry.reindex(ev["nik"].where(found)).set_axis(ev.index)
    ev.loc[lookable, "evidence_participation"] = "registry"
    ev["participant_found"] = found.where(lookable).astype("boolean")
    ev["registry_label"] = row["label"].where(found, label)
    # A field the extract leaves blank is no evidence: the roster's value stands for it.
    status = found & row["status"].notna()
    ev.loc[status, "status_value"] = row.loc[status, "status"]
    ev.loc[status, "participant_status_raw"] = (
        row.loc[status, "status"].map(_STATUS_WORDS).astype(object)
    )
    category = found & row["category"].notna()
    ev.loc[category, "category_value"] = row.loc[category, "category"]
    ev.loc[category, "category_empty"] = False
    ev.loc[category, "participant_category_raw"] = row.loc[category, "category"]
    registered = found & row["registered_on"].notna()
    ev.loc[registered, "registered_on"] = row.loc[registered, "registered_on"]
    ev.loc[registered, "registered_on_empty"] = False
    reported = found & row["reported_wage"].notna()
    ev.loc[reported, "wage"] = row.loc[reported, "reported_wage"]
    ev.loc[reported, "wage_form"] = wage.WageForm.OK.value
    ev.loc[reported, "evidence_wage"] = "registry"


_STATUS_WORDS = {vocabulary.ACTIVE: "Aktif", vocabulary.INACTIVE: "Nonaktif"}


def _apply_list(ev: pd.DataFrame, listed: ExclusionList) -> None:
    """A NIK on a loaded exclusion list is excluded, whatever the roster says."""
    hit = ev["nik"].isin(listed.niks) & ~ev["nik_numeric"]
    tag = f"list:{listed.kind}"
    if listed.kind == "pkh":
        ev.loc[hit, "pkh"] = True
        ev.loc[hit, "evidence_pkh"] = tag
    else:
        ev.loc[hit, "employment_class"] = listed.kind
        ev.loc[hit, "employment_status_raw"] = listed.kind.upper()
        ev.loc[hit, "evidence_employment"] = tag


@cache
def _index_for(ruleset: RuleSet) -> region.RegionIndex:
    """The region lookup of a rule set, built once (rule sets compare by identity)."""
    return region.build_index(
        ruleset.regions,
        ruleset.minimum_wages,
        float(ruleset.param("wage_cap_idr")),
        float(ruleset.spec.parameters["regional_cap_rounding_idr"].value),  # type: ignore[arg-type]
    )


# --- the criteria, named as the rule sets name them -------------------------------------


@check("citizen_with_nik")
def citizen_with_nik(ev: pd.DataFrame, rules: RuleSet) -> Flags:
    valid = ev["nik_valid"]
    keyed = ev["nik"].astype(object)
    if "duplicate_scope" in ev:
        keyed = ev["duplicate_scope"].astype(object) + "|" + keyed
    repeated = valid & keyed.where(valid).duplicated(keep=False)
    ev["duplicate_of"], ev["duplicate_elsewhere"] = _other_locations(ev, repeated, keyed)
    return {
        ReasonCode.NIK_MISSING: ev["nik_missing"],
        ReasonCode.NIK_PRECISION_LOST: ev["nik_numeric"],
        ReasonCode.NIK_INVALID_FORMAT: ev["nik_bad_format"],
        ReasonCode.NIK_INVALID_REGION: ev["nik_bad_region"],
        ReasonCode.NIK_INVALID_BIRTHDATE: ev["nik_bad_birthdate"],
        ReasonCode.NIK_DUPLICATE: _nonempty(ev["duplicate_of"]),
        ReasonCode.NIK_DUPLICATE_ACROSS_EMPLOYERS: _nonempty(ev["duplicate_elsewhere"]),
    }


def _other_locations(
    ev: pd.DataFrame, repeated: pd.Series, keyed: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """For each row whose NIK repeats, the other rows holding it as (source, sheet, row):
    those in the same roster file, and those in other employers' rosters.

    At most ``PLACES_LISTED`` of each are named, then ``More(n)`` for the n others:
    a NIK dragged down a whole column would otherwise cost rows x rows.
    """
    if not repeated.any():
        empty = pd.Series(None, index=ev.index, dtype=object)
        return empty, empty.copy()
    dup = ev.loc[repeated, [SOURCE, SHEET, ROW]]
    files = dup[SOURCE].astype(object).where(dup[SOURCE].notna(), None).tolist()
    keys = keyed[repeated].tolist()
    places = list(zip(dup[SOURCE], dup[SHEET], dup[ROW], strict=True))
    # One pass: per NIK and file, the first few places and how many there are.
    first: dict[Any, dict[Any, list[tuple[Any, ...]]]] = {}
    count: dict[Any, dict[Any, int]] = {}
    for k, f, place in zip(keys, files, places, strict=True):
        listed = first.setdefault(k, {}).setdefault(f, [])
        if len(listed) <= PLACES_LISTED:
            listed.append(place)
        per_file = count.setdefault(k, {})
        per_file[f] = per_file.get(f, 0) + 1
    same: list[list[Any]] = []
    elsewhere: list[list[Any]] = []
    for k, f, me in zip(keys, files, places, strict=True):
        mine = [p for p in first[k][f] if p != me][:PLACES_LISTED]
        more_mine = count[k][f] - 1 - len(mine)
        theirs: list[Any] = []
        for other, listed in first[k].items():
            if other != f:
                theirs.extend(listed[: PLACES_LISTED - len(theirs)])
        more_theirs = sum(n for other, n in count[k].items() if other != f) - len(theirs)
        same.append([*mine, More(more_mine)] if more_mine else mine)
        elsewhere.append([*theirs, More(more_theirs)] if more_theirs else theirs)
    return (
        pd.Series(same, index=dup.index, dtype=object).reindex(ev.index),
        pd.Series(elsewhere, index=dup.index, dtype=object).reindex(ev.index),
    )


PLACES_LISTED = 10


@dataclass(frozen=True)
class More:
    """Stands for the places of a repeated NIK left unnamed."""

    count: int


def _nonempty(lists: pd.Series) -> pd.Series:
    """Rows holding a non-empty list (only repeated NIKs hold one: the rest is skipped)."""
    held = lists.notna().to_numpy()
    out = np.zeros(len(lists), dtype=bool)
    out[held] = [bool(x) for x in lists.to_numpy()[held]]
    return pd.Series(out, index=lists.index)


@check("active_participant")
def active_participant(ev: pd.DataFrame, rules: RuleSet) -> Flags:
    cutoff = pd.Timestamp(rules.param("participation_cutoff"))
    status = ev["status_value"]
    date_empty = ev["registered_on_empty"].astype(bool)
    date = ev["registered_on"]
    # Absent from a loaded registry: not a participant, whatever the roster claims.
    missing = ev["participant_found"].eq(False).fillna(False).astype(bool)
    return {
        ReasonCode.PARTICIPANT_NOT_FOUND: missing,
        ReasonCode.PARTICIPATION_UNKNOWN: status.isna() & ~missing,
        ReasonCode.PARTICIPANT_NOT_ACTIVE: status.eq(vocabulary.INACTIVE).fillna(False) & ~missing,
        ReasonCode.REGISTRATION_DATE_MISSING: date_empty & ~missing,
        ReasonCode.REGISTRATION_DATE_INVALID: date.isna() & ~date_empty & ~missing,
        ReasonCode.PARTICIPANT_JOINED_AFTER_CUTOFF: (date > cutoff).fillna(False) & ~missing,
    }


@check("wage_earner_category")
def wage_earner_category(ev: pd.DataFrame, rules: RuleSet) -> Flags:
    required = str(rules.param("participant_category"))
    category = ev["category_value"]
    # An employer's roster lists wage earners: an empty category means the required one.
    unknown = category.isna() & ~ev["category_empty"].astype(bool)
    other = category.notna() & category.ne(required)
    return {ReasonCode.CATEGORY_UNKNOWN: unknown, ReasonCode.CATEGORY_NOT_PU: other}


@check("wage_within_cap")
def wage_within_cap(ev: pd.DataFrame, rules: RuleSet) -> Flags:
    pay = ev["wage"]
    form = ev["wage_form"]
    if rules.param("wage_cap_inclusive"):  # "paling banyak": the cap itself is allowed
        above = pay > ev["cap_max"]
        undecided = (pay > ev["cap_min"]) & (pay <= ev["cap_max"])
    else:  # "di bawah": the cap itself is not
        above = pay >= ev["cap_max"]
        undecided = (pay >= ev["cap_min"]) & (pay < ev["cap_max"])
    above = above.fillna(False)
    return {
        ReasonCode.WAGE_MISSING: form.eq(wage.WageForm.MISSING.value),
        ReasonCode.WAGE_INVALID: form.eq(wage.WageForm.INVALID.value),
        ReasonCode.WAGE_ABOVE_CAP: above,
        ReasonCode.REGION_UNKNOWN: undecided.fillna(False),
    }


@check("not_asn_tni_polri")
def not_asn_tni_polri(ev: pd.DataFrame, rules: RuleSet) -> Flags:
    excluded = list(rules.param("excluded_employment"))
    return {ReasonCode.EXCLUDED_ASN_TNI_POLRI: ev["employment_class"].isin(excluded)}


@check("not_pkh_recipient")
def not_pkh_recipient(ev: pd.DataFrame, rules: RuleSet) -> Flags:
    pkh = ev["pkh"]
    return {
        ReasonCode.PKH_UNKNOWN: pkh.isna(),
        ReasonCode.EXCLUDED_PKH_RECIPIENT: pkh.fillna(False).astype(bool),
    }
