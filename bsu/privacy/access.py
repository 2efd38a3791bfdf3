"""Who is calling and what they may see: API keys, roles and tenants.

An employer sees only the batches its own keys uploaded; branch staff see the batches of
their branch and the staff-only routes (coverage, audit). Local use without keys (the CLI,
``bsu serve`` on 127.0.0.1 before any key exists) is one trusted user who sees everything.

A key is ``bsu_<id>_<secret>``: the id finds the row, and only the secret's SHA-256 is
stored. The secret is 32 random bytes, so a fast hash is enough (no dictionary to try);
the comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

PREFIX = "bsu"
_KEY = re.compile(r"bsu_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")


class Role(StrEnum):
    EMPLOYER = "employer"
    STAFF = "staff"
    LOCAL = "local"  # no keys: the single trusted user of an embedded install


@dataclass(frozen=True)
class Principal:
    """The caller of one request."""

    role: Role
    key_id: str | None = None
    label: str = "local"
    employer_id: str | None = None
    branch: str | None = None

    @property
    def actor(self) -> str:
        """How the audit log names the caller: never the key's secret."""
        if self.key_id is None:
            return self.label
        return f"{self.role.value}:{self.key_id} ({self.label})"[:128]

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.STAFF, Role.LOCAL)

    @property
    def sees_accounts(self) -> bool:
        """Whether bank account numbers and holder names are shown in full: to the
        employer that gave them (to fix them) and the local user; branch staff see them
        masked, enough to help find a row, never to copy an account (UU 27/2022)."""
        return self.role is not Role.STAFF

    @property
    def evidence_scope(self) -> str | None:
        """Whose registry rows (by NPP) the caller's checks may be judged on: an employer
        only its own workers' ("" for an employer key without an id: nobody's); None for
        staff and the local user: all of them (UU 27/2022)."""
        if self.role is Role.EMPLOYER:
            return self.employer_id or ""
        return None

    def may_see(self, employer_id: str | None, branch: str | None) -> bool:
        """Whether a batch of this employer and branch is visible to the caller."""
        if self.role is Role.LOCAL:
            return True
        if self.role is Role.EMPLOYER:
            return employer_id is not None and employer_id == self.employer_id
        return branch is not None and branch == self.branch


LOCAL = Principal(Role.LOCAL)


@dataclass(frozen=True)
class NewKey:
    """A key as created: ``token`` is shown once and never stored."""

    key_id: str
    token: str
    secret_sha256: str


def new_key() -> NewKey:
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return NewKey(key_id, f"{PREFIX}_{key_id}_{secret}", digest(secret))


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split(token: str) -> tuple[str, str] | None:
    """(id, secret) of a well-formed key, else None."""
    match = _KEY.fullmatch(token.strip())
    return (match[1], match[2]) if match else None


def matches(secret: str, stored_sha256: str) -> bool:
    return hmac.compare_digest(digest(secret), stored_sha256)
