"""The embedded engine: one process, the file streamed chunk by chunk.

The reader runs one chunk ahead in a background thread: pyarrow parses while the profile
code hashes the previous chunk (both release the GIL for most of their work).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Protocol

import pyarrow as pa

from dataaudit.io import Source
from dataaudit.profile.extract import extract
from dataaudit.profile.model import Profile
from dataaudit.profile.partial import PartialProfile
from dataaudit.profile.spec import ProfileSpec

_DONE = object()


class Accumulator(Protocol):
    def add(self, batch: pa.RecordBatch, offset: int) -> object: ...


def profile_source(source: Source, spec: ProfileSpec) -> Profile:
    partial = PartialProfile.create(spec, source.columns)
    feed(source, partial)
    return extract(partial, source.info)


def feed(source: Source, accumulator: Accumulator) -> None:
    """Stream every batch of `source` into `accumulator`, with its first row's number."""
    offset = 0
    for batch in _read_ahead(source.batches()):
        accumulator.add(_conform(batch, source.columns), offset)
        offset += batch.num_rows


def _conform(batch: pa.RecordBatch, columns: list[str]) -> pa.RecordBatch:
    """Batches carry the source's columns in its order, whatever the reader produced."""
    if batch.schema.names == columns:
        return batch
    arrays = [batch.column(name) if name in batch.schema.names else pa.nulls(batch.num_rows, pa.string())
              for name in columns]
    return pa.RecordBatch.from_arrays(arrays, names=columns)


def _read_ahead(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    slot: queue.Queue = queue.Queue(maxsize=1)

    def produce() -> None:
        try:
            for batch in batches:
                slot.put(batch)
            slot.put(_DONE)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            slot.put(exc)

    threading.Thread(target=produce, daemon=True).start()
    while True:
        item = slot.get()
        if item is _DONE:
            return
        if isinstance(item, BaseException):
            raise item
        yield item
