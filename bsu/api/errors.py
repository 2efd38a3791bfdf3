"""One error shape for every failure: ``{"error": {"code", "message"}}``, in the caller's
language (Bahasa Indonesia unless ``Accept-Language`` asks for English).

An error names the field and the problem, never the value: an error body is logged and
cached by proxies and clients as a result is not, so a NIK, account number or wage sent
in a request must not come back in one (validation errors leave out pydantic's ``input``,
a 500 carries no exception text, and any long number left in a message is masked to its
last four digits).
"""

from __future__ import annotations

import contextlib
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bsu.api.lang import language_of
from bsu.errors import BsuError, RuleSetError
from bsu.logs import Repeats
from bsu.privacy import mask_numbers

log = logging.getLogger("bsu.api")


class ApiError(Exception):
    """An error the API answers with: status, stable code, message in both languages."""

    def __init__(
        self,
        status: int,
        code: str,
        message_id: str,
        message_en: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.status = status
        self.code = code
        self.message_id = message_id
        self.message_en = message_en
        self.headers = headers


def body(code: str, message: str) -> dict[str, dict[str, str]]:
    # A path or a reader's message may quote a number the caller sent (a NIK as batch id).
    return {"error": {"code": code, "message": mask_numbers(message)}}


_STATUS_WORDS = {
    404: ("not_found", "Alamat tidak ditemukan.", "Not found."),
    405: ("method_not_allowed", "Metode tidak diizinkan.", "Method not allowed."),
    413: ("payload_too_large", "Data yang dikirim terlalu besar.", "The request is too large."),
}


_MALFORMED = (
    "request_malformed",
    "Isi permintaan tidak dapat dibaca: JSON harus UTF-8 dan sah, unggahan harus form "
    "multipart yang utuh. Periksa cara data dikirim, lalu coba lagi.",
    "The request body cannot be read: JSON must be valid UTF-8, an upload an intact "
    "multipart form. Check how the data is sent and try again.",
)


_RULESET_BROKEN = (
    "Aturan ini tidak dapat dimuat di server ini. Admin server perlu memeriksa folder "
    "aturannya (lihat log server).",
    "This rule set cannot be loaded on this server. The server's administrator needs to "
    "check its rules folder (see the server log).",
)


def ruleset_error(request: Request, exc: RuleSetError) -> JSONResponse:
    """An unknown id is the caller's 422 (its message names only the valid ids); a rule
    file that does not load is the server's fault: its message quotes the file, so it
    goes to the log and the caller gets a fixed 500."""
    if exc.code == "ruleset_not_found":
        return JSONResponse(body(exc.code, exc.message(language_of(request))), status_code=422)
    log.error("rule set cannot be loaded: %s", exc.message("en"))
    words = _RULESET_BROKEN[1] if language_of(request) == "en" else _RULESET_BROKEN[0]
    return JSONResponse(body("ruleset_invalid", words), status_code=500)


_REPORTED = "bsu_reported"
# An unexpected error is logged with its traceback at most once per this many seconds;
# its repeats meanwhile are counted (bsu.logs.Repeats).
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
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        message = exc.message_en if language_of(request) == "en" else exc.message_id
        return JSONResponse(body(exc.code, message), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(BsuError)
    async def _bsu_error(request: Request, exc: BsuError) -> JSONResponse:
        return JSONResponse(body(exc.code, exc.message(language_of(request))), status_code=422)

    @app.exception_handler(RuleSetError)
    async def _ruleset_error(request: Request, exc: RuleSetError) -> JSONResponse:
        return ruleset_error(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        en = language_of(request) == "en"
        problems = []
        for err in exc.errors():  # where and what only: err["input"] is the value sent
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
            problems.append(f"{where}: {err.get('msg', '')}")
        if en:
            message = "The request is not valid: " + "; ".join(problems)
        else:
            message = "Permintaan tidak sah: " + "; ".join(problems)
        return JSONResponse(body("validation_error", message), status_code=422)

    repeats = Repeats(log, REPEAT_WINDOW_SECONDS)
    _quiet_reraise()

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        repeats.error("unexpected error on %s %s", request.method, request.url.path, exc=exc)
        with contextlib.suppress(AttributeError):
            setattr(exc, _REPORTED, True)
        en = language_of(request) == "en"
        message = (
            "Something went wrong on our side. Try again later."
            if en
            else "Terjadi kesalahan di sisi server. Coba lagi nanti."
        )
        return JSONResponse(body("internal_error", message), status_code=500)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        status = exc.status_code
        if status == 400:
            # The framework's "error parsing the body" (not UTF-8, broken JSON or multipart):
            # the same documented 422 as any other request the API cannot accept.
            status, code, words_id, words_en = 422, *_MALFORMED
        else:
            code, words_id, words_en = _STATUS_WORDS.get(
                status, ("http_error", str(exc.detail), str(exc.detail))
            )
        message = words_en if language_of(request) == "en" else words_id
        return JSONResponse(body(code, message), status_code=status, headers=exc.headers)
