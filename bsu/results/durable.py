"""Files that survive a crash: written under a temporary name, then fsynced and renamed.

A process killed mid-write (SIGKILL, OOM, power loss) leaves at most a temporary file,
never a truncated one under the final name; once the rename is fsynced in its folder the
complete file stays, so a record that names it may be committed after.

Every file bsu writes for someone to keep (results, coverage workbook and chart, stored
uploads) goes through ``atomic`` (one file) or ``part`` and ``publish`` (several files
that appear together).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic(path: Path) -> Iterator[Path]:
    """A temporary name beside ``path`` to write to; once the block ends without error
    the file becomes ``path`` (data and rename fsynced), otherwise it is removed.

    The temporary name keeps the suffix (a writer may choose its format by it) and starts
    with a dot and the final name, which is how retention tells whose it is.
    """
    path = path.resolve()
    fd, name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=path.suffix or ".tmp", dir=path.parent
    )
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        tmp.chmod(0o666 & ~_umask())  # mkstemp makes 0600; a result is an ordinary file
        publish([(tmp, path)])
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def part(path: Path, tag: str | int) -> Path:
    """Where ``path`` is written before it is complete: ``<name>.<tag>.part`` beside it."""
    return path.with_name(f"{path.name}.{tag}.part")


def publish(moves: Iterable[tuple[Path, Path]]) -> None:
    """Move complete temporary files to their final names. Their data is fsynced before
    any rename, and the folders after, so that after a crash a final name holds either
    the whole new file or what it held before."""
    moves = list(moves)
    for source, _ in moves:
        fsync(source)
    for source, target in moves:
        source.replace(target)
    for folder in dict.fromkeys(target.parent for _, target in moves):
        fsync(folder)


def fsync(path: Path) -> None:
    """Flush a file's data, or a folder's entries (a rename in it), to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
