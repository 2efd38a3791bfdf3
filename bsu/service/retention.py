"""Personal data kept no longer than the retention period (UU 27/2022), then deleted.

A batch's upload, result files (workbook, CSV, coverage workbook and its chart) and
checked rows hold NIKs, wages and names. ``BSU_RETENTION_DAYS`` after the batch finished
they are deleted, by the server's worker every hour and by ``bsu purge`` (e.g. from cron,
for a store no server runs on); the batch keeps its status and counts, and an audit
tombstone says what was deleted, when and under which retention. Files no batch accounts
for (an upload cut off mid-way, a result left by a worker that died) go too, once a day
old, so that nothing personal outlives the period by slipping past the batch records.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bsu.store import batches
from bsu.store.db import scrub
from bsu.store.models import Batch, utcnow
from bsu.store.purge import expired, purged

log = logging.getLogger("bsu.service.retention")

FOLDERS = ("uploads", "results")
# The tables a purge deletes from or rewrites (rows; a batch's filename).
SCRUBBED = ("batch_rows", "batches")
# An upload is written before its batch is recorded: a file without a batch is left this
# long, so that an upload in progress is never taken for a stray.
STRAY_AFTER = dt.timedelta(days=1)


@dataclass
class Purge:
    """What a purge deleted (or, in a dry run, would delete)."""

    batches: list[str] = field(default_factory=list)
    rows: int = 0
    files: int = 0
    strays: list[Path] = field(default_factory=list)


def purge(
    sessions: sessionmaker[Session],
    data_dir: Path,
    retention_days: float,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    actor: str = "worker",
) -> Purge:
    """Delete the files and rows of every batch finished more than ``retention_days``
    before ``now`` (default: the clock), then the files no batch accounts for."""
    now = _aware(now or utcnow())
    done = Purge()
    for batch in expired(sessions, now - dt.timedelta(days=retention_days)):
        files = _files_of(batch, data_dir)
        if dry_run:
            with sessions() as session:
                done.rows += batches.rows(session, batch.id, None, 0, 0)[1]
            done.batches.append(batch.id)
            done.files += len(files)
            continue
        deleted = sum(_unlink(path) for path in files)
        rows = purged(
            sessions,
            batch.id,
            at=now,
            actor=actor,
            files_deleted=deleted,
            retention_days=retention_days,
        )
        if rows is not None:  # None: another process purged it meanwhile
            done.batches.append(batch.id)
            done.rows += rows
            done.files += deleted
    done.strays = _strays(sessions, data_dir, now)
    if not dry_run:
        done.strays = [path for path in done.strays if _unlink(path)]
    if done.batches and not dry_run:
        _scrub(sessions)
    return done


def _scrub(sessions: sessionmaker[Session]) -> None:
    """The purged rows' bytes go from the database files too, not only from queries."""
    engine = sessions.kw.get("bind")
    if not isinstance(engine, Engine):
        return
    try:
        scrub(engine, SCRUBBED)
    except SQLAlchemyError as exc:  # the rows are deleted; only their bytes may linger
        log.warning("could not checkpoint/vacuum after the purge: %s", type(exc).__name__)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _files_of(batch: Batch, data_dir: Path) -> list[Path]:
    """Every file of the batch that exists: those its record names and any other in the
    data folders named after it (a chart, a temporary file of an interrupted write)."""
    named = [batch.stored_path, batch.result_xlsx, batch.result_csv, batch.result_coverage]
    paths = [Path(p) for p in named if p]
    for folder in FOLDERS:
        paths += [p for p in _listed(data_dir / folder) if _batch_id(p) == batch.id]
    unique = dict.fromkeys(p.absolute() for p in paths)
    return [p for p in unique if p.is_file()]


def _strays(sessions: sessionmaker[Session], data_dir: Path, now: dt.datetime) -> list[Path]:
    """Files in the data folders whose batch is purged, or that have no batch and are
    older than ``STRAY_AFTER``."""
    files = [p for folder in FOLDERS for p in _listed(data_dir / folder)]
    ids = sorted({i for i in map(_batch_id, files) if i is not None})
    known: dict[str, dt.datetime | None] = {}
    with sessions() as session:
        for start in range(0, len(ids), 500):  # SQLite takes a bounded number of parameters
            chunk = ids[start : start + 500]
            found = select(Batch.id, Batch.purged_at).where(Batch.id.in_(chunk))
            known.update((batch_id, purged_at) for batch_id, purged_at in session.execute(found))
    stray = []
    for path in files:
        batch_id = _batch_id(path)
        if batch_id in known:
            if known[batch_id] is not None:
                stray.append(path)
        elif _modified(path) < now - STRAY_AFTER:
            stray.append(path)
    return stray


def _listed(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if p.is_file()]
    except FileNotFoundError:
        return []


def _batch_id(path: Path) -> str | None:
    """The batch a data file belongs to: its name starts with the batch id, after the
    dot of a temporary file (``<id>.xlsx``, ``<id>-cakupan-chart.png``, ``.<id>.csv.x``)."""
    head = path.name.lstrip(".")[:36]
    try:
        return str(uuid.UUID(head)) if len(head) == 36 else None
    except ValueError:
        return None


def _modified(path: Path) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    except FileNotFoundError:
        return dt.datetime.max.replace(tzinfo=dt.UTC)  # gone already: not a stray


def _unlink(path: Path) -> bool:
    """Delete a file; whether this call deleted it."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError:
        log.exception("could not delete %s", path)
        return False
    return True
