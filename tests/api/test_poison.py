"""One caller can never fail another's check (issue 11, item 2).

Before: ``POST /v1/check`` with ``registered_on`` outside datetime64[ns]'s range
(e.g. ``9999-12-31``) or a wage of 400 digits answered 500, and as concurrent checks are
judged together, every request coalesced with it failed too. Now every such value is a
result with its reason, and a group whose handling fails anyway is judged again member by
member, so only the member that breaks it fails.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections.abc import Awaitable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from bsu.api import app as api_app
from bsu.api.coalesce import Coalescer
from bsu.core.engine import evaluate
from bsu.service import pipeline
from bsu.service.settings import Settings
from bsu.store import schema
from bsu.store.db import make_engine
from tests.api.breaking import POISON, breaking_server
from tests.api.conftest import error_of, upload
from tests.servers import Server, unlimited_server
from tests.support import VALID_WORKER, write_xlsx

T = TypeVar("T")
__all__ = ["breaking_server"]  # the fixture
HUGE = "9" * 400

# A raw JSON member (the part after the worker's fields) and the reason it must give.
POISON_VALUES: list[tuple[str, str]] = [
    ('"registered_on": "9999-12-31"', "REGISTRATION_DATE_INVALID"),
    ('"registered_on": "0001-01-01"', "REGISTRATION_DATE_INVALID"),
    ('"registered_on": "2262-04-12"', "REGISTRATION_DATE_INVALID"),
    ('"registered_on": "1677-09-21"', "REGISTRATION_DATE_INVALID"),
    ('"registered_on": "31 Desember 9999"', "REGISTRATION_DATE_INVALID"),
    (f'"wage": {HUGE}', "WAGE_INVALID"),
    (f'"wage": -{HUGE}', "WAGE_INVALID"),
    (f'"wage": "{HUGE}"', "WAGE_INVALID"),
    ('"wage": 1e308', "WAGE_INVALID"),
    ('"wage": 1.7976931348623157e308', "WAGE_INVALID"),
    ('"wage": 9223372036854775808', "WAGE_INVALID"),
    ('"wage": 5e-324', "WAGE_INVALID"),
    ('"wage": Infinity', "WAGE_INVALID"),
    (f'"nik": {HUGE}', "NIK_PRECISION_LOST"),
    ('"nik": 1e308', "NIK_PRECISION_LOST"),
]


ROSTER_HEADER = ["NIK", "Nama", "Upah", "Status Kepesertaan", "Tanggal Kepesertaan", "Catatan"]
# NIKs of this test only: the shared server holds other uploads of the round, and a NIK
# eligible there would be "on another roster" here (paid once across uploads).
ROSTER_ROWS: list[list[Any]] = [
    ["3275014101907301", "A", 3000000, "Aktif", dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31)],
    ["3275014101907302", "B", 1e308, "Aktif", dt.datetime(9999, 12, 31), 1e308],
    ["3275014101907303", "C", 3000000, "Aktif", dt.date(2024, 1, 15), "biasa"],
    ["3275014101907304", "D", 5e-324, "Aktif", "15/01/2024", dt.datetime(1, 1, 1)],
]


def run(awaitable: Awaitable[T]) -> T:
    """Run a test coroutine; a hang fails the test instead of blocking the run."""

    async def bounded() -> T:
        return await asyncio.wait_for(awaitable, 120)

    return asyncio.run(bounded())


def _body(member: str, **fields: Any) -> str:
    """The valid worker's JSON with ``member`` written in as raw JSON (a 400-digit number
    or ``Infinity`` cannot come from ``json.dumps`` of a Python value)."""
    worker = {**VALID_WORKER, **fields}
    head = httpx.Request("POST", "/", json=worker).content.decode()
    return head[:-1] + ", " + member + "}"


@pytest.fixture
def app_settings(tmp_path: Path) -> Iterator[Settings]:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'bsu.db'}")
    engine = make_engine(settings.resolved_database_url())
    schema.upgrade(engine)
    engine.dispose()
    yield settings


async def _in_process(settings: Settings, bodies: list[tuple[str, str]]) -> list[httpx.Response]:
    """POST each (path, raw JSON body) to the app in process, all at once."""
    app = api_app.create_app(settings, run_worker=False)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bsu") as client:
            headers = {"Content-Type": "application/json"}
            return list(
                await asyncio.gather(
                    *(client.post(path, content=body, headers=headers) for path, body in bodies)
                )
            )
    finally:
        await app.state.checker.close()
        app.state.engine.dispose()


@pytest.mark.parametrize(("member", "code"), POISON_VALUES, ids=[m[:40] for m, _ in POISON_VALUES])
def test_a_value_out_of_every_range_is_a_result_with_its_reason(
    app_settings: Settings, member: str, code: str
) -> None:
    body = _body(member)
    one, many = run(
        _in_process(app_settings, [("/v1/check", body), ("/v1/check/batch", f"[{body}]")])
    )
    assert one.status_code == 200, one.text
    assert one.json()["status"] == "review"
    assert code in [r["code"] for r in one.json()["reasons"]]
    assert many.status_code == 200, many.text
    assert many.json()["data"] == [one.json()]


def test_poison_coalesced_with_valid_checks_fails_no_one(app_settings: Settings) -> None:
    members = [m for m, _ in POISON_VALUES]
    bodies = [
        ("/v1/check", _body(members[i % len(members)]) if i % 4 == 0 else _body('"name": "x"'))
        for i in range(64)
    ]
    responses = run(_in_process(app_settings, bodies))
    assert [r.status_code for r in responses] == [200] * 64, [r.text for r in responses]
    valid = [r.json() for i, r in enumerate(responses) if i % 4]
    assert all(v["status"] == "eligible" for v in valid), valid


# --- a group that fails anyway is judged member by member ---------------------------------


class Marked:
    """A handler that fails any group holding a marked item, as a value no parser foresaw
    would: the group, and the marked item alone."""

    def __init__(self, marked: set[int]) -> None:
        self.marked = marked
        self.calls: list[list[int]] = []

    async def __call__(self, key: str, items: list[int]) -> list[int]:
        self.calls.append(list(items))
        await asyncio.sleep(0)
        if self.marked & set(items):
            raise ValueError("poisoned group")
        return [item * 10 for item in items]


def test_a_failing_group_is_judged_again_in_parts_and_only_the_bad_item_fails() -> None:
    handler = Marked({7})
    coalescer: Coalescer[str, int, int] = Coalescer(handler, key=lambda _: "all")

    async def main() -> list[Any]:
        return await asyncio.gather(
            *(coalescer.submit(i) for i in range(20)), return_exceptions=True
        )

    results = run(main())
    assert isinstance(results[7], ValueError)
    assert [r for i, r in enumerate(results) if i != 7] == [i * 10 for i in range(20) if i != 7]
    # The group once, then halves of the failing parts, down to the bad item alone:
    # every good item is answered by exactly one call that succeeded.
    assert handler.calls[0] == list(range(20))
    assert [7] in handler.calls
    answered = sorted(i for call in handler.calls if 7 not in call for i in call)
    assert answered == [i for i in range(20) if i != 7]
    assert len(handler.calls) <= 2 * 5 + 1, handler.calls  # halvings, not 20 calls
    assert coalescer.split == 4  # 20 -> 10 -> 5 -> 3 -> [7]


def test_two_bad_items_fail_alone_and_the_rest_is_answered() -> None:
    handler = Marked({0, 63})
    coalescer: Coalescer[str, int, int] = Coalescer(handler, key=lambda _: "all")

    async def main() -> list[Any]:
        return await asyncio.gather(
            *(coalescer.submit(i) for i in range(64)), return_exceptions=True
        )

    results = run(main())
    assert isinstance(results[0], ValueError) and isinstance(results[63], ValueError)
    assert results[1:63] == [i * 10 for i in range(1, 63)]


def test_an_error_no_item_can_cause_fails_the_group_without_splitting_it() -> None:
    handler = Marked({7})
    coalescer: Coalescer[str, int, int] = Coalescer(
        handler, key=lambda _: "all", split_on=lambda exc: not isinstance(exc, ValueError)
    )

    async def main() -> list[Any]:
        return await asyncio.gather(
            *(coalescer.submit(i) for i in range(20)), return_exceptions=True
        )

    assert all(isinstance(r, ValueError) for r in run(main()))
    assert handler.calls == [list(range(20))]


def test_a_group_of_one_that_fails_is_not_tried_twice() -> None:
    handler = Marked({3})
    coalescer: Coalescer[str, int, int] = Coalescer(handler, key=lambda _: "all")
    with pytest.raises(ValueError):
        run(coalescer.submit(3))
    assert handler.calls == [[3]]


def test_a_poisoned_group_in_the_check_route_fails_only_its_poisoned_request(
    app_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The route's handler, with an engine that breaks on a marked worker (a value that
    still breaks some step, as 9999-12-31 did before): only that caller gets the 500."""
    real = evaluate

    def breaks_on_marked(records: Any, ruleset: Any, *args: Any, **kwargs: Any) -> Any:
        if records["name"].eq("POISON").any():
            raise RuntimeError("a value no parser foresaw")
        return real(records, ruleset, *args, **kwargs)

    monkeypatch.setattr(pipeline, "evaluate", breaks_on_marked)
    bodies = [
        ("/v1/check", _body('"name": "POISON"' if i == 5 else f'"name": "P{i}"')) for i in range(40)
    ]
    responses = run(_in_process(app_settings, bodies))
    error_of(responses[5], 500, "internal_error")
    assert [r.status_code for i, r in enumerate(responses) if i != 5] == [200] * 39


