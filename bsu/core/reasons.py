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


# The one wording of each status: its label in each language, and the name of the result
# workbook's sheet that lists its rows (Indonesian in both languages, as employers know
# them; the review sheet is "Perlu Perbaikan", shorter than its label).
STATUS_LABELS: dict[Status, dict[str, str]] = {
    Status.ELIGIBLE: {"id": "Layak", "en": "Eligible", "sheet": "Layak"},
    Status.INELIGIBLE: {"id": "Tidak Layak", "en": "Ineligible", "sheet": "Tidak Layak"},
    Status.REVIEW: {
        "id": "Perlu Perbaikan Data",
        "en": "Needs data fixes",
        "sheet": "Perlu Perbaikan",
    },
}


class CheckOutcome(StrEnum):
    """How one row fared on one criterion (the row's ``checks``): it met it, failed it,
    needs a data fix before it can be judged, or the criterion does not apply to it."""

    PASS = "pass"
    FAIL = "fail"
    REVIEW = "review"
    NOT_APPLICABLE = "not_applicable"


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
    # Added with the reading report: a wage no monthly wage in Indonesia can be.
    WAGE_IMPLAUSIBLE = "WAGE_IMPLAUSIBLE"
    # Added with the decision as the regulation makes it: wage components (basic wage plus
    # fixed allowances), nationality, and "active" judged by the contributions paid.
    WAGE_ALLOWANCES_UNKNOWN = "WAGE_ALLOWANCES_UNKNOWN"
    NOT_CITIZEN = "NOT_CITIZEN"
    NATIONALITY_UNKNOWN = "NATIONALITY_UNKNOWN"
    CONTRIBUTION_NOT_PAID = "CONTRIBUTION_NOT_PAID"
    PARTICIPANT_NONACTIVE_BY_CUTOFF = "PARTICIPANT_NONACTIVE_BY_CUTOFF"

    @property
    def bit(self) -> int:
        return _BITS[self]


_BITS = {code: 1 << i for i, code in enumerate(ReasonCode)}


# The reasons each criterion can give, by the criterion's id in the rule sets. The rule-set
# loader checks that a rule set words every one of them, and the engine that each check
# (``checks.CHECKS``) gives no other: here, so that both read it and neither imports the
# other.
CRITERION_REASONS: dict[str, frozenset[ReasonCode]] = {
    "citizen_with_nik": frozenset(
        {
            ReasonCode.NIK_MISSING,
            ReasonCode.NIK_PRECISION_LOST,
            ReasonCode.NIK_INVALID_FORMAT,
            ReasonCode.NIK_INVALID_REGION,
            ReasonCode.NIK_INVALID_BIRTHDATE,
            ReasonCode.NIK_DUPLICATE,
            ReasonCode.NIK_DUPLICATE_ACROSS_EMPLOYERS,
            ReasonCode.NOT_CITIZEN,
            ReasonCode.NATIONALITY_UNKNOWN,
        }
    ),
    "active_participant": frozenset(
        {
            ReasonCode.PARTICIPANT_NOT_FOUND,
            ReasonCode.PARTICIPATION_UNKNOWN,
            ReasonCode.PARTICIPANT_NOT_ACTIVE,
            ReasonCode.REGISTRATION_DATE_MISSING,
            ReasonCode.REGISTRATION_DATE_INVALID,
            ReasonCode.PARTICIPANT_JOINED_AFTER_CUTOFF,
            ReasonCode.CONTRIBUTION_NOT_PAID,
            ReasonCode.PARTICIPANT_NONACTIVE_BY_CUTOFF,
        }
    ),
    "wage_earner_category": frozenset({ReasonCode.CATEGORY_UNKNOWN, ReasonCode.CATEGORY_NOT_PU}),
    "wage_within_cap": frozenset(
        {
            ReasonCode.WAGE_MISSING,
            ReasonCode.WAGE_INVALID,
            ReasonCode.WAGE_IMPLAUSIBLE,
            ReasonCode.WAGE_ABOVE_CAP,
            ReasonCode.REGION_UNKNOWN,
            ReasonCode.WAGE_ALLOWANCES_UNKNOWN,
        }
    ),
    "not_asn_tni_polri": frozenset({ReasonCode.EXCLUDED_ASN_TNI_POLRI}),
    "not_pkh_recipient": frozenset({ReasonCode.PKH_UNKNOWN, ReasonCode.EXCLUDED_PKH_RECIPIENT}),
}


class PaymentCode(StrEnum):
    """A finding of the payment pre-check (``bsu.core.payment``): advice about the account
    a worker would be paid into, never a reason of the eligibility decision. Its wording,
    what to do about it and its source live in the round's ``payment:`` section. The
    order fixes each code's bit; new codes go last."""

    ACCOUNT_MISSING = "ACCOUNT_MISSING"
    ACCOUNT_NAME_MISMATCH = "ACCOUNT_NAME_MISMATCH"
    ACCOUNT_NUMBER_LENGTH = "ACCOUNT_NUMBER_LENGTH"
    ACCOUNT_NUMBER_INVALID = "ACCOUNT_NUMBER_INVALID"
    ACCOUNT_PRECISION_LOST = "ACCOUNT_PRECISION_LOST"
    ACCOUNT_DUPLICATE = "ACCOUNT_DUPLICATE"
    BANK_UNKNOWN = "BANK_UNKNOWN"
    CHANNEL_POS = "CHANNEL_POS"
    # An account given without its holder's name: the name could not be compared.
    ACCOUNT_HOLDER_MISSING = "ACCOUNT_HOLDER_MISSING"

    @property
    def bit(self) -> int:
        return _PAYMENT_BITS[self]


_PAYMENT_BITS = {code: 1 << i for i, code in enumerate(PaymentCode)}


def codes_in(mask: int) -> list[ReasonCode]:
    """The codes whose bits are set in ``mask``, in declaration order."""
    return [code for code in ReasonCode if mask & code.bit]
