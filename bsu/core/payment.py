"""The payment pre-check: which channel would pay each worker, and what about their
account would stop the money arriving. Advisory and beside the decision, never part of
it (as a bank's pre-validation is separate from the award): it reads the decisions'
frame and writes nothing back, so no finding can change a status.

Per row, when the row's roster gave any account data (a bank, an account number or a
holder name in some row of the same source), from the round's ``payment:`` section
(``rulefile.Payment``):

- **channel**: a channel with ``provinces`` pays every worker whose work region lies in
  them (Aceh: BSI); else the account's bank when it is a channel bank (BRI, BNI, Mandiri,
  BTN) and nothing about the account stops a transfer; else the fallback (PT Pos: no
  account, another bank, or a problem account), with ``CHANNEL_POS`` telling the worker
  what that means.
- **findings** (``PaymentCode`` bits): a blank account, an account that is not digits or
  lost digits in Excel, an unusual length for its bank, one account given for several
  workers (across every roster of the check), an unrecognised bank, a holder name that is
  not the worker's name (``bsu.values.person_names``).

Rows of a roster without account data are not pre-checked (``checked`` false): a roster
made for the eligibility check alone gets no payment findings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from bsu.core import duplicates
from bsu.core.engine import Decisions
from bsu.core.explain import format_date, places_text
from bsu.core.reasons import PaymentCode
from bsu.core.rulefile import Payment
from bsu.core.ruleset import Lang, RuleSet
from bsu.values import account, banks, person_names

KEY = "payment"  # where ``of`` keeps the pre-check in ``Decisions.derived``
CODES = tuple(PaymentCode)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Payments:
    """The pre-check of every row, aligned with the decisions' frame (same index).

    ``frame`` columns:

    - ``checked`` (bool): the row's roster gave account data, so it was pre-checked;
    - ``channel`` (object): the channel id of the round ("bri", "bsi", "pos", ...), None
      where not checked;
    - ``findings`` (int64): ``PaymentCode`` bits, 0 where not checked;
    - ``problem`` (bool): the account cannot be paid into as it stands (missing, not
      digits, digits lost, bank unknown, holder not the worker, shared): its channel is
      the fallback until it is fixed; ``other_bank`` (bool): the bank is recognised but
      pays no worker in this round (BCA; BSI outside its provinces);
    - ``bank`` (object): the bank identified, as its label ("BRI", "BCA"), None when
      blank or not recognised; ``bank_raw``: as written;
    - ``account`` (object): the account as cleaned text ("" when blank);
    - ``holder`` (object): the holder's name as written; ``name``: the worker's;
    - ``name_match`` (object): ``NameMatch`` value, None when either name is blank;
    - ``digits`` (int64): the account's length; ``usual`` (object): the bank's usual
      lengths as text ("15"), None when the bank has none;
    - ``duplicate_same``, ``duplicate_elsewhere`` (object): the other places holding the
      same account, as ``bsu.core.duplicates.other_locations`` lists them, else None;
    - ``source``, ``sheet``, ``row``: where the row was read (for those places' words).
    """

    frame: pd.DataFrame
    spec: Payment
    ruleset: RuleSet

    def __len__(self) -> int:
        return len(self.frame)

    def _within(self, rows: Any) -> pd.DataFrame:
        return self.frame if rows is None else self.frame[np.asarray(rows, dtype=bool)]

    def channel_counts(self, rows: Any = None) -> dict[str, int]:
        """Checked rows per channel id, in the round's channel order (0 included); only
        the rows of the boolean mask ``rows`` when it is given."""
        counts = self._within(rows)["channel"].value_counts()
        return {c: int(counts.get(c, 0)) for c in self.spec.channels}

    def finding_counts(self, rows: Any = None) -> dict[PaymentCode, int]:
        """Rows per finding, in ``PaymentCode`` order (0 included); only the rows of the
        boolean mask ``rows`` when it is given."""
        bits = self._within(rows)["findings"].to_numpy(dtype=np.int64)
        return {code: int(np.count_nonzero(bits & code.bit)) for code in CODES}

    def checked(self) -> bool:
        """Whether any row was pre-checked."""
        return bool(self.frame["checked"].any())

    def part(self, keep: Any) -> Payments:
        """The rows selected by the boolean mask ``keep`` (a part of a result keeps the
        duplicates found across the whole check)."""
        return Payments(self.frame[np.asarray(keep, dtype=bool)], self.spec, self.ruleset)

    def label(self, channel: str) -> str:
        """How a channel is named ("BRI", "PT Pos Indonesia")."""
        return self.spec.channels[channel].label

    def rows(self, lang: Lang) -> list[dict[str, Any] | None]:
        """Per row, what JSON, the API and the store carry: ``{"channel": "bri",
        "channel_label": "BRI", "findings": [{"code", "severity", "message"}]}``, or
        None for a row that was not pre-checked."""
        messages = self.messages(lang)
        f = self.frame
        severity = {code: self.spec.findings[code].severity for code in CODES}
        columns = [messages[code.value].tolist() for code in CODES]
        out: list[dict[str, Any] | None] = []
        for i, (checked, channel) in enumerate(zip(f["checked"], f["channel"], strict=True)):
            if not checked:
                out.append(None)
                continue
            found = [
                {"code": code.value, "severity": severity[code], "message": column[i]}
                for code, column in zip(CODES, columns, strict=True)
                if isinstance(column[i], str)
            ]
            out.append(
                {"channel": channel, "channel_label": self.label(channel), "findings": found}
            )
        return out

    def codes_text(self) -> pd.Series:
        """Per row, its finding codes joined by ", " ("" for none)."""
        bits = self.frame["findings"].to_numpy(dtype=np.int64)
        parts = pd.DataFrame(
            {c.value: np.where(bits & c.bit, c.value, "") for c in CODES}, index=self.frame.index
        )
        return parts.apply(lambda r: ", ".join(v for v in r if v), axis=1).astype(object)

    def messages(self, lang: Lang) -> pd.DataFrame:
        """Per row and finding (columns ``PaymentCode`` values), the message in ``lang``;
        None where the row has not that finding."""
        return self._worded(lang, lambda code: self.spec.findings[code].message.in_(lang))

    def actions_text(self, lang: Lang) -> pd.DataFrame:
        """Per row and finding, what to do about it in ``lang``; None where not found."""
        return self._worded(lang, lambda code: self.spec.findings[code].action.in_(lang))

    def _worded(self, lang: Lang, template: Callable[[PaymentCode], str]) -> pd.DataFrame:
        f = self.frame
        bits = f["findings"].to_numpy(dtype=np.int64)
        values = _Words(self, lang)
        out = pd.DataFrame(index=f.index, columns=[c.value for c in CODES], dtype=object)
        for code in CODES:
            hit = (bits & code.bit) != 0
            if hit.any():
                out.loc[hit, code.value] = _fill(template(code), f.index[hit], values)
        return out.astype(object).where(out.notna(), None)

    def actions(self, lang: Lang, rows: Any = None) -> pd.DataFrame:
        """The employer's action list: one line per finding of each row in ``rows`` (a
        boolean mask; default every checked row), in row order then ``PaymentCode``
        order, with columns ``index`` (the row's label in the decisions' frame), ``code``,
        ``severity``, ``message`` and ``action`` (what to do and where, in ``lang``)."""
        keep = self.frame["checked"].to_numpy(dtype=bool)
        if rows is not None:
            keep = keep & np.asarray(rows, dtype=bool)
        part = self.part(keep)
        messages, actions = part.messages(lang), part.actions_text(lang)
        position = pd.Series(np.arange(len(part.frame)), index=part.frame.index)
        lines = []
        for order, code in enumerate(CODES):
            hit = messages[code.value].notna()
            if not hit.any():
                continue
            lines.append(
                pd.DataFrame(
                    {
                        "index": part.frame.index[hit.to_numpy()],
                        "code": code.value,
                        "severity": self.spec.findings[code].severity,
                        "message": messages.loc[hit, code.value].to_numpy(),
                        "action": actions.loc[hit, code.value].to_numpy(),
                        "_position": position[hit].to_numpy(),
                        "_order": order,
                    }
                )
            )
        columns = ["index", "code", "severity", "message", "action"]
        if not lines:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        table = pd.concat(lines, ignore_index=True)
        table = table.sort_values(["_position", "_order"], kind="stable")
        return table[columns].reset_index(drop=True)


def precheck(decisions: Decisions) -> Payments | None:
    """The pre-check of ``decisions``; None when the rule set has no ``payment:``."""
    spec = decisions.ruleset.spec.payment
    if spec is None:
        return None
    ruleset = decisions.ruleset
    f = decisions.frame
    bank_raw = f["bank_raw"].astype(object)
    acct = f["account"].fillna("").astype(object)
    lost = f["account_numeric"].to_numpy(dtype=bool)
    holder = f["account_holder_raw"].astype(object)
    name = f["name_raw"].astype(object)
    scope = _scope(f)
    given = (bank_raw.ne("") | acct.ne("") | holder.ne("")).to_numpy()
    grouped = pd.Series(given, index=f.index).groupby(scope.to_numpy()).transform("any")
    checked = grouped.to_numpy(dtype=bool)
    if not checked.any():
        return Payments(_unchecked(f), spec, ruleset)

    table = _banks(ruleset)
    bank_id = banks.identify(bank_raw, table.names, table.codes)
    known = bank_id.notna() & bank_id.ne(banks.UNKNOWN)
    bank_label = _objects(bank_id.map(table.labels), known)

    missing = acct.eq("").to_numpy()
    digits_ok = account.digits_only(acct).to_numpy()
    invalid = ~missing & ~lost & ~digits_ok
    length = account.lengths(acct)
    usual = bank_id.map(table.shown_digits)
    usual = _objects(usual, usual.notna())
    unusual = np.zeros(len(f), dtype=bool)
    for bid, lengths in table.digits.items():
        unusual |= bank_id.eq(bid).to_numpy() & ~np.isin(length, lengths)
    unusual &= digits_ok & ~lost
    usable = ~missing & ~lost & digits_ok
    # One account for several workers is found across every roster of the check, unless
    # each source is a separate caller (the API's batch: ``duplicate_scope``).
    keyed = (f["duplicate_scope"].astype(str) + "|" + acct) if "duplicate_scope" in f else acct
    repeated = pd.Series(usable & keyed.duplicated(keep=False).to_numpy(), index=f.index)
    same, elsewhere = duplicates.other_locations(f, repeated, keyed)
    unknown = (bank_raw.ne("").to_numpy() & ~known.to_numpy()) | (
        bank_raw.eq("").to_numpy() & ~missing
    )
    # Names are compared only where both are given: most rows of most rosters hold none.
    both = checked & holder.ne("").to_numpy() & name.ne("").to_numpy()
    matched = np.full(len(f), None, dtype=object)
    if both.any():
        compared = person_names.compare(holder[both], name[both])
        matched[both] = _objects(compared, compared.notna()).to_numpy()
    match = pd.Series(matched, index=f.index, dtype=object)
    mismatch = match.notna().to_numpy() & match.ne(person_names.NameMatch.SAME.value).to_numpy()
    # An account that cannot be paid into as it stands goes to the post office, as
    # eligible workers with a problem account did: only a clean account keeps its bank.
    problem = missing | invalid | lost | unknown | mismatch | repeated.to_numpy()
    channel = _channels(f, spec, bank_id.where(~problem, None))
    pos = (channel == spec.fallback).to_numpy()

    found = {
        PaymentCode.ACCOUNT_MISSING: missing,
        PaymentCode.ACCOUNT_NAME_MISMATCH: mismatch,
        PaymentCode.ACCOUNT_NUMBER_LENGTH: unusual,
        PaymentCode.ACCOUNT_NUMBER_INVALID: invalid,
        PaymentCode.ACCOUNT_PRECISION_LOST: ~missing & lost,
        PaymentCode.ACCOUNT_DUPLICATE: repeated.to_numpy(),
        PaymentCode.BANK_UNKNOWN: unknown,
        PaymentCode.CHANNEL_POS: pos,
        # Not a problem account (the holder may be on record at SIPP), but never taken
        # as matching: the roster gives nothing to compare.
        PaymentCode.ACCOUNT_HOLDER_MISSING: ~missing & holder.eq("").to_numpy(),
    }
    bits = np.zeros(len(f), dtype=np.int64)
    for code, hit in found.items():
        bits |= np.where(hit & checked, code.bit, 0)
    frame = pd.DataFrame(
        {
            "source": f["source"],
            "sheet": f["sheet"],
            "row": f["row"],
            "checked": checked,
            "channel": channel.where(checked, None).astype(object),
            "findings": bits,
            "problem": problem & checked,
            "other_bank": (known & ~bank_id.isin(list(table.channel))).to_numpy(),
            "bank": bank_label,
            "bank_raw": bank_raw,
            "account": acct,
            "holder": holder,
            "name": name,
            "name_match": match,
            "digits": length,
            "usual": usual,
            "duplicate_same": same,
            "duplicate_elsewhere": elsewhere,
        },
        index=f.index,
    )
    return Payments(frame, spec, ruleset)


def of(decisions: Decisions) -> Payments | None:
    """``precheck``, made once per decisions and kept in ``Decisions.derived``."""
    if KEY not in decisions.derived:
        decisions.derived[KEY] = precheck(decisions)
    found: Payments | None = decisions.derived[KEY]
    return found


def _unchecked(f: pd.DataFrame) -> pd.DataFrame:
    """The frame of a check whose rosters gave no account data: nothing pre-checked (most
    eligibility checks; skipping the work keeps them as fast as before)."""
    none = np.full(len(f), None, dtype=object)
    no = np.zeros(len(f), dtype=bool)
    columns: dict[str, Any] = {"source": f["source"], "sheet": f["sheet"], "row": f["row"]}
    columns |= {"checked": no, "channel": none, "findings": np.zeros(len(f), dtype=np.int64)}
    columns |= {"problem": no, "other_bank": no, "bank": none, "bank_raw": f["bank_raw"]}
    columns |= {"account": f["account"].fillna("").astype(object), "holder": none}
    columns |= {
        "name": f["name_raw"],
        "name_match": none,
        "digits": np.zeros(len(f), dtype=np.int64),
    }
    columns |= {"usual": none, "duplicate_same": none, "duplicate_elsewhere": none}
    return pd.DataFrame(columns, index=f.index)


def _scope(f: pd.DataFrame) -> pd.Series:
    """What a roster is, for whether it gave account data: a source (one roster file,
    one API request), or the engine's duplicate scope when one was set."""
    if "duplicate_scope" in f:
        return f["duplicate_scope"].astype(object).fillna("")
    return f["source"].astype(object).fillna("")


