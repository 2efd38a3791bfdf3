"""Regional Universal Coverage Jamsostek (UCJ) from the registry alone: protected
participants per regency/city and province divided by the imported workforce universe,
against imported targets, over the registry snapshots; and arrears per employer.

Pure: frames in (``bsu.store.coverage`` loaders' columns), frames and words out.

CONTRACT (helper "regional-report" implements; the API/page helper imports it).

How the figures are made (each output says the denominator in words, ``denominator``):

- **Protected** = active participants PU + BPU, plus active Jakon (construction workers
  under a project) counted apart in ``active_jakon``. Adding Jakon changes nothing when
  the extract holds none; when it holds some, ``denominator`` says they are added.
  Active participants of another category (PMI, none) are not protected PU/BPU: counted
  in ``totals["active_other"]`` and said in ``missing``. ``inactive`` is every participant
  not shown active (status inactive or none), any category.
- **Regions**: a participant's region code is a regency/city ("61.72", counted there and
  in its province "61"), a province only ("61": counted in the province and in no
  regency, in a row "(kabupaten/kota tidak diketahui)" under it), or none or unknown to
  the rule set's region table (a row "(wilayah tidak diketahui)" in both tables, in the
  national totals, in no province). Nobody is dropped.
- **Universe** (the denominator) = potential PU + potential BPU of the region, from the
  universe in use; a missing half counts as 0, both missing is no universe. A province's
  universe is its own row when imported (``universe_basis`` "imported"), else the sum of
  its regencies' rows ("summed"); then only the participants of those regencies are in
  its percentage (the note says how many are not). The national figure likewise: a row
  ``NATIONAL`` when imported, else the sum of the provinces'.
- **Coverage %** = protected ÷ universe × 100, one decimal, rounded down (as
  ``bsu.coverage.compute`` does); above 100% when the registry counts more than the
  universe, shown as it is, with a note on the row and a warning in ``missing``.
  **Not protected** = universe - protected, never below 0.
- **Target** for the report's year: the region's, else its province's, else the national
  one (``target_level`` says which). **Gap** = ceil(target % × universe / 100) -
  protected, 0 when met; computed in integers (46,80% of 1.000 is 468, not 469).
- **Trend**: per snapshot (a registry import; of two imports with the same date, the
  later), per regency, province and the nation: protected, universe (the one in use) and
  coverage %. ``change_pct`` = latest minus previous snapshot's coverage, in % points.

Beyond the contract's columns, both tables carry ``target_level`` ("region",
"province", "national") and ``note`` (words), and ``provinces`` carries
``universe_basis``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bsu.core.explain import format_date, format_months, join_cells
from bsu.core.ruleset import Lang
from bsu.core.words import say
from bsu.coverage.compute import _pcts, _plain
from bsu.values import dates, vocabulary
from bsu.values.numbers import count, percent

# Columns of ``RegionalReport.regencies`` (``provinces`` has the same without region_*;
# ``level`` is "regency" or "province").
REGION_COLUMNS = (
    "province_code",
    "province",
    "region_code",
    "region",
    "active_pu",
    "active_bpu",
    "active_jakon",
    "protected",  # active PU + BPU (+ JAKON when the extract says so)
    "inactive",
    "universe_pu",
    "universe_bpu",
    "universe",  # the denominator: potential PU + BPU; NA without a universe row
    "not_protected",  # universe - protected, NA without a universe
    "coverage_pct",  # protected / universe x 100, one decimal, rounded down; NA without
    "target_pct",  # the target for ``year`` (region's, else its province's), NA without
    "target_source",
    "gap",  # workers still to protect to reach the target (0 when met), NA without
    "change_pct",  # coverage % points since the previous snapshot, NA for the first
)
TREND_COLUMNS = ("as_of", "level", "code", "name", "protected", "universe", "coverage_pct")

# Beyond the contract (see the module's docstring).
REGENCY_COLUMNS = (*REGION_COLUMNS, "target_level", "note")
PROVINCE_COLUMNS = (
    *(c for c in REGION_COLUMNS if c not in ("region_code", "region")),
    "universe_basis",
    "target_level",
    "note",
)
NATIONAL = "ID"  # the national code, as bsu.store.coverage.NATIONAL (a test holds them equal)
IMPORTED, SUMMED = "imported", "summed"
COUNT_COLUMNS = ("active_pu", "active_bpu", "active_jakon", "protected", "inactive")
EMPLOYER_COLUMNS = (
    "employer_id",
    "employer_name",
    "registered",
    "active",
    "inactive",
    "arrears",
    "message",
)
WORKER_COLUMNS = (
    "employer_id",
    "employer_name",
    "nik",
    "kpj",
    "name",
    "region_code",
    "region",
    "category",
    "status",
    "last_contribution",
    "nonactive_since",
    "phone",
    "email",
    "why",
    "why_text",
)

_UNKNOWN = "?"  # the key of participants with no known region (sorts after every code)
_PROVINCE_ONLY = "|"  # "61|": the province's participants with no regency (sorts last in it)
_CATEGORIES = {"PU": "active_pu", "BPU": "active_bpu", "JAKON": "active_jakon"}


@dataclass(frozen=True)
class RegionalReport:
    lang: Lang
    year: int
    as_of: Any  # dt.date of the latest snapshot, None without any
    regencies: pd.DataFrame
    provinces: pd.DataFrame
    totals: dict[str, Any]  # over the regions with a universe, plus the national target
    trend: pd.DataFrame  # TREND_COLUMNS, one row per snapshot and region (and province)
    denominator: str  # in words: which denominator, from which source, as of when
    missing: list[str] = field(default_factory=list)  # what is missing, in words

    @property
    def has_universe(self) -> bool:
        return self.totals.get("universe_source") is not None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values (NA and NaN as None, dates as ISO text): what the API serves."""
        return {
            "lang": self.lang,
            "year": self.year,
            "as_of": _iso(self.as_of),
            "denominator": self.denominator,
            "missing": list(self.missing),
            "totals": {k: _iso(_plain(v)) for k, v in self.totals.items()},
            "regencies": records(self.regencies),
            "provinces": records(self.provinces),
            "trend": records(self.trend),
        }


