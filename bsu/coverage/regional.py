"""Regional Universal Coverage Jamsostek (UCJ) from the registry alone: protected
participants per regency/city and province divided by the imported workforce universe,
against imported targets, over the registry snapshots; and arrears per employer.

Pure: frames in (``bsu.store.coverage`` loaders' columns), frames and words out.

CONTRACT (helper "regional-report" implements; the API/page helper imports it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from bsu.core.ruleset import Lang

# Columns of ``RegionalReport.regencies`` (``provinces`` has the same without region_*;
# ``level`` is "regency" or "province").
REGION_COLUMNS = (
    "province_code",
    "province",
    "region_code",
    "region",
    "active_pu",
    "active_bpu",
    "active_jakon",
    "protected",  # active PU + BPU (+ JAKON when the extract says so)
    "inactive",
    "universe_pu",
    "universe_bpu",
    "universe",  # the denominator: potential PU + BPU; NA without a universe row
    "not_protected",  # universe - protected, NA without a universe
    "coverage_pct",  # protected / universe x 100, one decimal, rounded down; NA without
    "target_pct",  # the target for ``year`` (region's, else its province's), NA without
    "target_source",
    "gap",  # workers still to protect to reach the target (0 when met), NA without
    "change_pct",  # coverage % points since the previous snapshot, NA for the first
)
TREND_COLUMNS = ("as_of", "level", "code", "name", "protected", "universe", "coverage_pct")


@dataclass(frozen=True)
class RegionalReport:
    lang: Lang
    year: int
    as_of: Any  # dt.date of the latest snapshot, None without any
    regencies: pd.DataFrame
    provinces: pd.DataFrame
    totals: dict[str, Any]  # over the regions with a universe, plus the national target
    trend: pd.DataFrame  # TREND_COLUMNS, one row per snapshot and region (and province)
    denominator: str  # in words: which denominator, from which source, as of when
    missing: list[str] = field(default_factory=list)  # what is missing, in words

    def to_json(self) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(frozen=True)
class Arrears:
    lang: Lang
    months: int
    as_of: Any
    employers: pd.DataFrame  # bsu.store.coverage.ARREARS_COLUMNS + "message" (words)
    workers: pd.DataFrame  # bsu.store.coverage.ARREARS_WORKER_COLUMNS + region, why_text

    def to_json(self, with_workers: bool = True) -> dict[str, Any]:
        raise NotImplementedError


def regional(
    snapshots: pd.DataFrame,
    universe: pd.DataFrame,
    targets: pd.DataFrame,
    regions: pd.DataFrame,
    year: int,
    lang: Lang = "id",
) -> RegionalReport:
    """``regions``: the rule set's region table (``RuleSet.regions``: code, level, name,
    province_code, province_name)."""
    raise NotImplementedError


def arrears(
    employers: pd.DataFrame,
    workers: pd.DataFrame,
    regions: pd.DataFrame,
    months: int,
    lang: Lang = "id",
) -> Arrears:
    raise NotImplementedError