@dataclass(frozen=True)
class _BankTable:
    names: dict[str, str]  # banks.key of a name -> bank id
    codes: dict[str, str]  # "002" -> bank id
    labels: dict[str, str]  # bank id -> label
    digits: dict[str, tuple[int, ...]]  # bank id -> usual account lengths
    channel: dict[str, str]  # bank id -> the channel paying its accounts (no provinces)

    @property
    def shown_digits(self) -> dict[str, str]:
        """Bank id -> its usual lengths as a message shows them ("15", "10/12")."""
        return {b: "/".join(map(str, n)) for b, n in self.digits.items() if n}


@cache
def _banks(ruleset: RuleSet) -> _BankTable:
    """The round's banks by name and code, built once per rule set."""
    spec = ruleset.spec.payment
    assert spec is not None
    names: dict[str, str] = {}
    codes: dict[str, str] = {}
    labels: dict[str, str] = {}
    digits: dict[str, tuple[int, ...]] = {}
    channel: dict[str, str] = {}
    for cid, c in spec.channels.items():
        if c.kind != "bank":
            continue
        labels[cid] = c.label
        if c.account_digits:
            digits[cid] = tuple(c.account_digits)
        if not c.provinces:
            channel[cid] = cid
        for written in (*c.names, c.label):
            names.setdefault(banks.key(written), cid)
        if c.code:
            codes[c.code] = cid
    for i, other in enumerate(spec.other_banks):
        oid = f"other:{i}"
        labels[oid] = other.label
        for written in (*other.names, other.label):
            names.setdefault(banks.key(written), oid)
        if other.code:
            codes.setdefault(other.code, oid)
    return _BankTable(names, codes, labels, digits, channel)


