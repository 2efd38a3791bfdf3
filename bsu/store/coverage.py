"""Regional coverage data in the store: the workforce universe and targets branch staff
import, the registry snapshots taken at each registry import, and the registry counted per
employer for arrears. Bulk SQL (GROUP BY, multi-row inserts), never a query per row.

CONTRACT (helper "registry-regions" implements; others import it): the names, arguments
and returned columns below are fixed.

- Universe: the latest import is the one in use (whatever its ``as_of``); importing the
  same file again with the same source and date changes nothing. A table giving only a
  total per region is stored with the total as ``potential_pu`` and ``potential_bpu``
  None (``bsu.rosters.regional_tables``): the denominator is PU + BPU either way.
- Targets: per region and year, the latest import's row; a row's own source, else the
  import's.
- Snapshots: taken by ``import_registry`` (``bsu.store.snapshots``, re-exported here).
- Arrears: the threshold month is the latest registry import's ``as_of`` month minus
  ``months``; a participant is in arrears when their last paid month ("YYYY-MM", compared
  as text) is before it (``as_of`` 2025-09-30, 3 months: last paid May 2025 or earlier).
  A participant whose extract gives no last paid month is counted by status only
  (non-active or not), never as in arrears. Non-active is status "inactive".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Engine, and_, case, func, insert, or_, select
from sqlalchemy.orm import Session

from bsu.core.words import both
from bsu.errors import BsuError
from bsu.store.audit import audit
from bsu.store.imports import CHUNK, Extract, Imported
from bsu.store.models import (
    RegistryImport,
    RegistryParticipant,
    RegistrySnapshot,
    TargetEntry,
    TargetImport,
    UniverseEntry,
    UniverseImport,
    utcnow,
)
from bsu.store.snapshots import take_snapshot
from bsu.values import dates

__all__ = [
    "ARREARS_COLUMNS",
    "ARREARS_WORKER_COLUMNS",
    "NATIONAL",
    "SNAPSHOT_COLUMNS",
    "TARGET_COLUMNS",
    "UNIVERSE_COLUMNS",
    "arrears_workers",
    "employer_arrears",
    "import_targets",
    "import_universe",
    "snapshots",
    "take_snapshot",
    "targets",
    "universe",
]

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
    source = _source(source)
    digest = extract.sha256
    with Session(engine) as session:
        latest = session.scalar(select(UniverseImport).order_by(UniverseImport.id.desc()).limit(1))
        if latest is not None and (latest.content_sha256, latest.source, latest.as_of) == (
            digest,
            source,
            as_of,
        ):
            return Imported(latest.id, latest.rows, 0, already=True)
    frame, skipped = extract.rows()
    with Session(engine) as session, session.begin():
        record = UniverseImport(
            content_sha256=digest,
            filename=extract.filename[:255],
            source=source,
            as_of=as_of,
            rows=len(frame),
            imported_at=utcnow(),
            imported_by=imported_by,
        )
        session.add(record)
        session.flush()
        payload = [
            {
                "import_id": record.id,
                "region_code": str(code),
                "potential_pu": _count(pu),
                "potential_bpu": _count(bpu),
            }
            for code, pu, bpu in zip(
                frame["region_code"], frame["potential_pu"], frame["potential_bpu"], strict=True
            )
        ]
        _insert(session, UniverseEntry, payload)
        audit(
            session,
            imported_by,
            "coverage.universe.imported",
            None,
            None,
            None,
            {
                "file": extract.filename,
                "sha256": digest,
                "rows": len(frame),
                "skipped": skipped,
                "source": source,
                "as_of": str(as_of),
                "total_only": bool(frame["potential_bpu"].isna().all()) if len(frame) else False,
            },
        )
        return Imported(record.id, len(frame), skipped, already=False)


def import_targets(engine: Engine, extract: Extract, source: str, imported_by: str) -> Imported:
    """Load a targets table (region code or name or "Nasional", year, target %, and an
    optional per-row source); a later import wins per region and year."""
    source = _source(source)
    digest = extract.sha256
    with Session(engine) as session:
        latest = session.scalar(select(TargetImport).order_by(TargetImport.id.desc()).limit(1))
        if latest is not None and (latest.content_sha256, latest.source) == (digest, source):
            return Imported(latest.id, latest.rows, 0, already=True)
    frame, skipped = extract.rows()
    with Session(engine) as session, session.begin():
        record = TargetImport(
            content_sha256=digest,
            filename=extract.filename[:255],
            source=source,
            rows=len(frame),
            imported_at=utcnow(),
            imported_by=imported_by,
        )
        session.add(record)
        session.flush()
        payload = [
            {
                "import_id": record.id,
                "region_code": str(code),
                "year": int(year),
                "target_pct": float(pct),
                "source": str(own).strip() or source,
            }
            for code, year, pct, own in zip(
                frame["region_code"],
                frame["year"],
                frame["target_pct"],
                frame["source"].fillna(""),
                strict=True,
            )
        ]
        _insert(session, TargetEntry, payload)
        audit(
            session,
            imported_by,
            "coverage.targets.imported",
            None,
            None,
            None,
            {"file": extract.filename, "sha256": digest, "rows": len(frame), "source": source},
        )
        return Imported(record.id, len(frame), skipped, already=False)


def universe(engine: Engine) -> pd.DataFrame:
    """The universe in use (the latest import), ``UNIVERSE_COLUMNS``; empty without one."""
    latest = select(func.max(UniverseImport.id)).scalar_subquery()
    query = (
        select(
            UniverseEntry.region_code,
            UniverseEntry.potential_pu,
            UniverseEntry.potential_bpu,
            UniverseImport.source,
            UniverseImport.as_of,
            UniverseImport.filename,
        )
        .join(UniverseImport, UniverseImport.id == UniverseEntry.import_id)
        .where(UniverseEntry.import_id == latest)
        .order_by(UniverseEntry.region_code)
    )
    frame = _frame(engine, query, UNIVERSE_COLUMNS)
    for column in ("potential_pu", "potential_bpu"):
        frame[column] = frame[column].astype("Int64")
    return frame


def targets(engine: Engine) -> pd.DataFrame:
    """Every target, the latest import's per (region, year), ``TARGET_COLUMNS``."""
    latest = (
        select(
            TargetEntry.region_code,
            TargetEntry.year,
            func.max(TargetEntry.import_id).label("import_id"),
        )
        .group_by(TargetEntry.region_code, TargetEntry.year)
        .subquery()
    )
    query = (
        select(
            TargetEntry.region_code, TargetEntry.year, TargetEntry.target_pct, TargetEntry.source
        )
        .join(
            latest,
            and_(
                TargetEntry.region_code == latest.c.region_code,
                TargetEntry.year == latest.c.year,
                TargetEntry.import_id == latest.c.import_id,
            ),
        )
        .order_by(TargetEntry.region_code, TargetEntry.year)
    )
    frame = _frame(engine, query, TARGET_COLUMNS)
    frame["year"] = frame["year"].astype("int64")
    frame["target_pct"] = frame["target_pct"].astype(float)
    return frame


