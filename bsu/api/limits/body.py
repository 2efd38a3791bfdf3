"""``BodyLimit``: a body within its route's limit, a form within its own (see
``bsu.api.limits``)."""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bsu.api import errors
from bsu.api.limits.forms import MultipartScanner
from bsu.api.limits.requests import (
    CHECK_BATCH_PATH,
    UPLOAD_OVERHEAD_BYTES,
    UPLOAD_PATH,
    content_length,
    said_with_size,
)
from bsu.api.middleware import HttpMiddleware
from bsu.errors import TooLarge
from bsu.service.settings import Settings

# (bytes, error code, (Indonesian, English) words) of a body limit.
_Limit = tuple[int, str, tuple[str, str]]

log = logging.getLogger("bsu.api")


class _Refused(Exception):
    """Raised to the app from ``receive`` once the body has been refused."""


class BodyLimit(HttpMiddleware):
    """413 for a body over its route's limit or a form past its limits; see the module's
    docstring."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        super().__init__(app)
        self.settings = settings
        self.upload_bytes = settings.max_upload_bytes + UPLOAD_OVERHEAD_BYTES
        self.batch_bytes = max(
            settings.max_request_bytes,
            settings.max_batch_workers * settings.batch_bytes_per_worker,
        )
        self.upload: _Limit = (
            self.upload_bytes,
            "file_too_large",
            said_with_size("api_file_too_large", settings.max_upload_bytes),
        )
        self.batch: _Limit = (
            self.batch_bytes,
            "payload_too_large",
            said_with_size("api_batch_too_large", self.batch_bytes),
        )
        self.other: _Limit = (
            settings.max_request_bytes,
            "payload_too_large",
            said_with_size("api_request_too_large", settings.max_request_bytes),
        )

    def limit(self, scope: Scope, multipart: bool) -> _Limit:
        """(bytes, code, words) for this request's body."""
        path = scope["path"].rstrip("/")
        if path == UPLOAD_PATH and multipart:
            return self.upload
        return self.batch if path == CHECK_BATCH_PATH else self.other

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope["headers"])
        form = MultipartScanner.of(headers.get(b"content-type"), self.settings)
        limit, code, words = self.limit(scope, form is not None)
        declared = content_length(headers.get(b"content-length"))
        if declared is not None and declared > limit:
            await errors.refuse(scope, send, _too_large(code, words))
            return

        received = 0
        refused = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] != "http.request":
                return message
            chunk: bytes = message.get("body", b"")
            received += len(chunk)
            problem: tuple[str, tuple[str, str]] | None = None
            if received > limit:
                problem = code, words
            elif form is not None:
                problem = form.feed(chunk)
            if problem is None:
                return message
            refused = True
            if started:  # the app answers while reading: all that is left is to stop it
                raise _Refused
            await errors.refuse(scope, send, _too_large(*problem))
            raise _Refused

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused and not started:
                return  # the app's own answer to the refusal: ours has been sent
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception as error:
            if not refused or started:
                raise
            # Whatever the app made of the refused body (FastAPI: a 400), it is answered.
            log.debug("after the body was refused, the app gave up: %s", type(error).__name__)


def _too_large(code: str, words: tuple[str, str]) -> TooLarge:
    """413, closing the connection: the client stops sending what will not be read."""
    return TooLarge(*words, code, headers={"Connection": "close"})
