"""The multipart scanner of ``BodyLimit``: parts counted, and every stretch that is not a
file measured, as the body streams past."""

from __future__ import annotations

import re

from bsu.api.limits.requests import said_with_size
from bsu.core.words import both
from bsu.service.settings import Settings

_FILENAME = re.compile(rb";\s*filename\*?\s*=", re.IGNORECASE)


class MultipartScanner:
    """Counts the parts of a ``multipart/form-data`` body as it streams past, and the
    bytes of every stretch that is not a file: no more is kept than one delimiter."""

    def __init__(self, boundary: bytes, max_parts: int, max_field: int) -> None:
        # The body starts with "--boundary", every later delimiter with CRLF: one search
        # finds both once the body is prefixed with a CRLF.
        self.delimiter = b"\r\n--" + boundary
        self.max_parts = max_parts
        self.max_field = max_field
        self.buffer = bytearray(b"\r\n")
        self.state = "data"  # data | after (a delimiter) | headers | epilogue
        self.parts = 0
        self.is_file = False  # the preamble is held to the field limit
        self.size = 0

    @classmethod
    def of(cls, content_type: bytes | None, settings: Settings) -> MultipartScanner | None:
        kind, _, params = (content_type or b"").partition(b";")
        if kind.strip().lower() != b"multipart/form-data":
            return None
        match = re.search(rb'boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))', params, re.IGNORECASE)
        if match is None:
            return None  # Starlette refuses it (400) without parsing anything
        boundary = match.group(1) or match.group(2)
        return cls(boundary, settings.max_form_parts, settings.max_form_field_bytes)

    def feed(self, chunk: bytes) -> tuple[str, tuple[str, str]] | None:
        """Take the next piece of the body; the refusal, if this piece makes one."""
        self.buffer += chunk
        while True:
            if self.state == "data":
                at = self.buffer.find(self.delimiter)
                if at < 0:
                    # Keep what could be the start of a delimiter cut by the chunk's end.
                    done = max(0, len(self.buffer) - len(self.delimiter) + 1)
                    self.size += done
                    del self.buffer[:done]
                    return self._field_too_large()
                self.size += at
                if problem := self._field_too_large():
                    return problem
                del self.buffer[: at + len(self.delimiter)]
                self.state = "after"
            elif self.state == "after":
                if len(self.buffer) < 2:
                    return None
                if self.buffer[:2] == b"--":
                    del self.buffer[:2]
                    self.state, self.is_file, self.size = "epilogue", False, 0
                else:
                    self.state, self.is_file, self.size = "headers", False, 0
            elif self.state == "headers":
                end = self.buffer.find(b"\r\n\r\n")
                if end < 0:
                    self.size = len(self.buffer)
                    return self._field_too_large()
                headers = bytes(self.buffer[:end])
                del self.buffer[: end + 4]
                self.parts += 1
                if self.parts > self.max_parts:
                    return "form_too_many_parts", both(
                        "api_form_too_many_parts", count=self.max_parts
                    )
                self.state, self.is_file, self.size = "data", bool(_FILENAME.search(headers)), 0
            else:  # epilogue: nothing after the last delimiter means anything
                self.size += len(self.buffer)
                self.buffer.clear()
                return self._field_too_large()

    def _field_too_large(self) -> tuple[str, tuple[str, str]] | None:
        if self.is_file or self.size <= self.max_field:
            return None
        return "form_field_too_large", said_with_size("api_form_field_too_large", self.max_field)
