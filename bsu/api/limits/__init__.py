"""Bounded work per request and per caller: body sizes, multipart forms, request rates.

Two pure ASGI middlewares, installed by ``install`` (outermost first), each in its module
(``rate``, ``body``; the multipart scanner in ``forms``):

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

from fastapi import FastAPI

from bsu.api.limits.body import BodyLimit
from bsu.api.limits.rate import RateLimit
from bsu.service.settings import Settings


def install(app: FastAPI, settings: Settings) -> None:
    """Add both middlewares to ``app``: the rate limit outside the body limit."""
    app.add_middleware(BodyLimit, settings=settings)
    app.add_middleware(RateLimit, settings=settings)
