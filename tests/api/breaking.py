"""A real uvicorn on loopback serving the app in this process, with an engine that breaks
on any group holding a worker named ``POISON``: an error no request value causes any
more (issue 11, item 2), made on purpose to test what happens around one. The engine is
the real one for every other group; the database is never replaced."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from bsu.api import app as api_app
from bsu.api import errors
from bsu.core.engine import evaluate
from bsu.service import pipeline
from bsu.service.settings import Settings
from bsu.store import schema
from bsu.store.db import make_engine
from tests.servers import free_port

POISON = "POISON"


@pytest.fixture
def breaking_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The server's URL; its repeat window for logged errors is 2 s."""

    def breaks_on_marked(records: Any, ruleset: Any, *args: Any, **kwargs: Any) -> Any:
        if records["name"].eq(POISON).any():
            raise RuntimeError("the same failure every time")
        return evaluate(records, ruleset, *args, **kwargs)

    monkeypatch.setattr(pipeline, "evaluate", breaks_on_marked)
    monkeypatch.setattr(errors, "REPEAT_WINDOW_SECONDS", 2.0)
    # Hundreds of keyless requests from one address: no rate limit in the way.
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'bsu.db'}",
        rate_limit_per_minute=0,
    )
    engine = make_engine(settings.resolved_database_url())
    schema.upgrade(engine)
    engine.dispose()
    app = api_app.create_app(settings, run_worker=False)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
