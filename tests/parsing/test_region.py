"""region.resolve against the real bsu-2025 rule set: names, codes, and the cap each implies."""

from __future__ import annotations

import pandas as pd
import pytest

from bsu.core.gather import index_for
from bsu.core.ruleset import load_ruleset
from bsu.values import region


@pytest.fixture(scope="module")
def idx() -> region.RegionIndex:
    return index_for(load_ruleset("bsu-2025"))


def _resolve(idx: region.RegionIndex, regions: list[str], provinces: list[str] | None = None):  # type: ignore[no-untyped-def]
    provinces = provinces if provinces is not None else [""] * len(regions)
    return region.resolve(idx, pd.Series(regions, dtype=object), pd.Series(provinces, dtype=object))


def _one(idx: region.RegionIndex, text: str, province: str = "") -> pd.Series:
    return _resolve(idx, [text], [province]).iloc[0]


def test_index_caps_come_from_the_rule_set(idx: region.RegionIndex) -> None:
    assert idx.general_cap == 3_500_000
    assert idx.highest_cap == 5_700_000  # Kota Bekasi, the highest UMK


@pytest.mark.parametrize(
    "text",
    ["Kota Bekasi", "KOTA BEKASI", "kota bekasi ", "Bekasi, Kota", "Bekasi Kota", "Kodya Bekasi",
     "32.75", "3275", "32 75"],
)  # fmt: skip
def test_kota_bekasi(idx: region.RegionIndex, text: str) -> None:
    row = _one(idx, text)
    assert row["state"] == "found"
    assert row["region_code"] == "32.75"
    assert (row["cap_min"], row["cap_max"]) == (5_700_000, 5_700_000)
    assert row["kind"] == "UMK"
    assert row["amount"] == pytest.approx(5_690_752.95)


@pytest.mark.parametrize(
    "text", ["Kabupaten Bekasi", "Kab. Bekasi", "KAB BEKASI", "Bekasi, Kab.", "32.16", "3216"]
)
def test_kabupaten_bekasi(idx: region.RegionIndex, text: str) -> None:
    row = _one(idx, text)
    assert row["state"] == "found"
    assert row["region_code"] == "32.16"
    assert (row["cap_min"], row["cap_max"]) == (5_600_000, 5_600_000)


@pytest.mark.parametrize("province", ["", "Jawa Barat", "Provinsi Jawa Barat", "32"])
def test_bekasi_alone_is_ambiguous(idx: region.RegionIndex, province: str) -> None:
    row = _one(idx, "Bekasi", province)
    assert row["state"] == "ambiguous"
    assert pd.isna(row["region_code"])
    assert (row["cap_min"], row["cap_max"]) == (5_600_000, 5_700_000)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("DKI Jakarta", "31"),
        ("Jakarta", "31"),
        ("DKI", "31"),
        ("Provinsi DKI Jakarta", "31"),
        ("Kota Jakarta Selatan", "31.74"),
        ("Jakarta Selatan", "31.74"),
        ("Kota Adm. Jakarta Selatan", "31.74"),
        ("Kota Administrasi Jakarta Selatan", "31.74"),
        ("Kepulauan Seribu", "31.01"),
    ],
)
def test_jakarta_has_one_cap_everywhere(idx: region.RegionIndex, text: str, code: str) -> None:
    row = _one(idx, text)
    assert row["state"] == "found"
    assert row["region_code"] == code
    assert (row["cap_min"], row["cap_max"]) == (5_400_000, 5_400_000)


def test_province_column_alone(idx: region.RegionIndex) -> None:
    row = _one(idx, "", "DKI Jakarta")
    assert row["state"] == "found"
    assert row["region_code"] == "31"
    assert (row["cap_min"], row["cap_max"]) == (5_400_000, 5_400_000)


def test_province_whose_regencies_are_all_under_the_general_cap(idx: region.RegionIndex) -> None:
    row = _one(idx, "Jawa Tengah")
    assert row["state"] == "found"
    assert row["region_code"] == "33"
    assert (row["cap_min"], row["cap_max"]) == (3_500_000, 3_500_000)


@pytest.mark.parametrize(
    "text", ["Jawa Barat", "JAWA BARAT", "Provinsi Jawa Barat", "Prov. Jawa Barat"]
)
def test_province_with_a_spread_of_caps_is_too_coarse(idx: region.RegionIndex, text: str) -> None:
    row = _one(idx, text)
    assert row["state"] == "too_coarse"
    assert row["region_code"] == "32"
    assert (row["cap_min"], row["cap_max"]) == (3_500_000, 5_700_000)


def test_kota_jambi(idx: region.RegionIndex) -> None:
    row = _one(idx, "Kota Jambi")
    assert row["state"] == "found"
    assert row["region_code"] == "15.71"
    assert (row["cap_min"], row["cap_max"]) == (3_700_000, 3_700_000)


@pytest.mark.parametrize("province", ["", "Jambi"])
def test_jambi_names_the_city_and_the_province(idx: region.RegionIndex, province: str) -> None:
    # The province contains the city, so the province's range covers both readings.
    row = _one(idx, "Jambi", province)
    assert row["state"] == "too_coarse"
    assert row["region_code"] == "15"
    assert (row["cap_min"], row["cap_max"]) == (3_500_000, 3_700_000)


@pytest.mark.parametrize("text", ["Atlantis", "Jabar", "99.99", "9999", "Kota"])
def test_unrecognised(idx: region.RegionIndex, text: str) -> None:
    row = _one(idx, text)
    assert row["state"] == "unrecognised"
    assert pd.isna(row["region_code"])
    assert (row["cap_min"], row["cap_max"]) == (3_500_000, 5_700_000)


@pytest.mark.parametrize("text", ["", "  ", "-"])
def test_missing(idx: region.RegionIndex, text: str) -> None:
    row = _one(idx, text)
    assert row["state"] == "missing"
    assert (row["cap_min"], row["cap_max"]) == (3_500_000, 5_700_000)


def test_bandung_is_the_city_or_the_regency(idx: region.RegionIndex) -> None:
    row = _one(idx, "Bandung")
    assert row["state"] == "ambiguous"
    assert pd.isna(row["region_code"])
    assert (row["cap_min"], row["cap_max"]) == (3_800_000, 4_500_000)


def test_province_narrows_a_name_shared_across_provinces(idx: region.RegionIndex) -> None:
    # Kota Banjar (Jawa Barat) and Kabupaten Banjar (Kalimantan Selatan).
    alone = _one(idx, "Banjar")
    assert pd.isna(alone["region_code"])
    assert alone["state"] == "found"  # both are under the general cap: the cap is known
    assert (alone["cap_min"], alone["cap_max"]) == (3_500_000, 3_500_000)
    assert _one(idx, "Banjar", "Jawa Barat")["region_code"] == "32.79"
    assert _one(idx, "Banjar", "Kalimantan Selatan")["region_code"] == "63.03"


def test_resolve_is_row_aligned_and_keeps_the_index(idx: region.RegionIndex) -> None:
    regions = pd.Series(["Kota Bekasi", "", "Atlantis", "Kota Bekasi"], index=[4, 8, 15, 16])
    provinces = pd.Series(["", "DKI Jakarta", "", ""], index=[4, 8, 15, 16])
    out = region.resolve(idx, regions, provinces)
    assert list(out.index) == [4, 8, 15, 16]
    assert out["state"].tolist() == ["found", "found", "unrecognised", "found"]
    assert out["cap_max"].tolist() == [5_700_000, 5_400_000, 5_700_000, 5_700_000]
