"""The canonical roster fields, each declared once and read by everyone who needs it.

A field's entry says which headers name it in a roster, which parser of ``bsu.values``
reads its cells (and the columns the engine gathers the parsed values as), whether it is
personal data, where the engine notes the evidence that decided it, and how it is shown
(a label in both languages and a kind a writer formats by). The roster reader, the
engine, the explanations, the writers and the API's request model all read this table,
so a new field is one entry here, not an edit in each of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import pandas as pd

from bsu.core.ruleset import Lang, Text
from bsu.values import account, dates, nik, vocabulary, wage

# How a value is shown: as text, a NIK (16 digits kept as text), rupiah, a date, yes/no,
# an account number (digits kept as text, like a NIK).
Kind = Literal["text", "nik", "money", "date", "flag", "account"]
Parser = Callable[[pd.Series], pd.Series | tuple[pd.Series, ...]]


@dataclass(frozen=True)
class Field:
    """One canonical roster field."""

    name: str
    label: Text
    kind: Kind
    aliases: tuple[str, ...]  # headers that name it (compared by ``headers.header_key``)
    # The ``bsu.values`` function the engine reads the cells with (None: free text, or
    # read together with another field, as region and province are), and the gathered
    # columns its outputs become, in order.
    parser: Parser | None = None
    parsed: tuple[str, ...] = ()
    # Identifies a person: parsed afresh each time, never remembered between checks.
    personal: bool = False
    # The gathered column where the engine notes which evidence (roster, registry, an
    # exclusion list) decided this field; None when only the roster speaks for it.
    evidence: str | None = None
    # Headers that name it more precisely than ``aliases`` ("NIK KTP", "Total Upah"), and
    # headers that may name it but often name something else or only a part of it (an HR
    # system's "NIK Karyawan" is its employee number; "Gaji Pokok" is the basic wage
    # only). Between two columns whose cells look alike, the more precise header is read.
    preferred: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header that names the field, whatever its rank."""
        return (*self.preferred, *self.aliases, *self.weak)

    @property
    def value_column(self) -> str:
        """The gathered column holding the field's parsed value."""
        if not self.parsed:
            raise KeyError(f"{self.name}: the engine keeps no parsed value of this field")
        return self.parsed[0]

    def shown(self, lang: Lang) -> str:
        """The field's label in ``lang``, as an output names its column."""
        return self.label.in_(lang)


def _text(id_: str, en: str) -> Text:
    return Text(id=id_, en=en)


