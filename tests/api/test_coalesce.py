"""Request coalescing: the ``Coalescer`` on its own, and the check routes in process with
the real engine (the real-server tests are in test_check_concurrent.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from bsu.api import app as api_app
from bsu.api.coalesce import Coalescer, CoalescerClosed
from bsu.api.routes.check import Checker
from bsu.service import pipeline
from bsu.service.settings import Settings
from bsu.store import schema
from bsu.store.db import make_engine
from tests.api.conftest import EN, error_of
from tests.support import VALID_WORKER

T = TypeVar("T")


def run(awaitable: Awaitable[T]) -> T:
    """Run a test coroutine; a hang fails the test instead of blocking the run."""

    async def bounded() -> T:
        return await asyncio.wait_for(awaitable, 60)

    return asyncio.run(bounded())


class Recorder:
    """A handler that records its calls, answers ``(key, item)`` and fails on request."""

    def __init__(self, failing: set[str] | None = None, wrong_count: bool = False) -> None:
        self.calls: list[tuple[str, list[int]]] = []
        self.failing = failing or set()
        self.wrong_count = wrong_count

    async def __call__(self, key: str, items: list[int]) -> list[tuple[str, int]]:
        self.calls.append((key, list(items)))
        await asyncio.sleep(0)
        if key in self.failing:
            raise ValueError(f"group {key} failed")
        answers = [(key, item) for item in items]
        return answers[:-1] if self.wrong_count else answers


def _key(item: int) -> str:
    return "even" if item % 2 == 0 else "odd"


def test_concurrent_items_are_handled_in_one_call_each_with_its_own_result() -> None:
    handler = Recorder()
    coalescer: Coalescer[str, int, tuple[str, int]] = Coalescer(handler, key=lambda _: "all")

    async def main() -> list[tuple[str, int]]:
        return await asyncio.gather(*(coalescer.submit(i) for i in range(50)))

    assert run(main()) == [("all", i) for i in range(50)]
    assert handler.calls == [("all", list(range(50)))]
    assert (coalescer.groups, coalescer.items) == (1, 50)


def test_a_lone_item_is_handled_alone() -> None:
    handler = Recorder()
    coalescer: Coalescer[str, int, tuple[str, int]] = Coalescer(
        handler, key=_key, max_wait=3600, wait_fraction=1.0
    )

    async def main() -> list[tuple[str, int]]:
        return [await coalescer.submit(1), await coalescer.submit(2)]

    assert run(main()) == [("odd", 1), ("even", 2)]
    assert handler.calls == [("odd", [1]), ("even", [2])]


def test_each_group_is_one_call_and_a_failing_group_fails_only_its_items() -> None:
    handler = Recorder(failing={"odd"})
    coalescer: Coalescer[str, int, tuple[str, int]] = Coalescer(handler, key=_key)

    async def main() -> list[Any]:
        return await asyncio.gather(
            *(coalescer.submit(i) for i in range(20)), return_exceptions=True
        )

    results = run(main())
    # Each group in one call; the failing one is then handled again in halves, down to
    # single items, each of which fails alone (tests/api/test_poison.py).
    assert sorted(handler.calls)[0] == ("even", list(range(0, 20, 2)))
    assert ("odd", list(range(1, 20, 2))) in handler.calls
    assert all(key == "odd" for key, _ in handler.calls if key != "even")
    for i, result in enumerate(results):
        if i % 2:
            assert isinstance(result, ValueError) and str(result) == "group odd failed"
        else:
            assert result == ("even", i)


def test_a_handler_that_loses_results_fails_its_group_instead_of_hanging() -> None:
    coalescer: Coalescer[str, int, tuple[str, int]] = Coalescer(
        Recorder(wrong_count=True), key=lambda _: "all"
    )

    async def main() -> list[Any]:
        return await asyncio.gather(
            *(coalescer.submit(i) for i in range(5)), return_exceptions=True
        )

    assert all(isinstance(r, RuntimeError) for r in run(main()))


def test_groups_never_exceed_max_items_and_everyone_is_answered() -> None:
    handler = Recorder()
    coalescer: Coalescer[str, int, tuple[str, int]] = Coalescer(
        handler, key=lambda _: "all", max_items=64
    )

    async def main() -> list[tuple[str, int]]:
        return await asyncio.gather(*(coalescer.submit(i) for i in range(300)))

    assert run(main()) == [("all", i) for i in range(300)]
    assert max(len(items) for _, items in handler.calls) == 64
    assert sorted(i for _, items in handler.calls for i in items) == list(range(300))


def test_a_caller_that_gives_up_does_not_disturb_the_others() -> None:
    handler = Recorder()
    coalescer: Coalescer[str, int, tuple[str, int]] = Coalescer(handler, key=lambda _: "all")

    async def main() -> list[Any]:
        tasks = [asyncio.ensure_future(coalescer.submit(i)) for i in range(10)]
        await asyncio.sleep(0)  # every task has submitted; the consumer has not run yet
        tasks[3].cancel()
        return await asyncio.gather(*tasks, return_exceptions=True)

    results = run(main())
    assert isinstance(results[3], asyncio.CancelledError)
    assert [r for i, r in enumerate(results) if i != 3] == [("all", i) for i in range(10) if i != 3]
    assert handler.calls == [("all", [i for i in range(10) if i != 3])]


def test_closing_answers_every_waiting_caller() -> None:
    started = asyncio.Event()

    async def stuck(key: str, items: list[int]) -> list[int]:
        started.set()
        await asyncio.Event().wait()  # never returns
        return items

    coalescer: Coalescer[str, int, int] = Coalescer(stuck, key=lambda _: "all", max_items=4)

    async def main() -> list[Any]:
        tasks = [asyncio.ensure_future(coalescer.submit(i)) for i in range(10)]
        await started.wait()
        await coalescer.close()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        with pytest.raises(CoalescerClosed):
            await coalescer.submit(99)
        return results

    assert all(isinstance(r, CoalescerClosed) for r in run(main()))


# --- the check routes in process, with the real engine ----------------------------------


@pytest.fixture
def app_settings(tmp_path: Path) -> Iterator[Settings]:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'bsu.db'}")
    engine = make_engine(settings.resolved_database_url())
    schema.upgrade(engine)
    engine.dispose()
    yield settings


async def _check_all(
    settings: Settings, calls: list[tuple[str, dict[str, str]]], concurrently: bool
) -> tuple[list[httpx.Response], Checker]:
    app = api_app.create_app(settings, run_worker=False)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    checker: Checker = app.state.checker
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bsu") as client:

            def post(i: int, rules: str, headers: dict[str, str]) -> Any:
                worker = {**VALID_WORKER, "nik": f"327501{i % 28 + 1:02d}0190{i:04d}"}
                if i % 3 == 0:
                    worker.update(wage=5_800_000, region="Kota Bekasi")
                return client.post(
                    "/v1/check", params={"rules": rules}, json=worker, headers=headers
                )

            if concurrently:
                responses = await asyncio.gather(
                    *(post(i, rules, headers) for i, (rules, headers) in enumerate(calls))
                )
            else:
                responses = [await post(i, r, h) for i, (r, h) in enumerate(calls)]
    finally:
        await checker.close()
        app.state.engine.dispose()
    return list(responses), checker


def test_in_process_concurrent_checks_are_coalesced_and_match_alone(
    app_settings: Settings,
) -> None:
    calls = [("bsu-2025" if i % 4 else "bsu-2022", EN if i % 2 else {}) for i in range(40)]
    alone, _ = run(_check_all(app_settings, calls, concurrently=False))
    together, checker = run(_check_all(app_settings, calls, concurrently=True))
    assert [r.json() for r in together] == [r.json() for r in alone]
    assert all(r.status_code == 200 for r in together)
    assert checker.coalescer.items == 40
    assert checker.coalescer.groups < 40, "concurrent checks were judged together"


def test_an_engine_failure_fails_its_group_only_with_the_error_shape(
    app_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bsu.core.engine import evaluate as real

    def broken_for_2022(records: Any, ruleset: Any, *args: Any, **kwargs: Any) -> Any:
        if ruleset.id == "bsu-2022":
            raise RuntimeError("engine failure")
        return real(records, ruleset, *args, **kwargs)

    monkeypatch.setattr(pipeline, "evaluate", broken_for_2022)
    calls = [("bsu-2022" if i % 3 == 0 else "bsu-2025", EN if i % 2 else {}) for i in range(30)]
    responses, _ = run(_check_all(app_settings, calls, concurrently=True))
    for (rules, headers), response in zip(calls, responses, strict=True):
        if rules == "bsu-2022":
            message = error_of(response, 500, "internal_error")
            assert ("went wrong" in message) is bool(headers), message
        else:
            assert response.status_code == 200, response.text
            assert response.json()["ruleset"]["id"] == "bsu-2025"
