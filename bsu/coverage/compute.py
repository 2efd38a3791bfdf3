"""Coverage (Universal Coverage Jamsostek, UCJ): how many workers on the rosters are
protected by BPJS Ketenagakerjaan, per employer and per work region, and who is not yet.

Pure: decisions in, tables out; no files. The numbers come from the participant registry
(``Decisions.evidence.registry``), never from what a roster claims, so without a loaded
registry there is no coverage (``registry_missing``).

Every roster row falls in exactly one class:

- ``active``: found in the registry with status active (registered and active);
- ``inactive``: found in the registry but not active (status inactive, or no status in
  the extract: not shown to be protected);
- ``not_registered``: a well-formed NIK the registry does not hold;
- ``nik_unusable``: a NIK the engine does not look up (missing, not 16 digits, typed as a
  number that lost digits, or naming no province or birth date: ``nik_valid``). Counted
  apart: these may well be registered.

**Coverage % = registered and active ÷ workers on the rosters × 100** (``active /
workers``), rounded down to one decimal so that 100% means every worker. The denominator
is every roster row, unusable NIKs included: a worker is counted covered only when the
registry shows it. A worker listed on two employers' rosters counts once on each
(coverage is per employer).

The employer is the roster file (``source``). The region is the work region the engine
resolved (``region_code``), its province the code's first two digits, both named from the
rule set's region table; rows whose region was not resolved to one code are counted under
``UNKNOWN_REGION``. The outreach list holds the workers not yet protected (not registered,
or registered but not active), in roster order, with their full NIK: it is what a branch
uses to register them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bsu.core.engine import Decisions
from bsu.core.ruleset import LANGS, Lang
from bsu.core.words import both, say
from bsu.errors import BsuError
from bsu.values import vocabulary

ACTIVE = "active"
INACTIVE = "inactive"
NOT_REGISTERED = "not_registered"
NIK_UNUSABLE = "nik_unusable"
CLASSES = (ACTIVE, INACTIVE, NOT_REGISTERED, NIK_UNUSABLE)
COUNTS = ("workers", *CLASSES)
OUTREACH = (NOT_REGISTERED, INACTIVE)  # who the branch contacts, and why

UNKNOWN_REGION = "Tidak diketahui / Unknown"
# Why a worker is on the outreach list: the catalogue key of each reason.
WHY = {NOT_REGISTERED: "coverage_why_not_registered", INACTIVE: "coverage_why_inactive"}


class _Labels(Mapping[str, dict[str, str]]):
    """Column headings by language (``LABELS[lang][column]``), shared by the workbook and
    the terminal; worded in ``rules/words/coverage.yaml`` (``coverage_column_*``)."""

    COLUMNS = (
        "employer",
        "province_code",
        "province",
        "region_code",
        "region",
        "workers",
        *CLASSES,
        "coverage_pct",
        "source",
        "sheet",
        "row",
        "nik",
        "name",
        "region_raw",
        "why",
        "why_text",
        "employers",
        "outreach",
    )

    def __getitem__(self, lang: str) -> dict[str, str]:
        if lang not in LANGS:
            raise KeyError(lang)
        return {c: say(f"coverage_column_{c}", lang) for c in self.COLUMNS}

    def __iter__(self) -> Iterator[str]:
        return iter(LANGS)

    def __len__(self) -> int:
        return len(LANGS)


LABELS = _Labels()

EMPLOYER_COLUMNS = ("employer", *COUNTS, "coverage_pct")
REGION_COLUMNS = ("province_code", "province", "region_code", "region", *COUNTS, "coverage_pct")
PROVINCE_COLUMNS = ("province_code", "province", *COUNTS, "coverage_pct")
OUTREACH_COLUMNS = (
    "source",
    "sheet",
    "row",
    "nik",
    "name",
    "employer",
    "province",
    "region_code",
    "region",
    "region_raw",
    "why",
    "why_text",
)


def registry_missing() -> BsuError:
    """Coverage needs the registry: a roster's own claims prove nothing."""
    return BsuError(
        *both("coverage_registry_missing"),
        code="registry_missing",
    )


