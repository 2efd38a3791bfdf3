"""``RateLimit``: a token bucket per caller and per budget (see ``bsu.api.limits``)."""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from collections import OrderedDict

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from bsu.api import errors
from bsu.api.auth import Gate
from bsu.api.limits.requests import (
    EXEMPT_PATHS,
    UPLOAD_OVERHEAD_BYTES,
    UPLOAD_PATH,
    content_length,
    header,
)
from bsu.core.ruleset import LANGS
from bsu.core.words import say
from bsu.errors import RateLimited
from bsu.privacy.access import split
from bsu.service.settings import Settings

# Buckets remembered at most; the least recently used is forgotten first (a forgotten
# caller starts again with a full bucket).
MAX_CALLERS = 1 << 17


class TokenBuckets:
    """``burst`` tokens per caller, refilled at ``per_minute / 60`` a second."""

    def __init__(self, per_minute: float, burst: int, max_callers: int = MAX_CALLERS) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(max(1, burst))
        self.max_callers = max_callers
        self._buckets: OrderedDict[bytes, tuple[float, float]] = OrderedDict()

    def take(self, caller: bytes, now: float | None = None) -> float:
        """Spend a token: 0.0 if there was one, else the seconds until there is."""
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.pop(caller, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self.rate
        self._buckets[caller] = (tokens, now)
        if len(self._buckets) > self.max_callers:
            self._buckets.popitem(last=False)
        return wait

    def give_back(self, caller: bytes) -> None:
        """Return a token taken from ``caller`` (the request was another caller's)."""
        found = self._buckets.get(caller)
        if found is not None:
            self._buckets[caller] = (min(self.burst, found[0] + 1.0), found[1])

    def __len__(self) -> int:
        return len(self._buckets)


class RateLimit:
    """429 for a caller past its budget; see the module's docstring."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.budgets: dict[str, TokenBuckets | None] = {
            "api": _buckets(settings.rate_limit_per_minute, settings.rate_limit_burst),
            "upload": _buckets(
                settings.upload_rate_limit_per_minute, settings.upload_rate_limit_burst
            ),
        }
        self.upload_bytes = settings.max_upload_bytes + UPLOAD_OVERHEAD_BYTES
        self.request_bytes = max(
            settings.max_request_bytes,
            settings.max_batch_workers * settings.batch_bytes_per_worker,
        )
        # Keys are hashed with a secret of this process: the table holds nothing that
        # could be matched against a key, even in a memory dump.
        self._pepper = secrets.token_bytes(16)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        upload = scope["method"] == "POST" and scope["path"].rstrip("/") == UPLOAD_PATH
        buckets = self.budgets["upload" if upload else "api"]
        if buckets is None:
            await self.app(scope, receive, send)
            return
        key = _presented(scope)
        gate = _gate(scope)
        proven = key is not None and gate is not None and gate.proven(_text(key))
        caller = self.key_caller(key) if proven and key is not None else self.address(scope)
        wait = buckets.take(caller)
        if wait > 0.0 and not proven and key is not None and await _confirm(gate, key):
            proven, caller = True, self.key_caller(key)  # a real key, first seen here
            wait = buckets.take(caller)
        if wait <= 0.0:
            await self.app(scope, receive, send)
            if not proven and key is not None and gate is not None and gate.proven(_text(key)):
                # The app confirmed the key: the request was the key's, not the address's.
                buckets.give_back(caller)
                buckets.take(self.key_caller(key))
            return
        seconds = max(1, math.ceil(wait))
        headers = {"Retry-After": str(seconds)}
        if self._large_body(scope, upload):
            # Not read, and too large (or endless) for the server to read and drop it:
            # the connection goes. A body within the limits is dropped by the server
            # instead, and the client reliably reads the 429 on a connection that stays.
            headers["Connection"] = "close"
        what = "api_rate_uploads" if upload else "api_rate_requests"
        wait_words = "api_rate_second" if seconds == 1 else "api_rate_seconds"
        words_id, words_en = (
            say(
                "api_rate_limited",
                lang,
                what=say(what, lang),
                wait=say(wait_words, lang, count=seconds),
            )
            for lang in LANGS
        )
        await errors.refuse(scope, send, RateLimited(words_id, words_en, headers=headers))

    def _large_body(self, scope: Scope, upload: bool) -> bool:
        if header(scope, b"transfer-encoding") is not None:
            return True
        declared = content_length(header(scope, b"content-length")) or 0
        return declared > (self.upload_bytes if upload else self.request_bytes)

    def key_caller(self, key: bytes) -> bytes:
        """The bucket of a confirmed key: a keyed hash of it, never the key."""
        return b"k" + hashlib.blake2b(key, key=self._pepper, digest_size=16).digest()

    @staticmethod
    def address(scope: Scope) -> bytes:
        """The bucket of the client's address (every caller without a confirmed key)."""
        client = scope.get("client")
        return b"a" + (client[0] if client else "unknown").encode()


def _buckets(per_minute: float, burst: int) -> TokenBuckets | None:
    return TokenBuckets(per_minute, burst) if per_minute > 0 else None


def _gate(scope: Scope) -> Gate | None:
    """The app's key gate (``bsu.api.auth``), if it has one."""
    app = scope.get("app")
    gate = getattr(getattr(app, "state", None), "gate", None)
    return gate if isinstance(gate, Gate) else None


def _text(key: bytes) -> str:
    """A header value as the framework reads it (``bsu.api.auth`` sees this string)."""
    return key.decode("latin-1")


async def _confirm(gate: Gate | None, key: bytes) -> bool:
    """Whether ``key`` is a real key, asked of the gate's memory and else of the store;
    only for keys shaped like ours, so junk costs no lookup."""
    if gate is None or split(_text(key)) is None:
        return False
    hit, found = gate.cached(_text(key))
    if not hit:
        found = await run_in_threadpool(gate.principal, _text(key))
    return found is not None


def _presented(scope: Scope) -> bytes | None:
    """The raw key of ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``, if any."""
    authorization = api_key = None
    for name, value in scope["headers"]:  # the first of each, as bsu.api.auth reads them
        if name == b"authorization" and authorization is None:
            authorization = value
        elif name == b"x-api-key" and api_key is None:
            api_key = value
    if authorization:
        scheme, _, token = bytes(authorization).partition(b" ")
        if scheme.lower() == b"bearer" and token.strip():
            return token.strip()
    return bytes(api_key) if api_key else None