def snapshots(engine: Engine) -> pd.DataFrame:
    """Every snapshot's counts, ``SNAPSHOT_COLUMNS``, ordered by as_of then import_id."""
    query = select(
        RegistrySnapshot.import_id,
        RegistrySnapshot.as_of,
        RegistryImport.filename,
        RegistrySnapshot.region_code,
        RegistrySnapshot.category,
        RegistrySnapshot.status,
        RegistrySnapshot.participants,
    ).join(RegistryImport, RegistryImport.id == RegistrySnapshot.import_id)
    frame = _frame(engine, query, SNAPSHOT_COLUMNS)
    frame["participants"] = frame["participants"].astype("int64")
    # Sorted here, not in SQL: the stores put NULLs at opposite ends of an ORDER BY.
    order = ["as_of", "import_id", "region_code", "category", "status"]
    return frame.sort_values(order, na_position="last", kind="stable").reset_index(drop=True)


def employer_arrears(engine: Engine, months: int) -> pd.DataFrame:
    """Per NPP, ``ARREARS_COLUMNS``: one GROUP BY over the registry; most inactive and
    arrears first."""
    who = RegistryParticipant
    with Session(engine) as session:
        as_of = _latest_as_of(session)
        if as_of is None:
            return _empty(ARREARS_COLUMNS)
        late = who.last_contribution < threshold(as_of, months)
        query = select(
            who.employer_id,
            func.max(who.employer_name),
            func.count(),
            func.sum(case((who.status == "active", 1), else_=0)),
            func.sum(case((who.status == "inactive", 1), else_=0)),
            func.sum(case((late, 1), else_=0)),
        ).group_by(who.employer_id)
        rows = session.execute(query).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(ARREARS_COLUMNS[:-1]))
    frame["employer_id"] = frame["employer_id"].fillna("").astype(object)
    names = frame["employer_name"].astype(object)
    frame["employer_name"] = names.where(names.notna(), None)
    for column in ("registered", "active", "inactive", "arrears"):
        frame[column] = frame[column].fillna(0).astype("int64")
    frame["as_of"] = as_of
    frame = frame.sort_values(
        ["inactive", "arrears", "employer_id"], ascending=[False, False, True], kind="stable"
    )
    return frame.reset_index(drop=True)[list(ARREARS_COLUMNS)]


