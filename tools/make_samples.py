"""Write the synthetic sample rosters in samples/ (no real person's data).

Every NIK here is made up: a real province and regency code, a plausible birth date and a
serial number, so that it passes the structural checks without belonging to anyone.
The rows are chosen so that the three samples together show every status and reason.

    python tools/make_samples.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
D = dt.date


def _append_numbered(ws: Worksheet, rows: list[tuple[object, ...]]) -> None:
    """Append worker rows after a running number, the way rosters start with "No"."""
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])


def clean() -> None:
    """A tidy roster: header on row 1, NIK as text, numeric wages, real date cells."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Pekerja"
    ws.append(
        [
            "No",
            "NIK",
            "Nama Pekerja",
            "No KPJ",
            "Upah",
            "Status Kepesertaan",
            "Kategori",
            "Tanggal Kepesertaan",
            "Kab/Kota",
            "Status Pegawai",
            "Penerima PKH",
            "Departemen",
        ]
    )
    rows = [
        (
            "3275014101900001",
            "Adi Nugroho",
            "21010000001",
            3200000,
            "Aktif",
            "PU",
            D(2019, 3, 1),
            "Kota Bekasi",
            "Tetap",
            "Tidak",
            "Produksi",
        ),
        (
            "3275016502920002",
            "Bunga Lestari",
            "21010000002",
            3500000,
            "Aktif",
            "PU",
            D(2020, 7, 15),
            "Kota Bekasi",
            "Kontrak",
            "Tidak",
            "Produksi",
        ),
        (
            "3275011203880003",
            "Cahyo Pratama",
            "21010000003",
            5700000,
            "Aktif",
            "PU",
            D(2018, 1, 2),
            "Kota Bekasi",
            "Tetap",
            "Tidak",
            "Gudang",
        ),
        (
            "3275014708950004",
            "Dewi Anggraini",
            "21010000004",
            5700001,
            "Aktif",
            "PU",
            D(2021, 2, 1),
            "Kota Bekasi",
            "Tetap",
            "Tidak",
            "Keuangan",
        ),
        (
            "3171012309910005",
            "Eko Saputra",
            "21010000005",
            5400000,
            "Aktif",
            "PU",
            D(2022, 9, 1),
            "Kota Jakarta Selatan",
            "Tetap",
            "",
            "Penjualan",
        ),
        (
            "3275015111930006",
            "Fitri Handayani",
            "21010000006",
            3000000,
            "Aktif",
            "PU",
            D(2025, 4, 30),
            "Kota Bekasi",
            "Kontrak",
            "Tidak",
            "Produksi",
        ),
        (
            "3275010605940007",
            "Gilang Ramadhan",
            "21010000007",
            3000000,
            "Aktif",
            "PU",
            D(2025, 5, 1),
            "Kota Bekasi",
            "Kontrak",
            "Tidak",
            "Produksi",
        ),
        (
            "3275016907960008",
            "Hesti Wulandari",
            "21010000008",
            2900000,
            "Nonaktif",
            "PU",
            D(2017, 5, 5),
            "Kota Bekasi",
            "Tetap",
            "Tidak",
            "Produksi",
        ),
        (
            "3275012210870009",
            "Irfan Hakim",
            "21010000009",
            2900000,
            "Aktif",
            "BPU",
            D(2019, 8, 8),
            "Kota Bekasi",
            "Mitra",
            "Tidak",
            "Distribusi",
        ),
        (
            "3275011504850010",
            "Joko Susilo",
            "21010000010",
            3100000,
            "Aktif",
            "PU",
            D(2016, 6, 1),
            "Kota Bekasi",
            "PPPK",
            "Tidak",
            "Klinik",
        ),
        (
            "3275015009900011",
            "Kartika Sari",
            "21010000011",
            3100000,
            "Aktif",
            "PU",
            D(2016, 6, 1),
            "Kota Bekasi",
            "Tetap",
            "Ya",
            "Kantin",
        ),
        (
            "3275010101800012",
            "Lukman Hakim",
            "21010000012",
            3300000,
            "Aktif",
            "PU",
            D(2015, 1, 5),
            "Kota Bekasi",
            "TNI AD",
            "Tidak",
            "Keamanan",
        ),
    ]
    _append_numbered(ws, rows)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for cell in ws["B"][1:]:
        cell.number_format = "@"
    for cell in ws["H"][1:]:
        cell.number_format = "dd/mm/yyyy"
    wb.save(SAMPLES / "roster-clean.xlsx")


