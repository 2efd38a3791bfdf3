"""The evidence the store holds (registry rows and exclusion lists, loaded by
``bsu.store.imports``), looked up as ``bsu.core.evidence.Evidence`` for the NIKs being
checked, and the audit of who used it.

Lookups read the rows for a roster's NIKs in a few large ``IN`` queries, never one query
per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, select
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
from bsu.store.audit import audit
from bsu.store.models import (
    AuditRecord,
    ExclusionEntry,
    ExclusionImport,
    RegistryImport,
    RegistryParticipant,
)
from bsu.values import nik

CHUNK = 5_000  # NIKs per IN query


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
            source = Source(
                listed.list, listed.as_of, listed.filename, listed.source, listed.content_sha256
            )
            excluded.append(ExclusionList(listed.list, pd.Index(hits, dtype=object), source.label))
            sources.append(source)
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
    sources = [Source("registry", e.as_of, e.filename, sha256=e.content_sha256) for e in extracts]
    frame = registry_frame(pd.DataFrame(found, columns=["nik", *_PARTICIPANT_FIELDS, "label"]))
    return frame, sources


_PARTICIPANT_FIELDS = (
    "kpj",
    "status",
    "category",
    "registered_on",
    "last_contribution",
    "nonactive_since",
    "nationality",
    "reported_wage",
    "employer_id",
    "employer_name",
    "phone",
    "email",
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
