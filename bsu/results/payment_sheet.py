"""The payment pre-check in the result workbook (``bsu.core.payment``), beside the
decision and never part of it: *Pembayaran* (each eligible row that was pre-checked: the
account as written and as recognised, the channel that would pay it, its findings) and
*Tindak Lanjut Rekening* (the action list the HR clerk works through: one line per finding,
with what to do; ``bsu.results.actions`` writes the same lines as CSV).

Only eligible rows: the others will not be paid, so their accounts need no fixing. Neither
sheet is made when no roster gave account data. Their NIK heading is the trail's ("NIK
Pekerja"), no header a roster reader knows: a result workbook read again is read from its
status sheets only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bsu.core.explain import SEPARATOR, join_cells
from bsu.core.payment import Payments
from bsu.core.reasons import PaymentCode, Status
from bsu.core.ruleset import Lang
from bsu.core.words import say
from bsu.results.model import Result
from bsu.results.sheets import Kind, Sheet
from bsu.results.trail_sheet import EXCEL_ROWS

PAYMENT_SHEET = "Pembayaran"
ACTIONS_SHEET = "Tindak Lanjut Rekening"
# The columns of each sheet, by key; "sheet" is left out when no roster had sheets.
PAYMENT_COLUMNS = (
    "source",
    "sheet",
    "row",
    "nik",
    "name",
    "bank_raw",
    "bank",
    "account",
    "holder",
    "channel",
    "codes",
    "messages",
)
ACTION_COLUMNS = (
    "source",
    "sheet",
    "row",
    "nik",
    "name",
    "channel",
    "code",
    "severity",
    "message",
    "action",
)
_KINDS: dict[str, Kind] = {
    "nik": "nik",
    "account": "nik",  # an account number is text, like a NIK: never a rounded number
    "messages": "messages",
    "message": "messages",
    "action": "messages",
}


def heading(key: str, lang: Lang) -> str:
    if key in ("source", "sheet", "row"):
        return say(f"results_column_{key}", lang)
    if key == "nik":
        return say("results_trail_nik", lang)
    return say(f"results_payment_{key}", lang)


def payment_table(result: Result) -> pd.DataFrame | None:
    """The *Pembayaran* rows, headed in the result's language; None when no row was
    pre-checked (``Result.eligible_payments``)."""
    payments = result.payments
    if payments is None or result.eligible_payments() is None:
        return None
    lang = result.lang
    here = _eligible(result) & payments.frame["checked"].to_numpy(dtype=bool)
    p = payments.frame[here]
    f = result.decisions.frame[here]
    columns = {
        **_location(f),
        "name": f["name_raw"],
        "bank_raw": p["bank_raw"],
        "bank": p["bank"],
        "account": p["account"],
        "holder": p["holder"],
        "channel": _channel_labels(payments, p["channel"]),
        "codes": pd.Series(_codes_text(p["findings"].to_numpy()), index=p.index, dtype=object),
        "messages": join_cells(payments.messages(lang)[here], SEPARATOR),
    }
    return _headed(columns, PAYMENT_COLUMNS, lang, p.index, _no_sheet(result))


def action_table(result: Result) -> pd.DataFrame:
    """The action list: per finding of each eligible pre-checked row, in row order then
    finding order, who, what and what to do. Only its header when no row was pre-checked
    (no ``payment:`` section, or no roster gave account data)."""
    lang = result.lang
    payments = result.payments
    frame = result.decisions.frame
    no_sheet = _no_sheet(result)
    if payments is None or result.eligible_payments() is None:
        keys = [k for k in ACTION_COLUMNS if k != "sheet" or not no_sheet]
        return pd.DataFrame({heading(k, lang): pd.Series(dtype=object) for k in keys})
    here = _eligible(result) & payments.frame["checked"].to_numpy(dtype=bool)
    lines = payments.actions(lang, here)
    at = frame.index.get_indexer(pd.Index(lines["index"]))
    f = frame.iloc[at]
    channels = payments.frame["channel"].iloc[at]
    severity = {s: say(f"results_payment_severity_{s}", lang) for s in ("fix", "warning", "info")}
    index = pd.RangeIndex(len(lines))
    columns = {
        **_location(f),
        "name": f["name_raw"],
        "channel": _channel_labels(payments, channels),
        "code": lines["code"].astype(str),
        "severity": lines["severity"].map(severity),
        "message": lines["message"],
        "action": lines["action"],
    }
    columns = {k: pd.Series(v.to_numpy(dtype=object), index=index) for k, v in columns.items()}
    return _headed(columns, ACTION_COLUMNS, lang, index, no_sheet)


def payment_sheets(result: Result) -> list[Sheet]:
    """*Pembayaran*, then *Tindak Lanjut Rekening*, each going on in "(2)" and so on past
    what a sheet holds; none when no row was pre-checked."""
    table = payment_table(result)
    if table is None:
        return []
    lang = result.lang
    return [
        *_sheets(PAYMENT_SHEET, table, PAYMENT_COLUMNS, lang),
        *_sheets(ACTIONS_SHEET, action_table(result), ACTION_COLUMNS, lang),
    ]


def _sheets(title: str, table: pd.DataFrame, keys: tuple[str, ...], lang: Lang) -> list[Sheet]:
    key_of = {heading(k, lang): k for k in keys}
    headers = [str(c) for c in table.columns]
    kinds: list[Kind] = [_KINDS.get(key_of[h], "") for h in headers]
    per_sheet = EXCEL_ROWS - 1
    positions = np.arange(len(table))
    sheets = []
    for i, start in enumerate(range(0, max(len(table), 1), per_sheet)):
        here = (positions >= start) & (positions < start + per_sheet)
        name = title if i == 0 else f"{title} ({i + 1})"
        sheets.append(Sheet(name, headers, kinds, table, here, False))
    return sheets


def _no_sheet(result: Result) -> bool:
    """Whether no row came from a sheet (CSV rosters): the sheet column is left out."""
    return bool(result.decisions.frame["sheet"].isna().all())


def _eligible(result: Result) -> np.ndarray:
    return result.decisions.frame["status"].eq(Status.ELIGIBLE.value).to_numpy(dtype=bool)


def _location(f: pd.DataFrame) -> dict[str, pd.Series]:
    nik = f["nik_display"]
    return {
        "source": f["source"],
        "sheet": f["sheet"],
        "row": f["row"],
        "nik": nik.where(nik.ne(""), None),
    }


def _headed(
    columns: dict[str, pd.Series],
    keys: tuple[str, ...],
    lang: Lang,
    index: pd.Index,
    no_sheet: bool,
) -> pd.DataFrame:
    """The columns in ``keys`` order under their headings (``no_sheet``: without the
    sheet column)."""
    shown = [k for k in keys if k != "sheet" or not no_sheet]
    return pd.DataFrame(
        {heading(k, lang): columns[k].to_numpy(dtype=object) for k in shown}, index=index
    )


def _channel_labels(payments: Payments, channels: pd.Series) -> pd.Series:
    labels = {name: c.label for name, c in payments.spec.channels.items()}
    return channels.map(labels).astype(object)


def _codes_text(masks: np.ndarray) -> np.ndarray:
    """ "CODE, CODE" per row, worded once per distinct set of findings."""
    distinct, inverse = np.unique(masks, return_inverse=True)
    words = np.array(
        [", ".join(c.value for c in PaymentCode if m & c.bit) for m in distinct.tolist()],
        dtype=object,
    )
    out: np.ndarray = words[inverse.reshape(-1)]
    return out
