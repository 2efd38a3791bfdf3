"""Registry extracts and exclusion lists in the store: import them, and load them as
``bsu.core.evidence.Evidence`` for the NIKs being checked.

Imports are idempotent (a file already imported, by content hash, changes nothing) and
bulk: rows go in with one multi-row upsert, and lookups read the rows for a roster's
NIKs in a few large ``IN`` queries, never one query per row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bsu.core.evidence import (
    LIST_KINDS,
    NO_EVIDENCE,
    Evidence,
    ExclusionList,
    Source,
    notice_words,
    registry_frame,
)
from bsu.core.ruleset import Lang
from bsu.errors import BsuError
from bsu.rosters import readers as roster
from bsu.rosters.headers import header_key
from bsu.store.batches import audit
from bsu.store.models import (
    AuditRecord,
    ExclusionEntry,
    ExclusionImport,
    RegistryImport,
    RegistryParticipant,
    utcnow,
)
from bsu.values import dates, nik, vocabulary, wage
from bsu.values.text import as_text

CHUNK = 5_000
# Registry columns beyond the roster's: matched on the original headers.
EXTRA_HEADERS = {
    "employer_id": ("npp", "kodeperusahaan", "idpemberikerja", "employerid", "idperusahaan"),
    "employer_name": (
        "namaperusahaan",
        "pemberikerja",
        "namapemberikerja",
        "employer",
        "employername",
        "perusahaan",
    ),
    "last_contribution": (
        "iuranterakhir",
        "bulaniuranterakhir",
        "lastcontribution",
        "lastcontributionmonth",
        "blthiuranterakhir",
    ),
}


@dataclass(frozen=True)
class Imported:
    """What an import did."""

    import_id: int
    rows: int
    skipped: int  # rows whose NIK is not 16 digits
    already: bool  # the same file was imported before: nothing changed


def _readable(path: Path) -> None:
    """A missing file or a folder gets the roster reader's words, not a traceback."""
    if not path.is_file():
        roster.read(path)  # raises the RosterError that says what is wrong


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_registry(path: Path) -> tuple[pd.DataFrame, int]:
    """A registry extract (xlsx, csv or parquet) as canonical rows; and how many rows had
    no usable NIK."""
    read = roster.read(path)
    records = read.records
    cleaned, numeric = nik.clean(records["nik"])
    usable = nik.usable(cleaned, numeric)
    keys = {header_key(c): c for c in read.original.columns}
    out = pd.DataFrame(
        {
            "nik": cleaned,
            "kpj": as_text(records["kpj"]),
            "status": vocabulary.status(records["participant_status"]),
            "category": vocabulary.category(records["participant_category"])[0],
            "registered_on": dates.parse(records["registered_on"])[0],
            "reported_wage": wage.parse(records["wage"])[0],
        }
    )
    for column, aliases in EXTRA_HEADERS.items():
        header = next((keys[a] for a in aliases if a in keys), None)
        out[column] = as_text(read.original[header]) if header else ""
    out = out[usable.to_numpy()].drop_duplicates("nik", keep="last")
    return out, int((~usable).sum())