# --- a real server: 32 callers, one of them sending poison ------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with unlimited_server(tmp_path_factory.mktemp("poison")) as running:
        yield running


def _poison_bodies() -> list[str]:
    return [_body(member) for member, _ in POISON_VALUES]


def test_one_poisoning_caller_among_thirty_two_fails_none_of_the_others(served: Server) -> None:
    """Before: 63.5% of the honest callers' requests failed (492 of 775: 246 answered
    500, 246 cut off as the 500 dropped the connection)."""
    failed, total, poisoned = _thirty_two_callers(served.url, _poison_bodies())
    print(f"others' requests failed: {len(failed)} of {total}; the poisoner's: {poisoned}")
    assert failed == [], f"{len(failed)} of {total} honest requests failed: {failed[:20]}"
    assert set(poisoned) == {200}, poisoned


def test_a_flood_of_poison_keeps_the_log_small(served: Server) -> None:
    before = served.log.stat().st_size
    headers = {"Content-Type": "application/json"}
    bodies = _poison_bodies()
    with served.client() as client:
        codes = []
        for i in range(200):
            try:
                r = client.post("/v1/check", content=bodies[i % len(bodies)], headers=headers)
                codes.append(r.status_code)
            except httpx.HTTPError:  # a 500 used to drop the keep-alive connection
                codes.append(0)
    time.sleep(0.5)
    grown = served.log.read_bytes()[before:].decode(errors="replace")
    tracebacks = grown.count("Traceback")
    print(f"log grew by {len(grown)} bytes, {tracebacks} tracebacks for 200 poison requests")
    assert set(codes) == {200}
    assert grown.count("Traceback") <= 1, grown[:2000]
    assert len(grown) < 20_000, grown[:2000]


