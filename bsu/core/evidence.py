"""Evidence held by BPJS Ketenagakerjaan branch staff, as the engine receives it.

An employer's roster only claims that a worker is an active PU participant and not a PKH
recipient. A participant registry extract and exclusion lists (ASN, TNI, Polri, PKH) are
stronger evidence and, when loaded, outrank the roster. This module holds them as plain
tables; loading them from the store is ``bsu.store.evidence``'s job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from bsu.core.ruleset import Lang

# The registry frame: index ``nik`` (unique, 16-digit text); canonical values.
REGISTRY_COLUMNS = (
    "kpj",
    "status",  # "active" / "inactive" / NaN (vocabulary.status)
    "category",  # "PU" / "BPU" / ... / NaN (vocabulary.category)
    "registered_on",  # datetime64
    "last_contribution",  # text YYYY-MM, as reported
    "reported_wage",  # float rupiah
    "employer_id",
    "employer_name",
    "label",  # which extract: e.g. "ekstrak 2025-05-02, registri.csv"
)
LIST_KINDS = ("asn", "tni", "polri", "pkh")


@dataclass(frozen=True)
class ExclusionList:
    """The NIKs on one exclusion list, and how to name the list in a reason."""

    kind: str  # one of LIST_KINDS
    niks: pd.Index  # object dtype: a plain hash lookup, fast for isin
    label: str  # e.g. "PKH 2025-06-01 (Kemensos)"


@dataclass(frozen=True)
class Source:
    """One imported extract or list a check was judged against: what the notice names, so
    that nobody is surprised when it overrules a roster's own claims."""

    kind: str  # "registry" or one of LIST_KINDS
    as_of: dt.date
    file: str = ""  # the imported file's name; not named to an employer
    origin: str = ""  # who issued a list, e.g. "Kemensos"

    def public(self, scoped: bool) -> dict[str, str]:
        """As JSON; an employer is not told the branch's file names."""
        out = {"as_of": self.as_of.isoformat()}
        if self.kind != "registry":
            out = {"list": self.kind, **out, "source": self.origin}
        if not scoped:
            out["file"] = self.file
        return out


@dataclass(frozen=True)
class Evidence:
    """Registry rows for the NIKs being checked, and the exclusion lists loaded."""

    registry: pd.DataFrame | None = None
    lists: tuple[ExclusionList, ...] = field(default_factory=tuple)
    # The extract a NIK was looked up in when it is absent (rows carry their own label).
    registry_label: str = ""
    # The extracts and lists in force, for the notice.
    sources: tuple[Source, ...] = ()
    # Set when the evidence is one employer's share (``scoped_to``): the registry was
    # consulted only for the NIKs it holds, so an absent NIK is judged on the roster alone.
    employer_id: str | None = None
    # How many distinct NIKs the evidence was consulted for (what an audit record counts).
    looked_up: int = 0

    @property
    def empty(self) -> bool:
        return self.registry is None and not self.lists

    @property
    def scoped(self) -> bool:
        return self.employer_id is not None

    def scoped_to(self, employer_id: str) -> Evidence:
        """What an employer's check may be judged on: the registry rows that place a worker
        at ``employer_id`` (its NPP), and list entries of those workers only. Everything
        else is dropped here, before the engine, so no answer can reveal it: for another
        NIK the registry and the lists were simply not consulted (UU 27/2022). With nothing
        in scope this is ``NO_EVIDENCE``, answers byte for byte as without any import."""
        if self.registry is None or not employer_id:
            return NO_EVIDENCE
        at = self.registry["employer_id"].astype(object).str.strip()
        mine = self.registry[at.eq(employer_id.strip()).fillna(False).to_numpy(dtype=bool)]
        if mine.empty:
            return NO_EVIDENCE
        lists = tuple(
            replace(listed, niks=listed.niks[listed.niks.isin(mine.index)]) for listed in self.lists
        )
        lists = tuple(listed for listed in lists if len(listed.niks))
        dates = set(mine["label"].dropna().astype(str))
        kinds = {listed.kind for listed in lists}
        sources = tuple(
            s
            for s in self.sources
            if (s.kind == "registry" and s.as_of.isoformat() in dates) or s.kind in kinds
        )
        return Evidence(
            registry=mine,
            lists=lists,
            registry_label=max(dates, default=""),
            sources=sources,
            employer_id=employer_id,
            looked_up=len(mine),
        )

    def notice(self) -> dict[str, Any] | None:
        """What was in force, as data (no words: ``notice_words`` says it in a language);
        None without evidence."""
        if self.empty:
            return None
        return {
            "scope": "employer" if self.scoped else "all",
            "registry": [s.public(self.scoped) for s in self.sources if s.kind == "registry"],
            "lists": [s.public(self.scoped) for s in self.sources if s.kind != "registry"],
        }


NO_EVIDENCE = Evidence()


def notice_words(notice: dict[str, Any], lang: Lang) -> str:
    """The notice in words: which extract and lists overruled the roster, with dates."""
    en = lang == "en"
    parts = []
    for r in notice.get("registry", []):
        name = f" {r['file']}" if r.get("file") else ""
        parts.append(
            f"BPJS Ketenagakerjaan participant data{name} (as of {r['as_of']})"
            if en
            else f"data peserta BPJS Ketenagakerjaan{name} (per {r['as_of']})"
        )
    for x in notice.get("lists", []):
        name = f" {x['file']}" if x.get("file") else ""
        parts.append(
            f"{x['list'].upper()} list{name} (as of {x['as_of']}, source {x['source']})"
            if en
            else f"daftar {x['list'].upper()}{name} (per {x['as_of']}, sumber {x['source']})"
        )
    used = "; ".join(parts)
    if notice.get("scope") == "employer":
        if en:
            return (
                f"Loaded evidence was used for the workers registered at your NPP: {used}. "
                "For them it outranks what the roster says; every other worker was judged "
                "on the roster alone."
            )
        return (
            f"Data yang dimuat petugas dipakai untuk pekerja yang terdaftar di NPP Anda: "
            f"{used}. Untuk mereka data itu mengalahkan isi roster; pekerja lain diperiksa "
            "hanya dari isi roster."
        )
    if en:
        return f"Loaded evidence was used and outranks what the roster says: {used}."
    return f"Data yang dimuat dipakai dan mengalahkan isi roster: {used}."


def registry_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """A registry frame from rows holding ``nik`` and the registry columns."""
    frame = rows.copy()
    for column in REGISTRY_COLUMNS:
        if column not in frame:
            frame[column] = None
    frame["registered_on"] = pd.to_datetime(frame["registered_on"], errors="coerce")
    frame["reported_wage"] = pd.to_numeric(frame["reported_wage"], errors="coerce")
    frame["nik"] = frame["nik"].astype(object)
    return frame.drop_duplicates("nik", keep="last").set_index("nik")[list(REGISTRY_COLUMNS)]
