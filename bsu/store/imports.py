"""Loading registry extracts and exclusion lists into the store. The store takes tables,
not files: ``bsu.rosters.extracts`` reads a file (in the sandbox, as rosters are read)
into the rows imported here.

Imports are idempotent (a file already imported, by content hash, changes nothing, and
its rows are not even read) and bulk: rows go in with multi-row inserts and upserts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bsu.core.evidence import LIST_KINDS
from bsu.errors import BsuError
from bsu.store.audit import audit
from bsu.store.models import (
    ExclusionEntry,
    ExclusionImport,
    RegistryImport,
    RegistryParticipant,
    utcnow,
)
from bsu.store.snapshots import take_snapshot

CHUNK = 5_000  # rows per multi-row statement


class Extract(Protocol):
    """An extract as the store takes it (``bsu.rosters.extracts`` reads one from a file):
    its file's name and content hash, and its rows, asked for only when the import is
    new. ``rows()`` gives the canonical rows, each with a usable NIK, and how many rows
    had none."""

    @property
    def filename(self) -> str: ...

    @property
    def sha256(self) -> str: ...

    def rows(self) -> tuple[pd.DataFrame, int]: ...


@dataclass(frozen=True)
class Imported:
    """What an import did."""

    import_id: int
    rows: int
    skipped: int  # rows whose NIK is not 16 digits
    already: bool  # the same file was imported before: nothing changed


def import_registry(engine: Engine, extract: Extract, as_of: dt.date, imported_by: str) -> Imported:
    """Load a registry extract. A newer extract replaces an older one for the NIKs it
    holds; an older one never overwrites newer rows. The registry is then counted into a
    snapshot of this import (``bsu.store.snapshots``), in the same transaction; a file
    imported before changes nothing and takes no snapshot."""
    digest = extract.sha256
    with Session(engine) as session:
        done = session.scalar(select(RegistryImport).where(RegistryImport.content_sha256 == digest))
        if done is not None:
            return Imported(done.id, done.rows, 0, already=True)
    frame, skipped = extract.rows()
    with Session(engine) as session, session.begin():
        record = RegistryImport(
            content_sha256=digest,
            filename=extract.filename,
            as_of=as_of,
            rows=len(frame),
            imported_at=utcnow(),
            imported_by=imported_by,
        )
        session.add(record)
        session.flush()
        rows = _registry_rows(frame, as_of, record.id)
        _upsert_newer(session, rows)
        take_snapshot(session, record.id, as_of)
        audit(
            session,
            imported_by,
            "registry.imported",
            None,
            None,
            None,
            {
                "file": extract.filename,
                "sha256": digest,
                "rows": len(frame),
                "as_of": str(as_of),
            },
        )
        return Imported(record.id, len(frame), skipped, already=False)


def _registry_rows(frame: pd.DataFrame, as_of: dt.date, import_id: int) -> list[dict[str, Any]]:
    registered = frame["registered_on"].dt.date.astype(object)
    table = pd.DataFrame(
        {
            "nik": frame["nik"],
            "kpj": frame["kpj"].replace("", None),
            "status": frame["status"].astype(object),
            "category": frame["category"].astype(object),
            "registered_on": registered.where(frame["registered_on"].notna(), None),
            "last_contribution": frame["last_contribution"].replace("", None),
            "nonactive_since": frame["nonactive_since"].replace("", None),
            "nationality": frame["nationality"].astype(object),
            "reported_wage": frame["reported_wage"].astype(object),
            "employer_id": frame["employer_id"].replace("", None),
            "employer_name": frame["employer_name"].replace("", None),
            # Personal data (staff lists only) and the work region's Kemendagri code.
            **{c: _text_or_none(frame, c) for c in ("name", "phone", "email", "region_code")},
        }
    ).astype(object)
    table = table.where(table.notna(), None)
    table["as_of"] = as_of
    table["import_id"] = import_id
    return table.to_dict("records")  # type: ignore[return-value]


def _text_or_none(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text column of the extract's rows, None where empty or not read at all."""
    if column not in frame.columns:
        return pd.Series(np.full(len(frame), None, dtype=object), index=frame.index)
    values = frame[column].astype(object)
    return values.where(values.notna() & values.ne(""), None)


def _upsert_newer(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for start in range(0, len(rows), CHUNK):
        statement = builder(RegistryParticipant)
        updated = {c: statement.excluded[c] for c in rows[0] if c != "nik"}
        statement = statement.on_conflict_do_update(
            index_elements=["nik"],
            set_=updated,
            where=statement.excluded.as_of >= RegistryParticipant.as_of,
        )
        session.execute(statement, list(rows[start : start + CHUNK]))


def import_exclusions(
    engine: Engine, kind: str, extract: Extract, source: str, as_of: dt.date, imported_by: str
) -> Imported:
    """Load an exclusion list; it replaces the entries of the same list."""
    if kind not in LIST_KINDS:
        raise BsuError(
            f"Daftar '{kind}' tidak dikenal. Pilih: {', '.join(LIST_KINDS)}.",
            f"Unknown list '{kind}'. Choose one of: {', '.join(LIST_KINDS)}.",
            code="list_unknown",
        )
    digest = extract.sha256
    with Session(engine) as session:
        latest = session.scalar(
            select(ExclusionImport)
            .where(ExclusionImport.list == kind)
            .order_by(ExclusionImport.id.desc())
            .limit(1)
        )
        if latest is not None and latest.content_sha256 == digest:
            return Imported(latest.id, latest.rows, 0, already=True)
        if latest is not None and as_of < latest.as_of:
            raise BsuError(
                f"Daftar {kind.upper()} yang dimuat sudah per {latest.as_of}, lebih baru dari "
                f"{as_of}. Daftar lama tidak menggantikan yang baru.",
                f"The loaded {kind.upper()} list is as of {latest.as_of}, newer than {as_of}. "
                "An older list does not replace a newer one.",
                code="list_older",
            )
    entries, skipped = extract.rows()
    with Session(engine) as session, session.begin():
        record = ExclusionImport(
            list=kind,
            content_sha256=digest,
            filename=extract.filename,
            source=source,
            as_of=as_of,
            rows=len(entries),
            imported_at=utcnow(),
            imported_by=imported_by,
        )
        session.add(record)
        session.flush()
        session.execute(delete(ExclusionEntry).where(ExclusionEntry.list == kind))
        payload = [
            {"list": kind, "nik": n, "name": m or None, "import_id": record.id}
            for n, m in zip(entries["nik"], entries["name"], strict=True)
        ]
        for start in range(0, len(payload), CHUNK):
            session.execute(insert(ExclusionEntry), payload[start : start + CHUNK])
        audit(
            session,
            imported_by,
            f"exclusions.imported.{kind}",
            None,
            None,
            None,
            {
                "file": extract.filename,
                "sha256": digest,
                "rows": len(entries),
                "source": source,
                "as_of": str(as_of),
            },
        )
        return Imported(record.id, len(entries), skipped, already=False)