def import_registry(engine: Engine, path: Path, as_of: dt.date, imported_by: str) -> Imported:
    """Load a registry extract. A newer extract replaces an older one for the NIKs it
    holds; an older one never overwrites newer rows."""
    _readable(path)
    digest = _sha256(path)
    with Session(engine) as session:
        done = session.scalar(select(RegistryImport).where(RegistryImport.content_sha256 == digest))
        if done is not None:
            return Imported(done.id, done.rows, 0, already=True)
    frame, skipped = read_registry(path)
    with Session(engine) as session, session.begin():
        record = RegistryImport(
            content_sha256=digest,
            filename=path.name,
            as_of=as_of,
            rows=len(frame),
            imported_at=utcnow(),
            imported_by=imported_by,
        )
        session.add(record)
        session.flush()
        rows = _registry_rows(frame, as_of, record.id)
        _upsert_newer(session, rows)
        audit(
            session,
            imported_by,
            "registry.imported",
            None,
            None,
            None,
            {"file": path.name, "sha256": digest, "rows": len(frame), "as_of": str(as_of)},
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
            "reported_wage": frame["reported_wage"].astype(object),
            "employer_id": frame["employer_id"].replace("", None),
            "employer_name": frame["employer_name"].replace("", None),
        }
    ).astype(object)
    table = table.where(table.notna(), None)
    table["as_of"] = as_of
    table["import_id"] = import_id
    return table.to_dict("records")  # type: ignore[return-value]


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
    engine: Engine, kind: str, path: Path, source: str, as_of: dt.date, imported_by: str
) -> Imported:
    """Load an exclusion list; it replaces the entries of the same list."""
    if kind not in LIST_KINDS:
        raise BsuError(
            f"Daftar '{kind}' tidak dikenal. Pilih: {', '.join(LIST_KINDS)}.",
            f"Unknown list '{kind}'. Choose one of: {', '.join(LIST_KINDS)}.",
            code="list_unknown",
        )
    _readable(path)
    digest = _sha256(path)
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
    read = roster.read(path)
    cleaned, numeric = nik.clean(read.records["nik"])
    usable = nik.usable(cleaned, numeric)
    names = as_text(read.records["name"])
    entries = pd.DataFrame({"nik": cleaned, "name": names})[usable.to_numpy()]
    entries = entries.drop_duplicates("nik")
    with Session(engine) as session, session.begin():
        record = ExclusionImport(
            list=kind,
            content_sha256=digest,
            filename=path.name,
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
                "file": path.name,
                "sha256": digest,
                "rows": len(entries),
                "source": source,
                "as_of": str(as_of),
            },
        )
        return Imported(record.id, len(entries), int((~usable).sum()), already=False)


def load(
    engine: Engine,
    niks: Iterable[str] | Callable[[], Iterable[str]],
    employer_id: str | None = None,
) -> Evidence:
    """The evidence for these NIKs: registry rows (if any extract was imported) and every
    exclusion list (its NIKs among these). Reads in chunks of a few thousand NIKs.

    With ``employer_id`` (an employer's key), only that employer's share: the registry
    rows whose NPP is ``employer_id`` and list entries of those workers
    (``Evidence.scoped_to``); the other NIKs are not even looked up.

    ``niks`` may be a function giving them, called only when the store holds evidence:
    cleaning a million NIKs costs about a second, wasted when there is nothing to ask.
    """
    with Session(engine) as session:
        has_registry = session.scalar(select(func.count()).select_from(RegistryImport)) or 0
        lists = session.scalars(
            select(ExclusionImport).where(
                ExclusionImport.id.in_(
                    select(func.max(ExclusionImport.id)).group_by(ExclusionImport.list)
                )
            )
        ).all()
        if not has_registry and not lists:
            return NO_EVIDENCE
        if employer_id is not None and not has_registry:
            return NO_EVIDENCE  # no registry places anyone at an employer
        given = niks() if callable(niks) else niks
        asked = pd.Series(list(given), dtype=object)
        wanted = sorted(pd.unique(asked[nik.usable(asked).to_numpy()]).tolist())
        registry: pd.DataFrame | None = None
        sources: list[Source] = []
        if has_registry:
            registry, sources = _registry_for(session, wanted, employer_id)
            if employer_id is not None:
                wanted = sorted(registry.index)  # the lists are asked about these only
        excluded = []
        for listed in lists:
            hits: list[str] = []
            for start in range(0, len(wanted), CHUNK):
                chunk = wanted[start : start + CHUNK]
                hits += session.scalars(
                    select(ExclusionEntry.nik).where(
                        ExclusionEntry.list == listed.list, ExclusionEntry.nik.in_(chunk)
                    )
                ).all()
            label = f"{listed.list.upper()} {listed.as_of.isoformat()} ({listed.source})"
            excluded.append(ExclusionList(listed.list, pd.Index(hits, dtype=object), label))
            sources.append(Source(listed.list, listed.as_of, listed.filename, listed.source))
        latest = session.scalar(select(func.max(RegistryImport.as_of)))
    found = Evidence(
        registry=registry,
        lists=tuple(excluded),
        registry_label=latest.isoformat() if latest else "",
        sources=tuple(sources),
        looked_up=len(wanted),
    )
    return found.scoped_to(employer_id) if employer_id is not None else found


