"""A made-up key is no way around the rate limit (issue 11, item 8): a request is counted
against its client address until the store has confirmed its key, then against the key.

A real server on each store with a small budget (a burst of 5, then one request every
2 s) and two real keys made by ``bsu keys create``; every request comes from 127.0.0.1.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.access.conftest import create_key, env_for
from tests.servers import Server, database, start_server
from tests.support import VALID_WORKER

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
PER_MINUTE, BURST = 30, 5


@dataclass
class Guarded:
    server: Server
    keys: list[str]


@pytest.fixture(params=DATABASES)
def guarded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Guarded]:
    tmp = tmp_path_factory.mktemp(f"bogus-{request.param}")
    with database(request.param, tmp) as url:
        env = env_for(tmp / "data", url)
        keys = [
            create_key(env, "--role", "employer", "--employer", f"EMP-{i}", "--label", f"PT {i}")
            for i in range(2)
        ]
        server = start_server(
            tmp / "data",
            url,
            BSU_RATE_LIMIT_PER_MINUTE=str(PER_MINUTE),
            BSU_RATE_LIMIT_BURST=str(BURST),
            BSU_AUTH_CACHE_SECONDS="0",
        )
        try:
            yield Guarded(server, keys)
        finally:
            server.stop()


def bogus(i: int) -> dict[str, str]:
    """A key nobody issued, new each time: well-formed, or plain junk, in either header."""
    forged = f"bsu_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"
    junk = secrets.token_hex(20)
    return [
        {"Authorization": f"Bearer {forged}"},
        {"X-API-Key": forged},
        {"Authorization": f"Bearer {junk}"},
        {"X-API-Key": junk},
    ][i % 4]


def statuses(c: httpx.Client, headers: list[dict[str, str]]) -> list[int]:
    return [c.post("/v1/check", json=VALID_WORKER, headers=h).status_code for h in headers]


def test_a_new_made_up_key_per_request_gets_no_fresh_budget(guarded: Guarded) -> None:
    with guarded.server.client() as c:
        flood = statuses(c, [bogus(i) for i in range(2 * BURST)])
        assert set(flood) <= {401, 429}, flood
        assert flood.count(429) >= BURST - 1, flood  # the address's budget, spent
        # Without a key, the same address is out of budget too.
        assert statuses(c, [{}])[0] == 429
        # A real key is its own caller, even arriving from the spent address...
        first = {"Authorization": f"Bearer {guarded.keys[0]}"}
        own = statuses(c, [first] * (BURST + 2))
        assert own[:BURST] == [200] * BURST, own
        assert own[-1] == 429, own  # ...and limited as itself,
        # ...while another real key is not touched by either.
        second = {"X-API-Key": guarded.keys[1]}
        assert statuses(c, [second] * BURST) == [200] * BURST
        assert guarded.server.process.poll() is None
