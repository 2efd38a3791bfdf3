"""Giving a batch back: a worker interrupted by a stop, a database outage or a full disk
puts its batch back in the queue, and that attempt is not counted among the deaths that
make a batch ``check_abandoned`` (only a file that kills its checker counts)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bsu.store import batches
from tests.store.conftest import actions, fetch, queue
from tests.store.test_lease import _expire, _finish

LEASE = 60.0


def test_a_released_batch_is_queued_again_and_its_attempt_does_not_count(
    factory: sessionmaker[Session],
) -> None:
    [batch_id] = queue(factory, 1)
    for attempt in range(1, 6):  # five stops in a row: more than the three deaths allowed
        assert batches.claim(factory, LEASE) == (batch_id, attempt)
        assert batches.release(factory, batch_id, attempt, "shutdown") is True
        back = fetch(factory, batch_id)
        assert (back.status, back.lease_until, back.progress) == (batches.QUEUED, None, 0)
    assert batches.claim(factory, LEASE) == (batch_id, 6)
    assert batches.deaths(factory, batch_id, 6) == 0
    assert actions(factory, batch_id) == ["batch.submitted"] + ["batch.interrupted"] * 5
    # Once given back, the attempt writes nothing: the claim is the next attempt's.
    assert batches.release(factory, batch_id, 5, "shutdown") is False
    assert _finish(factory, batch_id, 5, 2) is False
    assert _finish(factory, batch_id, 6, 2) is True


def test_deaths_count_only_attempts_that_ended_without_a_word(
    factory: sessionmaker[Session],
) -> None:
    [batch_id] = queue(factory, 1)
    assert batches.claim(factory, LEASE) == (batch_id, 1)
    _expire(factory, batch_id)  # attempt 1 died (its lease ran out)
    assert batches.claim(factory, LEASE) == (batch_id, 2)
    assert batches.release(factory, batch_id, 2, "database") is True
    assert batches.claim(factory, LEASE) == (batch_id, 3)
    _expire(factory, batch_id)  # attempt 3 died
    assert batches.claim(factory, LEASE) == (batch_id, 4)
    assert batches.deaths(factory, batch_id, 4) == 2


def test_an_outage_longer_than_the_lease_is_not_a_death(
    factory: sessionmaker[Session],
) -> None:
    """The holder could not reach the database while its lease ran out; another worker
    took the batch over first. The holder's word still comes: its attempt is not counted,
    and it changes nothing of the new holder's claim."""
    [batch_id] = queue(factory, 1)
    assert batches.claim(factory, LEASE) == (batch_id, 1)
    _expire(factory, batch_id)
    assert batches.claim(factory, LEASE) == (batch_id, 2)
    assert batches.release(factory, batch_id, 1, "database") is False
    held = fetch(factory, batch_id)
    assert (held.status, held.attempts) == (batches.RUNNING, 2)
    assert batches.deaths(factory, batch_id, 2) == 0
    # A finished batch is left alone: nothing to give back, nothing recorded.
    assert _finish(factory, batch_id, 2, 1) is True
    assert batches.release(factory, batch_id, 2, "shutdown") is False
    assert actions(factory, batch_id).count("batch.interrupted") == 1
