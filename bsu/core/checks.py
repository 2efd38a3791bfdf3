"""The criteria: one small named check per criterion, registered by its id in the rule sets.

Each check takes, as its positional parameters, the gathered columns it reads (named as
``bsu.core.gather`` names them), and as its keyword-only parameters the rule set's
parameters it depends on (named as in ``rules/*.yaml``); it returns, per reason it can
give, the rows that give it. Nothing else reaches a check, so what a criterion depends on
is read off its signature (the way OpenFisca variables and pandera checks declare theirs).
The reasons a criterion may give are declared in ``reasons.CRITERION_REASONS``, which the
rule-set loader reads without importing the checks.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from bsu.core import wages
from bsu.core.duplicates import nonempty
from bsu.core.reasons import CRITERION_REASONS, ReasonCode
from bsu.core.ruleset import RuleSet
from bsu.values import dates, vocabulary
from bsu.values.wage import WageForm

Flags = dict[ReasonCode, pd.Series]


@dataclass(frozen=True)
class Check:
    """A criterion's implementation, with the columns and parameters it reads."""

    criterion: str
    run: Callable[..., Flags]
    columns: tuple[str, ...]  # gathered columns, in the order ``run`` takes them
    parameters: tuple[str, ...]  # the rule set's parameters, passed by name

    def __call__(self, gathered: pd.DataFrame, rules: RuleSet) -> Flags:
        values = {name: rules.param(name) for name in self.parameters}
        return self.run(*(gathered[column] for column in self.columns), **values)


CHECKS: dict[str, Check] = {}


def check(criterion_id: str) -> Callable[[Callable[..., Flags]], Callable[..., Flags]]:
    """Register the implementation of a criterion named in a rule set. The reasons it can
    give are declared in ``reasons.CRITERION_REASONS`` (a rule set that lists the criterion
    must word each of them), which the rule-set loader reads without importing the checks."""
    if criterion_id not in CRITERION_REASONS:
        raise KeyError(f"{criterion_id}: declare its reasons in bsu.core.reasons.CRITERION_REASONS")

    def register(fn: Callable[..., Flags]) -> Callable[..., Flags]:
        signature = inspect.signature(fn).parameters.values()
        CHECKS[criterion_id] = Check(
            criterion=criterion_id,
            run=fn,
            columns=tuple(p.name for p in signature if p.kind is p.POSITIONAL_OR_KEYWORD),
            parameters=tuple(p.name for p in signature if p.kind is p.KEYWORD_ONLY),
        )
        return fn

    return register


@check("citizen_with_nik")
def citizen_with_nik(
    nik_missing: pd.Series,
    nik_numeric: pd.Series,
    nik_bad_format: pd.Series,
    nik_bad_region: pd.Series,
    nik_bad_birthdate: pd.Series,
    duplicate_of: pd.Series,
    duplicate_elsewhere: pd.Series,
    nationality_value: pd.Series,
    nationality_empty: pd.Series,
) -> Flags:
    """A NIK of the right form, held by one worker only, and not a foreign national. A NIK
    does not prove citizenship (foreign residents hold one too): where the roster or the
    registry states a nationality, a WNA fails; where neither does, the NIK alone is
    judged (the rule set's default ``nationality_blank_not_stated``)."""
    return {
        ReasonCode.NIK_MISSING: nik_missing,
        ReasonCode.NIK_PRECISION_LOST: nik_numeric,
        ReasonCode.NIK_INVALID_FORMAT: nik_bad_format,
        ReasonCode.NIK_INVALID_REGION: nik_bad_region,
        ReasonCode.NIK_INVALID_BIRTHDATE: nik_bad_birthdate,
        ReasonCode.NIK_DUPLICATE: nonempty(duplicate_of),
        ReasonCode.NIK_DUPLICATE_ACROSS_EMPLOYERS: nonempty(duplicate_elsewhere),
        ReasonCode.NOT_CITIZEN: nationality_value.eq(vocabulary.FOREIGN).fillna(False),
        ReasonCode.NATIONALITY_UNKNOWN: nationality_value.isna()
        & ~nationality_empty.fillna(True).astype(bool),
    }