def _objects(values: pd.Series, keep: pd.Series) -> pd.Series:
    """``values`` where ``keep``, else None (never NaN), as an object column."""
    kept = values.to_numpy(dtype=object).copy()
    kept[~keep.to_numpy(dtype=bool)] = None
    return pd.Series(kept, index=values.index, dtype=object)


def _channels(f: pd.DataFrame, spec: Payment, bank_id: pd.Series) -> pd.Series:
    """Per row, the channel that would pay it (before ``checked`` is applied)."""
    code = f["region_code"].astype(object)
    province = code.where(code.notna(), "").astype(str).str.split(".").str[0]
    channel = pd.Series(None, index=f.index, dtype=object)
    for cid, c in spec.channels.items():
        if c.provinces:
            channel = channel.where(channel.notna() | ~province.isin(c.provinces), cid)
    for cid, c in spec.channels.items():
        if c.kind == "bank" and not c.provinces:
            channel = channel.where(channel.notna() | bank_id.ne(cid), cid)
    return channel.where(channel.notna(), spec.fallback).astype(object)


class _Words:
    """The text each placeholder of a finding stands for, for some rows at once."""

    def __init__(self, payments: Payments, lang: Lang) -> None:
        self.p = payments
        self.lang = lang
        self.spec = payments.spec

    def phrase(self, name: str) -> str:
        return self.spec.phrases[name].in_(self.lang)

    def get(self, name: str, rows: pd.Index) -> pd.Series:
        f = self.p.frame.loc[rows]
        if name in ("holder", "name", "digits", "usual"):
            return f[name].astype(str)
        if name == "bank":
            shown = f["bank"].where(f["bank"].notna(), f["bank_raw"])
            return shown.where(shown.ne(""), self.phrase("bank_blank")).astype(str)
        if name == "closeness":
            close = f["name_match"].eq(person_names.NameMatch.CLOSE.value)
            return close.map(
                {True: self.phrase("name_close"), False: self.phrase("name_different")}
            )
        if name == "rows":
            same = places_text(f, "duplicate_same", self.p.ruleset, self.lang)
            other = places_text(f, "duplicate_elsewhere", self.p.ruleset, self.lang)
            both = same + np.where(same.ne("") & other.ne(""), ", ", "") + other
            return both.astype(str)
        if name == "deadline":
            day = self.spec.pos_deadline
            text = format_date(day, self.lang) if day else self.phrase("deadline_unknown")
            return pd.Series(text, index=rows, dtype=object)
        if name == "why":
            return self._why(f)
        raise KeyError(f"payment wording: unknown placeholder {{{name}}}")

    def _why(self, f: pd.DataFrame) -> pd.Series:
        no_account = f["account"].eq("")
        # A bank that is no paying bank sends the worker to the post office whatever is
        # fixed: that is the reason to give, before any problem of the account.
        other = f["other_bank"]
        bank = self.get("bank", f.index)
        text = pd.Series(self.phrase("pos_problem_account"), index=f.index, dtype=object)
        template = self.phrase("pos_other_bank")
        text[other] = pd.Series(
            [template.format(bank=b) for b in bank[other]], index=f.index[other]
        )
        text[no_account] = self.phrase("pos_no_account")
        return text


def _fill(template: str, rows: pd.Index, values: _Words) -> pd.Series:
    parts = _PLACEHOLDER.split(template)
    out = pd.Series(parts[0], index=rows, dtype=object)
    for i in range(1, len(parts), 2):
        out = out + values.get(parts[i], rows).to_numpy(dtype=object) + parts[i + 1]
    return out
