"""The upload page's "Data rekening" section (the payment pre-check): in a real Chromium
against a real ``bsu serve`` (``server``: once on SQLite, once on PostgreSQL).

A roster with Bank, No Rekening and Atas Nama columns shows eligible workers per payment
channel, the eligible rows whose account needs action with the findings' words, and a
link to the action list; a roster without those columns shows no such section."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from bsu.core.words import say
from tests.api.test_payment_batches import ROSTER
from tests.servers import Server
from tests.support import write_xlsx
from tests.web.test_page import CHECKED_MS, browser, page, playwright, upload

__all__ = ["browser", "page", "playwright"]  # the fixtures of the page tests, shared


def test_the_page_shows_the_accounts_to_act_on(server: Server, page: Page, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "gaji-rekening.xlsx", {"Pekerja": ROSTER})
    page.goto(server.url)
    upload(page, path)
    expect(page.locator("#summary")).to_be_visible(timeout=CHECKED_MS)

    box = page.locator("#payment-box")
    expect(box).to_be_visible()
    expect(box.locator("h3")).to_have_text(say("page_payment_heading", "id"))
    expect(box.locator("h3")).to_have_text("Data rekening")
    expect(box).to_contain_text("tidak mengubah status kelayakan")
    channels = box.locator("#payment-channels li")
    expect(channels).to_have_text(["BNI: 1", "PT Pos Indonesia: 5"])

    # Eligible rows with a finding, in roster order; Dewi (ineligible) and Eko (clean) not.
    rows = box.locator("#payment-rows tbody tr")
    expect(rows).to_have_count(5)
    names = [rows.nth(i).locator("td[data-col=colName]").inner_text() for i in range(5)]
    assert names == ["Adi Nugroho", "Rina Wati", "Tono Sugiarto", "Sari Lestari", "Joko Susilo"]
    expect(rows.nth(0).locator("td[data-col=colRow]")).to_have_text("2")
    rina = rows.nth(1)
    expect(rina.locator("li[data-code=ACCOUNT_NAME_MISMATCH]")).to_contain_text('"Budi Santoso"')
    expect(rows.nth(3).locator("li")).to_have_count(2)  # no account: missing, post office
    expect(rows.nth(3).locator("li[data-code=CHANNEL_POS]")).to_contain_text("kantor pos")
    expect(box.locator("#payment-none")).to_be_hidden()
    expect(box.locator("#payment-more")).to_be_hidden()

    link = box.locator("#download-actions")
    expect(link).to_have_text("Unduh daftar tindak lanjut rekening (.csv)")
    expect(link).to_have_attribute("href", f"/v1/batches/{_batch_id(page)}/actions.csv")
    with page.expect_download() as downloading:
        link.click()
    saved = Path(downloading.value.path())
    text = saved.read_text(encoding="utf-8-sig")
    assert "Rina Wati" in text and "ACCOUNT_NAME_MISMATCH" in text
    assert "Dewi Anggraini" not in text

    # In English: the catalogue's English words and the server's English findings.
    page.click("#lang-toggle")
    expect(box.locator("h3")).to_have_text("Bank account data")
    expect(link).to_have_text("Download the account action list (.csv)")
    expect(rows.nth(3).locator("li[data-code=CHANNEL_POS]")).to_contain_text("post office")
    expect(rows.nth(0).locator("td[data-col=colRow]")).to_have_attribute("data-label", "Row")


def test_a_roster_without_account_columns_shows_no_section(
    server: Server, page: Page, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "gaji.xlsx", {"Pekerja": [row[:5] for row in ROSTER]})
    page.goto(server.url)
    upload(page, path)
    expect(page.locator("#summary")).to_be_visible(timeout=CHECKED_MS)
    expect(page.locator("#count-total")).to_have_text("7")
    expect(page.locator("#payment-box")).to_be_hidden()
    expect(page.locator("#payment-rows tbody tr")).to_have_count(0)


def _batch_id(page: Page) -> str:
    href = page.locator("#download-xlsx").get_attribute("href") or ""
    return href.split("/")[3]
