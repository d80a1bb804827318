"""Chunks profiled in worker processes, merged in file order.

The parent reads and parses (pyarrow's parser is one thread per file) and hands each chunk to
a pool of processes; pickling a record batch copies its Arrow buffers, which is cheap next to
profiling them. Each chunk comes back as its own small `PartialProfile` with its real row
numbers, and the parent merges them left to right in file order. That is the same sequence of
floating-point merges `PartialProfile.add` performs chunk after chunk in one process, so
`--jobs N` gives bit-for-bit the profile of `--jobs 1`, whatever N.

Memory stays bounded: at most `IN_FLIGHT_PER_JOB` chunks per worker are queued or being
profiled at any time; the parent waits for the oldest before reading further.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor

import pyarrow as pa

from dataaudit.profile.partial import PartialProfile
from dataaudit.profile.spec import ProfileSpec

IN_FLIGHT_PER_JOB = 2

_worker: dict[str, object] = {}


def profile_in_processes(chunks: Iterator[tuple[pa.RecordBatch, int]], spec: ProfileSpec, columns: list[str],
                         jobs: int) -> PartialProfile:
    # spawn, not fork: the parent runs reader and column threads, which a fork would copy mid-flight
    context = multiprocessing.get_context("spawn")
    total = PartialProfile.create(spec, columns)
    pending: deque[Future[PartialProfile]] = deque()
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(spec, columns)) as pool:
        try:
            for batch, offset in chunks:
                if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                    total = total.merged(pending.popleft().result())
                pending.append(pool.submit(_profile_chunk, batch, offset))
            while pending:
                total = total.merged(pending.popleft().result())
        finally:
            for future in pending:
                future.cancel()
    return total


def _start_worker(spec: ProfileSpec, columns: list[str]) -> None:
    _worker.update(spec=spec, columns=columns)


def _profile_chunk(batch: pa.RecordBatch, offset: int) -> PartialProfile:
    partial = PartialProfile.create(_worker["spec"], _worker["columns"])  # type: ignore[arg-type]
    partial.add(batch, offset)
    return partial
