"""The background worker that checks uploaded rosters.

Runs as a thread (``Worker``) of the API process or of ``bsu worker`` processes, claims
batches from the store, and survives the request that submitted them: a batch in the store
is checked even if the process that accepted it died, by whichever process claims it next.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bsu import retention, sandbox
from bsu.coverage import compute as compute_coverage
from bsu.coverage_report import chart_path
from bsu.coverage_report import write_xlsx as write_coverage
from bsu.durable import part, publish
from bsu.engine import evaluate
from bsu.errors import BsuError
from bsu.explain import explain
from bsu.nik import clean as clean_nik
from bsu.report import Result, decided_rows, write_csv, write_xlsx
from bsu.ruleset import LANGS, Lang, load_ruleset
from bsu.runtime import paused_gc
from bsu.settings import Settings
from bsu.store import batches, evidence

log = logging.getLogger("bsu.worker")


MAX_ATTEMPTS = 3


class LostClaim(Exception):
    """Another worker took the batch over; this one must stop without writing."""


class Worker:
    """Claims and checks batches until stopped."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        engine: Engine,
        results_dir: Path,
        rules_dir: Path | None,
        lease_seconds: float,
        poll_seconds: float,
        retention_days: float = 30,
        data_dir: Path | None = None,
        name: str = "worker",
        budget: sandbox.Budget | None = None,
    ) -> None:
        self.sessions = sessions
        self.name = name  # who checked a batch, in its audit record
        self.budget = budget or sandbox.Budget()
        self.engine = engine
        self.results_dir = results_dir
        self.rules_dir = rules_dir
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.retention_days = retention_days
        self.retention = dt.timedelta(days=retention_days)
        # Uploads and results are folders of the data folder (see bsu.retention).
        self.data_dir = data_dir or results_dir.parent
        self._next_purge = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def configured(
        cls,
        settings: Settings,
        sessions: sessionmaker[Session],
        engine: Engine,
        name: str = "worker",
    ) -> Worker:
        """The worker as ``bsu serve`` and ``bsu worker`` both run it, from the settings."""
        return cls(
            sessions,
            engine,
            results_dir=settings.data_dir / "results",
            rules_dir=settings.rules_dir,
            lease_seconds=settings.worker_lease_seconds,
            poll_seconds=settings.worker_poll_seconds,
            retention_days=settings.retention_days,
            data_dir=settings.data_dir,
            name=name,
            budget=sandbox.Budget.of(settings),
        )

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="bsu-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            if time.monotonic() >= self._next_purge:
                self.purge()
                self._next_purge = time.monotonic() + min(3600.0, self.retention.total_seconds())
            try:
                claimed = batches.claim(self.sessions, self.lease_seconds)
            except Exception:
                log.exception("could not claim a batch")
                claimed = None
            if claimed is None:
                self._stop.wait(self.poll_seconds)
                continue
            batch_id, attempt = claimed
            if attempt > MAX_ATTEMPTS:
                # Earlier attempts died with the process (e.g. killed by the OS): stop trying.
                batches.fail(
                    self.sessions,
                    batch_id,
                    attempt,
                    "check_abandoned",
                    f"Roster ini sudah {MAX_ATTEMPTS} kali gagal diperiksa karena proses "
                    "pemeriksa berhenti. Periksa berkasnya (ukuran, isi di luar tabel) lalu "
                    "unggah ulang.",
                    f"Checking this roster stopped the checker {MAX_ATTEMPTS} times. Check the "
                    "file (size, content outside the table) and upload it again.",
                )
                continue
            self.run_one(batch_id, attempt)

    def purge(self) -> int:
        """Delete the files and rows of batches past the retention time (``bsu.retention``,
        as ``bsu purge`` does); how many batches were purged."""
        try:
            done = retention.purge(
                self.sessions, self.data_dir, self.retention_days, actor=self.name
            )
        except Exception:
            log.exception("could not purge expired batches")
            return 0
        if done.batches or done.strays:
            log.info(
                "purged %d batches past retention (%d rows, %d files) and %d stray files",
                len(done.batches),
                done.rows,
                done.files,
                len(done.strays),
            )
        return len(done.batches)

    def run_one(self, batch_id: str, attempt: int) -> None:
        """Check one claimed batch and store its result (or its failure)."""
        log.info("checking batch %s (attempt %d)", batch_id, attempt)
        try:
            self._check(batch_id, attempt)
        except LostClaim:
            log.warning("batch %s was taken over by another worker", batch_id)
        except BsuError as error:
            batches.fail(
                self.sessions,
                batch_id,
                attempt,
                error.code,
                error.message("id"),
                error.message("en"),
            )
        except Exception:
            log.exception("batch %s failed unexpectedly", batch_id)
            batches.fail(
                self.sessions,
                batch_id,
                attempt,
                "internal_error",
                "Terjadi kesalahan saat memeriksa roster. Silakan unggah ulang atau hubungi "
                "petugas.",
                "Something went wrong while checking the roster. Upload it again or contact "
                "the staff.",
            )

    def _progress(self, batch_id: str, attempt: int, percent: int) -> None:
        if not batches.renew(self.sessions, batch_id, attempt, self.lease_seconds, percent):
            raise LostClaim(batch_id)

    def _check(self, batch_id: str, attempt: int) -> None:
        with self.sessions() as session:
            batch = batches.get(session, batch_id)
            if batch is None:
                return
            stored, filename, ruleset_id = batch.stored_path, batch.filename, batch.ruleset_id
            lang: Lang = "en" if batch.lang == "en" else "id"
        ruleset = load_ruleset(ruleset_id, self.rules_dir)
        self._progress(batch_id, attempt, 10)
        # In a child process within the configured memory and time: a file that breaks
        # its parser fails its batch with a RosterError and leaves this process running.
        read = sandbox.read(Path(stored), name=filename, budget=self.budget, start="forkserver")
        self._progress(batch_id, attempt, 40)
        found = evidence.load(self.engine, lambda: clean_nik(read.records["nik"])[0].tolist())
        with paused_gc():
            decisions = evaluate(read.records, ruleset, found)
            result = Result.of(read, decisions, lang)
        self._progress(batch_id, attempt, 60)
        clear_results(self.results_dir, batch_id)
        xlsx = self.results_dir / f"{batch_id}.xlsx"
        csv = self.results_dir / f"{batch_id}.csv"
        covered, coverage_xlsx = None, None
        # Each file is written under a temporary name of this attempt and takes its final
        # name only once all are complete and fsynced: a check killed mid-write leaves no
        # partial result, and a worker that lost its claim never touches another's files.
        moves = [(part(xlsx, attempt), xlsx), (part(csv, attempt), csv)]
        try:
            with paused_gc():
                write_xlsx(result, part(xlsx, attempt))
                write_csv(result, part(csv, attempt))
            if decisions.evidence.registry is not None:
                # With a registry, the batch also gets its Universal Coverage Jamsostek report.
                coverage = compute_coverage(decisions, lang)
                coverage_xlsx = self.results_dir / f"{batch_id}-cakupan.xlsx"
                draft = part(coverage_xlsx, attempt)
                moves += [(draft, coverage_xlsx), (chart_path(draft), chart_path(coverage_xlsx))]
                write_coverage(coverage, draft)
                covered = coverage.to_json()
            self._progress(batch_id, attempt, 85)
            publish(moves)
        finally:
            for draft, _ in moves:
                draft.unlink(missing_ok=True)  # gone once published; else never served
        stored_rows = rows_for_store(result)
        sheets = [
            {"source": s.source, "sheet": s.sheet, "header_row": s.header_row, "rows": s.rows}
            for s in read.sheets
        ]
        finished = batches.finish(
            self.sessions,
            batch_id,
            attempt,
            rows=stored_rows,
            summary=result.summary(),
            sheets=sheets,
            ruleset_version=ruleset.version,
            result_xlsx=str(xlsx),
            result_csv=str(csv),
            coverage=covered,
            result_coverage=str(coverage_xlsx) if coverage_xlsx else None,
            actor=self.name,
        )
        if not finished:
            raise LostClaim(batch_id)
        log.info("batch %s done: %s", batch_id, result.summary())


def clear_results(folder: Path, batch_id: str) -> None:
    """Delete whatever an earlier attempt left of a batch's result files: temporary files
    of a write it was killed in, or files it renamed into place before it died. The batch
    is not done (this attempt holds it), so none of them was ever served."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in [*folder.glob(f"{batch_id}*"), *folder.glob(f".{batch_id}*")]:
        path.unlink(missing_ok=True)


def rows_for_store(result: Result) -> list[dict[str, Any]]:
    """Each decision as a row of the store, with its reasons worded in both languages."""
    explained = {lang: explain(result.decisions, lang) for lang in LANGS}
    words = {lang: e.rows() for lang, e in explained.items()}
    sources = (
        {lang: e.evidence_rows() for lang, e in explained.items()}
        if not result.decisions.evidence.empty
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
        for i, row in enumerate(decided_rows(result))
    ]
