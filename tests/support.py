"""What several test layers need: real roster files written on disk, and a valid worker."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

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
