"""The upload page's "Cakupan wilayah (UCJ)" section for branch staff, in a real Chromium
against a real ``bsu serve`` of each database kind (nothing mocked).

The store is filled by the real console script as in ``tests/api/test_coverage_regions``
(two registry snapshots, a universe and targets; keys made before the server starts). A
staff key typed on the page shows the section: the region table with targets and gap,
the trend chart (fetched with the key, shown from a blob URL), the employers in arrears,
and both workbooks download. An employer's key never sees the section.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from playwright.sync_api import Page, expect

from bsu.core.words import say
from tests.api.test_coverage_regions import (
    UNIVERSE_SOURCE,
    Stocked,
    kind,
    loaded,
)
from tests.servers import Server
from tests.web.test_page import browser, page, playwright

__all__ = ["browser", "kind", "loaded", "page", "playwright"]  # shared fixtures


def type_key(page: Page, token: str) -> None:
    """As a user would: the page offers the key box, the key is typed and left."""
    expect(page.locator("#key-open")).to_be_visible()
    expect(page.locator("#key-box")).to_be_hidden()
    page.click("#key-open")
    expect(page.locator("#key-box")).to_be_visible()
    page.fill("#api-key", token)
    page.press("#api-key", "Tab")


def cells(page: Page, code: str) -> dict[str, str]:
    row = page.locator(f"#coverage-regions tbody tr[data-code='{code}']")
    found = {}
    for cell in row.locator("td").all():
        found[cell.get_attribute("data-col") or ""] = cell.inner_text().strip()
    return found


def test_staff_see_regions_chart_and_arrears_and_download_them(
    loaded: Stocked, page: Page, tmp_path: Path
) -> None:
    page.goto(loaded.server.url)
    section = page.locator("#coverage")
    expect(section).to_be_hidden()  # keys required, none typed yet
    type_key(page, loaded.keys["staff"])
    expect(section).to_be_visible()
    expect(section.locator("h2")).to_have_text("Cakupan wilayah (UCJ)")
    expect(page.locator("#coverage-body")).to_be_hidden()

    page.click("#coverage-load")
    expect(page.locator("#coverage-body")).to_be_visible()
    expect(page.locator("#coverage-as-of")).to_have_text(
        say("page_coverage_as_of", "id", as_of="2025-06-30", year=2025)
    )
    expect(page.locator("#coverage-denominator")).to_contain_text(UNIVERSE_SOURCE)
    expect(page.locator("#coverage-missing")).to_be_hidden()

    # The province first, its regencies under it (codes in the table's order).
    rows = page.locator("#coverage-regions tbody tr")
    expect(rows).to_have_count(3)
    order = [rows.nth(i).get_attribute("data-code") for i in range(3)]
    assert order[0] == "61" and set(order[1:]) == {"61.01", "61.72"}
    assert rows.nth(0).get_attribute("class") == "province"

    province = cells(page, "61")
    name, note = province["page_coverage_col_region"].split("\n", 1)
    assert name == "Kalimantan Barat"
    assert note.strip()  # the server's note: the universe summed from the regencies
    assert province["page_coverage_col_protected"] == "6"
    assert province["page_coverage_col_universe"] == "30"
    assert province["page_coverage_col_coverage"] == "20,0"
    assert province["page_coverage_col_target"] == "32,15"
    assert province["page_coverage_col_gap"] == "4"
    singkawang = cells(page, "61.72")
    assert singkawang == {
        "page_coverage_col_region": "Kota Singkawang",
        "page_coverage_col_protected": "4",
        "page_coverage_col_pu": "3",
        "page_coverage_col_bpu": "1",
        "page_coverage_col_universe": "10",
        "page_coverage_col_not_protected": "6",
        "page_coverage_col_coverage": "40,0",
        "page_coverage_col_target": "50,0",
        "page_coverage_col_gap": "1",
        "page_coverage_col_change": "+10,0",
    }

    chart = page.locator("#coverage-trend")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("src", re.compile(r"^blob:"))
    assert page.evaluate("document.getElementById('coverage-trend').naturalWidth") > 100

    arrears = page.locator("#coverage-arrears tbody tr[data-npp='NPP-61720001']")
    expect(arrears).to_contain_text("PT Sawit Contoh")
    expect(arrears.locator("td[data-col=page_coverage_col_inactive]")).to_have_text("1")
    expect(arrears.locator("td[data-col=page_coverage_col_overdue]")).to_have_text("2")
    assert arrears.locator("td[data-col=page_coverage_col_message]").inner_text().strip()
    # The call list (NIKs, phones) is only in the download, not on the screen.
    assert "6172014707900007" not in page.content()
    assert "0812-0000-0007" not in page.content()

    with page.expect_download() as info:
        page.click("#download-regions")
    assert info.value.suggested_filename == "cakupan-wilayah-2025-06-30.xlsx"
    saved = tmp_path / "wilayah.xlsx"
    info.value.save_as(saved)
    book = openpyxl.load_workbook(saved, read_only=True)
    try:
        assert {"Ringkasan", "Per Kabupaten-Kota", "Per Provinsi", "Tren"} <= set(book.sheetnames)
    finally:
        book.close()

    with page.expect_download() as info:
        page.click("#download-arrears")
    assert info.value.suggested_filename == "tunggakan-iuran-2025-06-30.xlsx"
    saved = tmp_path / "tunggakan.xlsx"
    info.value.save_as(saved)
    book = openpyxl.load_workbook(saved, read_only=True)
    try:
        assert "Daftar Tunggakan" in book.sheetnames
    finally:
        book.close()

    # In English: the page's words and the server's, the figures with a decimal point.
    page.click("#lang-toggle")
    expect(section.locator("h2")).to_have_text("Regional coverage (UCJ)")
    expect(page.locator("#coverage-regions thead")).to_contain_text("Coverage (%)")
    coverage = "td[data-col=page_coverage_col_coverage]"
    expect(page.locator(f"#coverage-regions tr[data-code='61.72'] {coverage}")).to_have_text("40.0")
    expect(page.locator("#coverage-as-of")).to_have_text(
        say("page_coverage_as_of", "en", as_of="2025-06-30", year=2025)
    )
    expect(page.locator("#download-regions")).to_have_attribute(
        "href", "/v1/coverage/regions.xlsx?lang=en"
    )


def test_an_employer_key_never_sees_the_section(loaded: Stocked, page: Page) -> None:
    page.goto(loaded.server.url)
    expect(page.locator("#key-open")).to_be_visible()  # asked once without a key: 401
    # The page asks whether the caller is staff once the key is typed, and is refused.
    with page.expect_response(lambda r: r.url.endswith("/v1/coverage")) as asked:
        type_key(page, loaded.keys["employer"])
    assert asked.value.status == 403
    expect(page.locator("#coverage")).to_be_hidden()
    expect(page.locator("#key-open")).to_be_hidden()
    # And the API refuses the key whatever the page shows.
    status = page.evaluate(
        """async (key) => (await fetch('/v1/coverage/regions',
            {headers: {Authorization: 'Bearer ' + key}})).status""",
        loaded.keys["employer"],
    )
    assert status == 403


def test_the_local_user_sees_the_section_and_is_told_to_import_a_registry(
    server: Server, page: Page
) -> None:
    page.goto(server.url)
    expect(page.locator("#coverage")).to_be_visible()
    expect(page.locator("#key-open")).to_be_hidden()
    page.click("#coverage-load")
    error = page.locator("#coverage-error")
    expect(error).to_be_visible()
    expect(error).to_have_text(say("regional_registry_needed", "id"))
    expect(page.locator("#coverage-body")).to_be_hidden()
    expect(page.locator("#error")).to_be_hidden()  # the upload's own box is left alone
