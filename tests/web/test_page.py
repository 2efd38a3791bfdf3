"""The employers' upload page in a real Chromium against a real ``bsu serve``.

Nothing is mocked: the browser loads the page from the server, uploads real sample rosters
with ``fetch``, polls the batch until the background worker has checked it, and downloads
the result workbook. Each test runs once on SQLite and once on PostgreSQL (``server``).
If Chromium is missing the tests fail: CI installs it.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import openpyxl
import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from bsu.rosters import readers as roster
from bsu.rosters.headers import field_for
from tests.servers import BSU, Server, start_server

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WAIT_MS = 15_000
# How long a check may take before the page shows its summary: a bound on a hang, generous
# for a loaded two-core machine (never a speed assertion).
CHECKED_MS = 60_000
# Only the last four digits: the first twelve are region and birth date.
MASKED_NIK = re.compile(r"^•{12}\d{4}$")


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: install the Debian package chromium"
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser profile (empty localStorage), accepting downloads."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(WAIT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def upload(page: Page, path: Path) -> None:
    page.set_input_files("#file", str(path))
    expect(page.locator("#upload")).to_be_enabled()
    page.click("#upload")


def drop(page: Page, path: Path) -> None:
    """Drop a file on #drop as a user dragging it from their desktop would."""
    data = list(path.read_bytes())
    page.evaluate(
        """([name, bytes]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(bytes)], name));
            const zone = document.getElementById("drop");
            for (const type of ["dragenter", "dragover", "drop"]) {
                zone.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true}));
            }
        }""",
        [path.name, data],
    )


def summary_counts(page: Page) -> dict[str, str]:
    return {
        name: page.locator(f"#count-{name}").inner_text()
        for name in ("eligible", "ineligible", "review", "total")
    }


