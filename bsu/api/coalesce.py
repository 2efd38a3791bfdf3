"""Request coalescing (dynamic micro-batching, as model servers do it).

Checking one worker costs the engine a fixed overhead that hardly grows with the number of
rows, so concurrent requests are better judged together. Each request ``submit``s its item
and awaits a future; one consumer task takes everything pending (up to ``max_items``),
splits it into groups by ``key``, hands each group to ``handle`` in one call and resolves
every future with its own result.

- No added wait when idle: the consumer is started by the first item and runs on the
  next turn of the event loop. Items arriving while a group is being handled form the
  next group, so the group size follows the load by itself.
- Under load, callers answered by one round send their next request a fraction of a
  millisecond later, just after the next round has started: the callers would split into
  two cohorts taking turns, each paying the fixed cost. So before a round that follows
  another, the consumer waits until the previous round's callers are back (pending
  reaches previous + already pending), but never longer than ``max_wait`` nor than
  ``wait_fraction`` of the previous round's duration, so the wait stays small next to
  the cost it saves.
- A failing group fails its own items only; the other groups of the same round are
  unaffected. And a group that fails as a whole is handled again in halves, down to
  single items, so only the item that breaks it fails (each other caller gets its own
  result): one caller's request can never fail the others'.
- Nothing hangs: every future taken is resolved or failed in a ``finally``, and ``close``
  fails whatever is still queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")
K = TypeVar("K", bound=Hashable)


class CoalescerClosed(RuntimeError):
    """The coalescer stopped (the server is shutting down) before the item was handled."""


class Coalescer(Generic[K, T, R]):
    """Batches concurrent ``submit`` calls into grouped ``handle`` calls.

    ``handle(key, items)`` must return one result per item, in order, the same whatever
    items it is given together; it may raise, and only an item that raises when handled
    alone gets the error. ``split_on(error)`` says whether an error may be an item's
    doing; one that cannot (the database is down) fails the group at once, as handling
    its halves would only repeat it.
    """

    def __init__(
        self,
        handle: Callable[[K, list[T]], Awaitable[Sequence[R]]],
        key: Callable[[T], K],
        max_items: int = 256,
        max_wait: float = 0.002,
        wait_fraction: float = 0.25,
        split_on: Callable[[Exception], bool] = lambda _: True,
    ) -> None:
        if max_items < 1:
            raise ValueError("max_items must be at least 1")
        self._handle = handle
        self._key = key
        self._max_items = max_items
        self._max_wait = max_wait
        self._wait_fraction = wait_fraction
        self._split_on = split_on
        self._wanted = 0  # while gathering: wake up once this many items are pending
        self._enough = asyncio.Event()
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._consumer: asyncio.Task[None] | None = None
        self._closed = False
        # Sizes of the groups handled so far: how well coalescing works (for tests, logs).
        self.groups = 0
        self.items = 0
        self.split = 0  # groups that failed as a whole and were handled again in halves

    async def submit(self, item: T) -> R:
        """The result for ``item``, computed together with whatever else is pending."""
        if self._closed:
            raise CoalescerClosed("the coalescer is closed")
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._wanted and len(self._pending) >= self._wanted:
            self._enough.set()
        if self._consumer is None:
            self._consumer = asyncio.create_task(self._consume())
        return await future

    async def close(self) -> None:
        """Stop: the running group is cancelled, and every waiting caller gets an error."""
        self._closed = True
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            consumer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await consumer
        self._fail(self._pending)
        self._pending = []

    async def _consume(self) -> None:
        previous, took = 0, 0.0
        try:
            while self._pending:
                if previous:
                    await self._gather(previous, took)
                taken = self._pending[: self._max_items]
                del self._pending[: self._max_items]
                started = time.perf_counter()
                await self._round(taken)
                previous, took = len(taken), time.perf_counter() - started
                # Let the loop write the answers and read new requests before the next round.
                await asyncio.sleep(0)
        except BaseException:  # cancelled (shutdown): no caller is left waiting
            self._fail(self._pending)
            self._pending = []
            raise
        finally:
            self._consumer = None

    async def _gather(self, previous: int, took: float) -> None:
        """Wait (briefly) for the callers of the previous round to come back."""
        wanted = min(self._max_items, previous + len(self._pending))
        window = min(self._max_wait, took * self._wait_fraction)
        if len(self._pending) >= wanted or window <= 0:
            return
        self._wanted = wanted
        self._enough.clear()
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._enough.wait(), window)
        finally:
            self._wanted = 0

    async def _round(self, taken: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            groups: dict[K, list[tuple[T, asyncio.Future[R]]]] = {}
            for item, future in taken:
                if not future.done():  # a caller that gave up (disconnected) is skipped
                    groups.setdefault(self._key(item), []).append((item, future))
            for key, members in groups.items():
                self.groups += 1
                self.items += len(members)
                await self._settle(key, members)
        finally:
            self._fail(taken)

    async def _settle(self, key: K, members: list[tuple[T, asyncio.Future[R]]]) -> None:
        """Hand ``members`` to the handler and resolve their futures. If they fail as a
        whole, each half is handled again on its own, down to single items: one item
        that breaks its group (a value no parser foresaw) fails only its own caller, at
        the cost of about two calls per halving instead of one call per member."""
        try:
            results = await self._handle(key, [item for item, _ in members])
            if len(results) != len(members):
                raise RuntimeError(
                    f"coalesced handler gave {len(results)} results for {len(members)} items"
                )
        except Exception as exc:
            if len(members) > 1 and self._split_on(exc):
                self.split += 1
                half = len(members) // 2
                await self._settle(key, members[:half])
                await self._settle(key, members[half:])
                return
            for _, future in members:  # one item alone: its caller gets the error
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), result in zip(members, results, strict=True):
            if not future.done():
                future.set_result(result)

    @staticmethod
    def _fail(taken: list[tuple[T, asyncio.Future[R]]]) -> None:
        for _, future in taken:
            if not future.done():
                future.set_exception(CoalescerClosed("the check was not completed"))
