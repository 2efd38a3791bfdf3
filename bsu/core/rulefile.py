"""The rule file's schema: a BSU round's YAML document, field for field, and what a
complete one holds.

Parameters carry their citations; each criterion lists the reasons it gives, worded in
Bahasa Indonesia and English. ``bsu.core.ruleset`` reads the file and its reference tables
into a ``RuleSet``; this module says what a valid file is.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bsu.core.reasons import CRITERION_REASONS, Outcome, PaymentCode, ReasonCode
from bsu.errors import RuleSetError

Lang = Literal["id", "en"]
LANGS: tuple[Lang, ...] = ("id", "en")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Model):
    """Wording in Bahasa Indonesia (the default) and English."""

    id: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def in_(self, lang: Lang) -> str:
        return self.en if lang == "en" else self.id


class LegalBasis(_Model):
    name: str
    short: str
    note: str | None = None
    source_url: str


class Quote(_Model):
    """The article's own words, kept beside the rule that applies them (as Catala keeps
    the statute beside the code): only text a source gives verbatim, a fragment where
    only a fragment is known (``note`` says so)."""

    text: str = Field(min_length=1)
    source_url: str
    note: str | None = None


class Parameter(_Model):
    value: bool | int | float | str | dt.date | list[str]
    citation: str
    confirmed: bool
    note: str | None = None
    source_url: str
    quote: Quote | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _dates_are_dates(cls, value: Any) -> Any:
        """YAML dates arrive as text (see the loader); an ISO date must be a real day."""
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value)
        return value


class Reason(_Model):
    outcome: Outcome
    message: Text


class Criterion(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: Text
    citation: str
    confirmed: bool
    note: str | None = None
    quote: Quote | None = None
    evidence: list[str] = Field(min_length=1)
    reasons: dict[ReasonCode, Reason] = Field(min_length=1)


class Default(_Model):
    """A data-gap default the engine applies: what a blank (or "-") cell of ``field`` is
    taken to mean, why, and how a report counts the rows it was applied to (``message``
    takes ``{count}``, e.g. "12 baris: kategori kosong, dianggap PU")."""

    field: str
    assumed: Text
    rationale: Text
    message: Text
    citation: str
    confirmed: bool
    source_url: str | None = None


class Effective(_Model):
    from_: dt.date = Field(alias="from")
    to: dt.date


class Tables(_Model):
    regions: str
    # None: the round has a regional rule whose minimum wages are not sourced here.
    minimum_wages: str | None = None
    # The year whose minimum wages the table holds, and what is known to be missing.
    minimum_wages_year: int | None = None
    minimum_wages_note: str | None = None


class PaymentChannel(_Model):
    """A way a round's benefit reaches a worker: a channel bank (a transfer into an account
    there) or the post office (collected in person).

    ``names``: how people write the bank (compared by ``bsu.values.banks``: case,
    punctuation, "PT", "Bank", "Tbk", "Persero" ignored, and a text that begins with a
    name, "BRI Unit Cikarang", is that bank); ``code``: its interbank code;
    ``account_digits``: the usual lengths of its account numbers (a warning only);
    ``provinces``: the provinces (Kemendagri codes) whose workers this channel pays
    whatever their bank."""

    label: str = Field(min_length=1)
    kind: Literal["bank", "post"]
    code: str | None = Field(default=None, pattern=r"^[0-9]{3}$")
    names: list[str] = Field(default_factory=list)
    account_digits: list[int] = Field(default_factory=list)
    provinces: list[str] = Field(default_factory=list)
    source_url: str
    note: str | None = None


class OtherBank(_Model):
    """A bank that is no channel of the round, known so that it is told from a typo: its
    account is paid through the fallback channel (``Payment.fallback``)."""

    label: str = Field(min_length=1)
    code: str | None = Field(default=None, pattern=r"^[0-9]{3}$")
    names: list[str] = Field(default_factory=list)
    source_url: str | None = None


class PaymentFindingText(_Model):
    """How a payment finding is worded, what the employer does about it, and its source.
    ``severity``: ``fix`` (the payment will likely fail until it is fixed), ``warning``
    (worth a look) or ``info`` (nothing to fix, something to tell the worker)."""

    severity: Literal["fix", "warning", "info"]
    message: Text
    action: Text
    source_url: str
    note: str | None = None


class Payment(_Model):
    """The round's payment pre-check (``bsu.core.payment``): advisory, never part of the
    eligibility decision. Channels are tried in order: a channel with ``provinces`` pays
    every worker whose work region is in them; else the account's bank, when it is a
    channel bank; else ``fallback`` (the post office)."""

    title: Text
    note: Text
    source_url: str
    channels: dict[str, PaymentChannel] = Field(min_length=1)
    fallback: str
    # The day by which benefits sent to the post office had to be collected, if known.
    pos_deadline: dt.date | None = None
    pos_deadline_source_url: str | None = None
    other_banks: list[OtherBank] = Field(default_factory=list)
    phrases: dict[str, Text]
    findings: dict[PaymentCode, PaymentFindingText]

    @field_validator("pos_deadline", mode="before")
    @classmethod
    def _dates_are_dates(cls, value: Any) -> Any:
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value)
        return value

    @model_validator(mode="after")
    def _complete(self) -> Payment:
        fallback = self.channels.get(self.fallback)
        if fallback is None or fallback.kind != "post":
            raise ValueError("payment.fallback must name a channel of kind post")
        missing = [code.value for code in PaymentCode if code not in self.findings]
        if missing:
            raise ValueError(f"payment.findings: no wording for {', '.join(missing)}")
        lacking = [p for p in PAYMENT_PHRASES if p not in self.phrases]
        if lacking:
            raise ValueError(f"payment.phrases: missing {', '.join(lacking)}")
        return self


# The phrases the payment findings are worded with (``Payment.phrases``).
PAYMENT_PHRASES = (
    "name_close",
    "name_different",
    "bank_blank",
    "pos_no_account",
    "pos_other_bank",
    "pos_problem_account",
    "deadline_unknown",
)


class RuleSetFile(_Model):
    """The YAML document, field for field."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    version: str
    title: Text
    legal_basis: list[LegalBasis] = Field(min_length=1)
    citation_prefix: str
    # A draft round (criteria announced, regulation not yet published) is usable, but
    # every output made under it carries ``draft_reason`` as a visible banner.
    status: Literal["final", "draft"] = "final"
    draft_reason: Text | None = None
    effective: Effective
    parameters: dict[str, Parameter]
    tables: Tables
    criteria: list[Criterion] = Field(min_length=1)
    defaults: dict[str, Default] = Field(default_factory=dict)
    phrases: dict[str, Text]
    # The payment pre-check; a round without one has none (its channels are not sourced).
    payment: Payment | None = None

    @model_validator(mode="after")
    def _draft_says_why(self) -> RuleSetFile:
        if self.status == "draft" and self.draft_reason is None:
            raise ValueError("a draft rule set needs draft_reason")
        return self

    @model_validator(mode="after")
    def _each_reason_once(self) -> RuleSetFile:
        seen: dict[ReasonCode, str] = {}
        for criterion in self.criteria:
            for code in criterion.reasons:
                if code in seen:
                    raise ValueError(
                        f"reason {code} is listed under both {seen[code]} and {criterion.id}"
                    )
                seen[code] = criterion.id
        ids = [c.id for c in self.criteria]
        if len(ids) != len(set(ids)):
            raise ValueError("two criteria share one id")
        return self