def messy() -> None:
    """A roster as it often arrives: title rows, numeric NIKs, wages typed as text."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Data Karyawan"
    ws.append(["DAFTAR KARYAWAN PT CONTOH MAKMUR SENTOSA"])
    ws.append(["Periode: April 2025"])
    ws.append([])
    ws.append(
        [
            "NO.",
            "No. KTP/NIK",
            "Nama Lengkap",
            "Gaji (Rp)",
            "Status BPJS",
            "Tgl Daftar",
            "Lokasi Kerja",
            "Jenis Pekerja",
            "Keterangan",
        ]
    )
    rows = [
        (
            "3578014403910001",
            "Mega Puspita",
            "Rp 3.500.000",
            "Aktif",
            "12/03/2019",
            "Kota Surabaya",
            "Kontrak",
            "",
        ),
        (
            3578010202900002,
            "Nanda Putra",
            "Rp3.500.000,00",
            "Aktif",
            "01/02/2020",
            "Kota Surabaya",
            "Kontrak",
            "NIK diketik sebagai angka",
        ),
        (
            "6.17101E+15",
            "Oki Setiawan",
            "3.500.000,-",
            "Aktif",
            "2020-02-01",
            "Kota Surabaya",
            "",
            "NIK tersalin dari CSV",
        ),
        ("", "Putri Ayu", "3,5 juta", "Aktif", "01/02/2020", "Kota Surabaya", "", ""),
        (
            "35780112039",
            "Qori Amelia",
            "3500000",
            "Aktif",
            "01/02/2020",
            "Kota Surabaya",
            "",
            "NIK kurang digit",
        ),
        (
            "9978011203900006",
            "Rudi Hartono",
            "3500000",
            "Aktif",
            "01/02/2020",
            "Kota Surabaya",
            "",
            "kode provinsi salah",
        ),
        (
            "3578013513900007",
            "Sinta Dewi",
            "3500000",
            "Aktif",
            "01/02/2020",
            "Kota Surabaya",
            "",
            "tanggal lahir salah",
        ),
        (
            "3578014403910001",
            "Mega P.",
            "3500000",
            "Aktif",
            "12/03/2019",
            "Kota Surabaya",
            "Kontrak",
            "tercatat dua kali",
        ),
        (
            "3578011708890009",
            "Taufik Hidayat",
            "3,5 jt",
            "",
            "01/02/2020",
            "Kota Surabaya",
            "",
            "status kosong",
        ),
        (
            "3578012108880010",
            "Umi Kalsum",
            "",
            "Aktif",
            "01/02/2020",
            "Kota Surabaya",
            "",
            "upah kosong",
        ),
        (
            "3578012408870011",
            "Vino Bastian",
            "sekitar 3 juta",
            "Aktif",
            "01/02/2020",
            "Kota Surabaya",
            "",
            "upah tidak jelas",
        ),
        (
            "3578012708860012",
            "Wati Susanti",
            "4.200.000",
            "Aktif",
            "01/02/2020",
            "",
            "",
            "wilayah kosong",
        ),
        (
            "3578013008850013",
            "Yusuf Maulana",
            "4.200.000",
            "Aktif",
            "01/02/2020",
            "Surabaya Raya",
            "",
            "wilayah tidak dikenal",
        ),
        (
            "3578010109840014",
            "Zaki Ahmad",
            "3200000",
            "Aktif",
            "",
            "Kota Surabaya",
            "",
            "tanggal daftar kosong",
        ),
        (
            "3578010409830015",
            "Ayu Lestari",
            "3.200",
            "Aktif",
            "kemarin",
            "Kota Surabaya",
            "",
            "tanggal daftar tidak jelas; upah ditulis dalam ribuan",
        ),
        (
            "3578014709820016",
            "Bambang Irawan",
            "3200000",
            "Aktif",
            "01/02/2020",
            "Kota Surabaya",
            "Polri",
            "",
        ),
    ]
    _append_numbered(ws, rows)
    ws.cell(row=14, column=5).value = "Tidak Aktif"
    wb.save(SAMPLES / "roster-messy.xlsx")


def semicolon_csv() -> None:
    """CSV as Indonesian Excel saves it: semicolons, decimal commas, UTF-8 with a BOM."""
    lines = [
        "NIK;Nama;Upah;Status Kepesertaan;Kategori;Tgl Daftar;Kab/Kota;Status Pegawai;Penerima PKH",
        "1371014101900001;Citra Kirana;3.200.000;Aktif;PU;05/01/2021;Kota Padang;Swasta;Tidak",
        "1371015202910002;Dimas Anggara;3.200.000;Aktif;Penerima Upah;05/01/2021;Kota Padang;"
        "Swasta;",
        "2171010303920003;Erlangga Putra;4.990.000;Aktif;PU;05/01/2021;Kota Batam;Swasta;Tidak",
        "2171014404930004;Farah Quinn;5.000.000;Aktif;PU;05/01/2021;Kota Batam;Swasta;Tidak",
        "1371010505940005;Galih Prakoso;3.200.000;Aktif;Mandiri;05/01/2021;Kota Padang;;Tidak",
        "1371014606950006;Hana Pertiwi;3.200.000;Aktif;Lainnya;05/01/2021;Kota Padang;;Tidak",
        "1371010707960007;Indra Bekti;3.200.000;Aktif;PU;05/01/2021;Kota Padang;;Mungkin",
        "1371014808970008;Jihan Aulia;3.900.000;Aktif;PU;05/01/2021;Sumatera Barat;;Tidak",
    ]
    (SAMPLES / "roster-semicolon.csv").write_bytes(
        ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")
    )


def _csv(name: str, lines: list[str]) -> None:
    (SAMPLES / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def employer_b() -> None:
    """A second employer's roster: one worker also on PT Sinar Contoh's roster (a NIK paid
    once), one not registered with BPJS Ketenagakerjaan, one registered but not active."""
    _csv(
        "roster-employer-b.csv",
        [
            "NIK;Nama;Upah;Status Kepesertaan;Tgl Daftar;Kab/Kota",
            "3275014101900001;Adi Nugroho;2.000.000;Aktif;01/02/2024;Kota Bekasi",
            "3216016603950101;Nia Ramadhani;3.100.000;Aktif;10/03/2023;Kabupaten Bekasi",
            "3216011207940102;Oka Mahendra;3.100.000;Aktif;10/03/2023;Kabupaten Bekasi",
            "3216015508930103;Prita Laura;3.300.000;Aktif;10/03/2023;Kabupaten Bekasi",
        ],
    )


def registry() -> None:
    """A branch's participant registry extract for the sample rosters' NIKs.

    It differs from what the rosters claim on purpose: Bunga is not active, Cahyo's
    reported wage is above Kota Bekasi's cap, Eko and Oka are not in it at all, Prita
    is registered but not active.
    """
    header = (
        "NIK;KPJ;Nama;Status Kepesertaan;Kategori;Tanggal Kepesertaan;Upah yang Dilaporkan;"
        "Iuran Terakhir;NPP;Nama Perusahaan"
    )
    sinar = "NPP-32750001;PT Sinar Contoh"
    na = "Nonaktif"
    rows = [
        f"3275014101900001;21010000001;Adi Nugroho;Aktif;PU;2019-03-01;3200000;2025-04;{sinar}",
        f"3275016502920002;21010000002;Bunga Lestari;{na};PU;2020-07-15;3500000;2024-11;{sinar}",
        f"3275011203880003;21010000003;Cahyo Pratama;Aktif;PU;2018-01-02;5800000;2025-04;{sinar}",
        f"3275014708950004;21010000004;Dewi Anggraini;Aktif;PU;2021-02-01;5700001;2025-04;{sinar}",
        f"3275015111930006;21010000006;Fitri Handayani;Aktif;PU;2025-04-30;3000000;2025-04;{sinar}",
        f"3275010605940007;21010000007;Gilang Ramadhan;Aktif;PU;2025-05-01;3000000;2025-05;{sinar}",
        f"3275016907960008;21010000008;Hesti Wulandari;{na};PU;2017-05-05;2900000;2023-01;{sinar}",
        f"3275012210870009;21010000009;Irfan Hakim;Aktif;BPU;2019-08-08;2900000;2025-04;{sinar}",
        f"3275011504850010;21010000010;Joko Susilo;Aktif;PU;2016-06-01;3100000;2025-04;{sinar}",
        f"3275015009900011;21010000011;Kartika Sari;Aktif;PU;2016-06-01;3100000;2025-04;{sinar}",
        f"3275010101800012;21010000012;Lukman Hakim;Aktif;PU;2015-01-05;3300000;2025-04;{sinar}",
        "3216016603950101;21020000101;Nia Ramadhani;Aktif;PU;2023-03-10;3100000;2025-04;"
        "NPP-32160002;CV Maju Bersama",
        "3216015508930103;21020000103;Prita Laura;Nonaktif;PU;2023-03-10;3300000;2024-12;"
        "NPP-32160002;CV Maju Bersama",
    ]
    _csv("registry-extract.csv", [header, *rows])


def exclusion_lists() -> None:
    """Exclusion lists a branch receives: PKH recipients (Kemensos) and ASN (BKN)."""
    _csv("exclusions-pkh.csv", ["NIK;Nama", "3275015111930006;Fitri Handayani"])
    _csv("exclusions-asn.csv", ["NIK;Nama", "3216016603950101;Nia Ramadhani"])


if __name__ == "__main__":
    SAMPLES.mkdir(exist_ok=True)
    clean()
    messy()
    semicolon_csv()
    employer_b()
    registry()
    exclusion_lists()
    print(f"wrote samples to {SAMPLES}")
