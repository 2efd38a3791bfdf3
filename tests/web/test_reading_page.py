"""The upload page shows how the roster was read, and takes a column mapping: in a real
Chromium against a real ``bsu serve`` (``server``: once on SQLite, once on PostgreSQL).

The roster is an HR export as clerks send it: "NIK" holds the employee code and "NIK KTP"
the NIK, "Gaji Pokok" stands beside "Total Upah", and a JUMLAH row closes the table."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.servers import Server
from tests.support import write_xlsx
from tests.web.test_page import CHECKED_MS, browser, page, playwright, summary_counts, upload

__all__ = ["browser", "page", "playwright"]  # the fixtures of the page tests, shared

HEADERS = ["NIK", "NIK KTP", "Nama", "Gaji Pokok", "Total Upah", "Status Kepesertaan"]
HEADERS += ["Tanggal Kepesertaan", "Kab/Kota"]
WORKERS = [
    ["EMP0001", "3273056010900010", "Siti Rahma", 2_500_000, 3_000_000, "Aktif", "15/01/2024"],
    ["EMP0002", "3275014507850003", "Ani Lestari", 2_700_000, 6_200_000, "Aktif", "01/02/2024"],
]
TOTALS = ["JUMLAH", None, None, 5_200_000, 9_200_000, None, None, None]
# Rows with more skipped rows than the page lists openly: the list folds.
SIGNATURE = [["Bekasi, 30 April 2025"], ["HRD Manager"], [None], ["(nama)"]]


def roster(folder: Path, *below: list[object]) -> Path:
    rows = [HEADERS, *([*w, "Kota Bekasi"] for w in WORKERS), TOTALS, *below]
    return write_xlsx(folder / "karyawan.xlsx", {"Karyawan": rows})


def test_the_page_shows_the_reading_and_applies_a_typed_mapping(
    server: Server, page: Page, tmp_path: Path
) -> None:
    page.goto(server.url)
    mapping = page.get_by_label("Pemetaan kolom (opsional)")
    expect(mapping).to_be_visible()
    expect(mapping).to_have_attribute("aria-describedby", "mapping-hint")
    expect(page.locator("#mapping-hint")).to_contain_text("wage=Total Upah")
    expect(page.locator("#mapping-hint")).to_contain_text("registered_on")

    # Read as the checker chooses: the total wage, so the second worker is above the cap.
    upload(page, roster(tmp_path))
    expect(page.locator("#summary")).to_be_visible(timeout=CHECKED_MS)
    reading = page.locator("#reading-box")
    expect(reading).to_be_visible()
    expect(reading.locator("h3")).to_have_text("Cara roster dibaca")
    expect(reading).to_contain_text("NIK dibaca dari kolom 'NIK KTP'")
    expect(reading).to_contain_text("dibaca dari kolom 'Total Upah'")
    expect(reading).to_contain_text("Kolom 'NIK' tidak dipakai")
    expect(reading).to_contain_text("Baris 4 dilewati")
    assert summary_counts(page) == {"eligible": "1", "ineligible": "1", "review": "0", "total": "2"}

    # The clerk says which wage column to judge, and checks again.
    mapping.fill("wage=Gaji Pokok\nnik=NIK KTP")
    page.click("#upload")
    expect(reading).to_contain_text("dibaca dari kolom 'Gaji Pokok'", timeout=CHECKED_MS)
    expect(reading).to_contain_text("Kolom 'Total Upah' tidak dipakai")
    assert summary_counts(page) == {"eligible": "2", "ineligible": "0", "review": "0", "total": "2"}

    # In English, the reading is the server's English words.
    page.click("#lang-toggle")
    expect(reading.locator("h3")).to_have_text("How the roster was read")
    expect(reading).to_contain_text("read from column 'Gaji Pokok'")
    expect(page.get_by_label("Column mapping (optional)")).to_have_value(
        "wage=Gaji Pokok\nnik=NIK KTP"
    )
    assert "3273056010900010" not in page.content()


def test_many_skipped_rows_fold_and_a_header_the_roster_lacks_is_said(
    server: Server, page: Page, tmp_path: Path
) -> None:
    path = roster(tmp_path, *SIGNATURE)
    page.goto(server.url)
    upload(page, path)
    expect(page.locator("#summary")).to_be_visible(timeout=CHECKED_MS)
    folded = page.locator("#reading details")
    expect(folded).to_have_count(1)
    expect(folded.locator("summary")).to_contain_text("baris dilewati")
    expect(folded.locator("li").first).to_be_hidden()
    folded.locator("summary").click()
    expect(folded).to_contain_text("Baris 4 dilewati")
    assert summary_counts(page)["total"] == "2", "the signature block is no worker"

    page.get_by_label("Pemetaan kolom (opsional)").fill("wage=Upah Bersih")
    page.click("#upload")
    error = page.locator("#error")
    expect(error).to_be_visible(timeout=CHECKED_MS)
    expect(error).to_contain_text("Upah Bersih")
    expect(error).to_contain_text("Gaji Pokok")  # the headers the roster has
    expect(page.locator("#summary")).to_be_hidden()
