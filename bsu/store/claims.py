"""BSU is paid once per worker: a NIK eligible in one done upload of a round is a duplicate
(``NIK_DUPLICATE_ACROSS_EMPLOYERS``, review) in every other upload of that round, whichever
finished first, and both uploads say so.

How it stays right when uploads finish together, on SQLite and PostgreSQL:

- Before judging, the worker ``load``s the claims other done uploads hold on its NIKs; the
  engine flags them (``Evidence.claims``). The pairs (NIK, batch) it saw are kept.
- ``settle`` runs inside the transaction that marks the batch done, under one lock per
  round (PostgreSQL: a transaction advisory lock; SQLite: the database's one write lock,
  which that transaction's first statement takes). It writes the batch's NIKs, then
  compares, in one indexed self-join, the claims now held with the pairs seen. If another
  upload finished in between, the batch is ``STALE``: nothing is kept, and the worker
  judges again on the claims now held.
- A done upload that shares a NIK with this batch but was judged without knowing it (it
  finished first) is sent back to the queue and checked again: its rows, status and
  result files then name this batch (audit ``batch.rechecked``). Which batch was judged
  knowing which is kept in ``claims_seen``, so the exchange ends after one recheck.

A batch's claims are written when it is first done and stay while it is checked again
(its roster has not changed), so that uploads settling meanwhile know it and the exchange
ends; they stop counting when the batch fails, and go with its rows when it is purged
(retention).
"""

from __future__ import annotations

import enum
import zlib
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, and_, delete, insert, select, text, update
from sqlalchemy.orm import Session, aliased

from bsu.core.evidence import CLAIM_COLUMNS
from bsu.store.audit import audit
from bsu.store.models import Batch, ClaimSeen, NikClaim

CHUNK = 5_000  # NIKs per IN list, rows per multi-row insert
DONE = "done"
FAILED = "failed"
RECHECKED = "batch.rechecked"  # the audit action of a done batch sent back to the queue
QUEUED = "queued"

Pair = tuple[str, str]  # (NIK, batch id)


class Settled(enum.Enum):
    OK = "ok"
    STALE = "stale"  # another upload finished meanwhile: judge again


class Stale(Exception):
    """Raised out of ``batches.finish`` when ``settle`` found the claims changed; nothing
    of the finish was kept."""


@dataclass(frozen=True)
class ToSettle:
    """What ``batches.finish`` settles: the batch's round and owner (``owner_of``), its
    NIKs (``nik``, ``claimed``, one row per NIK) and the pairs its judgment saw."""

    ruleset_id: str
    owner: str
    niks: pd.DataFrame
    seen: frozenset[Pair]


def owner_of(employer_id: str | None, filename: str) -> str:
    """Whose roster an upload is: the uploading key's employer or the NPP its workers
    have (the worker decides which), else the file's name. One owner's uploads are
    versions of one roster (a corrected upload), not two claims."""
    if employer_id:
        return f"npp:{employer_id.strip()}"[:255]
    return f"file:{filename.strip().lower()}"[:255]


@dataclass(frozen=True)
class Viewer:
    """Who a check's words are for: an employer (its id) is told only "another employer";
    branch staff and the local user see batch and employer."""

    employer_id: str | None

    def label(self, batch: Batch) -> str | None:
        """How ``batch``'s employer is named to this viewer (None: not to be told)."""
        if self.employer_id is not None:
            return None
        return employer_label(batch)


def employer_label(batch: Batch) -> str:
    """How staff see an upload's employer: company and NPP, else the key's employer id,
    else the uploaded file's name."""
    if batch.employer_name and batch.employer_npp:
        return f"{batch.employer_name} (NPP {batch.employer_npp})"
    if batch.employer_npp:
        return f"NPP {batch.employer_npp}"
    return batch.employer_id or batch.filename


def asked(niks: pd.Series) -> pd.Series:
    """Which cleaned NIKs claims are looked up and recorded for: 16 digits. ``load`` and
    the table ``settle`` records must agree on it, or a batch would never settle."""
    digits = niks.astype("string").str.fullmatch(r"\d{16}").fillna(False)
    return pd.Series(digits.to_numpy(dtype=bool), index=niks.index)


def load(
    engine: Engine,
    ruleset_id: str,
    owner: str,
    niks: pd.Series,
    batch_id: str,
    viewer: Viewer,
) -> pd.DataFrame:
    """The claims other owners' uploads of the round hold on these NIKs
    (``CLAIM_COLUMNS``), named as ``viewer`` may be told; read in chunks of a few
    thousand NIKs."""
    wanted = sorted(pd.unique(niks[asked(niks)].astype(object)).tolist())
    rows: list[tuple[str, str, str | None]] = []
    with Session(engine) as session:
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            found = session.execute(
                select(NikClaim.nik, Batch)
                .join(Batch, Batch.id == NikClaim.batch_id)
                .where(
                    NikClaim.ruleset_id == ruleset_id,
                    NikClaim.claimed.is_(True),
                    NikClaim.batch_id != batch_id,
                    NikClaim.owner != owner,
                    NikClaim.nik.in_(chunk),
                    Batch.status != FAILED,
                    Batch.purged_at.is_(None),
                )
            ).all()
            rows += [(nik, batch.id, viewer.label(batch)) for nik, batch in found]
    frame = pd.DataFrame(rows, columns=list(CLAIM_COLUMNS)).astype(object)
    return frame.sort_values(["nik", "batch_id"], kind="stable").reset_index(drop=True)


