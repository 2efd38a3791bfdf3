"""The hostile corpus (``corpus.py``) through every way in: reading it (``sandbox.read``),
the real CLI, and a real server on SQLite and on PostgreSQL.

For each file: its typed error (or, for the files that are rosters after all, the right
rows), within the budget (seconds, and the peak memory of the CLI and its reading child),
never a traceback or an internal error; the server answers an upload it can judge at once
with a 4xx, fails the others' batches with the code, and keeps answering ``/healthz``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bsu.errors import RosterError
from bsu.rosters import sandbox
from tests.hostile.corpus import CONTROL, CORPUS, Hostile
from tests.servers import BSU, Server, database, start_server, wait_for

SECONDS = 5.0  # to read one file, or to answer its upload
CLI_SECONDS = 15.0  # a whole ``bsu check`` process: interpreter and imports included
PEAK_MB = 512  # the CLI process and its reading child, each
SECRET = "root:x:0:0"  # /etc/passwd's first line, which the XXE file asks for
CASES = [pytest.param(h, id=h.id) for h in CORPUS]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("corpus")
    return {h.id: h.make(folder / h.filename) for h in CORPUS}


def _expected_rows(hostile: Hostile) -> list[str] | None:
    """The names the files that are rosters after all must give back, cell for cell."""
    return {
        "far-dimension": ["Adi"],
        "control-characters-csv": [CONTROL, "Budi\x00Santoso"],
        "control-characters-xlsx": [CONTROL],
    }.get(hostile.id)


@pytest.mark.parametrize("hostile", CASES)
def test_reading_it_is_typed_and_quick(hostile: Hostile, files: dict[str, Path]) -> None:
    path = files[hostile.id]
    started = time.monotonic()
    try:
        read = sandbox.read(path, budget=sandbox.Budget(memory_mb=PEAK_MB, timeout_seconds=20))
    except RosterError as error:
        assert error.code == hostile.code, error.message("en")
        assert error.message("en").startswith(f"{hostile.filename}: ")
        assert error.message("id") != error.message("en")
        assert SECRET not in error.message("id") + error.message("en")
    else:
        assert hostile.code is None, f"read, though it should be {hostile.code}"
        assert read.original.iloc[:, 1].tolist() == _expected_rows(hostile)
    assert time.monotonic() - started < SECONDS


# A small launcher measures the CLI: os.wait4 gives the peak resident memory of the
# process and of the children it waited for (the reading child), which getrusage of the
# test process would mix with every process the test session has run. The launcher is
# small because a child's peak starts from its parent's size at fork.
LAUNCHER = """
import json, os, subprocess, sys, time
out, err = open(sys.argv[1], "wb"), open(sys.argv[2], "wb")
started = time.perf_counter()
child = subprocess.Popen(sys.argv[3:], stdout=out, stderr=err)
_, status, usage = os.wait4(child.pid, 0)
print(json.dumps({
    "code": os.waitstatus_to_exitcode(status),
    "seconds": time.perf_counter() - started,
    "peak_mb": usage.ru_maxrss / 1024,
}))
"""


def _cli(*args: str | Path) -> tuple[dict[str, float], str, str]:
    scratch = Path(tempfile.mkdtemp(prefix="bsu-corpus-"))
    env = {"PATH": "/usr/bin:/bin", "COLUMNS": "200", "LANG": "C.UTF-8"}
    env["BSU_DATA_DIR"] = str(scratch)
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", LAUNCHER, scratch / "out", scratch / "err", BSU, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    measured = json.loads(done.stdout)
    out = (scratch / "out").read_text(encoding="utf-8", errors="replace")
    err = (scratch / "err").read_text(encoding="utf-8", errors="replace")
    return measured, out, err


Run = tuple[dict[str, float], str, str]
CONTROL_FILES = ("control-characters-csv", "control-characters-xlsx")


@pytest.fixture(scope="module")
def cli(files: dict[str, Path]) -> dict[str, Run]:
    """Every CLI run of this module, two at a time (most of each is starting Python)."""
    runs: dict[str, tuple[str | Path, ...]] = {
        h.id: ("check", files[h.id], "--format", "json", "--lang", "en") for h in CORPUS
    }
    for fixture in CONTROL_FILES:
        for suffix in ("xlsx", "csv"):
            runs[f"{fixture}>{suffix}"] = (
                "check",
                files[fixture],
                "--out",
                _written(files, fixture, suffix),
            )
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(runs, pool.map(lambda args: _cli(*args), runs.values()), strict=True))


@pytest.mark.parametrize("hostile", CASES)
def test_the_cli_answers_within_its_budget(
    hostile: Hostile, files: dict[str, Path], cli: dict[str, Run]
) -> None:
    measured, out, err = cli[hostile.id]
    said = " ".join(err.split())
    assert "Traceback" not in err and "memory allocation" not in err, err
    assert SECRET not in out + err
    assert measured["peak_mb"] < PEAK_MB, measured
    assert measured["seconds"] < CLI_SECONDS, measured
    if hostile.code is None:
        assert measured["code"] == 0, err
        names = [row["name"] for row in json.loads(out)["rows"]]
        assert names == _expected_rows(hostile)
        return
    assert measured["code"] == 2, err  # a user's error, not a crash (134 is an abort)
    with pytest.raises(RosterError) as expected:
        sandbox.read(files[hostile.id])
    assert expected.value.code == hostile.code
    assert f"Error: {expected.value.message('en')}" in said
    assert f"Galat: {expected.value.message('id')}" in said


def _written(files: dict[str, Path], fixture: str, suffix: str) -> Path:
    return files[fixture].with_name(f"hasil-{fixture}.{suffix}")


@pytest.mark.parametrize("fixture", CONTROL_FILES)
def test_control_characters_are_written_back_as_read(
    fixture: str, files: dict[str, Path], cli: dict[str, Run]
) -> None:
    """In the workbook as OOXML escapes (_x0001_), which Excel and calamine read back as
    the characters; in the CSV as they are."""
    from python_calamine import CalamineWorkbook

    names = _expected_rows(next(h for h in CORPUS if h.id == fixture)) or []
    for suffix in ("xlsx", "csv"):
        measured, _, err = cli[f"{fixture}>{suffix}"]
        assert measured["code"] == 0, err
    written = [_written(files, fixture, suffix) for suffix in ("xlsx", "csv")]
    book = CalamineWorkbook.from_path(str(written[0]))
    cells = {
        value
        for sheet in book.sheet_names
        for row in book.get_sheet_by_name(sheet).to_python()
        for value in row
        if isinstance(value, str)
    }
    assert set(names) <= cells, names
    text = written[1].read_text(encoding="utf-8-sig")
    assert all(name in text for name in names)


# --- a real server -----------------------------------------------------------------------

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=DATABASES)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """One server per database for the whole corpus, with a small reading budget."""
    tmp = tmp_path_factory.mktemp(f"corpus-{request.param}")
    with database(request.param, tmp) as url:
        running = start_server(
            tmp / "data",
            url,
            BSU_PARSE_MEMORY_MB=str(PEAK_MB),
            BSU_PARSE_TIMEOUT_SECONDS="20",
        )
        try:
            yield running
        finally:
            running.stop()


@pytest.mark.parametrize("hostile", CASES)
def test_the_server_answers_with_the_code(
    server: Server, hostile: Hostile, files: dict[str, Path]
) -> None:
    path = files[hostile.id]
    uploads = Path(server.env["BSU_DATA_DIR"]) / "uploads"
    before = sorted(uploads.iterdir()) if uploads.is_dir() else []
    with server.client() as c:
        started = time.monotonic()
        answer = c.post(
            "/v1/batches",
            files={"file": (hostile.filename, path.read_bytes())},
            headers={"Accept-Language": "en"},
        )
        assert time.monotonic() - started < SECONDS
        assert SECRET not in answer.text
        if hostile.code is not None and hostile.screened:
            assert answer.status_code == hostile.status, answer.text
            error = answer.json()["error"]
            assert error["code"] == hostile.code
            if hostile.code != "file_empty":  # the route's own words for that: no file name
                assert error["message"].startswith(f"{hostile.filename}: ")
            after = sorted(uploads.iterdir()) if uploads.is_dir() else []
            assert after == before, "a refused upload is not kept"
        else:
            assert answer.status_code == 202, answer.text
            batch = wait_for(c, answer.headers["location"], {"done", "failed"}, timeout=60)
            assert SECRET not in json.dumps(batch)
            if hostile.code is None:
                assert batch["status"] == "done", batch["error"]
            else:
                assert batch["status"] == "failed"
                assert batch["error"]["code"] == hostile.code  # never internal_error
        health = c.get("/healthz")
        assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert server.process.poll() is None, "the server is still running"
