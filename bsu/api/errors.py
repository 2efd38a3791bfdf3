"""One error shape for every failure: ``{"error": {"code", "message"}}``, in the caller's
language (Bahasa Indonesia unless ``Accept-Language`` asks for English).

Every failure is a ``bsu.errors.BsuError``, which carries its status, code and headers:
routes raise them, the framework's own errors (validation, unparsable bodies, unknown
addresses, methods) are translated into them here, and ``answer`` turns any of them into
the response, for the exception handler and for the middlewares that refuse a request
before the app sees it. An error whose message is private (a broken rule file quotes
server paths) goes to the log; the caller gets its fixed public words.

An error names the field and the problem, never the value: an error body is logged and
cached by proxies and clients as a result is not, so a NIK, account number or wage sent
in a request must not come back in one (validation errors leave out pydantic's ``input``,
a 500 carries no exception text, and any long number left in a message is masked to its
last four digits).
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Message, Scope, Send

from bsu.api import lang
from bsu.api.lang import language_of
from bsu.api.schemas import ErrorPublic
from bsu.errors import BsuError, NotAllowed, NotFound, TooLarge
from bsu.privacy.logs import Repeats
from bsu.privacy.pseudonyms import mask_numbers

log = logging.getLogger("bsu.api")
# The OpenAPI entry of the 404 every route that takes a rule set id may answer.
RULESET_NOT_FOUND: dict[str, Any] = {
    "model": ErrorPublic,
    "description": "Aturan tidak ada / No such rule set (`ruleset_not_found`)",
}


def body(code: str, message: str) -> dict[str, dict[str, str]]:
    # A path or a reader's message may quote a number the caller sent (a NIK as batch id).
    return {"error": {"code": code, "message": mask_numbers(message)}}


def answer(error: BsuError, language: str) -> JSONResponse:
    """The response for ``error`` in ``language``: its status, code, public words and
    headers (the one translation of an error into HTTP)."""
    if error.public_words is not None:
        log.error("%s (not shown to the caller): %s", error.code, error.message("en"))
    return JSONResponse(
        body(error.code, error.public_message(language)),
        status_code=error.status,
        headers=error.headers,
    )


async def refuse(scope: Scope, send: Send, error: BsuError) -> None:
    """Answer ``error`` from a middleware, before the app has seen the request."""
    accept = next((v for k, v in scope["headers"] if k == b"accept-language"), None)
    chosen = lang.parse(accept.decode("latin-1") if accept else None)

    async def nothing() -> Message:  # a finished response never reads the request
        return {"type": "http.disconnect"}

    await answer(error, chosen)(scope, nothing, send)


# The framework's own refusals, as the errors this package answers with.
_STATUS_ERRORS: dict[int, BsuError] = {
    404: NotFound("Alamat tidak ditemukan.", "Not found."),
    405: NotAllowed("Metode tidak diizinkan.", "Method not allowed."),
    413: TooLarge("Data yang dikirim terlalu besar.", "The request is too large."),
}


_MALFORMED = BsuError(
    "Isi permintaan tidak dapat dibaca: JSON harus UTF-8 dan sah, unggahan harus form "
    "multipart yang utuh. Periksa cara data dikirim, lalu coba lagi.",
    "The request body cannot be read: JSON must be valid UTF-8, an upload an intact "
    "multipart form. Check how the data is sent and try again.",
    "request_malformed",
)

_UNEXPECTED = (
    "Terjadi kesalahan di sisi server. Coba lagi nanti.",
    "Something went wrong on our side. Try again later.",
)


def http_error(exc: StarletteHTTPException) -> BsuError:
    """The framework's HTTPException as an error of this package, keeping its headers
    (``Allow`` on a 405). Its 400 ("error parsing the body": not UTF-8, broken JSON or
    multipart) is the same documented 422 as any other request the API cannot accept."""
    if exc.status_code == 400:
        return _MALFORMED
    known = _STATUS_ERRORS.get(exc.status_code)
    if known is None:
        error = BsuError(str(exc.detail), str(exc.detail), "http_error", headers=exc.headers)
        error.status = exc.status_code
        return error
    return type(known)(known.message_id, known.message_en, known.code, headers=exc.headers)


def invalid(exc: RequestValidationError) -> BsuError:
    """A request the schema refuses: where and what only (``err["input"]`` is the value
    sent, never repeated)."""
    problems = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        problems.append(f"{where}: {err.get('msg', '')}")
    joined = "; ".join(problems)
    return BsuError(
        "Permintaan tidak sah: " + joined,
        "The request is not valid: " + joined,
        "validation_error",
    )


_REPORTED = "bsu_reported"
# An unexpected error is logged with its traceback at most once per this many seconds;
# its repeats meanwhile are counted (bsu.privacy.logs.Repeats).
REPEAT_WINDOW_SECONDS = 60.0


class _Reported(logging.Filter):
    """Drops the server's own "Exception in ASGI application" record of an error the
    500 handler has logged already (Starlette re-raises it after the handler answered):
    a second traceback per 500, and one no repeat counting would reach."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not getattr(error, _REPORTED, False)


def _quiet_reraise() -> None:
    server = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _Reported) for f in server.filters):
        server.addFilter(_Reported())


def install(app: FastAPI) -> None:
    @app.exception_handler(BsuError)
    async def _bsu_error(request: Request, exc: BsuError) -> JSONResponse:
        return answer(exc, language_of(request))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return answer(invalid(exc), language_of(request))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return answer(http_error(exc), language_of(request))

    repeats = Repeats(log, REPEAT_WINDOW_SECONDS)
    _quiet_reraise()

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        repeats.error("unexpected error on %s %s", request.method, request.url.path, exc=exc)
        with contextlib.suppress(AttributeError):
            setattr(exc, _REPORTED, True)
        error = BsuError(*_UNEXPECTED, "internal_error")
        error.status = 500
        return answer(error, language_of(request))
