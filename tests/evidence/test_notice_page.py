"""The upload page, in a real Chromium against the real server with evidence loaded, says
when loaded evidence overruled the roster, and only what applies to the caller: staff see
the extract and lists by name and date; an employer sees that the registry was used for
the workers at its NPP (and a list only if it decided one of them); an employer whose
workers the registry does not hold sees no notice at all."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.evidence.conftest import SAMPLES, Scoped
from tests.web.test_page import CHECKED_MS, browser, page, playwright, upload

__all__ = ["browser", "page", "playwright"]  # fixtures used by the tests below

ROSTER = SAMPLES / "roster-clean.xlsx"


def _as(page: Page, scoped: Scoped, who: str) -> None:
    token = scoped.keys[who]
    page.add_init_script(f"sessionStorage.setItem('bsu.apiKey', {token!r});")
    page.goto(scoped.server.url)
    upload(page, ROSTER)
    expect(page.locator("#summary")).to_be_visible(timeout=CHECKED_MS)


def test_staff_see_the_extract_and_lists_in_force(scoped: Scoped, page: Page) -> None:
    _as(page, scoped, "staff")
    notice = page.locator("#evidence-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Data yang dimuat dipakai dan mengalahkan isi roster")
    expect(notice).to_contain_text("registry-extract.csv (per 2025-05-02)")
    expect(notice).to_contain_text(
        "daftar PKH exclusions-pkh.csv (per 2025-06-01, sumber Kemensos)"
    )
    page.click("#lang-toggle")
    expect(notice).to_contain_text("Loaded evidence was used and outranks what the roster says")


def test_an_employer_is_told_only_what_applies_to_it(scoped: Scoped, page: Page) -> None:
    _as(page, scoped, "employer_a")
    notice = page.locator("#evidence-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("NPP Anda")
    expect(notice).to_contain_text("data peserta BPJS Ketenagakerjaan (per 2025-05-02)")
    expect(notice).to_contain_text("daftar PKH (per 2025-06-01, sumber Kemensos)")
    text = notice.inner_text()
    assert ".csv" not in text and "ASN" not in text, text


def test_no_notice_when_nothing_applied(scoped: Scoped, page: Page) -> None:
    _as(page, scoped, "employer_c")
    expect(page.locator("#evidence-notice")).to_be_hidden()
