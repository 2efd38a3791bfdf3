"""API keys in the store: create (the token is returned once), revoke, list, look up;
and whether a loopback server is open without a key (``access``).

Once any key has been created, keys stay required: revoking the last one closes the
server to keyless callers instead of silently reopening it to anyone (who would then see
every tenant's batches). Only an operator's ``bsu keys open-local`` (recorded here and in
the audit log) opens it again, and creating a key closes it.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bsu.privacy.access import NewKey, Principal, Role, matches, new_key, split
from bsu.store.audit import audit
from bsu.store.models import AccessState, ApiKey, utcnow


class Access(StrEnum):
    """Who may call a loopback server without a key."""

    OPEN = "open"  # no key was ever made, or an operator opened it again: the local user
    KEYS = "keys"  # an active key exists: every call needs one
    CLOSED = "closed"  # keys were used and all are revoked: nobody, until an operator acts


def create(
    session: Session,
    role: Role,
    label: str,
    employer_id: str | None = None,
    branch: str | None = None,
) -> NewKey:
    key = new_key()
    _set_open(session, False, f"bsu keys create ({label})"[:128])
    session.add(
        ApiKey(
            id=key.key_id,
            secret_sha256=key.secret_sha256,
            role=role.value,
            employer_id=employer_id,
            branch=branch,
            label=label,
            created_at=utcnow(),
        )
    )
    return key


def revoke(session: Session, key_id: str) -> bool:
    """Revoke a key; False if there is no such active key."""
    result = session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return bool(getattr(result, "rowcount", 0))


def listed(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at)).all())


def any_active(session: Session) -> bool:
    count = session.scalar(
        select(func.count()).select_from(ApiKey).where(ApiKey.revoked_at.is_(None))
    )
    return bool(count)


def principal(session: Session, token: str) -> Principal | None:
    """The caller a presented key stands for, or None if it is unknown or revoked."""
    parts = split(token)
    if parts is None:
        return None
    key = session.get(ApiKey, parts[0])
    if key is None or key.revoked_at is not None or not matches(parts[1], key.secret_sha256):
        return None
    return Principal(
        role=Role(key.role),
        key_id=key.id,
        label=key.label,
        employer_id=key.employer_id,
        branch=key.branch,
    )


def access(session: Session) -> Access:
    """Whether a caller without a key is the local user (OPEN), or must have one: KEYS
    while an active key exists, CLOSED once every key ever made is revoked."""
    if any_active(session):
        return Access.KEYS
    if session.scalar(select(ApiKey.id).limit(1)) is None:
        return Access.OPEN
    state = session.get(AccessState, 1)
    return Access.OPEN if state is not None and state.open_local else Access.CLOSED


def open_local(session: Session, actor: str) -> Access:
    """The operator's decision to let keyless local use back in after every key was
    revoked, kept in the store and the audit log. Refused (the state is returned
    unchanged) while an active key exists: revoke them first."""
    state = access(session)
    if state is Access.CLOSED:
        _set_open(session, True, actor)
        audit(session, actor, "access.opened_local", None, None, None, {"was": state.value})
    return state


def _set_open(session: Session, is_open: bool, actor: str) -> None:
    """Record whether keyless local use is allowed; a change is also audited."""
    state = session.get(AccessState, 1)
    if state is None:
        if not is_open:
            return  # never opened: nothing to close
        state = AccessState(id=1, open_local=False, changed_by=actor)
        session.add(state)
    if state.open_local and not is_open:
        audit(session, actor, "access.closed", None, None, None, {"by": "bsu keys create"})
    state.open_local = is_open
    state.changed_at = utcnow()
    state.changed_by = actor
