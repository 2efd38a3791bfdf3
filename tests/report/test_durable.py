"""durable.atomic: the one write-then-rename every kept file goes through (results,
coverage workbook and chart, stored uploads)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bsu.results import durable


def _synced(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = durable.fsync

    def record(path: Path) -> None:
        calls.append(Path(path))
        real(path)

    monkeypatch.setattr(durable, "fsync", record)
    return calls


def test_the_file_appears_whole_with_file_and_folder_fsynced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced = _synced(monkeypatch)
    target = tmp_path / "hasil.xlsx"
    with durable.atomic(target) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".hasil.xlsx.")
        assert tmp.suffix == ".xlsx"  # a writer may pick its format by the suffix
        tmp.write_bytes(b"data")
        assert not target.exists()
    assert target.read_bytes() == b"data"
    assert synced == [tmp, tmp_path]
    assert [p.name for p in tmp_path.iterdir()] == ["hasil.xlsx"]


def test_the_file_is_an_ordinary_one(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        with durable.atomic(tmp_path / "a.csv") as tmp:
            tmp.write_text("x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "a.csv").stat().st_mode) == 0o644


@pytest.mark.parametrize("before", [None, b"old"])
def test_a_failed_write_leaves_what_was_there(tmp_path: Path, before: bytes | None) -> None:
    target = tmp_path / "a.csv"
    if before is not None:
        target.write_bytes(before)
    with pytest.raises(RuntimeError), durable.atomic(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("killed")
    assert (target.read_bytes() if target.exists() else None) == before
    assert [p.name for p in tmp_path.iterdir()] == ([] if before is None else ["a.csv"])


def test_a_name_without_suffix_gets_a_temporary_one(tmp_path: Path) -> None:
    with durable.atomic(tmp_path / "log") as tmp:
        assert tmp.suffix == ".tmp"
        tmp.write_text("x")
    assert (tmp_path / "log").read_text() == "x"
