"""The audit record of one check (``bsu.trace.v1``): everything a decision was made from,
in one JSON document an auditor can keep and compare.

    {"schema": "bsu.trace.v1", "created_at": ..., "engine": {"name", "version"},
     "ruleset": {id, version, status, draft_reason, sha256, files, effective, benefit,
                 parameters, criteria, defaults, minimum_wages, ...},
     "inputs": [{"file", "sha256", "sheets"}], "evidence": [{"kind", "label", "as_of",
     "file", "sha256", ...}], "banner": ..., "summary": {...},
     "rows": [{"source", "sheet", "row", "nik", "status", "reasons", "checks", "payment",
               ...}]}

Each row's ``payment`` is the pre-check beside its decision (``bsu.core.payment``): the
channel id and the finding codes, or None for a row not pre-checked; the rule set's
``payment`` names the sources of each channel and finding.

It holds no words of one language: codes, values, citations, and the rule set's own
texts in both languages. It is deterministic: keys sorted, fixed separators, lists in a
fixed order, no set iterated, NIKs as text; ``created_at`` is its only timestamp, so two
runs on the same rosters, rule set and evidence give the same bytes but for it. It holds
NIKs as ``--format json`` does: it is personal data (SECURITY.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import sys
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from bsu.core.evidence import Evidence
from bsu.core.payment import Payments
from bsu.core.reasons import PaymentCode, ReasonCode
from bsu.core.rulefile import Payment, Text
from bsu.core.ruleset import LANGS, Lang, RuleSet
from bsu.core.words import say
from bsu.results.durable import atomic
from bsu.results.model import Input, Result, draft_banner, plain
from bsu.values.numbers import rupiah

SCHEMA = "bsu.trace.v1"
MEDIA_TYPE = "application/json"
_ROWS_AT_ONCE = 10_000  # rows encoded into one string at a time
_CHUNK = 1 << 20  # bytes read at a time when hashing a file
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=lambda v: _json(v)
)


def write_trace(result: Result, out: Path | IO[str], created_at: str | None = None) -> None:
    """Write the trace of ``result`` to ``out`` (a file, written then renamed into place,
    or an open text stream), its rows encoded a slice at a time."""
    head = document(result, created_at)
    if isinstance(out, Path):
        with atomic(out) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as f:
            _dump(head, rows(result), f)
    else:
        _dump(head, rows(result), out)


def dumps(result: Result, created_at: str | None = None) -> str:
    """The trace as one string."""
    out = io.StringIO()
    write_trace(result, out, created_at)
    return out.getvalue()


def now() -> str:
    """The trace's one timestamp: UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def document(result: Result, created_at: str | None = None) -> dict[str, Any]:
    """Everything of the trace but its rows."""
    decisions = result.decisions
    rules = decisions.ruleset
    return {
        "schema": SCHEMA,
        "created_at": created_at or now(),
        "engine": {"name": "bsu", "version": engine_version()},
        "ruleset": ruleset_part(rules),
        "banner": _both(lambda lang: _banner(rules, lang)) if rules.draft else None,
        "inputs": [_input(i, result) for i in result.inputs],
        "evidence": evidence_part(decisions.evidence),
        "summary": {
            **result.summary(),
            "reasons": {code.value: n for code, n in result.reason_counts()},
            # Rows each data-gap default was applied to (bsu.core.defaults).
            "defaults": {d.id: d.rows for d in result.defaults()},
            "payment": payment_counts(result),
        },
    }


def payment_counts(result: Result) -> dict[str, Any] | None:
    """The eligible rows per channel and per finding of the payment pre-check (as the
    workbook's summary counts them); None when no row was pre-checked."""
    eligible = result.eligible_payments()
    if eligible is None:
        return None
    return {
        "counted": "eligible",
        "channels": eligible.channel_counts(),
        "findings": {code.value: n for code, n in eligible.finding_counts().items()},
    }


def engine_version() -> str:
    """``bsu.__version__``. The package is always imported before any of its modules, so
    it is read from there: the results layer imports nothing from the package's edges."""
    return str(sys.modules["bsu"].__version__)


# --- the rule set ---------------------------------------------------------------------


def ruleset_files(rules: RuleSet) -> list[Path]:
    """The rule set's YAML and the reference tables it names."""
    folder = rules.path.parent
    tables = [rules.spec.tables.regions, rules.spec.tables.minimum_wages]
    return [rules.path, *(folder / name for name in tables if name)]