def arrears_workers(engine: Engine, months: int, employer_id: str | None = None) -> pd.DataFrame:
    """The workers an account officer calls about, ``ARREARS_WORKER_COLUMNS``: non-active,
    or last paid month older than ``months`` before the latest import's date; grouped by
    employer (sorted by employer_id, then name). Personal data: staff only.
    ``employer_id`` "" asks for the participants the extract places at no NPP."""
    who = RegistryParticipant
    with Session(engine) as session:
        as_of = _latest_as_of(session)
        if as_of is None:
            return _empty(ARREARS_WORKER_COLUMNS)
        inactive = who.status == "inactive"
        wanted = or_(inactive, who.last_contribution < threshold(as_of, months))
        if employer_id is not None:
            at = who.employer_id == employer_id if employer_id else who.employer_id.is_(None)
            wanted = and_(wanted, at)
        query = select(
            who.employer_id,
            who.employer_name,
            who.nik,
            who.kpj,
            who.name,
            who.region_code,
            who.category,
            who.status,
            who.last_contribution,
            who.nonactive_since,
            who.phone,
            who.email,
            case((inactive, "inactive"), else_="arrears"),
        ).where(wanted)
        rows = session.execute(query).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(ARREARS_WORKER_COLUMNS))
    frame = frame.astype(object)
    frame = frame.where(frame.notna(), None)
    frame["employer_id"] = frame["employer_id"].map(lambda v: v or "")
    frame = frame.sort_values(
        ["employer_id", "name", "nik"], na_position="last", kind="stable"
    ).reset_index(drop=True)
    return frame


def threshold(as_of: dt.date, months: int) -> str:
    """The first month not in arrears, as "YYYY-MM": ``months`` before ``as_of``'s month.
    A last paid month before it is in arrears (2025-09-30, 3 months: "2025-06")."""
    if months < 0:
        raise BsuError(*both("coverage_imports_months_bad", months=months), "months_invalid")
    year, month = dates.year_month(dates.month_of(as_of) - months)
    return f"{year:04d}-{month:02d}"


def _latest_as_of(session: Session) -> dt.date | None:
    return session.scalar(select(func.max(RegistryImport.as_of)))


def _source(source: str) -> str:
    cleaned = " ".join(source.split())
    if not cleaned:
        raise BsuError(*both("coverage_imports_source_missing"), "source_missing")
    return cleaned


def _count(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def _insert(session: Session, model: type[Any], payload: list[dict[str, Any]]) -> None:
    for start in range(0, len(payload), CHUNK):
        session.execute(insert(model), payload[start : start + CHUNK])


def _frame(engine: Engine, query: Any, columns: tuple[str, ...]) -> pd.DataFrame:
    with Session(engine) as session:
        rows = session.execute(query).all()
    if not rows:
        return _empty(columns)
    return pd.DataFrame([tuple(r) for r in rows], columns=list(columns))


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
