"""Chunks profiled in worker processes, merged in file order.

The parent reads and parses (pyarrow's parser is one thread per file) and hands each chunk to
one of `jobs` worker processes. Each chunk comes back as its own small `PartialProfile` with its
real row numbers, and the parent merges them left to right in file order. That is the same
sequence of floating-point merges `PartialProfile.add` performs chunk after chunk in one
process, so `--jobs N` gives bit-for-bit the profile of `--jobs 1`, whatever N.

Memory stays bounded: at most `IN_FLIGHT_PER_JOB` chunks per worker are queued or being
profiled at any time; the parent waits for the oldest before reading further. Before any worker
starts, the engine has read the first three chunks (it profiles fewer in-process), which it lets
go one by one as they are sent.

A worker's partial for a chunk starts from what its previous chunk's partial learned (a column
past its distinct-value limit is counted cell by cell from the start; `PartialProfile.follow`):
without it every chunk paid again for building a hash table of such a column's values.

A chunk travels as an Arrow IPC file in a temporary folder, which the worker maps and reads in
place: the pipe to the worker carries only the file's name, so the parent never blocks writing
to a busy worker, and a partial comes back on the same pipe. A worker that ends abruptly (the
out-of-memory killer, `kill -9`) ends the pass at once with one line: the parent waits on the
workers' pipes and their exits together, and kills the others, which ignore SIGINT and SIGTERM
(`worker_signals`) but not SIGKILL. Python 3.11's process pools cannot do that: they stop the
siblings with SIGTERM, then wait for a feeder thread blocked writing a chunk into a pipe no
worker reads any more, and the run hangs.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import tempfile
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any

from dataaudit.errors import DataAuditError, WorkerLost
from dataaudit.output import interruptions_held

if TYPE_CHECKING:  # this module loads light: the command line may start the fork server before its own imports
    import pyarrow as pa

    from dataaudit.engines.local import A, Accumulator

IN_FLIGHT_PER_JOB = 2
#: what a worker needs imported before its first chunk (the fork server imports it once), its
#: signal handlers first
WORKER_MODULES = [
    "dataaudit.engines.worker_signals", "dataaudit.engines.worker_pandas", "dataaudit.engines.local",
    "dataaudit.engines.pool",
]
#: how long a worker told to stop, or found dead, may take to report its exit
EXIT_SECONDS = 5
#: an input file this large starts the fork server before the audit's own imports: smaller ones
#: rarely hold the `WORKERS_FROM_CHUNKS` chunks that reach workers (the benchmark's 100,000 rows
#: of 19 columns are 10 MB and 2 chunks; 3 chunks of them about 14 MB)
EARLY_START_BYTES = 16 << 20
PR_SET_PDEATHSIG = 1  # Linux's prctl option: a signal for this process when its parent ends

_worker: dict[str, object] = {}


@dataclass
class _Worker:
    """A worker process, the parent's end of its pipe, and the chunks it was handed and has not answered."""

    process: multiprocessing.process.BaseProcess
    connection: Connection
    chunks: list[int] = field(default_factory=list)


class _RemoteTraceback(Exception):
    """Where in a worker an error was raised: its traceback, as the cause of the error the parent raises."""

    def __str__(self) -> str:
        return f"\n{self.args[0]}"


def profile_in_processes(chunks: Iterator[tuple[pa.RecordBatch, int]], create: Callable[[], A], jobs: int) -> A:
    """`create` makes an empty accumulator; it is pickled to every worker, so it must be a
    module-level function or a `functools.partial` of one."""
    start_worker_server()
    total = create()
    pending: deque[int] = deque()
    answered: dict[int, A] = {}
    with tempfile.TemporaryDirectory(prefix="dataaudit-chunks-") as folder, _started(create, jobs) as workers:
        for number, (batch, offset) in enumerate(chunks):
            if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                total = total.merged(_answer(pending.popleft(), answered, workers))
            _hand(min(workers, key=lambda worker: len(worker.chunks)), os.path.join(folder, f"{number}.arrow"),
                  number, batch, offset)
            pending.append(number)
        while pending:
            total = total.merged(_answer(pending.popleft(), answered, workers))
    return total


def start_worker_server_for(data: object) -> None:
    """Start the fork server now if `data` will likely reach workers: its imports (about a
    third of a CPU second) then run on another core while this process still imports and plans the
    audit, instead of holding up the first worker once the pass has begun. A local file under
    `EARLY_START_BYTES` is left to the pass, which starts the server only at its third chunk:
    a file profiled in-process would pay those imports for nothing (on a busy machine they
    compete with the audit). Anything else (a folder, a URL, stdin, a table in memory) is taken
    to be large."""
    if isinstance(data, (str, os.PathLike)) and os.path.isfile(data) and os.path.getsize(data) < EARLY_START_BYTES:
        return
    start_worker_server()


def start_worker_server() -> None:
    """Start the fork server if it is not running yet (idempotent); a temporary folder whose
    path is too long for its socket is one clear error."""
    if worker_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        try:
            _deaf_to_ctrl_c(forkserver.ensure_running)
        except OSError as exc:  # its socket lives in TMPDIR, whose path may be too long for one
            raise DataAuditError(f"--jobs: cannot start the worker processes' server in the temporary folder "
                                 f"{tempfile.gettempdir()} ({exc.strerror or exc}): set TMPDIR to a shorter "
                                 "path, or use --jobs 1") from None


