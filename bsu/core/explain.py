"""Reasons in words: the rule set's messages filled in with each row's evidence.

The engine gives each row a bit mask of reason codes; this module turns the masks into
messages in Bahasa Indonesia or English, with the citation of the criterion each reason
belongs to. Messages are built a column at a time (string concatenation over the rows
that carry a reason), never by formatting row after row.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bsu.core import wages
from bsu.core.duplicates import More, Upload
from bsu.core.engine import Decisions
from bsu.core.evidence import NO_EVIDENCE, Evidence
from bsu.core.fields import EVIDENCE_COLUMNS, REGISTRY, field
from bsu.core.reasons import ReasonCode
from bsu.core.ruleset import Lang, RuleSet
from bsu.values import dates
from bsu.values.numbers import rupiah
from bsu.values.region import AMBIGUOUS, CONFLICT, MISSING, TOO_COARSE, UNRECOGNISED, UNSOURCED
from bsu.values.text import by_unique

SEPARATOR = " | "
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_MONTHS = {
    "id": (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


@dataclass(frozen=True)
class Explanation:
    """Per row: the codes and the messages of its reasons, in one language."""

    messages: pd.DataFrame  # one column per reason code that occurs; NaN where absent
    lang: Lang
    ruleset: RuleSet
    # Per criterion id, where its evidence came from, in words; empty without evidence.
    evidence: pd.DataFrame
    masks: np.ndarray  # the engine's reason bits per row

    def codes_text(self) -> pd.Series:
        """ "CODE, CODE" per row: worded once per distinct set of reasons, not per row."""
        distinct, inverse = np.unique(self.masks, return_inverse=True)
        words = np.array(
            [", ".join(c.value for c in ReasonCode if m & c.bit) for m in distinct.tolist()],
            dtype=object,
        )
        return pd.Series(words[inverse.reshape(-1)], index=self.messages.index, dtype=object)

    def evidence_text(self) -> pd.Series:
        """Per row: "criterion: evidence; ..." (empty when no evidence was loaded)."""
        named = self.evidence.copy()
        for column in named.columns:
            named[column] = f"{column}: " + named[column].astype(object)
        return join_cells(named, "; ")

    def evidence_rows(self) -> list[dict[str, str]]:
        """Per row, criterion id -> evidence in words, for JSON and the API."""
        return self.evidence.to_dict("records")  # type: ignore[return-value]

    def messages_text(self) -> pd.Series:
        return join_cells(self.messages, SEPARATOR)

    def rows(self) -> list[list[dict[str, str]]]:
        """Every row's reasons as the JSON output and the API give them, in code order."""
        out: list[list[dict[str, str]]] = [[] for _ in range(len(self.messages))]
        for code in self.messages.columns:
            citation = self.ruleset.reason(ReasonCode(str(code))).citation
            column = self.messages[code].to_numpy(dtype=object)
            for position in np.flatnonzero(pd.notna(column)):
                out[position].append(
                    {"code": str(code), "message": str(column[position]), "citation": citation}
                )
        return out


def explain(decisions: Decisions, lang: Lang = "id") -> Explanation:
    """Word every reason of every row in ``lang``."""
    frame = decisions.frame
    rules = decisions.ruleset
    masks = frame["reasons"].to_numpy()
    values = _Values(frame, rules, lang, decisions.evidence)
    columns: dict[str, np.ndarray] = {}
    for code in ReasonCode:
        hit = (masks & code.bit) != 0
        if not hit.any():
            continue
        rows = frame.index[hit]
        template = rules.reason(code).message.in_(lang)
        worded = np.full(len(frame), np.nan, dtype=object)
        worded[hit] = fill(template, rows, values).to_numpy(dtype=object)
        columns[code.value] = worded
    messages = pd.DataFrame(columns, index=frame.index, dtype=object)
    sources = pd.DataFrame(index=frame.index)
    if not decisions.evidence.empty:
        for criterion in rules.criteria():
            column = next((EVIDENCE_OF[f] for f in criterion.evidence if f in EVIDENCE_OF), None)
            if column is None:
                sources[criterion.id] = rules.phrase("evidence_roster", lang)
            else:
                sources[criterion.id] = values.get(column, frame.index)
    return Explanation(messages=messages, lang=lang, ruleset=rules, evidence=sources, masks=masks)


# The roster fields that evidence from the store can replace, and where the engine notes
# which evidence it used for them (declared with each field).
EVIDENCE_OF = {f.name: f.evidence for f in REGISTRY if f.evidence is not None}