# Parameters the engine reads, with the type each must have.
REQUIRED_PARAMETERS: dict[str, type | tuple[type, ...]] = {
    "wage_cap_idr": (int, float),
    "wage_cap_inclusive": bool,
    # Not a regulation value: the product's plausibility bound of a monthly wage.
    "wage_implausible_below_idr": (int, float),
    "participation_cutoff": dt.date,
    "participant_category": str,
    # The benefit is months x the monthly amount (2025: 2 x Rp300.000, paid at once).
    "benefit_months": int,
    "benefit_monthly_idr": (int, float),
    "excluded_employment": list,
    # A daily wage counts this many times as the monthly wage (BPJS Ketenagakerjaan).
    "wage_daily_factor": (int, float),
    # Not a regulation value: how close below its cap a basic wage alone must be (as a
    # share of the cap) for the row to need its fixed allowances before it is judged.
    "wage_basic_only_margin": (int, float),
    # How "active up to the cutoff" is judged: by the contribution of the cutoff's month
    # being paid (with registry data that says so), or by the participation status alone.
    "active_means": str,
}
ACTIVE_MEANS = ("contribution_paid", "status_only")
# The data-gap defaults the engine applies, by id, with the criterion each serves: a rule
# set that lists the criterion must declare the default (``RuleSetFile.defaults``), so
# that every assumption the engine makes is written down with its rationale.
DEFAULT_CRITERIA: dict[str, str] = {
    "nationality_blank_not_stated": "citizen_with_nik",
    "category_blank_is_pu": "wage_earner_category",
    "fixed_allowance_blank_is_none": "wage_within_cap",
    "employment_blank_not_excluded": "not_asn_tni_polri",
    "pkh_blank_is_not_recipient": "not_pkh_recipient",
}
# Parameters a round may leave out: without a rounding there is no regional cap rule.
OPTIONAL_PARAMETERS: dict[str, type | tuple[type, ...]] = {
    "regional_cap_rounding_idr": (int, float),
}
# Phrases the reports are built from.
REQUIRED_PHRASES = (
    "cap_basis_general",
    "cap_basis_regional",
    "cap_basis_highest",
    "region_missing",
    "region_unrecognised",
    "region_ambiguous",
    "region_too_coarse",
    "region_conflict",
    "region_caps_unsourced",
    "location_same_sheet",
    "location_other_sheet",
    "location_more",
    "location_upload_named",
    "location_upload_other_employer",
    # How the wage judged was built, for the wage reasons' ``{wage_built}``.
    "wage_built_total",
    "wage_built_components",
    "wage_built_basic_only",
    "wage_built_daily",
    "wage_built_registry",
)