def _thirty_two_callers(url: str, poison: list[str]) -> tuple[list[object], int, dict[object, int]]:
    """31 honest callers (25 checks each) and one sending the ``poison`` bodies meanwhile:
    the honest answers that were not a result, their count, and the poisoner's answers."""
    callers, rounds = 31, 25
    failed: list[object] = []
    poisoned: dict[object, int] = {}
    done = threading.Event()
    lock = threading.Lock()

    def honest(i: int) -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            for _ in range(rounds):
                try:
                    r = client.post("/v1/check", json={**VALID_WORKER, "name": f"P{i}"})
                    status: object = r.status_code if r.status_code != 200 else r.json()["status"]
                except httpx.HTTPError as exc:  # a 500 used to drop the connection
                    status = type(exc).__name__
                if status != "eligible":
                    with lock:
                        failed.append(status)

    def poisoner() -> None:
        headers = {"Content-Type": "application/json"}
        n = 0
        while not done.is_set():
            body, n = poison[n % len(poison)], n + 1
            with httpx.Client(base_url=url, timeout=30) as client:
                try:
                    status: object = client.post(
                        "/v1/check", content=body, headers=headers
                    ).status_code
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
            poisoned[status] = poisoned.get(status, 0) + 1

    threads = [threading.Thread(target=honest, args=(i,)) for i in range(callers)]
    bad = threading.Thread(target=poisoner)
    bad.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    done.set()
    bad.join(60)
    return failed, callers * rounds, poisoned


def test_a_request_that_breaks_its_group_fails_alone_on_a_real_server(
    breaking_server: str,
) -> None:
    """After the parser fixes no value breaks a group; a request made to break it (its
    worker is named POISON) stands for the next unforeseen one: 32 concurrent callers,
    one of them poisoning, and only the poisoner's requests fail."""
    poison = _body(f'"name": "{POISON}"')
    failed, total, poisoned = _thirty_two_callers(breaking_server, [poison])
    print(f"others' requests failed: {len(failed)} of {total}; the poisoner's: {poisoned}")
    assert failed == [], f"{len(failed)} of {total} honest requests failed"
    assert poisoned.get(500, 0) > 0, poisoned


# --- rosters: one bad cell is its row's reason, the batch is done ---------------------


def test_an_upload_with_dates_at_year_1_and_9999_is_done_with_each_rows_reason(
    api: Server, tmp_path: Path
) -> None:
    """Before: ``failed internal_error`` for the whole upload. On SQLite and PostgreSQL:
    the rows are stored, the result files written."""
    roster = write_xlsx(
        tmp_path / "roster.xlsx",
        {"Pekerja": [ROSTER_HEADER, *ROSTER_ROWS]},
    )
    uploaded = upload(api, roster)
    assert uploaded.batch["status"] == "done", uploaded.batch
    with api.client() as client:
        rows = client.get(f"{uploaded.url}/rows").json()["data"]
        codes = {r["row"]: (r["status"], {x["code"] for x in r["reasons"]}) for r in rows}
        assert codes == {
            2: ("review", {"REGISTRATION_DATE_INVALID"}),
            3: ("review", {"REGISTRATION_DATE_INVALID", "WAGE_INVALID"}),
            4: ("eligible", set()),
            5: ("review", {"WAGE_INVALID"}),
        }
        for kind in ("xlsx", "csv"):
            assert client.get(f"{uploaded.url}/result.{kind}").status_code == 200
