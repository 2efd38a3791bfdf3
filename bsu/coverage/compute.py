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

The employer is named by identity (``bsu.coverage.employers.identify``): the NPP most of a
roster's workers have in the registry, else the roster's NPP column, else the uploading
key's employer id, with the company name the registry gives that NPP ("PT Maju Jaya (NPP
12345678)"); the roster file's name only when none of these says. Rows of two files with
the same NPP count under one employer. The per-employer table says how each employer was
identified (``basis``: the best way any of its files was).

The region is the work region the engine resolved (``region_code``), its province the
code's first two digits, both named from the rule set's region table; rows whose region
was not resolved to one code are counted under ``UNKNOWN_REGION``.

The outreach list holds the workers not yet protected (not registered, or registered but
not active), grouped by employer (sorted by its name, the employer in the first column so
that staff can filter it in Excel), then in roster order, with their full NIK: it is what a
branch uses to register them. With each: the status in words, the last month whose
contribution was paid (from the registry; "Februari 2025"), and the phone and e-mail the
roster gives, else the registry's. Those contacts are personal data, for branch staff only
(as the coverage report is).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bsu.core.engine import Decisions
from bsu.core.explain import format_months
from bsu.core.ruleset import LANGS, Lang
from bsu.core.words import both, say
from bsu.coverage.employers import BASES, identify
from bsu.coverage.employers import text as stripped
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
        "npp",
        "employer_name",
        "basis",
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
        "status",
        "last_paid_month",
        "phone",
        "email",
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

EMPLOYER_COLUMNS = ("employer", "npp", "employer_name", "basis", *COUNTS, "coverage_pct")
REGION_COLUMNS = ("province_code", "province", "region_code", "region", *COUNTS, "coverage_pct")
PROVINCE_COLUMNS = ("province_code", "province", *COUNTS, "coverage_pct")
OUTREACH_COLUMNS = (
    "employer",
    "npp",
    "source",
    "sheet",
    "row",
    "nik",
    "name",
    "status",
    "last_paid_month",
    "phone",
    "email",
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


def compute(
    decisions: Decisions, lang: Lang = "id", *, key_employer_id: str | None = None
) -> Coverage:
    """Coverage of the decided rows; raises ``registry_missing`` without a registry.

    ``key_employer_id``: the employer id of the key that uploaded the rosters, which names
    a roster's employer when neither the registry nor the roster does."""
    registry = decisions.evidence.registry
    if registry is None:
        raise registry_missing()
    f = decisions.frame
    klass = _classify(f)
    employers = _employers(decisions, key_employer_id, lang)
    who = employers.reindex(stripped(f["source"]).to_numpy())
    employer = pd.Series(who["label"].to_numpy(dtype=object), index=f.index)
    province_code, province, region_code, region = _regions(f, decisions, lang)
    dummies = pd.DataFrame(
        {c: klass.eq(c).astype(np.int64) for c in CLASSES}, index=f.index
    ).assign(workers=1)

    by_employer = _counted(
        dummies,
        {
            "employer": employer,
            "npp": pd.Series(who["npp"].fillna("").to_numpy(dtype=object), index=f.index),
            "employer_name": pd.Series(
                who["name"].fillna("").to_numpy(dtype=object), index=f.index
            ),
            "basis": pd.Series(who["best_basis"].to_numpy(dtype=object), index=f.index),
        },
        EMPLOYER_COLUMNS,
    )
    for column in ("npp", "employer_name"):
        by_employer[column] = by_employer[column].astype(object).replace("", None)
    by_employer = by_employer.sort_values("employer", key=_casefold, kind="stable")
    by_employer = by_employer.reset_index(drop=True)
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
        "employers": len(by_employer),
        "outreach": sums[NOT_REGISTERED] + sums[INACTIVE],
    }

    reach = klass.isin(OUTREACH).to_numpy()
    why = klass[reach]
    outreach = pd.DataFrame(
        {
            "employer": employer[reach],
            "npp": who["npp"].to_numpy(dtype=object)[reach],
            "source": f["source"][reach],
            "sheet": f["sheet"][reach],
            "row": f["row"][reach],
            "nik": f["nik_display"][reach],
            "name": f["name_raw"][reach].replace("", None),
            "status": why.map({k: say(f"employers_status_{k}", lang) for k in OUTREACH}),
            "last_paid_month": format_months(f["last_paid_month"][reach], lang),
            "phone": _contact(f, "phone")[reach],
            "email": _contact(f, "email")[reach],
            "province": province[reach],
            "region_code": region_code[reach],
            "region": region[reach],
            "region_raw": f["region_raw"][reach],
            "why": why,
            "why_text": why.map({k: say(key, lang) for k, key in WHY.items()}),
        }
    )
    # Grouped by employer (by name), each employer's workers in roster order.
    outreach = outreach.sort_values("employer", key=_casefold, kind="stable")
    outreach = outreach.reset_index(drop=True)
    for column in ("last_paid_month", "phone", "email"):
        outreach[column] = outreach[column].replace("", None)
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


def _employers(decisions: Decisions, key_employer_id: str | None, lang: Lang) -> pd.DataFrame:
    """Each roster's identity (``employers.identify``), with ``best_basis``: the best way
    any roster of the same employer (label) was identified, which its row in the
    per-employer table shows."""
    employers = identify(decisions, key_employer_id, lang=lang)
    rank = employers["basis"].map({b: i for i, b in enumerate(BASES)})
    best = (
        employers.assign(rank=rank)
        .sort_values("rank", kind="stable")
        .drop_duplicates("label")
        .set_index("label")["basis"]
    )
    return employers.assign(best_basis=employers["label"].map(best))


def _casefold(names: pd.Series) -> pd.Series:
    """Employers sorted as people read a list: "c.csv" before "PT Alfa"."""
    return names.astype(str).str.casefold()


def _contact(f: pd.DataFrame, column: str) -> pd.Series:
    """The roster's ``phone``/``email`` cell, else the registry's; "" where neither."""
    roster = stripped(f[f"{column}_raw"])
    kept = f"registry_{column}"
    if kept not in f:  # no registry row was looked up
        return roster
    return roster.where(roster.ne(""), stripped(f[kept]))


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
