"""sandbox.read: the roster roster.read gives, exactly, read in a child process; and
whatever happens to that child (killed, out of memory or time, a bug) a RosterError of its
own, with the calling process unharmed.

The failure tests replace roster.read in this process: a forked child runs the replacement
(the fork server's children would not, so those tests fork)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import time
from pathlib import Path

import pandas as pd
import pytest

from bsu.errors import RosterError
from bsu.rosters import preflight, sandbox
from bsu.rosters import readers as roster
from bsu.service.settings import Settings
from tests.hostile.corpus import HEADER, WORKER, workbook
from tests.support import write_csv, write_xlsx

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
STARTS = ["fork", "forkserver"]


def _same(a: roster.Roster, b: roster.Roster) -> None:
    """Equal frames, dtypes, index, column labels, and each cell of the same Python type
    (pandas calls 1, 1.0 and True equal)."""
    for x, y in ((a.records, b.records), (a.original, b.original)):
        pd.testing.assert_frame_equal(x, y, check_exact=True, check_column_type=True)
        assert list(x.columns) == list(y.columns)
        for position in range(x.shape[1]):
            if pd.api.types.is_object_dtype(x.dtypes.iloc[position]):
                assert list(map(type, x.iloc[:, position])) == list(
                    map(type, y.iloc[:, position])
                ), x.columns[position]
    assert a.sheets == b.sheets


def _mixed_workbook(tmp_path: Path) -> Path:
    rows = [
        ("Daftar pekerja",),
        ("NIK", "Nama", "Upah", "Tgl Daftar", "Aktif", "Catatan", "Catatan"),
        ("3275014101900001", "Adi", 3_000_000, dt.date(2024, 1, 15), True, None, "a\tb"),
        (3275014101900002, "Sari\u00a0Dewi", 3.5e6, dt.datetime(2024, 2, 1, 8), False, "", "é"),
        ("3275014101900003", None, "Rp3.200.000", "15/01/2024", None, "=1+1", "ﾃｽﾄ"),
        ("3275014101900004", "😀 emoji", -1, None, 0, "x" * 1000, "\u200b"),
    ]
    return write_xlsx(tmp_path / "campur.xlsx", {"Data": rows, "Kosong": [], "Dua": rows[1:3]})


def _files(tmp_path: Path) -> list[Path]:
    csv_fast = write_csv(
        tmp_path / "cepat.csv",
        ["NIK;Nama;Upah", "3275014101900001;Adi;3000000", "3275014101900002;Søren;NA"],
    )
    csv_careful = write_csv(
        tmp_path / "teliti.csv",
        ["Judul", "NIK,Nama,Upah", "3275014101900001,Adi\x00Budi,3000000", "", "x,,"],
        encoding="cp1252",
    )
    frame = pd.DataFrame({"NIK": ["3275014101900001", None], "Upah": [1.5, None], "N": [1, 2]})
    parquet = tmp_path / "ekstrak.parquet"
    frame.to_parquet(parquet)
    return [
        _mixed_workbook(tmp_path),
        csv_fast,
        csv_careful,
        parquet,
        SAMPLES / "roster-messy.xlsx",
        SAMPLES / "roster-semicolon.csv",
    ]


@pytest.mark.parametrize("start", STARTS)
def test_the_roster_comes_back_exactly(tmp_path: Path, start: sandbox.Start) -> None:
    for path in _files(tmp_path):
        _same(roster.read(path), sandbox.read(path, start=start))


def test_a_large_roster_comes_back_exactly(tmp_path: Path) -> None:
    """Columns the records share with the original table are sent once; both still hold
    every cell (and text columns with a missing cell take the other way)."""
    lines = ["NIK;Nama;Upah;Kota"] + [
        f"32750141019{i:05d};Pekerja {i};{3_000_000 + i};{'' if i % 7 else 'Bekasi'}"
        for i in range(20_000)
    ]
    csv = write_csv(tmp_path / "besar.csv", lines)
    rows = [("NIK", "Nama", "Upah")] + [
        (f"32750141019{i:05d}", f"Pekerja {i}" if i % 5 else None, i) for i in range(20_000)
    ]
    xlsx = write_xlsx(tmp_path / "besar.xlsx", {"Data": rows})
    for path in (csv, xlsx):
        read = sandbox.read(path)
        _same(roster.read(path), read)
        assert len(read) == 20_000


@pytest.mark.parametrize("start", STARTS)
def test_a_roster_error_comes_back_unchanged(tmp_path: Path, start: sandbox.Start) -> None:
    path = write_xlsx(tmp_path / "tanpa-nik.xlsx", {"Data": [("Nama",), ("Ani",)]})
    with pytest.raises(RosterError) as here:
        roster.read(path, "Roster Mei.xlsx")
    with pytest.raises(RosterError) as there:
        sandbox.read(path, "Roster Mei.xlsx", start=start)
    assert there.value.code == here.value.code == "roster_no_nik_column"
    assert there.value.message_id == here.value.message_id
    assert there.value.message_en == here.value.message_en
    assert there.value.where == here.value.where


def test_calamine_aborting_the_child_is_a_typed_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Without preflight, cells at A1 and XFD1048576 make python-calamine allocate 549 GB
    and abort its process. In the child that is one error; this process carries on."""
    path = workbook(tmp_path / "jauh.xlsx", [HEADER, WORKER, (1048576, [("XFD1048576", "x")])])
    monkeypatch.setattr(preflight, "check_xlsx", lambda *_a, **_k: None)
    started = time.monotonic()
    with pytest.raises(RosterError) as refused:
        sandbox.read(path, budget=sandbox.Budget(memory_mb=512, timeout_seconds=20))
    assert refused.value.code == "file_too_complex"
    assert time.monotonic() - started < 10
    assert "512 MB" in refused.value.message("en")
    assert "memory allocation" not in capfd.readouterr().err  # the library's words stay out


