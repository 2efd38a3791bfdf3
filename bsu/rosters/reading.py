"""How a roster was read, so a clerk can check it before trusting a decision: for each
file and sheet, the header row, the column(s) each field was read from, the columns not
used and why, the rows skipped and why, and notices about the sheet as a whole.

Every reason is a ``Note``: a code with its values, worded from the catalogue
(``rules/words/reading.yaml``, key ``reading_<code>``) in whichever language the output
is in, so the report is made once and said in both languages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bsu.core import wages
from bsu.core.fields import BY_NAME
from bsu.core.ruleset import Lang
from bsu.core.words import both, say
from bsu.errors import BsuError

Param = str | int | float


@dataclass(frozen=True)
class Note:
    """A reason or notice about the reading: ``code`` worded by ``reading_<code>``."""

    code: str
    params: tuple[tuple[str, Param], ...] = ()

    @classmethod
    def of(cls, code: str, **params: Param) -> Note:
        return cls(code, tuple(params.items()))

    def message(self, lang: Lang) -> str:
        return say(f"reading_{self.code}", lang, **dict(self.params))

    def to_json(self, lang: Lang) -> dict[str, Any]:
        return {"code": self.code, "message": self.message(lang)}


@dataclass(frozen=True)
class SkippedRow:
    """A row of the sheet that is not a worker (a total, a signature, a repeated header)."""

    row: int
    why: Note


@dataclass(frozen=True)
class IgnoredColumn:
    """A column read but not judged: a candidate not chosen, the checker's own output,
    a date that is not the one a rule asks for, or a header no field answers to."""

    header: str
    why: Note


# A field's header as the person wrote it, or several for a field whose columns are summed.
Headers = str | tuple[str, ...]


@dataclass(frozen=True)
class ReadOptions:
    """What the person reading asked for: ``mapping`` names, per canonical field, the
    header (as written in the roster) to read it from, over the automatic choice; for a
    field whose columns are summed (``wages.SUMMED``: the fixed allowances), one header or
    several, each added to the columns whose headers say they are fixed."""

    mapping: Mapping[str, Headers] = field(default_factory=dict)

    def pairs(self) -> list[tuple[str, str]]:
        """Each (field, header) asked for."""
        return [(name, h) for name, value in self.mapping.items() for h in headers_of(value)]

    def to_store(self) -> dict[str, Any] | None:
        """As a batch keeps it (JSON): ``{"mapping": {field: header, or [headers]}}``;
        None for the automatic reading."""
        if not self.mapping:
            return None
        return {
            "mapping": {
                name: value if isinstance(value, str) else list(value)
                for name, value in self.mapping.items()
            }
        }

    @classmethod
    def from_store(cls, stored: Mapping[str, Any] | None) -> ReadOptions:
        """What ``to_store`` kept (or an older batch's ``{"mapping": {field: header}}``)."""
        mapping = (stored or {}).get("mapping") or {}
        if not mapping:
            return DEFAULT
        return cls(
            {
                str(name): str(value) if isinstance(value, str) else tuple(map(str, value))
                for name, value in mapping.items()
            }
        )


def headers_of(value: Headers) -> tuple[str, ...]:
    """The headers a mapping names for one field."""
    return (value,) if isinstance(value, str) else tuple(value)


DEFAULT = ReadOptions()


@dataclass(frozen=True)
class SheetRead:
    """What was read from one sheet, or why it was skipped (``header_row`` None)."""

    source: str
    sheet: str | None
    header_row: int | None
    rows: int
    matched: dict[str, str]  # canonical field -> header as written, the one judged
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # field -> headers
    ignored: tuple[IgnoredColumn, ...] = ()
    skipped: tuple[SkippedRow, ...] = ()
    notices: tuple[Note, ...] = ()

    @property
    def read(self) -> bool:
        """Whether workers were read from this sheet (else it was skipped as a whole)."""
        return self.header_row is not None

    def noted(self, *notes: Note) -> SheetRead:
        """The same reading with more notices (found once the rows were judged)."""
        return replace(self, notices=(*self.notices, *notes))

    def to_json(self, lang: Lang) -> dict[str, Any]:
        return {
            "file": self.source,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "rows": self.rows,
            "columns": {
                name: list(self.columns.get(name) or (header,))
                for name, header in self.matched.items()
            },
            "ignored_columns": [
                {"header": c.header, "code": c.why.code, "why": c.why.message(lang)}
                for c in self.ignored
            ],
            "skipped_rows": [
                {"row": s.row, "code": s.why.code, "why": s.why.message(lang)} for s in self.skipped
            ],
            "notices": [n.to_json(lang) for n in self.notices],
        }

    def lines(self, lang: Lang) -> list[str]:
        """The reading in plain words, one line each, for the terminal, the result
        workbook and the upload page."""
        place = say("reading_place_sheet", lang, source=self.source, sheet=self.sheet)
        if self.sheet is None:
            place = self.source
        if not self.read:
            head = say("reading_sheet_skipped", lang, place=place)
        else:
            head = say(
                "reading_sheet_read", lang, place=place, rows=self.rows, header_row=self.header_row
            )
        lines = [head]
        lines += [n.message(lang) for n in self.notices]
        for name, header in self.matched.items():
            used = self.columns.get(name) or (header,)
            lines.append(
                say(
                    "reading_field_from",
                    lang,
                    field=_label(name, lang),
                    headers=", ".join(f"'{h}'" for h in used),
                )
            )
        lines += [
            say("reading_column_not_used", lang, header=c.header, why=c.why.message(lang))
            for c in self.ignored
        ]
        lines += [
            say("reading_row_skipped", lang, row=s.row, why=s.why.message(lang))
            for s in self.skipped
        ]
        return lines


def _label(name: str, lang: Lang) -> str:
    found = BY_NAME.get(name)
    return found.shown(lang) if found is not None else name


def _note_store(note: Note) -> dict[str, Any]:
    return {"code": note.code, "params": dict(note.params)}


def _note_load(data: Mapping[str, Any]) -> Note:
    return Note(str(data["code"]), tuple(dict(data.get("params") or {}).items()))


def to_store(read: SheetRead) -> dict[str, Any]:
    """The reading as the store keeps it: codes and values, worded when shown, in the
    language of whoever asks."""
    return {
        "source": read.source,
        "sheet": read.sheet,
        "header_row": read.header_row,
        "rows": read.rows,
        "matched": dict(read.matched),
        "columns": {k: list(v) for k, v in read.columns.items()},
        "ignored": [{"header": c.header, "why": _note_store(c.why)} for c in read.ignored],
        "skipped": [{"row": s.row, "why": _note_store(s.why)} for s in read.skipped],
        "notices": [_note_store(n) for n in read.notices],
    }


def from_store(data: Mapping[str, Any]) -> SheetRead:
    """A reading ``to_store`` kept (or the older entries: source, sheet, header_row, rows)."""
    return SheetRead(
        source=str(data["source"]),
        sheet=data.get("sheet"),
        header_row=data.get("header_row"),
        rows=int(data.get("rows") or 0),
        matched=dict(data.get("matched") or {}),
        columns={k: tuple(v) for k, v in (data.get("columns") or {}).items()},
        ignored=tuple(
            IgnoredColumn(str(c["header"]), _note_load(c["why"])) for c in data.get("ignored") or []
        ),
        skipped=tuple(
            SkippedRow(int(s["row"]), _note_load(s["why"])) for s in data.get("skipped") or []
        ),
        notices=tuple(_note_load(n) for n in data.get("notices") or []),
    )


def parse_mapping(items: Sequence[str]) -> ReadOptions:
    """``field=Header`` pairs as a person writes them (``--map wage="Total Upah"``, the
    upload form's ``map`` fields) as read options. A field named again takes the later
    header, except a field whose columns are summed (``fixed_allowance``), which takes each
    header named. Raises ``BsuError`` (code ``map_invalid``) naming the fields bsu knows
    when a pair is malformed or names no field."""
    mapping: dict[str, Headers] = {}
    for item in items:
        for line in str(item).splitlines():
            if not line.strip():
                continue
            name, sep, header = line.partition("=")
            name, header = name.strip().casefold(), header.strip().strip("\"'").strip()
            if not sep or not name or not header:
                raise BsuError(
                    *both("reading_map_malformed", item=line.strip(), fields=_fields()),
                    code="map_invalid",
                )
            if name not in BY_NAME:
                raise BsuError(
                    *both("reading_map_unknown_field", field=name, fields=_fields()),
                    code="map_invalid",
                )
            earlier = headers_of(mapping[name]) if name in wages.SUMMED and name in mapping else ()
            if header.casefold() in {h.casefold() for h in earlier}:
                continue
            mapping[name] = (*earlier, header) if earlier else header
    return ReadOptions(mapping) if mapping else DEFAULT


def _fields() -> str:
    return ", ".join(BY_NAME)
