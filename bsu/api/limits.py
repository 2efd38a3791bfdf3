"""Bounded work per request and per caller: body sizes, multipart forms, request rates.

Two pure ASGI middlewares, installed by ``install`` (outermost first):

- ``RateLimit``: a token bucket per caller and per budget, in this process's memory. The
  caller is the client address until the store has confirmed the API key presented
  (``Authorization: Bearer <key>`` or ``X-API-Key``; ``bsu.api.auth.Gate.proven``), and
  from then on that key, known only by a keyed hash of it (the key itself is never
  kept). A made-up key therefore gets no bucket of its own: a new one on every request
  still spends the address's budget. A request that passed on its address's budget and
  whose key the app then confirmed is moved to the key's bucket (the address gets its
  token back); and when the address's budget is spent, a key not yet confirmed is looked
  up once (as authentication would) so that a real key's first request from a busy
  address is not refused for others' traffic. Uploads (``POST /v1/batches``) spend their
  own, smaller budget; ``/healthz`` and ``/readyz`` none. An empty bucket is answered at
  once: 429, ``Retry-After`` and the error body.
- ``BodyLimit``: the request body may be ``Settings.max_upload_bytes`` plus the multipart
  framing on an upload, ``max_batch_workers x batch_bytes_per_worker`` on
  ``POST /v1/check/batch``, ``max_request_bytes`` anywhere else. A ``Content-Length`` over
  the limit is refused before any byte is read; a body without one (chunked) is counted
  as it arrives and refused the moment it passes the limit, never read to its end. A
  multipart body is also scanned as it streams: more than ``max_form_parts`` parts, or a
  part that is not a file (or the preamble, epilogue or a part's headers) over
  ``max_form_field_bytes``, is refused the same way. Starlette's own form limits (1000
  parts, 1 MB fields) stay behind this as a second line.

Every refusal is the API's one error shape, in the caller's language. A 413 closes the
connection (``Connection: close``), so the client stops sending what will not be read; a
429 does only for a body too large (or chunked) for the server to read and drop: HTTP/1.1
clients send the whole body before reading the answer, and one cut off mid-send may
lose the answer to the reset.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import time
from collections import OrderedDict

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bsu.api import errors
from bsu.api.auth import Gate
from bsu.errors import RateLimited, TooLarge
from bsu.privacy.access import split
from bsu.service.settings import Settings

UPLOAD_PATH = "/v1/batches"
CHECK_BATCH_PATH = "/v1/check/batch"
EXEMPT_PATHS = frozenset({"/healthz", "/readyz"})
# Room for the multipart framing around the roster: boundaries, part headers, the
# ``ruleset`` field (itself at most ``max_form_field_bytes``).
UPLOAD_OVERHEAD_BYTES = 64 * 1024
# Buckets remembered at most; the least recently used is forgotten first (a forgotten
# caller starts again with a full bucket).
MAX_CALLERS = 1 << 17
_FILENAME = re.compile(rb";\s*filename\*?\s*=", re.IGNORECASE)


def install(app: FastAPI, settings: Settings) -> None:
    """Add both middlewares to ``app``: the rate limit outside the body limit."""
    app.add_middleware(BodyLimit, settings=settings)
    app.add_middleware(RateLimit, settings=settings)


# --- the answers -------------------------------------------------------------------------


def _size(n: int) -> tuple[str, str]:
    """A byte count as people read it, in Indonesian and English: 1,5 MB and 1.5 MB."""
    if n >= 1024 * 1024:
        en = f"{n / (1024 * 1024):.3g} MB"
    elif n >= 1024:
        en = f"{n / 1024:.3g} KB"
    else:
        en = f"{n} bytes"
    return en.replace(".", ",").replace("bytes", "byte"), en


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


# --- rate limit --------------------------------------------------------------------------


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
        what = ("unggahan", "uploads") if upload else ("permintaan", "requests")
        words_id = f"Terlalu banyak {what[0]} dalam waktu singkat. Coba lagi dalam {seconds} detik."
        words_en = (
            f"Too many {what[1]} in a short time. Try again in {seconds} "
            f"second{'s' if seconds > 1 else ''}."
        )
        await errors.refuse(scope, send, RateLimited(words_id, words_en, headers=headers))

    def _large_body(self, scope: Scope, upload: bool) -> bool:
        if _header(scope, b"transfer-encoding") is not None:
            return True
        declared = _content_length(_header(scope, b"content-length")) or 0
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


# --- body limit --------------------------------------------------------------------------


# (bytes, error code, (Indonesian, English) words) of a body limit.
_Limit = tuple[int, str, tuple[str, str]]


class _Refused(Exception):
    """Raised to the app from ``receive`` once the body has been refused."""


class BodyLimit:
    """413 for a body over its route's limit or a form past its limits; see the module's
    docstring."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.upload_bytes = settings.max_upload_bytes + UPLOAD_OVERHEAD_BYTES
        self.batch_bytes = max(
            settings.max_request_bytes,
            settings.max_batch_workers * settings.batch_bytes_per_worker,
        )
        shown = _size(settings.max_upload_bytes)
        self.upload: _Limit = (
            self.upload_bytes,
            "file_too_large",
            (
                f"Berkas lebih besar dari batas {shown[0]}. Bagi roster menjadi beberapa berkas.",
                f"The file is larger than the {shown[1]} limit. Split the roster into several "
                "files.",
            ),
        )
        shown = _size(self.batch_bytes)
        self.batch: _Limit = (
            self.batch_bytes,
            "payload_too_large",
            (
                f"Data yang dikirim lebih besar dari batas {shown[0]}. Untuk roster besar, "
                "unggah berkasnya ke POST /v1/batches.",
                f"The request is larger than the {shown[1]} limit. For large rosters, upload "
                "the file to POST /v1/batches.",
            ),
        )
        shown = _size(settings.max_request_bytes)
        self.other: _Limit = (
            settings.max_request_bytes,
            "payload_too_large",
            (
                f"Data yang dikirim lebih besar dari batas {shown[0]}.",
                f"The request is larger than the {shown[1]} limit.",
            ),
        )

    def limit(self, scope: Scope, multipart: bool) -> _Limit:
        """(bytes, code, words) for this request's body."""
        path = scope["path"].rstrip("/")
        if path == UPLOAD_PATH and multipart:
            return self.upload
        return self.batch if path == CHECK_BATCH_PATH else self.other

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        form = _Multipart.of(headers.get(b"content-type"), self.settings)
        limit, code, words = self.limit(scope, form is not None)
        declared = _content_length(headers.get(b"content-length"))
        if declared is not None and declared > limit:
            await errors.refuse(scope, send, _too_large(code, words))
            return

        received = 0
        refused = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] != "http.request":
                return message
            chunk: bytes = message.get("body", b"")
            received += len(chunk)
            problem: tuple[str, tuple[str, str]] | None = None
            if received > limit:
                problem = code, words
            elif form is not None:
                problem = form.feed(chunk)
            if problem is None:
                return message
            refused = True
            if started:  # the app answers while reading: all that is left is to stop it
                raise _Refused
            await errors.refuse(scope, send, _too_large(*problem))
            raise _Refused

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused and not started:
                return  # the app's own answer to the refusal: ours has been sent
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not refused or started:
                raise
            # Whatever the app made of the refused body (FastAPI: a 400), it is answered.


