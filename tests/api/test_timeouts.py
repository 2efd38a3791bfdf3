"""A slow client cannot hold a connection forever: a request whose line and headers do not
arrive within ``BSU_HEADER_TIMEOUT_SECONDS`` is answered 408 and closed (on a new
connection and on a kept-alive one), and a body that stops, or trickles slower than
``BSU_BODY_MIN_BYTES_PER_SECOND`` once ``BSU_BODY_TIMEOUT_SECONDS`` have passed, is
answered 408 with the error body and closed. Raw sockets against a real ``bsu serve``."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.conftest import CLEAN
from tests.servers import Server, start_server

BOUND = 15.0  # seconds: far above the 2 s timeouts below, far below "forever"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("timeouts")
    running = start_server(
        tmp / "data",
        f"sqlite:///{tmp / 'bsu.db'}",
        BSU_HEADER_TIMEOUT_SECONDS="2",
        BSU_BODY_TIMEOUT_SECONDS="2",
        BSU_BODY_MIN_BYTES_PER_SECOND="1000",
    )
    try:
        yield running
    finally:
        running.stop()


def _connect(server: Server) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=BOUND)


def _until_closed(sock: socket.socket, started: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and when that was."""
    received = b""
    while True:
        sock.settimeout(max(0.1, BOUND - (time.monotonic() - started)))
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            raise AssertionError(f"still open after {BOUND} s; got {received!r}") from None
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            return received, time.monotonic() - started
        received += chunk


def _timed_out(answer: bytes) -> None:
    """Nothing, or a 408 with the API's error shape."""
    if not answer:
        return
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408"), answer
    error = json.loads(body)["error"]
    assert error["code"] == "request_timeout" and error["message"], error


def test_a_request_line_that_never_ends_is_closed(server: Server) -> None:
    with _connect(server) as sock:
        started = time.monotonic()
        sock.sendall(b"GET /healthz HT")
        answer, after = _until_closed(sock, started)
    _timed_out(answer)
    assert after < BOUND


def test_headers_that_never_end_are_closed(server: Server) -> None:
    with _connect(server) as sock:
        started = time.monotonic()
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        for _ in range(3):  # a byte now and then does not buy more time
            time.sleep(0.5)
            sock.sendall(b"a")
        answer, after = _until_closed(sock, started)
    _timed_out(answer)
    assert after < BOUND


def test_a_half_request_on_a_kept_alive_connection_is_closed(server: Server) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        first = b""
        while b'"ok"}' not in first:
            first += sock.recv(4096)
        assert first.startswith(b"HTTP/1.1 200")
        started = time.monotonic()
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # no blank line: never ends
        answer, after = _until_closed(sock, started)
    _timed_out(answer)
    assert after < BOUND


def _post_headers(length: int) -> bytes:
    return (
        "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Accept-Language: en\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def test_a_body_that_never_comes_is_408(server: Server) -> None:
    with _connect(server) as sock:
        started = time.monotonic()
        sock.sendall(_post_headers(100) + b'{"nik": ')
        answer, after = _until_closed(sock, started)
    assert answer, "a body timeout is answered"
    _timed_out(answer)
    assert after < BOUND


def test_a_trickled_body_is_408(server: Server) -> None:
    with _connect(server) as sock:
        started = time.monotonic()
        sock.sendall(_post_headers(5000))
        answer = b""
        sock.settimeout(0.2)
        while time.monotonic() - started < BOUND:  # 5 bytes a second, below 1000
            try:
                sock.sendall(b" ")
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
            if not chunk:
                break
            answer += chunk
            if b"\r\n\r\n" in answer and answer.rstrip().endswith(b"}}"):
                break
        after = time.monotonic() - started
    assert answer, "a trickled body is answered"
    _timed_out(answer)
    assert after < BOUND


def test_a_normal_upload_and_check_still_work(server: Server, tmp_path: Path) -> None:
    with server.client() as c:
        sent = c.post("/v1/batches", files={"file": (CLEAN.name, CLEAN.read_bytes())})
        assert sent.status_code == 202, sent.text
        checked = c.post("/v1/check", json={"nik": "3275014101900001", "wage": 3000000})
        assert checked.status_code == 200, checked.text
