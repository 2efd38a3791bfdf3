"""POST /v1/check and /v1/check/batch: workers sent as JSON, checked at once."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.conftest import EN, error_of
from tests.servers import Server
from tests.support import VALID_WORKER

RULESET = {"id": "bsu-2025", "version": "2025.1", "status": "final"}


def _codes(result: dict[str, Any]) -> list[str]:
    return [r["code"] for r in result["reasons"]]


def test_an_eligible_worker(client: httpx.Client) -> None:
    response = client.post("/v1/check", json=VALID_WORKER)
    assert response.status_code == 200, response.text
    answer = response.json()
    checks = answer.pop("checks")  # the whole decision: tests/api/test_trail.py
    assert answer == {
        "status": "eligible",
        "reasons": [],
        "wage": 3_000_000,
        "wage_cap": 3_500_000,
        "benefit": 600_000,
        "ruleset": RULESET,
        "payment": None,  # no account data sent: not pre-checked (tests/api/test_payment.py)
    }
    assert {c["outcome"] for c in checks} == {"pass"}


def test_a_wage_above_the_kota_bekasi_cap_is_ineligible_with_its_article(
    client: httpx.Client,
) -> None:
    worker = {**VALID_WORKER, "region": "Kota Bekasi"}
    at_cap = client.post("/v1/check", json={**worker, "wage": "Rp5.700.000"}).json()
    assert (at_cap["status"], at_cap["wage_cap"], at_cap["benefit"]) == (
        "eligible",
        5_700_000,
        600_000,
    )

    above = client.post("/v1/check", json={**worker, "wage": 5_800_000})
    assert above.status_code == 200
    result = above.json()
    assert (result["status"], result["wage"], result["wage_cap"], result["benefit"]) == (
        "ineligible",
        5_800_000,
        5_700_000,
        0,
    )
    [reason] = result["reasons"]
    assert reason["code"] == "WAGE_ABOVE_CAP"
    assert "Rp5.800.000" in reason["message"] and "Rp5.700.000" in reason["message"]
    assert "Kota Bekasi" in reason["message"]
    assert "Permenaker No. 5 Tahun 2025" in reason["citation"]
    assert "Pasal 3" in reason["citation"]


@pytest.mark.parametrize(
    ("changes", "status", "codes"),
    [
        ({"nik": "123"}, "review", ["NIK_INVALID_FORMAT"]),
        ({"nik": 3275014101900001}, "review", ["NIK_PRECISION_LOST"]),
        ({"nik": None}, "review", ["NIK_MISSING"]),
        ({"wage": "3,5 juta"}, "eligible", []),
        ({"wage": "tiga juta"}, "review", ["WAGE_INVALID"]),
        ({"registered_on": "2025-05-01"}, "ineligible", ["PARTICIPANT_JOINED_AFTER_CUTOFF"]),
        ({"pkh_recipient": True}, "ineligible", ["EXCLUDED_PKH_RECIPIENT"]),
        ({"employment_status": "PNS"}, "ineligible", ["EXCLUDED_ASN_TNI_POLRI"]),
    ],
    ids=["nik-short", "nik-number", "nik-null", "wage-words", "wage-bad", "late", "pkh", "pns"],
)
def test_what_a_person_typed_is_a_result_not_an_error(
    client: httpx.Client, changes: dict[str, Any], status: str, codes: list[str]
) -> None:
    response = client.post("/v1/check", json={**VALID_WORKER, **changes})
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["status"], _codes(result)) == (status, codes)
    assert result["benefit"] == (600_000 if status == "eligible" else 0)
    assert result["ruleset"] == RULESET


def test_a_wage_in_words_is_read(client: httpx.Client) -> None:
    result = client.post("/v1/check", json={**VALID_WORKER, "wage": "3,5 juta"}).json()
    assert result["wage"] == 3_500_000


@pytest.mark.parametrize("header", ["en", "en-US,en;q=0.9", "id;q=0.3, en"])
def test_english_messages_on_request_indonesian_by_default(
    client: httpx.Client, header: str
) -> None:
    worker = {**VALID_WORKER, "nik": "123"}
    [default] = client.post("/v1/check", json=worker).json()["reasons"]
    [indonesian] = client.post(
        "/v1/check", json=worker, headers={"Accept-Language": "id, en;q=0.5"}
    ).json()["reasons"]
    [english] = client.post("/v1/check", json=worker, headers={"Accept-Language": header}).json()[
        "reasons"
    ]
    assert default == indonesian
    assert "tidak terdiri dari 16 angka" in default["message"]
    assert "is not 16 digits" in english["message"]
    assert english["code"] == default["code"] and english["citation"] == default["citation"]


def test_a_body_without_nik_is_a_validation_error(client: httpx.Client) -> None:
    worker = {k: v for k, v in VALID_WORKER.items() if k != "nik"}
    message = error_of(client.post("/v1/check", json=worker), 422, "validation_error")
    assert "nik" in message
    english = error_of(client.post("/v1/check", json=worker, headers=EN), 422, "validation_error")
    assert "nik" in english and english != message


def test_a_body_that_is_not_json_is_a_validation_error(client: httpx.Client) -> None:
    response = client.post(
        "/v1/check", content=b"nik=3275014101900001", headers={"Content-Type": "application/json"}
    )
    error_of(response, 422, "validation_error")
    truncated = client.post(
        "/v1/check", content=b'{"nik": "32750', headers={"Content-Type": "application/json"}
    )
    error_of(truncated, 422, "validation_error")


def test_an_unknown_field_is_a_validation_error(client: httpx.Client) -> None:
    response = client.post("/v1/check", json={**VALID_WORKER, "gaji_pokok": 3_000_000})
    assert "gaji_pokok" in error_of(response, 422, "validation_error")


def test_an_unknown_rule_set_is_a_client_error(client: httpx.Client) -> None:
    response = client.post("/v1/check", params={"rules": "bsu-1999"}, json=VALID_WORKER)
    assert 400 <= response.status_code < 500, response.text
    message = error_of(response, response.status_code, response.json()["error"]["code"])
    assert "bsu-1999" in message and "bsu-2025" in message, "names what exists"
    english = client.post(
        "/v1/check", params={"rules": "bsu-1999"}, json=VALID_WORKER, headers=EN
    ).json()["error"]["message"]
    assert english != message and "bsu-2025" in english
    ok = client.post("/v1/check", params={"rules": "bsu-2025"}, json=VALID_WORKER)
    assert ok.status_code == 200


def test_an_unknown_rule_set_has_the_same_code_everywhere(client: httpx.Client) -> None:
    response = client.post("/v1/check", params={"rules": "bsu-1999"}, json=VALID_WORKER)
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "ruleset_not_found"


def test_a_list_is_checked_in_order(client: httpx.Client) -> None:
    workers = [
        VALID_WORKER,
        {**VALID_WORKER, "nik": "3275014101900002", "wage": 5_800_000, "region": "Kota Bekasi"},
        {**VALID_WORKER, "nik": "123"},
        {**VALID_WORKER, "nik": "3275014101900004", "wage": 5_800_000, "region": "Kota Bekasi"},
    ]
    response = client.post("/v1/check/batch", json=workers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == 4
    assert [(r["status"], _codes(r)) for r in body["data"]] == [
        ("eligible", []),
        ("ineligible", ["WAGE_ABOVE_CAP"]),
        ("review", ["NIK_INVALID_FORMAT"]),
        ("ineligible", ["WAGE_ABOVE_CAP"]),
    ]
    assert [r["benefit"] for r in body["data"]] == [600_000, 0, 0, 0]
    assert all(r["ruleset"] == RULESET for r in body["data"])


def test_a_nik_twice_in_the_list_is_flagged_on_both(client: httpx.Client) -> None:
    other = {**VALID_WORKER, "nik": "3275014101900002", "name": "Lain"}
    again = {**VALID_WORKER, "name": "Pekerja Contoh (lagi)"}
    body = client.post("/v1/check/batch", json=[VALID_WORKER, other, again]).json()
    assert [(r["status"], _codes(r)) for r in body["data"]] == [
        ("review", ["NIK_DUPLICATE"]),
        ("eligible", []),
        ("review", ["NIK_DUPLICATE"]),
    ]
    assert "baris 3" in body["data"][0]["reasons"][0]["message"], "points to the other entry"
    assert "baris 1" in body["data"][2]["reasons"][0]["message"]


def test_an_empty_list_checks_nothing(client: httpx.Client) -> None:
    response = client.post("/v1/check/batch", json=[])
    assert response.status_code == 200
    assert response.json() == {"data": [], "count": 0}


def test_a_list_body_must_be_a_list_of_workers(client: httpx.Client) -> None:
    error_of(client.post("/v1/check/batch", json=VALID_WORKER), 422, "validation_error")
    error_of(client.post("/v1/check/batch", json=[VALID_WORKER, 7]), 422, "validation_error")
    missing = client.post("/v1/check/batch", json=[VALID_WORKER, {"name": "tanpa NIK"}])
    assert "nik" in error_of(missing, 422, "validation_error")


def test_more_workers_than_the_limit_go_to_uploads(held: Server) -> None:
    with held.client() as c:
        at_limit = c.post("/v1/check/batch", json=[VALID_WORKER] * 5)
        assert at_limit.status_code == 200 and at_limit.json()["count"] == 5
        over = [VALID_WORKER] * 6
        message = error_of(c.post("/v1/check/batch", json=over), 413, "too_many_workers")
        english = error_of(
            c.post("/v1/check/batch", json=over, headers=EN), 413, "too_many_workers"
        )
    for words in (message, english):
        assert "/v1/batches" in words and "5" in words and "6" in words
    assert english.startswith("At most 5 workers")
    assert message.startswith("Paling banyak 5 pekerja")


def test_the_indonesian_limit_message_keeps_its_punctuation(held: Server) -> None:
    with held.client() as c:
        message = c.post("/v1/check/batch", json=[VALID_WORKER] * 6).json()["error"]["message"]
    assert "Untuk roster besar, unggah" in message


def test_a_nik_that_is_true_or_false_is_not_a_nik(client: httpx.Client) -> None:
    for value in (True, False):
        response = client.post("/v1/check", json={**VALID_WORKER, "nik": value})
        assert "nik" in error_of(response, 422, "validation_error")
