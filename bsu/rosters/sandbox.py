"""Reading an upload in a child process, so that no file can take the reader down with it.

``preflight`` refuses the hostile files we know of before any parser runs; this is for the
ones we do not. A parser that aborts (python-calamine ends the process when an allocation
fails: there is no exception to catch), loops, or swallows memory does so in a child with
an address-space limit and a deadline, and the caller gets a ``RosterError`` to show: a
4xx from the API, exit code 2 from the CLI, and the API's other requests keep being served
(the child also holds its own GIL, so a long parse no longer stalls the event loop).

The child is forked, so nothing is imported again per file: from the calling process
itself (``start="fork"``, for a single-threaded caller such as the CLI), or from a clean
process that has ``bsu.rosters.readers`` loaded (``start="forkserver"``, for a process
with threads, such as the API's worker: forking those is unsafe). It is a limit on resources, not on
privileges: the child runs as the same user.

The roster comes back column by column (``columns``); a reader that fails becomes the
``RosterError`` of ``failures``. The child also reads with the garbage collector off
(it lives for one file): on a 100k-row workbook the whole ``bsu check`` used less CPU than
reading in-process.
"""

from __future__ import annotations

import faulthandler
import gc
import logging
import math
import multiprocessing
import os
import pickle
import resource
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import resource_tracker
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext, ForkServerContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import ModuleType
from typing import Any, Literal, Protocol

from bsu.errors import BsuError, RosterError, Where
from bsu.rosters import columns, failures
from bsu.rosters import readers as roster
from bsu.rosters.reading import DEFAULT, ReadOptions

log = logging.getLogger("bsu.rosters.sandbox")

Start = Literal["fork", "forkserver"]
# What the fork server loads once, so that each child starts with it in memory.
PRELOAD = ("bsu.rosters.sandbox", "python_calamine", "pyarrow.csv")
_EXIT_MEMORY = 3  # the child ran out of memory where it could not say so
_EXIT_FAILED = 4  # anything else it could not send: logged by _died, answered roster_unreadable


class _Limits(Protocol):
    parse_memory_mb: int
    parse_timeout_seconds: float


@dataclass(frozen=True)
class Budget:
    """What reading one file may cost: address space beyond what the child starts with
    (the libraries it is forked with; a child forked from a process that has reserved
    memory it is not using may use that too), and wall time until the last column has
    arrived.

    The default memory fits the largest roster a workbook can hold (measured: reading a
    1M-row .xlsx maps 2.7 GB beyond the libraries and keeps 1.8 GB resident) and refuses
    the hundreds of GB a hostile sheet asks for; the default time is about ten times what
    that workbook takes to read.
    """

    memory_mb: int = 4096
    timeout_seconds: float = 300.0

    @classmethod
    def of(cls, settings: _Limits) -> Budget:
        return cls(settings.parse_memory_mb, settings.parse_timeout_seconds)


def read(
    path: Path,
    name: str | None = None,
    budget: Budget | None = None,
    start: Start = "fork",
    cancel: threading.Event | None = None,
    options: ReadOptions = DEFAULT,
) -> roster.Roster:
    """``roster.read(path, name)`` in a child process within ``budget``. A child that is
    killed, runs out of memory or time, or fails unexpectedly becomes a ``RosterError``;
    a ``RosterError`` raised in the child is raised here as it was. Setting ``cancel``
    (the worker stops, or lost its claim) kills the child and raises ``Cancelled``."""
    name = name or path.name
    budget = budget or Budget()
    context = _context(start)
    receiver, sender = context.Pipe(duplex=False)
    handle, capture = tempfile.mkstemp(prefix="bsu-parse-", suffix=".log")
    os.close(handle)
    child = context.Process(
        target=_child,
        args=(path, name, budget, sender, capture, options),
        name="bsu-parse",
        daemon=True,
    )
    deadline = time.monotonic() + budget.timeout_seconds
    try:
        with _shielded(start):
            child.start()
        sender.close()
        return _receive(receiver, child, deadline, Where(name), budget, capture, cancel)
    except BsuError:
        raise  # the child answered (or is gone already)
    except BaseException:
        if child.pid is not None:  # Ctrl-C, a stop, or this process failing: stop the child
            child.kill()
        raise
    finally:
        receiver.close()
        sender.close()
        if child.pid is not None:
            child.join(5)
            if child.exitcode is None:
                child.kill()
                child.join()
        Path(capture).unlink(missing_ok=True)


