"""Files that survive a crash: written under a temporary name, then fsynced and renamed.

A process killed mid-write (SIGKILL, OOM, power loss) leaves at most a temporary file,
never a truncated one under the final name; once the rename is fsynced in its folder the
complete file stays, so a record that names it may be committed after.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


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
