"""A worker's claim on a batch, kept alive while the batch is worked on."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from bsu.service.outages import named
from bsu.store import batches

log = logging.getLogger("bsu.worker")


class Lease:
    """Keeps a claim alive while its batch is worked on: a renewal every third of the
    lease, on a thread of its own, so that no stage (writing a million-row workbook takes
    longer than a lease) lets another worker take over a batch whose worker lives. Each
    renewal is also the worker's sign of life. A renewal that finds the claim lost sets
    ``lost`` and ``cancel``: the check stops without writing. One the database refuses is
    tried again at the next tick; the check finds out about the outage itself."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        batch_id: str,
        attempt: int,
        lease_seconds: float,
        beat: Callable[[], None],
    ) -> None:
        self.sessions = sessions
        self.lease_seconds = lease_seconds
        self.beat = beat  # the worker's sign of life
        self.batch_id = batch_id
        self.attempt = attempt
        self.lost = threading.Event()
        self.cancel = threading.Event()  # set on a stop too: the parsing child is killed
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._renew, name="bsu-lease", daemon=True)

    def __enter__(self) -> Lease:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join(self.lease_seconds)

    def _renew(self) -> None:
        while not self._done.wait(self.lease_seconds / 3):
            self.beat()
            try:
                held = batches.renew(self.sessions, self.batch_id, self.attempt, self.lease_seconds)
            except Exception as error:
                # An outage: the check itself meets it, says so once and gives the batch
                # back; here it is only noted, so as not to log it twice.
                log.debug("lease of batch %s not renewed (%s)", self.batch_id, named(error))
                continue
            if not held and not self._done.is_set():
                self.lost.set()
                self.cancel.set()
                return