class Cancelled(Exception):
    """The caller asked the read to stop (``cancel``); the child was killed."""


# What a server's process group is sent when it is stopped (systemd's KillMode, Ctrl-C).
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def _shielded(start: Start) -> Iterator[None]:
    """Start the fork server and its children with SIGINT and SIGTERM blocked: a stop
    signal sent to the whole process group (systemd, Ctrl-C) is the server's to handle,
    which stops the child itself; a child killed by it would look like a file that
    killed its reader. The mask is inherited through the fork server's exec and every
    fork; SIGKILL (how the parent stops a child) cannot be blocked. With ``fork`` (the
    CLI) the child dies with its parent as before."""
    if start != "forkserver":
        yield
        return
    # Started first: starting it unblocks these signals on the way out.
    resource_tracker.ensure_running()
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


# --- in the parent -----------------------------------------------------------------------


class _TimedOut(Exception):
    pass


def _receive(
    receiver: Connection,
    child: BaseProcess,
    deadline: float,
    where: Where,
    budget: Budget,
    capture: str,
    cancel: threading.Event | None = None,
) -> roster.Roster:
    try:
        header = pickle.loads(_message(receiver, deadline, cancel))
        kind = header[0]
        if kind == "roster":
            return columns.receive(
                lambda: _message(receiver, deadline, cancel), header[1], header[2]
            )
        if kind == "roster_error":
            raise RosterError(*header[1:])
        if kind == "bsu_error":
            raise BsuError(*header[1:])
        if kind == "memory":
            raise failures.too_complex(where, budget.memory_mb)
        log.warning("reading %s failed unexpectedly: %s", where.file, header[1])
        log.debug("in the reading child:\n%s", header[2])
        raise failures.unreadable(where, header[1].split(" ", 1)[0])
    except _TimedOut:
        child.kill()
        child.join()
        log.info("reading %s took over %s s: stopped", where.file, budget.timeout_seconds)
        raise failures.timed_out(where, budget.timeout_seconds) from None
    except (EOFError, OSError):
        child.join(5)
        raise _died(child, where, budget, capture) from None


# How often a waiting read looks at its ``cancel`` event.
_CANCEL_POLL_SECONDS = 0.2


def _message(receiver: Connection, deadline: float, cancel: threading.Event | None) -> bytes:
    """The child's next message; waits in short slices so that a cancel is seen soon."""
    while True:
        if cancel is not None and cancel.is_set():
            raise Cancelled
        left = max(0.0, deadline - time.monotonic())
        if receiver.poll(left if cancel is None else min(left, _CANCEL_POLL_SECONDS)):
            return receiver.recv_bytes()
        if time.monotonic() >= deadline:
            raise _TimedOut


def _died(child: BaseProcess, where: Where, budget: Budget, capture: str) -> RosterError:
    code = child.exitcode
    said = _tail(capture)
    log.info("reading %s stopped the reader (exit %s): %s", where.file, code, said)
    if code == -signal.SIGXCPU:  # the CPU-time backstop
        return failures.timed_out(where, budget.timeout_seconds)
    if code is not None and (code < 0 or code == _EXIT_MEMORY):  # killed, aborted, no memory
        return failures.too_complex(where, budget.memory_mb)
    return failures.unreadable(where, f"exit {code}")


def _tail(capture: str) -> str:
    try:
        with Path(capture).open("rb") as fh:
            fh.seek(max(0, fh.seek(0, os.SEEK_END) - 500))
            return fh.read().decode("utf-8", "replace").strip()
    except OSError:
        return ""


_contexts: dict[str, ForkContext | ForkServerContext] = {}