def pairs(claims: pd.DataFrame) -> frozenset[Pair]:
    """The (NIK, batch) pairs a judgment saw."""
    return frozenset(zip(claims["nik"], claims["batch_id"], strict=True))


def settle(session: Session, batch_id: str, what: ToSettle, actor: str) -> Settled:
    """Inside the transaction marking ``batch_id`` done: record its NIKs (``niks``: columns
    ``nik``, ``claimed``; one row per NIK), check that the claims of other uploads are
    still those it was judged on, and send back the uploads that did not know it.
    ``STALE``: the caller rolls back and judges again."""
    ruleset_id, niks, seen = what.ruleset_id, what.niks, what.seen
    _lock(session, ruleset_id)
    session.execute(delete(NikClaim).where(NikClaim.batch_id == batch_id))
    session.execute(delete(ClaimSeen).where(ClaimSeen.batch_id == batch_id))
    payload = [
        {
            "batch_id": batch_id,
            "nik": n,
            "ruleset_id": ruleset_id,
            "owner": what.owner,
            "claimed": bool(c),
        }
        for n, c in zip(niks["nik"], niks["claimed"], strict=True)
    ]
    for start in range(0, len(payload), CHUNK):
        session.execute(insert(NikClaim), payload[start : start + CHUNK])
    mine, other = aliased(NikClaim), aliased(NikClaim)
    shared = (
        select(other.nik, other.batch_id, mine.claimed, other.claimed)
        .join(
            other,
            and_(
                other.ruleset_id == mine.ruleset_id,
                other.nik == mine.nik,
                other.batch_id != mine.batch_id,
                other.owner != mine.owner,
            ),
        )
        .join(Batch, Batch.id == other.batch_id)
        .where(mine.batch_id == batch_id, Batch.status != FAILED, Batch.purged_at.is_(None))
    )
    found = session.execute(shared).all()
    held = frozenset((n, b) for n, b, _mine, theirs in found if theirs)
    if held != seen:
        return Settled.STALE
    if seen:
        known = sorted({b for _n, b in seen})
        session.execute(
            insert(ClaimSeen), [{"batch_id": batch_id, "other_batch_id": b} for b in known]
        )
    # Uploads holding a NIK this batch claims, judged without knowing this batch.
    touched: dict[str, int] = {}
    for _nik, other_id, claimed, _theirs in found:
        if claimed:
            touched[other_id] = touched.get(other_id, 0) + 1
    if touched:
        knew = set(
            session.scalars(
                select(ClaimSeen.batch_id).where(
                    ClaimSeen.other_batch_id == batch_id, ClaimSeen.batch_id.in_(list(touched))
                )
            ).all()
        )
        for other_id in sorted(set(touched) - knew):
            _recheck(session, other_id, batch_id, touched[other_id], actor)
    return Settled.OK


def _lock(session: Session, ruleset_id: str) -> None:
    """One settler per round at a time. SQLite needs nothing more: the transaction's first
    statement (the batch's update) took the database's only write lock."""
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(f"bsu.claims:{ruleset_id}".encode())
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _recheck(session: Session, batch_id: str, because: str, niks: int, actor: str) -> None:
    """Send a done upload back to the queue, to be judged again knowing ``because``."""
    batch = session.get(Batch, batch_id)
    if batch is None or batch.status != DONE:
        return
    session.execute(
        update(Batch)
        .where(Batch.id == batch_id, Batch.status == DONE)
        .values(status=QUEUED, progress=0, lease_until=None, started_at=None)
    )
    audit(
        session,
        actor,
        RECHECKED,
        batch_id,
        batch.ruleset_id,
        batch.ruleset_version,
        {"reason": "nik_duplicate_across_uploads", "batch": because, "niks": niks},
    )


def shared_with(session: Session, batch_id: str) -> list[tuple[str, str, str]]:
    """For a done batch: (NIK, other batch id, its status) for every NIK it shares with
    another upload of its round that claims it; what branch staff review."""
    batch = session.get(Batch, batch_id)
    if batch is None:
        return []
    mine, other = aliased(NikClaim), aliased(NikClaim)
    found = session.execute(
        select(other.nik, other.batch_id, Batch.status)
        .select_from(mine)
        .join(
            other,
            and_(
                other.ruleset_id == mine.ruleset_id,
                other.nik == mine.nik,
                other.batch_id != mine.batch_id,
                other.owner != mine.owner,
            ),
        )
        .join(Batch, Batch.id == other.batch_id)
        .where(
            mine.batch_id == batch_id,
            other.claimed.is_(True),
            Batch.status != FAILED,
            Batch.purged_at.is_(None),
        )
        .order_by(other.nik, other.batch_id)
    ).all()
    return [(n, b, s) for n, b, s in found]


def purge(session: Session, batch_id: str) -> None:
    """A purged batch's NIKs go with its rows."""
    session.execute(delete(NikClaim).where(NikClaim.batch_id == batch_id))
    session.execute(
        delete(ClaimSeen).where(
            (ClaimSeen.batch_id == batch_id) | (ClaimSeen.other_batch_id == batch_id)
        )
    )
