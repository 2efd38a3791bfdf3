"""``bsu worker``: only the batch worker, for a shared store with several worker processes.

``bsu serve`` checks uploads in a thread of its own process; on PostgreSQL more processes
(on this machine or others that share the data folder) can take batches off the same queue.
Each claims with ``SELECT ... FOR UPDATE SKIP LOCKED``, so a batch is checked by one of
them, and one that dies mid-check is taken over when its lease runs out.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from types import FrameType
from typing import Annotated

import typer

from bsu.settings import Settings

log = logging.getLogger("bsu.worker")


def worker(
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            help="Nama di catatan audit (bawaan: worker:<host>:<pid>). / Name in the audit "
            "records (default: worker:<host>:<pid>).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Periksa roster unggahan sampai dihentikan. / Check uploaded rosters until stopped."""
    from bsu import logs
    from bsu.jobs import Worker
    from bsu.store import schema
    from bsu.store.db import make_engine, sessions

    settings = Settings()
    logs.install("INFO", settings)
    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        log.info("stopping on %s", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    engine = make_engine(settings.resolved_database_url())
    try:
        schema.upgrade(engine)
        # The same settings as the worker thread of ``bsu serve``.
        running = Worker.configured(
            settings,
            sessions(engine),
            engine,
            name=name or f"worker:{socket.gethostname()}:{os.getpid()}",
        )
        running.start()
        log.info("worker %s started", running.name)
        while not stop.wait(1.0):
            pass
        # The batch in hand is finished if it can be within the lease; past that the
        # process ends anyway, and another worker takes the batch over.
        running.stop(timeout=settings.worker_lease_seconds)
    finally:
        engine.dispose()
