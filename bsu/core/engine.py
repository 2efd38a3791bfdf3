"""The eligibility engine: canonical records and a rule set in, one decision per row out.

Pure: no files, no database, no network. The engine only orchestrates: it gathers the
facts (``gather``), runs the check of every criterion the rule set lists (``checks``) and
decides. Every criterion is evaluated on every row (no short circuit), as masks over the
whole table, so one row can carry several reasons. Reasons are packed into one integer
per row (a bit per ``ReasonCode``); turning them into words is ``explain``'s job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bsu.core import defaults
from bsu.core.checks import CHECKS
from bsu.core.evidence import NO_EVIDENCE, Evidence
from bsu.core.gather import gather
from bsu.core.reasons import Outcome, ReasonCode, Status
from bsu.core.records import conform
from bsu.core.ruleset import RuleSet
from bsu.errors import RuleSetError


@dataclass(frozen=True)
class Decisions:
    """Decisions aligned row for row with the records they judge.

    ``frame`` columns: ``status``, ``reasons`` (bit mask), ``wage``, ``wage_cap``,
    ``benefit``, and the evidence ``explain`` words the reasons with.
    """

    frame: pd.DataFrame
    ruleset: RuleSet
    evidence: Evidence = NO_EVIDENCE
    # What is derived from these decisions once, for whoever reads it (the rows' checks:
    # ``bsu.core.trail.of``). Never carried to a copy: ``dataclasses.replace`` (a part of
    # the rows) starts with none.
    derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.frame)

    def counts(self) -> dict[Status, int]:
        counts = self.frame["status"].value_counts()
        return {s: int(counts.get(s.value, 0)) for s in Status}

    def benefit_total(self) -> int:
        return int(self.frame["benefit"].sum())

    def claimed(self) -> pd.Series:
        """Rows eligible but, perhaps, for another upload of the round holding the same
        NIK: what an upload claims under the paid-once rule (``bsu.store.claims``)."""
        across = ReasonCode.NIK_DUPLICATE_ACROSS_EMPLOYERS.bit
        return (self.frame["reasons"].astype("int64") & ~across).eq(0)

    def defaults(self) -> dict[str, int]:
        """Per data-gap default the rule set declares (``bsu.core.defaults``), in its
        order, the number of rows it was applied to (0 included)."""
        applied = defaults.applied(self.frame, self.ruleset)
        return {name: int(rows.sum()) for name, rows in applied.items()}


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
    gathered = gather(records, ruleset, evidence, niks, separate_sources=separate_sources)
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
    benefit = float(ruleset.benefit())
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
