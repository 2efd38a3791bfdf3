"""How a roster read in the sandbox's child comes back to the parent: column by column,
the parent taking one in while the child sends the next. A column of text goes as one
UTF-8 string of its cells joined by NUL (measured on a 100k-row workbook: 0.17 s to encode
and 0.16 s to decode, against 0.31 s and 0.09 s to pickle the cells), anything else
pickled, and a column the records share with the original table (most of them) once.
"""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Callable, Hashable
from multiprocessing.connection import Connection
from typing import Any

import numpy as np
import pandas as pd

from bsu.rosters import readers

_EMPTY = pd.DataFrame()


def send(sender: Connection, read: readers.Roster) -> None:
    """The roster: its shell (without the tables) and their layouts first, then each
    column, a column both tables share only once."""
    frames = (read.records, read.original)
    shell = dataclasses.replace(read, records=_EMPTY, original=_EMPTY)
    layouts = [(f.columns, f.index, f.attrs, f.shape[1]) for f in frames]
    sender.send_bytes(pickle.dumps(("roster", shell, layouts), protocol=5))
    sent: dict[Hashable, int] = {}
    count = 0
    for frame in frames:
        for position in range(frame.shape[1]):
            values = frame.iloc[:, position].array
            if isinstance(values, pd.arrays.NumpyExtensionArray):
                values = values.to_numpy()
            key = _identity(values)
            if key is not None and key in sent:
                sender.send_bytes(b"R" + sent[key].to_bytes(4, "little"))
            else:
                sender.send_bytes(_encode(values))
            if key is not None:
                sent.setdefault(key, count)
            count += 1


def _encode(values: Any) -> bytes:
    if isinstance(values, np.ndarray) and values.dtype == object and len(values):
        try:
            joined = "\x00".join(values.tolist())
        except TypeError:
            pass  # not all text
        else:
            if joined.count("\x00") == len(values) - 1:  # no cell holds a NUL itself
                return b"T" + joined.encode("utf-8", "surrogatepass")
    return b"P" + pickle.dumps(values, protocol=5)


def _identity(values: Any) -> Hashable | None:
    """What makes two columns the same data: the same memory, viewed the same way."""
    if isinstance(values, np.ndarray):
        data = values.__array_interface__["data"][0]
        return ("numpy", data, values.strides, values.shape, values.dtype.str)
    if isinstance(values, pd.arrays.ArrowExtensionArray):
        chunks = values.__arrow_array__().chunks
        buffers = tuple(
            (b.address, b.size) if b is not None else None for c in chunks for b in c.buffers()
        )
        shape = tuple((c.offset, len(c)) for c in chunks)
        return ("arrow", repr(values.dtype), buffers, shape)
    return None


def receive(
    message: Callable[[], bytes], shell: readers.Roster, layouts: list[Any]
) -> readers.Roster:
    """The roster ``send`` sent, its columns taken in one ``message()`` at a time, into
    ``shell`` (the roster without its tables) laid out as ``layouts`` say."""
    arrays: list[Any] = []
    frames = []
    for columns, index, attrs, width in layouts:
        series = []
        for _ in range(width):
            values = _decode(message(), arrays)
            arrays.append(values)
            if isinstance(values, np.ndarray):
                series.append(pd.Series(values, index=index, dtype=values.dtype, copy=False))
            else:
                series.append(pd.Series(values, index=index, copy=False))
        frame = pd.DataFrame(dict(enumerate(series)), index=index, copy=False)
        frame.columns = columns
        frame.attrs = attrs
        frames.append(frame)
    return dataclasses.replace(shell, records=frames[0], original=frames[1])


def _decode(payload: bytes, arrays: list[Any]) -> Any:
    kind, body = payload[:1], memoryview(payload)[1:]
    if kind == b"T":
        cells = str(body, "utf-8", "surrogatepass").split("\x00")
        values = np.empty(len(cells), dtype=object)
        values[:] = cells
        return values
    if kind == b"R":
        return arrays[int.from_bytes(body, "little")]
    return pickle.loads(body)