@dataclass(frozen=True)
class Arrears:
    lang: Lang
    months: int
    as_of: Any
    employers: pd.DataFrame  # bsu.store.coverage.ARREARS_COLUMNS + "message" (words)
    workers: pd.DataFrame  # bsu.store.coverage.ARREARS_WORKER_COLUMNS + region, why_text

    def to_json(self, with_workers: bool = True) -> dict[str, Any]:
        """Plain JSON values; ``with_workers`` adds the call list (personal data)."""
        employers = self.employers
        doc: dict[str, Any] = {
            "lang": self.lang,
            "months": self.months,
            "as_of": _iso(self.as_of),
            "totals": {
                "employers": len(employers),
                **{c: int(employers[c].sum()) for c in ("registered", "inactive", "arrears")},
            },
            "employers": records(employers[list(EMPLOYER_COLUMNS)]),
        }
        if with_workers:
            doc["workers"] = records(self.workers[list(WORKER_COLUMNS)])
        return doc


# --- regional coverage -------------------------------------------------------------------


def regional(
    snapshots: pd.DataFrame,
    universe: pd.DataFrame,
    targets: pd.DataFrame,
    regions: pd.DataFrame,
    year: int,
    lang: Lang = "id",
) -> RegionalReport:
    """``regions``: the rule set's region table (``RuleSet.regions``: code, level, name,
    province_code, province_name)."""
    table = _Regions(regions, lang)
    snaps = _latest_per_day(snapshots)
    use = _Universe(universe, table)
    goal = _Targets(targets, year)
    if snaps.empty:
        return _without_snapshots(use, goal, year, lang)
    taken = snaps.drop_duplicates("import_id")[["import_id", "as_of"]].reset_index(drop=True)
    rows = _keyed(snaps, table)

    # Every region in any snapshot or in the universe, in every snapshot (0 where absent).
    regency_keys = sorted(set(rows["rkey"]) | set(use.regency.index))
    province_keys = sorted(
        set(rows["pkey"]) | set(use.province.index) | {table.parent(k) for k in regency_keys}
    )
    ids = list(taken["import_id"])
    by_regency = _sums(rows, "rkey", ids, regency_keys)
    by_province = _sums(rows, "pkey", ids, province_keys)
    national = _sums(rows.assign(nkey=NATIONAL), "nkey", ids, [NATIONAL])

    regency = _regency_figures(by_regency, table, use, goal)
    province = _province_figures(by_province, regency, table, use, goal)
    nation = _national_figures(national, province, use, goal)

    latest = ids[-1]
    previous = ids[-2] if len(ids) > 1 else None
    regencies = _latest(regency, latest, previous, "rkey", REGENCY_COLUMNS, lang)
    provinces = _latest(province, latest, previous, "pkey", PROVINCE_COLUMNS, lang)
    as_of = taken["as_of"].iloc[-1]
    trend = _trend(regency, province, nation, taken, lang)
    nation_now = _latest(nation, latest, previous, "nkey", (), lang)
    totals = _totals(nation_now, regencies, provinces, rows, latest, use, len(ids))
    words = _Words(lang, as_of, use, totals, year)
    return RegionalReport(
        lang=lang,
        year=int(year),
        as_of=as_of,
        regencies=regencies,
        provinces=provinces,
        totals=totals,
        trend=trend,
        denominator=words.denominator(),
        missing=words.missing(regencies, provinces, goal, len(ids)),
    )