def fill(template: str, rows: pd.Index, values: _Values) -> pd.Series:
    """``template`` with each ``{name}`` replaced, for the given rows at once."""
    parts = _PLACEHOLDER.split(template)
    out = pd.Series(parts[0], index=rows, dtype=object)
    for i in range(1, len(parts), 2):
        out = out + values.get(parts[i], rows) + parts[i + 1]
    return out


class _Values:
    """The text each placeholder stands for, computed on demand for some rows."""

    def __init__(
        self, frame: pd.DataFrame, rules: RuleSet, lang: Lang, evidence: Evidence = NO_EVIDENCE
    ) -> None:
        self.frame = frame
        self.evidence = evidence
        self.rules = rules
        self.lang = lang
        self._named: dict[str, Callable[[pd.Index], pd.Series]] = {
            "nik": lambda r: frame.loc[r, "nik"],
            "nik_province": lambda r: frame.loc[r, "nik"].str.slice(0, 2),
            "nik_birth": lambda r: frame.loc[r, "nik"].str.slice(6, 12),
            "rows": lambda r: self._places(r, "duplicate_of"),
            "employers": lambda r: self._places(r, "duplicate_elsewhere"),
            **{
                column: functools.partial(self._evidence, column=column)
                for column in EVIDENCE_COLUMNS
            },
            "wage_note": self._wage_note,
            "roster_wage": lambda r: _money(frame.loc[r, "roster_wage"]),
            "label": lambda r: (
                _text(frame.loc[r, "registry_label"])
                if "registry_label" in frame
                else pd.Series("", index=r, dtype=object)
            ),
            "wage": lambda r: _money(frame.loc[r, "wage"]),
            "wage_thousands": lambda r: _money(frame.loc[r, "wage"] * 1000),
            # The wage judged and how it was built (``core.wages``), and its parts.
            "wage_built": self._wage_built,
            "wage_unread": self._wage_unread,
            "basic_wage": lambda r: _money(frame.loc[r, "basic_wage"]),
            # A blank allowance beside a daily wage counts as none: Rp0 in the sum shown.
            "fixed_allowance": lambda r: _money(frame.loc[r, "fixed_allowance"].fillna(0.0)),
            "daily_wage": lambda r: _money(frame.loc[r, "daily_wage"]),
            "margin": lambda r: _constant(r, _share(rules.param("wage_basic_only_margin"), lang)),
            "wage_daily_factor": lambda r: _constant(
                r, _number(rules.param("wage_daily_factor"), lang)
            ),
            "cap": lambda r: _money(frame.loc[r, "wage_cap"]),
            "cap_min": lambda r: _money(frame.loc[r, "cap_min"]),
            "cap_max": lambda r: _money(frame.loc[r, "cap_max"]),
            "minimum_wage": lambda r: _money(frame.loc[r, "region_amount"]),
            "kind": lambda r: frame.loc[r, "region_kind"].fillna(""),
            "region_name": lambda r: frame.loc[r, "region_name"].fillna(""),
            "region_raw": self._region_raw,
            "cap_basis": self._cap_basis,
            "region_problem": self._region_problem,
            "registered_on": lambda r: format_dates(frame.loc[r, "registered_on"], lang),
            "last_paid_month": lambda r: format_months(frame.loc[r, "last_paid_month"], lang),
            "nonactive_month": lambda r: format_months(frame.loc[r, "nonactive_month"], lang),
            "cutoff_month": lambda r: pd.Series(
                format_month(dates.month_of(rules.param("participation_cutoff")), lang),
                index=r,
                dtype=object,
            ),
        }

    def get(self, name: str, rows: pd.Index) -> pd.Series:
        if name in self._named:
            return _text(self._named[name](rows))
        if f"{name}_raw" in self.frame:
            return _text(self.frame.loc[rows, f"{name}_raw"])
        if name in self.frame:
            return _text(self.frame.loc[rows, name])
        return pd.Series(scalar(name, self.rules, self.lang), index=rows, dtype=object)

    def _phrase(self, name: str, rows: pd.Index) -> pd.Series:
        return fill(self.rules.phrase(name, self.lang), rows, self)

    def _region_raw(self, rows: pd.Index) -> pd.Series:
        region: pd.Series = self.frame.loc[rows, "region_raw"]
        return region.where(region.ne(""), self.frame.loc[rows, "province_raw"])

    def _cap_basis(self, rows: pd.Index) -> pd.Series:
        f = self.frame.loc[rows, ["region_state", "wage_cap"]]
        general = float(self.rules.param("wage_cap_idr"))
        found = f["region_state"].eq("found").to_numpy()
        cap = f["wage_cap"].to_numpy()
        return self._choose(
            rows,
            [
                # The general cap is the general cap whether the region is known or not
                # (a basic wage near it, with the region blank, is compared with it).
                ("cap_basis_general", cap <= general),
                ("cap_basis_highest", ~found & (cap > general)),
                ("cap_basis_regional", found & (cap > general)),
            ],
        )

    def _choose(self, rows: pd.Index, choices: list[tuple[str, np.ndarray]]) -> pd.Series:
        """Per row, the phrase of the first choice whose mask holds (else empty text);
        assigned by position, as aligning on the index costs more than the phrases."""
        out = np.full(len(rows), "", dtype=object)
        for phrase, where in choices:
            if where.any():
                out[where] = self._phrase(phrase, rows[where]).to_numpy(dtype=object)
        return pd.Series(out, index=rows, dtype=object)

    def _region_problem(self, rows: pd.Index) -> pd.Series:
        state = self.frame.loc[rows, "region_state"].to_numpy(dtype=object)
        phrases = {
            MISSING: "region_missing",
            UNRECOGNISED: "region_unrecognised",
            AMBIGUOUS: "region_ambiguous",
            TOO_COARSE: "region_too_coarse",
            CONFLICT: "region_conflict",
            UNSOURCED: "region_caps_unsourced",
        }
        return self._choose(rows, [(phrase, state == value) for value, phrase in phrases.items()])

    def _places(self, rows: pd.Index, column: str) -> pd.Series:
        return places_text(self.frame.loc[rows], column, self.rules, self.lang)

    def _evidence(self, rows: pd.Index, column: str) -> pd.Series:
        """Where a criterion's evidence came from, in words: the roster, the registry
        extract, or a named exclusion list."""
        keys = self.frame.loc[rows, column]
        out = pd.Series(self.rules.phrase("evidence_roster", self.lang), index=rows, dtype=object)
        registry = keys.eq("registry")
        if registry.any():
            out[registry] = self._phrase("evidence_registry", rows[registry.to_numpy()])
        labels = {f"list:{listed.kind}": listed.label for listed in self.evidence.lists}
        for key, label in labels.items():
            hit = keys.eq(key)
            if hit.any():
                out[hit] = self.rules.phrase("evidence_list", self.lang).format(label=label)
        return out

    def _wage_built(self, rows: pd.Index) -> pd.Series:
        """Per row, the rule set's phrase ``wage_built_<basis>`` for how the wage judged
        was built ("upah pokok Rp3.400.000 + tunjangan tetap Rp300.000 = Rp3.700.000");
        the plain wage where it has no basis."""
        basis = self.frame.loc[rows, "wage_basis"].to_numpy(dtype=object)
        built = self._choose(rows, [(f"wage_built_{b}", basis == b) for b in wages.BASES])
        plain = ~np.isin(basis, wages.BASES)
        if plain.any():
            built[plain] = _money(self.frame.loc[rows[plain], "wage"]).to_numpy(dtype=object)
        return built

    def _wage_unread(self, rows: pd.Index) -> pd.Series:
        """Per row, the part of the wage that could not be read, named by its field's
        label, and what it said: 'Tunjangan Tetap "tiga ratus"'."""
        part = self.frame.loc[rows, "wage_unread"].fillna("wage").to_numpy(dtype=object)
        raw = _text(self.frame.loc[rows, "wage_raw"]).to_numpy(dtype=object)
        out = np.full(len(rows), "", dtype=object)
        for name in wages.PARTS:
            hit = part == name
            if hit.any():
                out[hit] = field(name).shown(self.lang) + ' "' + raw[hit] + '"'
        return pd.Series(out, index=rows, dtype=object)

    def _wage_note(self, rows: pd.Index) -> pd.Series:
        f = self.frame.loc[rows, ["evidence_wage", "roster_wage", "wage"]]
        differs = f["evidence_wage"].eq("registry") & f["roster_wage"].ne(f["wage"])
        return self._choose(rows, [("wage_note_registry", differs.to_numpy(dtype=bool))])


