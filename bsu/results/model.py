"""The result of a check: what was read, what was decided and why, in one language; and
its rows as plain JSON values, what the API and the store share."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from bsu.core import fields, payment
from bsu.core import trail as trails
from bsu.core.defaults import Applied, counted
from bsu.core.engine import Decisions
from bsu.core.explain import Explanation, explain
from bsu.core.payment import Payments
from bsu.core.reasons import STATUS_LABELS, ReasonCode, Status
from bsu.core.ruleset import Lang, RuleSet
from bsu.core.trail import Trail
from bsu.core.words import say
from bsu.results.columns import headers
from bsu.results.reading import judged
from bsu.rosters.readers import Roster
from bsu.rosters.reading import SheetRead


@dataclass(frozen=True)
class Input:
    """A roster file that was read: the name results give it, and where it lies (its
    bytes are hashed for the run's trace, ``bsu.results.trace``, only when one is made)."""

    name: str
    path: Path


@dataclass(frozen=True)
class Result:
    """A checked roster: what was read, what was decided, and why, in one language;
    ``inputs``: the files it was read from, when the caller read files."""

    roster: Roster
    decisions: Decisions
    explanation: Explanation
    inputs: tuple[Input, ...] = ()

    @classmethod
    def of(cls, roster: Roster, decisions: Decisions, lang: Lang = "id") -> Result:
        return cls(roster, decisions, explain(decisions, lang))

    @property
    def lang(self) -> Lang:
        return self.explanation.lang

    def summary(self) -> dict[str, int]:
        counts = self.decisions.counts()
        return {
            "total": len(self.decisions),
            **{s.value: counts[s] for s in Status},
            "benefit_total": self.decisions.benefit_total(),
        }

    @property
    def trail(self) -> Trail:
        """Every row's decision criterion by criterion (``bsu.core.trail``)."""
        return trails.of(self.decisions)

    @property
    def payments(self) -> Payments | None:
        """The payment pre-check of every row (``bsu.core.payment``), beside the decision;
        None when the round has no ``payment:`` section."""
        return payment.of(self.decisions)

    def eligible_payments(self) -> Payments | None:
        """The pre-check of the eligible rows, the ones the benefit would be paid to: what
        every output counts. None when the round has no ``payment:`` section or no roster
        gave account data (a roster made for the eligibility check alone)."""
        payments = self.payments
        if payments is None or not payments.checked():
            return None
        return payments.part(self.decisions.frame["status"].eq(Status.ELIGIBLE.value).to_numpy())

    def defaults(self) -> list[Applied]:
        """The data-gap defaults applied to some rows, with their counts in all and per
        source file (``bsu.core.defaults``)."""
        return counted(self.decisions.frame, self.decisions.ruleset)

    def reason_counts(self) -> list[tuple[ReasonCode, int]]:
        present = self.explanation.messages.notna().sum()
        return [(ReasonCode(str(c)), int(n)) for c, n in present.items() if n]

    def table(self) -> pd.DataFrame:
        """One row per roster row: location, decision, reasons, then the original columns."""
        h = headers(self.lang)
        f = self.decisions.frame
        labels = {s.value: STATUS_LABELS[s][self.lang] for s in Status}
        decided = pd.DataFrame(
            {
                h["source"]: f["source"],
                h["sheet"]: f["sheet"],
                h["row"]: f["row"],
                h["status"]: f["status"].map(labels),
                h["codes"]: self.explanation.codes_text(),
                h["messages"]: self.explanation.messages_text(),
                h["wage_cap"]: f["wage_cap"],
                h["benefit"]: f["benefit"],
            },
            index=f.index,
        )
        if decided[h["sheet"]].isna().all():
            decided = decided.drop(columns=h["sheet"])
        if not self.explanation.evidence.empty:
            decided.insert(
                list(decided.columns).index(h["messages"]) + 1,
                h["evidence"],
                self.explanation.evidence_text(),
            )
        original = self.roster.original.copy()
        original.columns = [
            c if c not in decided.columns else f"{c} (asli)" for c in original.columns
        ]
        return pd.concat([decided, original.set_axis(f.index)], axis=1)

    def reading(self) -> list[SheetRead]:
        """How each file and sheet was read, with the notices found once its rows were
        judged (``bsu.rosters.reading``, ``bsu.results.reading``). Every sheet of every
        file is there, sheets skipped as a whole too (``SheetRead.read`` false)."""
        return judged(self.roster.sheets, self.decisions.frame)

    def sources(self) -> list[str]:
        """The roster files (one per employer) workers were read from, in reading order."""
        return list(dict.fromkeys(s.source for s in self.roster.sheets if s.read))

    def only(self, source: str) -> Result:
        """The part of the result that came from one roster file."""
        keep = (self.decisions.frame["source"] == source).to_numpy()
        original = self.roster.original[keep].dropna(axis=1, how="all")
        part = Roster(
            records=self.roster.records[keep],
            original=original,
            sheets=[s for s in self.roster.sheets if s.source == source],
        )
        decisions = replace(self.decisions, frame=self.decisions.frame[keep])
        # The whole check's pre-check, sliced: an account also given in another employer's
        # roster stays a duplicate in this employer's part.
        whole = self.payments
        decisions.derived[payment.KEY] = None if whole is None else whole.part(keep)
        explanation = replace(
            self.explanation,
            messages=self.explanation.messages[keep],
            evidence=self.explanation.evidence[keep],
            masks=self.explanation.masks[keep],
        )
        inputs = tuple(i for i in self.inputs if i.name == source)
        return Result(part, decisions, explanation, inputs)

    def nik_columns(self) -> set[str]:
        """Original headers of the fields the registry shows as identity numbers (the
        NIK, an account number), to write as text: a spreadsheet would round them."""
        return {
            header
            for s in self.roster.sheets
            for name, header in s.matched.items()
            if name in fields.BY_NAME and fields.kind(name) in ("nik", "account")
        }


def decided_rows(result: Result) -> list[dict[str, Any]]:
    """One plain dict per decision (no reasons): what JSON, the API and the store share."""
    f = result.decisions.frame
    columns = {
        "source": f["source"],
        "sheet": f["sheet"],
        "row": f["row"],
        "nik": f["nik_display"].where(f["nik_display"].ne(""), None),
        "name": f["name_raw"].where(f["name_raw"].ne(""), None),
        "status": f["status"],
        "wage": f["wage"],
        "wage_cap": f["wage_cap"],
        "benefit": f["benefit"].astype(int),
    }
    names = list(columns)
    return [
        dict(zip(names, map(plain, values), strict=True))
        for values in zip(*columns.values(), strict=True)
    ]


def to_json(result: Result) -> dict[str, Any]:
    rules = result.decisions.ruleset
    reasons = result.explanation.rows()
    checks = result.trail.row_checks()
    rows = [
        {**row, "reasons": reasons[i], "checks": checks[i]}
        for i, row in enumerate(decided_rows(result))
    ]
    if not result.explanation.evidence.empty:
        for row, evidence in zip(rows, result.explanation.evidence_rows(), strict=True):
            row["evidence"] = evidence
    # Each row's pre-check; None for a row not pre-checked, or a round without one.
    payments = result.payments
    paid = [None] * len(rows) if payments is None else payments.rows(result.lang)
    for row, pre in zip(rows, paid, strict=True):
        row["payment"] = pre
    doc: dict[str, Any] = {
        "ruleset": ruleset_ref(rules, result.lang),
        "summary": result.summary(),
        "defaults": [d.to_json(result.lang) for d in result.defaults()],
        "sources": [read.to_json(result.lang) for read in result.reading()],
        "rows": rows,
    }
    if (part := payment_summary(result)) is not None:
        doc["payment"] = part
    if rules.draft:
        doc["banner"] = draft_banner(rules, result.lang)
    return doc


def payment_summary(result: Result) -> dict[str, Any] | None:
    """The pre-check in a few counts, over the eligible rows (``counted``): what JSON
    carries beside the decision's summary, with the section's advisory note. None when
    no row was pre-checked."""
    eligible = result.eligible_payments()
    if eligible is None:
        return None
    spec = eligible.spec
    lang = result.lang
    return {
        "title": spec.title.in_(lang),
        "note": spec.note.in_(lang).strip(),
        "source_url": spec.source_url,
        "counted": Status.ELIGIBLE.value,
        "checked": int(eligible.frame["checked"].sum()),
        "channels": [
            {"id": name, "label": spec.channels[name].label, "count": n}
            for name, n in eligible.channel_counts().items()
        ],
        "findings": [
            {"code": code.value, "severity": spec.findings[code].severity, "count": n}
            for code, n in eligible.finding_counts().items()
        ],
    }


def ruleset_ref(rules: RuleSet, lang: Lang) -> dict[str, str]:
    """The rule set as a result names it: id, version, ``status`` (``final`` or
    ``draft``) and, for a draft, why it is one (in ``lang``)."""
    ref = {"id": rules.id, "version": rules.version, "status": rules.spec.status}
    if rules.spec.draft_reason is not None:
        ref["draft_reason"] = rules.spec.draft_reason.in_(lang)
    return ref


def draft_banner(rules: RuleSet, lang: Lang) -> str:
    """What every output made under a draft rule set says first, in ``lang``."""
    reason = rules.spec.draft_reason.in_(lang) if rules.spec.draft_reason else ""
    return say("results_draft_banner", lang, ruleset=f"{rules.id} {rules.version}", reason=reason)


def plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "item"):
        return plain(value.item())
    return value
