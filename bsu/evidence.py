"""Evidence held by BPJS Ketenagakerjaan branch staff, as the engine receives it.

An employer's roster only claims that a worker is an active PU participant and not a PKH
recipient. A participant registry extract and exclusion lists (ASN, TNI, Polri, PKH) are
stronger evidence and, when loaded, outrank the roster. This module holds them as plain
tables; loading them from the store is ``bsu.store.evidence``'s job.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

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
class Evidence:
    """Registry rows for the NIKs being checked, and the exclusion lists loaded."""

    registry: pd.DataFrame | None = None
    lists: tuple[ExclusionList, ...] = field(default_factory=tuple)
    # The extract a NIK was looked up in when it is absent (rows carry their own label).
    registry_label: str = ""

    @property
    def empty(self) -> bool:
        return self.registry is None and not self.lists


NO_EVIDENCE = Evidence()


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