def places_text(frame: pd.DataFrame, column: str, rules: RuleSet, lang: Lang) -> pd.Series:
    """The places listed in ``column`` (``duplicates.other_locations``) in words: "baris 5,
    roster-b.xlsx baris 3, dan 4 baris lain"; "" where none are listed."""
    same = rules.phrase("location_same_sheet", lang)
    other = rules.phrase("location_other_sheet", lang)
    more = rules.phrase("location_more", lang)
    f = frame[["source", "sheet", column]]
    texts = []
    for source, sheet, places in zip(f["source"], f["sheet"], f[column], strict=True):
        words = []
        for place in places if isinstance(places, (list, tuple)) else ():
            if isinstance(place, More):
                words.append(more.format(count=place.count))
                continue
            if isinstance(place, Upload):
                words.append(_upload_text(place, rules, lang))
                continue
            p_source, p_sheet, p_row = place
            if pd.isna(p_source) or (p_source, p_sheet) == (source, sheet):
                words.append(same.format(row=p_row))
            else:
                where = p_source if pd.isna(p_sheet) else f"{p_source} ({p_sheet})"
                words.append(other.format(source=where, row=p_row))
        texts.append(", ".join(words))
    return pd.Series(texts, index=frame.index, dtype=object)


def _upload_text(place: Upload, rules: RuleSet, lang: Lang) -> str:
    """Another upload holding the NIK, as far as the reader may be told whose it is."""
    if place.employer is None:
        return rules.phrase("location_upload_other_employer", lang)
    named = rules.phrase("location_upload_named", lang)
    return named.format(employer=place.employer, batch=place.batch)


