"""vocabulary: how employers write participation, category, PKH and employment values."""

from __future__ import annotations

import pandas as pd
import pytest

from bsu.values import vocabulary


def _one(fn, value: object) -> object:  # type: ignore[no-untyped-def]
    out = fn(pd.Series([value], dtype=object))
    return out.iloc[0]


@pytest.mark.parametrize(
    "raw",
    ["Aktif", "AKTIF", "aktif", " Aktif ", "Aktip", "Active", "Ya", "Y", "Peserta Aktif"],
)
def test_status_active(raw: str) -> None:
    assert _one(vocabulary.status, raw) == "active"


@pytest.mark.parametrize(
    "raw",
    [
        "Nonaktif", "Non Aktif", "Non-Aktif", "NON_AKTIF", "Tidak Aktif", "Tdk Aktif",
        "Keluar", "Berhenti", "Inactive", "Not Active", "PHK", "Resign", "Meninggal Dunia",
    ],
)  # fmt: skip
def test_status_inactive(raw: str) -> None:
    assert _one(vocabulary.status, raw) == "inactive"


@pytest.mark.parametrize("raw", ["", "???", None, "-", "Aktif sebagian", "Cuti"])
def test_status_unrecognised_is_nan(raw: object) -> None:
    assert pd.isna(_one(vocabulary.status, raw))


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("PU", "PU"),
        ("pu", "PU"),
        ("PPU", "PU"),
        ("Penerima Upah", "PU"),
        ("PENERIMA UPAH", "PU"),
        ("Pekerja Penerima Upah", "PU"),
        ("BPU", "BPU"),
        ("Bukan Penerima Upah", "BPU"),
        ("Mandiri", "BPU"),
        ("Jasa Konstruksi", "JAKON"),
        ("Pekerja Migran Indonesia", "PMI"),
    ],
)
def test_category(raw: str, canonical: str) -> None:
    cat, empty = vocabulary.category(pd.Series([raw], dtype=object))
    assert cat.iloc[0] == canonical
    assert not empty.iloc[0]


@pytest.mark.parametrize(("raw", "empty"), [("", True), (None, True), ("  ", True), ("X", False)])
def test_category_empty_flag(raw: object, empty: bool) -> None:
    cat, is_empty = vocabulary.category(pd.Series([raw], dtype=object))
    assert pd.isna(cat.iloc[0])
    assert bool(is_empty.iloc[0]) is empty


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ya", True),
        ("ya", True),
        ("Y", True),
        ("Yes", True),
        ("1", True),
        (1, True),
        ("Penerima PKH", True),
        ("Tidak", False),
        ("tdk", False),
        ("No", False),
        ("0", False),
        (0, False),
        ("Bukan Penerima", False),
        ("", False),  # an empty cell means "no"
        (None, False),
        ("-", False),
    ],
)
def test_yes_no(raw: object, expected: bool) -> None:
    out = _one(vocabulary.yes_no, raw)
    assert out is not pd.NA
    assert bool(out) is expected


@pytest.mark.parametrize("raw", ["maybe", "Ya/Tidak", "2", "Mungkin"])
def test_yes_no_unrecognised_is_na(raw: str) -> None:
    assert _one(vocabulary.yes_no, raw) is pd.NA


@pytest.mark.parametrize(
    ("raw", "cls"),
    [
        ("PNS", "asn"),
        ("pns", "asn"),
        ("ASN", "asn"),
        ("CPNS", "asn"),
        ("PPPK", "asn"),
        ("P3K", "asn"),
        ("Pegawai Negeri Sipil", "asn"),
        ("Aparatur Sipil Negara", "asn"),
        ("PNS Daerah", "asn"),
        ("TNI", "tni"),
        ("TNI AD", "tni"),
        ("TNI AU", "tni"),
        ("TNI-AL", "tni"),
        ("Tentara", "tni"),
        ("Prajurit TNI", "tni"),
        ("Polri", "polri"),
        ("Polisi", "polri"),
        ("Anggota Kepolisian", "polri"),
    ],
)
def test_employment_excluded_classes(raw: str, cls: str) -> None:
    assert _one(vocabulary.employment_class, raw) == cls


@pytest.mark.parametrize(
    "raw",
    [
        "Swasta",
        "Pegawai Swasta",
        "Kontrak",
        "PKWT",
        "Honorer",
        "Outsourcing",
        "",
        None,
        "Non PNS",
        "Non-PNS",
        "NON ASN",
        "Non-ASN",
        "Bukan PNS",
        "Honorer Non-ASN",
        "Tenaga Non ASN / Non PNS",
        "Pegawai Swasta (bukan PNS)",
        "Mantan TNI",
        "Eks Polri",
        "Politeknik",  # POLRI inside a longer word is not POLRI
        "Spns",
    ],
)
def test_employment_other(raw: object) -> None:
    assert _one(vocabulary.employment_class, raw) == "other"


@pytest.mark.parametrize("raw", ["Non ASN/PNS", "Honorer Non ASN/PNS", "Bukan PNS/TNI/Polri"])
def test_employment_one_negation_covers_a_list(raw: str) -> None:
    assert _one(vocabulary.employment_class, raw) == "other"


@pytest.mark.parametrize("raw", ["Pensiunan PNS", "Purnawirawan TNI", "Purnawirawan Polri"])
def test_employment_retirees_are_like_former_members(raw: str) -> None:
    assert _one(vocabulary.employment_class, raw) == "other"
