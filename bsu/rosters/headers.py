"""Which roster header means which canonical field.

Headers are compared after case-folding and dropping everything but ASCII letters and
digits, so "No. KTP/NIK", "NO KTP NIK" and "no_ktp_nik" are one header. ``header_key`` is
the one comparison: registry extracts match their extra columns with it too.
"""

from __future__ import annotations

import re

ALIASES: dict[str, tuple[str, ...]] = {
    "nik": (
        "NIK",
        "No KTP",
        "No. KTP",
        "Nomor KTP",
        "No. KTP/NIK",
        "NIK KTP",
        "KTP",
        "Nomor Induk Kependudukan",
        "No NIK",
        "Nomor NIK",
        "NIK/No. KTP",
    ),
    "name": (
        "Nama",
        "Nama Pekerja",
        "Nama Lengkap",
        "Nama Karyawan",
        "Nama Tenaga Kerja",
        "Nama Sesuai KTP",
        "Name",
        "Full Name",
        "Nama Peserta",
    ),
    "wage": (
        "Upah",
        "Gaji",
        "Gaji Pokok",
        "Upah (Rp)",
        "Gaji (Rp)",
        "Upah yang Dilaporkan",
        "Upah Dilaporkan",
        "Upah Bulanan",
        "Gaji Bulanan",
        "Upah Pokok",
        "Wage",
        "Salary",
        "Monthly Wage",
    ),
    "kpj": ("No KPJ", "Nomor KPJ", "KPJ", "Nomor Kepesertaan", "No Kepesertaan", "No Peserta"),
    "participant_status": (
        "Status Kepesertaan",
        "Status BPJS",
        "Status BPJS TK",
        "Status BPJS Ketenagakerjaan",
        "Status Peserta",
        "Participation Status",
        "Kepesertaan",
    ),
    "participant_category": (
        "Kategori",
        "Segmen",
        "Kategori Peserta",
        "Segmen Peserta",
        "Kategori Kepesertaan",
        "Segmen Kepesertaan",
        "Category",
        "Kategori (PU/BPU)",
    ),
    "registered_on": (
        "Tanggal Kepesertaan",
        "Tgl Kepesertaan",
        "Tgl Daftar",
        "Tanggal Daftar",
        "Tanggal Terdaftar",
        "Tgl Terdaftar",
        "TMT Kepesertaan",
        "Tanggal Mulai Kepesertaan",
        "Registration Date",
        "Registered On",
    ),
    "region": (
        "Kab/Kota",
        "Kabupaten/Kota",
        "Kota/Kabupaten",
        "Lokasi Kerja",
        "Kode Wilayah",
        "Wilayah",
        "Wilayah Kerja",
        "Kota",
        "Kabupaten",
        "Region",
        "Work Region",
    ),
    "province": ("Provinsi", "Province", "Prov"),
    "employment_status": (
        "Status Pegawai",
        "Jenis Pekerja",
        "Status Kepegawaian",
        "Jenis Pegawai",
        "Status Pekerja",
        "Employment Status",
    ),
    "pkh_recipient": ("Penerima PKH", "PKH", "Status PKH", "PKH Recipient"),
}


def header_key(text: object) -> str:
    """A header as compared: case-folded, ASCII letters and digits only."""
    return re.sub(r"[^0-9a-z]+", "", str(text).casefold())


HEADER_FIELDS: dict[str, str] = {
    header_key(alias): field for field, aliases in ALIASES.items() for alias in aliases
}


def field_for(header: object) -> str | None:
    """The canonical field a header names, if any."""
    return HEADER_FIELDS.get(header_key(header))
