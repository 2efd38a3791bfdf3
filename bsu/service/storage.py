"""The data folder: private to the account that runs bsu, and watched for room.

Uploads, result files and the SQLite store hold NIKs, names and wages (UU 27/2022): no
other user of the machine may read them. Every process that writes the data folder starts
with ``private()`` (umask 077), so what it creates is 0600 and its folders 0700 from the
start, not fixed up after; ``exposed`` finds what an older version or an operator left
open, for ``bsu serve`` and ``bsu worker`` to warn about. A data folder that is full,
read-only or not ours is told apart from any other failure, so that an upload is refused
with a message an operator can act on and ``/readyz`` reports it before uploads fail.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shlex
import stat
from pathlib import Path
from typing import Literal

PRIVATE_UMASK = 0o077
# Subfolders whose files are checked too (the others are single files in the folder).
FOLDERS = ("uploads", "results")
Problem = Literal["full", "unwritable"]
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})
_UNWRITABLE = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def private() -> None:
    """From now on this process creates files 0600 and folders 0700."""
    os.umask(PRIVATE_UMASK)


def prepare(data_dir: Path) -> None:
    """``private()`` and ``make_folder``: for a process that writes the data folder."""
    private()
    make_folder(data_dir)


def make_folder(data_dir: Path) -> None:
    """The data folder made (0700) if missing. One that cannot be made is left to the
    first write (a typed refusal) and to ``/readyz`` to report."""
    with contextlib.suppress(OSError):
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)


def problem_of(error: OSError) -> Problem | None:
    """Whether a failed write means the disk is full or the folder refuses writes."""
    if error.errno in _FULL:
        return "full"
    if error.errno in _UNWRITABLE:
        return "unwritable"
    return None


def exposed(data_dir: Path) -> list[Path]:
    """The data folder, what is in it and in its uploads and results folders, that its
    group or other users may read, write or enter."""
    inside = [p for folder in FOLDERS for p in _entries(data_dir / folder)]
    found: list[Path] = []
    for path in [data_dir, *_entries(data_dir), *inside]:
        try:
            mode = path.lstat().st_mode
        except OSError:
            continue
        if not stat.S_ISLNK(mode) and mode & 0o077:
            found.append(path)
    return found


def exposed_warning(data_dir: Path) -> tuple[str, str] | None:
    """The warning (Indonesian, English) when ``exposed`` finds anything, naming the fix."""
    found = exposed(data_dir)
    if not found:
        return None
    more = f" (+{len(found) - 3})" if len(found) > 3 else ""
    names = ", ".join(str(p) for p in found[:3]) + more
    fix = f"chmod -R go= {shlex.quote(str(data_dir))}"
    return (
        f"Folder data dapat dibaca atau ditulis pengguna lain di komputer ini ({names}): data "
        f"pribadi terbuka. Perbaiki dengan: {fix}",
        f"The data folder can be read or written by other users of this computer ({names}): "
        f"personal data is exposed. Fix it with: {fix}",
    )


def readiness(data_dir: Path, min_free_bytes: int) -> tuple[str, int] | None:
    """Why the data folder cannot take uploads now: ("unwritable"|"low", free bytes),
    or None. A file is created and removed to prove writes work (``access()`` says yes to
    root on a folder it cannot write, and knows nothing of a full disk)."""
    probe = data_dir / f".bsu-ready-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        probe.unlink()
        info = os.statvfs(data_dir)
    except OSError as error:
        return ("low" if problem_of(error) == "full" else "unwritable"), 0
    free = info.f_bavail * info.f_frsize
    return ("low", free) if free < min_free_bytes else None


def _entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []
