"""Claiming queued batches: each is claimed by exactly one worker, threads or processes."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bsu.store import batches
from tests.store.conftest import fetch, queue, run_together

LEASE = 60.0


def test_a_queued_batch_is_claimed_once(factory: sessionmaker[Session]) -> None:
    [batch_id] = queue(factory, 1)
    assert fetch(factory, batch_id).status == batches.QUEUED

    assert batches.claim(factory, LEASE) == (batch_id, 1)
    claimed = fetch(factory, batch_id)
    assert (claimed.status, claimed.attempts, claimed.progress) == (batches.RUNNING, 1, 0)
    assert claimed.started_at is not None and claimed.lease_until is not None

    assert batches.claim(factory, LEASE) is None, "a running batch with a live lease is taken"
    assert fetch(factory, batch_id).attempts == 1


def test_claims_take_the_oldest_batch_first(factory: sessionmaker[Session]) -> None:
    ids = queue(factory, 3)
    got = [batches.claim(factory, LEASE) for _ in range(4)]
    assert got == [(ids[0], 1), (ids[1], 1), (ids[2], 1), None]


def test_an_empty_store_has_nothing_to_claim(factory: sessionmaker[Session]) -> None:
    assert batches.claim(factory, LEASE) is None


def _claim_all(factory: sessionmaker[Session], start: threading.Barrier) -> list[str]:
    """Claim until the store has nothing left (a None three times running)."""
    got: list[str] = []
    misses = 0
    start.wait()
    while misses < 3:
        claimed = batches.claim(factory, LEASE)
        if claimed is None:
            misses += 1
            continue
        misses = 0
        got.append(claimed[0])
    return got


@pytest.mark.parametrize("round_", range(3))
def test_two_threads_never_claim_the_same_batch(
    factory: sessionmaker[Session], round_: int
) -> None:
    ids = queue(factory, 10)
    start = threading.Barrier(2)
    results: list[list[str]] = [[], []]
    errors: list[BaseException] = []

    def run(slot: int) -> None:
        try:
            results[slot] = _claim_all(factory, start)
        except BaseException as exc:  # surfaced below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    first, second = results
    assert not set(first) & set(second), "a batch was claimed by both threads"
    assert len(first) + len(second) == 10, "no batch is claimed twice by one thread"
    assert set(first) | set(second) == set(ids)
    assert {fetch(factory, i).attempts for i in ids} == {1}


CLAIMER = """
import json, sys
from sqlalchemy import text
from bsu.store import batches
from bsu.store.db import make_engine, sessions

engine = make_engine(sys.argv[1])
factory = sessions(engine)
with engine.connect() as connection:
    connection.execute(text("SELECT 1"))
print("ready", flush=True)
sys.stdin.readline()
got, misses = [], 0
while misses < 3:
    claimed = batches.claim(factory, 60.0)
    if claimed is None:
        misses += 1
        continue
    misses = 0
    got.append(claimed[0])
print(json.dumps(got), flush=True)
"""


def test_two_processes_never_claim_the_same_batch(
    factory: sessionmaker[Session], database_url: str
) -> None:
    ids = queue(factory, 10)
    outcomes = run_together(CLAIMER, database_url, 2, timeout=60)
    claimed = []
    for done in outcomes:
        assert done.code == 0, done.err
        claimed.append(json.loads(done.out.strip().splitlines()[-1]))
    first, second = claimed
    assert not set(first) & set(second), "a batch was claimed by both processes"
    assert sorted(first + second) == sorted(ids)
    assert {fetch(factory, i).attempts for i in ids} == {1}
