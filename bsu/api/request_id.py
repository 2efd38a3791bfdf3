"""An id for every request (``X-Request-ID``), so an audit record can be matched with logs.

A caller's own id is kept when it is short and plain; anything else is replaced, so the
header cannot carry personal data or log-forging text into the audit log.
"""

from __future__ import annotations

import re
import uuid

from starlette.types import Message, Receive, Scope, Send

from bsu.api.middleware import HttpMiddleware

HEADER = b"x-request-id"
_PLAIN = re.compile(rb"[A-Za-z0-9._-]{1,64}")
_DIGITS = re.compile(rb"[0-9]{10}")  # a NIK, account or phone number is not an id


class RequestId(HttpMiddleware):
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        given = next((v for k, v in scope["headers"] if k == HEADER), b"")
        value = given if _PLAIN.fullmatch(given) and not _DIGITS.search(given) else None
        request_id = value or uuid.uuid4().hex.encode()
        scope.setdefault("state", {})["request_id"] = request_id.decode()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (HEADER, request_id)]
            await send(message)

        await self.app(scope, receive, send_with_id)


def of(state: object) -> str | None:
    """The id of the request whose ``request.state`` this is."""
    value = getattr(state, "request_id", None)
    return value if isinstance(value, str) else None