def test_upload_clean_roster_in_indonesian(server: Server, page: Page, tmp_path: Path) -> None:
    page.goto(server.url)
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("h1")).to_have_text("Pemeriksa Kelayakan BSU")
    expect(page.locator("label[for=file]")).to_have_text("Pilih berkas roster")
    expect(page.locator("#upload")).to_have_text("Periksa roster")
    expect(page.locator("#upload")).to_be_disabled()
    expect(page.locator("#lang-toggle")).to_have_text("English")
    expect(page.locator("#drop")).to_be_visible()
    expect(page.locator("#summary")).to_be_hidden()

    upload(page, SAMPLES / "roster-clean.xlsx")
    expect(page.locator("#summary")).to_be_visible(timeout=CHECKED_MS)

    expect(page.locator("#progress")).to_have_attribute("value", "100")
    assert summary_counts(page) == {
        "eligible": "5",
        "ineligible": "7",
        "review": "0",
        "total": "12",
    }
    expect(page.locator("#benefit-total")).to_have_text("Rp3.000.000")
    labels = page.locator("#summary dt").all_inner_texts()
    assert labels[:3] == ["Layak", "Tidak Layak", "Perlu Perbaikan Data"]
    expect(page.locator("#error")).to_be_hidden()

    rows = page.locator("#attention tbody tr")
    expect(rows).to_have_count(7)
    assert [int(r) for r in page.locator("#attention tbody td.num").all_inner_texts()] == [
        5,
        8,
        9,
        10,
        11,
        12,
        13,
    ]
    capped = page.locator("#attention tbody tr[data-row='5']")
    expect(capped).to_contain_text("WAGE_ABOVE_CAP")
    expect(capped).to_contain_text("melebihi batas")
    expect(capped).to_contain_text("Dewi Anggraini")
    expect(capped).to_contain_text("Tidak Layak")
    expect(capped.locator("td.nik")).to_have_text("••••••••••••0004")
    niks = page.locator("#attention tbody td.nik").all_inner_texts()
    assert all(MASKED_NIK.match(n) for n in niks), niks
    assert "3275014708950004" not in page.content()
    assert "327501470895" not in page.content(), "region and birth date are not shown"

    page.screenshot(path=tmp_path / "page.png", full_page=True)
    png = (tmp_path / "page.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000

    expect(page.locator("#download-csv")).to_have_attribute("href", re.compile(r"/result\.csv$"))
    with page.expect_download() as info:
        page.click("#download-xlsx")
    download = info.value
    assert download.suggested_filename == "hasil-roster-clean.xlsx"
    saved = tmp_path / "hasil.xlsx"
    download.save_as(saved)
    book = openpyxl.load_workbook(saved, read_only=True)
    try:
        assert book.sheetnames == [
            "Ringkasan",
            "Layak",
            "Tidak Layak",
            "Perlu Perbaikan",
            "Jejak Keputusan",
        ]
    finally:
        book.close()


def test_english_toggle_follows_into_the_api_and_is_remembered(server: Server, page: Page) -> None:
    page.goto(server.url)
    page.click("#lang-toggle")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("BSU Eligibility Checker")
    expect(page.locator("#lang-toggle")).to_have_text("Bahasa Indonesia")

    page.reload()  # the choice is remembered
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("label[for=file]")).to_have_text("Choose the roster file")
    expect(page.locator("#upload")).to_have_text("Check roster")

    with page.expect_request(re.compile(r"/v1/batches$")) as sent:
        upload(page, SAMPLES / "roster-messy.xlsx")
    assert sent.value.headers.get("accept-language") == "en"
    expect(page.locator("#summary")).to_be_visible(timeout=CHECKED_MS)

    assert summary_counts(page) == {
        "eligible": "0",
        "ineligible": "2",
        "review": "14",
        "total": "16",
    }
    expect(page.locator("#benefit-total")).to_have_text("Rp0")
    labels = page.locator("#summary dt").all_inner_texts()
    assert labels == ["Eligible", "Ineligible", "Needs data fixes", "Workers"]
    expect(page.locator("#download-xlsx")).to_have_text("Download results (.xlsx)")
    attention = page.locator("#attention")
    expect(attention.locator("thead")).to_contain_text("Reasons")
    expect(attention).to_contain_text("The same NIK also appears")
    expect(attention).to_contain_text("Needs data fixes")
    # A NIK quoted inside a message is masked as well.
    expect(attention).to_contain_text("stored as a number (••••••••••••0002)")
    assert "3578010202900002" not in page.content()

    # Back to Indonesian: the API's messages are fetched again in Indonesian.
    page.click("#lang-toggle")
    expect(attention).to_contain_text("NIK yang sama juga ada")
    expect(page.locator("#summary dt").first).to_have_text("Layak")

    # On a phone the page fits the screen: nothing scrolls sideways.
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_unsupported_file_shows_the_api_error(server: Server, page: Page, tmp_path: Path) -> None:
    pdf = tmp_path / "roster.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
    with server.client() as client:
        answer = client.post("/v1/batches", files={"file": ("roster.pdf", pdf.read_bytes())})
    assert answer.status_code == 415
    message = answer.json()["error"]["message"]
    assert "'.pdf'" in message

    page.goto(server.url)
    upload(page, pdf)
    expect(page.locator("#error")).to_be_visible()
    expect(page.locator("#error")).to_have_text(message)
    expect(page.locator("#summary")).to_be_hidden()
    expect(page.locator("#upload")).to_be_enabled()  # the user can choose again

    # Dropping a roster on the drop zone replaces the file; the error goes away.
    drop(page, SAMPLES / "roster-semicolon.csv")
    expect(page.locator("#file-name")).to_have_text("Berkas dipilih: roster-semicolon.csv")
    page.click("#upload")
    expect(page.locator("#summary")).to_be_visible(timeout=CHECKED_MS)
    expect(page.locator("#error")).to_be_hidden()
    assert summary_counts(page) == {"eligible": "4", "ineligible": "2", "review": "2", "total": "8"}
    expect(page.locator("#benefit-total")).to_have_text("Rp2.400.000")


