"""``bsu worker``: only the batch worker, for a shared store with several worker processes.

``bsu serve`` checks uploads in a thread of its own process; on PostgreSQL more processes
(on this machine or others that share the data folder) can take batches off the same queue.
Each claims with ``SELECT ... FOR UPDATE SKIP LOCKED``, so a batch is checked by one of
them, and one that dies mid-check is taken over when its lease runs out. One that is
stopped (SIGTERM, Ctrl-C) gives its batch back to the queue first; one started before its
database waits for it.
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
from sqlalchemy import Engine
from sqlalchemy.exc import InterfaceError, OperationalError

from bsu.service import storage
from bsu.service.settings import Settings

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
    from bsu.privacy import logs
    from bsu.service.jobs import Worker
    from bsu.store.db import make_engine, sessions

    settings = Settings()
    logs.install("INFO", settings)
    storage.prepare(settings.data_dir)  # results it writes are 0600, in 0700 folders
    if (exposed := storage.exposed_warning(settings.data_dir)) is not None:
        log.warning("PERINGATAN: %s / WARNING: %s", *exposed)
    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        log.info("stopping on %s", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    engine = make_engine(settings.resolved_database_url())
    try:
        if not _migrated(engine, stop, settings.worker_backoff_max_seconds):
            return
        # The same settings as the worker thread of ``bsu serve``.
        running = Worker.configured(
            settings,
            sessions(engine),
            engine,
            name=name or f"worker:{socket.gethostname()}:{os.getpid()}",
        )
        running.start()
        log.info("worker %s started", running.name)
        dead = False
        while not stop.wait(1.0):
            if not running.live():  # never expected: exit so that systemd restarts us
                log.error("the worker thread stopped working: exiting")
                dead = True
                break
        # The batch in hand goes back to the queue (it is not counted as an attempt): at
        # once if it is being parsed, else when the stage in progress ends, within the
        # lease; past that it is given back from here.
        running.stop(timeout=settings.worker_lease_seconds)
    finally:
        engine.dispose()
    if dead:
        raise typer.Exit(1)


def _migrated(engine: Engine, stop: threading.Event, backoff_max: float) -> bool:
    """Bring the schema up to date once the database answers: after a reboot the worker
    may start before its database. Waits (said once, pauses doubling up to
    ``backoff_max``) rather than dying; False if stopped before."""
    from bsu.store import schema

    pause, said = 0.5, False
    while not stop.is_set():
        try:
            schema.upgrade(engine)
            return True
        except (OperationalError, InterfaceError) as error:
            if not said:
                log.warning(
                    "the database is not available (%s): waiting for it", type(error).__name__
                )
                said = True
        stop.wait(pause)
        pause = min(backoff_max, pause * 2)
    return False