def _without_snapshots(use: _Universe, goal: _Targets, year: int, lang: Lang) -> RegionalReport:
    """No registry snapshot: empty tables, and ``missing`` says what to import."""
    totals: dict[str, Any] = {
        "snapshots": 0,
        "regencies": 0,
        "provinces": 0,
        **dict.fromkeys((*COUNT_COLUMNS, "active_other"), 0),
        "jakon_in_extract": False,
        **dict.fromkeys(
            (
                "universe_pu",
                "universe_bpu",
                "universe",
                "universe_basis",
                "protected_in_universe",
                "not_protected",
                "coverage_pct",
            ),
            None,
        ),
        "target_pct": _plain(goal.pct.get(NATIONAL)),
        "target_source": _plain(goal.source.get(NATIONAL)),
        **dict.fromkeys(("gap", "change_pct"), None),
        "universe_source": use.source,
        "universe_as_of": use.as_of,
        "universe_filename": use.filename,
    }
    words = _Words(lang, None, use, totals, year)
    regencies = pd.DataFrame(columns=list(REGENCY_COLUMNS))
    provinces = pd.DataFrame(columns=list(PROVINCE_COLUMNS))
    return RegionalReport(
        lang=lang,
        year=int(year),
        as_of=None,
        regencies=regencies,
        provinces=provinces,
        totals=totals,
        trend=pd.DataFrame(columns=list(TREND_COLUMNS)),
        denominator=words.denominator(),
        missing=words.missing(regencies, provinces, goal, 0),
    )


class _Regions:
    """The rule set's region table, by code."""

    def __init__(self, regions: pd.DataFrame, lang: Lang) -> None:
        code = regions["code"].astype(str)
        self.level = pd.Series(regions["level"].to_numpy(), index=code)
        self.name = pd.Series(regions["name"].to_numpy(), index=code)
        self.province = pd.Series(regions["province_code"].astype(str).to_numpy(), index=code)
        self.lang = lang

    def parent(self, rkey: str) -> str:
        """The province key of a regency key."""
        if rkey == _UNKNOWN:
            return _UNKNOWN
        if rkey.endswith(_PROVINCE_ONLY):
            return rkey[: -len(_PROVINCE_ONLY)]
        return str(self.province.get(rkey, _UNKNOWN))

    def regency_labels(self, keys: pd.Series) -> pd.DataFrame:
        """province_code, province, region_code, region of regency keys."""
        unknown = keys.eq(_UNKNOWN)
        only = keys.str.endswith(_PROVINCE_ONLY) & ~unknown
        pcode = keys.map(self.province).where(~only, keys.str[: -len(_PROVINCE_ONLY)])
        pcode = pcode.where(~unknown, None)
        province = pcode.map(self.name).where(~unknown, say("regional_unknown_region", self.lang))
        region = keys.map(self.name)
        region = region.where(~only, say("regional_regency_unknown", self.lang))
        region = region.where(~unknown, say("regional_unknown_region", self.lang))
        return pd.DataFrame(
            {
                "province_code": pcode.astype(object),
                "province": province.astype(object),
                "region_code": keys.where(~(only | unknown), None).astype(object),
                "region": region.astype(object),
            }
        )

    def province_labels(self, keys: pd.Series) -> pd.DataFrame:
        unknown = keys.eq(_UNKNOWN)
        return pd.DataFrame(
            {
                "province_code": keys.where(~unknown, None).astype(object),
                "province": keys.map(self.name)
                .where(~unknown, say("regional_unknown_region", self.lang))
                .astype(object),
            }
        )


def _latest_per_day(snapshots: pd.DataFrame) -> pd.DataFrame:
    """The snapshots in order (as_of, import_id); of two with the same date, the later."""
    if snapshots.empty:
        return snapshots.assign(as_of=pd.Series(dtype=object))
    ordered = snapshots.sort_values(["as_of", "import_id"], kind="stable")
    last = ordered.groupby("as_of", sort=False)["import_id"].transform("max")
    return ordered[ordered["import_id"].eq(last)].reset_index(drop=True)


def _keyed(snaps: pd.DataFrame, table: _Regions) -> pd.DataFrame:
    """Snapshot rows with their regency key, province key and counts by kind."""
    code = snaps["region_code"].astype(object).where(snaps["region_code"].notna(), "")
    code = code.astype(str)
    level = code.map(table.level)
    regency = level.eq("regency").to_numpy(dtype=bool)
    province = level.eq("province").to_numpy(dtype=bool)
    pkey = np.where(regency, code.map(table.province), np.where(province, code, _UNKNOWN))
    rkey = np.where(regency, code, np.where(province, code + _PROVINCE_ONLY, _UNKNOWN))
    n = snaps["participants"].astype("int64")
    active = snaps["status"].eq(vocabulary.ACTIVE).fillna(False).astype(bool)
    category = snaps["category"].astype(object)
    counts = {c: n.where(active & category.eq(k), 0) for k, c in _CATEGORIES.items()}
    out = pd.DataFrame(
        {
            "import_id": snaps["import_id"],
            "rkey": rkey.astype(str),
            "pkey": pkey.astype(str),
            **counts,
            "active_other": n.where(active & ~category.isin(list(_CATEGORIES)), 0),
            "inactive": n.where(~active, 0),
            "jakon": n.where(category.eq("JAKON"), 0),  # any status: the extract says Jakon
        }
    )
    out["protected"] = out["active_pu"] + out["active_bpu"] + out["active_jakon"]
    return out