def ruleset_sha256(rules: RuleSet) -> str:
    """One hash over the rule set's files, sorted by name: for each, its name, a NUL, its
    length in bytes, a NUL, then its bytes. Any change to the YAML or a table changes it."""
    digest = hashlib.sha256()
    for path in sorted(ruleset_files(rules), key=lambda p: p.name):
        data = path.read_bytes()
        digest.update(f"{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def ruleset_part(rules: RuleSet) -> dict[str, Any]:
    spec = rules.spec
    months, monthly = int(rules.param("benefit_months")), float(rules.param("benefit_monthly_idr"))
    return {
        "id": rules.id,
        "version": rules.version,
        "title": _text(spec.title),
        "status": spec.status,
        "draft_reason": _text(spec.draft_reason) if spec.draft_reason else None,
        "sha256": ruleset_sha256(rules),
        "files": [
            {"file": path.name, "sha256": file_sha256(path)}
            for path in sorted(ruleset_files(rules), key=lambda p: p.name)
        ],
        "effective": {
            "from": spec.effective.from_.isoformat(),
            "to": spec.effective.to.isoformat(),
        },
        "legal_basis": [{"short": b.short, "source_url": b.source_url} for b in spec.legal_basis],
        "citation_prefix": spec.citation_prefix,
        "benefit": {
            "months": months,
            "monthly_idr": plain(monthly),
            "total_idr": plain(rules.benefit()),
            "formula": benefit_formula(rules),
        },
        "parameters": [
            {
                "name": name,
                "value": _value(p.value),
                "citation": p.citation,
                "source_url": p.source_url,
                "confirmed": p.confirmed,
                "note": p.note,
                "quote": p.quote.model_dump() if p.quote else None,
            }
            for name, p in sorted(spec.parameters.items())
        ],
        "criteria": [
            {"id": c.id, "citation": c.citation, "confirmed": c.confirmed} for c in spec.criteria
        ],
        "defaults": [
            {
                "id": name,
                "field": d.field,
                "assumed": _text(d.assumed),
                "citation": d.citation,
                "confirmed": d.confirmed,
                "source_url": d.source_url,
            }
            for name, d in sorted(spec.defaults.items())
        ],
        "minimum_wages": {
            "file": spec.tables.minimum_wages,
            "year": spec.tables.minimum_wages_year,
            "note": spec.tables.minimum_wages_note,
        },
        "payment": None if spec.payment is None else payment_part(spec.payment),
    }


def payment_part(payment: Payment) -> dict[str, Any]:
    """The rule set's payment pre-check as the trace names it: its sources, the channels
    in the order they are tried, and each finding's severity and source."""
    deadline = payment.pos_deadline
    return {
        "title": _text(payment.title),
        "source_url": payment.source_url,
        "fallback": payment.fallback,
        "pos_deadline": None if deadline is None else deadline.isoformat(),
        "pos_deadline_source_url": payment.pos_deadline_source_url,
        "channels": [
            {
                "id": name,
                "label": c.label,
                "kind": c.kind,
                "code": c.code,
                "provinces": list(c.provinces),
                "source_url": c.source_url,
            }
            for name, c in payment.channels.items()
        ],
        "findings": [
            {
                "code": code.value,
                "severity": payment.findings[code].severity,
                "source_url": payment.findings[code].source_url,
            }
            for code in PaymentCode
        ],
    }


def benefit_formula(rules: RuleSet) -> str:
    """The benefit as the rule set defines it: months x the monthly amount, in words."""
    months, monthly = int(rules.param("benefit_months")), float(rules.param("benefit_monthly_idr"))
    return say(
        "results_benefit_formula",
        "id",
        months=months,
        monthly=rupiah(monthly),
        total=rupiah(rules.benefit()),
    )


def _banner(rules: RuleSet, lang: Lang) -> str:
    return draft_banner(rules, lang)


# --- inputs and evidence ----------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _input(given: Input, result: Result) -> dict[str, Any]:
    read = [s for s in result.reading() if s.source == given.name]
    return {
        "file": given.name,
        "sha256": file_sha256(given.path),
        "sheets": [
            {
                "sheet": s.sheet,
                "header_row": s.header_row,
                "rows": s.rows,
                "columns": dict(sorted(s.matched.items())),
                "skipped_rows": len(s.skipped),
                "notices": [n.code for n in s.notices],
            }
            for s in read
        ],
    }


def evidence_part(evidence: Evidence) -> list[dict[str, Any]]:
    """The registry extracts and lists the check was judged against, as the store
    recorded their imports. For an employer's check (``scoped``) the branch's file names
    are left out, as its notice leaves them out; their hashes stay."""
    scope = "employer" if evidence.scoped else "all"
    found = [
        {
            "kind": "registry" if s.kind == "registry" else f"list:{s.kind}",
            "label": s.label,
            "as_of": s.as_of.isoformat(),
            "file": None if evidence.scoped else (s.file or None),
            "sha256": s.sha256 or None,
            "source": s.origin or None,
            "scope": scope,
        }
        for s in evidence.sources
    ]
    return sorted(found, key=lambda e: (e["kind"], e["as_of"], e["label"], e["sha256"] or ""))


# --- rows -----------------------------------------------------------------------------


def rows(result: Result) -> Iterator[dict[str, Any]]:
    """One entry per decision, in roster order: where it was, the NIK as text, the status,
    the reason codes, the wage judged and its cap, and the check of every criterion
    (``bsu.core.trail``: one entry per criterion of the rule set)."""
    f = result.decisions.frame
    columns: dict[str, Any] = {
        "source": f["source"].astype(object),
        "sheet": f["sheet"].astype(object),
        "row": f["row"].astype(object),
        "nik": f["nik_display"].where(f["nik_display"].ne(""), None).astype(object),
        "status": f["status"].astype(object),
        "reasons": _codes(f["reasons"].to_numpy()),
        "wage": f["wage"].astype(object),
        "wage_cap": f["wage_cap"].astype(object),
        "benefit": f["benefit"].astype(object),
    }
    names = [*columns, "checks", "payment"]
    values = [[plain(v) for v in column] for column in columns.values()]
    checks = result.trail.row_checks()
    payments = _payments(result.payments, len(f))
    for row in zip(*values, checks, payments, strict=True):
        yield dict(zip(names, row, strict=True))


def _payments(payments: Payments | None, rows: int) -> list[dict[str, Any] | None]:
    """Each row's pre-check without words: its channel id and finding codes (in
    ``PaymentCode`` order); None for a row not pre-checked."""
    if payments is None:
        return [None] * rows
    p = payments.frame
    checked = p["checked"].to_numpy(dtype=bool)
    channels = p["channel"].to_numpy(dtype=object)
    masks = p["findings"].to_numpy()
    distinct, inverse = np.unique(masks, return_inverse=True)
    codes = [[c.value for c in PaymentCode if m & c.bit] for m in distinct.tolist()]
    return [
        {"channel": channel, "findings": list(codes[i])} if here else None
        for here, channel, i in zip(
            checked.tolist(), channels.tolist(), inverse.reshape(-1).tolist(), strict=True
        )
    ]


def _codes(masks: np.ndarray[Any, Any]) -> list[list[str]]:
    """The reason codes of each row, worked out once per distinct set of reasons."""
    distinct, inverse = np.unique(masks, return_inverse=True)
    words = [[c.value for c in ReasonCode if m & c.bit] for m in distinct.tolist()]
    return [words[i] for i in inverse.reshape(-1).tolist()]


# --- JSON -----------------------------------------------------------------------------


def _dump(head: dict[str, Any], entries: Iterator[dict[str, Any]], out: IO[str]) -> None:
    """``json.dumps({**head, "rows": [...]}, sort_keys=True, separators=(",", ":"))``
    and a line end, with the rows encoded a slice at a time rather than held as one
    string."""
    keys = sorted([*head, "rows"])
    out.write("{")
    for i, key in enumerate(keys):
        out.write(("," if i else "") + json.dumps(key) + ":")
        if key != "rows":
            out.write(_ENCODER.encode(head[key]))
            continue
        out.write("[")
        first = True
        while True:
            batch = [_ENCODER.encode(e) for e in islice(entries, _ROWS_AT_ONCE)]
            if not batch:
                break
            out.write(("" if first else ",") + ",".join(batch))
            first = False
        out.write("]")
    out.write("}\n")


def _text(text: Text) -> dict[str, str]:
    return {lang: text.in_(lang) for lang in LANGS}


def _both(word: Callable[[Lang], str]) -> dict[str, str]:
    return {lang: word(lang) for lang in LANGS}


def _value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _json(value: Any) -> Any:
    """What ``json`` cannot encode itself: numpy and pandas scalars, dates, sets."""
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if hasattr(value, "item"):
        return plain(value.item())
    raise TypeError(f"{type(value).__name__} is not JSON")
