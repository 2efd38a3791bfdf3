"""Regional coverage (Universal Coverage Jamsostek) and arrears from the store: the one
function each entry point calls (``bsu coverage --registry``, ``GET /v1/coverage/...``,
the staff page). The store's loaders (``bsu.store.coverage``) give the frames, the pure
functions of ``bsu.coverage.regional`` count and word them; nothing else is assembled
here.

Without a registry snapshot there is nothing to count: ``registry_needed`` (409, exit 2)
says to import one. Without a universe the report still comes, with no percentage and
``missing`` saying what to import.
"""

from __future__ import annotations

from sqlalchemy import Engine

from bsu.core.ruleset import Lang, RuleSet
from bsu.core.words import both
from bsu.coverage.regional import Arrears, RegionalReport, arrears, regional
from bsu.errors import BsuError, Conflict
from bsu.service.settings import Settings
from bsu.store import coverage as store

YEARS = range(2000, 2101)  # plausible target years
MONTHS = range(1, 121)  # as Settings.arrears_months


def registry_needed() -> Conflict:
    """Regional coverage is counted from registry snapshots; there is none yet."""
    return Conflict(*both("regional_registry_needed"), "registry_missing")


def default_months() -> int:
    """The arrears limit when a caller gives none: ``Settings.arrears_months``'s default,
    3 (a product choice: a quarter without a paid contribution). The edges read
    ``BSU_ARREARS_MONTHS`` (their ``Settings``) and pass it as ``months``."""
    default = Settings.model_fields["arrears_months"].default
    assert isinstance(default, int)
    return default


def regional_report(
    engine: Engine, ruleset: RuleSet, year: int | None = None, lang: Lang = "id"
) -> RegionalReport:
    """Coverage per regency/city and province at the latest snapshot, its trend over
    every snapshot, against the universe in use and the targets of ``year`` (default: the
    latest snapshot's year). Raises ``registry_needed`` without any snapshot."""
    snapshots = store.snapshots(engine)
    if snapshots.empty:
        raise registry_needed()
    if year is None:
        year = max(snapshots["as_of"]).year
    elif year not in YEARS:
        raise BsuError(*both("regional_year_invalid", year=year), "year_invalid")
    return regional(
        snapshots, store.universe(engine), store.targets(engine), ruleset.regions, year, lang
    )


def arrears_report(
    engine: Engine, ruleset: RuleSet, months: int | None = None, lang: Lang = "id"
) -> Arrears:
    """Per employer (NPP): registered, active, non-active and late participants, with
    the account officer's call list. ``months``: an edge passes its
    ``settings.arrears_months`` (``BSU_ARREARS_MONTHS``); None is ``default_months()``. Raises
    ``registry_needed`` without a registry. The call list holds personal data: staff
    only."""
    if months is None:
        months = default_months()
    if months not in MONTHS:
        raise BsuError(*both("regional_months_invalid", months=months), "months_invalid")
    employers = store.employer_arrears(engine, months)
    if employers.empty and store.snapshots(engine).empty:
        raise registry_needed()
    workers = store.arrears_workers(engine, months)
    return arrears(employers, workers, ruleset.regions, months, lang)
