"""A pass holds a bounded number of chunks, whatever the number of rows.

The reading thread parses the next chunk while the current one is profiled, and no further: the
chunks alive at once are the one being profiled and the one read ahead. The CSV reader's small
blocks are regrouped into chunks and let go before a chunk is handed on. Arrow's pool is one
that gives freed chunks back. Counted with weak references to the batches, not in bytes, which
depend on the machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from dataaudit.engines.local import CHUNKS_AHEAD, LocalEngine
from dataaudit.io.csv_reader import regroup
from dataaudit.io.source import Source
from tests.conftest import DATA

CHUNKS = 12
PENGUINS = DATA / "penguins.csv"
ROOT = Path(__file__).resolve().parents[1]


class Tracked:
    """Batches made on demand, each watched by a weak reference."""

    def __init__(self, count: int, rows: int) -> None:
        self.count, self.rows = count, rows
        self.made: list[weakref.ref[pa.RecordBatch]] = []

    def batches(self) -> Iterator[pa.RecordBatch]:
        for i in range(self.count):
            yield self._make(i)  # held by no local while it is out

    def _make(self, i: int) -> pa.RecordBatch:
        batch = pa.record_batch({"value": pa.array([f"{i}-{j}" for j in range(self.rows)])})
        self.made.append(weakref.ref(batch))
        return batch

    def alive(self) -> int:
        return sum(ref() is not None for ref in self.made)


class CountAlive:
    """An accumulator noting, for each chunk, how many chunks are alive while it is profiled; it
    takes a moment per chunk, as profiling does, so that a reader allowed to run ahead does."""

    def __init__(self, tracked: Tracked) -> None:
        self.tracked = tracked
        self.alive: list[int] = []
        self.offsets: list[int] = []

    def add(self, batch: pa.RecordBatch, offset: int) -> None:
        time.sleep(0.02)
        self.alive.append(self.tracked.alive())
        self.offsets.append(offset)

    def merged(self, other: CountAlive) -> CountAlive:
        raise AssertionError("one process merges nothing")


def test_a_pass_holds_the_chunk_being_profiled_and_the_one_read_ahead() -> None:
    tracked = Tracked(CHUNKS, rows=10)
    source = Source("tracked", "table", ["value"], read=tracked.batches)
    counted = LocalEngine().accumulate(source, lambda: CountAlive(tracked))
    assert counted.offsets == [10 * i for i in range(CHUNKS)]
    assert max(counted.alive) == 1 + CHUNKS_AHEAD == 2
    assert tracked.alive() == 0


def test_a_pass_stopped_early_stops_its_reader_without_reading_further() -> None:
    tracked = Tracked(CHUNKS, rows=10)
    source = Source("tracked", "table", ["value"], read=tracked.batches)
    threads = threading.active_count()

    class Interrupted(CountAlive):
        def add(self, batch: pa.RecordBatch, offset: int) -> None:
            super().add(batch, offset)
            if len(self.alive) == 3:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        LocalEngine().accumulate(source, lambda: Interrupted(tracked))
    assert len(tracked.made) == 3 + CHUNKS_AHEAD
    assert threading.active_count() == threads


@pytest.mark.parametrize(("pieces", "rows"), [(9, 30), (10, 25), (4, 1_000), (1, 1)])
def test_regrouped_chunks_let_go_of_their_pieces_before_they_are_handed_on(pieces: int, rows: int) -> None:
    tracked = Tracked(pieces, rows=10)
    values: list[str] = []
    for chunk in regroup(tracked.batches(), rows):
        assert tracked.alive() == 0
        values += chunk.column(0).to_pylist()
    assert values == [f"{i}-{j}" for i in range(pieces) for j in range(10)]


def test_the_audit_gives_arrows_freed_memory_back_unless_told_which_pool(tmp_path: Path) -> None:
    """jemalloc, releasing freed pages at once, in place of pyarrow's default mimalloc where pyarrow
    has both; the pool named in ARROW_DEFAULT_MEMORY_POOL kept."""
    script = tmp_path / "pool.py"
    script.write_text("import pyarrow as pa, dataaudit\n"
                      "before = pa.default_memory_pool().backend_name\n"
                      f"dataaudit.audit({str(PENGUINS)!r}, target='species')\n"
                      "print(before, pa.default_memory_pool().backend_name)\n", encoding="utf-8")
    before, after = _pools_around_an_audit(script, {})
    assert after == ("jemalloc" if before == "mimalloc" and _has_jemalloc() else before)
    assert _pools_around_an_audit(script, {"ARROW_DEFAULT_MEMORY_POOL": "system"}) == ("system", "system")


def _has_jemalloc() -> bool:
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        return False
    return True


def _pools_around_an_audit(script: Path, env: dict[str, str]) -> tuple[str, str]:
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **env})
    before, after = done.stdout.split()
    return before, after
