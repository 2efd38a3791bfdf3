"""Writing a checked batch's results: the result workbook and CSV, the run's trace, the
payment pre-check's action list and, with a registry, the coverage report, published
together once all are complete; and its rows (with their pre-check) for the store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from bsu.core import payment
from bsu.core.engine import Decisions
from bsu.core.reasons import Status
from bsu.core.ruleset import LANGS, Lang
from bsu.core.trail import row_checks
from bsu.coverage.compute import compute as compute_coverage
from bsu.coverage.workbook import chart_path
from bsu.coverage.workbook import write_xlsx as write_coverage
from bsu.privacy.pseudonyms import mask_numbers
from bsu.results import formats
from bsu.results.durable import part, publish
from bsu.results.model import Result, decided_rows
from bsu.rosters import reading
from bsu.service import pipeline
from bsu.service.runtime import paused_gc
from bsu.store import claims


@dataclass(frozen=True)
class Written:
    """A batch's result files, in place, and its coverage (None without a registry)."""

    xlsx: Path
    csv: Path
    coverage_xlsx: Path | None = None
    coverage: dict[str, Any] | None = None
    trace: Path | None = None
    actions: Path | None = None


def write(
    result: Result,
    counted: Decisions | None,
    folder: Path,
    batch_id: str,
    attempt: int,
    lang: Lang,
    xlsx_writer: str,
    before_publish: Callable[[], None],
    key_employer_id: str | None = None,
) -> Written:
    """Write the batch's files into ``folder``; its coverage report too when ``counted``
    (its decisions for coverage) were judged with a registry. ``before_publish`` runs once
    all are written, before any takes its final name (it may raise: nothing is served).
    ``key_employer_id``: the uploading key's employer, naming the roster's employer in the
    coverage report when the registry does not."""
    clear_results(folder, batch_id)
    xlsx = folder / f"{batch_id}.xlsx"
    csv = folder / f"{batch_id}.csv"
    trace = trace_path(folder, batch_id)
    actions = actions_path(folder, batch_id)
    covered, coverage_xlsx = None, None
    # Each file is written under a temporary name of this attempt and takes its final
    # name only once all are complete and fsynced: a check killed mid-write leaves no
    # partial result, and a worker that lost its claim never touches another's files.
    moves = [
        (part(xlsx, attempt), xlsx),
        (part(csv, attempt), csv),
        (part(trace, attempt), trace),
        (part(actions, attempt), actions),
    ]
    try:
        with paused_gc():
            formats.write(result, part(xlsx, attempt), "xlsx", writer=xlsx_writer)
            formats.write(result, part(csv, attempt), "csv")
            formats.write(result, part(trace, attempt), "trace")
            # The payment pre-check's action list (its header alone when no row was
            # pre-checked): account numbers, so named for the batch like the rest.
            formats.write(result, part(actions, attempt), "actions")
        if counted is not None and counted.evidence.registry is not None:
            # With a registry, the batch also gets its Universal Coverage Jamsostek report.
            coverage = compute_coverage(counted, lang, key_employer_id=key_employer_id)
            coverage_xlsx = folder / f"{batch_id}-cakupan.xlsx"
            draft = part(coverage_xlsx, attempt)
            moves += [(draft, coverage_xlsx), (chart_path(draft), chart_path(coverage_xlsx))]
            write_coverage(coverage, draft)
            covered = coverage.to_json()
        before_publish()
        publish(moves)
    finally:
        for draft, _ in moves:
            draft.unlink(missing_ok=True)  # gone once published; else never served
    return Written(xlsx, csv, coverage_xlsx, covered, trace, actions)


def trace_path(folder: Path, batch_id: str) -> Path:
    """Where a batch's trace lies: beside its result files, named after the batch (so
    that retention deletes it with them)."""
    return folder / f"{batch_id}-trace.json"


def actions_path(folder: Path, batch_id: str) -> Path:
    """Where a batch's payment action list lies: beside its result files, named after the
    batch (so that retention deletes it with them, account numbers and all)."""
    return folder / f"{batch_id}-rekening.csv"


def payment_summary(decisions: Decisions) -> dict[str, Any] | None:
    """The pre-check in numbers, as the batch keeps it (``Batch.payment``): the rows
    pre-checked, and over the eligible ones (those a channel would pay) the rows with a
    finding, the rows per channel (with its label) and per finding. Counts and labels
    only: it names nobody, so it outlives the purge like the summary. None when no row
    was pre-checked."""
    payments = payment.of(decisions)
    if payments is None or not payments.checked():
        return None
    checked = payments.frame["checked"].to_numpy(dtype=bool)
    eligible = checked & decisions.frame["status"].eq(Status.ELIGIBLE.value).to_numpy()
    found = eligible & (payments.frame["findings"].to_numpy() != 0)
    return {
        "rows": int(checked.sum()),
        "eligible": int(eligible.sum()),
        "with_findings": int(found.sum()),
        "channels": [
            {"channel": name, "label": payments.label(name), "count": n}
            for name, n in payments.channel_counts(eligible).items()
        ],
        "findings": [
            {"code": code.value, "severity": payments.spec.findings[code].severity, "count": n}
            for code, n in payments.finding_counts(eligible).items()
            if n
        ],
    }