def _too_large(code: str, words: tuple[str, str]) -> TooLarge:
    """413, closing the connection: the client stops sending what will not be read."""
    return TooLarge(*words, code, headers={"Connection": "close"})


def _content_length(value: bytes | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


class _Multipart:
    """Counts the parts of a ``multipart/form-data`` body as it streams past, and the
    bytes of every stretch that is not a file: no more is kept than one delimiter."""

    def __init__(self, boundary: bytes, max_parts: int, max_field: int) -> None:
        # The body starts with "--boundary", every later delimiter with CRLF: one search
        # finds both once the body is prefixed with a CRLF.
        self.delimiter = b"\r\n--" + boundary
        self.max_parts = max_parts
        self.max_field = max_field
        self.buffer = bytearray(b"\r\n")
        self.state = "data"  # data | after (a delimiter) | headers | epilogue
        self.parts = 0
        self.is_file = False  # the preamble is held to the field limit
        self.size = 0

    @classmethod
    def of(cls, content_type: bytes | None, settings: Settings) -> _Multipart | None:
        kind, _, params = (content_type or b"").partition(b";")
        if kind.strip().lower() != b"multipart/form-data":
            return None
        match = re.search(rb'boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))', params, re.IGNORECASE)
        if match is None:
            return None  # Starlette refuses it (400) without parsing anything
        boundary = match.group(1) or match.group(2)
        return cls(boundary, settings.max_form_parts, settings.max_form_field_bytes)

    def feed(self, chunk: bytes) -> tuple[str, tuple[str, str]] | None:
        """Take the next piece of the body; the refusal, if this piece makes one."""
        self.buffer += chunk
        while True:
            if self.state == "data":
                at = self.buffer.find(self.delimiter)
                if at < 0:
                    # Keep what could be the start of a delimiter cut by the chunk's end.
                    done = max(0, len(self.buffer) - len(self.delimiter) + 1)
                    self.size += done
                    del self.buffer[:done]
                    return self._field_too_large()
                self.size += at
                if problem := self._field_too_large():
                    return problem
                del self.buffer[: at + len(self.delimiter)]
                self.state = "after"
            elif self.state == "after":
                if len(self.buffer) < 2:
                    return None
                if self.buffer[:2] == b"--":
                    del self.buffer[:2]
                    self.state, self.is_file, self.size = "epilogue", False, 0
                else:
                    self.state, self.is_file, self.size = "headers", False, 0
            elif self.state == "headers":
                end = self.buffer.find(b"\r\n\r\n")
                if end < 0:
                    self.size = len(self.buffer)
                    return self._field_too_large()
                headers = bytes(self.buffer[:end])
                del self.buffer[: end + 4]
                self.parts += 1
                if self.parts > self.max_parts:
                    return (
                        "form_too_many_parts",
                        (
                            f"Formulir berisi lebih dari {self.max_parts} bagian. Kirim satu "
                            "berkas roster (dan bila perlu kolom ruleset).",
                            f"The form has more than {self.max_parts} parts. Send one roster "
                            "file (and the ruleset field if needed).",
                        ),
                    )
                self.state, self.is_file, self.size = "data", bool(_FILENAME.search(headers)), 0
            else:  # epilogue: nothing after the last delimiter means anything
                self.size += len(self.buffer)
                self.buffer.clear()
                return self._field_too_large()

    def _field_too_large(self) -> tuple[str, tuple[str, str]] | None:
        if self.is_file or self.size <= self.max_field:
            return None
        shown, shown_en = _size(self.max_field)
        return (
            "form_field_too_large",
            (
                f"Bagian formulir yang bukan berkas lebih besar dari {shown}. Kirim roster "
                "sebagai berkas.",
                f"A part of the form that is not a file is larger than {shown_en}. Send the "
                "roster as a file.",
            ),
        )
