"""Per-caller rate limits on a real server: 429 with Retry-After and the error shape once a
caller's burst is spent, never for another caller, never for the health endpoints."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from bsu.api.limits.rate import RateLimit, TokenBuckets, _presented
from bsu.service.settings import Settings
from tests.limits.conftest import (
    API_BURST,
    UPLOAD_BURST,
    error_response,
    real_key,
    still_answers,
)
from tests.servers import Server
from tests.support import VALID_WORKER

EN = {"Accept-Language": "en"}
CSV = b"NIK;Nama;Upah\n3275014101900001;Adi Nugroho;3000000\n"


@pytest.fixture(autouse=True)
def _alive_afterwards(throttled: Server) -> Iterator[None]:
    yield
    still_answers(throttled)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def new_key(throttled: Server) -> Callable[[], str]:
    """A real key nobody has used yet: a fresh bucket of its own (a made-up key has none,
    see test_bogus_keys.py)."""
    return lambda: real_key(throttled.env["BSU_DATABASE_URL"])


def spend(client: httpx.Client, headers: dict[str, str], n: int) -> list[httpx.Response]:
    return [client.post("/v1/check", json=VALID_WORKER, headers=headers) for _ in range(n)]


def test_a_key_past_its_burst_gets_429_with_retry_after(
    throttled: Server, new_key: Callable[[], str]
) -> None:
    key = new_key()
    with throttled.client() as c:
        answers = spend(c, bearer(key), API_BURST + 3)
        english = c.post("/v1/check", json=VALID_WORKER, headers={**bearer(key), **EN})
    statuses = [r.status_code for r in answers]
    assert 429 not in statuses[:API_BURST], statuses
    limited = [r for r in answers if r.status_code == 429]
    assert len(limited) >= 2, statuses
    message = error_response(limited[0], 429, "rate_limited")
    assert message.startswith("Terlalu banyak permintaan")
    seconds = int(limited[0].headers["retry-after"])
    assert 1 <= seconds <= 2  # one token every 2 s
    assert f"{seconds} detik" in message
    assert error_response(english, 429, "rate_limited").startswith("Too many requests")


def test_retry_after_is_truthful(throttled: Server, new_key: Callable[[], str]) -> None:
    key = new_key()
    with throttled.client() as c:
        answers = spend(c, bearer(key), API_BURST + 1)
        assert answers[-1].status_code == 429
        time.sleep(int(answers[-1].headers["retry-after"]))
        assert spend(c, bearer(key), 1)[0].status_code != 429


def test_one_keys_exhaustion_does_not_limit_another(
    throttled: Server, new_key: Callable[[], str]
) -> None:
    spent = new_key()
    with throttled.client() as c:
        assert spend(c, bearer(spent), API_BURST + 2)[-1].status_code == 429
        # The same key in the other header is the same caller...
        assert spend(c, {"X-API-Key": spent}, 1)[0].status_code == 429
        # ...another key, in either header, is not; nor is a caller without a key (who
        # needs one here: 401, not 429).
        for headers in (bearer(new_key()), {"X-API-Key": new_key()}):
            statuses = [r.status_code for r in spend(c, headers, API_BURST)]
            assert statuses == [200] * API_BURST, (headers, statuses)
        assert [r.status_code for r in spend(c, {}, API_BURST)] == [401] * API_BURST


def test_health_endpoints_are_never_limited(throttled: Server, new_key: Callable[[], str]) -> None:
    key = new_key()
    with throttled.client(headers=bearer(key)) as c:
        assert spend(c, {}, API_BURST + 1)[-1].status_code == 429
        for _ in range(3 * API_BURST):
            assert c.get("/healthz").status_code == 200
            assert c.get("/readyz").status_code == 200


def test_uploads_have_their_own_smaller_budget(
    throttled: Server, new_key: Callable[[], str]
) -> None:
    key = new_key()
    with throttled.client(headers=bearer(key)) as c:
        uploads = [
            c.post("/v1/batches", files={"file": ("roster.csv", CSV)})
            for _ in range(UPLOAD_BURST + 1)
        ]
        statuses = [r.status_code for r in uploads]
        assert 429 not in statuses[:UPLOAD_BURST] and statuses[-1] == 429, statuses
        message = error_response(uploads[-1], 429, "rate_limited")
        assert message.startswith("Terlalu banyak unggahan")
        # A small body is read and dropped by the server: the connection stays, so the
        # client (which sends it all before reading) cannot lose the answer to a reset.
        assert uploads[-1].headers.get("connection") != "close"
        assert 1 <= int(uploads[-1].headers["retry-after"]) <= 10
        # Checks draw on the other budget, untouched by the uploads.
        assert 429 not in [r.status_code for r in spend(c, {}, API_BURST)]


def test_buckets_refill_at_the_rate_and_never_above_the_burst() -> None:
    buckets = TokenBuckets(per_minute=60, burst=3)
    assert [buckets.take(b"a", now=100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take(b"a", now=100.0) == pytest.approx(1.0)
    assert buckets.take(b"a", now=100.5) == pytest.approx(0.5)
    assert buckets.take(b"a", now=101.0) == 0.0  # one token a second
    assert [buckets.take(b"a", now=1000.0) for _ in range(4)][-1] > 0  # still only 3 at once
    assert buckets.take(b"b", now=1000.0) == 0.0


def test_the_callers_remembered_are_bounded() -> None:
    buckets = TokenBuckets(per_minute=60, burst=1, max_callers=100)
    for i in range(1000):
        buckets.take(f"key-{i}".encode(), now=0.0)
    assert len(buckets) == 100


def test_the_key_itself_is_never_kept() -> None:
    limiter = RateLimit(_nothing, Settings())
    key = "bsu_live_" + "s3cr3t" * 8
    scope = {"type": "http", "headers": [(b"authorization", f"Bearer {key}".encode())]}
    other = {"type": "http", "headers": [(b"x-api-key", key.encode())]}
    presented = _presented(scope)
    assert presented is not None and presented == _presented(other)  # either header
    caller = limiter.key_caller(presented)
    assert key.encode() not in caller and b"s3cr3t" not in caller
    assert limiter.address({"type": "http", "headers": [], "client": ("10.1.2.3", 5)}) == (
        b"a10.1.2.3"
    )


async def _nothing(scope: object, receive: object, send: object) -> None:
    pass
