"""Why a file is refused before any parser sees it (``bsu.rosters.preflight``)."""

from __future__ import annotations

from dataclasses import dataclass

from bsu.errors import RosterError, Where

RESAVE = (
    "Simpan ulang roster sebagai workbook baru yang hanya berisi tabel pekerja, atau sebagai CSV.",
    "Save the roster again as a new workbook holding only the worker table, or as CSV.",
)


@dataclass(frozen=True)
class Refusal:
    """Why a file is refused, in both languages: what is wrong and how to fix it.
    ``oversize``: it is refused for what it would become once opened (HTTP 413)."""

    code: str
    problem: tuple[str, str]
    fix: tuple[str, str] = RESAVE
    oversize: bool = False

    def error(self, name: str) -> RosterError:
        return RosterError(self.code, Where(name), self.problem, self.fix)