REGISTRY: tuple[Field, ...] = (
    Field(
        "nik",
        _text("NIK", "NIK"),
        "nik",
        (
            "NIK",
            "No NIK",
            "Nomor NIK",
            "No. Identitas",
            "Nomor Identitas",
            "No Identitas KTP",
            "NIK Peserta",
            "NIK Tenaga Kerja",
        ),
        parser=nik.clean,
        parsed=("nik", "nik_numeric"),
        personal=True,
        preferred=(
            "No KTP",
            "No. KTP",
            "Nomor KTP",
            "No. KTP/NIK",
            "NIK KTP",
            "NIK e-KTP",
            "No. e-KTP",
            "KTP",
            "Nomor Induk Kependudukan",
            "Nomor Induk Kependudukan (NIK)",
            "NIK/No. KTP",
            "NIK (NPWP 16 Digit)",
            "NIK Sesuai KTP",
        ),
        weak=("NIK Karyawan", "NIK Pegawai"),
    ),
    Field(
        "name",
        _text("Nama", "Name"),
        "text",
        (
            "Nama",
            "Nama Pekerja",
            "Nama Lengkap",
            "Nama Karyawan",
            "Nama Tenaga Kerja",
            "Nama Sesuai KTP",
            "Name",
            "Full Name",
            "Nama Peserta",
            "Nama Pegawai",
            "Employee Name",
        ),
        personal=True,
    ),
    Field(
        "wage",
        _text("Upah", "Wage"),
        "money",
        (
            "Upah",
            "Gaji",
            "Upah (Rp)",
            "Gaji (Rp)",
            "Gaji Bulanan",
            "Gaji Kotor",
            "Gaji Bruto",
            "Upah Sebulan",
            "Wage",
            "Salary",
            "Monthly Wage",
            "Monthly Salary",
        ),
        parser=wage.parse,
        parsed=("wage", "wage_form"),
        evidence="evidence_wage",
        preferred=(
            "Upah yang Dilaporkan",
            "Upah Dilaporkan",
            "Upah Dilaporkan ke BPJS",
            "Upah Terlapor",
            "Upah BPJS",
            "Upah Bulanan",
            "Total Upah",
            "Total Gaji",
            "Jumlah Upah",
            "Jumlah Gaji",
            "Reported Wage",
        ),
    ),
    Field(
        "kpj",
        _text("No KPJ", "KPJ number"),
        "text",
        (
            "No KPJ",
            "Nomor KPJ",
            "KPJ",
            "Nomor Kepesertaan",
            "No Kepesertaan",
            "No Peserta",
            "No Kartu BPJS TK",
            "No BPJS Ketenagakerjaan",
            "Nomor BPJS Ketenagakerjaan",
        ),
        personal=True,
    ),
    Field(
        "participant_status",
        _text("Status Kepesertaan", "Participation status"),
        "text",
        (
            "Status Kepesertaan",
            "Status BPJS",
            "Status BPJS TK",
            "Status BPJS Ketenagakerjaan",
            "Status Peserta",
            "Participation Status",
            "Kepesertaan",
            "Status Kepesertaan BPJS",
        ),
        parser=vocabulary.status,
        parsed=("status_value",),
        evidence="evidence_participation",
    ),
    Field(
        "participant_category",
        _text("Kategori", "Category"),
        "text",
        (
            "Kategori",
            "Segmen",
            "Kategori Peserta",
            "Segmen Peserta",
            "Kategori Kepesertaan",
            "Segmen Kepesertaan",
            "Category",
            "Kategori (PU/BPU)",
        ),
        parser=vocabulary.category,
        parsed=("category_value", "category_empty"),
        evidence="evidence_participation",
    ),
    Field(
        "registered_on",
        _text("Tanggal Kepesertaan", "Registration date"),
        "date",
        (
            "Tanggal Kepesertaan",
            "Tgl Kepesertaan",
            "Tgl Daftar",
            "Tanggal Daftar",
            "Tanggal Terdaftar",
            "Tgl Terdaftar",
            "TMT Kepesertaan",
            "TMT BPJS",
            "TMT BPJS TK",
            "TMT Peserta",
            "Tanggal Mulai Kepesertaan",
            "Tgl Mulai Kepesertaan",
            "Tgl Daftar BPJS",
            "Tanggal Daftar BPJS",
            "Tgl Kepesertaan BPJS",
            "Tanggal Kepesertaan BPJS",
            "Tgl Terdaftar BPJS",
            "Tanggal Terdaftar BPJS",
            "Tgl Registrasi",
            "Tanggal Registrasi",
            "Registration Date",
            "Registered On",
        ),
        parser=dates.parse,
        parsed=("registered_on", "registered_on_empty"),
        evidence="evidence_participation",
    ),
    Field(
        "region",
        _text("Kab/Kota", "Regency/city"),
        "text",
        (
            "Kab/Kota",
            "Kabupaten/Kota",
            "Kota/Kabupaten",
            "Lokasi Kerja",
            "Kode Wilayah",
            "Wilayah",
            "Wilayah Kerja",
            "Kota",
            "Kabupaten",
            "Kota/Kab",
            "Kab/Kota Tempat Kerja",
            "Kota Tempat Kerja",
            "Kabupaten/Kota Tempat Kerja",
            "Lokasi",
            "Region",
            "Work Region",
        ),
    ),
    Field(
        "province",
        _text("Provinsi", "Province"),
        "text",
        ("Provinsi", "Province", "Prov", "Provinsi Tempat Kerja"),
    ),
    Field(
        "employment_status",
        _text("Status Pegawai", "Employment status"),
        "text",
        (
            "Status Pegawai",
            "Jenis Pekerja",
            "Status Kepegawaian",
            "Jenis Pegawai",
            "Status Pekerja",
            "Employment Status",
        ),
        parser=vocabulary.employment_class,
        parsed=("employment_class",),
        evidence="evidence_employment",
    ),
    Field(
        "pkh_recipient",
        _text("Penerima PKH", "PKH recipient"),
        "flag",
        ("Penerima PKH", "PKH", "Status PKH", "PKH Recipient"),
        parser=vocabulary.yes_no,
        parsed=("pkh",),
        evidence="evidence_pkh",
    ),
    Field(
        "nationality",
        _text("Kewarganegaraan", "Nationality"),
        "text",
        (
            "Kewarganegaraan",
            "Warga Negara",
            "WNI/WNA",
            "WNI / WNA",
            "Status WNI",
            "Nationality",
            "Citizenship",
        ),
        parser=vocabulary.nationality,
        parsed=("nationality_value", "nationality_empty"),
        evidence="evidence_nationality",
    ),
    # The wage's components (upah pokok + tunjangan tetap, as the rule set's wage
    # criterion defines the wage), read when a roster gives no total wage; ``wage`` above
    # is the total, used as it is.
    Field(
        "basic_wage",
        _text("Upah Pokok", "Basic wage"),
        "money",
        ("Gaji Pokok", "Upah Pokok", "Gapok", "Basic Salary", "Basic Wage", "Base Salary"),
        parser=wage.parse,
        parsed=("basic_wage", "basic_wage_form"),
    ),
    Field(
        "fixed_allowance",
        _text("Tunjangan Tetap", "Fixed allowances"),
        "money",
        (
            "Tunjangan Tetap",
            "Tunj Tetap",
            "Tunj. Tetap",
            "Total Tunjangan Tetap",
            "Jumlah Tunjangan Tetap",
            "Fixed Allowance",
            "Fixed Allowances",
        ),
        parser=wage.parse_allowance,  # 0 (or "-") is an allowance: none
        parsed=("fixed_allowance", "fixed_allowance_form"),
    ),
    Field(
        "daily_wage",
        _text("Upah Harian", "Daily wage"),
        "money",
        ("Upah Harian", "Gaji Harian", "Upah per Hari", "Upah Per Hari", "Daily Wage"),
        parser=wage.parse,
        parsed=("daily_wage", "daily_wage_form"),
    ),
)

