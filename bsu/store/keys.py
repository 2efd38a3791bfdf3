"""API keys in the store: create (the token is returned once), revoke, list, look up."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bsu.access import NewKey, Principal, Role, matches, new_key, split
from bsu.store.models import ApiKey, utcnow


def create(
    session: Session,
    role: Role,
    label: str,
    employer_id: str | None = None,
    branch: str | None = None,
) -> NewKey:
    key = new_key()
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