def _deaf_to_ctrl_c(spawn: Callable[[], None]) -> None:
    """`spawn` the fork server with Ctrl-C ignored, as a process started with SIGINT ignored keeps
    it so (Python installs no KeyboardInterrupt handler then): the server ignores it too, but
    only once its imports are done, and a Ctrl-C during them printed the server's traceback
    beside this process's one-line "interrupted". Ignored here only while the server is forked
    and exec'd (its imports run after), and only in the main thread, the one signals reach."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        spawn()
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        spawn()
    finally:
        signal.signal(signal.SIGINT, previous)


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


@contextmanager
def _started(create: Callable[[], Accumulator], jobs: int) -> Iterator[list[_Worker]]:
    """`jobs` workers, gone however the pass ends: told to stop after a pass that went through,
    killed after an error or an interruption (they ignore every gentler signal)."""
    context = worker_context()
    workers: list[_Worker] = []
    finished = False
    try:
        # a signal arriving while a worker starts is raised once the worker is listed: mid-start,
        # it would be left waiting for work after the command had ended
        with interruptions_held():
            for _ in range(jobs):
                ours, theirs = context.Pipe()
                process = context.Process(target=_serve, args=(theirs, create), name="dataaudit-worker")
                try:
                    process.start()
                except (EOFError, ConnectionError):  # the fork server ended before it answered
                    raise WorkerLost("its fork server ended before it started") from None
                finally:
                    theirs.close()  # the worker's end lives in the worker only: its death closes the pipe
                workers.append(_Worker(process, ours))
        yield workers
        finished = True
    finally:
        for worker in workers:
            if finished:
                with suppress(OSError):
                    worker.connection.send(None)
            elif worker.process.is_alive():
                worker.process.kill()
        for worker in workers:
            worker.process.join(EXIT_SECONDS)
            if worker.process.exitcode is None:
                worker.process.kill()
                worker.process.join()
            worker.connection.close()


def _hand(worker: _Worker, path: str, number: int, batch: pa.RecordBatch, offset: int) -> None:
    import pyarrow as pa

    with pa.OSFile(path, "wb") as sink, pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
    try:
        worker.connection.send((number, path, offset))
    except OSError:  # its end of the pipe is closed: it is gone
        raise _lost(worker) from None
    worker.chunks.append(number)


def _answer(number: int, answered: dict[int, Any], workers: list[_Worker]) -> Any:
    """Chunk `number`'s partial, once a worker has answered it (keeping the others' answers)."""
    while number not in answered:
        answered.update(_answers(workers))
    return answered.pop(number)


def _answers(workers: list[_Worker]) -> dict[int, Any]:
    """The partials of the chunks the workers have profiled, once at least one has; a worker
    that ended, or an error raised in one, is raised here."""
    busy = {worker.connection: worker for worker in workers if worker.chunks}
    exits = {worker.process.sentinel: worker for worker in workers}
    answers = {}
    for ready in wait([*busy, *exits]):
        if ready in exits:
            raise _lost(exits[ready])
        worker = busy[ready]  # type: ignore[index]
        try:
            number, partial, remote = worker.connection.recv()
        except (EOFError, OSError):  # closed, or reset by the worker's death
            raise _lost(worker) from None
        if remote is not None:
            raise partial from _RemoteTraceback(remote)
        worker.chunks.remove(number)
        answers[number] = partial
    return answers


def _lost(worker: _Worker) -> WorkerLost:
    """The error a worker's abrupt end raises (its fork server reports the exit a moment after the pipe closes)."""
    worker.process.join(EXIT_SECONDS)
    return WorkerLost.with_exit_code(worker.process.exitcode)


def _serve(connection: Connection, create: Callable[[], Accumulator]) -> None:
    """A worker's life: the names of chunks in, their partials (or the error one raised) out,
    until the parent says stop or is gone."""
    _start_worker(create)
    try:
        while (task := connection.recv()) is not None:
            number, path, offset = task
            try:
                answer = (number, _profile_chunk(path, offset), None)
            except Exception as exc:  # raised again in the parent, with this traceback as its cause
                answer = (number, exc, traceback.format_exc())
            connection.send(answer)
    except (EOFError, ConnectionError):  # the parent has gone: nobody is left to answer
        return


def _start_worker(create: Callable[[], Accumulator]) -> None:
    """A worker leaves Ctrl-C and SIGTERM to the parent (see `worker_signals`; a forked one
    ignores them already). It profiles a chunk's columns one after another: its sibling
    processes and the parsing parent already keep the cores busy, so column threads on top
    add no parallelism, only switching."""
    from dataaudit.engines import worker_signals  # noqa: F401
    from dataaudit.profile import partial

    _end_with_the_fork_server()
    partial.COLUMN_THREADS = 1
    _worker["create"] = create


def _end_with_the_fork_server() -> None:
    """On Linux a worker is killed as soon as the process that forked it ends: a fork server
    killed (by the out-of-memory killer, say) leaves no worker profiling for nobody, and a
    killed command takes its workers with it through its fork server, which ends with it."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    forker = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != forker:  # it ended before the request was in place
        os._exit(1)


def _profile_chunk(path: str, offset: int) -> Accumulator:
    """The chunk read in place from its file, which goes at once (its pages stay mapped), into
    a partial of its own that starts where this worker's previous chunk left off: a worker is
    handed chunks in file order, so an accumulator with a `follow` method learns from the
    columns past their limit in rows before these what holds for every later row
    (`PartialProfile.follow`). Only their names are kept between chunks, not the partial."""
    import pyarrow as pa

    batch = pa.ipc.open_stream(pa.memory_map(path)).read_next_batch()
    os.unlink(path)
    partial = _worker["create"]()  # type: ignore[operator]
    if hasattr(partial, "follow"):
        partial.follow(_worker.get("past_limit", frozenset()))
    partial.add(batch, offset)
    if hasattr(partial, "past_limit"):
        _worker["past_limit"] = partial.past_limit()
    return partial
