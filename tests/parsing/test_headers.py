"""columns.header_key: the one way a header is compared, for rosters and registry
extracts alike."""

from __future__ import annotations

import pytest

from bsu.rosters.extracts import EXTRA_HEADERS
from bsu.rosters.headers import header_key


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("No. KTP/NIK", "noktpnik"),
        ("NO KTP NIK", "noktpnik"),
        ("no_ktp_nik", "noktpnik"),
        ("  Nama Perusahaan\n", "namaperusahaan"),
        ("Kategori (PU/BPU)", "kategoripubpu"),
        ("Upah (Rp)", "upahrp"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),  # casefold, not lower
        ("Pémberi Kerja", "pmberikerja"),  # only ASCII letters and digits count
        ("２０２５", ""),
        (2025, "2025"),
        ("", ""),
    ],
)
def test_header_key(header: object, key: str) -> None:
    assert header_key(header) == key


def test_the_registry_extracts_extra_headers_are_keys_already() -> None:
    """The extract's own columns are matched with the same key as the roster's."""
    for aliases in EXTRA_HEADERS.values():
        assert [header_key(a) for a in aliases] == list(aliases)
