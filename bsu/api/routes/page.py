"""The employers' upload page: one HTML page, its script and style, and a roster template.

No build step and nothing from a CDN: the files in ``bsu/api/static`` are served as they
are, by explicit routes (a router cannot mount ``StaticFiles``). The page talks to the
batch API with ``fetch``; every label is in Bahasa Indonesia first, with English a click
away.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
from functools import cache
from importlib import resources
from string import Template

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from bsu import __version__
from bsu.api.deps import SettingsDep
from bsu.core.fields import BY_NAME
from bsu.core.ruleset import LANGS
from bsu.core.words import both, catalogue, say

router = APIRouter(include_in_schema=False)

STATIC = resources.files("bsu.api").joinpath("static")
ASSETS = {
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_NAME = "template-roster-bsu.xlsx"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        # blob: the staff coverage chart, fetched with the key (a header) and shown from memory
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

# The template's columns: header, width, number format of the data cells (None: General).
TEMPLATE_COLUMNS: tuple[tuple[str, int, str | None], ...] = (
    ("NIK", 20, "@"),
    ("Nama", 28, None),
    ("Upah", 14, "#,##0"),
    ("No KPJ", 16, "@"),
    ("Status Kepesertaan", 20, None),
    ("Kategori", 11, None),
    ("Tanggal Kepesertaan", 21, "dd/mm/yyyy"),
    ("Kab/Kota", 22, None),
    ("Status Pegawai", 17, None),
    ("Penerima PKH", 15, None),
    # For the payment pre-check only (never judged): the account kept as text.
    ("Bank", 12, None),
    ("No Rekening", 20, "@"),
    ("Nama Pemilik Rekening", 28, None),
)
TEMPLATE_EXAMPLE: tuple[object, ...] = (
    "3275014101900001",
    "Contoh Pekerja (hapus baris ini)",
    3_000_000,
    "21010000001",
    "Aktif",
    "PU",
    dt.date(2024, 1, 15),
    "Kota Bekasi",
    "Kontrak",
    "Tidak",
    "BRI",
    "002301012345503",
    "Contoh Pekerja (hapus baris ini)",
)
# The field names a column mapping (``map``, the page's Pemetaan kolom) may use.
FIELD_NAMES = ", ".join(BY_NAME)
TEMPLATE_ROWS = 1000  # data rows formatted ahead of time, so typed NIKs stay text
# The instructions sheet, a line each in both languages (``rules/words/api.yaml``).
INSTRUCTIONS = (
    "api_template_title",
    "api_template_rows",
    "api_template_nik",
    "api_template_wage",
    "api_template_participation",
    "api_template_category",
    "api_template_registered_on",
    "api_template_region",
    "api_template_employment",
    "api_template_pkh",
    "api_template_save",
)


# The page's words kept in the catalogue (``rules/words/api.yaml``): its keys starting so.
PAGE_WORDS = "page_"


@cache
def _asset(name: str) -> str:
    return STATIC.joinpath(name).read_text(encoding="utf-8")


@cache
def page_words() -> str:
    """The catalogue's words of the page, per language and key, as JSON for its script
    (``data-words``); their ``{placeholders}`` are filled in the browser."""
    keys = sorted(k for k in catalogue() if k.startswith(PAGE_WORDS))
    return json.dumps({lang: {k: say(k, lang) for k in keys} for lang in LANGS})


@router.get("/", response_class=HTMLResponse)
def index(settings: SettingsDep) -> HTMLResponse:
    """The page, with the upload limit, version and words filled in."""
    max_mb = max(1, settings.max_upload_bytes // (1024 * 1024))
    page = Template(_asset("index.html")).substitute(
        version=__version__,
        max_mb=str(max_mb),
        fields=FIELD_NAMES,
        words=html.escape(page_words(), quote=True),
    )
    return HTMLResponse(page, headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})


def _static(name: str) -> Response:
    return Response(
        _asset(name),
        media_type=ASSETS[name],
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )


@router.get("/static/app.js")
def app_js() -> Response:
    return _static("app.js")


@router.get("/static/style.css")
def style_css() -> Response:
    return _static("style.css")


@router.get("/template.xlsx")
def template_xlsx() -> Response:
    """An empty roster with the headers the checker reads and a Text-formatted NIK column."""
    return Response(
        roster_template(),
        media_type=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{TEMPLATE_NAME}"',
            "Cache-Control": "no-cache",
        },
    )


@cache
def roster_template() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = "Roster"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, (header, width, number_format) in enumerate(TEMPLATE_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=col, value=header)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        if number_format == "@":
            cell.number_format = "@"
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = width
        if number_format is not None:
            for row in range(2, TEMPLATE_ROWS + 1):
                sheet.cell(row=row, column=col).number_format = number_format
    for col, value in enumerate(TEMPLATE_EXAMPLE, start=1):
        sheet.cell(row=2, column=col, value=value)
    sheet.freeze_panes = "A2"

    notes = book.create_sheet("Petunjuk")
    notes.column_dimensions["A"].width = 90
    notes.column_dimensions["B"].width = 90
    notes.cell(row=1, column=1, value="Bahasa Indonesia").font = bold
    notes.cell(row=1, column=2, value="English").font = bold
    for row, key in enumerate(INSTRUCTIONS, start=2):
        for col, text in enumerate(both(key), start=1):
            cell = notes.cell(row=row, column=col, value=text)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if row == 2:
                cell.font = bold
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
