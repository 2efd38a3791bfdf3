"""Logging for the server and the CLI, with every long number turned into a pseudonym.

No code here logs a NIK, KPJ, bank account or wage on purpose; the filter is the defence
behind that rule, for what slips through anyway: a path or query string in uvicorn's
access log, a library's exception text quoting a cell, a traceback. It rewrites message,
arguments, exception and stack text of every record on every handler, so the same worker
is the same ``nik:…`` across lines but the NIK itself never reaches a file or a terminal.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from bsu.privacy.pseudonyms import log_key, redact
from bsu.service.settings import Settings

HANDLER_NAME = "bsu"
# SQLAlchemy puts a failed statement's values (a row's NIK, name, wage) into its error
# text, on one line: "[parameters: {...}]". No value is worth that in a log.
_SQL_PARAMETERS = re.compile(r"\[parameters: [^\n]*\]")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_DONE = "bsu_redacted"


class Redact(logging.Filter):
    """Replaces every long number in a record by its keyed pseudonym; drops nothing."""

    def __init__(self, key: Callable[[], bytes] = log_key) -> None:
        super().__init__()
        self._key_source = key
        self._key: bytes | None = None

    def key(self) -> bytes:
        # Read (or created) only when a number is found: most processes never need it.
        if self._key is None:
            self._key = self._key_source()
        return self._key

    def redact(self, text: str) -> str:
        if "[parameters: " in text:
            text = _SQL_PARAMETERS.sub("[parameters: hidden by bsu.privacy.logs]", text)
        if not any(c.isdigit() for c in text):
            return text
        return redact(text, self.key())

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, _DONE, False):
            return True  # another handler's filter did it (a pseudonym is not redone)
        setattr(record, _DONE, True)
        record.msg = self.redact(str(record.msg))
        if record.args:
            args = self._args(record.args)
            if args is None:
                # An argument that is not text (a number, a dict, an exception) holds a
                # long number: format the message first, then redact the whole of it.
                record.msg = self.redact(_message(record))
                record.args = None
            else:
                record.args = args
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True

    def _args(self, args: tuple[Any, ...] | Mapping[str, Any]) -> Any:
        """The arguments with text redacted, keeping their shape (uvicorn's access
        formatter unpacks them); None when one that is not text would need redacting."""
        if isinstance(args, Mapping):
            values = {k: self._arg(v) for k, v in args.items()}
            return None if any(v is _FORMAT_FIRST for v in values.values()) else values
        redacted = tuple(self._arg(a) for a in args)
        return None if any(a is _FORMAT_FIRST for a in redacted) else redacted

    def _arg(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.redact(value)
        if value is None or isinstance(value, bool):
            return value
        text = str(value)
        return value if self.redact(text) == text else _FORMAT_FIRST


_FORMAT_FIRST = object()


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except Exception:  # arguments that do not fit the format: keep both, as text
        return f"{record.msg} {record.args!r}"


class Repeats:
    """Logs an error once per ``window`` seconds with its traceback, then how many times
    it happened again, not a traceback each time: one caller repeating a request that
    fails would otherwise write a traceback per request (27 MB of log in 12 s).

    Errors are the same when their type and the code path of their traceback are (not
    their message, which may hold values). The first occurrence in a window is logged in
    full with a short id; repeats are counted, and when the window ends the count is
    logged ("the same error <id> happened N more times in the last W s"). Thread-safe.
    """

    def __init__(
        self,
        logger: logging.Logger,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._opened: dict[str, float] = {}  # error id -> when its window opened
        self._held: dict[str, int] = {}  # error id -> repeats not logged in its window

    def error(self, message: str, *args: object, exc: BaseException) -> None:
        """Log ``message % args`` with ``exc``'s traceback, or count it as a repeat."""
        key = signature(exc)
        with self._lock:
            now = self._clock()
            opened = self._opened.get(key)
            if opened is not None and now - opened < self._window:
                held = self._held[key] = self._held.get(key, 0) + 1
                if held == 1:  # the first repeat: the count is due when the window ends
                    self._later(opened + self._window - now, key)
                return
            self._prune(now)
            self._opened[key] = now
        self._logger.error(
            message + " [error %s; repeats within %.0f s are counted, not logged]",
            *args,
            key,
            self._window,
            exc_info=exc,
        )

    def flush(self, key: str | None = None) -> None:
        """Log the count of repeats held (of ``key``, or of every error) and close their
        window, so the next occurrence is logged in full again."""
        with self._lock:
            keys = [key] if key is not None else list(self._opened)
            counts = [(k, self._held.pop(k, 0), self._opened.pop(k, None)) for k in keys]
            now = self._clock()
        for k, held, opened in counts:
            if held and opened is not None:
                self._logger.error(
                    "the same error %s happened %d more times in the last %.0f s",
                    k,
                    held,
                    now - opened,
                )

    def _later(self, delay: float, key: str) -> None:
        timer = threading.Timer(max(delay, 0.0), self.flush, args=(key,))
        timer.daemon = True
        timer.start()

    def _prune(self, now: float) -> None:
        """Forget windows long closed that hold no count (called under the lock)."""
        if len(self._opened) > 1000:
            for k, opened in list(self._opened.items()):
                if now - opened >= self._window and not self._held.get(k):
                    del self._opened[k]


def signature(exc: BaseException) -> str:
    """A short id of an error: its type and the files, lines and functions it passed
    through; the same for every occurrence of one fault, whatever values caused it."""
    frames = traceback.extract_tb(exc.__traceback__)
    path = ";".join(f"{f.filename}:{f.lineno}:{f.name}" for f in frames)
    text = f"{type(exc).__module__}.{type(exc).__qualname__}|{path}"
    return hashlib.sha256(text.encode()).hexdigest()[:8]  # 8: never a run the filter masks


def install(default_level: str, settings: Settings | None = None) -> None:
    """Put the filter on every handler there is, root's included.

    If nobody has configured logging (the root logger has no handler, or only ours), a
    handler on stderr is added and the root level set to ``BSU_LOG_LEVEL`` or
    ``default_level``; a configured process (a test runner, a deployment's own config)
    keeps its handlers and levels unless ``BSU_LOG_LEVEL`` is set. Safe to call again,
    e.g. by ``bsu serve`` once uvicorn has set up its own handlers.
    """
    if settings is None:
        try:
            settings = Settings()
        except ValidationError:  # the command itself reports the bad setting
            settings = Settings.model_construct()
    secret = settings.log_key.get_secret_value() if settings.log_key else ""
    data_dir = settings.data_dir
    root = logging.getLogger()
    if not root.handlers:
        stderr = logging.StreamHandler()
        stderr.set_name(HANDLER_NAME)
        stderr.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(stderr)
    ours = all(h.get_name() == HANDLER_NAME for h in root.handlers)
    if settings.log_level or ours:
        root.setLevel(settings.log_level or default_level)
    for handler in _handlers():
        if not any(isinstance(f, Redact) for f in handler.filters):
            handler.addFilter(Redact(lambda: log_key(secret, data_dir)))


def _handlers() -> list[logging.Handler]:
    """Every handler of every logger, and the one Python falls back on."""
    loggers = [logging.getLogger()] + [
        found
        for found in logging.root.manager.loggerDict.values()
        if isinstance(found, logging.Logger)
    ]
    handlers = [h for logger in loggers for h in logger.handlers]
    if logging.lastResort is not None:
        handlers.append(logging.lastResort)
    return list(dict.fromkeys(handlers))
