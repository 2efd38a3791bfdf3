"""What both limits read of a request: which route it is for, its declared size; and a
byte count as people read it, in the words of a refusal."""

from __future__ import annotations

from starlette.types import Scope

from bsu.core.words import say

UPLOAD_PATH = "/v1/batches"
CHECK_BATCH_PATH = "/v1/check/batch"
EXEMPT_PATHS = frozenset({"/healthz", "/readyz"})
# Room for the multipart framing around the roster: boundaries, part headers, the
# ``ruleset`` field (itself at most ``max_form_field_bytes``).
UPLOAD_OVERHEAD_BYTES = 64 * 1024


def size(n: int) -> tuple[str, str]:
    """A byte count as people read it, in Indonesian and English: 1,5 MB and 1.5 MB."""
    if n >= 1024 * 1024:
        en = f"{n / (1024 * 1024):.3g} MB"
    elif n >= 1024:
        en = f"{n / 1024:.3g} KB"
    else:
        en = f"{n} bytes"
    return en.replace(".", ",").replace("bytes", "byte"), en


def header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


def content_length(value: bytes | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def said_with_size(key: str, n: int) -> tuple[str, str]:
    """``key`` in Bahasa Indonesia and English, with ``n`` bytes written as each writes it."""
    size_id, size_en = size(n)
    return say(key, "id", size=size_id), say(key, "en", size=size_en)
