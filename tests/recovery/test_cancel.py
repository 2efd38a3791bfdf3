"""A read in the sandbox stops when its worker stops: the ``cancel`` event kills the
parsing child (the batch then goes back to the queue) rather than the stop waiting for
the parse, or the child outliving its worker. (The stop tests in ``test_stop.py`` cancel
reads caught mid-parse in a real server.)"""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest

from bsu.rosters import sandbox
from tests.recovery.support import big_roster


def test_a_cancelled_read_raises_and_leaves_no_child(tmp_path: Path) -> None:
    roster = big_roster(tmp_path / "pabrik.csv", 1_000)
    cancel = threading.Event()
    assert sandbox.read(roster, start="forkserver", cancel=cancel).records.shape[0] == 1_000
    cancel.set()
    with pytest.raises(sandbox.Cancelled):
        sandbox.read(roster, start="forkserver", cancel=cancel)
    assert multiprocessing.active_children() == []