def sheets(result: Result) -> list[dict[str, Any]]:
    """How each file and sheet was read, with the notices its decisions gave
    (``Result.reading``), as the store keeps it: codes and values, worded in the language
    of whoever asks. A reading holds headers, row numbers and the words a note quotes,
    never a cell of a worker; should a note quote a long number all the same, it is kept
    by its last four digits, as a page shows a NIK."""
    return [stored_reading(s) for s in result.reading()]


def stored_reading(read: reading.SheetRead) -> dict[str, Any]:
    """One sheet's reading as the store keeps it, any long number in it masked."""
    masked: dict[str, Any] = _masked(reading.to_store(read))
    return masked


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_numbers(value)
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(v) for v in value]
    return value


def clear_results(folder: Path, batch_id: str) -> None:
    """Delete whatever an earlier attempt left of a batch's result files: temporary files
    of a write it was killed in, or files it renamed into place before it died. The batch
    is not done (this attempt holds it), so none of them was ever served."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in [*folder.glob(f"{batch_id}*"), *folder.glob(f".{batch_id}*")]:
        path.unlink(missing_ok=True)


def rows_for_store(checked: pipeline.CheckResult) -> list[dict[str, Any]]:
    """Each decision as a row of the store, with its reasons worded in both languages
    (each explained once: the result's own language is reused) and its ``checks``."""
    explained = {lang: checked.checked.explained(lang) for lang in LANGS}
    words = {lang: e.rows() for lang, e in explained.items()}
    sources = (
        {lang: e.evidence_rows() for lang, e in explained.items()}
        if not checked.decisions.evidence.empty
        else None
    )
    checks = row_checks(checked.decisions)  # no words: one copy serves both languages
    paid, bits = stored_payments(checked.decisions)
    return [
        {
            **row,
            "position": i,
            "reasons_id": words["id"][i],
            "reasons_en": words["en"][i],
            "evidence": {lang: sources[lang][i] for lang in LANGS} if sources else None,
            "checks": checks[i],
            "payment": paid[i],
            "payment_findings": bits[i],
        }
        for i, row in enumerate(decided_rows(checked.result("id")))
    ]


def claim_table(checked: pipeline.CheckResult) -> pd.DataFrame:
    """The upload's NIKs for the paid-once rule (``bsu.store.claims.settle``): every NIK
    its claims were looked up for (16 digits), once, and whether any of its rows claims
    it (eligible, but perhaps for another upload holding it)."""
    niks = checked.checked.niks[0].astype(object)
    claimed = checked.decisions.claimed().to_numpy(dtype=bool)
    frame = pd.DataFrame({"nik": niks.to_numpy(), "claimed": claimed})
    frame = frame[claims.asked(frame["nik"]).to_numpy(dtype=bool)]
    return frame.groupby("nik", sort=True).agg(claimed=("claimed", "any")).reset_index()


def stored_payments(decisions: Decisions) -> tuple[list[Any], list[int | None]]:
    """Each row's pre-check as the store keeps it (``BatchRow.payment``): channel, its
    label, the findings with their messages in both languages, and the bank, account
    number and holder name as given (personal data: the rows route masks them for
    staff); and its ``PaymentCode`` bits. None for a row not pre-checked."""
    payments = payment.of(decisions)
    if payments is None or not payments.checked():
        return [None] * len(decisions), [None] * len(decisions)
    f = payments.frame
    columns = (f["findings"], f["bank_raw"], f["account"], f["holder"])
    given = zip(payments.rows("id"), payments.rows("en"), *columns, strict=True)
    paid: list[Any] = []
    bits: list[int | None] = []
    for id_, en, found, bank, number, holder in given:
        if id_ is None or en is None:
            paid.append(None)
            bits.append(None)
            continue
        findings = [
            {**mine, "message": {"id": mine["message"], "en": theirs["message"]}}
            for mine, theirs in zip(id_["findings"], en["findings"], strict=True)
        ]
        paid.append(
            {
                "channel": id_["channel"],
                "channel_label": id_["channel_label"],
                "findings": findings,
                "bank": bank or None,
                "account_number": number or None,
                "account_holder": holder or None,
            }
        )
        bits.append(int(found))
    return paid, bits
