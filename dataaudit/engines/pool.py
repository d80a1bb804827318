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
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING

from dataaudit.errors import DataAuditError
from dataaudit.output import interruptions_held

if TYPE_CHECKING:  # this module loads light: the command line starts the fork server before its own imports
    import pyarrow as pa

    from dataaudit.engines.local import A, Accumulator

IN_FLIGHT_PER_JOB = 2
#: what a worker needs imported before its first chunk (the fork server imports it once), its
#: signal handlers first
WORKER_MODULES = ["dataaudit.engines.worker_signals", "dataaudit.engines.local", "dataaudit.engines.pool"]

_worker: dict[str, object] = {}


def profile_in_processes(chunks: Iterator[tuple[pa.RecordBatch, int]], create: Callable[[], A], jobs: int) -> A:
    """`create` makes an empty accumulator; it is pickled to every worker, so it must be a
    module-level function or a `functools.partial` of one."""
    context = worker_context()
    total = create()
    pending: deque[Future[A]] = deque()
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(create,)) as pool:
        try:
            for batch, offset in chunks:
                if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                    total = total.merged(pending.popleft().result())
                # a signal arriving while a chunk is submitted, which may start a worker, is raised once
                # the pool has registered the worker: mid-start, the pool would not know the worker,
                # which would wait for work forever after the command had ended
                with interruptions_held():
                    pending.append(pool.submit(_profile_chunk, batch, offset))
            while pending:
                total = total.merged(pending.popleft().result())
        finally:
            for future in pending:
                future.cancel()
    return total


def start_worker_server() -> None:
    """Start the fork server now rather than at the first chunk: its imports (most of a CPU
    second) then run on another core while this process still imports and plans the audit,
    instead of holding up the first worker once the pass has begun. Idempotent."""
    if worker_context().get_start_method() == "forkserver":
        import tempfile
        from multiprocessing import forkserver

        try:
            forkserver.ensure_running()
        except OSError as exc:  # its socket lives in TMPDIR, whose path may be too long for one
            raise DataAuditError(f"--jobs: cannot start the worker processes' server in the temporary folder "
                                 f"{tempfile.gettempdir()} ({exc.strerror or exc}): set TMPDIR to a shorter "
                                 "path, or use --jobs 1") from None


def worker_context() -> multiprocessing.context.BaseContext:
    """How workers start: not by a fork of this process, whose reader and column threads a
    fork would copy mid-flight. A fork server imports the profile code once and forks each
    worker from that clean process, so N workers do not pay N imports (about a CPU second
    each, which cost `--jobs 2` more than the second core gave); spawn where there is none."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WORKER_MODULES)
    return context


def _start_worker(create: Callable[[], Accumulator]) -> None:
    """A worker leaves Ctrl-C and SIGTERM to the parent (see `worker_signals`; a forked one
    ignores them already). It profiles a chunk's columns one after another: its sibling
    processes and the parsing parent already keep the cores busy, so column threads on top
    add no parallelism, only switching."""
    from dataaudit.engines import worker_signals  # noqa: F401
    from dataaudit.profile import partial

    partial.COLUMN_THREADS = 1
    _worker["create"] = create


def _profile_chunk(batch: pa.RecordBatch, offset: int) -> Accumulator:
    partial = _worker["create"]()  # type: ignore[operator]
    partial.add(batch, offset)
    return partial
