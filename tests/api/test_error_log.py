"""A repeated error is logged once with a count, not a traceback per request (issue 11,
item 2). Before: every 500 wrote two tracebacks (the 500 handler's and the server's own
"Exception in ASGI application", as Starlette re-raises after answering): a caller
repeating a failing request wrote 27 MB of log in 12 s.

The errors are caused on purpose by an engine that breaks on a marked worker (no request
value breaks the real one any more); the database is never replaced.
"""

from __future__ import annotations

import logging
import time

import httpx
import pytest

from bsu.privacy.logs import Repeats, signature
from tests.api.breaking import POISON, breaking_server
from tests.support import VALID_WORKER

__all__ = ["breaking_server"]  # the fixture


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _failure(n: int) -> BaseException:
    """The same fault each time (one code path), with a different message."""
    try:
        raise RuntimeError(f"value {n}")
    except RuntimeError as exc:
        return exc


def test_an_error_repeated_within_the_window_is_counted_not_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    repeats = Repeats(logging.getLogger("bsu.test.repeats"), window=60, clock=clock)
    with caplog.at_level(logging.ERROR, logger="bsu.test.repeats"):
        for n in range(200):
            repeats.error("failed on %s", "/v1/check", exc=_failure(n))
            clock.now += 0.05
        assert len(caplog.records) == 1 and caplog.records[0].exc_info
        assert signature(_failure(1)) in caplog.records[0].getMessage()
        repeats.flush()  # the window's end (a timer calls it in a server)
        counted = caplog.records[-1].getMessage()
        assert "199 more times in the last 10 s" in counted, counted
        assert caplog.records[-1].exc_info is None
        # After the window the next one is logged in full again.
        clock.now += 60
        repeats.error("failed on %s", "/v1/check", exc=_failure(999))
    assert len(caplog.records) == 3 and caplog.records[2].exc_info


def test_different_faults_are_each_logged(caplog: pytest.LogCaptureFixture) -> None:
    repeats = Repeats(logging.getLogger("bsu.test.repeats"), window=60, clock=Clock())
    empty: dict[str, int] = {}
    try:
        empty["missing"]
    except KeyError as exc:
        other = exc
    with caplog.at_level(logging.ERROR, logger="bsu.test.repeats"):
        repeats.error("a", exc=_failure(1))
        repeats.error("b", exc=other)
        repeats.error("a", exc=_failure(2))
    assert [r.getMessage()[0] for r in caplog.records] == ["a", "b"]
    assert signature(_failure(1)) == signature(_failure(2)) != signature(other)


def test_the_count_is_logged_when_the_window_ends_by_itself(
    caplog: pytest.LogCaptureFixture,
) -> None:
    repeats = Repeats(logging.getLogger("bsu.test.repeats"), window=0.3)
    with caplog.at_level(logging.ERROR, logger="bsu.test.repeats"):
        for n in range(5):
            repeats.error("failed", exc=_failure(n))
        deadline = time.monotonic() + 10
        while len(caplog.records) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert "4 more times" in caplog.records[-1].getMessage()


# --- a real uvicorn, with an engine that breaks on a marked worker ----------------------


def test_two_hundred_identical_errors_on_a_server_log_one_traceback_and_a_count(
    breaking_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    poison = {**VALID_WORKER, "name": POISON}
    statuses: dict[object, int] = {}
    with caplog.at_level(logging.INFO):
        with httpx.Client(base_url=breaking_server, timeout=30) as client:
            for _ in range(200):
                try:
                    status: object = client.post("/v1/check", json=poison).status_code
                except httpx.TransportError as exc:  # a 500 used to drop the connection
                    status = type(exc).__name__
                statuses[status] = statuses.get(status, 0) + 1
        with httpx.Client(base_url=breaking_server, timeout=30) as client:
            assert client.post("/v1/check", json=VALID_WORKER).status_code == 200
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
            "more times" in r.getMessage() for r in caplog.records
        ):
            time.sleep(0.1)
    errors_logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    tracebacks = [r for r in errors_logged if r.exc_info]
    print(
        f"200 failing requests {statuses}: {len(errors_logged)} error records, "
        f"{len(tracebacks)} with a traceback"
    )
    assert statuses.get(500, 0) >= 100, statuses
    assert len(tracebacks) <= 2, [r.getMessage() for r in tracebacks]  # 2 s windows
    assert len(errors_logged) <= 4, [r.getMessage() for r in errors_logged]
    counts = [r.getMessage() for r in errors_logged if "more times" in r.getMessage()]
    assert counts, [r.getMessage() for r in errors_logged]
