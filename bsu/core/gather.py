"""The facts a decision is made from: every roster field parsed, evidence applied.

Each field is read by the parser its declaration names (``bsu.core.fields``); the raw text
is kept for messages. Loaded evidence then outranks the roster: a registry extract for the
NIKs it can be asked about, and each exclusion list for the field its kind proves
(``evidence.LIST_KINDS``). The checks read the columns gathered here by name.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pandas as pd

from bsu.core import duplicates, wages
from bsu.core.evidence import NO_EVIDENCE, Evidence, ExclusionList, proof_of
from bsu.core.fields import EVIDENCE_COLUMNS, REGISTRY, field
from bsu.core.records import LOCATION, SOURCE
from bsu.core.ruleset import RuleSet
from bsu.values import nik, region, vocabulary, wage
from bsu.values.text import as_text

ROSTER = "roster"
# The registry's months gathered for ``active_participant`` (month numbers, ``dates``).
MONTH_COLUMNS = ("last_paid_month", "nonactive_month")
# Registry columns kept per row as ``registry_<column>`` (None where the NIK is not found).
REGISTRY_KEPT = ("employer_id", "employer_name", "phone", "email")


def gather(
    records: pd.DataFrame,
    ruleset: RuleSet,
    evidence: Evidence = NO_EVIDENCE,
    niks: tuple[pd.Series, pd.Series] | None = None,
    *,
    separate_sources: bool = False,
) -> pd.DataFrame:
    """Parse every field into typed evidence; keep the raw text for messages.

    ``niks``: ``nik.clean`` of the records' NIKs, when the caller has it already. With
    ``separate_sources`` a NIK repeated in two sources is no duplicate."""
    # Columns are gathered in a dict and framed once: adding some fifty columns one by
    # one to a DataFrame was the largest fixed cost of checking a single worker.
    ev: dict[str, Any] = {column: records[column] for column in LOCATION}
    for declared in REGISTRY:
        ev[f"{declared.name}_raw"] = as_text(records[declared.name], remember=not declared.personal)
    given = {"nik": niks} if niks is not None else {}
    for declared in REGISTRY:
        if declared.parser is None:
            continue
        parsed = given.get(declared.name) or declared.parser(records[declared.name])
        outputs = parsed if isinstance(parsed, tuple) else (parsed,)
        for column, values in zip(declared.parsed, outputs, strict=True):
            ev[column] = values
    # What to show for a NIK: the cleaned digits, or as typed when it was a number.
    ev["nik_display"] = ev["nik"].where(~ev["nik_numeric"], ev["nik_raw"])
    problems = nik.check(ev["nik"], _province_codes(ruleset))
    for column in problems.columns:
        ev[f"nik_{column}"] = problems[column] & ~ev["nik_numeric"]
    # Only a NIK with no problem of form identifies a worker (and can be looked up).
    ev["nik_valid"] = ~ev["nik_numeric"] & ~problems.any(axis=1)
    _regional_caps(ev, records, ruleset)
    for column in EVIDENCE_COLUMNS:
        ev[column] = ROSTER
    ev["participant_found"] = pd.Series(pd.NA, index=records.index, dtype="boolean")
    # Months only a registry extract gives (the last one paid, BLTH NA); none without it.
    for column in MONTH_COLUMNS:
        ev[column] = pd.Series(pd.NA, index=records.index, dtype="Int64")
    # The wage judged: the total as written, or built from its parts (``core.wages``).
    ev.update(wages.build(ev, float(ruleset.param("wage_daily_factor"))))
    ev["roster_wage"] = ev["wage"]
    gathered = pd.DataFrame(ev, index=records.index)
    # Plain labels: pandas 3 would keep them as Arrow strings, copied on every insert.
    gathered.columns = pd.Index(list(gathered.columns), dtype=object)
    if evidence.registry is not None:
        _apply_registry(gathered, evidence.registry, evidence.registry_label, evidence.scoped)
    for listed in evidence.lists:
        _apply_list(gathered, listed)
    if separate_sources:
        gathered["duplicate_scope"] = records[SOURCE].astype(str)
    gathered["duplicate_of"], gathered["duplicate_elsewhere"] = duplicates.find(gathered)
    if evidence.claims is not None:
        gathered["duplicate_elsewhere"] = duplicates.with_uploads(
            gathered["duplicate_elsewhere"],
            gathered["nik"],
            gathered["nik_valid"],
            evidence.claims,
        )
    return gathered


@cache
def _province_codes(ruleset: RuleSet) -> set[str]:
    regions = ruleset.regions
    return set(regions.loc[regions["level"] == "province", "code"])


def _regional_caps(ev: dict[str, Any], records: pd.DataFrame, ruleset: RuleSet) -> None:
    """The range of caps each row's region allows, by the round's regional rule."""
    general = float(ruleset.param("wage_cap_idr"))
    if "regional_cap_rounding_idr" not in ruleset.spec.parameters:
        # No regional rule in this round: one cap everywhere.
        for column, value in (("cap_min", general), ("cap_max", general)):
            ev[column] = value
        ev["region_state"] = region.FOUND
        for column in ("region_code", "region_kind", "region_name"):
            ev[column] = None
        ev["region_amount"] = float("nan")
        return
    resolved = region.resolve(index_for(ruleset), records["region"], records["province"])
    for column in resolved.columns:
        named = column if column.startswith(("cap", "region_")) else f"region_{column}"
        ev[named] = resolved[column]
    if ruleset.minimum_wages.empty:
        # A regional rule whose minimum wages are not sourced: above the general cap,
        # no wage can be judged.
        ev["cap_min"] = general
        ev["cap_max"] = float("inf")
        ev["region_state"] = region.UNSOURCED


@cache
def index_for(ruleset: RuleSet) -> region.RegionIndex:
    """The region lookup of a rule set, built once (rule sets compare by identity)."""
    return region.build_index(
        ruleset.regions,
        ruleset.minimum_wages,
        float(ruleset.param("wage_cap_idr")),
        float(ruleset.spec.parameters["regional_cap_rounding_idr"].value),  # type: ignore[arg-type]
    )


def _apply_registry(
    ev: pd.DataFrame, registry: pd.DataFrame, label: str, scoped: bool = False
) -> None:
    """The registry outranks the roster for every NIK it can be asked about. A scoped
    registry (one employer's share) could be asked only about the NIKs it holds: the rest
    keep the roster's values, as if no registry were loaded."""
    lookable = ev["nik_valid"]
    if scoped:
        lookable = lookable & ev["nik"].isin(registry.index)
    found = lookable & ev["nik"].isin(registry.index)
    row = registry.reindex(ev["nik"].where(found)).set_axis(ev.index)
    ev.loc[lookable, "evidence_participation"] = "registry"
    ev["participant_found"] = found.where(lookable).astype("boolean")
    ev["registry_label"] = row["label"].where(found, label)
    # Who the registry places the worker at, and its contacts: read by coverage only
    # (``bsu.coverage.employers``, the outreach list), never by a criterion.
    for column in REGISTRY_KEPT:
        ev[f"registry_{column}"] = row[column].astype(object).where(found, None)
    # A field the extract leaves blank is no evidence: the roster's value stands for it.
    status = found & row["status"].notna()
    ev.loc[status, "status_value"] = row.loc[status, "status"]
    ev.loc[status, "participant_status_raw"] = (
        row.loc[status, "status"].map(_STATUS_WORDS).astype(object)
    )
    category = found & row["category"].notna()
    ev.loc[category, "category_value"] = row.loc[category, "category"]
    ev.loc[category, "category_empty"] = False
    ev.loc[category, "participant_category_raw"] = row.loc[category, "category"]
    registered = found & row["registered_on"].notna()
    ev.loc[registered, "registered_on"] = row.loc[registered, "registered_on"]
    ev.loc[registered, "registered_on_empty"] = False
    citizen = found & row["nationality"].notna()
    ev.loc[citizen, "nationality_value"] = row.loc[citizen, "nationality"]
    ev.loc[citizen, "nationality_empty"] = False
    ev.loc[citizen, "nationality_raw"] = (
        row.loc[citizen, "nationality"].map(_NATIONALITY_WORDS).astype(object)
    )
    ev.loc[citizen, "evidence_nationality"] = "registry"
    # A month that is missing or could not be read stays NA: the status decides then.
    for column in MONTH_COLUMNS:
        ev[column] = row[column].where(found).astype("Int64")
    reported = found & row["reported_wage"].notna()
    ev.loc[reported, "wage"] = row.loc[reported, "reported_wage"]
    ev.loc[reported, "wage_form"] = wage.WageForm.OK.value
    ev.loc[reported, "wage_basis"] = wages.REGISTRY
    ev.loc[reported, "wage_unread"] = None
    ev.loc[reported, "evidence_wage"] = "registry"


_STATUS_WORDS = {vocabulary.ACTIVE: "Aktif", vocabulary.INACTIVE: "Nonaktif"}
_NATIONALITY_WORDS = {vocabulary.CITIZEN: "WNI", vocabulary.FOREIGN: "WNA"}


def _apply_list(ev: pd.DataFrame, listed: ExclusionList) -> None:
    """A NIK on a loaded exclusion list is excluded, whatever the roster says: the list's
    kind names the field it overrules and the value it proves (``evidence.LIST_KINDS``);
    a kind with no such entry is refused, never taken for another list."""
    proof = proof_of(listed.kind)
    overruled = field(proof.field)
    if overruled.evidence is None:
        raise KeyError(f"{overruled.name}: a list overrules it, so it needs an evidence column")
    hit = ev["nik"].isin(listed.niks) & ~ev["nik_numeric"]
    ev.loc[hit, overruled.value_column] = proof.value
    if proof.shown is not None:
        ev.loc[hit, f"{overruled.name}_raw"] = proof.shown
    ev.loc[hit, overruled.evidence] = f"list:{listed.kind}"
