"""Errors a person can act on, worded in Bahasa Indonesia first and English second.

    BsuError                 every error this package raises on purpose
    ├── RuleSetError         a rule file or reference table is wrong (maintainers fix it)
    └── RosterError          a roster cannot be read as a roster (the user fixes it)

Third-party exceptions (zip, xml, csv, calamine) are translated into these once, at the
edge that calls the library, with ``raise ... from exc``; nothing above the edges sees them.
"""

from __future__ import annotations

from dataclasses import dataclass


class BsuError(Exception):
    """An error with a stable code and a message in both languages."""

    code = "invalid_request"

    def __init__(self, message_id: str, message_en: str, code: str | None = None) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.message_en = message_en
        if code is not None:
            self.code = code

    def message(self, lang: str = "id") -> str:
        return self.message_en if lang == "en" else self.message_id


class RuleSetError(BsuError):
    """A rule set or one of its tables is missing, malformed or incomplete."""

    code = "ruleset_invalid"


@dataclass(frozen=True)
class Where:
    """Where in a roster a problem is: file, and as far as known sheet, row and column."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def describe(self, lang: str = "id") -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"{'row' if lang == 'en' else 'baris'} {self.row}")
        if self.column:
            parts.append(f"{'column' if lang == 'en' else 'kolom'} '{self.column}'")
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
        super().__init__(
            f"{where.describe('id')}: {problem[0]} {fix[0]}",
            f"{where.describe('en')}: {problem[1]} {fix[1]}",
            code,
        )
