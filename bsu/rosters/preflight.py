"""Looking at an upload before any parser does, so a hostile file cannot hurt the process.

Measured on this stack: a 1.5 KB workbook with cells only at A1 and XFD1048576 makes
python-calamine allocate 549 GB and abort the whole process (no exception to catch), and
a 307 KB zip bomb expands to 300 MB in every reader. So before parsing: the zip's declared
sizes and compression ratios are checked (a real 100k-row roster compresses about 11:1),
and each worksheet's XML is streamed once to bound the area a reader would allocate.

The same look tells a person what the file really is when it is not a workbook at all
(empty; cut short; an old .xls or a password-protected workbook, both OLE compound files;
a web page or a CSV renamed to .xlsx), and refuses XML parts that declare a DOCTYPE:
Excel never writes one, and entity declarations are how XML readers are attacked (billion
laughs, external entities). openpyxl, for one, parses a workbook's structural parts with
lxml when lxml is installed, which expands entities.

An .xls (an OLE compound file) is screened by ``ole``; an .ods (a zip) by ``archive``,
its repeated rows and cells by ``odf``. ``check_workbook`` (by the suffix, through
``check_xlsx``, ``check_xls``, ``check_ods``) and ``check_csv`` run before every read
(``readers``); ``screen`` is the
part cheap enough for the upload route to answer at once, before a batch exists. What the
file really is, is ``sniff``'s to tell; the archive's screening is ``archive``'s.
"""

from __future__ import annotations

from pathlib import Path

from bsu.errors import BsuError
from bsu.rosters import archive, kinds, ole, sniff
from bsu.rosters.archive import MAX_COLUMNS, SCREEN_SHEET_BYTES
from bsu.rosters.refusal import Refusal

__all__ = [
    "MAX_COLUMNS",
    "Refusal",
    "check_csv",
    "check_ods",
    "check_workbook",
    "check_xls",
    "check_xlsx",
    "require_defused_xml",
    "screen",
]


def screen(path: Path) -> Refusal | None:
    """The checks cheap enough to answer an upload with at once (by the file's suffix, in
    ``kinds``): all of them, but sheets are scanned only up to ``SCREEN_SHEET_BYTES``."""
    family = kinds.family_of(path.suffix)
    if family in kinds.WORKBOOKS:
        return check_workbook(path, sheet_bytes=SCREEN_SHEET_BYTES)
    if family == "csv":
        return check_csv(path)
    return None


def check_workbook(path: Path, sheet_bytes: int | None = None) -> Refusal | None:
    """The check of a workbook's family (by its suffix): None if it is safe to read."""
    family = kinds.family_of(path.suffix)
    if family == "xls":
        return check_xls(path, sheet_bytes)
    if family == "ods":
        return check_ods(path, sheet_bytes)
    return check_xlsx(path, sheet_bytes)


def check_csv(path: Path) -> Refusal | None:
    """A .csv that is really a workbook: a text parser would read its bytes as rows."""
    head = sniff.first_bytes(path)
    if head is None:
        return None
    if not head:
        return sniff.EMPTY
    if head.startswith((sniff.ZIP_MAGIC, sniff.OLE_MAGIC)):
        return sniff.workbook_named_csv(head)
    if head.startswith(b"%PDF"):
        return sniff.mismatch("pdf", ".csv")
    return None


def check_xlsx(path: Path, sheet_bytes: int | None = None) -> Refusal | None:
    """None if the workbook is safe to hand to a parser. Sheets are scanned up to
    ``sheet_bytes`` in all, as declared (None: every sheet is)."""
    suffix = path.suffix.lower() if path.suffix.lower() in (".xlsx", ".xlsm") else ".xlsx"
    head = sniff.first_bytes(path)
    if head is None:
        return None  # unreadable: the reader reports it in its own words
    if not head:
        return sniff.EMPTY
    if head.startswith(sniff.OLE_MAGIC):
        return sniff.ole(path, suffix)
    if not head.startswith(sniff.ZIP_MAGIC):
        return sniff.not_a_zip(head, suffix)
    kind = sniff.zip_kind(path, head)
    if kind not in ("xlsx", "zip"):
        return sniff.mismatch(kind, suffix)
    return archive.check(path, sheet_bytes)


def check_xls(path: Path, sheet_bytes: int | None = None) -> Refusal | None:
    """An .xls: an OLE compound file holding a workbook stream (``ole``), or what it
    really is."""
    head = sniff.first_bytes(path)
    if head is None:
        return None
    if not head:
        return sniff.EMPTY
    if head.startswith(sniff.OLE_MAGIC):
        kind = sniff.ole_kind(path)
        return ole.check(path, sheet_bytes) if kind == "xls" else sniff.mismatch(kind, ".xls")
    if head.startswith(sniff.ZIP_MAGIC):
        return sniff.mismatch(sniff.zip_kind(path, head), ".xls")
    return sniff.mismatch(sniff.head_kind(head), ".xls")


def check_ods(path: Path, sheet_bytes: int | None = None) -> Refusal | None:
    """An .ods: a zip (screened like an .xlsx's) whose ``content.xml`` holds every sheet,
    its repeated rows and cells bounded (``odf``)."""
    head = sniff.first_bytes(path)
    if head is None:
        return None
    if not head:
        return sniff.EMPTY
    if head.startswith(sniff.OLE_MAGIC):
        return sniff.ole(path, ".ods")
    if not head.startswith(sniff.ZIP_MAGIC):
        return sniff.mismatch(sniff.head_kind(head), ".ods")
    kind = sniff.zip_kind(path, head)
    if kind not in ("ods", "zip"):
        return sniff.mismatch(kind, ".ods")
    return archive.check(path, sheet_bytes, family="ods")


def require_defused_xml() -> None:
    """Refuse to serve uploads unless openpyxl parses XML through defusedxml. openpyxl is
    bsu's second reader of workbooks (and the tests'); without defusedxml it expands the
    entities of any XML it is given. ``preflight`` already refuses DOCTYPEs; this keeps a
    missing package, or ``OPENPYXL_DEFUSEDXML=False``, from quietly removing the second
    guard. Reads openpyxl's own verdict (``openpyxl.DEFUSEDXML``, which it takes from that
    variable when imported), not the environment. Raises ``BsuError`` (code
    ``xml_unprotected``)."""
    import importlib.util

    import openpyxl

    if getattr(openpyxl, "DEFUSEDXML", False):
        return
    try:
        installed = importlib.util.find_spec("defusedxml") is not None
    except (ImportError, ValueError):
        installed = False
    if not installed:
        why = (
            "paket defusedxml tidak terpasang; pasang dengan 'pip install defusedxml'",
            "the defusedxml package is not installed; install it with 'pip install defusedxml'",
        )
    else:
        # Installed, yet unused: openpyxl was told so, by any value but True.
        why = (
            "OPENPYXL_DEFUSEDXML=False (atau nilai lain selain True) mematikannya; hapus "
            "pengaturan itu",
            "OPENPYXL_DEFUSEDXML=False (or any value but True) turns it off; remove that setting",
        )
    raise BsuError(
        "bsu tidak dijalankan: openpyxl tidak membaca XML melalui defusedxml, sehingga "
        "workbook unggahan dapat menyerang server (billion laughs, entitas eksternal). "
        f"Penyebabnya: {why[0]}.",
        "bsu will not start: openpyxl does not parse XML through defusedxml, so an uploaded "
        "workbook could attack the server (billion laughs, external entities). The cause: "
        f"{why[1]}.",
        code="xml_unprotected",
    )
