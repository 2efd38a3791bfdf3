"""Work regions by name or code, forgiving, and the wage cap each one implies.

People write "Kota Bekasi", "KOTA BEKASI", "Bekasi, Kota", "32.75", "DKI Jakarta",
"Jakarta", "Kota Jakarta Selatan". A text may fit one regency/city, several ("Bekasi":
the city and the regency), or a whole province. Each match is reduced to the range of
caps it allows: one value when it names one regency (or a province whose regencies all
share a cap), a range otherwise. The engine then decides only what that range decides.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bsu.values.text import key, key_of
from bsu.values.wage import regional_cap

_PREFIXES = {
    "KABUPATEN ADMINISTRASI": ("KABUPATEN", "KAB", "KAB ADM", "KABUPATEN ADM"),
    "KOTA ADMINISTRASI": ("KOTA", "KOTA ADM", "KOTAMADYA", "KODYA"),
    "KABUPATEN": ("KAB",),
    "KOTA": ("KOTAMADYA", "KODYA"),
}
_PROVINCE_ALIASES = {
    "31": ("DKI JAKARTA", "DK JAKARTA", "JAKARTA", "DKI"),
    "34": ("DIY", "DI YOGYAKARTA", "YOGYAKARTA"),
    "19": ("BANGKA BELITUNG", "BABEL", "KEP BANGKA BELITUNG"),
    "21": ("KEPRI", "KEP RIAU"),
}

# What a region text resolved to.
FOUND = "found"
MISSING = "missing"
UNRECOGNISED = "unrecognised"
AMBIGUOUS = "ambiguous"
TOO_COARSE = "too_coarse"
CONFLICT = "conflict"  # the region lies outside the province the roster names
UNSOURCED = "unsourced"  # the round's regional minimum wages are not in the rule set


@dataclass(frozen=True)
class RegionIndex:
    """Every way of writing a region, and the cap range of every region code."""

    keys: dict[str, frozenset[str]]
    caps: pd.DataFrame  # index: region code; columns cap_min, cap_max, kind, name, amount
    province_of: dict[str, str]
    general_cap: float
    # The same caps as plain tuples by code: resolving works on a few hundred distinct
    # texts, where a pandas lookup per text would cost more than the whole roster.
    basis: dict[str, tuple[float, float, str, str, float]]

    @property
    def highest_cap(self) -> float:
        return float(self.caps["cap_max"].max())


def build_index(
    regions: pd.DataFrame,
    minimum_wages: pd.DataFrame,
    general_cap: float,
    rounding: float,
) -> RegionIndex:
    """Build the lookup from the Kemendagri regions and the minimum wage table."""
    regions = regions.set_index("code")
    wages = minimum_wages.set_index("region_code")
    regencies = regions[regions["level"] == "regency"]
    provinces = regions[regions["level"] == "province"]

    ump = wages[wages["kind"] == "UMP"]["amount_idr"]
    umk = wages[wages["kind"] == "UMK"]["amount_idr"]
    reg = pd.DataFrame(index=regencies.index)
    reg["province_code"] = regencies["province_code"]
    has_umk = reg.index.isin(umk.index)
    reg["kind"] = np.where(has_umk, "UMK", "UMP")
    reg["amount"] = np.where(
        has_umk,
        umk.reindex(reg.index).to_numpy(),
        ump.reindex(reg["province_code"]).to_numpy(),
    )
    reg["name"] = np.where(has_umk, regencies["name"], regencies["province_name"].to_numpy())
    reg["cap_min"] = regional_cap(reg["amount"].astype(float), general_cap, rounding)
    reg["cap_max"] = reg["cap_min"]

    prov = pd.DataFrame(index=provinces.index)
    prov["province_code"] = prov.index
    prov["kind"] = "UMP"
    prov["amount"] = ump.reindex(prov.index).to_numpy()
    prov["name"] = provinces["name"]
    spread = reg.groupby("province_code")["cap_min"].agg(["min", "max"])
    own = regional_cap(prov["amount"].astype(float), general_cap, rounding)
    prov["cap_min"] = spread["min"].reindex(prov.index).fillna(own)
    prov["cap_max"] = spread["max"].reindex(prov.index).fillna(own)

    caps = pd.concat([reg, prov])
    keys: dict[str, set[str]] = defaultdict(set)
    for code, name in regencies["name"].items():
        for k in _regency_keys(str(code), str(name)):
            keys[k].add(str(code))
    for code, name in provinces["name"].items():
        for k in _province_keys(str(code), str(name)):
            keys[k].add(str(code))
    province_of = {str(c): str(p) for c, p in caps["province_code"].items()}
    basis = {
        str(code): (float(lo), float(hi), str(kind), str(name), float(amount))
        for code, lo, hi, kind, name, amount in zip(
            caps.index,
            caps["cap_min"],
            caps["cap_max"],
            caps["kind"],
            caps["name"],
            caps["amount"],
            strict=True,
        )
    }
    return RegionIndex(
        keys={k: frozenset(v) for k, v in keys.items()},
        caps=caps,
        province_of=province_of,
        general_cap=float(general_cap),
        basis=basis,
    )


def _regency_keys(code: str, name: str) -> set[str]:
    full = key_of(name)
    out = {full, code.replace(".", ""), key_of(code)}
    for prefix, alternatives in _PREFIXES.items():
        if full.startswith(prefix + " "):
            bare = full[len(prefix) + 1 :]
            out |= {bare, f"{bare} {prefix}"}
            for alt in alternatives:
                out |= {f"{alt} {bare}", f"{bare} {alt}"}
            break
    return out


def _province_keys(code: str, name: str) -> set[str]:
    full = key_of(name)
    out = {full, code, f"PROVINSI {full}", f"PROV {full}"}
    for alias in _PROVINCE_ALIASES.get(code, ()):
        out |= {alias, f"PROVINSI {alias}"}
    return out


def resolve(index: RegionIndex, region: pd.Series, province: pd.Series) -> pd.DataFrame:
    """Resolve region texts (with an optional province text to narrow them).

    Returns per row: ``region_code`` (None unless one region was found), ``cap_min``,
    ``cap_max``, ``state`` (found / missing / unrecognised / ambiguous / too_coarse) and
    the cap basis (``kind``, ``name``, ``amount``) where the cap is one value. A province
    that is not recognised is ignored; one that contradicts the region is ``conflict``.
    Work is done once per distinct pair of texts, not once per row.
    """
    r_codes, r_texts = pd.factorize(region.to_numpy(dtype=object), use_na_sentinel=False)
    p_codes, p_texts = pd.factorize(province.to_numpy(dtype=object), use_na_sentinel=False)
    r_keys = key(pd.Series(r_texts, dtype=object)).tolist()
    p_keys = key(pd.Series(p_texts, dtype=object)).tolist()
    codes, pairs = pd.factorize(r_codes.astype(np.int64) * len(p_texts) + p_codes)
    rows = [
        _resolve_one(index, r_keys[pair // len(p_texts)], p_keys[pair % len(p_texts)])
        for pair in pairs.tolist()
    ]
    table = pd.DataFrame(
        rows, columns=["region_code", "cap_min", "cap_max", "state", "kind", "name", "amount"]
    )
    out = table.take(codes)
    out.index = region.index
    return out


def _resolve_one(
    index: RegionIndex, region_key: str, province_key: str
) -> tuple[str | None, float, float, str, str | None, str | None, float]:
    text = region_key or province_key
    if not text:
        return _unresolved(index, MISSING)
    candidates = _lookup(index, text)
    if region_key and province_key:
        within = _lookup(index, province_key)
        provinces = {index.province_of[c] for c in within}
        narrowed = frozenset(c for c in candidates if index.province_of[c] in provinces)
        if provinces and candidates and not narrowed:
            return _unresolved(index, CONFLICT)
        candidates = narrowed or candidates
    if not candidates:
        return _unresolved(index, UNRECOGNISED)
    # A city and the province it lies in ("Jambi"): the province covers both.
    provinces_named = {c for c in candidates if "." not in c}
    if provinces_named and all(index.province_of[c] in provinces_named for c in candidates):
        candidates = frozenset(provinces_named)
    rows = [index.basis[c] for c in sorted(candidates)]
    cap_min, cap_max = min(r[0] for r in rows), max(r[1] for r in rows)
    _, _, kind, name, amount = rows[0]
    if len(candidates) == 1:
        state = FOUND if cap_min == cap_max else TOO_COARSE
        return next(iter(candidates)), cap_min, cap_max, state, kind, name, amount
    state = FOUND if cap_min == cap_max else AMBIGUOUS
    return None, cap_min, cap_max, state, kind, name, amount


def _lookup(index: RegionIndex, text: str) -> frozenset[str]:
    found = index.keys.get(text)
    if found is not None:
        return found
    compact = re.sub(r"\s+", "", text)
    if compact.isascii() and compact.isdigit():
        return index.keys.get(compact, frozenset())
    return frozenset()


def _unresolved(
    index: RegionIndex, state: str
) -> tuple[str | None, float, float, str, str | None, str | None, float]:
    return None, index.general_cap, index.highest_cap, state, None, None, float("nan")
