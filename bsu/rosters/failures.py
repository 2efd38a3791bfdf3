"""What a reader that failed in the sandbox tells the user: too heavy, too slow, or
unreadable, each a ``RosterError`` with what to do about it."""

from __future__ import annotations

from bsu.errors import RosterError, Where
from bsu.values.numbers import id_number


def too_complex(where: Where, memory_mb: int) -> RosterError:
    return RosterError(
        "file_too_complex",
        where,
        (
            f"Berkas ini terlalu berat untuk dibaca: pembacaannya memerlukan lebih dari "
            f"{id_number(memory_mb)} MB memori atau menghentikan pembacanya.",
            f"This file is too heavy to read: reading it needed more than "
            f"{memory_mb:,} MB of memory or stopped the reader.",
        ),
        (
            "Simpan ulang roster sebagai workbook baru yang hanya berisi tabel pekerja, atau "
            "sebagai CSV, atau bagi menjadi beberapa berkas.",
            "Save the roster again as a new workbook holding only the worker table, or as "
            "CSV, or split it into several files.",
        ),
    )


def timed_out(where: Where, seconds: float) -> RosterError:
    limit = f"{seconds:g}"
    return RosterError(
        "file_timeout",
        where,
        (
            f"Membaca berkas ini memakan waktu lebih dari {limit} detik, batasnya.",
            f"Reading this file took longer than the {limit}-second limit.",
        ),
        (
            "Bagi roster menjadi beberapa berkas yang lebih kecil, atau simpan sebagai CSV "
            "(lebih cepat dibaca).",
            "Split the roster into several smaller files, or save it as CSV (quicker to read).",
        ),
    )


def unreadable(where: Where, what: str) -> RosterError:
    return RosterError(
        "roster_unreadable",
        where,
        (f"Berkas tidak dapat dibaca ({what}).", f"The file cannot be read ({what})."),
        (
            "Simpan ulang sebagai Excel Workbook (.xlsx) atau CSV; bila masih gagal, kirim "
            "berkasnya ke petugas.",
            "Save it again as an Excel Workbook (.xlsx) or CSV; if it still fails, send the "
            "file to the staff.",
        ),
    )
