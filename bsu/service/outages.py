"""Telling the machine's failures from the file's. A database or disk that fails (an
outage, a full disk) is waited out and the batch it interrupted goes back to the queue, not
counted as an attempt; a file that fails its check fails its batch. Also the worker's other
ways of stopping a check: the claim was lost, the worker is stopping.
"""

from __future__ import annotations

import errno
import re

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

# Disk errors that are the machine's, not the file's: the check waits and is tried again.
DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS})


class LostClaim(Exception):
    """Another worker took the batch over; this one must stop without writing."""


class Interrupted(Exception):
    """The worker is stopping: the batch in hand goes back to the queue."""


class Outage(Exception):
    """The database or the disk failed mid-check (``cause``): the batch went back to the
    queue, and the worker waits before it claims again."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


def outage(error: BaseException) -> str | None:
    """``"database"`` or ``"disk"`` when ``error`` (or an error that led to it) is the
    store or the disk failing rather than the roster; None otherwise."""
    seen: BaseException | None = error
    for _ in range(8):  # the chain of causes, bounded
        if seen is None:
            return None
        if isinstance(seen, Outage):
            return seen.cause
        if isinstance(seen, OperationalError | InterfaceError) or (
            isinstance(seen, DBAPIError) and seen.connection_invalidated
        ):
            return "database"
        if isinstance(seen, OSError) and errno_of(seen) in DISK_ERRNOS:
            return "disk"
        seen = seen.__cause__ or seen.__context__
    return None


def errno_of(error: OSError) -> int | None:
    """The error number; the Rust workbook writer's OSError has it only in its text
    ("... No space left on device (os error 28)")."""
    if error.errno is not None:
        return error.errno
    found = re.search(r"\(os error (\d+)\)", str(error))
    return int(found.group(1)) if found else None


def named(error: BaseException) -> str:
    """An error as a log may show it: its type (and errno), never its text, which may
    quote a statement or a path."""
    if isinstance(error, Outage) and error.__cause__ is not None:
        return named(error.__cause__)
    code = errno.errorcode.get(errno_of(error) or 0) if isinstance(error, OSError) else None
    return f"{type(error).__name__}({code})" if code else type(error).__name__
