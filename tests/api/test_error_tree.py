"""One error tree (``bsu.errors``), answered by one handler (``bsu.api.errors.answer``):
every class maps to its status, code, words and headers, the same whether a route raises
it or a middleware refuses with it; a private message goes to the log, never to the
caller (issue 12, item 6)."""

from __future__ import annotations

import logging
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send

from bsu import errors as tree
from bsu.api import errors
from bsu.errors import (
    BsuError,
    Conflict,
    Forbidden,
    Gone,
    NotAllowed,
    NotFound,
    RateLimited,
    RosterError,
    RuleSetError,
    RuleSetNotFound,
    StorageFull,
    TimedOut,
    TooLarge,
    Unauthorized,
    Unavailable,
    UnsupportedType,
    Where,
)
from tests.api.conftest import EN

PRIVATE = "/srv/bsu/rules/bsu-2025.yaml"
# (error, status, code, Indonesian words, English words, headers the answer carries)
CASES: list[tuple[BsuError, int, str, str, str, dict[str, str]]] = [
    (BsuError("Tidak sah.", "Not valid."), 422, "invalid_request", "Tidak sah.", "Not valid.", {}),
    (
        RosterError("file_empty", Where("r.csv"), ("Kosong.", "Empty."), ("Isi.", "Fill.")),
        422,
        "file_empty",
        "r.csv: Kosong. Isi.",
        "r.csv: Empty. Fill.",
        {},
    ),
    (
        RuleSetError(f"{PRIVATE}: rusak", f"{PRIVATE}: broken"),
        500,
        "ruleset_invalid",
        "Aturan ini tidak dapat dimuat di server ini.",
        "This rule set cannot be loaded on this server.",
        {},
    ),
    (
        RuleSetNotFound("Aturan 'x' tidak ada.", "Rule set 'x' does not exist."),
        404,
        "ruleset_not_found",
        "Aturan 'x' tidak ada.",
        "Rule set 'x' does not exist.",
        {},
    ),
    (
        Unauthorized("Kunci perlu.", "Key needed.", headers={"WWW-Authenticate": "Bearer"}),
        401,
        "api_key_required",
        "Kunci perlu.",
        "Key needed.",
        {"www-authenticate": "Bearer"},
    ),
    (
        Forbidden("Dilarang.", "Forbidden.", "staff_only"),
        403,
        "staff_only",
        "Dilarang.",
        "Forbidden.",
        {},
    ),
    (NotFound("Tidak ada.", "Not found."), 404, "not_found", "Tidak ada.", "Not found.", {}),
    (
        NotAllowed("Metode salah.", "Wrong method.", headers={"Allow": "GET"}),
        405,
        "method_not_allowed",
        "Metode salah.",
        "Wrong method.",
        {"allow": "GET"},
    ),
    (TimedOut("Lambat.", "Slow."), 408, "request_timeout", "Lambat.", "Slow.", {}),
    (
        Conflict("Belum.", "Not yet.", "batch_not_ready"),
        409,
        "batch_not_ready",
        "Belum.",
        "Not yet.",
        {},
    ),
    (Gone("Dihapus.", "Deleted.", "result_gone"), 410, "result_gone", "Dihapus.", "Deleted.", {}),
    (TooLarge("Besar.", "Large."), 413, "payload_too_large", "Besar.", "Large.", {}),
    (UnsupportedType("Jenis.", "Type."), 415, "file_type_unsupported", "Jenis.", "Type.", {}),
    (
        RateLimited("Tunggu.", "Wait.", headers={"Retry-After": "7"}),
        429,
        "rate_limited",
        "Tunggu.",
        "Wait.",
        {"retry-after": "7"},
    ),
    (Unavailable("Belum siap.", "Not ready."), 503, "unavailable", "Belum siap.", "Not ready.", {}),
    (StorageFull("Penuh.", "Full."), 507, "storage_full", "Penuh.", "Full.", {}),
]
IDS = [type(case[0]).__name__ for case in CASES]


def _subclasses(cls: type[BsuError]) -> set[type[BsuError]]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(c) for c in found)) if found else found


def test_every_error_class_has_a_case_and_a_place_in_the_drawn_tree() -> None:
    classes = {BsuError} | {c for c in _subclasses(BsuError) if c.__module__ == tree.__name__}
    assert {type(case[0]) for case in CASES} == classes
    drawn = set(re.findall(r"(?:── |^    )(\w+)\s+\d{3}\s", tree.__doc__ or "", re.M))
    assert drawn == {c.__name__ for c in classes}
    for cls in classes:  # the status drawn is the status carried
        assert re.search(rf"\b{cls.__name__}\s+{cls.status}\s", tree.__doc__ or ""), cls


def _raising(error: BsuError) -> TestClient:
    app = FastAPI()
    errors.install(app)

    @app.get("/fails")
    def fails() -> None:
        raise error

    return TestClient(app, raise_server_exceptions=False)


def _refusing(error: BsuError) -> TestClient:
    async def refuses(scope: Scope, receive: Receive, send: Send) -> None:
        await errors.refuse(scope, send, error)

    return TestClient(refuses)


@pytest.mark.parametrize(
    ("error", "status", "code", "words_id", "words_en", "headers"), CASES, ids=IDS
)
@pytest.mark.parametrize("where", ["route", "middleware"])
def test_each_error_is_answered_with_its_status_code_words_and_headers(
    where: str,
    error: BsuError,
    status: int,
    code: str,
    words_id: str,
    words_en: str,
    headers: dict[str, str],
) -> None:
    client = _raising(error) if where == "route" else _refusing(error)
    for asked, words in (({}, words_id), (EN, words_en)):
        response = client.get("/fails", headers=asked)
        assert response.status_code == status, response.text
        assert response.json() == {
            "error": {"code": code, "message": response.json()["error"]["message"]}
        }
        assert response.json()["error"]["message"].startswith(words), response.text
        for name, value in headers.items():
            assert response.headers[name] == value
        assert PRIVATE not in response.text


def test_a_private_message_goes_to_the_log_only(caplog: pytest.LogCaptureFixture) -> None:
    error = RuleSetError(f"{PRIVATE}: rusak", f"{PRIVATE}: broken")
    with caplog.at_level(logging.ERROR, logger="bsu.api"):
        response = _raising(error).get("/fails")
    assert response.status_code == 500 and PRIVATE not in response.text
    assert any(PRIVATE in record.getMessage() for record in caplog.records)


def test_a_framework_status_without_a_class_keeps_its_status() -> None:
    from starlette.exceptions import HTTPException

    error = errors.http_error(HTTPException(418, "teapot"))
    assert (error.status, error.code) == (418, "http_error")
    assert isinstance(errors.http_error(HTTPException(404)), NotFound)
    assert errors.http_error(HTTPException(400)).code == "request_malformed"
