"""Request bodies and forms are bounded on a real server: 413 in the API's error shape,
before the body is read when its length is declared, as soon as the limit is passed when it
is not, and the server keeps answering afterwards."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.types import Receive, Scope, Send

from bsu.api.limits.body import BodyLimit
from bsu.api.limits.requests import UPLOAD_OVERHEAD_BYTES
from bsu.api.schemas import WORKER_EXAMPLE
from bsu.service.settings import Settings
from tests.limits.conftest import (
    UPLOAD_LIMIT,
    chunked,
    error_of,
    error_response,
    raw_exchange,
    request_head,
    still_answers,
)
from tests.servers import Server
from tests.support import VALID_WORKER

BOUNDARY = "bsu-limits-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
PIECE = b"7" * 65536
EN = {"Accept-Language": "en"}
CSV = b"NIK;Nama;Upah\n3275014101900001;Adi Nugroho;3000000\n"


def part_head(name: str, filename: str | None = None) -> bytes:
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
    return f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()


def part(name: str, content: bytes, filename: str | None = None) -> bytes:
    return part_head(name, filename) + content + b"\r\n"


END = f"--{BOUNDARY}--\r\n".encode()


@pytest.fixture(autouse=True)
def _alive_afterwards(limited: Server) -> Iterator[None]:
    yield
    still_answers(limited)


def uploads_of(server: Server) -> list[Path]:
    folder = Path(server.env["BSU_DATA_DIR"]) / "uploads"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_declared_length_over_the_limit_is_refused_before_any_body_is_sent(
    limited: Server,
) -> None:
    """Headers alone promise 100 MB: the answer comes without a byte of body, so the
    server cannot have waited for (or read) it."""
    for path, content_type, code in (
        ("/v1/check", "application/json", "payload_too_large"),
        ("/v1/batches", MULTIPART, "file_too_large"),
    ):
        head = request_head(
            "POST", path, {"Content-Type": content_type, "Content-Length": str(100 * 2**20)}
        )
        answer = raw_exchange(limited, head)
        assert answer.status == 413, answer
        error_of(answer.status, answer.body, code)
        assert answer.sent == 0 and answer.seconds < 5
        assert answer.headers["connection"] == "close" and answer.closed


def test_413_is_typed_and_in_the_callers_language(limited: Server) -> None:
    big = b"[" + b" " * (2 * 2**20) + b"]"
    with limited.client() as c:
        words = error_response(
            c.post("/v1/check", content=big, headers={"Content-Type": "application/json"}),
            413,
            "payload_too_large",
        )
        english = error_response(
            c.post("/v1/check", content=big, headers={"Content-Type": "application/json", **EN}),
            413,
            "payload_too_large",
        )
    assert words == "Data yang dikirim lebih besar dari batas 1 MB."
    assert english == "The request is larger than the 1 MB limit."


def test_the_json_batch_route_has_a_limit_sized_for_its_workers(limited: Server) -> None:
    """1.5 MB is too much for /v1/check (1 MB) but within /v1/check/batch's 2 MB
    (BATCH_WORKERS x 1 KB), where the route itself counts the workers; 2.5 MB is refused before
    the route sees it, pointing at uploads."""
    worker = json.dumps(VALID_WORKER).encode()
    body = b"[" + b",".join([worker] * (1_500_000 // len(worker))) + b"]"
    assert 1_000_000 < len(body) < 2 * 2**20
    json_type = {"Content-Type": "application/json"}
    with limited.client() as c:
        error_response(
            c.post("/v1/check", content=body, headers=json_type), 413, "payload_too_large"
        )
        counted = c.post("/v1/check/batch", content=body, headers=json_type)
        error_response(counted, 413, "too_many_workers")  # the route's answer: it got the body
        over = b"[" + b" " * (2 * 2**20 + 10) + b"]"
        message = error_response(
            c.post("/v1/check/batch", content=over, headers={**json_type, **EN}),
            413,
            "payload_too_large",
        )
    assert "POST /v1/batches" in message and "2 MB" in message


def test_the_default_batch_limit_fits_ten_thousand_workers_with_room() -> None:
    """max_batch_workers (10,000) realistic workers, pretty-printed with long values, fit
    the default /v1/check/batch limit; twice that many do not."""
    settings = Settings()
    long = {
        **WORKER_EXAMPLE,
        "name": "Raden Mas Muhammad Adi Nugroho Wicaksono Putra Pratama",
        "region": "Kabupaten Kepulauan Siau Tagulandang Biaro",
        "province": "Kepulauan Bangka Belitung",
        "employment_status": "Perjanjian Kerja Waktu Tertentu (PKWT)",
    }
    body = json.dumps([long] * settings.max_batch_workers, indent=2).encode()
    limit = BodyLimit(_nothing, settings).batch_bytes
    assert 2 * len(body) <= limit <= 16 * 2**20, (len(body), limit)


async def _nothing(scope: Scope, receive: Receive, send: Send) -> None:
    pass


def test_a_chunked_body_is_cut_off_as_soon_as_it_passes_the_limit(limited: Server) -> None:
    """No Content-Length and a body that never ends: the 413 comes once the limit is
    passed, and the connection is closed so the client stops sending."""
    cases = (
        ("/v1/check", "application/json", 2**20, "payload_too_large", b""),
        (
            "/v1/batches",
            MULTIPART,
            UPLOAD_LIMIT + UPLOAD_OVERHEAD_BYTES,
            "file_too_large",
            part_head("file", "roster.csv"),
        ),
    )
    for path, content_type, limit, code, first in cases:
        head = request_head(
            "POST",
            path,
            {"Content-Type": content_type, "Transfer-Encoding": "chunked", **EN},
        )
        endless = chunked(itertools.chain([first], itertools.repeat(PIECE, 4096)))  # 256 MB
        answer = raw_exchange(limited, head, endless)
        assert answer.status == 413, answer
        message = error_of(answer.status, answer.body, code)
        assert "limit" in message  # English, as asked
        # Sent: the limit, then what the sockets' buffers took before the answer arrived.
        assert limit < answer.sent < limit + 32 * 2**20, answer.sent
        assert answer.closed


def test_httpx_streaming_an_oversized_body_gets_the_413_early(limited: Server) -> None:
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        for _ in range(2048):  # 128 MB if it were all read
            sent += len(PIECE)
            yield PIECE

    with limited.client() as c:
        response = c.post("/v1/check", content=body(), headers={"Content-Type": "application/json"})
    error_response(response, 413, "payload_too_large")
    assert sent < 64 * 2**20


def test_a_form_of_a_thousand_tiny_files_or_fields_is_refused_past_its_parts_limit(
    limited: Server,
) -> None:
    before = uploads_of(limited)
    many_files = [("file", (f"roster-{i}.csv", b"x")) for i in range(1000)]
    many_fields = {f"field{i}": "x" for i in range(1000)}
    with limited.client() as c:
        for files, data in ((many_files, None), ([("file", ("roster.csv", CSV))], many_fields)):
            response = c.post("/v1/batches", files=files, data=data)
            message = error_response(response, 413, "form_too_many_parts")
            assert "16" in message
    assert uploads_of(limited) == before


def test_a_huge_field_is_refused_while_it_streams(limited: Server) -> None:
    """A 64 MB ``ruleset`` field: refused once it passes 64 KB, long before its end (and
    before the 1 MB body limit, which would answer ``file_too_large``)."""
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        yield part("file", CSV, "roster.csv") + part_head("ruleset")
        for _ in range(1024):
            sent += len(PIECE)
            yield PIECE
        yield b"\r\n" + END

    before = uploads_of(limited)
    with limited.client() as c:
        response = c.post("/v1/batches", content=body(), headers={"Content-Type": MULTIPART})
    error_response(response, 413, "form_field_too_large")
    assert sent < 32 * 2**20
    assert uploads_of(limited) == before


def test_a_huge_preamble_is_refused_too(limited: Server) -> None:
    """Bytes before the first boundary are nobody's file: held to the field limit."""
    body = b"x" * (128 * 1024) + b"\r\n" + part("file", CSV, "roster.csv") + END
    with limited.client() as c:
        response = c.post("/v1/batches", content=body, headers={"Content-Type": MULTIPART})
    # Which refusal comes first depends on how the bytes arrive: the scanner past 64 KB of
    # preamble (413), or the form parser, having read a first short segment, on the
    # garbage before the first boundary (422). Either way a typed refusal, never a 202.
    if response.status_code == 422:
        error_response(response, 422, "request_malformed")
    else:
        error_response(response, 413, "form_field_too_large")


def test_uploads_within_the_limits_are_accepted_however_they_are_sent(limited: Server) -> None:
    """The limits refuse nothing legitimate: a roster of almost the full size with the
    ruleset field, and a roster sent chunked in odd-sized pieces without Content-Length."""
    row = b"3275014101900002;Budi;3100000\n"
    roster = CSV + row * ((UPLOAD_LIMIT - len(CSV)) // len(row))
    assert UPLOAD_LIMIT - 100 < len(roster) <= UPLOAD_LIMIT
    with limited.client() as c:
        response = c.post(
            "/v1/batches", files={"file": ("roster.csv", roster)}, data={"ruleset": "bsu-2025"}
        )
        assert response.status_code == 202, response.text
    body = part("file", CSV, "roster.csv") + part("ruleset", b"bsu-2025") + END
    pieces = [body[i : i + 7] for i in range(0, len(body), 7)]
    head = request_head(
        "POST", "/v1/batches", {"Content-Type": MULTIPART, "Transfer-Encoding": "chunked"}
    )
    answer = raw_exchange(limited, head, [*chunked(pieces), b"0\r\n\r\n"])
    assert answer.status == 202, answer
