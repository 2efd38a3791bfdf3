"""The API's answers when the data folder cannot take a file: a typed 507 for an upload,
a typed 503 from ``/readyz``, each naming what an operator should do."""

from __future__ import annotations

from bsu.errors import StorageFull, Unavailable
from bsu.service import storage
from bsu.service.settings import Settings


def upload_refused(problem: storage.Problem) -> StorageFull:
    """507: the upload was not kept (nothing of it is left, no batch was made)."""
    if problem == "full":
        return StorageFull(
            "Penyimpanan server penuh, jadi berkas tidak dapat disimpan; tidak ada yang "
            "tersimpan. Coba lagi nanti. Operator: kosongkan ruang di folder data "
            "(BSU_DATA_DIR).",
            "The server's storage is full, so the file could not be stored; nothing was "
            "kept. Try again later. Operators: free space in the data folder (BSU_DATA_DIR).",
            "storage_full",
        )
    return StorageFull(
        "Folder data server tidak dapat ditulisi (hanya-baca atau tanpa izin), jadi berkas "
        "tidak dapat disimpan; tidak ada yang tersimpan. Operator: periksa mount dan izin "
        "folder data (BSU_DATA_DIR).",
        "The server's data folder cannot be written (read-only or no permission), so the "
        "file could not be stored; nothing was kept. Operators: check the data folder's "
        "mount and permissions (BSU_DATA_DIR).",
        "storage_unwritable",
    )


def not_ready(settings: Settings) -> Unavailable | None:
    """503 when the data folder cannot take uploads now (unwritable, full, nearly full)."""
    found = storage.readiness(settings.data_dir, settings.min_free_bytes)
    if found is None:
        return None
    problem, free = found
    if problem == "unwritable":
        return Unavailable(
            "Folder data tidak dapat ditulisi (hanya-baca atau tanpa izin): unggahan akan "
            "ditolak. Operator: periksa mount dan izin folder data (BSU_DATA_DIR).",
            "The data folder cannot be written (read-only or no permission): uploads will be "
            "refused. Operators: check the data folder's mount and permissions (BSU_DATA_DIR).",
            "storage_unwritable",
        )
    mb, need = free // (1024 * 1024), settings.min_free_bytes // (1024 * 1024)
    return Unavailable(
        f"Ruang kosong folder data tinggal {mb} MB (batas BSU_MIN_FREE_BYTES: {need} MB): "
        "unggahan dan hasilnya bisa gagal disimpan. Operator: kosongkan ruang di folder data "
        "(BSU_DATA_DIR).",
        f"The data folder has {mb} MB free (BSU_MIN_FREE_BYTES: {need} MB): uploads and "
        "their results may fail to be stored. Operators: free space in the data folder "
        "(BSU_DATA_DIR).",
        "storage_low",
    )
