"""The payment pre-check: which channel would pay each worker, and what about their
account would stop the money arriving. Advisory and beside the decision, never part of
it (as a bank's pre-validation is separate from the award): it reads the decisions'
frame and writes nothing back, so no finding can change a status.

Per row, when the row's roster gave any account data (a bank, an account number or a
holder name in some row of the same source), from the round's ``payment:`` section
(``rulefile.Payment``):

- **channel**: a channel with ``provinces`` pays every worker whose work region lies in
  them (Aceh: BSI); else the account's bank when it is a channel bank (BRI, BNI, Mandiri,
  BTN); else the fallback (PT Pos), with ``CHANNEL_POS`` telling the worker what that
  means.
- **findings** (``PaymentCode`` bits): a blank account, an account that is not digits or
  lost digits in Excel, an unusual length for its bank, one account given for several
  workers (across every roster of the check), an unrecognised bank, a holder name that is
  not the worker's name (``bsu.values.person_names``).

Rows of a roster without account data are not pre-checked (``checked`` false): a roster
made for the eligibility check alone gets no payment findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from bsu.core.engine import Decisions
from bsu.core.reasons import PaymentCode
from bsu.core.rulefile import Payment
from bsu.core.ruleset import Lang

KEY = "payment"  # where ``of`` keeps the pre-check in ``Decisions.derived``


@dataclass(frozen=True)
class Payments:
    """The pre-check of every row, aligned with the decisions' frame (same index).

    ``frame`` columns:

    - ``checked`` (bool): the row's roster gave account data, so it was pre-checked;
    - ``channel`` (object): the channel id of the round ("bri", "bsi", "pos", ...), None
      where not checked;
    - ``findings`` (int64): ``PaymentCode`` bits, 0 where not checked;
    - ``bank`` (object): the bank identified, as its label ("BRI", "BCA"), None when
      blank or not recognised; ``bank_raw``: as written;
    - ``account`` (object): the account as cleaned text ("" when blank);
    - ``holder`` (object): the holder's name as written; ``name``: the worker's;
    - ``name_match`` (object): ``NameMatch`` value, None when either name is blank;
    - ``digits`` (int64): the account's length; ``usual`` (object): the bank's usual
      lengths as text ("15"), None when the bank has none;
    - ``duplicate_same``, ``duplicate_elsewhere`` (object): the other places holding the
      same account, as ``bsu.core.duplicates.other_locations`` lists them, else None.
    """

    frame: pd.DataFrame
    spec: Payment

    def channel_counts(self) -> dict[str, int]:
        """Checked rows per channel id, in the round's channel order (0 included)."""
        raise NotImplementedError

    def finding_counts(self) -> dict[PaymentCode, int]:
        """Rows per finding, in ``PaymentCode`` order (0 included)."""
        raise NotImplementedError

    def part(self, keep: Any) -> Payments:
        """The rows selected by the boolean mask ``keep`` (a part of a result keeps the
        duplicates found across the whole check)."""
        raise NotImplementedError

    def rows(self, lang: Lang) -> list[dict[str, Any] | None]:
        """Per row, what JSON, the API and the store carry: ``{"channel": "bri",
        "channel_label": "BRI", "findings": [{"code", "severity", "message"}]}``, or
        None for a row that was not pre-checked."""
        raise NotImplementedError

    def messages(self, lang: Lang) -> pd.DataFrame:
        """Per row and finding (columns ``PaymentCode`` values), the message in ``lang``;
        NA where the row has not that finding."""
        raise NotImplementedError

    def actions(self, lang: Lang, rows: Any = None) -> pd.DataFrame:
        """The employer's action list: one line per finding of each row in ``rows`` (a
        boolean mask; default every checked row), in row order then ``PaymentCode``
        order, with columns ``index`` (the row's label in the decisions' frame), ``code``,
        ``severity``, ``message`` and ``action`` (what to do and where, in ``lang``)."""
        raise NotImplementedError


def precheck(decisions: Decisions) -> Payments | None:
    """The pre-check of ``decisions``; None when the rule set has no ``payment:``."""
    raise NotImplementedError


def of(decisions: Decisions) -> Payments | None:
    """``precheck``, made once per decisions and kept in ``Decisions.derived``."""
    if KEY not in decisions.derived:
        decisions.derived[KEY] = precheck(decisions)
    found: Payments | None = decisions.derived[KEY]
    return found