@check("active_participant")
def active_participant(
    status_value: pd.Series,
    registered_on: pd.Series,
    registered_on_empty: pd.Series,
    participant_found: pd.Series,
    last_paid_month: pd.Series,
    nonactive_month: pd.Series,
    *,
    participation_cutoff: dt.date,
    active_means: str,
) -> Flags:
    """An active participant registered on or before the cutoff.

    With ``active_means: contribution_paid``, "active up to the cutoff" means the
    contribution of the cutoff's month was paid and the participant was not non-active in
    or before that month. Where the registry gives either month for a row, the months
    decide for it, not the status (a participant non-active today may have been active up
    to the cutoff); elsewhere the status decides, as with ``status_only``."""
    cutoff = pd.Timestamp(participation_cutoff)
    date_empty = registered_on_empty.astype(bool)
    # Absent from a loaded registry: not a participant, whatever the roster claims.
    missing = participant_found.eq(False).fillna(False).astype(bool)
    by_months = pd.Series(False, index=status_value.index)
    unpaid = nonactive = by_months
    if active_means == "contribution_paid":
        month = dates.month_of(participation_cutoff)
        unpaid = (last_paid_month < month).fillna(False).astype(bool) & ~missing
        nonactive = (nonactive_month <= month).fillna(False).astype(bool) & ~missing
        by_months = (last_paid_month.notna() | nonactive_month.notna()).astype(bool)
    by_status = ~missing & ~by_months
    return {
        ReasonCode.PARTICIPANT_NOT_FOUND: missing,
        ReasonCode.PARTICIPATION_UNKNOWN: status_value.isna() & by_status,
        ReasonCode.PARTICIPANT_NOT_ACTIVE: status_value.eq(vocabulary.INACTIVE).fillna(False)
        & by_status,
        ReasonCode.CONTRIBUTION_NOT_PAID: unpaid,
        ReasonCode.PARTICIPANT_NONACTIVE_BY_CUTOFF: nonactive,
        ReasonCode.REGISTRATION_DATE_MISSING: date_empty & ~missing,
        ReasonCode.REGISTRATION_DATE_INVALID: registered_on.isna() & ~date_empty & ~missing,
        ReasonCode.PARTICIPANT_JOINED_AFTER_CUTOFF: (registered_on > cutoff).fillna(False)
        & ~missing,
    }


@check("wage_earner_category")
def wage_earner_category(
    category_value: pd.Series, category_empty: pd.Series, *, participant_category: str
) -> Flags:
    """A participant of the wage-earner category (PU)."""
    # An employer's roster lists wage earners: an empty category means the required one.
    unknown = category_value.isna() & ~category_empty.astype(bool)
    other = category_value.notna() & category_value.ne(str(participant_category))
    return {ReasonCode.CATEGORY_UNKNOWN: unknown, ReasonCode.CATEGORY_NOT_PU: other}


@check("wage_within_cap")
def wage_within_cap(
    wage: pd.Series,
    wage_form: pd.Series,
    wage_basis: pd.Series,
    cap_min: pd.Series,
    cap_max: pd.Series,
    *,
    wage_cap_inclusive: bool,
    wage_implausible_below_idr: float,
    wage_basic_only_margin: float,
) -> Flags:
    """A wage within the cap of the worker's region (between ``cap_min`` and ``cap_max``
    the region decides, and it is not known). A wage read but below
    ``wage_implausible_below_idr`` (far under any minimum wage: a roster written in
    thousands) is never taken as eligible: it needs a look. A wage that is the basic wage
    alone (``wage_basis`` ``basic_only``: the fixed allowances were left blank) within
    ``wage_basic_only_margin`` (a share of the cap) below the cap that applies to the row
    (``cap_min``, which is its region's cap when the region is known) is not judged either:
    the allowances it lacks could take it over the cap."""
    if wage_cap_inclusive:  # "paling banyak": the cap itself is allowed
        above = wage > cap_max
        undecided = (wage > cap_min) & (wage <= cap_max)
    else:  # "di bawah": the cap itself is not
        above = wage >= cap_max
        undecided = (wage >= cap_min) & (wage < cap_max)
    near = wage > cap_min * (1.0 - float(wage_basic_only_margin))
    basic_only = wage_basis.eq(wages.BASIC_ONLY).fillna(False).astype(bool)
    within = ~above.fillna(False).astype(bool) & ~undecided.fillna(False).astype(bool)
    return {
        ReasonCode.WAGE_MISSING: wage_form.eq(WageForm.MISSING.value),
        ReasonCode.WAGE_INVALID: wage_form.eq(WageForm.INVALID.value),
        ReasonCode.WAGE_IMPLAUSIBLE: wage_form.eq(WageForm.OK.value)
        & (wage < float(wage_implausible_below_idr)).fillna(False),
        ReasonCode.WAGE_ABOVE_CAP: above.fillna(False),
        ReasonCode.REGION_UNKNOWN: undecided.fillna(False),
        ReasonCode.WAGE_ALLOWANCES_UNKNOWN: basic_only & within & near.fillna(False),
    }


@check("not_asn_tni_polri")
def not_asn_tni_polri(employment_class: pd.Series, *, excluded_employment: list[str]) -> Flags:
    """Not a civil servant (ASN), soldier (TNI) or police officer (Polri)."""
    excluded = list(excluded_employment)
    return {ReasonCode.EXCLUDED_ASN_TNI_POLRI: employment_class.isin(excluded)}


@check("not_pkh_recipient")
def not_pkh_recipient(pkh: pd.Series) -> Flags:
    """Not a recipient of the Program Keluarga Harapan."""
    return {
        ReasonCode.PKH_UNKNOWN: pkh.isna(),
        ReasonCode.EXCLUDED_PKH_RECIPIENT: pkh.fillna(False).astype(bool),
    }
