"""Evidence held by BPJS Ketenagakerjaan branch staff, as the engine receives it.

An employer's roster only claims that a worker is an active PU participant and not a PKH
recipient. A participant registry extract and exclusion lists (ASN, TNI, Polri, PKH) are
stronger evidence and, when loaded, outrank the roster. This module holds them as plain
tables; loading them from the store is ``bsu.store.evidence``'s job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import pandas as pd

from bsu.core.ruleset import Lang
from bsu.core.words import both, say
from bsu.errors import BsuError
from bsu.values import dates

# The registry frame: index ``nik`` (unique, 16-digit text); canonical values.
REGISTRY_COLUMNS = (
    "kpj",
    "status",  # "active" / "inactive" / NaN (vocabulary.status)
    "category",  # "PU" / "BPU" / ... / NaN (vocabulary.category)
    "registered_on",  # datetime64
    "last_contribution",  # text YYYY-MM: the last month whose contribution was paid
    "nonactive_since",  # text YYYY-MM: the month the participant became non-active (BLTH NA)
    "nationality",  # "wni" / "wna" / NaN (vocabulary.nationality)
    "reported_wage",  # float rupiah
    "employer_id",
    "employer_name",
    "phone",  # the participant's contacts: personal data, for staff's outreach list only
    "email",
    "label",  # which extract: e.g. "ekstrak 2025-05-02, registri.csv"
    # Read from the two months above (``dates.months``): Int64 month numbers, NA where
    # the extract gives none or one that cannot be read (then the status decides).
    "last_paid_month",
    "nonactive_month",
)


# ``Evidence.claims``: the NIK, the other upload's batch id, its employer as the caller
# may be told it (None: "another employer").
CLAIM_COLUMNS = ("nik", "batch_id", "employer")


@dataclass(frozen=True)
class Proof:
    """What a NIK on a list of one kind proves: the roster field the list overrules
    (a name in ``bsu.core.fields``), the parsed value it sets there, and the text shown
    in place of the roster's cell (None: the cell is shown as typed)."""

    field: str
    value: str | bool
    shown: str | None = None


# Every kind of exclusion list bsu knows, with what it proves. A list of any other kind
# is refused (``proof_of``): a new list (say, Kartu Prakerja) needs its own entry here,
# and a field and a criterion that read it; it is never taken for another list.
LIST_KINDS: Mapping[str, Proof] = MappingProxyType(
    {
        "asn": Proof("employment_status", "asn", "ASN"),
        "tni": Proof("employment_status", "tni", "TNI"),
        "polri": Proof("employment_status", "polri", "POLRI"),
        "pkh": Proof("pkh_recipient", True),
    }
)


def proof_of(kind: str) -> Proof:
    """What a list of ``kind`` proves; an unknown kind is an error, never a guess."""
    proof = LIST_KINDS.get(kind)
    if proof is None:
        words = both("core_list_unknown", kind=kind, kinds=", ".join(LIST_KINDS))
        raise BsuError(*words, code="list_unknown")
    return proof


@dataclass(frozen=True)
class ExclusionList:
    """The NIKs on one exclusion list, and how to name the list in a reason."""

    kind: str  # one of LIST_KINDS
    niks: pd.Index  # object dtype: a plain hash lookup, fast for isin
    label: str  # e.g. "PKH 2025-06-01 (Kemensos)"

    def __post_init__(self) -> None:
        proof_of(self.kind)


@dataclass(frozen=True)
class Source:
    """One imported extract or list a check was judged against: what the notice names, so
    that nobody is surprised when it overrules a roster's own claims."""

    kind: str  # "registry" or one of LIST_KINDS
    as_of: dt.date
    file: str = ""  # the imported file's name; not named to an employer
    origin: str = ""  # who issued a list, e.g. "Kemensos"
    sha256: str = ""  # the imported file's content hash (the import's own record of it)

    @property
    def label(self) -> str:
        """How a reason names it: an extract by its date, a list by kind, date and issuer
        (``PKH 2025-06-01 (Kemensos)``)."""
        if self.kind == "registry":
            return self.as_of.isoformat()
        return f"{self.kind.upper()} {self.as_of.isoformat()} ({self.origin})"

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
    # NIKs claimed (eligible) in other done uploads of the same round, for the rule that
    # BSU is paid once per worker (``bsu.store.claims.load``): columns ``CLAIM_COLUMNS``.
    # None where no store is asked (a local check, a single API check).
    claims: pd.DataFrame | None = None

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
    parts = []
    for r in notice.get("registry", []):
        name = f" {r['file']}" if r.get("file") else ""
        parts.append(say("core_notice_registry", lang, name=name, as_of=r["as_of"]))
    for x in notice.get("lists", []):
        name = f" {x['file']}" if x.get("file") else ""
        parts.append(
            say(
                "core_notice_list",
                lang,
                list=x["list"].upper(),
                name=name,
                as_of=x["as_of"],
                source=x["source"],
            )
        )
    used = "; ".join(parts)
    scope = "employer" if notice.get("scope") == "employer" else "all"
    return say(f"core_notice_{scope}", lang, used=used)


def registry_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """A registry frame from rows holding ``nik`` and the registry columns."""
    frame = rows.copy()
    for column in REGISTRY_COLUMNS:
        if column not in frame:
            frame[column] = None
    frame["registered_on"] = pd.to_datetime(frame["registered_on"], errors="coerce")
    frame["reported_wage"] = pd.to_numeric(frame["reported_wage"], errors="coerce")
    frame["last_paid_month"] = dates.months(frame["last_contribution"].astype(object))
    frame["nonactive_month"] = dates.months(frame["nonactive_since"].astype(object))
    frame["nik"] = frame["nik"].astype(object)
    return frame.drop_duplicates("nik", keep="last").set_index("nik")[list(REGISTRY_COLUMNS)]
