"""The embedded engine: the file streamed chunk by chunk, in one process or over a process pool.

The reader runs one chunk ahead in a background thread: pyarrow parses while the profile
code hashes the previous chunk (both release the GIL for most of their work). With `jobs` > 1
the chunks are profiled in worker processes (see `pool.py`) and merged in file order, unless
the source turns out to hold fewer than `WORKERS_FROM_CHUNKS` chunks.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import numbers
import os
import queue
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol, TextIO, TypeVar

import pyarrow as pa

from dataaudit.engines import is_spark_frame
from dataaudit.engines.arrow_memory import return_freed_memory
from dataaudit.errors import InputError
from dataaudit.io import Source, open_source
from dataaudit.io.lines import CHUNK_LINES, line_source
from dataaudit.profile.extract import extract
from dataaudit.profile.model import Profile
from dataaudit.profile.partial import PartialProfile
from dataaudit.profile.spec import ProfileSpec
from dataaudit.profile.spill import spill_directory

_DONE = object()
#: chunks the reading thread may parse beyond the one being profiled
CHUNKS_AHEAD = 1
#: with `jobs` > 1, a source of fewer chunks than this is profiled in this process all the same:
#: worker processes cannot pay for themselves on it (each one's first chunk, the chunks' files,
#: the partials sent back; `--jobs 2` at 100,000 rows, 2 chunks, was 0.84x `--jobs 1`). Its
#: first chunks are held, not profiled, until the source proves to have this many: profiling them
#: here while workers start cost the parent, whose parsing and merging bound the pass, 0.35 CPU s
#: and 16 MiB more at 1,000,000 rows and gained no time.
WORKERS_FROM_CHUNKS = 3


class Accumulator(Protocol):
    """A mergeable statistic: chunks are added with their first row's number, partials merge."""

    def add(self, batch: pa.RecordBatch, offset: int) -> object: ...

    def merged(self, other: Any) -> Any: ...


A = TypeVar("A", bound=Accumulator)
T = TypeVar("T")


@dataclass
class LocalEngine:
    """`jobs`: worker processes (1 = profile in this process, -1 = one per core).
    `progress`: a stream for the progress line (shown only if it is a terminal), or None."""

    jobs: int = 1
    progress: TextIO | None = None
    #: handed the pass's partial before its spill directory goes: a clean keeps the row hashes
    on_profiled: Callable[[PartialProfile], None] | None = None
    name: ClassVar[str] = "local"

    def __post_init__(self) -> None:
        self.jobs = resolve_jobs(self.jobs)
        return_freed_memory()

    def open(self, data: Any, *, delimiter: str | None, encoding: str | None, chunk_rows: int,
             bad_rows: str, storage_options: Mapping[str, Any] | None = None, decimal: str = ".") -> Source:
        if is_spark_frame(data):
            raise InputError("a Spark DataFrame is audited by the spark engine, not the local one")
        if self.jobs > 1:
            from dataaudit.engines.pool import start_worker_server_for

            start_worker_server_for(data)
        return open_source(data, delimiter=delimiter, encoding=encoding, chunk_rows=chunk_rows, bad_rows=bad_rows,
                           storage_options=storage_options, decimal=decimal)

    def open_lines(self, path: Path, chunk_lines: int = CHUNK_LINES) -> Source:
        return line_source(path, chunk_lines)

    def profile(self, source: Source, spec: ProfileSpec) -> Profile:
        """The pass and its extraction inside the spill directory of the row hashes, which goes
        however they end (the workers' hashes come back in memory and spill here)."""
        with spill_directory() as spill:
            partial = self.accumulate(source, functools.partial(PartialProfile.create, spec, source.columns, spill))
            profile = extract(partial, source.info)
            if self.on_profiled is not None:
                self.on_profiled(partial)
            return profile

    def accumulate(self, source: Source, create: Callable[[], A], label: str = "") -> A:
        """Feed every chunk of `source` to accumulators made by `create` (picklable, as workers
        call it too) and merge them in file order: the pass behind `profile` and any other
        mergeable statistic, such as the row keys a split comparison needs. `label` names the
        pass on the progress line."""
        from dataaudit.engines.progress import ProgressLine

        with ProgressLine.for_source(source, self.progress, label=label) as progress, \
                contextlib.closing(progress.track(numbered(_read_ahead(source.batches()), source.columns))) as chunks:
            first = list(itertools.islice(chunks, WORKERS_FROM_CHUNKS if self.jobs > 1 else 0))
            stream = _handed_on(first, chunks)
            if len(first) < WORKERS_FROM_CHUNKS:
                partial = create()
                for batch, offset in stream:
                    partial.add(batch, offset)
            else:
                from dataaudit.engines.pool import profile_in_processes

                partial = profile_in_processes(stream, create, self.jobs)
        source.info["engine"] = self.name
        return partial


def resolve_jobs(jobs: int) -> int:
    """-1 means one worker per core; 0 or below -1 is a mistake worth a clear message, and so is
    a count that is no whole number (`"4"` from a config file, 2.5), which would fail in the pool."""
    if isinstance(jobs, bool) or not isinstance(jobs, numbers.Integral):
        raise InputError(f"jobs must be a whole number of processes or -1 for all cores, not {jobs!r}")
    jobs = int(jobs)
    if jobs == -1:
        return os.cpu_count() or 1
    if jobs < 1:
        raise InputError(f"jobs must be a positive number of processes or -1 for all cores, not {jobs}")
    return jobs


def numbered(batches: Iterator[pa.RecordBatch], columns: list[str]) -> Iterator[tuple[pa.RecordBatch, int]]:
    """Each chunk with the dataset row number of its first row, in the source's column order."""
    offset = 0
    for batch in batches:
        yield conform(batch, columns), offset
        offset += batch.num_rows


def conform(batch: pa.RecordBatch, columns: list[str]) -> pa.RecordBatch:
    """Batches carry the source's columns in its order, whatever the reader produced."""
    if batch.schema.names == columns:
        return batch
    arrays = [batch.column(name) if name in batch.schema.names else pa.nulls(batch.num_rows, pa.string())
              for name in columns]
    return pa.RecordBatch.from_arrays(arrays, names=columns)


def _handed_on(first: list[T], rest: Iterator[T]) -> Iterator[T]:
    """`first`, then `rest`: each of `first` let go once handed on, not held until the end."""
    first.reverse()
    while first:
        yield first.pop()
    yield from rest


def _read_ahead(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """`batches` produced one ahead in a thread. The thread reads a chunk only once the consumer
    has taken the one before, so it adds one chunk to those its consumer holds: the next (a full
    queue would let the thread hold a second, parsed and waiting to be put). In one process that
    is two chunks alive, the one being profiled and the next; `--jobs` holds the first three
    before it decides on workers.
    However the consumer stops (the end, an error, Ctrl-C), the thread is stopped and waited for
    before this returns: what the batches drive (a clean's writers) must not run on while the
    caller removes their files."""
    ready: queue.SimpleQueue = queue.SimpleQueue()
    room = threading.Semaphore(CHUNKS_AHEAD)
    stop = threading.Event()

    def produce() -> None:
        try:
            while room.acquire() and not stop.is_set():
                batch = next(batches, _DONE)
                ready.put(batch)
                if batch is _DONE:
                    return
        except BaseException as exc:  # handed to the consumer, which re-raises it
            ready.put(exc)

    reader = threading.Thread(target=produce, daemon=True)
    reader.start()
    try:
        while True:
            item = ready.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            room.release()
            yield item
    finally:
        stop.set()
        room.release()  # wakes a thread waiting for room, which then sees `stop`
        reader.join()
