"""Knowing the caller: API keys when they are required, the local user when they are not.

Keys are required when the server was told so (``Settings.require_keys``: from
``BSU_REQUIRE_KEYS``, or set by ``bsu serve`` for any address other than loopback), while
an active key exists, and, once keys have been used, after the last one is revoked too: the
server stays closed to keyless callers until an operator runs ``bsu keys open-local``
(``bsu.store.keys.access``). Only a store where no key was ever made, or one an operator
opened again, is the embedded single-user install where everyone who can reach the server
is the local user. Verified keys are remembered for ``auth_cache_seconds`` so that a check
does not cost a database query; a revocation takes effect within that time.

The gate also remembers which keys the store has ever confirmed (``proven``): the rate
limiter counts a request against its key only then, and against its address before.
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bsu.errors import Forbidden, Unauthorized
from bsu.privacy.access import LOCAL, Principal
from bsu.store import keys
from bsu.store.keys import Access

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="bsu"'}
# Keys the store confirmed, remembered at most (only real keys get in, so this is the
# number of keys in use; past it the memory starts again).
MAX_PROVEN = 1 << 17


class Gate:
    """Per-process memory of verified keys and of whether keys are required."""

    def __init__(self, sessions: sessionmaker[Session], required: bool, ttl: float) -> None:
        self.sessions = sessions
        self.required = required
        self.ttl = ttl
        self._known: dict[str, tuple[float, Principal | None]] = {}
        self._proven: set[str] = set()
        self._access: tuple[float, Access] = (float("-inf"), Access.OPEN)
        self._lock = threading.Lock()

    def access(self) -> Access:
        """Whether a keyless caller is the local user, asked of the store (or remembered
        for ttl)."""
        known = self.known_access()
        if known is not None:
            return known
        with self.sessions() as session:
            state = keys.access(session)
        self._access = (time.monotonic(), state)
        return state

    def known_access(self) -> Access | None:
        """``access`` from memory, or None when it must be asked of the store."""
        if self.required:
            return Access.KEYS
        checked, state = self._access
        return state if time.monotonic() - checked <= self.ttl else None

    def principal(self, token: str) -> Principal | None:
        """Who ``token`` stands for (None if unknown or revoked), asked of the store and
        remembered for ttl."""
        with self.sessions() as session:
            found = keys.principal(session, token)
        fingerprint = _fingerprint(token)
        with self._lock:
            if len(self._known) > 10_000:
                self._known.clear()
            self._known[fingerprint] = (time.monotonic(), found)
            if found is not None:
                if len(self._proven) >= MAX_PROVEN:
                    self._proven.clear()
                self._proven.add(fingerprint)
        return found

    def cached(self, token: str) -> tuple[bool, Principal | None]:
        """(hit, principal) without touching the database."""
        known = self._known.get(_fingerprint(token))
        if known is not None and time.monotonic() - known[0] <= self.ttl:
            return True, known[1]
        return False, None

    def proven(self, token: str) -> bool:
        """Whether the store ever confirmed ``token`` as a key (revoked since or not): a
        made-up key never is."""
        return _fingerprint(token) in self._proven


def _fingerprint(token: str) -> str:
    """What the memory keys a token by: its hash, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def presented(request: Request) -> str | None:
    """The key sent as ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``."""
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    return request.headers.get("x-api-key") or None


async def caller(request: Request) -> Principal:
    gate: Gate = request.app.state.gate
    token = presented(request)
    if token is None:
        state = gate.known_access()
        if state is None:
            state = await run_in_threadpool(gate.access)
        if state is not Access.OPEN:
            raise _key_required(state)
        found: Principal | None = LOCAL
    else:
        hit, found = gate.cached(token)
        if not hit:
            found = await run_in_threadpool(gate.principal, token)
    if found is None:
        raise Unauthorized(
            "Kunci API tidak dikenal atau sudah dicabut. Periksa kuncinya atau minta kunci baru.",
            "The API key is unknown or has been revoked. Check the key or ask for a new one.",
            "api_key_invalid",
            headers=_CHALLENGE,
        )
    request.state.principal = found
    return found


def _key_required(state: Access) -> Unauthorized:
    """401 for a call without a key, saying why when every key was revoked."""
    if state is Access.CLOSED:
        return Unauthorized(
            "Kunci API diperlukan: semua kunci dicabut, jadi server ini tertutup. Buat kunci "
            "baru (bsu keys create) atau jalankan 'bsu keys open-local' untuk membukanya lagi "
            "bagi pengguna lokal.",
            "An API key is required: every key has been revoked, so this server is closed. "
            "Create a new key (bsu keys create) or run 'bsu keys open-local' to open it to "
            "the local user again.",
            headers=_CHALLENGE,
        )
    return Unauthorized(
        "Kunci API diperlukan. Kirim header 'Authorization: Bearer <kunci>'; minta "
        "kunci kepada petugas BPJS Ketenagakerjaan atau admin server ini.",
        "An API key is required. Send the header 'Authorization: Bearer <key>'; ask "
        "BPJS Ketenagakerjaan staff or this server's administrator for a key.",
        headers=_CHALLENGE,
    )


async def staff(principal: Annotated[Principal, Depends(caller)]) -> Principal:
    """Branch staff (or the local user) only: an employer's key gets 403."""
    if not principal.is_staff:
        raise Forbidden(
            "Hanya petugas cabang BPJS Ketenagakerjaan yang boleh memakai fitur ini.",
            "Only BPJS Ketenagakerjaan branch staff may use this.",
            "staff_only",
        )
    return principal


CallerDep = Annotated[Principal, Depends(caller)]
StaffDep = Annotated[Principal, Depends(staff)]
