"""Regional coverage data in the store: the workforce universe and targets branch staff
import, the registry snapshots taken at each registry import, and the registry counted per
employer for arrears. Bulk SQL (GROUP BY, multi-row inserts), never a query per row.

CONTRACT (helper "registry-regions" implements; others import it): the names, arguments
and returned columns below are fixed.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine

from bsu.store.imports import Extract, Imported

NATIONAL = "ID"  # the region code of a national target ("Indonesia")

# Columns of what the loaders return.
UNIVERSE_COLUMNS = ("region_code", "potential_pu", "potential_bpu", "source", "as_of", "filename")
TARGET_COLUMNS = ("region_code", "year", "target_pct", "source")
SNAPSHOT_COLUMNS = (
    "import_id",
    "as_of",  # dt.date: the extract's date
    "filename",
    "region_code",  # regency ("61.72") or province ("61") code, None when not resolved
    "category",  # PU / BPU / JAKON / PMI / None
    "status",  # active / inactive / None
    "participants",  # int
)
ARREARS_COLUMNS = (
    "employer_id",  # NPP ("" when the extract gives none)
    "employer_name",
    "registered",  # participants the registry places at the NPP
    "active",
    "inactive",  # status non-active
    "arrears",  # active or not, last paid month older than `months` before `as_of`
    "as_of",  # dt.date: the latest registry import's date
)
ARREARS_WORKER_COLUMNS = (
    "employer_id",
    "employer_name",
    "nik",
    "kpj",
    "name",
    "region_code",
    "category",
    "status",
    "last_contribution",  # "YYYY-MM" or None
    "nonactive_since",  # "YYYY-MM" or None
    "phone",
    "email",
    "why",  # "inactive" or "arrears"
)


def import_universe(
    engine: Engine, extract: Extract, source: str, as_of: dt.date, imported_by: str
) -> Imported:
    """Load a universe table (region code or name, potential PU, potential BPU); it
    replaces the universe in use. Idempotent by content hash and source and date."""
    raise NotImplementedError


def import_targets(engine: Engine, extract: Extract, source: str, imported_by: str) -> Imported:
    """Load a targets table (region code or name or "Nasional", year, target %, and an
    optional per-row source); a later import wins per region and year."""
    raise NotImplementedError


def universe(engine: Engine) -> pd.DataFrame:
    """The universe in use (the latest import), ``UNIVERSE_COLUMNS``; empty without one."""
    raise NotImplementedError


def targets(engine: Engine) -> pd.DataFrame:
    """Every target, the latest import's per (region, year), ``TARGET_COLUMNS``."""
    raise NotImplementedError


def snapshots(engine: Engine) -> pd.DataFrame:
    """Every snapshot's counts, ``SNAPSHOT_COLUMNS``, ordered by as_of then import_id."""
    raise NotImplementedError


def take_snapshot(session: object, import_id: int, as_of: dt.date) -> None:
    """Count the whole registry (one GROUP BY) into ``registry_snapshots`` for this
    import; called by ``imports.import_registry`` inside its transaction."""
    raise NotImplementedError


def employer_arrears(engine: Engine, months: int) -> pd.DataFrame:
    """Per NPP, ``ARREARS_COLUMNS``: one GROUP BY over the registry; most inactive and
    arrears first."""
    raise NotImplementedError


def arrears_workers(engine: Engine, months: int, employer_id: str | None = None) -> pd.DataFrame:
    """The workers an account officer calls about, ``ARREARS_WORKER_COLUMNS``: non-active,
    or last paid month older than ``months`` before the latest import's date; grouped by
    employer (sorted by employer_id, then name). Personal data: staff only."""
    raise NotImplementedError