def _replace_read(monkeypatch: pytest.MonkeyPatch, behaviour: object) -> None:
    monkeypatch.setattr(roster, "read", behaviour)


def _raise(error: BaseException) -> object:
    def read(*_args: object) -> roster.Roster:
        raise error

    return read


def _signal(number: int) -> object:
    def read(*_args: object) -> roster.Roster:
        os.kill(os.getpid(), number)
        time.sleep(10)
        raise AssertionError("not killed")

    return read


def _sleep(*_args: object) -> roster.Roster:
    time.sleep(60)
    raise AssertionError("not stopped")


@pytest.mark.parametrize(
    ("behaviour", "code"),
    [
        (_raise(MemoryError()), "file_too_complex"),
        (_signal(signal.SIGKILL), "file_too_complex"),  # what the kernel's OOM killer sends
        (_signal(signal.SIGSEGV), "file_too_complex"),
        (_signal(signal.SIGXCPU), "file_timeout"),  # the CPU-time backstop
        (_raise(KeyError("3275014101900001")), "roster_unreadable"),
        (_raise(SystemExit(0)), "roster_unreadable"),
    ],
    ids=["memory-error", "sigkill", "sigsegv", "sigxcpu", "a-bug", "exit-before-answering"],
)
def test_whatever_ends_the_child_is_a_typed_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    behaviour: object,
    code: str,
) -> None:
    path = write_csv(tmp_path / "roster.csv", ["NIK;Nama", "3275014101900001;Adi"])
    _replace_read(monkeypatch, behaviour)
    with pytest.raises(RosterError) as refused:
        sandbox.read(path, "Roster Mei.csv", budget=sandbox.Budget(timeout_seconds=20))
    error = refused.value
    assert error.code == code
    assert error.where.file == "Roster Mei.csv"
    for lang in ("id", "en"):
        assert error.message(lang).startswith("Roster Mei.csv: ")
        assert "3275014101900001" not in error.message(lang)  # a cell quoted by a bug
    assert "Traceback" not in capfd.readouterr().err
    assert multiprocessing.active_children() == []


def test_a_child_that_takes_too_long_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "roster.csv", ["NIK;Nama", "3275014101900001;Adi"])
    _replace_read(monkeypatch, _sleep)
    started = time.monotonic()
    with pytest.raises(RosterError) as refused:
        sandbox.read(path, budget=sandbox.Budget(timeout_seconds=1))
    assert refused.value.code == "file_timeout"
    assert "1-second limit" in refused.value.message("en")
    assert time.monotonic() - started < 5
    assert multiprocessing.active_children() == [], "the child was killed and reaped"


def test_ctrl_c_in_the_parent_stops_the_child_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "roster.csv", ["NIK;Nama", "3275014101900001;Adi"])
    _replace_read(monkeypatch, _sleep)

    def interrupted(*_args: object) -> roster.Roster:
        time.sleep(0.2)
        raise KeyboardInterrupt

    monkeypatch.setattr(sandbox, "_receive", interrupted)
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        sandbox.read(path)
    assert time.monotonic() - started < 3
    assert multiprocessing.active_children() == []


def test_the_fork_server_stops_a_slow_read_too(tmp_path: Path) -> None:
    rows = [f"32750141019{i:05d};Pekerja {i}" for i in range(200_000)]
    path = write_csv(tmp_path / "besar.csv", ["NIK;Nama", *rows])
    with pytest.raises(RosterError) as refused:
        sandbox.read(path, budget=sandbox.Budget(timeout_seconds=0.01), start="forkserver")
    assert refused.value.code == "file_timeout"


def test_a_read_over_the_memory_budget_is_stopped(tmp_path: Path) -> None:
    """200,000 rows need well over 16 MB beyond the libraries: refused, not read. (The
    fork server's children start clean; a child forked from a process that has reserved
    memory it is not using may use that too.)"""
    rows = [f"32750141019{i:05d};Pekerja {i};{3_000_000 + i}" for i in range(200_000)]
    path = write_csv(tmp_path / "besar.csv", ["NIK;Nama;Upah", *rows])
    assert len(sandbox.read(path, start="forkserver")) == 200_000  # the default is enough
    with pytest.raises(RosterError) as refused:
        sandbox.read(path, budget=sandbox.Budget(memory_mb=16), start="forkserver")
    assert refused.value.code == "file_too_complex"
    assert "16 MB" in refused.value.message("en")


def _allocate(*_args: object) -> roster.Roster:
    blocks = [bytearray(256 * 1024 * 1024) for _ in range(64)]  # 16 GB, a page at a time
    raise AssertionError(f"allocated {len(blocks)} blocks")


def test_a_forked_child_is_held_to_its_budget_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "roster.csv", ["NIK;Nama", "3275014101900001;Adi"])
    _replace_read(monkeypatch, _allocate)
    started = time.monotonic()
    with pytest.raises(RosterError) as refused:
        sandbox.read(path, budget=sandbox.Budget(memory_mb=1024))
    assert refused.value.code == "file_too_complex"
    assert time.monotonic() - started < 10


def test_the_budget_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert sandbox.Budget.of(Settings()) == sandbox.Budget()
    monkeypatch.setenv("BSU_PARSE_MEMORY_MB", "512")
    monkeypatch.setenv("BSU_PARSE_TIMEOUT_SECONDS", "7.5")
    assert sandbox.Budget.of(Settings()) == sandbox.Budget(memory_mb=512, timeout_seconds=7.5)
    monkeypatch.setenv("BSU_PARSE_TIMEOUT_SECONDS", "0")
    with pytest.raises(ValueError, match="parse_timeout_seconds"):
        Settings()
