"""POST /v1/batches and what follows: status, rows, result files, and every way it refuses."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
import yaml
from openpyxl import load_workbook

from tests.api.conftest import (
    EN,
    SAMPLES,
    XLSX,
    Uploaded,
    error_of,
    upload,
    uploads_of,
)
from tests.servers import Server, wait_for

EXPECTED = yaml.safe_load((SAMPLES / "expected.yaml").read_text(encoding="utf-8"))
SHEETS = ["Ringkasan", "Layak", "Tidak Layak", "Perlu Perbaikan"]


def _decisions(rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {
        r["row"]: {"status": r["status"], "reasons": [x["code"] for x in r["reasons"]]}
        for r in rows
    }


def _moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert moment.tzinfo is not None, f"{text} has no zone"
    return moment


def test_an_upload_is_accepted_then_checked_in_the_background(clean: Uploaded) -> None:
    submitted = clean.submitted
    assert submitted.status_code == 202
    first = submitted.json()
    assert first["status"] in {"queued", "running", "done"}
    assert submitted.headers["location"] == first["links"]["self"] == f"/v1/batches/{first['id']}"
    assert first["filename"] == "roster-clean.xlsx"
    assert first["ruleset"] == {"id": "bsu-2025", "version": "2025.1", "status": "final"}
    assert first["links"]["rows"] == f"/v1/batches/{first['id']}/rows"
    assert first["links"]["result_xlsx"].endswith("/result.xlsx")

    batch = clean.batch
    assert batch["id"] == first["id"]
    assert (batch["status"], batch["progress"], batch["error"]) == ("done", 100, None)
    assert batch["ruleset"] == {"id": "bsu-2025", "version": "2025.1", "status": "final"}
    assert batch["summary"] == {
        "total": 12,
        "eligible": 5,
        "ineligible": 7,
        "review": 0,
        "benefit_total": 3_000_000,
    }
    assert batch["sheets"] == [
        {"source": "roster-clean.xlsx", "sheet": "Pekerja", "header_row": 1, "rows": 12}
    ]
    created, started, finished = (
        _moment(batch[k]) for k in ("created_at", "started_at", "finished_at")
    )
    assert created <= started <= finished


def test_rows_come_a_page_at_a_time_in_roster_order(client: httpx.Client, clean: Uploaded) -> None:
    pages = []
    for page in (1, 2, 3, 4):
        response = client.get(f"{clean.url}/rows", params={"page": page, "page_size": 5})
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["count"], body["page"], body["page_size"]) == (12, page, 5)
        pages.append(body["data"])
    assert [len(p) for p in pages] == [5, 5, 2, 0]
    rows = [r for p in pages for r in p]
    assert [r["position"] for r in rows] == list(range(12))
    assert [r["row"] for r in rows] == list(range(2, 14)), "numbered as the spreadsheet shows"
    assert {(r["source"], r["sheet"]) for r in rows} == {("roster-clean.xlsx", "Pekerja")}
    assert rows[0]["nik"] == "3275014101900001" and rows[0]["name"] == "Adi Nugroho"
    assert _decisions(rows) == EXPECTED["roster-clean.xlsx"]
    assert sum(r["benefit"] for r in rows) == 3_000_000

    whole = client.get(f"{clean.url}/rows").json()
    assert whole["data"] == rows and whole["page_size"] == 100


def test_rows_of_one_status_with_their_reasons(client: httpx.Client, clean: Uploaded) -> None:
    body = client.get(f"{clean.url}/rows", params={"status": "ineligible"}).json()
    assert body["count"] == 7 and len(body["data"]) == 7
    assert {r["status"] for r in body["data"]} == {"ineligible"}
    for r in body["data"]:
        assert r["reasons"], r
        for reason in r["reasons"]:
            assert reason["code"] and reason["message"] and "Pasal" in reason["citation"]
    assert client.get(f"{clean.url}/rows", params={"status": "eligible"}).json()["count"] == 5
    review = client.get(f"{clean.url}/rows", params={"status": "review"}).json()
    assert (review["count"], review["data"]) == (0, [])

    english = client.get(f"{clean.url}/rows", params={"status": "ineligible"}, headers=EN).json()
    assert _decisions(english["data"]) == _decisions(body["data"])
    wage_id = next(r for r in body["data"] if r["row"] == 5)["reasons"][0]
    wage_en = next(r for r in english["data"] if r["row"] == 5)["reasons"][0]
    assert wage_id["code"] == wage_en["code"] == "WAGE_ABOVE_CAP"
    assert wage_id["message"].startswith("Upah Rp5.700.001 melebihi batas Rp5.700.000")
    assert wage_en["message"].startswith("The wage Rp5.700.001 is above")
    assert wage_id["citation"] == wage_en["citation"]


def test_bad_row_queries_are_validation_errors(client: httpx.Client, clean: Uploaded) -> None:
    for params in ({"status": "layak"}, {"page": 0}, {"page_size": 0}, {"page_size": 1001}):
        error_of(client.get(f"{clean.url}/rows", params=params), 422, "validation_error")


def test_the_result_workbook_is_the_one_the_cli_writes(
    client: httpx.Client, clean: Uploaded
) -> None:
    response = client.get(f"{clean.url}/result.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    assert 'filename="hasil-roster-clean.xlsx"' in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [*SHEETS, "Jejak Keputusan"]
    counts = {name: book[name].max_row - 1 for name in SHEETS[1:]}
    assert counts == {"Layak": 5, "Tidak Layak": 7, "Perlu Perbaikan": 0}
    # The decision trail: one line per worker and criterion of bsu-2025.
    assert book["Jejak Keputusan"].max_row - 1 == 12 * 6
    header = [c.value for c in book["Layak"][1]]
    assert header[:3] == ["Berkas", "Sheet", "Baris"]
    assert {"NIK", "Nama Pekerja", "Departemen", "Kode Alasan", "Keterangan"} <= set(header)


def _result_csv(client: httpx.Client, batch: Uploaded) -> list[dict[str, str]]:
    response = client.get(f"{batch.url}/result.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="hasil-roster-clean.csv"' in response.headers["content-disposition"]
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Berkas,Sheet,Baris,Status,Kode Alasan,Keterangan")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_result_csv_has_a_header_and_every_row(client: httpx.Client, clean: Uploaded) -> None:
    rows = _result_csv(client, clean)
    assert [r["Baris"] for r in rows] == [str(n) for n in range(2, 14)]
    assert [r["Status"] for r in rows].count("Layak") == 5
    assert rows[0]["NIK"] == "3275014101900001"
    assert rows[3]["Kode Alasan"] == "WAGE_ABOVE_CAP"


def test_the_result_csv_writes_whole_numbers_as_the_roster_had_them(
    client: httpx.Client, clean: Uploaded
) -> None:
    first = _result_csv(client, clean)[0]
    assert (first["No"], first["Upah"], first["Bantuan"]) == ("1", "3200000", "600000")


def test_a_csv_roster_is_checked_too(api: Server) -> None:
    batch = upload(api, SAMPLES / "roster-semicolon.csv")
    assert batch.batch["status"] == "done", batch.batch["error"]
    assert batch.batch["summary"] == {
        "total": 8,
        "eligible": 4,
        "ineligible": 2,
        "review": 2,
        "benefit_total": 2_400_000,
    }
    with api.client() as c:
        rows = c.get(f"{batch.url}/rows").json()["data"]
        assert _decisions(rows) == EXPECTED["roster-semicolon.csv"]
        assert rows[0]["nik"] == "1371014101900001"
        text = c.get(f"{batch.url}/result.csv").content.decode("utf-8-sig")
    assert len(text.splitlines()) == 9


def _workbook(rows: list[list[object]]) -> bytes:
    """A real .xlsx (openpyxl) holding these rows, as bytes."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "code", "words_id", "words_en"),
    [
        (
            "tanpa-nik.xlsx",
            _workbook([["Nama", "Upah"], ["Adi", 3000000]]),
            "roster_no_nik_column",
            "Tidak ada kolom NIK",
            "NIK column",
        ),
        (
            "tanpa-nik.csv",
            b"Nama;Upah\nAdi;3000000\n",
            "roster_no_nik_column",
            "Tidak ada kolom NIK",
            "NIK column",
        ),
    ],
    ids=["xlsx-without-nik", "csv-without-nik"],
)
def test_a_roster_that_cannot_be_read_fails_with_a_reason(
    api: Server, tmp_path: Path, name: str, content: bytes, code: str, words_id: str, words_en: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    batch = upload(api, path)
    assert batch.submitted.status_code == 202
    assert batch.batch["status"] == "failed"
    assert batch.batch["summary"] is None
    assert batch.batch["error"]["code"] == code
    message = batch.batch["error"]["message"]
    assert message.startswith(name) and words_id in message
    with api.client() as c:
        english = c.get(batch.url, headers=EN).json()["error"]
        assert english["code"] == code
        assert english["message"].startswith(name) and words_en in english["message"]
        for tail in ("/rows", "/result.xlsx", "/result.csv"):
            error_of(c.get(batch.url + tail), 409, "batch_failed")


def test_a_failed_batch_does_not_ask_to_try_again_shortly(api: Server, tmp_path: Path) -> None:
    path = tmp_path / "tanpa-nik.csv"
    path.write_bytes(b"Nama;Upah\nAdi;3000000\n")
    batch = upload(api, path)
    with api.client() as c:
        message = c.get(f"{batch.url}/rows", headers=EN).json()["error"]["message"]
    assert "try again shortly" not in message.lower()


def test_a_pdf_is_refused_and_not_stored(client: httpx.Client, api: Server) -> None:
    before = uploads_of(api)
    response = client.post("/v1/batches", files={"file": ("roster.pdf", b"%PDF-1.4\n")})
    message = error_of(response, 415, "file_type_unsupported")
    assert ".pdf" in message and ".xlsx" in message and ".csv" in message
    no_suffix = client.post("/v1/batches", files={"file": ("roster", b"NIK\n1\n")}, headers=EN)
    assert "not supported" in error_of(no_suffix, 415, "file_type_unsupported")
    assert uploads_of(api) == before


def test_an_empty_file_is_refused_and_not_stored(client: httpx.Client, api: Server) -> None:
    before = uploads_of(api)
    response = client.post("/v1/batches", files={"file": ("roster.xlsx", b"")})
    error_of(response, 422, "file_empty")
    assert uploads_of(api) == before


def test_an_upload_needs_a_file_and_a_known_rule_set(client: httpx.Client, api: Server) -> None:
    before = uploads_of(api)
    error_of(client.post("/v1/batches", data={"ruleset": "bsu-2025"}), 422, "validation_error")
    content = (SAMPLES / "roster-semicolon.csv").read_bytes()
    response = client.post(
        "/v1/batches", files={"file": ("r.csv", content)}, data={"ruleset": "bsu-1999"}
    )
    assert "bsu-1999" in error_of(response, 404, "ruleset_not_found")
    assert uploads_of(api) == before


def test_an_upload_over_the_size_limit_is_refused_and_not_stored(held: Server) -> None:
    before = uploads_of(held)
    content = b"NIK;Nama\n" + b"3275014101900001;Adi Nugroho\n" * 50
    assert len(content) > 1000
    with held.client() as c:
        error_of(c.post("/v1/batches", files={"file": ("big.csv", content)}), 413, "file_too_large")
        english = c.post("/v1/batches", files={"file": ("big.csv", content)}, headers=EN)
        assert "Split the roster" in error_of(english, 413, "file_too_large")
        fits = c.post("/v1/batches", files={"file": ("small.csv", content[:900])})
        assert fits.status_code == 202, fits.text
    after = uploads_of(held)
    assert after - before == {f"{fits.json()['id']}.csv"}, "no partial file is left behind"


def test_the_size_limit_message_states_a_real_limit(held: Server) -> None:
    with held.client() as c:
        response = c.post("/v1/batches", files={"file": ("big.csv", b"x" * 2000)}, headers=EN)
    assert "0 MB" not in response.json()["error"]["message"]


def test_an_unknown_batch_is_not_found_everywhere(client: httpx.Client) -> None:
    missing = f"/v1/batches/{uuid.uuid4()}"
    for tail in ("", "/rows", "/result.xlsx", "/result.csv"):
        assert "tidak ditemukan" in error_of(client.get(missing + tail), 404, "batch_not_found")
        english = error_of(client.get(missing + tail, headers=EN), 404, "batch_not_found")
        assert "was not found" in english


def test_a_batch_not_yet_checked_has_no_rows_or_results(held: Server) -> None:
    with held.client() as c:
        submitted = c.post(
            "/v1/batches", files={"file": ("../../tunggu.csv", b"NIK;Nama\n3275014101900001;Adi\n")}
        )
        assert submitted.status_code == 202, submitted.text
        batch = submitted.json()
        assert batch["filename"] == "tunggu.csv", "only the file's own name is kept"
        assert batch["status"] == "queued" and batch["summary"] is None
        url = submitted.headers["location"]
        assert c.get(url).json()["status"] == "queued"
        for tail in ("/rows", "/result.xlsx", "/result.csv"):
            message = error_of(c.get(url + tail), 409, "batch_not_ready")
            assert "queued" in message
        english = error_of(c.get(url + "/rows", headers=EN), 409, "batch_not_ready")
        assert english.startswith("The batch is not checked yet")
    assert f"{batch['id']}.csv" in uploads_of(held)


def test_a_batch_is_polled_until_done(api: Server, client: httpx.Client) -> None:
    """The documented flow, end to end: upload, follow links.self, fetch rows."""
    content = (SAMPLES / "roster-semicolon.csv").read_bytes()
    submitted = client.post("/v1/batches", files={"file": ("roster.csv", content)}, headers=EN)
    links = submitted.json()["links"]
    done = wait_for(client, links["self"], {"done", "failed"})
    assert done["status"] == "done"
    assert client.get(links["rows"]).json()["count"] == 8
    assert client.get(links["result_xlsx"]).status_code == 200


def test_the_result_files_are_in_the_uploaders_language(api: Server, tmp_path: Path) -> None:
    roster = SAMPLES / "roster-messy.xlsx"
    with api.client(headers=EN) as c:
        submitted = c.post("/v1/batches", files={"file": (roster.name, roster.read_bytes())})
        assert submitted.status_code == 202
        url = submitted.headers["location"]
        assert wait_for(c, url, {"done", "failed"})["status"] == "done"
        text = c.get(url + "/result.csv").content.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.startswith("File,") and "Reason codes" in header
    assert "The same NIK also appears" in text and "NIK yang sama" not in text
    workbook = tmp_path / "result.xlsx"
    with api.client() as c:
        workbook.write_bytes(c.get(url + "/result.xlsx").content)
    summary = [r for r in load_workbook(workbook)["Ringkasan"].iter_rows(values_only=True)]
    assert ("Total benefit (Rp)", 0, None) in summary