# The account the benefit would be paid into: read only by the payment pre-check
# (``bsu.core.payment``), never by a criterion.
PAYMENT: tuple[Field, ...] = (
    Field(
        "bank",
        _text("Bank", "Bank"),
        "text",
        (
            "Bank",
            "Nama Bank",
            "Bank Penerima",
            "Nama Bank Penerima",
            "Bank Penyalur",
            "Kode Bank",
            "Bank Name",
        ),
    ),
    Field(
        "account_number",
        _text("No Rekening", "Account number"),
        "account",
        (
            "No Rekening",
            "No. Rekening",
            "No. Rek",
            "No Rek",
            "No. Rek.",
            "Nomor Rekening",
            "Rekening",
            "Norek",
            "No Rekening Bank",
            "Nomor Rekening Bank",
            "Account Number",
            "Bank Account",
            "Account No",
        ),
        parser=account.clean,
        parsed=("account", "account_numeric"),
        personal=True,
    ),
    Field(
        "account_holder",
        _text("Nama Pemilik Rekening", "Account holder"),
        "text",
        (
            "Nama Pemilik Rekening",
            "Pemilik Rekening",
            "Atas Nama",
            "Atas Nama Rekening",
            "A/N",
            "A/N Rekening",
            "a.n.",
            "Nama Rekening",
            "Nama di Rekening",
            "Account Holder",
            "Account Name",
        ),
        personal=True,
    ),
)
# Who employs the worker and how to reach them: read only by coverage (``bsu.coverage``:
# a roster's employer by its NPP, the outreach list's contacts), never by a criterion.
CONTACT: tuple[Field, ...] = (
    Field(
        "employer_npp",
        _text("NPP", "NPP (employer registration number)"),
        "text",
        (
            "NPP",
            "No NPP",
            "Nomor NPP",
            "Kode Perusahaan",
            "No Pendaftaran Perusahaan",
            "Nomor Pendaftaran Perusahaan",
        ),
    ),
    Field(
        "phone",
        _text("No HP", "Phone"),
        "text",
        (
            "No HP",
            "Nomor HP",
            "HP",
            "No Handphone",
            "Nomor Handphone",
            "Telepon",
            "No Telepon",
            "Nomor Telepon",
            "No Telp",
            "Telp",
            "Phone",
            "Phone Number",
            "Mobile",
        ),
        personal=True,
    ),
    Field(
        "email",
        _text("Email", "E-mail"),
        "text",
        ("Email", "Alamat Email", "Email Address"),  # "E-mail" is "Email" once compared
        personal=True,
    ),
)
REGISTRY = REGISTRY + PAYMENT + CONTACT

BY_NAME: Mapping[str, Field] = MappingProxyType({f.name: f for f in REGISTRY})
NAMES: tuple[str, ...] = tuple(f.name for f in REGISTRY)
PERSONAL: frozenset[str] = frozenset(f.name for f in REGISTRY if f.personal)
# The gathered columns that note which evidence decided a field, in field order.
EVIDENCE_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys(f.evidence for f in REGISTRY if f.evidence is not None)
)


def field(name: str) -> Field:
    """The field called ``name``; a name that is no field is a mistake (KeyError)."""
    return BY_NAME[name]


def label(name: str, lang: Lang) -> str:
    """How an output names the roster field ``name`` in ``lang``."""
    return BY_NAME[name].shown(lang)


def kind(name: str) -> Kind:
    """How an output formats the values of the roster field ``name``."""
    return BY_NAME[name].kind
