"""Text no route can use, refused at the door: a NUL anywhere in a request, and a lone
UTF-16 surrogate (``"\\ud800"`` without its pair) in a JSON body.

Neither is ever meaningful here, and both used to fail deep inside: PostgreSQL cannot
store or even compare a NUL (a batch id ``%00`` was a 500 there), and no UTF-8 encoder can
write a lone surrogate out (a name ``"\\ud800"`` failed the checker, a 500 that also
closed the keep-alive connection). One pure ASGI middleware refuses them before any route,
query or rule runs, on every route present and future:

- a NUL in the path is a 404 (no resource has such a name);
- a NUL in the query string is a 422 ``request_malformed``;
- a JSON body (``application/json``, ``application/*+json`` or no content type, as the
  framework reads it) holding the escape ``\\u0000`` or a lone surrogate escape is a 422
  ``request_malformed``. The body is scanned as bytes: a body without ``\\u`` (nearly
  all) costs one ``in`` test; only one with a surrogate escape is decoded to look closer.

Headers need nothing here: the HTTP parser refuses a NUL in them before the app sees the
request, and header bytes are read as Latin-1, which has no surrogates. Multipart text
that is not UTF-8 is refused by the form parser (422 ``request_malformed``).
"""

from __future__ import annotations

import json
import re

from starlette.types import Message, Receive, Scope, Send

from bsu.api.errors import refuse
from bsu.api.middleware import HttpMiddleware
from bsu.errors import BsuError, NotFound

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# \u0000 as a JSON escape: after an even run of backslashes (an odd one escapes the 'u').
_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_BAD_TEXT = (
    "Permintaan berisi teks yang tidak sah: karakter NUL atau surrogate UTF-16 tanpa "
    "pasangannya. Kirim teks UTF-8 yang sah.",
    "The request holds text that is not valid: a NUL character or a UTF-16 surrogate "
    "without its pair. Send valid UTF-8 text.",
    "request_malformed",
)
_NOT_FOUND = ("Alamat tidak ditemukan.", "Not found.")


class PlainText(HttpMiddleware):
    """404/422 for a NUL or a lone surrogate; see the module's docstring."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        if "\x00" in scope["path"]:
            await refuse(scope, send, NotFound(*_NOT_FOUND))
            return
        if b"%00" in scope.get("query_string", b""):
            await refuse(scope, send, BsuError(*_BAD_TEXT))
            return
        if scope["method"] not in BODY_METHODS or not _json_body(scope):
            await self.app(scope, receive, send)
            return
        messages = await _read(receive)
        body = b"".join(m.get("body", b"") for m in messages)
        if bad_json_text(body):
            await refuse(scope, send, BsuError(*_BAD_TEXT))
            return
        await self.app(scope, _replay(messages, receive), send)


def bad_json_text(body: bytes) -> bool:
    """Whether a JSON document holds a NUL or a lone surrogate in any string."""
    if b"\\u" not in body:
        return False
    if _NUL_ESCAPE.search(body):
        return True
    if _SURROGATE_ESCAPE.search(body) is None:
        return False
    try:  # rare: decode, and let the UTF-8 encoder find a surrogate without its pair
        json.dumps(json.loads(body), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    except (ValueError, RecursionError):
        return False  # not JSON at all: the framework answers request_malformed
    return False


def _json_body(scope: Scope) -> bool:
    """Whether the framework would read this body as JSON (FastAPI: no content type,
    ``application/json`` or ``application/*+json``)."""
    content_type = next((v for k, v in scope["headers"] if k == b"content-type"), None)
    if content_type is None:
        return True
    kind = bytes(content_type).split(b";", 1)[0].strip().lower()
    return kind == b"application/json" or (
        kind.startswith(b"application/") and kind.endswith(b"+json")
    )


async def _read(receive: Receive) -> list[Message]:
    """The request's messages up to the end of its body (or a disconnect)."""
    messages = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            return messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """``receive`` that hands out ``messages`` again, then the real ones."""
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed
