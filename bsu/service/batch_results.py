"""Writing a checked batch's results: the result workbook and CSV (and, with a registry,
the coverage report) published together once all are complete, and its rows for the
store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bsu.core.engine import Decisions
from bsu.core.ruleset import LANGS, Lang
from bsu.coverage.compute import compute as compute_coverage
from bsu.coverage.workbook import chart_path
from bsu.coverage.workbook import write_xlsx as write_coverage
from bsu.results import formats
from bsu.results.durable import part, publish
from bsu.results.model import Result, decided_rows
from bsu.rosters.readers import Roster
from bsu.service import pipeline
from bsu.service.runtime import paused_gc


@dataclass(frozen=True)
class Written:
    """A batch's result files, in place, and its coverage (None without a registry)."""

    xlsx: Path
    csv: Path
    coverage_xlsx: Path | None = None
    coverage: dict[str, Any] | None = None


def write(
    result: Result,
    counted: Decisions | None,
    folder: Path,
    batch_id: str,
    attempt: int,
    lang: Lang,
    xlsx_writer: str,
    before_publish: Callable[[], None],
) -> Written:
    """Write the batch's files into ``folder``; its coverage report too when ``counted``
    (its decisions for coverage) were judged with a registry. ``before_publish`` runs once
    all are written, before any takes its final name (it may raise: nothing is served)."""
    clear_results(folder, batch_id)
    xlsx = folder / f"{batch_id}.xlsx"
    csv = folder / f"{batch_id}.csv"
    covered, coverage_xlsx = None, None
    # Each file is written under a temporary name of this attempt and takes its final
    # name only once all are complete and fsynced: a check killed mid-write leaves no
    # partial result, and a worker that lost its claim never touches another's files.
    moves = [(part(xlsx, attempt), xlsx), (part(csv, attempt), csv)]
    try:
        with paused_gc():
            formats.write(result, part(xlsx, attempt), "xlsx", writer=xlsx_writer)
            formats.write(result, part(csv, attempt), "csv")
        if counted is not None and counted.evidence.registry is not None:
            # With a registry, the batch also gets its Universal Coverage Jamsostek report.
            coverage = compute_coverage(counted, lang)
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
    return Written(xlsx, csv, coverage_xlsx, covered)


def sheets(read: Roster) -> list[dict[str, Any]]:
    """Where each sheet's table was found, as the store keeps it."""
    return [
        {"source": s.source, "sheet": s.sheet, "header_row": s.header_row, "rows": s.rows}
        for s in read.sheets
    ]


def clear_results(folder: Path, batch_id: str) -> None:
    """Delete whatever an earlier attempt left of a batch's result files: temporary files
    of a write it was killed in, or files it renamed into place before it died. The batch
    is not done (this attempt holds it), so none of them was ever served."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in [*folder.glob(f"{batch_id}*"), *folder.glob(f".{batch_id}*")]:
        path.unlink(missing_ok=True)


def rows_for_store(checked: pipeline.CheckResult) -> list[dict[str, Any]]:
    """Each decision as a row of the store, with its reasons worded in both languages
    (each explained once: the result's own language is reused)."""
    explained = {lang: checked.checked.explained(lang) for lang in LANGS}
    words = {lang: e.rows() for lang, e in explained.items()}
    sources = (
        {lang: e.evidence_rows() for lang, e in explained.items()}
        if not checked.decisions.evidence.empty
        else None
    )
    return [
        {
            **row,
            "position": i,
            "reasons_id": words["id"][i],
            "reasons_en": words["en"][i],
            "evidence": {lang: sources[lang][i] for lang in LANGS} if sources else None,
        }
        for i, row in enumerate(decided_rows(checked.result("id")))
    ]
