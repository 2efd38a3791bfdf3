"""POST /v1/check under concurrency, on a real server: concurrent requests are judged
together (coalesced) and each must still get exactly the answer it gets alone."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

import httpx

from bsu.rosters import extracts
from bsu.store.db import make_engine
from bsu.store.imports import import_registry
from tests.api.conftest import EN, SAMPLES, error_of
from tests.servers import Server
from tests.support import VALID_WORKER

# (query, headers, body) of one request.
Call = tuple[dict[str, str], dict[str, str], dict[str, Any]]


def _nik(i: int) -> str:
    """A well-formed NIK (Kota Bekasi, born on day i of January 1990)."""
    return f"327501{i % 28 + 1:02d}0190{i:04d}"


def _workers(n: int) -> list[dict[str, Any]]:
    """``n`` different workers covering every kind of answer. Workers i and i + n // 2
    share a NIK for i < 10, with different other fields: alone, neither is a duplicate."""
    variants: list[dict[str, Any]] = [
        {},
        {"wage": 5_800_000, "region": "Kota Bekasi"},
        {"wage": "Rp5.700.000", "region": "Kota Bekasi"},
        {"nik": "123"},
        {"nik": 3275014101900001},
        {"nik": None},
        {"wage": "tiga juta"},
        {"registered_on": "2025-05-01"},
        {"pkh_recipient": True},
        {"employment_status": "PNS"},
        {"participant_status": "Nonaktif"},
        {"participant_category": "BPU"},
        {"region": "Kabupaten Antah Berantah"},
        {"wage": "3,5 juta"},
    ]
    workers = []
    for i in range(n):
        worker = {**VALID_WORKER, "nik": _nik(i), "name": f"Pekerja {i}"}
        if i >= n // 2 and i - n // 2 < 10:
            worker["nik"] = _nik(i - n // 2)
        workers.append({**worker, **variants[i % len(variants)]})
    return workers


async def _post_all(server: Server, calls: list[Call], concurrently: bool) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=len(calls), max_keepalive_connections=len(calls))
    async with httpx.AsyncClient(base_url=server.url, timeout=60, limits=limits) as client:

        def post(call: Call) -> Any:
            params, headers, body = call
            return client.post("/v1/check", params=params, headers=headers, json=body)

        if concurrently:
            return list(await asyncio.gather(*(post(call) for call in calls)))
        return [await post(call) for call in calls]


def _alone_and_together(server: Server, calls: list[Call]) -> list[tuple[Any, Any]]:
    """Every call's answer (status code, body) sent alone, one after the other, and sent
    all at once; three bursts, so that they are coalesced in different groupings."""
    alone = [(r.status_code, r.json()) for r in asyncio.run(_post_all(server, calls, False))]
    pairs = []
    for _ in range(3):
        together = asyncio.run(_post_all(server, calls, True))
        pairs += list(zip(alone, [(r.status_code, r.json()) for r in together], strict=True))
    return pairs


def test_concurrent_checks_each_get_their_own_result(api: Server) -> None:
    workers = _workers(50)
    pairs = _alone_and_together(api, [({}, {}, w) for w in workers])
    for (status_alone, alone), (status_together, together) in pairs:
        assert status_alone == status_together == 200, (alone, together)
        assert together == alone
    answers = [alone for (_, alone), _ in pairs[: len(workers)]]
    codes = {reason["code"] for answer in answers for reason in answer["reasons"]}
    assert not {c for c in codes if c.startswith("NIK_DUPLICATE")}, "requests are unrelated"
    # The set covers every outcome, so a mixed-up row would show.
    assert {a["status"] for a in answers} == {"eligible", "ineligible", "review"}
    assert len({(a["status"], a["wage"], str(a["reasons"])) for a in answers}) >= 10


def test_an_error_in_one_request_answers_that_request_only(api: Server) -> None:
    """Requests for another rule set are judged in their own group; an unknown rule set
    is that request's own 422; everyone else is answered as if alone."""
    calls: list[Call] = []
    for i, worker in enumerate(_workers(40)):
        rules = {0: "bsu-1999", 1: "bsu-2022", 2: "bsu-2021"}.get(i % 5, "bsu-2025")
        calls.append(({"rules": rules}, EN if i % 2 else {}, worker))
    pairs = _alone_and_together(api, calls)
    for (params, _, _), ((status_alone, alone), (status_together, together)) in zip(
        calls * 3, pairs, strict=True
    ):
        assert together == alone
        assert status_together == status_alone
        if params["rules"] == "bsu-1999":
            assert status_together == 404
        else:
            assert status_together == 200
            assert together["ruleset"]["id"] == params["rules"]
    with httpx.Client(base_url=api.url) as client:
        wrong = client.post("/v1/check", params={"rules": "bsu-1999"}, json=VALID_WORKER)
    error_of(wrong, 404, "ruleset_not_found")


def test_languages_mixed_concurrently_each_get_their_own(api: Server) -> None:
    worker = {**VALID_WORKER, "wage": 5_800_000, "region": "Kota Bekasi"}
    headers = [EN, {}, {"Accept-Language": "id"}, {"Accept-Language": "en-US,en;q=0.9"}]
    calls: list[Call] = [({}, headers[i % 4], {**worker, "nik": _nik(i)}) for i in range(48)] + [
        ({}, headers[i % 4], {**VALID_WORKER, "nik": "123"}) for i in range(16)
    ]
    pairs = _alone_and_together(api, calls)
    for params_headers, ((_, alone), (status, together)) in zip(
        [h for _, h, _ in calls] * 3, pairs, strict=True
    ):
        assert status == 200
        assert together == alone
        [reason] = together["reasons"]
        english = params_headers.get("Accept-Language", "").startswith("en")
        if reason["code"] == "WAGE_ABOVE_CAP":
            assert ("is above the cap" in reason["message"]) is english, reason
            assert ("melebihi" in reason["message"]) is not english, reason
        else:
            assert ("is not 16 digits" in reason["message"]) is english, reason


def test_evidence_imported_while_serving_is_used_soon(server: Server) -> None:
    """The server remembers that no evidence is loaded (and so reads no database per
    check) for a few seconds at most: an import from the command line is then used."""
    adi = {**VALID_WORKER, "wage": 3_000_000}
    with server.client() as client:
        before = client.post("/v1/check", json=adi).json()
        assert "evidence" not in before
        engine = make_engine(server.env["BSU_DATABASE_URL"])
        try:
            import_registry(
                engine,
                extracts.registry(SAMPLES / "registry-extract.csv"),
                dt.date(2025, 5, 2),
                "t",
            )
        finally:
            engine.dispose()
        deadline = time.monotonic() + 30
        after = before
        while "evidence" not in after and time.monotonic() < deadline:
            time.sleep(0.2)
            after = client.post("/v1/check", json=adi).json()
    assert "evidence" in after, after
    # Adi is in the extract, with a reported wage of Rp3.200.000: the registry's is used.
    assert (after["status"], after["wage"]) == ("eligible", 3_200_000)