def _sums(rows: pd.DataFrame, key: str, ids: list[Any], keys: list[str]) -> pd.DataFrame:
    """Counts per snapshot and key, every key in every snapshot (0 where absent)."""
    columns = [*COUNT_COLUMNS, "active_other", "jakon"]
    summed = rows.groupby(["import_id", key], sort=False)[columns].sum()
    full = pd.MultiIndex.from_product([ids, keys], names=["import_id", key])
    return summed.reindex(full, fill_value=0).astype("int64").reset_index()


class _Universe:
    """The universe in use, by level: potential PU and BPU per code (float, NaN where
    not given), and where it came from."""

    def __init__(self, universe: pd.DataFrame, table: _Regions) -> None:
        u = universe.copy()
        code = u["region_code"].astype(str)
        halves = pd.DataFrame(
            {
                "universe_pu": pd.to_numeric(u["potential_pu"], errors="coerce").astype(float),
                "universe_bpu": pd.to_numeric(u["potential_bpu"], errors="coerce").astype(float),
            }
        ).set_index(code)
        level = code.map(table.level)
        self.regency = halves[level.eq("regency").to_numpy(dtype=bool)]
        self.province = halves[level.eq("province").to_numpy(dtype=bool)]
        self.national = halves[code.eq(NATIONAL).to_numpy(dtype=bool)]
        known = level.notna() | code.eq(NATIONAL)
        self.unknown_codes = sorted(set(code[~known]))
        first = u.iloc[0] if len(u) else None
        self.source = None if first is None else str(first["source"])
        self.as_of = None if first is None else first["as_of"]
        self.filename = None if first is None else str(first["filename"])

    @property
    def loaded(self) -> bool:
        return self.source is not None


class _Targets:
    """The targets of one year, by code: (target %, source)."""

    def __init__(self, targets: pd.DataFrame, year: int) -> None:
        of_year = targets[pd.to_numeric(targets["year"], errors="coerce").eq(year)]
        code = of_year["region_code"].astype(str)
        self.pct = pd.Series(of_year["target_pct"].astype(float).to_numpy(), index=code)
        self.source = pd.Series(of_year["source"].astype(object).to_numpy(), index=code)
        self.any = bool(len(of_year))

    def chosen(self, *candidates: pd.Series) -> pd.DataFrame:
        """Per row, the first candidate code that has a target: target_pct, target_source
        and target_level (the candidates' names)."""
        index = candidates[0].index
        pct = pd.Series(np.nan, index=index)
        source = pd.Series(None, index=index, dtype=object)
        level = pd.Series(None, index=index, dtype=object)
        for codes in candidates:
            found = codes.map(self.pct)
            take = pct.isna() & found.notna()
            pct = pct.where(~take, found)
            source = source.where(~take, codes.map(self.source))
            level = level.where(~take, codes.name)
        return pd.DataFrame({"target_pct": pct, "target_source": source, "target_level": level})


def _add_total(frame: pd.DataFrame) -> pd.DataFrame:
    """``universe`` = potential PU + potential BPU; a missing half counts as 0, both
    missing is no universe (NaN)."""
    both_missing = frame["universe_pu"].isna() & frame["universe_bpu"].isna()
    total = frame["universe_pu"].fillna(0) + frame["universe_bpu"].fillna(0)
    frame["universe"] = total.where(~both_missing)
    return frame


