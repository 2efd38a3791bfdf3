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

import numpy as np
import pandas as pd

from bsu import dates, nik, region, vocabulary, wage
from bsu.errors import RuleSetError
from bsu.reasons import Outcome, ReasonCode, Status
from bsu.records import FIELDS, LOCATION, ROW, SHEET, SOURCE, conform
from bsu.ruleset import RuleSet
from bsu.text import as_text

Flags = dict[ReasonCode, pd.Series]
Check = Callable[[pd.DataFrame, RuleSet], Flags]
CHECKS: dict[str, Check] = {}


def check(criterion_id: str) -> Callable[[Check], Check]:
    """Register the implementation of a criterion named in a rule set."""

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

    def __len__(self) -> int:
        return len(self.frame)

    def counts(self) -> dict[Status, int]:
        counts = self.frame["status"].value_counts()
        return {s: int(counts.get(s.value, 0)) for s in Status}

    def benefit_total(self) -> int:
        return int(self.frame["benefit"].sum())


def evaluate(records: pd.DataFrame, ruleset: RuleSet) -> Decisions:
    """Judge every record against every criterion of ``ruleset``."""
    records = conform(records)
    evidence = gather(records, ruleset)
    mask = np.zeros(len(records), dtype=np.int64)
    for criterion in ruleset.criteria():
        implementation = CHECKS.get(criterion.id)
        if implementation is None:
            raise RuleSetError(
                f"{ruleset.path}: kriteria '{criterion.id}' tidak dikenal oleh mesin ini.",
                f"{ruleset.path}: criterion '{criterion.id}' is not known to this engine.",
            )
        for code, hit in implementation(evidence, ruleset).items():
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
    out = evidence
    out["reasons"] = mask
    out["status"] = status
    above = out["wage"] > out["cap_max"]
    out["wage_cap"] = out["cap_max"].where(above, out["cap_min"])
    benefit = float(ruleset.param("benefit_idr"))
    out["benefit"] = np.where(status == Status.ELIGIBLE.value, benefit, 0.0)
    return Decisions(frame=out, ruleset=ruleset)


def _outcome_bits(ruleset: RuleSet) -> tuple[int, int]:
    ineligible = review = 0
    for code, reason in ruleset.reasons.items():
        if reason.outcome is Outcome.INELIGIBLE:
            ineligible |= code.bit
        else:
            review |= code.bit
    return ineligible, review


def gather(records: pd.DataFrame, ruleset: RuleSet) -> pd.DataFrame:
    """Parse every field into typed evidence; keep the raw text for messages."""
    ev = pd.DataFrame(index=records.index)
    for column in LOCATION:
        ev[column] = records[column]
    for column in FIELDS:
        ev[f"{column}_raw"] = as_text(records[column])

    ev["nik"], ev["nik_numeric"] = nik.clean(records["nik"])
    # What to show for a NIK: the cleaned digits, or as typed when it was a number.
    ev["nik_display"] = ev["nik"].where(~ev["nik_numeric"], ev["nik_raw"])
    ev["wage"], ev["wage_form"] = wage.parse(records["wage"])
    ev["status_value"] = vocabulary.status(records["participant_status"])
    ev["category_value"], ev["category_empty"] = vocabulary.category(
        records["participant_category"]
    )
    ev["registered_on"], ev["registered_on_empty"] = dates.parse(records["registered_on"])
    ev["employment_class"] = vocabulary.employment_class(records["employment_status"])
    ev["pkh"] = vocabulary.yes_no(records["pkh_recipient"])
    resolved = region.resolve(_index_for(ruleset), records["region"], records["province"])
    for column in resolved.columns:
        ev[column if column.startswith("cap") else f"region_{column}"] = resolved[column]
    return ev


