"""Errors a person can act on, worded in Bahasa Indonesia first and English second.

Each class carries the HTTP status the API answers it with and a stable code: the API
turns any of them into ``{"error": {"code", "message"}}`` in one place
(``bsu.api.errors.answer``, which its exception handlers and its refusing middlewares all
call), and the CLI ends with its exit code for them (``bsu.cli.common.fail``). A new kind
of failure is a new class here, never a new status decided somewhere else: an instance may
name a finer code for callers (``idempotency_key_reused`` is a ``BsuError``) but answers
with its class's status. Only what no class names sets a status on the error, in
``bsu.api.errors``: a framework status of its own (``http_error``), and 500 for an
exception nobody raised on purpose (``internal_error``).

    BsuError                   422  every error this package raises on purpose
    ├── RosterError            422  a roster cannot be read as a roster (the user fixes it)
    ├── RuleSetError           500  a rule file or table is broken (the operator fixes it;
    │   │                           its message quotes server files: a caller gets fixed
    │   │                           words, the log gets the message)
    │   └── RuleSetNotFound    404  no rule set by that id (the caller picks a listed one)
    ├── Unauthorized           401  no API key, or one unknown or revoked
    ├── Forbidden              403  the caller's key may not do this
    ├── NotFound               404  no such address or batch
    ├── NotAllowed             405  the address does not take this method
    ├── TimedOut               408  the request did not arrive in time
    ├── Conflict               409  not possible in the present state (batch not ready)
    ├── Gone                   410  deleted under the retention period
    ├── TooLarge               413  over a size or count limit
    ├── UnsupportedType        415  a file type that is not read
    ├── RateLimited            429  too many requests; says when to try again
    ├── Unavailable            503  the server cannot take work now (data folder, worker)
    └── StorageFull            507  the data folder cannot keep what was sent

Third-party exceptions (zip, xml, csv, calamine) are translated into these once, at the
edge that calls the library, with ``raise ... from exc``; nothing above the edges sees them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar


class BsuError(Exception):
    """An error with a stable code, an HTTP status and a message in both languages."""

    status = 422  # a framework's status with no class of its own is set on the error
    code = "invalid_request"
    # What a caller is told instead of the message (Indonesian, English) when the message
    # quotes what only the server's operator may see; the message then goes to the log.
    public_words: ClassVar[tuple[str, str] | None] = None

    def __init__(
        self,
        message_id: str,
        message_en: str,
        code: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.message_en = message_en
        self.headers = dict(headers) if headers else None
        if code is not None:
            self.code = code

    def message(self, lang: str = "id") -> str:
        return self.message_en if lang == "en" else self.message_id

    def public_message(self, lang: str = "id") -> str:
        """What a caller over the network is told: the message, unless it is private."""
        if self.public_words is None:
            return self.message(lang)
        return self.public_words[1] if lang == "en" else self.public_words[0]


class RuleSetError(BsuError):
    """A rule set or one of its tables is malformed or incomplete: the server's fault."""

    status = 500
    code = "ruleset_invalid"
    public_words: ClassVar[tuple[str, str] | None] = (
        "Aturan ini tidak dapat dimuat di server ini. Admin server perlu memeriksa folder "
        "aturannya (lihat log server).",
        "This rule set cannot be loaded on this server. The server's administrator needs "
        "to check its rules folder (see the server log).",
    )


class RuleSetNotFound(RuleSetError):
    """No rule set by the id asked for; the message names the valid ones."""

    status = 404
    code = "ruleset_not_found"
    public_words = None


class Unauthorized(BsuError):
    status = 401
    code = "api_key_required"


class Forbidden(BsuError):
    status = 403
    code = "forbidden"


class NotFound(BsuError):
    status = 404
    code = "not_found"


class NotAllowed(BsuError):
    status = 405
    code = "method_not_allowed"


class TimedOut(BsuError):
    status = 408
    code = "request_timeout"


class Conflict(BsuError):
    status = 409
    code = "conflict"


class Gone(BsuError):
    status = 410
    code = "gone"


class TooLarge(BsuError):
    status = 413
    code = "payload_too_large"


class UnsupportedType(BsuError):
    status = 415
    code = "file_type_unsupported"


class RateLimited(BsuError):
    status = 429
    code = "rate_limited"


class Unavailable(BsuError):
    status = 503
    code = "unavailable"


class StorageFull(BsuError):
    status = 507
    code = "storage_full"


@dataclass(frozen=True)
class Where:
    """Where in a roster a problem is: file, and as far as known sheet, row and column."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def describe(self) -> tuple[str, str]:
        """Where, in Bahasa Indonesia and in English (an error carries both; this module
        sits below the message catalogue, so it words its two place names itself)."""
        return self._said(row="baris", column="kolom"), self._said(row="row", column="column")

    def _said(self, *, row: str, column: str) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"{row} {self.row}")
        if self.column:
            parts.append(f"{column} '{self.column}'")
        return ", ".join(parts)


class RosterError(BsuError):
    """A roster file cannot be read as a roster: what is wrong, where, and how to fix it."""

    def __init__(
        self,
        code: str,
        where: Where,
        problem: tuple[str, str],
        fix: tuple[str, str],
    ) -> None:
        self.where = where
        self.problem = problem
        self.fix = fix
        where_id, where_en = where.describe()
        super().__init__(
            f"{where_id}: {problem[0]} {fix[0]}",
            f"{where_en}: {problem[1]} {fix[1]}",
            code,
        )
