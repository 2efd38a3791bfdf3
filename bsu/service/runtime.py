"""Process settings for checking large rosters.

A roster lives in NumPy object arrays, which Python's cyclic garbage collector walks in
full on every older-generation pass; pandas allocates enough while checking a million
rows to trigger many such passes, which made the check grow faster than the roster
(measured: 1M rows evaluated in 11.5 s with the collector on, 4.9 s paused). A check
makes almost no reference cycles, so the collector is paused for its duration and run
once after.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause automatic garbage collection (nesting-safe), collect once on the way out."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(generation=1)