@cache
def _index_for(ruleset: RuleSet) -> region.RegionIndex:
    """The region lookup of a rule set, built once (rule sets compare by identity)."""
    return region.build_index(
        ruleset.regions,
        ruleset.minimum_wages,
        float(ruleset.param("wage_cap_idr")),
        float(ruleset.param("regional_cap_rounding_idr")),
    )


# --- the criteria, named as the rule sets name them -------------------------------------


@check("citizen_with_nik")
def citizen_with_nik(ev: pd.DataFrame, rules: RuleSet) -> Flags:
    provinces = set(rules.regions.loc[rules.regions["level"] == "province", "code"])
    lost = ev["nik_numeric"]
    problems = nik.check(ev["nik"], provinces)
    valid = ~lost & ~problems.any(axis=1)
    duplicate = valid & ev["nik"].where(valid).duplicated(keep=False) & ev["nik"].ne("")
    ev["duplicate_of"] = _other_locations(ev, duplicate)
    return {
        ReasonCode.NIK_MISSING: problems["missing"] & ~lost,
        ReasonCode.NIK_PRECISION_LOST: lost,
        ReasonCode.NIK_INVALID_FORMAT: problems["bad_format"] & ~lost,
        ReasonCode.NIK_INVALID_REGION: problems["bad_region"] & ~lost,
        ReasonCode.NIK_INVALID_BIRTHDATE: problems["bad_birthdate"] & ~lost,
        ReasonCode.NIK_DUPLICATE: duplicate,
    }


def _other_locations(ev: pd.DataFrame, duplicate: pd.Series) -> pd.Series:
    """For each duplicated row, the other rows holding its NIK as (source, sheet, row)."""
    if not duplicate.any():
        return pd.Series(None, index=ev.index, dtype=object)
    dup = ev.loc[duplicate, ["nik", SOURCE, SHEET, ROW]]
    places = pd.Series(
        list(zip(dup[SOURCE], dup[SHEET], dup[ROW], strict=True)), index=dup.index, dtype=object
    )
    dup = dup.assign(place=places)
    groups = dup.groupby("nik", sort=False)["place"].agg(list)
    own = dup["place"]
    everyone = dup["nik"].map(groups)
    others = pd.Series(
        [[p for p in group if p != me] for me, group in zip(own, everyone, strict=True)],
        index=dup.index,
        dtype=object,
    )
    return others.reindex(ev.index)


@check("active_participant")
def active_participant(ev: pd.DataFrame, rules: RuleSet) -> Flags:
    cutoff = pd.Timestamp(rules.param("participation_cutoff"))
    status = ev["status_value"]
    date_empty = ev["registered_on_empty"]
    date = ev["registered_on"]
    return {
        ReasonCode.PARTICIPATION_UNKNOWN: status.isna(),
        ReasonCode.PARTICIPANT_NOT_ACTIVE: status.eq(vocabulary.INACTIVE).fillna(False),
        ReasonCode.REGISTRATION_DATE_MISSING: date_empty,
        ReasonCode.REGISTRATION_DATE_INVALID: date.isna() & ~date_empty,
        ReasonCode.PARTICIPANT_JOINED_AFTER_CUTOFF: (date > cutoff).fillna(False),
    }


@check("wage_earner_category")
def wage_earner_category(ev: pd.DataFrame, rules: RuleSet) -> Flags:
    required = str(rules.param("participant_category"))
    category = ev["category_value"]
    # An employer's roster lists wage earners: an empty category means the required one.
    unknown = category.isna() & ~ev["category_empty"]
    other = category.notna() & category.ne(required)
    return {ReasonCode.CATEGORY_UNKNOWN: unknown, ReasonCode.CATEGORY_NOT_PU: other}


@check("wage_within_cap")
def wage_within_cap(ev: pd.DataFrame, rules: RuleSet) -> Flags:
    pay = ev["wage"]
    form = ev["wage_form"]
    above = (pay > ev["cap_max"]).fillna(False)
    undecided = (pay > ev["cap_min"]) & (pay <= ev["cap_max"])
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