@dataclass(frozen=True)
class Coverage:
    """Coverage of one set of rosters: tables with the columns named in ``*_COLUMNS``.

    ``coverage_pct`` = ``active`` / ``workers`` × 100 (registered and active over every
    worker on the rosters), rounded down to one decimal; ``None`` for no workers.
    """

    by_employer: pd.DataFrame
    by_region: pd.DataFrame
    totals: dict[str, Any]
    outreach: pd.DataFrame
    by_province: pd.DataFrame
    lang: Lang = "id"
    ruleset: dict[str, str] = field(default_factory=dict)
    registry: tuple[str, ...] = ()  # the registry extracts the rows came from

    @property
    def definition(self) -> str:
        return say("coverage_definition", self.lang)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values (no NaN, no numpy types): what the API serves."""
        return {
            "lang": self.lang,
            "ruleset": dict(self.ruleset),
            "registry": list(self.registry),
            "definition": self.definition,
            "totals": {k: _plain(v) for k, v in self.totals.items()},
            "by_employer": _records(self.by_employer),
            "by_region": _records(self.by_region),
            "by_province": _records(self.by_province),
            "outreach": _records(self.outreach),
        }


def compute(decisions: Decisions, lang: Lang = "id") -> Coverage:
    """Coverage of the decided rows; raises ``registry_missing`` without a registry."""
    registry = decisions.evidence.registry
    if registry is None:
        raise registry_missing()
    f = decisions.frame
    klass = _classify(f)
    employer = _text(f["source"]).replace("", say("coverage_no_file", lang))
    province_code, province, region_code, region = _regions(f, decisions, lang)
    dummies = pd.DataFrame(
        {c: klass.eq(c).astype(np.int64) for c in CLASSES}, index=f.index
    ).assign(workers=1)

    by_employer = _counted(dummies, {"employer": employer}, EMPLOYER_COLUMNS)
    by_region = _counted(
        dummies,
        {
            "province_code": province_code,
            "province": province,
            "region_code": region_code,
            "region": region,
        },
        REGION_COLUMNS,
    )
    by_province = _counted(
        dummies, {"province_code": province_code, "province": province}, PROVINCE_COLUMNS
    )
    sums = {c: int(dummies[c].sum()) for c in COUNTS}
    totals: dict[str, Any] = {
        **sums,
        "coverage_pct": _pct(sums[ACTIVE], sums["workers"]),
        "employers": int(employer.nunique()),
        "outreach": sums[NOT_REGISTERED] + sums[INACTIVE],
    }

    reach = klass.isin(OUTREACH).to_numpy()
    why = klass[reach]
    outreach = pd.DataFrame(
        {
            "source": f["source"][reach],
            "sheet": f["sheet"][reach],
            "row": f["row"][reach],
            "nik": f["nik_display"][reach],
            "name": f["name_raw"][reach].replace("", None),
            "employer": employer[reach],
            "province": province[reach],
            "region_code": region_code[reach],
            "region": region[reach],
            "region_raw": f["region_raw"][reach],
            "why": why,
            "why_text": why.map({k: say(key, lang) for k, key in WHY.items()}),
        }
    ).reset_index(drop=True)
    outreach = outreach.astype(object).where(outreach.notna(), None)

    labels = registry["label"].dropna().astype(str)
    return Coverage(
        by_employer=by_employer,
        by_region=by_region,
        totals=totals,
        outreach=outreach,
        by_province=by_province,
        lang=lang,
        ruleset={"id": decisions.ruleset.id, "version": decisions.ruleset.version},
        registry=tuple(sorted(set(labels[labels.ne("")]))),
    )


def _classify(f: pd.DataFrame) -> pd.Series:
    """One class per row, from the registry's answer (never from the roster's claim)."""
    found = f["participant_found"].astype("boolean")
    unusable = found.isna().to_numpy()
    registered = found.fillna(False).to_numpy(dtype=bool)
    active = registered & f["status_value"].eq(vocabulary.ACTIVE).fillna(False).to_numpy(bool)
    klass = np.select(
        [unusable, active, registered],
        [NIK_UNUSABLE, ACTIVE, INACTIVE],
        default=NOT_REGISTERED,
    )
    return pd.Series(klass, index=f.index, dtype=object)


def _regions(
    f: pd.DataFrame, decisions: Decisions, lang: Lang
) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Per row: province code and name, region code and name ("" and ``UNKNOWN_REGION``
    where the engine resolved no single region)."""
    code = _text(f["region_code"])
    regions = decisions.ruleset.regions
    names = pd.Series(regions["name"].to_numpy(), index=regions["code"].astype(str))
    province_code = code.str[:2]
    province = province_code.map(names)
    region = code.map(names)
    province_level = code.str.len().eq(2)
    region = region.where(~province_level, province + say("coverage_province_only", lang))
    known = region.notna() & province.notna()
    return (
        province_code.where(known, ""),
        province.where(known, UNKNOWN_REGION).astype(object),
        code.where(known, ""),
        region.where(known, UNKNOWN_REGION).astype(object),
    )


def _counted(
    dummies: pd.DataFrame, keys: dict[str, pd.Series], columns: tuple[str, ...]
) -> pd.DataFrame:
    """Counts of each class per key, with the coverage percentage; unknown regions last."""
    grouped = (
        dummies.assign(**keys)
        .groupby(list(keys), sort=True, dropna=False)[list(COUNTS)]
        .sum()
        .reset_index()
    )
    grouped["coverage_pct"] = _pcts(grouped[ACTIVE], grouped["workers"])
    if "province" in keys:
        unknown = grouped["province"].eq(UNKNOWN_REGION)
        grouped = pd.concat([grouped[~unknown], grouped[unknown]])
    for c in COUNTS:
        grouped[c] = grouped[c].astype(np.int64)
    return grouped[list(columns)].reset_index(drop=True)


def _pcts(part: pd.Series, whole: pd.Series) -> pd.Series:
    """part ÷ whole × 100, rounded down to one decimal (so 100% means every worker); NaN
    where whole is 0. Integer arithmetic: 2 of 3 is 66.6, never 66.66666667."""
    tenths = (part.astype(np.int64) * 1000) // whole.where(whole.gt(0))
    return tenths / 10


def _pct(part: int, whole: int) -> float | None:
    return (part * 1000 // whole) / 10 if whole else None


def _text(values: pd.Series) -> pd.Series:
    """Text cells as plain ``str`` objects, missing as ""."""
    return values.astype(object).where(values.notna(), "").astype(str).astype(object)


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _plain(value.item())
    return value


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain values: object columns hold Python ints, floats, str, None."""
    boxed = table.astype(object)
    return boxed.where(boxed.notna(), None).to_dict("records")  # type: ignore[return-value]
