"""The background worker that checks uploaded rosters.

Runs as a thread (``Worker``) of the API process or of ``bsu worker`` processes, claims
batches from the store, and survives the request that submitted them: a batch in the store
is checked even if the process that accepted it died, by whichever process claims it next.

The thread itself never dies of the store, the disk or a file. A database or disk that
fails (an outage, a full disk) is logged once, waited out with a growing pause, and the
batch it interrupted goes back to the queue; so does the batch in hand when the worker is
stopped. Neither counts as an attempt: only a file that kills its checker does
(``MAX_ATTEMPTS``). While a batch is worked on its lease is renewed on a timer, so no stage,
however long, lets another worker take over a batch whose worker lives (``lease``).
Telling an outage from a bad file is ``outages``'; writing the results, ``batch_results``'.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bsu.core.engine import Decisions
from bsu.core.evidence import Evidence
from bsu.core.ruleset import Lang, RuleSet, load_ruleset
from bsu.coverage import employers
from bsu.errors import BsuError
from bsu.rosters import sandbox
from bsu.rosters.reading import ReadOptions
from bsu.service import batch_results, pipeline, retention
from bsu.service.lease import Lease
from bsu.service.outages import Interrupted, LostClaim, Outage, named, outage
from bsu.service.settings import Settings
from bsu.store import batches, claims, evidence

log = logging.getLogger("bsu.worker")


MAX_ATTEMPTS = 3
ABANDONED = (
    "check_abandoned",
    f"Roster ini sudah {MAX_ATTEMPTS} kali gagal diperiksa karena proses pemeriksa berhenti. "
    "Periksa berkasnya (ukuran, isi di luar tabel) lalu unggah ulang.",
    f"Checking this roster stopped the checker {MAX_ATTEMPTS} times. Check the file (size, "
    "content outside the table) and upload it again.",
)
INTERNAL_ERROR = (
    "internal_error",
    "Terjadi kesalahan saat memeriksa roster. Silakan unggah ulang atau hubungi petugas.",
    "Something went wrong while checking the roster. Upload it again or contact the staff.",
)


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
        backoff_max_seconds: float = 30.0,
        xlsx_writer: str = "auto",
    ) -> None:
        self.sessions = sessions
        self.name = name  # who checked a batch, in its audit record
        self.budget = budget or sandbox.Budget()
        self.engine = engine
        self.results_dir = results_dir
        self.rules_dir = rules_dir
        self.xlsx_writer = xlsx_writer  # the library wanted (Settings.xlsx_writer)
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.retention_days = retention_days
        self.retention = dt.timedelta(days=retention_days)
        # Uploads and results are folders of the data folder (see bsu.service.retention).
        self.data_dir = data_dir or results_dir.parent
        self._next_purge = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # The longest pause between tries while the database or the disk is failing.
        self.backoff_max = backoff_max_seconds
        self._beat = time.monotonic()  # the last sign of life: a turn, a lease renewal
        self._troubles = 0  # turns failed in a row (an outage), from when until when
        self._trouble_since = self._trouble_until = 0.0
        # A batch's outcome the store could not take yet: recorded before the next claim.
        self._pending: Callable[[], object] | None = None
        self._lease: Lease | None = None  # the claim in hand

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
            backoff_max_seconds=settings.worker_backoff_max_seconds,
            xlsx_writer=settings.xlsx_writer,
        )

    def start(self) -> None:
        self._beat = time.monotonic()
        self._thread = threading.Thread(target=self._loop, name="bsu-worker", daemon=True)
        self._thread.start()

    @property
    def started(self) -> bool:
        """Whether this worker was started (``bsu serve`` without a worker never is)."""
        return self._thread is not None

    @property
    def stale_after(self) -> float:
        """Seconds without a sign of life after which the worker counts as dead: twice
        the longest it may rightly be silent, a pause (poll or backoff) and a lease (its
        renewals are signs of life while a batch is checked)."""
        return 2 * (max(self.poll_seconds, self.backoff_max) + self.lease_seconds)

    def live(self) -> bool:
        """Whether the worker thread runs and has shown a sign of life recently (for
        ``/readyz``: a load balancer or systemd must be able to see a dead worker)."""
        thread = self._thread
        recent = time.monotonic() - self._beat <= self.stale_after
        return thread is not None and thread.is_alive() and recent

    def beat(self) -> None:
        self._beat = time.monotonic()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop. The batch in hand is interrupted (its parsing child killed) and goes back
        to the queue for the next start, not counted as an attempt. A stage that cannot be
        interrupted (writing a workbook) is waited for up to ``timeout``; past that the
        batch is given back from here, and whatever the worker then tries to write is
        refused by the store (its claim is gone)."""
        self._stop.set()
        if (lease := self._lease) is not None:
            lease.cancel.set()
        if self._thread is None:
            return
        self._thread.join(timeout)
        if self._thread.is_alive() and (lease := self._lease) is not None:
            try:
                batches.release(self.sessions, lease.batch_id, lease.attempt, "shutdown", self.name)
            except Exception as error:
                log.warning(
                    "could not give batch %s back (%s): it is taken over when its lease runs out",
                    lease.batch_id,
                    named(error),
                )

    def _loop(self) -> None:
        """Claim and check until stopped. Nothing ends this thread but a stop: a failing
        turn is logged once per outage and retried after a pause (``_trouble``)."""
        while not self._stop.is_set():
            self.beat()
            try:
                worked = self._turn()
            except Exception as error:
                self._trouble(error)
                continue
            self._recovered()
            if not worked:
                self._stop.wait(self.poll_seconds)
        self._last_word()

    def _turn(self) -> bool:
        """Record what the last batch left unrecorded, purge when due, then claim and check
        one batch; whether there was one."""
        if self._pending is not None:
            self._pending()
            self._pending = None
        if time.monotonic() >= self._next_purge:
            self.purge()
            self._next_purge = time.monotonic() + min(3600.0, self.retention.total_seconds())
        claimed = batches.claim(self.sessions, self.lease_seconds)
        if claimed is None:
            return False
        batch_id, attempt = claimed
        if attempt > MAX_ATTEMPTS and batches.deaths(self.sessions, batch_id, attempt) >= (
            MAX_ATTEMPTS
        ):
            # Earlier attempts died with the process (e.g. killed by the OS): stop trying.
            self._record(partial(batches.fail, self.sessions, batch_id, attempt, *ABANDONED))
            return True
        self.run_one(batch_id, attempt)
        return True

    def _record(self, outcome: Callable[[], object]) -> None:
        """Record a batch's outcome; when the store cannot take it now, it is kept and
        recorded before anything else is claimed (the error goes on to ``_trouble``)."""
        self._pending = outcome
        outcome()
        self._pending = None

    def _trouble(self, error: Exception) -> None:
        """A turn failed: say so once per outage (and how long it lasted once it is over,
        in ``_recovered``), then wait, twice as long each time up to ``backoff_max``."""
        self._troubles += 1
        self._trouble_until = time.monotonic()
        if self._troubles == 1:
            self._trouble_since = time.monotonic()
            cause = outage(error)
            if cause is None:
                log.error("the worker failed unexpectedly; it tries again", exc_info=error)
            else:
                log.warning(
                    "the %s is not available (%s): the worker tries again, with pauses of "
                    "up to %g s",
                    cause,
                    named(error),
                    self.backoff_max,
                )
        pause = max(self.poll_seconds, 0.5) * 2 ** min(self._troubles - 1, 16)
        self._stop.wait(min(self.backoff_max, pause))

    def _recovered(self) -> None:
        if self._troubles:
            log.info(
                "the worker works again, after %d failed tries over %.0f s",
                self._troubles,
                self._trouble_until - self._trouble_since,
            )
            self._troubles = 0

    def _last_word(self) -> None:
        """On the way out: one more try at recording what is still unrecorded."""
        if self._pending is None:
            return
        try:
            self._pending()
        except Exception as error:
            log.warning(
                "could not record the last batch's outcome before stopping (%s): it is "
                "taken over when its lease runs out",
                named(error),
            )

    def purge(self) -> int:
        """Delete the files and rows of batches past the retention time (``bsu.service.retention``,
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
        """Check one claimed batch and store its result, its failure, or (interrupted by
        a stop, a database or disk failure) give it back to the queue. Raises ``Outage``
        after giving a batch back for an outage, so that the loop pauses before claiming
        again, and a store error if the outcome could not be recorded (kept for later)."""
        log.info("checking batch %s (attempt %d)", batch_id, attempt)
        with Lease(self.sessions, batch_id, attempt, self.lease_seconds, self.beat) as lease:
            self._lease = lease
            try:
                self._check(batch_id, attempt)
                return
            except Exception as error:
                failure = error
            finally:
                self._lease = None
        if isinstance(failure, LostClaim) or lease.lost.is_set():
            log.warning("batch %s was taken over by another worker", batch_id)
            return
        cause = "shutdown" if self._stop.is_set() else outage(failure)
        if cause is None:
            self._record(self._failed(batch_id, attempt, failure))
            return
        # Once per outage: while it lasts, each retry ends here again.
        log.log(
            logging.DEBUG if self._troubles else logging.WARNING,
            "batch %s goes back to the queue (%s: %s)",
            batch_id,
            cause,
            named(failure),
        )
        self._record(partial(batches.release, self.sessions, batch_id, attempt, cause, self.name))
        if cause != "shutdown":
            raise Outage(cause) from failure

    def _failed(self, batch_id: str, attempt: int, failure: Exception) -> Callable[[], object]:
        """How a failed check is recorded: the file's own error (a ``BsuError``, such as a
        ``RosterError``) with its code and messages; anything else as ``internal_error``."""
        if isinstance(failure, BsuError):
            words = (failure.code, failure.message("id"), failure.message("en"))
        else:
            log.error("batch %s failed unexpectedly", batch_id, exc_info=failure)
            words = INTERNAL_ERROR
        return partial(batches.fail, self.sessions, batch_id, attempt, *words)

    def _progress(self, batch_id: str, attempt: int, percent: int) -> None:
        """Record progress (renewing the lease); stop here if the worker is stopping or
        its claim was lost."""
        if self._stop.is_set():
            raise Interrupted(batch_id)
        lease = self._lease
        if lease is not None and lease.lost.is_set():
            raise LostClaim(batch_id)
        if not batches.renew(self.sessions, batch_id, attempt, self.lease_seconds, percent):
            raise LostClaim(batch_id)

    def _check(self, batch_id: str, attempt: int) -> None:
        with self.sessions() as session:
            batch = batches.get(session, batch_id)
            if batch is None:
                return
            stored, filename, ruleset_id = batch.stored_path, batch.filename, batch.ruleset_id
            lang: Lang = "en" if batch.lang == "en" else "id"
            # An employer's upload is judged on its own workers' evidence only.
            scope, actor, key_employer = batch.employer_id, batch.submitted_by, batch.employer_id
            owner = claims.owner_of(batch.employer_id, filename)
            # The columns the uploader named (``map``): an unknown header fails the batch
            # with the reader's RosterError, listing the headers present.
            options = read_options(batch.read_options)
        ruleset = load_ruleset(ruleset_id, self.rules_dir)
        viewer = claims.Viewer(scope)
        self._progress(batch_id, attempt, 10)

        def claimed_elsewhere(niks: pd.Series) -> pd.DataFrame:
            return claims.load(self.engine, ruleset.id, owner, niks, batch_id, viewer)

        def found(_records: pd.DataFrame, niks: pd.Series) -> Evidence:
            loaded = evidence.load(self.engine, niks.tolist, employer_id=scope)
            use = evidence.Use(actor, loaded.looked_up, batch_id=batch_id)
            evidence.record_uses(self.engine, loaded, [use])  # also the batch's notice
            return replace(loaded, claims=claimed_elsewhere(niks))

        # In a child process within the configured memory and time: a file that breaks
        # its parser fails its batch with a RosterError and leaves this process running.
        checked = pipeline.check_files(
            [pipeline.Source(Path(stored), filename)],
            ruleset,
            found,
            budget=self.budget,
            start="forkserver",
            cancel=self._lease.cancel if self._lease else None,
            watch=pipeline.Watch(roster_read=lambda _: self._progress(batch_id, attempt, 40)),
            options=options,
        )
        if key_employer is None:
            # Without a key, whose roster it is shows once it is judged: the NPP the
            # registry or the roster's NPP column gives. That employer's earlier uploads
            # are versions of this one, not claims against it.
            named = self._owner_by_identity(checked.decisions, filename)
            if named != owner:
                owner = named
                seen = checked.decisions.evidence
                again = claimed_elsewhere(checked.checked.niks[0])
                if seen.claims is None or claims.pairs(again) != claims.pairs(seen.claims):
                    checked = checked.judged_again(ruleset, replace(seen, claims=again))
        while True:
            try:
                self._store(batch_id, attempt, checked, ruleset, lang, scope, key_employer, owner)
                return
            except claims.Stale:
                # Another upload of the round finished while this one was judged: judge
                # again on the claims now held (the roster is not read again).
                log.info("batch %s: another upload finished meanwhile; judging again", batch_id)
                self._progress(batch_id, attempt, 60)
                seen = checked.decisions.evidence
                fresh = replace(seen, claims=claimed_elsewhere(checked.checked.niks[0]))
                checked = checked.judged_again(ruleset, fresh)

    @staticmethod
    def _owner_by_identity(decisions: Decisions, filename: str) -> str:
        """A keyless upload's owner: the NPP its workers have in the registry, or its NPP
        column; else its file name (``claims.owner_of``)."""
        identity = employers.identify(decisions)
        if len(identity):
            first = identity.iloc[0]
            if first["basis"] in ("registry", "column") and isinstance(first["npp"], str):
                return claims.owner_of(first["npp"], filename)
        return claims.owner_of(None, filename)

    def _store(
        self,
        batch_id: str,
        attempt: int,
        checked: pipeline.CheckResult,
        ruleset: RuleSet,
        lang: Lang,
        scope: str | None,
        key_employer: str | None,
        owner: str,
    ) -> None:
        """Write the result files and store the rows; ``claims.Stale`` when the claims of
        other uploads changed meanwhile (nothing stored)."""
        result = checked.result(lang)
        counted = checked.decisions if scope is None else self._for_coverage(checked, ruleset)
        self._progress(batch_id, attempt, 60)
        written = batch_results.write(
            result,
            counted,
            self.results_dir,
            batch_id,
            attempt,
            lang,
            self.xlsx_writer,
            lambda: self._progress(batch_id, attempt, 85),
            key_employer,
        )
        # Who the roster's employer is, by the whole registry when there is one.
        identity = employers.identify(counted or checked.decisions, key_employer)
        first = identity.iloc[0] if len(identity) else None
        employer = (
            (first["npp"], first["name"], first["basis"]) if first is not None else (None,) * 3
        )
        seen = checked.decisions.evidence.claims
        finished = batches.finish(
            self.sessions,
            batch_id,
            attempt,
            rows=batch_results.rows_for_store(checked),
            summary=result.summary(),
            sheets=batch_results.sheets(result),
            ruleset_version=ruleset.version,
            result_xlsx=str(written.xlsx),
            result_csv=str(written.csv),
            coverage=written.coverage,
            result_coverage=str(written.coverage_xlsx) if written.coverage_xlsx else None,
            payment=batch_results.payment_summary(checked.decisions),
            employer=employer,
            settle=claims.ToSettle(
                ruleset.id,
                owner,
                batch_results.claim_table(checked),
                claims.pairs(seen) if seen is not None else frozenset(),
            ),
            actor=self.name,
        )
        if not finished:
            raise LostClaim(batch_id)
        log.info("batch %s done: %s", batch_id, result.summary())

    def _for_coverage(self, checked: pipeline.CheckResult, ruleset: RuleSet) -> Decisions | None:
        """An employer's upload judged on the whole registry, for its coverage report only:
        coverage is branch staff's (an employer's key gets 403), and a worker protected
        through another employer's NPP is protected all the same. The employer's own
        results stay judged on its share. None without a registry."""
        full = evidence.load(self.engine, checked.checked.niks[0].tolist)
        if full.registry is None:
            return None
        return checked.checked.judged_again(ruleset, full)


def read_options(stored: dict[str, Any] | None) -> ReadOptions:
    """The read options a batch was submitted with (``Batch.read_options``)."""
    return ReadOptions.from_store(stored)
