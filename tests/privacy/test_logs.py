"""No NIK, KPJ, bank account or wage in what the server and the CLI log, nor in an error.

A real ``bsu serve`` with logging at INFO and uvicorn's access log on goes through a whole
upload-check-download cycle with a roster full of such numbers, and through the ways it
can fail (an unsupported file, a workbook that is not one, a malformed request, a batch
that does not exist, a NIK in the path and in the query string, a request that breaks the
server); every error body is read, then the whole log. A number may appear only as its
keyed pseudonym, computed here with the key the server kept in its data folder.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from bsu.privacy.pseudonyms import KEY_FILE, pseudonym
from tests.cli.conftest import BSU
from tests.servers import start_server, wait_for
from tests.support import write_xlsx

HEADER = [
    "NIK",
    "Nama",
    "Upah",
    "No KPJ",
    "No Rekening",
    "Status Kepesertaan",
    "Tgl Daftar",
    "Kab/Kota",
]
WORKERS = [
    # NIK, name, wage, KPJ, bank account
    ("3275014101900001", "Adi", "4137291", "21010000101", "1234567890123"),
    ("3275014101900002", "Budi", "5891234", "21010000102", "0987654321"),
    ("3275 0141 0190 0003", "Cici", "3216549", "21010000103", "7778889990001"),
    ("327501410190004", "Dedi", "2718281", "21010000104", "4445556667"),  # 15 digits
    ("3275014101900005", "Euis", "", "21010000105", "9990001112223"),  # no wage
]
NIKS = [w[0] for w in WORKERS]
WAGES = [w[2] for w in WORKERS if w[2]]
NUMBERS = [*NIKS, *WAGES, *(w[3] for w in WORKERS), *(w[4] for w in WORKERS)]
ASKED = "3275014101900009"  # a NIK only ever sent in paths and query strings


def _roster(path: Path) -> Path:
    rows = [
        [nik, name, wage, kpj, account, "Aktif", "15/01/2024", "Kota Bekasi"]
        for nik, name, wage, kpj, account in WORKERS
    ]
    return write_xlsx(path, {"Roster": [HEADER, *rows]})


def _forms(number: str) -> set[str]:
    """A number as it may be written: as typed, without separators, with thousands dots."""
    digits = re.sub(r"\D", "", number)
    forms = {number, digits}
    if len(digits) <= 9:  # a wage: also Rp4.137.291
        forms.add(f"{int(digits):,}".replace(",", "."))
    return forms


def _leaks(text: str) -> list[str]:
    found = [form for n in [*NUMBERS, ASKED] for form in _forms(n) if form in text]
    found += re.findall(r"(?<![0-9])[0-9]{16}(?![0-9])", text)
    return found


def _worker(nik: str, name: str, wage: str, kpj: str) -> dict[str, Any]:
    return {
        "nik": nik,
        "name": name,
        "wage": wage or None,
        "kpj": kpj,
        "participant_status": "Aktif",
        "registered_on": "2024-01-15",
        "region": "Kota Bekasi",
    }


def _bsu(tmp: Path, level: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """The installed ``bsu``, as ``tests.cli`` runs it, with logging at ``level``."""
    return subprocess.run(
        [str(BSU), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "COLUMNS": "200",
            "LANG": "C.UTF-8",
            "BSU_DATA_DIR": str(tmp / "data"),
            "BSU_LOG_LEVEL": level,
        },
    )


def _error(response: httpx.Response, *statuses: int) -> None:
    """An error answer of one of ``statuses``, naming the problem but no number sent."""
    assert response.status_code in statuses, response.text
    assert set(response.json()) == {"error"}, response.text
    assert _leaks(response.text) == [], response.text


def test_a_full_cycle_with_its_errors_logs_no_personal_number(
    tmp_path: Path, database_url: str
) -> None:
    data = tmp_path / "data"
    roster = _roster(tmp_path / "gaji-oktober.xlsx")
    server = start_server(data, database_url, "--access-log", BSU_LOG_LEVEL="INFO")
    try:
        with server.client() as c:
            # The cycle: upload, follow, read every row, download both results.
            submitted = c.post("/v1/batches", files={"file": (roster.name, roster.read_bytes())})
            assert submitted.status_code == 202, submitted.text
            url = submitted.headers["location"]
            done = wait_for(c, url, {"done", "failed"})
            assert done["status"] == "done", done
            rows = c.get(url + "/rows", params={"page_size": 100}).json()
            assert {r["nik"] for r in rows["data"]} >= {"3275014101900001"}, rows
            for tail in ("/result.xlsx", "/result.csv"):
                assert c.get(url + tail).status_code == 200
            for status in ("eligible", "ineligible", "review"):
                assert c.get(url + "/rows", params={"status": status}).status_code == 200

            # Single and list checks; a 15-digit NIK is a result (review), not an error.
            workers = [_worker(*w[:4]) for w in WORKERS]
            for worker in workers:
                assert c.post("/v1/check", json=worker).status_code == 200
            short = c.post("/v1/check", json=_worker("327501410190004", "Dedi", "1", "2"))
            assert short.json()["status"] == "review", short.text
            assert c.post("/v1/check/batch", json=workers).json()["count"] == len(WORKERS)

            # Errors: none may echo the number that caused it.
            nik, wage = NIKS[0], WAGES[0]
            _error(c.post("/v1/check", json={**workers[0], "nik": [nik]}), 422)
            _error(c.post("/v1/check", json={**workers[0], "wage": {"rp": wage}}), 422)
            _error(c.post("/v1/check", json={**workers[0], nik: wage}), 422)
            _error(c.post("/v1/check", json=[workers[0]]), 422)
            _error(
                c.post(
                    "/v1/check",
                    content=f'{{"nik": "{nik}", "wage": {wage},'.encode(),
                    headers={"Content-Type": "application/json"},
                ),
                422,
            )
            _error(c.post("/v1/check/batch", json=[{**workers[1], "kpj": 21010000102}]), 422)
            _error(c.post("/v1/check", params={"rules": ASKED}, json=workers[0]), 404)
            _error(c.get(f"/v1/batches/{ASKED}"), 404)
            _error(c.get(f"/v1/batches/{ASKED}/result.xlsx"), 404)
            _error(c.get(f"/v1/batches/{ASKED}/rows", params={"nik": ASKED}), 404)
            _error(c.get("/v1/check", params={"nik": ASKED}), 405)
            _error(c.get(f"/{ASKED}", headers={"Accept-Language": "en"}), 404)
            assert c.get(url, params={"nik": ASKED}).status_code == 200
            with server.client() as once:  # uvicorn drops the connection after a 500
                _error(once.get(url + "/rows", params={"page": ASKED + "000"}), 422, 500)
            pdf = c.post(
                "/v1/batches", files={"file": (f"{ASKED}.pdf", b"%PDF-1.4 " + nik.encode())}
            )
            _error(pdf, 415)

            # A batch that fails: a "workbook" that is not one, named after a worker. (If
            # the upload itself screens it out, that answer is the error to read.)
            broken = c.post(
                "/v1/batches", files={"file": (f"gaji-{nik}.xlsx", b"PK\x03\x04" + nik.encode())}
            )
            if broken.status_code == 202:
                failed = wait_for(c, broken.headers["location"], {"done", "failed"})
                assert failed["status"] == "failed", failed
                _error(c.get(broken.headers["location"] + "/rows"), 409)
                _error(c.get(broken.headers["location"] + "/result.csv"), 409)
            else:
                _error(broken, 415, 422)
    finally:
        server.stop()

    log = server.log.read_text(encoding="utf-8", errors="replace")
    assert "GET /v1/batches/" in log, "the access log was on"
    assert _leaks(log) == [], log
    # A log line that mentions a worker's number names it by the pseudonym under the key
    # the server made (once, private) in its data folder.
    key_file = data / KEY_FILE
    assert key_file.stat().st_mode & 0o077 == 0
    key = key_file.read_bytes().strip()
    assert pseudonym(ASKED, key) in log, log


@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
def test_the_cli_logs_no_personal_number(tmp_path: Path, level: str) -> None:
    roster = _roster(tmp_path / "roster.xlsx")
    broken = tmp_path / "rusak.csv"
    broken.write_text(f'NIK;Nama;Upah\n"{NIKS[0]};Adi;{WAGES[0]}\n', encoding="utf-8")
    runs = [
        _bsu(tmp_path, level, "check", roster, "--out", tmp_path / "hasil.xlsx"),
        _bsu(tmp_path, level, "check", roster, "--format", "json"),
        _bsu(tmp_path, level, "check", broken),
        _bsu(tmp_path, level, "check", roster, broken),
        _bsu(tmp_path, level, "purge", "--dry-run"),
    ]
    assert [r.returncode for r in runs] == [0, 0, 2, 3, 0], [r.stderr for r in runs]
    for done in runs:
        assert "Traceback" not in done.stderr
        assert _leaks(done.stderr) == [], done.stderr
