"""Real ``bsu serve`` processes with small limits, and a raw HTTP/1.1 client that can send
what httpx will not: headers promising a body that never comes, a chunked body with no end.

The limits do not depend on the store, so these servers run on SQLite only.
"""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bsu.privacy.access import Role
from bsu.store import keys, schema
from bsu.store.db import make_engine, sessions
from tests.servers import Server, database, start_server

UPLOAD_LIMIT = 1_000_000  # BSU_MAX_UPLOAD_BYTES of the ``limited`` server
BATCH_WORKERS = 2048  # BSU_MAX_BATCH_WORKERS: a 2 MB (2048 x 1 KB) limit on /v1/check/batch
API_PER_MINUTE, API_BURST = 30, 5
UPLOAD_PER_MINUTE, UPLOAD_BURST = 6, 2


def _serve(tmp: Path, **env: str) -> Iterator[Server]:
    with database("sqlite", tmp) as url:
        running = start_server(tmp / "data", url, **env)
        try:
            yield running
        finally:
            running.stop()


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Body and form limits at their defaults but uploads of at most 1 MB; no rate limit,
    so that only the limit under test answers."""
    yield from _serve(
        tmp_path_factory.mktemp("limited"),
        BSU_MAX_UPLOAD_BYTES=str(UPLOAD_LIMIT),
        BSU_MAX_BATCH_WORKERS=str(BATCH_WORKERS),
        BSU_RATE_LIMIT_PER_MINUTE="0",
        BSU_UPLOAD_RATE_LIMIT_PER_MINUTE="0",
    )


@pytest.fixture(scope="module")
def throttled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Small budgets: 5 requests at once then one every 2 s; 2 uploads then one every 10 s.
    A key exists from the start, so keys are required (a bucket is per real key: see
    ``real_key``)."""
    tmp = tmp_path_factory.mktemp("throttled")
    with database("sqlite", tmp) as url:
        real_key(url)
        running = start_server(
            tmp / "data",
            url,
            BSU_RATE_LIMIT_PER_MINUTE=str(API_PER_MINUTE),
            BSU_RATE_LIMIT_BURST=str(API_BURST),
            BSU_UPLOAD_RATE_LIMIT_PER_MINUTE=str(UPLOAD_PER_MINUTE),
            BSU_UPLOAD_RATE_LIMIT_BURST=str(UPLOAD_BURST),
        )
        try:
            yield running
        finally:
            running.stop()


def real_key(database_url: str) -> str:
    """A new key in the store (a branch staff key): its own rate-limit bucket once the
    server has confirmed it."""
    engine = make_engine(database_url)
    try:
        schema.upgrade(engine)
        with sessions(engine)() as session:
            made = keys.create(session, Role.STAFF, "rate test", branch="JKT01")
            session.commit()
        return made.token
    finally:
        engine.dispose()


def still_answers(server: Server) -> None:
    """The server is alive and well after whatever was thrown at it."""
    assert server.process.poll() is None, server.log.read_text(errors="replace")
    with server.client() as c:
        assert c.get("/healthz").status_code == 200
        assert c.get("/readyz").status_code == 200


def error_of(status: int, body: bytes | str, code: str) -> str:
    """The API's one error shape with this code; the message."""
    data = json.loads(body)
    assert set(data) == {"error"}, data
    assert set(data["error"]) == {"code", "message"}, data
    assert data["error"]["code"] == code, (status, data)
    message = data["error"]["message"]
    assert isinstance(message, str) and message.strip(), data
    return message


def error_response(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    return error_of(status, response.content, code)


@dataclass
class Raw:
    """What a raw exchange gave back."""

    status: int
    headers: dict[str, str]
    body: bytes
    sent: int  # body bytes handed to the socket before the answer came
    seconds: float
    closed: bool  # the server closed the connection after answering


def raw_exchange(
    server: Server, head: bytes, body: Iterable[bytes] = (), timeout: float = 15
) -> Raw:
    """Send ``head`` and then ``body`` piece by piece, stopping as soon as the server has
    answered (or stopped reading); then read the answer."""
    port = int(server.url.rsplit(":", 1)[1])
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head)
        sent = 0
        for piece in body:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            try:
                sock.sendall(piece)
            except OSError:  # the server closed the connection: its answer is waiting
                break
            sent += len(piece)
        answer = _read_answer(sock)
        status, headers, content = answer
        seconds = time.perf_counter() - started
        closed = False
        if headers.get("connection") == "close":  # else it stays open for the next request
            try:
                closed = sock.recv(1) == b""
            except OSError:
                closed = True
    return Raw(status, headers, content, sent, seconds, closed)


def _read_answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        if not piece:
            raise AssertionError(f"connection closed before an answer: {data!r}")
        data += piece
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        piece = sock.recv(65536)
        if not piece:
            break
        rest += piece
    return status, headers, rest[:length]


def request_head(method: str, path: str, headers: dict[str, str], host: str = "127.0.0.1") -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {host}",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def chunked(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """HTTP/1.1 chunked framing of ``pieces``, without the final empty chunk: a body that
    never ends unless the server ends it."""
    for piece in pieces:
        if not piece:
            continue  # an empty chunk would end the body
        yield f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