def test_roster_template(server: Server, page: Page, tmp_path: Path) -> None:
    answer = httpx.get(f"{server.url}/template.xlsx", timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert answer.headers["content-disposition"] == (
        'attachment; filename="template-roster-bsu.xlsx"'
    )
    path = tmp_path / "template.xlsx"
    path.write_bytes(answer.content)

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Roster", "Petunjuk"]
    sheet = book["Roster"]
    headers = [c.value for c in sheet[1] if c.value is not None]
    assert headers == [
        "NIK",
        "Nama",
        "Upah",
        "No KPJ",
        "Status Kepesertaan",
        "Kategori",
        "Tanggal Kepesertaan",
        "Kab/Kota",
        "Status Pegawai",
        "Penerima PKH",
        "Bank",
        "No Rekening",
        "Nama Pemilik Rekening",
    ]
    fields = [field_for(h) for h in headers]
    assert None not in fields
    assert len(set(fields)) == len(fields)
    nik = sheet.cell(row=1, column=headers.index("NIK") + 1)
    assert nik.number_format == "@"
    assert all(sheet.cell(row=r, column=nik.column).number_format == "@" for r in range(2, 1001))
    assert sheet.cell(row=2, column=nik.column).value == "3275014101900001"
    account = sheet.cell(row=1, column=headers.index("No Rekening") + 1)
    assert all(sheet.cell(row=r, column=account.column).number_format == "@" for r in (2, 1000))
    assert sheet.cell(row=2, column=account.column).value == "002301012345503"
    assert all(c.font.bold for c in sheet[1] if c.value is not None)
    assert sheet.freeze_panes == "A2"
    notes = "\n".join(str(c.value) for row in book["Petunjuk"].iter_rows() for c in row)
    assert "Teks" in notes and "Text" in notes

    read = roster.read(path)
    assert len(read) == 1
    assert read.records["nik"].tolist() == ["3275014101900001"]

    # The page's link serves the same file.
    page.goto(server.url)
    with page.expect_download() as info:
        page.click("#template-link")
    assert info.value.suggested_filename == "template-roster-bsu.xlsx"


def test_a_server_with_keys_asks_for_one_and_the_page_works_with_it(
    page: Page, tmp_path: Path
) -> None:
    """With keys required, the upload is refused until a key is typed; with it the whole
    cycle works, the download included (a plain link could not carry the key)."""
    data = tmp_path / "data"
    url = f"sqlite:///{tmp_path / 'bsu.db'}"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(data), "LANG": "C.UTF-8"}
    env |= {"BSU_DATA_DIR": str(data), "BSU_DATABASE_URL": url}
    made = subprocess.run(
        [str(BSU), "keys", "create", "--role", "employer", "--employer", "EMP-A", "--label", "A"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    token = made.stdout.splitlines()[0].strip()
    server = start_server(data, url)
    try:
        page.goto(server.url)
        expect(page.locator("#key-box")).to_be_hidden()
        upload(page, SAMPLES / "roster-clean.xlsx")
        expect(page.locator("#error")).to_contain_text("Kunci API diperlukan")
        expect(page.locator("#key-box")).to_be_visible()

        page.fill("#api-key", token)
        page.click("#upload")
        expect(page.locator("#summary")).to_be_visible(timeout=CHECKED_MS)
        assert summary_counts(page)["total"] == "12"
        with page.expect_download() as info:
            page.click("#download-xlsx")
        assert info.value.suggested_filename == "hasil-roster-clean.xlsx"
        saved = tmp_path / "hasil.xlsx"
        info.value.save_as(saved)
        assert saved.read_bytes().startswith(b"PK")
        # The key stays in this tab only, never in localStorage.
        assert page.evaluate("localStorage.getItem('bsu.apiKey')") is None
    finally:
        server.stop()