def check_complete(path: Path, spec: RuleSetFile) -> None:
    """Refuse a file that is well formed but misses what the engine and the reports read:
    every problem at once, so one edit fixes them all."""
    problems: list[str] = []
    for name, kind in REQUIRED_PARAMETERS.items():
        param = spec.parameters.get(name)
        if param is None:
            problems.append(f"parameters.{name}: missing")
        elif not _is(param.value, kind):
            problems.append(f"parameters.{name}: wrong type {type(param.value).__name__}")
    for name, kind in OPTIONAL_PARAMETERS.items():
        param = spec.parameters.get(name)
        if param is not None and not _is(param.value, kind):
            problems.append(f"parameters.{name}: wrong type {type(param.value).__name__}")
    means = spec.parameters.get("active_means")
    if means is not None and means.value not in ACTIVE_MEANS:
        problems.append(f"parameters.active_means: one of {', '.join(ACTIVE_MEANS)}")
    listed = {c.id for c in spec.criteria}
    problems += [
        f"defaults.{name}: missing (the engine applies it for criterion {criterion})"
        for name, criterion in DEFAULT_CRITERIA.items()
        if criterion in listed and name not in spec.defaults
    ]
    problems += [
        f"defaults.{name}: unknown default (known: {', '.join(DEFAULT_CRITERIA)})"
        for name in spec.defaults
        if name not in DEFAULT_CRITERIA
    ]
    # A round may leave criteria out; those it lists must word every reason they give.
    for criterion in spec.criteria:
        codes = CRITERION_REASONS.get(criterion.id)
        if codes is None:
            known = ", ".join(sorted(CRITERION_REASONS))
            problems.append(f"criteria.{criterion.id}: unknown criterion (known: {known})")
            continue
        problems += [
            f"criteria.{criterion.id}.reasons: no wording for {code}"
            for code in sorted(codes - set(criterion.reasons))
        ]
        problems += [
            f"criteria.{criterion.id}.reasons: {code} is not a reason of this criterion"
            for code in sorted(set(criterion.reasons) - codes)
        ]
    problems += [
        f"phrases.{name}: missing" for name in REQUIRED_PHRASES if name not in spec.phrases
    ]
    if problems:
        joined = "; ".join(problems)
        raise RuleSetError(
            f"{path}: aturan tidak lengkap: {joined}", f"{path}: incomplete rule set: {joined}"
        )


def _is(value: Any, kind: type | tuple[type, ...]) -> bool:
    """isinstance, except that a bool is not a number (YAML true is not 1)."""
    if isinstance(value, bool):
        return kind is bool or (isinstance(kind, tuple) and bool in kind)
    return isinstance(value, kind)