def _context(start: Start) -> ForkContext | ForkServerContext:
    context = _contexts.get(start)
    if context is None:
        if start == "forkserver":
            server = multiprocessing.get_context("forkserver")
            # Each child of the fork server runs the parent's main script again (that is
            # how multiprocessing finds the child's code): with what it imports loaded in
            # the server, that costs 10 ms instead of 150.
            server.set_forkserver_preload([*PRELOAD, *_main_imports()])
            context = server
        else:
            context = multiprocessing.get_context("fork")
        _contexts[start] = context
    return context


def _main_imports() -> list[str]:
    """The modules the main script took its names from (``bsu.cli.app`` for ``bsu serve``)."""
    main = sys.modules.get("__main__")
    found = set()
    for value in vars(main).values() if main is not None else ():
        if isinstance(value, ModuleType):
            module: object = value.__name__
        else:
            module = getattr(value, "__module__", None)
        if isinstance(module, str) and module != "__main__" and module in sys.modules:
            found.add(module)
    return sorted(found)


# --- in the child ------------------------------------------------------------------------


def _child(
    path: Path,
    name: str,
    budget: Budget,
    sender: Connection,
    capture: str,
    options: ReadOptions = DEFAULT,
) -> None:
    """Read and send; nothing escapes (an exception here would print a traceback)."""
    try:
        _isolate(capture)
        _limit(budget)
        try:
            read = roster.read(path, name, options)
        except RosterError as error:
            header: tuple[Any, ...] = (
                "roster_error",
                error.code,
                error.where,
                error.problem,
                error.fix,
            )
        except BsuError as error:
            header = ("bsu_error", error.message_id, error.message_en, error.code)
        except MemoryError:
            header = ("memory",)
        except Exception as error:
            frame = traceback.extract_tb(error.__traceback__)[-1]
            where = f"{Path(frame.filename).name}:{frame.lineno}"
            # The type and place only: a message may quote a cell (personal data).
            header = ("bug", f"{type(error).__name__} at {where}", _frames(error))
        else:
            columns.send(sender, read)
            return
        sender.send_bytes(pickle.dumps(header, protocol=5))
    except MemoryError:
        os._exit(_EXIT_MEMORY)
    except BaseException:
        # Not silent: the parent sees this exit code, logs it (``_died``) and answers
        # roster_unreadable. Nothing more can be said from a child that cannot send.
        os._exit(_EXIT_FAILED)
    finally:
        sender.close()


def _frames(error: BaseException) -> str:
    return "".join(traceback.format_list(traceback.extract_tb(error.__traceback__)))


def _isolate(capture: str) -> None:
    """No garbage collection (one file, then exit; the inherited objects stay untouched,
    so their pages stay shared). Ctrl-C is the parent's to handle; whatever a library
    prints (calamine's "memory allocation of 549755813888 bytes failed") goes to
    ``capture``, for the parent's log, not to the user's terminal. New stream objects:
    the inherited ones may have been locked by another thread at the fork."""
    gc.freeze()
    gc.disable()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = os.open(capture, os.O_WRONLY | os.O_APPEND)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(out)
    sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
    if faulthandler.is_enabled():  # it writes to a file of its own
        faulthandler.enable(file=sys.stderr)


def _limit(budget: Budget) -> None:
    """Address space: what the child starts with plus the budget. CPU time: the deadline
    on every core, a backstop should the parent be gone (the parent kills the child at
    the deadline)."""
    start = _address_space()
    limits = (
        (resource.RLIMIT_AS, start + budget.memory_mb * 1024 * 1024),
        (
            resource.RLIMIT_CPU,
            math.ceil(budget.timeout_seconds * (os.cpu_count() or 1)) + 5,
        ),
    )
    for kind, wanted in limits:
        soft, hard = resource.getrlimit(kind)
        lower = [limit for limit in (soft, hard) if limit != resource.RLIM_INFINITY]
        resource.setrlimit(kind, (min([wanted, *lower]), hard))


def _address_space() -> int:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")
