"""Statuses and reason codes: the stable, machine-readable vocabulary of a decision.

The codes are part of the public contract (API consumers store them), so their string
values never change. Their wording, outcome and legal citation live in the rule set
(``rules/*.yaml``), not here: a code means the same thing in every round, while what it
says and which article it cites belong to the round.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """The decision for one roster row."""

    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    REVIEW = "review"


STATUS_LABELS: dict[Status, dict[str, str]] = {
    Status.ELIGIBLE: {"id": "Layak", "en": "Eligible"},
    Status.INELIGIBLE: {"id": "Tidak Layak", "en": "Ineligible"},
    Status.REVIEW: {"id": "Perlu Perbaikan Data", "en": "Needs data fixes"},
}


class Outcome(StrEnum):
    """What a reason does to the decision: a data problem or a failed criterion."""

    REVIEW = "review"
    INELIGIBLE = "ineligible"


class ReasonCode(StrEnum):
    """Every reason the engine can give. The order fixes each code's bit in a mask."""

    NIK_MISSING = "NIK_MISSING"
    NIK_INVALID_FORMAT = "NIK_INVALID_FORMAT"
    NIK_INVALID_REGION = "NIK_INVALID_REGION"
    NIK_INVALID_BIRTHDATE = "NIK_INVALID_BIRTHDATE"
    NIK_PRECISION_LOST = "NIK_PRECISION_LOST"
    NIK_DUPLICATE = "NIK_DUPLICATE"
    PARTICIPATION_UNKNOWN = "PARTICIPATION_UNKNOWN"
    PARTICIPANT_NOT_ACTIVE = "PARTICIPANT_NOT_ACTIVE"
    REGISTRATION_DATE_MISSING = "REGISTRATION_DATE_MISSING"
    REGISTRATION_DATE_INVALID = "REGISTRATION_DATE_INVALID"
    PARTICIPANT_JOINED_AFTER_CUTOFF = "PARTICIPANT_JOINED_AFTER_CUTOFF"
    CATEGORY_UNKNOWN = "CATEGORY_UNKNOWN"
    CATEGORY_NOT_PU = "CATEGORY_NOT_PU"
    WAGE_MISSING = "WAGE_MISSING"
    WAGE_INVALID = "WAGE_INVALID"
    WAGE_ABOVE_CAP = "WAGE_ABOVE_CAP"
    REGION_UNKNOWN = "REGION_UNKNOWN"
    EXCLUDED_ASN_TNI_POLRI = "EXCLUDED_ASN_TNI_POLRI"
    PKH_UNKNOWN = "PKH_UNKNOWN"
    EXCLUDED_PKH_RECIPIENT = "EXCLUDED_PKH_RECIPIENT"
    # Added with registry evidence and many rosters (new bits go last: masks stay stable).
    PARTICIPANT_NOT_FOUND = "PARTICIPANT_NOT_FOUND"
    NIK_DUPLICATE_ACROSS_EMPLOYERS = "NIK_DUPLICATE_ACROSS_EMPLOYERS"

    @property
    def bit(self) -> int:
        return _BITS[self]


_BITS = {code: 1 << i for i, code in enumerate(ReasonCode)}


def codes_in(mask: int) -> list[ReasonCode]:
    """The codes whose bits are set in ``mask``, in declaration order."""
    return [code for code in ReasonCode if mask & code.bit]