def _figures(frame: pd.DataFrame, counted: pd.Series) -> pd.DataFrame:
    """Coverage %, not protected and gap of ``counted`` protected (NaN where the row has
    no universe) against the universe and the target. The gap in integer arithmetic on
    float64 holding whole numbers (exact below 2**53)."""
    whole = frame["universe"]
    part = counted.fillna(0).astype("int64")
    frame["coverage_pct"] = _pcts(part, whole)
    frame["counted"] = counted
    frame["not_protected"] = (whole - part).clip(lower=0)
    frame["over"] = (part > whole).fillna(False).astype(bool)
    target = (frame["target_pct"].astype(float) * 10_000).round()  # percent x 10.000
    needed = -((-(target * whole)) // 1_000_000.0)  # ceil
    frame["gap"] = (needed - part).clip(lower=0)
    return frame


def _regency_figures(
    counts: pd.DataFrame, table: _Regions, use: _Universe, goal: _Targets
) -> pd.DataFrame:
    labels = table.regency_labels(counts["rkey"])
    frame = _add_total(pd.concat([counts, labels], axis=1).join(use.regency, on="rkey"))
    special = frame["region_code"].isna().to_numpy()
    chosen = goal.chosen(
        frame["region_code"].fillna("").rename("region"),
        frame["province_code"].fillna("").rename("province"),
        pd.Series(NATIONAL, index=frame.index, name="national"),
    )
    chosen[special] = None  # the rows of no one regency take no target
    frame = pd.concat([frame, chosen], axis=1)
    frame["has_universe"] = frame["universe"].notna()
    return _figures(frame, frame["protected"].astype(float).where(frame["has_universe"]))


def _province_figures(
    counts: pd.DataFrame,
    regency: pd.DataFrame,
    table: _Regions,
    use: _Universe,
    goal: _Targets,
) -> pd.DataFrame:
    frame = pd.concat([counts, table.province_labels(counts["pkey"])], axis=1)
    imported = frame[["pkey"]].join(use.province, on="pkey")
    # Summed: the regencies' universe rows, and the protected of those regencies only.
    with_universe = regency[regency["has_universe"]]
    grouped = with_universe.groupby(["import_id", "province_code"])
    summed = grouped[["universe_pu", "universe_bpu", "protected"]].sum(min_count=1)
    summed["regencies"] = grouped.size()
    summed = summed.reindex(pd.MultiIndex.from_frame(frame[["import_id", "pkey"]]))
    own = (imported["universe_pu"].notna() | imported["universe_bpu"].notna()).to_numpy(bool)
    add = summed["regencies"].notna().to_numpy(bool) & ~own
    for half in ("universe_pu", "universe_bpu"):
        frame[half] = np.where(
            own, imported[half].to_numpy(), np.where(add, summed[half].to_numpy(), np.nan)
        )
    frame = _add_total(frame)
    basis = pd.Series(None, index=frame.index, dtype=object)
    basis[own] = IMPORTED
    basis[add] = SUMMED
    frame["universe_basis"] = basis
    frame["summed_regencies"] = summed["regencies"].to_numpy()
    counted = np.where(own, frame["protected"].to_numpy(), summed["protected"].to_numpy())
    unknown = frame["province_code"].isna().to_numpy()
    chosen = goal.chosen(
        frame["province_code"].fillna("").rename("province"),
        pd.Series(NATIONAL, index=frame.index, name="national"),
    )
    chosen[unknown] = None
    frame = pd.concat([frame, chosen], axis=1)
    counted_series = pd.Series(counted, index=frame.index, dtype=float).where(own | add)
    return _figures(frame, counted_series)


def _national_figures(
    counts: pd.DataFrame, province: pd.DataFrame, use: _Universe, goal: _Targets
) -> pd.DataFrame:
    """The nation: its own universe row when imported, else the provinces' summed (with
    the protected each province counts in its percentage)."""
    frame = counts.copy()
    own = not use.national.empty
    with_universe = province[province["universe"].notna()]
    summed = with_universe.groupby("import_id")[["universe_pu", "universe_bpu", "counted"]]
    totals = summed.sum(min_count=1).reindex(frame["import_id"])
    for half in ("universe_pu", "universe_bpu"):
        frame[half] = use.national[half].iloc[0] if own else totals[half].to_numpy()
    frame = _add_total(frame)
    frame["universe_basis"] = IMPORTED if own else (SUMMED if len(with_universe) else None)
    if own:
        counted = frame["protected"].astype(float)
    else:
        counted = pd.Series(totals["counted"].to_numpy(), index=frame.index, dtype=float)
    frame["target_pct"] = float(goal.pct.get(NATIONAL, np.nan))
    frame["target_source"] = goal.source.get(NATIONAL)
    frame["target_level"] = "national" if NATIONAL in goal.pct.index else None
    return _figures(frame, counted.where(frame["universe"].notna()))


def _latest(
    frame: pd.DataFrame,
    latest: Any,
    previous: Any,
    key: str,
    columns: tuple[str, ...],
    lang: Lang,
) -> pd.DataFrame:
    """The latest snapshot's rows with the change since the previous one, and notes."""
    now = frame[frame["import_id"].eq(latest)].set_index(key)
    if previous is None:
        now["change_pct"] = np.nan
    else:
        before = frame[frame["import_id"].eq(previous)].set_index(key)["coverage_pct"]
        now["change_pct"] = (now["coverage_pct"] - before.reindex(now.index)).round(1)
    now = now.sort_index().reset_index()
    if not columns:
        return now
    now["note"] = _notes(now, lang)
    out = now.reindex(columns=list(columns))
    for c in (*COUNT_COLUMNS, "universe_pu", "universe_bpu", "universe", "not_protected", "gap"):
        out[c] = out[c].round().astype("Int64")
    for c in ("coverage_pct", "target_pct", "change_pct"):
        out[c] = out[c].astype(float)
    return out


def _notes(frame: pd.DataFrame, lang: Lang) -> pd.Series:
    """Per row, in words: the province-only and unknown rows, no universe, protected
    above the universe, a summed universe and who is outside it."""
    index = frame.index
    none = pd.Series(None, index=index, dtype=object)

    def when(mask: pd.Series | np.ndarray, text: str | pd.Series) -> pd.Series:
        return pd.Series(text, index=index, dtype=object).where(np.asarray(mask, bool), None)

    key = frame.get("rkey", frame.get("pkey"))
    assert key is not None
    any_universe = bool(frame["universe"].notna().any())
    parts = [
        when(key.str.endswith(_PROVINCE_ONLY), say("regional_note_province_only", lang)),
        when(key.eq(_UNKNOWN), say("regional_note_unknown", lang)),
        when(
            frame["universe"].isna() & key.ne(_UNKNOWN) & ~key.str.endswith(_PROVINCE_ONLY),
            say("regional_note_no_universe", lang),
        )
        if any_universe
        else none,
        when(frame["over"], say("regional_note_over", lang)),
    ]
    if "universe_basis" in frame:
        summed = frame["universe_basis"].eq(SUMMED)
        regencies = frame["summed_regencies"].fillna(0).astype("int64")
        parts.append(when(summed, _worded("regional_note_summed", lang, index, count=regencies)))
        outside = (frame["protected"] - frame["counted"].fillna(0)).astype("int64")
        parts.append(
            when(
                summed & outside.gt(0),
                _worded("regional_note_outside", lang, index, count=_counts(outside, lang)),
            )
        )
    return join_cells(pd.concat(parts, axis=1), "; ").replace("", None)


def _trend(
    regency: pd.DataFrame,
    province: pd.DataFrame,
    nation: pd.DataFrame,
    taken: pd.DataFrame,
    lang: Lang,
) -> pd.DataFrame:
    """TREND_COLUMNS: per snapshot, each regency and province with a code, and the nation."""
    as_of = dict(zip(taken["import_id"], taken["as_of"], strict=True))
    parts = []
    for level, frame, code, name in (
        ("regency", regency, "region_code", "region"),
        ("province", province, "province_code", "province"),
    ):
        known = frame[frame[code].notna()]
        parts.append(
            pd.DataFrame(
                {
                    "import_id": known["import_id"],
                    "level": level,
                    "code": known[code],
                    "name": known[name],
                    "protected": known["protected"],
                    "universe": known["universe"],
                    "coverage_pct": known["coverage_pct"],
                }
            )
        )
    parts.append(
        pd.DataFrame(
            {
                "import_id": nation["import_id"],
                "level": "national",
                "code": NATIONAL,
                "name": say("regional_national_name", lang),
                "protected": nation["protected"],
                "universe": nation["universe"],
                "coverage_pct": nation["coverage_pct"],
            }
        )
    )
    trend = pd.concat(parts, ignore_index=True)
    rank = {"national": 0, "province": 1, "regency": 2}
    trend["as_of"] = trend["import_id"].map(as_of)
    order = trend["import_id"].map({k: i for i, k in enumerate(as_of)})
    trend = trend.assign(_order=order, _rank=trend["level"].map(rank))
    trend = trend.sort_values(["_order", "_rank", "code"], kind="stable")
    out = trend.reindex(columns=list(TREND_COLUMNS)).reset_index(drop=True)
    out["as_of"] = out["as_of"].astype(object)
    for c in ("level", "code", "name"):
        out[c] = out[c].astype(object)
    out["protected"] = out["protected"].astype("int64")
    out["universe"] = out["universe"].round().astype("Int64")
    out["coverage_pct"] = out["coverage_pct"].astype(float)
    return out


def _totals(
    nation: pd.DataFrame,
    regencies: pd.DataFrame,
    provinces: pd.DataFrame,
    rows: pd.DataFrame,
    latest: Any,
    use: _Universe,
    snapshots: int,
) -> dict[str, Any]:
    """The nation at the latest snapshot: every participant counted, the percentage over
    the regions with a universe (``protected_in_universe``), the national target."""
    row = nation.iloc[0].to_dict()
    return {
        "snapshots": snapshots,
        "regencies": int(regencies["region_code"].notna().sum()),
        "provinces": int(provinces["province_code"].notna().sum()),
        **{c: int(row[c]) for c in (*COUNT_COLUMNS, "active_other")},
        "jakon_in_extract": bool(rows.loc[rows["import_id"].eq(latest), "jakon"].sum() > 0),
        "universe_pu": _int(row["universe_pu"]),
        "universe_bpu": _int(row["universe_bpu"]),
        "universe": _int(row["universe"]),
        "universe_basis": _plain(row["universe_basis"]),
        "protected_in_universe": _int(row["counted"]),
        "not_protected": _int(row["not_protected"]),
        "coverage_pct": _plain(row["coverage_pct"]),
        "target_pct": _plain(row["target_pct"]),
        "target_source": _plain(row["target_source"]),
        "gap": _int(row["gap"]),
        "change_pct": _plain(row["change_pct"]),
        "universe_source": use.source,
        "universe_as_of": use.as_of,
        "universe_filename": use.filename,
    }


class _Words:
    """The denominator and the missing lines of a report, in one language."""

    def __init__(
        self, lang: Lang, as_of: Any, use: _Universe, totals: dict[str, Any], year: int
    ) -> None:
        self.lang, self.as_of, self.use, self.totals, self.year = lang, as_of, use, totals, year

    def _date(self, value: Any) -> str:
        return format_date(value, self.lang) if isinstance(value, dt.date) else str(value)

    def denominator(self) -> str:
        lang = self.lang
        if self.as_of is None:
            return say("regional_denominator_no_registry", lang)
        jakon = self.totals["jakon_in_extract"]
        counted = say("regional_counted_with_jakon" if jakon else "regional_counted_pu_bpu", lang)
        if not self.use.loaded:
            return say(
                "regional_denominator_none",
                lang,
                counted=counted,
                registry_as_of=self._date(self.as_of),
            )
        return say(
            "regional_denominator",
            lang,
            counted=counted,
            source=self.use.source,
            as_of=self._date(self.use.as_of),
            filename=self.use.filename,
            registry_as_of=self._date(self.as_of),
        )

    def missing(
        self, regencies: pd.DataFrame, provinces: pd.DataFrame, goal: _Targets, snapshots: int
    ) -> list[str]:
        lang = self.lang
        lines: list[str] = []
        if snapshots == 0:
            lines.append(say("regional_missing_registry", lang))
        if not self.use.loaded:
            lines.append(say("regional_missing_universe", lang))
        if not goal.any:
            lines.append(say("regional_missing_targets", lang, year=self.year))
        if self.use.unknown_codes:
            codes = ", ".join(self.use.unknown_codes)
            lines.append(say("regional_missing_universe_codes", lang, codes=codes))
        if self.use.loaded:
            lacking = regencies[
                regencies["region_code"].notna()
                & regencies["universe"].isna()
                & regencies["protected"].gt(0)
            ]
            if len(lacking):
                names = ", ".join(lacking["region"].astype(str))
                lines.append(
                    say("regional_missing_region_universe", lang, count=len(lacking), names=names)
                )
        shown = ["region", "protected", "universe", "coverage_pct"]
        over = pd.concat(
            [regencies[shown], provinces.rename(columns={"province": "region"})[shown]]
        )
        over = over[over["coverage_pct"].gt(100)]
        for name, protected, universe, pct in over.itertuples(index=False, name=None):
            # the few rows over their universe, each said
            lines.append(
                say(
                    "regional_missing_over",
                    lang,
                    region=name,
                    protected=count(int(protected), lang),
                    universe=count(int(universe), lang),
                    pct=percent(float(pct), lang),
                )
            )
        only = regencies[regencies["region_code"].isna() & regencies["province_code"].notna()]
        if int(only["protected"].sum()):
            lines.append(
                say(
                    "regional_missing_province_only",
                    lang,
                    count=count(int(only["protected"].sum()), lang),
                    row=say("regional_regency_unknown", lang),
                )
            )
        unknown = regencies[regencies["province_code"].isna()]
        if int(unknown["protected"].sum()):
            lines.append(
                say(
                    "regional_missing_unknown",
                    lang,
                    count=count(int(unknown["protected"].sum()), lang),
                    row=say("regional_unknown_region", lang),
                )
            )
        if self.totals["active_other"]:
            lines.append(
                say(
                    "regional_missing_other_categories",
                    lang,
                    count=count(int(self.totals["active_other"]), lang),
                )
            )
        if snapshots == 1:
            lines.append(say("regional_missing_one_snapshot", lang, as_of=self._date(self.as_of)))
        return lines


# --- arrears -----------------------------------------------------------------------------


def arrears(
    employers: pd.DataFrame,
    workers: pd.DataFrame,
    regions: pd.DataFrame,
    months: int,
    lang: Lang = "id",
) -> Arrears:
    """Each employer's counts with a message in words, and the call list with each
    worker's region name and why in words. Says what the registry shows (non-active, last
    contribution too old), never why."""
    as_of = employers["as_of"].iloc[0] if len(employers) else None
    if as_of is None and "as_of" in workers and len(workers):
        as_of = workers["as_of"].iloc[0]
    date = format_date(as_of, lang) if isinstance(as_of, dt.date) else str(as_of or "")
    firms = employers.copy().reset_index(drop=True)
    for c in ("registered", "active", "inactive", "arrears"):
        firms[c] = firms[c].astype("int64")
    index = firms.index
    inactive = firms["inactive"].gt(0)
    late = firms["arrears"].gt(0)
    parts = pd.concat(
        [
            _worded(
                "regional_arrears_inactive", lang, index, count=_counts(firms["inactive"], lang)
            )
            .where(inactive, None)
            .rename("inactive"),
            _worded(
                "regional_arrears_late",
                lang,
                index,
                count=_counts(firms["arrears"], lang),
                months=str(months),
                date=date,
            )
            .where(late, None)
            .rename("late"),
        ],
        axis=1,
    )
    message = join_cells(parts, "; ")
    firms["message"] = message.where(inactive | late, say("regional_arrears_none", lang))
    _name_employers(firms, lang)

    people = workers.copy().reset_index(drop=True)
    _name_employers(people, lang)
    people["region"] = _region_names(people["region_code"], regions, lang)
    people["why_text"] = _why(people, months, date, lang)
    people = people.reindex(columns=list(WORKER_COLUMNS))
    return Arrears(lang=lang, months=int(months), as_of=as_of, employers=firms, workers=people)


def _name_employers(frame: pd.DataFrame, lang: Lang) -> None:
    """NPP as text ("" when the extract gives none); the participants with no NPP named
    "(tanpa NPP di ekstrak)" rather than left blank."""
    npp = frame["employer_id"].astype(object).where(frame["employer_id"].notna(), "")
    name = frame["employer_name"].astype(object)
    unnamed = npp.eq("") & (name.isna() | name.eq(""))
    frame["employer_id"] = npp
    frame["employer_name"] = name.where(~unnamed, say("regional_no_employer", lang))


def _region_names(codes: pd.Series, regions: pd.DataFrame, lang: Lang) -> pd.Series:
    table = _Regions(regions, lang)
    code = codes.astype(object).where(codes.notna(), "").astype(str)
    level = code.map(table.level)
    name = code.map(table.name)
    only = level.eq("province")
    province_only = name + " " + say("regional_regency_unknown", lang)
    name = name.where(~only, province_only)
    return name.where(level.notna(), say("regional_unknown_region", lang)).astype(object)


def _why(people: pd.DataFrame, months: int, date: str, lang: Lang) -> pd.Series:
    """Why each worker is on the call list, in words, from what the registry holds."""
    index = people.index
    last = format_months(dates.months(people["last_contribution"].astype(object)), lang)
    since = format_months(dates.months(people["nonactive_since"].astype(object)), lang)
    has_last = last.ne("")
    inactive = pd.concat(
        [
            pd.Series(say("regional_why_inactive", lang), index=index, dtype=object),
            _worded("regional_why_since", lang, index, month=since).where(since.ne(""), None),
            _worded("regional_why_last", lang, index, month=last).where(has_last, None),
        ],
        axis=1,
    )
    late = _worded(
        "regional_why_arrears", lang, index, month=last, months=str(months), date=date
    ).where(has_last, say("regional_why_no_last", lang))
    return join_cells(inactive, ", ").where(people["why"].ne("arrears"), late).astype(object)


# --- shared ------------------------------------------------------------------------------


def _worded(key: str, lang: Lang, index: pd.Index, **values: pd.Series | str) -> pd.Series:
    """``say(key)`` on every row with Series values filled in: the words are said once,
    with markers, and the values joined in column by column."""
    text = say(key, lang, **{name: f"\x00{name}\x00" for name in values})
    pieces = re.split("\x00(\\w+)\x00", text)
    out = pd.Series(pieces[0], index=index, dtype=object)
    for i in range(1, len(pieces), 2):
        value = values[pieces[i]]
        filled = value.astype(str) if isinstance(value, pd.Series) else str(value)
        out = out + filled + pieces[i + 1]
    return out


def _counts(values: pd.Series, lang: Lang) -> pd.Series:
    """Counts as the reader writes them (12.345 / 12,345), each distinct one once."""
    ints = values.astype("int64")
    return ints.map({int(v): count(int(v), lang) for v in ints.unique()}).astype(object)


def _int(value: Any) -> int | None:
    plain = _plain(value)
    return None if plain is None else round(plain)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain JSON values: NA and NaN as None, numpy numbers as Python's,
    dates as ISO text (a column at a time)."""
    columns = [str(c) for c in table.columns]
    values = [[_iso(_plain(v)) for v in table[c].to_numpy(dtype=object)] for c in table.columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]
