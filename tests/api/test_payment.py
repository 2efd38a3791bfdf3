"""The payment pre-check in POST /v1/check and /v1/check/batch, on a real server: the
channel and findings beside the decision, never changing it; each request its own
duplicate scope."""

from __future__ import annotations

from typing import Any

import httpx
import pandas as pd
import pytest

from bsu.core import payment
from bsu.core.records import COLUMNS, ROW, SOURCE
from bsu.core.ruleset import load_ruleset
from bsu.service.pipeline import check_records
from tests.api.conftest import EN, error_of
from tests.api.test_check_concurrent import Call, _alone_and_together, _nik
from tests.servers import Server
from tests.support import VALID_WORKER

HOLDER = VALID_WORKER["name"]
BRI = {"bank": "BRI", "account_number": "0123 4567 8901 234", "account_holder": HOLDER}


def _codes(answer: dict[str, Any]) -> list[str]:
    return [f["code"] for f in answer["payment"]["findings"]]


def _message(answer: dict[str, Any], code: str) -> str:
    return str(next(f["message"] for f in answer["payment"]["findings"] if f["code"] == code))


@pytest.mark.parametrize(
    ("given", "channel", "codes"),
    [
        (BRI, "bri", []),
        ({**BRI, "bank": "Bank Rakyat Indonesia"}, "bri", []),
        ({**BRI, "bank": "002"}, "bri", []),
        ({**BRI, "bank": "BCA", "account_number": "1234567890"}, "pos", ["CHANNEL_POS"]),
        ({**BRI, "region": "Kota Banda Aceh"}, "bsi", []),
        ({**BRI, "bank": "BCA", "region": "Kota Banda Aceh"}, "bsi", []),
        ({"account_holder": HOLDER}, "pos", ["ACCOUNT_MISSING", "CHANNEL_POS"]),
        (
            {**BRI, "account_holder": "Budi Santoso"},
            "pos",
            ["ACCOUNT_NAME_MISMATCH", "CHANNEL_POS"],
        ),
        ({**BRI, "account_holder": "H. Contoh Pekerja, S.E."}, "bri", []),
        (
            {**BRI, "bank": "BNI", "account_number": "123456789012"},
            "bni",
            ["ACCOUNT_NUMBER_LENGTH"],
        ),
        (
            {**BRI, "account_number": "12345678901234O"},
            "pos",
            ["ACCOUNT_NUMBER_INVALID", "CHANNEL_POS"],
        ),
        (
            {**BRI, "bank": "Bank Antah"},
            "pos",
            ["BANK_UNKNOWN", "CHANNEL_POS"],
        ),
    ],
    ids=[
        "bri",
        "bri-full-name",
        "bri-code",
        "bca-post-office",
        "aceh-bsi",
        "aceh-bsi-whatever-the-bank",
        "holder-only",
        "another-name",
        "titles-and-order",
        "bni-length",
        "letter-o",
        "unknown-bank",
    ],
)
def test_the_channel_and_findings_of_one_worker(
    client: httpx.Client, given: dict[str, Any], channel: str, codes: list[str]
) -> None:
    answer = client.post("/v1/check", json={**VALID_WORKER, **given}).json()
    alone = client.post("/v1/check", json={**VALID_WORKER, "region": given.get("region")}).json()
    assert answer["payment"]["channel"] == channel
    assert _codes(answer) == codes
    assert all(
        f["message"] and f["severity"] in {"fix", "warning", "info"}
        for f in answer["payment"]["findings"]
    )
    # Advisory: the decision is the one the worker gets without any account data.
    assert {k: v for k, v in answer.items() if k != "payment"} == {
        k: v for k, v in alone.items() if k != "payment"
    }


def test_without_account_data_there_is_no_pre_check(client: httpx.Client) -> None:
    answer = client.post("/v1/check", json=VALID_WORKER).json()
    assert "payment" in answer and answer["payment"] is None
    blank = client.post(
        "/v1/check", json={**VALID_WORKER, "bank": "", "account_number": None}
    ).json()
    assert blank["payment"] is None


