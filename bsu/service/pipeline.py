"""One path for every check: ``bsu check``, ``bsu coverage``, the upload worker,
``/v1/check`` and ``/v1/check/batch`` all go through it, as httpx's verbs all go
through ``send``.

    roster files -> read, each in the sandbox (sandbox.read) -> canonical records
    JSON records ------------------------------------------------+
                 -> clean the NIKs (once) -> evidence (the caller's provider)
                 -> evaluate -> explain (once per language, kept) -> the caller writes

The pipeline does no store I/O: the evidence comes from a provider the entry point
passes (its store, scoped to its caller, its audit of the use). Writing the outputs is
the entry points' own (files, JSON, the store); they only translate in and out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from threading import Event

import pandas as pd

from bsu.core.engine import Decisions, evaluate
from bsu.core.evidence import NO_EVIDENCE, Evidence
from bsu.core.explain import Explanation, explain
from bsu.core.records import conform
from bsu.core.ruleset import Lang, RuleSet
from bsu.errors import BsuError, RosterError
from bsu.results.model import Input, Result
from bsu.rosters import readers as roster_io
from bsu.rosters import sandbox
from bsu.rosters.readers import Roster
from bsu.rosters.reading import DEFAULT, ReadOptions
from bsu.service.runtime import paused_gc
from bsu.values import nik

EvidenceProvider = Callable[[pd.DataFrame, pd.Series], Evidence]
"""The evidence for these records, given their cleaned NIKs (as text, row for row)."""


def no_evidence(_records: pd.DataFrame, _niks: pd.Series) -> Evidence:
    """The provider of a caller without a store."""
    return NO_EVIDENCE


@dataclass(frozen=True)
class Source:
    """A roster file, and how results and messages name it (an upload's own name)."""

    path: Path
    name: str | None = None


@dataclass(frozen=True)
class Watch:
    """Hooks for a caller that shows progress or may stop the check (each may raise):
    ``file_read`` after each file (read or skipped), ``roster_read`` once all are."""

    file_read: Callable[[Path], None] = lambda _path: None
    roster_read: Callable[[Roster], None] = lambda _roster: None


@dataclass(frozen=True)
class Checked:
    """Decisions with the records' cleaned NIKs, explained at most once per language."""

    records: pd.DataFrame
    niks: tuple[pd.Series, pd.Series]
    decisions: Decisions
    _explained: dict[Lang, Explanation] = field(default_factory=dict, repr=False)

    def explained(self, lang: Lang) -> Explanation:
        found = self._explained.get(lang)
        if found is None:
            with paused_gc():
                found = self._explained[lang] = explain(self.decisions, lang)
        return found

    def judged_again(self, ruleset: RuleSet, evidence: Evidence) -> Decisions:
        """The same records on other evidence (an employer's upload on the whole
        registry, for its coverage), without cleaning the NIKs again."""
        with paused_gc():
            return evaluate(self.records, ruleset, evidence, niks=self.niks)


@dataclass(frozen=True)
class CheckResult:
    """Rosters read and checked, and the files that could not be read (when skipping)."""

    roster: Roster
    checked: Checked
    skipped: list[RosterError]
    # The files read, by the name results give them (their bytes, for a trace).
    inputs: tuple[Input, ...] = ()

    @property
    def decisions(self) -> Decisions:
        return self.checked.decisions

    def result(self, lang: Lang) -> Result:
        """The result worded in ``lang`` (explained once, whatever asks for it)."""
        return Result(self.roster, self.decisions, self.checked.explained(lang), self.inputs)

    def judged_again(self, ruleset: RuleSet, evidence: Evidence) -> CheckResult:
        """The same rosters judged on other evidence (an upload's claims, changed while it
        was judged), without reading or cleaning them again."""
        decisions = self.checked.judged_again(ruleset, evidence)
        again = Checked(self.checked.records, self.checked.niks, decisions)
        return replace(self, checked=again)


def check_files(
    sources: Sequence[Path | Source],
    ruleset: RuleSet,
    evidence: EvidenceProvider = no_evidence,
    *,
    budget: sandbox.Budget,
    skip_unreadable: bool = False,
    start: sandbox.Start = "fork",
    cancel: Event | None = None,
    watch: Watch = Watch(),
    options: ReadOptions = DEFAULT,
) -> CheckResult:
    """Read every roster in the sandbox and check them together. A file that cannot be
    read raises its ``RosterError``; with ``skip_unreadable`` it is skipped (and listed)
    unless no file at all could be read. ``options``: how the person asked the rosters
    to be read (a column mapping)."""
    roster, skipped = read(sources, budget, skip_unreadable, start, cancel, watch, options)
    watch.roster_read(roster)
    checked = check_records(roster.records, ruleset, evidence)
    return CheckResult(roster, checked, skipped, inputs(sources, roster))


def inputs(sources: Sequence[Path | Source], roster: Roster) -> tuple[Input, ...]:
    """The files workers were read from (a skipped file is none), named as results name
    them."""
    read = {s.source for s in roster.sheets}
    given = [s if isinstance(s, Source) else Source(s) for s in sources]
    named = [Input(s.name or s.path.name, s.path) for s in given]
    return tuple(i for i in named if i.name in read)


def read(
    sources: Sequence[Path | Source],
    budget: sandbox.Budget,
    skip_unreadable: bool = False,
    start: sandbox.Start = "fork",
    cancel: Event | None = None,
    watch: Watch = Watch(),
    options: ReadOptions = DEFAULT,
) -> tuple[Roster, list[RosterError]]:
    """The rosters as one table, each file parsed in a child process within ``budget``."""
    parts: list[Roster] = []
    skipped: list[RosterError] = []
    for given in sources:
        source = given if isinstance(given, Source) else Source(given)
        try:
            parts.append(sandbox.read(source.path, source.name, budget, start, cancel, options))
        except RosterError as error:
            if not skip_unreadable:
                raise
            skipped.append(error)
        watch.file_read(source.path)
    if not parts:
        raise _nothing_read(skipped)
    return roster_io.combine(parts), skipped


def _nothing_read(skipped: list[RosterError]) -> BsuError:
    if len(skipped) == 1:
        return skipped[0]
    return BsuError(
        "Tidak ada roster yang dapat dibaca:\n" + "\n".join(e.message_id for e in skipped),
        "No roster could be read:\n" + "\n".join(e.message_en for e in skipped),
    )


def check_records(
    records: pd.DataFrame,
    ruleset: RuleSet,
    evidence: EvidenceProvider = no_evidence,
    *,
    separate_sources: bool = False,
) -> Checked:
    """Clean the NIKs once, look up their evidence, judge; explaining is on demand
    (``Checked.explained``). ``separate_sources``: see ``engine.evaluate``."""
    records = conform(records)
    niks = nik.clean(records["nik"])
    found = evidence(records, niks[0])
    with paused_gc():
        decisions = evaluate(records, ruleset, found, separate_sources=separate_sources, niks=niks)
    return Checked(records, niks, decisions)
