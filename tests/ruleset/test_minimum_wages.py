"""The 2025 minimum-wage table, complete and checked through the engine's region lookup.

Where a regency/city's UMK (or, without one, its province's UMP) is above the general cap,
the cap is that wage rounded up to the next full Rp100.000 (Permenaker 10/2022 Pasal 4
ayat (3)-(4), the regions listed in the Lampiran, ayat (5)). The press reports "25
wilayah" in the Lampiran of Permenaker 5/2025: with Kabupaten Morowali, the table's regions
above the cap span 25 provinces. The pinned caps below are read from the sources by hand
(UMK / UMP in the comment), not computed from the table the test checks.
"""

from __future__ import annotations

import pandas as pd
import pytest

from bsu import load_ruleset
from bsu.core.gather import index_for
from bsu.core.ruleset import RuleSet
from bsu.values import region

RULES = "bsu-2025"
GENERAL_CAP = 3_500_000

# One region (or the province itself) for each province with a cap above Rp3.500.000.
SAMPLE: list[tuple[str, str, int, str]] = [
    # (region as a roster writes it, province code, cap, UMK or UMP)
    ("Kota Banda Aceh", "11", 3_900_000, "UMK"),  # UMK 3.898.856
    ("Kota Medan", "12", 4_100_000, "UMK"),  # UMK 4.014.072
    ("Kota Dumai", "14", 4_200_000, "UMK"),  # UMK 4.118.659
    ("Kota Jambi", "15", 3_700_000, "UMK"),  # UMK 3.607.223 (the press's own example)
    ("Kota Palembang", "16", 4_000_000, "UMK"),  # UMK 3.916.635
    ("Kota Pangkal Pinang", "19", 3_900_000, "UMP"),  # no UMK found: UMP 3.876.600
    ("Kota Batam", "21", 5_000_000, "UMK"),  # UMK 4.989.600
    ("DKI Jakarta", "31", 5_400_000, "UMP"),  # UMP 5.396.761, no UMK in Jakarta
    ("Kota Bekasi", "32", 5_700_000, "UMK"),  # UMK 5.690.752,95
    ("Kota Surabaya", "35", 5_000_000, "UMK"),  # UMK 4.961.753 (in force April 2025)
    ("Kota Cilegon", "36", 5_200_000, "UMK"),  # UMK 5.128.084,48
    ("Kabupaten Badung", "51", 3_600_000, "UMK"),  # UMK 3.534.338,88
    ("Kota Palangkaraya", "62", 3_600_000, "UMK"),  # UMK 3.525.154,26
    ("Kabupaten Kotabaru", "63", 3_700_000, "UMK"),  # UMK 3.643.004
    ("Kota Balikpapan", "64", 3_800_000, "UMK"),  # UMK 3.701.508,68
    ("Kota Tarakan", "65", 4_500_000, "UMK"),  # UMK 4.460.405
    ("Kota Manado", "71", 3_900_000, "UMK"),  # UMK 3.824.264
    ("Kabupaten Morowali", "72", 3_800_000, "UMK"),  # UMK 3.716.125
    ("Kota Makassar", "73", 3_900_000, "UMK"),  # UMK 3.880.136
    ("Kota Jayapura", "91", 4_300_000, "UMP"),  # no UMK found: UMP 4.285.850
    ("Kabupaten Manokwari", "92", 3_700_000, "UMP"),  # no UMK found: UMP 3.615.000
    ("Kabupaten Merauke", "93", 4_300_000, "UMP"),  # no UMK found: UMP 4.285.850
    ("Kabupaten Mimika", "94", 5_100_000, "UMK"),  # UMK 5.005.678
    ("Kabupaten Jayawijaya", "95", 4_300_000, "UMP"),  # no UMK found: UMP 4.285.850
    ("Kota Sorong", "96", 3_700_000, "UMP"),  # no UMK found: UMP 3.614.000
]
# Regions at the general cap: below it, or (Morowali Utara) with no sourced UMK, so the
# province's UMP (Sulawesi Tengah 2.915.000) applies; the table's note says so.
AT_GENERAL_CAP = ["Kabupaten Morowali Utara", "Kota Palu", "Kabupaten Banggai", "Kota Semarang"]


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_ruleset(RULES)


def _resolve(rules: RuleSet, names: list[str]) -> pd.DataFrame:
    out = region.resolve(
        index_for(rules), pd.Series(names, dtype=object), pd.Series([""] * len(names))
    )
    out.index = pd.Index(names)
    return out


def test_regions_above_the_general_cap_span_25_provinces(rules: RuleSet) -> None:
    caps = index_for(rules).caps
    above = caps.loc[caps["cap_max"] > GENERAL_CAP, "province_code"]
    assert above.nunique() == 25
    assert set(above) == {province for _, province, _, _ in SAMPLE}, "one sample per province"


def test_the_table_holds_every_ump_and_the_sourced_umks_above_the_cap(rules: RuleSet) -> None:
    wages = rules.minimum_wages
    assert (wages["kind"] == "UMP").sum() == 38
    assert (wages["kind"] == "UMK").sum() == 119
    assert wages["region_code"].is_unique
    umk = wages[wages["kind"] == "UMK"]
    assert (umk["amount_idr"].astype(float) > GENERAL_CAP).all(), "only UMKs above the cap"
    regencies = rules.regions.set_index("code")
    named = regencies["name"].reindex(umk["region_code"]).str.strip()
    assert named.tolist() == umk["region_name"].str.strip().tolist(), "code and name agree"
    assert umk["source_url"].str.match(r"https?://").all()


def test_morowali_is_in_the_table_with_its_source(rules: RuleSet) -> None:
    wages = rules.minimum_wages.set_index("region_code")
    row = wages.loc["72.06"]
    assert (row["region_name"], row["kind"], float(row["amount_idr"])) == (
        "Kabupaten Morowali",
        "UMK",
        3_716_125.0,
    )
    assert row["source_url"].startswith("https://spn.or.id/umk-morowali-2025")
    assert "72.12" not in wages.index, "Morowali Utara has no sourced UMK"
    assert "Morowali Utara" in (rules.spec.tables.minimum_wages_note or "")


@pytest.mark.parametrize(
    ("name", "province", "cap", "kind"), SAMPLE, ids=[name for name, *_ in SAMPLE]
)
def test_cap_of_a_region_in_each_province(
    rules: RuleSet, name: str, province: str, cap: int, kind: str
) -> None:
    found = _resolve(rules, [name]).iloc[0]
    assert found["state"] == region.FOUND
    assert found["cap_min"] == found["cap_max"] == cap
    assert found["kind"] == kind
    assert index_for(rules).province_of[str(found["region_code"])] == province


@pytest.mark.parametrize("name", AT_GENERAL_CAP)
def test_regions_without_a_minimum_wage_above_the_cap_keep_the_general_cap(
    rules: RuleSet, name: str
) -> None:
    found = _resolve(rules, [name]).iloc[0]
    assert found["state"] == region.FOUND
    assert found["cap_min"] == found["cap_max"] == GENERAL_CAP
    assert found["kind"] == "UMP"