def test_the_findings_are_worded_in_the_callers_language(client: httpx.Client) -> None:
    bca = {**VALID_WORKER, **BRI, "bank": "BCA"}
    indonesian = client.post("/v1/check", json=bca).json()["payment"]
    english = client.post("/v1/check", json=bca, headers=EN).json()["payment"]
    assert indonesian["channel_label"] == english["channel_label"] == "PT Pos Indonesia"
    assert "BCA" in _message({"payment": english}, "CHANNEL_POS")
    assert "post office" in _message({"payment": english}, "CHANNEL_POS")
    assert "kantor pos" in _message({"payment": indonesian}, "CHANNEL_POS")

    another = {**VALID_WORKER, **BRI, "account_holder": "Budi Santoso"}
    mismatch = _message(client.post("/v1/check", json=another, headers=EN).json(), _MISMATCH)
    assert '"Budi Santoso"' in mismatch and f'"{HOLDER}"' in mismatch
    assert "does not match" in mismatch
    assert "tidak sama" in _message(client.post("/v1/check", json=another).json(), _MISMATCH)


_MISMATCH = "ACCOUNT_NAME_MISMATCH"


def test_an_account_number_is_sent_as_text(client: httpx.Client) -> None:
    """A JSON number may have lost digits or a leading zero before it was sent."""
    refused = client.post("/v1/check", json={**VALID_WORKER, "account_number": 12345678901})
    error_of(refused, 422, "validation_error")


def test_a_list_finds_an_account_given_twice_and_checks_every_worker(
    client: httpx.Client,
) -> None:
    workers = [
        {**VALID_WORKER, **BRI},
        {**VALID_WORKER, "nik": "3275014101900002", "name": "Rina Wati", **BRI},
        {**VALID_WORKER, "nik": "3275014101900003", "name": "Tono"},
    ]
    answer = client.post("/v1/check/batch", json=workers, headers=EN).json()
    first, second, third = answer["data"]
    # Rina is not the holder; Tono's list gave accounts, so his blank one is a finding.
    # An account that cannot be paid into as it stands sends the worker to the post office.
    assert _codes(first) == ["ACCOUNT_DUPLICATE", "CHANNEL_POS"]
    assert _codes(second) == ["ACCOUNT_NAME_MISMATCH", "ACCOUNT_DUPLICATE", "CHANNEL_POS"]
    assert "row 2" in _message(first, "ACCOUNT_DUPLICATE")
    assert "row 1" in _message(second, "ACCOUNT_DUPLICATE")
    assert [r["payment"]["channel"] for r in answer["data"]] == ["pos", "pos", "pos"]
    assert _codes(third) == ["ACCOUNT_MISSING", "CHANNEL_POS"]
    assert [r["status"] for r in answer["data"]] == ["eligible"] * 3

    plain = client.post("/v1/check/batch", json=[VALID_WORKER, VALID_WORKER]).json()
    assert [r["payment"] for r in plain["data"]] == [None, None]


def test_concurrent_requests_with_one_account_are_no_duplicates(api: Server) -> None:
    """Coalesced requests are judged together, each its own scope: the same account sent
    by two callers is no duplicate, and each answer is the one it gets alone."""
    calls: list[Call] = [
        ({}, EN if i % 2 else {}, {**VALID_WORKER, "nik": _nik(i), **BRI}) for i in range(40)
    ]
    for (_, alone), (status, together) in _alone_and_together(api, calls):
        assert status == 200
        assert together == alone
        assert together["payment"] == {"channel": "bri", "channel_label": "BRI", "findings": []}


@pytest.mark.parametrize(("separate", "duplicate"), [(True, False), (False, True)])
def test_the_pre_check_keeps_to_the_duplicate_scope_the_api_sets(
    separate: bool, duplicate: bool
) -> None:
    """What the coalescer relies on: with ``separate_sources`` (each request its own
    source) one account in two sources is no duplicate; in one check of two files it is."""
    records = pd.DataFrame(
        [
            {**VALID_WORKER, **BRI, SOURCE: "roster-a.xlsx", ROW: 2},
            {**VALID_WORKER, **BRI, "nik": _nik(1), SOURCE: "roster-b.xlsx", ROW: 2},
        ],
        columns=list(COLUMNS),
        dtype=object,
    )
    checked = check_records(records, load_ruleset("bsu-2025"), separate_sources=separate)
    found = payment.of(checked.decisions)
    assert found is not None
    rows = found.rows("en")
    assert [("ACCOUNT_DUPLICATE" in {f["code"] for f in r["findings"]}) for r in rows if r] == [
        duplicate,
        duplicate,
    ]


def test_the_openapi_document_shows_the_pre_check(client: httpx.Client) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert {"bank", "account_number", "account_holder"} <= set(schemas["WorkerCheck"]["properties"])
    assert "payment" in schemas["CheckPublic"]["properties"]
    assert set(schemas["PaymentPublic"]["properties"]) == {"channel", "channel_label", "findings"}