def _registry_for(
    session: Session, wanted: Sequence[str], employer_id: str | None
) -> tuple[pd.DataFrame, list[Source]]:
    """The registry rows of these NIKs (at ``employer_id`` only, when given), and the
    extracts they came from plus the latest one (which a NIK is absent from)."""
    found: list[dict[str, Any]] = []
    imports: set[int] = set()
    for start in range(0, len(wanted), CHUNK):
        query = select(RegistryParticipant).where(
            RegistryParticipant.nik.in_(wanted[start : start + CHUNK])
        )
        if employer_id is not None:
            query = query.where(RegistryParticipant.employer_id == employer_id)
        for (p,) in session.execute(query):
            found.append(_participant(p))
            imports.add(p.import_id)
    if employer_id is None:
        newest = session.scalar(
            select(RegistryImport.id).order_by(
                RegistryImport.as_of.desc(), RegistryImport.id.desc()
            )
        )
        imports.add(int(newest or 0))
    extracts = session.scalars(
        select(RegistryImport)
        .where(RegistryImport.id.in_(sorted(imports)))
        .order_by(RegistryImport.as_of, RegistryImport.id)
    ).all()
    sources = [Source("registry", e.as_of, e.filename) for e in extracts]
    frame = registry_frame(pd.DataFrame(found, columns=["nik", *_PARTICIPANT_FIELDS, "label"]))
    return frame, sources


_PARTICIPANT_FIELDS = (
    "kpj",
    "status",
    "category",
    "registered_on",
    "last_contribution",
    "reported_wage",
    "employer_id",
    "employer_name",
)


def _participant(p: RegistryParticipant) -> dict[str, Any]:
    row = {field: getattr(p, field) for field in _PARTICIPANT_FIELDS}
    row["nik"] = p.nik
    row["label"] = p.as_of.isoformat()
    return row


def summary(engine: Engine) -> dict[str, Any]:
    """What evidence the store holds, for people: counts and dates."""
    with Session(engine) as session:
        participants = session.scalar(select(func.count()).select_from(RegistryParticipant))
        latest = session.scalar(select(func.max(RegistryImport.as_of)))
        lists = {
            kind: session.scalar(
                select(func.count()).select_from(ExclusionEntry).where(ExclusionEntry.list == kind)
            )
            for kind in LIST_KINDS
        }
    return {"participants": participants or 0, "registry_as_of": latest, "lists": lists}


# --- who used the evidence -------------------------------------------------------------

EVIDENCE_USED = "check.evidence"


@dataclass(frozen=True)
class Use:
    """One check that was judged against loaded evidence, as its audit record says it:
    who, which request or batch, how many NIKs, and (for API checks) their pseudonyms."""

    actor: str
    niks: int
    pseudonyms: Sequence[str] | None = None  # keyed pseudonyms (bsu.privacy.pseudonyms), never NIKs
    request_id: str | None = None
    batch_id: str | None = None


def record_uses(engine: Engine, found: Evidence, uses: Sequence[Use]) -> None:
    """Audit each check that read registry or list data (UU 27/2022: who looked at whose
    data, and when), in one transaction, before any answer leaves the server."""
    notice = found.notice()
    if notice is None or not uses:
        return
    with Session(engine) as session, session.begin():
        for use in uses:
            detail: dict[str, Any] = {"niks": use.niks, **notice}
            if use.pseudonyms is not None:
                detail["pseudonyms"] = list(use.pseudonyms)
            audit(
                session,
                use.actor,
                EVIDENCE_USED,
                use.batch_id,
                None,
                None,
                detail,
                request_id=use.request_id,
            )


def notice_of(session: Session, batch_id: str) -> dict[str, Any] | None:
    """What evidence was in force when the batch was checked (its latest check), as the
    batch's status shows it; None if none was."""
    detail = session.scalar(
        select(AuditRecord.detail)
        .where(AuditRecord.batch_id == batch_id, AuditRecord.action == EVIDENCE_USED)
        .order_by(AuditRecord.id.desc())
        .limit(1)
    )
    if not detail:
        return None
    return {k: detail[k] for k in ("scope", "registry", "lists") if k in detail}


def evidence_notice(session: Session, batch_id: str, lang: Lang) -> dict[str, Any] | None:
    """``notice_of`` with its ``message`` in ``lang``."""
    notice = notice_of(session, batch_id)
    if notice is None:
        return None
    return {**notice, "message": notice_words(notice, lang)}
