"""Slow clients cannot hold a connection open forever (slowloris, a stalled upload).

uvicorn has an idle timeout between requests (``timeout_keep_alive``, armed once a response
is sent) and nothing else: a connection that sends half a request line, or headers and then
a trickle of body, was kept open for as long as the client liked. Two bounds close the gap:

- **Headers** (``BSU_HEADER_TIMEOUT_SECONDS``, 20 s): at the protocol level, since no ASGI
  code runs before the headers are complete. From the moment a connection opens, or the
  first byte of a request arrives on a kept-alive one, its request line and headers must
  be complete within the bound, however they trickle; otherwise 408 and the connection is
  closed. ``header_protocol`` makes a subclass of uvicorn's httptools or h11 protocol for
  ``bsu serve``.
- **Body** (``BSU_BODY_TIMEOUT_SECONDS``, 30 s; ``BSU_BODY_MIN_BYTES_PER_SECOND``, 500):
  the ASGI middleware ``BodyDeadline`` waits for each piece of the body at most the
  timeout, and for the whole body at most the timeout plus one second per
  ``min_bytes_per_second`` bytes received (Apache's ``mod_reqtimeout`` rule): a client
  at a normal speed never meets it, a trickle does. Too slow: 408 in the caller's
  language, ``Connection: close``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bsu.api import errors
from bsu.api.middleware import HttpMiddleware
from bsu.errors import TimedOut
from bsu.service.settings import Settings

log = logging.getLogger(__name__)

_HEADER_WORDS = (
    "Permintaan tidak lengkap dalam batas waktu; sambungan ditutup.",
    "The request did not arrive in time; the connection is closed.",
)
_BODY_WORDS = (
    "Isi permintaan datang terlalu lambat atau terhenti; sambungan ditutup. Kirim ulang.",
    "The request body arrived too slowly or stopped; the connection is closed. Send it again.",
)


def install(app: FastAPI, settings: Settings) -> None:
    """Bound the time a request's body may take (the headers: ``header_protocol``)."""
    app.add_middleware(BodyDeadline, settings=settings)


# --- headers: uvicorn's protocol ---------------------------------------------------------


def _raw_408() -> bytes:
    """A whole 408 response: no header was read, so both languages."""
    body = json.dumps(
        errors.body("request_timeout", " / ".join(_HEADER_WORDS)), ensure_ascii=False
    ).encode()
    head = (
        "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode() + body


class _HeaderDeadline:
    """The deadline of one connection's next request line and headers."""

    def __init__(self, protocol: Any, seconds: float) -> None:
        self.protocol = protocol
        self.seconds = seconds
        self.timer: asyncio.TimerHandle | None = None
        self.cycle: object = None  # the request in hand when the deadline was armed

    def arm(self) -> None:
        if self.timer is None:
            self.cycle = self.protocol.cycle
            self.timer = self.protocol.loop.call_later(self.seconds, self._expired)

    def received(self, feed: Any, data: bytes) -> None:
        """Feed ``data`` to the protocol; a new request starting arms the deadline, its
        headers being complete (a new request cycle) disarms it."""
        cycle = self.protocol.cycle
        if cycle is None or cycle.response_complete:
            self.arm()
        feed(data)
        if self.timer is not None and self.protocol.cycle is not self.cycle:
            self.cancel()

    def cancel(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _expired(self) -> None:
        self.timer = None
        transport = self.protocol.transport
        if self.protocol.cycle is not self.cycle or transport is None or transport.is_closing():
            return
        transport.write(_raw_408())
        transport.close()


def header_protocol(seconds: float, httptools: bool) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol (httptools or h11) with the header deadline."""
    if httptools:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as base
    else:
        from uvicorn.protocols.http.h11_impl import H11Protocol as base  # type: ignore[assignment]

    class Bounded(base):  # type: ignore[valid-type, misc]
        """The protocol, with the headers of each request due within ``seconds``."""

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._deadline = _HeaderDeadline(self, seconds)
            self._deadline.arm()

        def data_received(self, data: bytes) -> None:
            self._deadline.received(super().data_received, data)

        def connection_lost(self, exc: Exception | None) -> None:
            self._deadline.cancel()
            super().connection_lost(exc)

    Bounded.__name__ = Bounded.__qualname__ = f"Bounded{base.__name__}"
    return Bounded


# --- body: ASGI middleware ---------------------------------------------------------------


class _TooSlow(Exception):
    """Raised to the app from ``receive`` once the body has been answered 408."""


class BodyDeadline(HttpMiddleware):
    """408 for a body that stops or trickles; see the module's docstring."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        super().__init__(app)
        self.idle = settings.body_timeout_seconds
        self.rate = settings.body_min_bytes_per_second

    def _wait(self, started: float, received: int) -> float:
        """How long the next piece of the body may take."""
        if self.rate <= 0:
            return self.idle
        budget = started + self.idle + received / self.rate - time.monotonic()
        return max(0.0, min(self.idle, budget))

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.monotonic()
        received = 0
        done = timed_out = responded = False

        async def bounded_receive() -> Message:
            nonlocal received, done, timed_out
            if timed_out:
                return {"type": "http.disconnect"}
            if done:  # after the body: waiting for a disconnect is not the client's delay
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self._wait(started, received))
            except TimeoutError:
                timed_out = True
                if not responded:
                    await _answer_408(scope, send)
                raise _TooSlow from None
            received += len(message.get("body", b""))
            done = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal responded
            if timed_out:
                return  # the app's own answer to the cut-off body: ours has been sent
            if message["type"] == "http.response.start":
                responded = True
            await send(message)

        try:
            await self.app(scope, bounded_receive, guarded_send)
        except Exception as exc:
            if not timed_out:
                raise
            # Whatever the app made of the missing body (FastAPI: a 400), the 408 has
            # answered it; said in the log, so a failure here is never unseen.
            log.info("after a body timeout the app raised %s; the 408 stands", type(exc).__name__)


async def _answer_408(scope: Scope, send: Send) -> None:
    await errors.refuse(scope, send, TimedOut(*_BODY_WORDS, headers={"Connection": "close"}))
