"""What several test layers need: real roster files written on disk, a valid worker, and a
small filesystem that can be filled."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
import pytest

Rows = Sequence[Sequence[Any]]

# A worker who meets every BSU 2025 criterion; cases change only what they test.
VALID_WORKER: dict[str, Any] = {
    "nik": "3275014101900001",
    "name": "Pekerja Contoh",
    "wage": 3000000,
    "participant_status": "Aktif",
    "registered_on": "2024-01-15",
}


def write_xlsx(path: Path, sheets: dict[str, Rows]) -> Path:
    """A workbook with one sheet per entry. Text starting with '=' stays text, as a user's
    typed text would, rather than becoming a formula."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        for line in sheet.iter_rows():
            for cell in line:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    book.save(path)
    return path


def write_csv(
    path: Path, lines: Sequence[str], encoding: str = "utf-8", newline: str = "\n"
) -> Path:
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode())
    return path


@contextmanager
def small_tmpfs(folder: Path, size: int) -> Iterator[Path]:
    """``folder`` as a tmpfs of ``size`` bytes (mode 0700), unmounted afterwards; the test
    is skipped where mounting is not permitted (it needs root)."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    """Fill the filesystem of ``folder`` to the last byte; the file that does it."""
    filler = folder / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 1):
            try:
                while os.write(fd, b"\0" * size):
                    pass
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler


def request_id() -> str:
    """A fresh X-Request-ID the server keeps as sent: letters only after the prefix, since
    an id holding a run of 10 digits (a NIK, an account) is replaced by the server. A plain
    random hex id holds such a run about once in 40 tests."""
    return "req-" + uuid.uuid4().hex[:12].translate(str.maketrans("0123456789", "ghijklmnop"))


def submit_file(session: Any, roster: Path, **extra: Any) -> str:
    """Submit ``roster`` straight into the store, as the upload route would after storing
    it (``extra``: e.g. ``employer_id``), and commit; the batch's id."""
    from bsu.store import batches

    batch = batches.submit(
        session,
        filename=roster.name,
        content_sha256="0" * 64,
        stored_path=str(roster),
        size_bytes=roster.stat().st_size,
        ruleset_id="bsu-2025",
        submitted_by="test",
        **extra,
    )
    session.commit()
    return batch.id