def scalar(name: str, rules: RuleSet, lang: Lang) -> str:
    """A rule set parameter as text (``{cutoff}``, ``{wage_cap_idr}``, ``{benefit_idr}``)."""
    aliases = {"cutoff": "participation_cutoff"}
    value = rules.param(aliases.get(name, name))
    if isinstance(value, dt.date):
        return format_date(value, lang)
    if name.endswith("_idr"):
        return rupiah(float(value))
    return str(value)


def format_date(value: dt.date, lang: Lang) -> str:
    return f"{value.day} {_MONTHS[lang][value.month - 1]} {value.year}"


def format_dates(values: pd.Series, lang: Lang) -> pd.Series:
    months = pd.Series(_MONTHS[lang], index=range(1, 13))
    valid = values.notna()
    out = pd.Series("", index=values.index, dtype=object)
    if valid.any():
        v = values[valid]
        out[valid] = (
            v.dt.day.astype(str) + " " + v.dt.month.map(months) + " " + v.dt.year.astype(str)
        )
    return out


def format_month(number: int, lang: Lang) -> str:
    """A month number (``dates.month_number``) as "Maret 2025" / "March 2025"."""
    year, month = dates.year_month(number)
    return f"{_MONTHS[lang][month - 1]} {year}"


def format_months(numbers: pd.Series, lang: Lang) -> pd.Series:
    """Month numbers as words, each distinct month worded once; empty where missing."""
    valid = numbers.notna().to_numpy(dtype=bool)
    out = np.full(len(numbers), "", dtype=object)
    if valid.any():
        known = numbers[valid].astype("int64")
        words = {int(n): format_month(int(n), lang) for n in known.unique()}
        out[valid] = known.map(words).to_numpy(dtype=object)
    return pd.Series(out, index=numbers.index, dtype=object)


def _constant(rows: pd.Index, text: str) -> pd.Series:
    return pd.Series(text, index=rows, dtype=object)


def _number(value: float, lang: Lang) -> str:
    """25, 2,5 (Indonesian) or 2.5 (English): no trailing zeros."""
    text = f"{float(value):g}"
    return text.replace(".", ",") if lang == "id" else text


def _share(value: float, lang: Lang) -> str:
    """A share as a percentage: 0.1 is "10%", 0.125 is "12,5%" in Indonesian."""
    return _number(round(float(value) * 100, 6), lang) + "%"


def _text(values: pd.Series) -> pd.Series:
    """Values as plain Python strings (object dtype); a missing value is empty text."""
    return by_unique(values, _plain_text)


def _plain_text(values: pd.Series) -> pd.Series:
    return values.map(lambda v: "" if pd.isna(v) else str(v)).astype(object)


def _money(values: pd.Series) -> pd.Series:
    """Amounts as Rp text; the same few caps repeat, so each is formatted once."""
    return by_unique(values, _rupiah_text, remember=True)


def _rupiah_text(values: pd.Series) -> pd.Series:
    return values.map(lambda v: rupiah(float(v)) if pd.notna(v) else "").astype(object)


def join_cells(frame: pd.DataFrame, separator: str) -> pd.Series:
    """Join each row's non-missing cells; plain object arrays, one column at a time."""
    out = np.full(len(frame), "", dtype=object)
    started = np.zeros(len(frame), dtype=bool)
    for column in frame.columns:
        part = frame[column].to_numpy(dtype=object)
        has = pd.notna(part)
        first, more = has & ~started, has & started
        out[first] = part[first]
        out[more] = out[more] + separator + part[more]
        started |= has
    return pd.Series(out, index=frame.index, dtype=object)
