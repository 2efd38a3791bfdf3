"""Knowing the caller: API keys when they are required, the local user when they are not.

Keys are required when the server was told so (``BSU_REQUIRE_KEYS``, which ``bsu serve``
sets for any address other than loopback) or as soon as one active key exists in the
store. Without either, the server is the embedded single-user install and everyone who can
reach it is the local user. Verified keys are remembered for ``auth_cache_seconds`` so that
a check does not cost a database query; a revocation takes effect within that time.
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bsu.access import LOCAL, Principal
from bsu.api.errors import ApiError
from bsu.store import keys

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="bsu"'}


class Gate:
    """Per-process memory of verified keys and of whether keys exist at all."""

    def __init__(self, sessions: sessionmaker[Session], required: bool, ttl: float) -> None:
        self.sessions = sessions
        self.required = required
        self.ttl = ttl
        self._known: dict[str, tuple[float, Principal | None]] = {}
        self._keys_exist: tuple[float, bool] = (0.0, False)
        self._lock = threading.Lock()

    def keys_required(self) -> bool:
        known = self.known_required()
        if known is not None:
            return known
        with self.sessions() as session:
            exist = keys.any_active(session)
        self._keys_exist = (time.monotonic(), exist)
        return exist

    def known_required(self) -> bool | None:
        """Whether keys are required, or None when that must be asked of the store."""
        if self.required:
            return True
        checked, exist = self._keys_exist
        return exist if time.monotonic() - checked <= self.ttl else None

    def principal(self, token: str) -> Principal | None:
        """Who ``token`` stands for (None if unknown or revoked), asked of the store and
        remembered for ttl."""
        with self.sessions() as session:
            found = keys.principal(session, token)
        with self._lock:
            if len(self._known) > 10_000:
                self._known.clear()
            self._known[_fingerprint(token)] = (time.monotonic(), found)
        return found

    def cached(self, token: str) -> tuple[bool, Principal | None]:
        """(hit, principal) without touching the database."""
        known = self._known.get(_fingerprint(token))
        if known is not None and time.monotonic() - known[0] <= self.ttl:
            return True, known[1]
        return False, None


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
        required = gate.known_required()
        if required is None:
            required = await run_in_threadpool(gate.keys_required)
        if required:
            raise ApiError(
                401,
                "api_key_required",
                "Kunci API diperlukan. Kirim header 'Authorization: Bearer <kunci>'; minta "
                "kunci kepada petugas BPJS Ketenagakerjaan atau admin server ini.",
                "An API key is required. Send the header 'Authorization: Bearer <key>'; ask "
                "BPJS Ketenagakerjaan staff or this server's administrator for a key.",
                headers=_CHALLENGE,
            )
        found: Principal | None = LOCAL
    else:
        hit, found = gate.cached(token)
        if not hit:
            found = await run_in_threadpool(gate.principal, token)
    if found is None:
        raise ApiError(
            401,
            "api_key_invalid",
            "Kunci API tidak dikenal atau sudah dicabut. Periksa kuncinya atau minta kunci baru.",
            "The API key is unknown or has been revoked. Check the key or ask for a new one.",
            headers=_CHALLENGE,
        )
    request.state.principal = found
    return found


async def staff(principal: Annotated[Principal, Depends(caller)]) -> Principal:
    """Branch staff (or the local user) only: an employer's key gets 403."""
    if not principal.is_staff:
        raise ApiError(
            403,
            "staff_only",
            "Hanya petugas cabang BPJS Ketenagakerjaan yang boleh memakai fitur ini.",
            "Only BPJS Ketenagakerjaan branch staff may use this.",
        )
    return principal


CallerDep = Annotated[Principal, Depends(caller)]
StaffDep = Annotated[Principal, Depends(staff)]
