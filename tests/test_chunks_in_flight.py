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
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.engines.local import CHUNKS_AHEAD, LocalEngine
from dataaudit.io import open_source
from dataaudit.io.csv_reader import BLOCK_BYTES, CHUNK_BYTES, regroup
from dataaudit.io.source import Source

CHUNKS = 12
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


@settings(max_examples=60, deadline=None)
@given(widths=st.lists(st.integers(0, 300), min_size=1, max_size=40), rows=st.integers(1, 120),
       max_bytes=st.integers(1, 20_000))
def test_a_chunk_ends_at_its_rows_or_its_bytes_whichever_comes_first(widths: list[int], rows: int,
                                                                   max_bytes: int) -> None:
    """Pieces of 5 rows, each `width` characters wide: a chunk takes whole pieces, in order, until
    it holds `rows` rows or `max_bytes` bytes, and not one piece more."""
    pieces = [pa.record_batch({"text": pa.array([f"{i}:" + "x" * width] * 5)}) for i, width in enumerate(widths)]
    chunks = list(regroup(iter(pieces), rows, max_bytes))
    assert pa.Table.from_batches(chunks).column("text").to_pylist() == \
        pa.Table.from_batches(pieces).column("text").to_pylist()
    start = 0
    for number, chunk in enumerate(chunks):
        taken = pieces[start:start + chunk.num_rows // 5]
        start += len(taken)
        assert sum(p.num_rows for p in taken[:-1]) < rows and sum(p.nbytes for p in taken[:-1]) < max_bytes
        if number < len(chunks) - 1:
            assert sum(p.num_rows for p in taken) >= rows or sum(p.nbytes for p in taken) >= max_bytes
    assert start == len(pieces)


def test_wide_rows_make_chunks_of_bytes_not_rows(tmp_path: Path) -> None:
    """A CSV of 4 KB texts read with the default 65,536 rows a chunk: chunks of about
    `CHUNK_BYTES`, which 65,536 such rows (256 MiB) would be sixteen times over."""
    path = tmp_path / "wide.csv"
    text = "y" * 4_000
    path.write_text("id,text\n" + "".join(f"{i},{text}\n" for i in range(10_000)), encoding="utf-8")
    chunks = [(batch.num_rows, batch.nbytes) for batch in open_source(str(path)).batches()]
    assert sum(n for n, _ in chunks) == 10_000
    assert len(chunks) >= 2
    assert all(size < CHUNK_BYTES + 2 * BLOCK_BYTES for _, size in chunks)


@pytest.mark.slow
def test_the_local_engine_gives_arrows_freed_memory_back_unless_told_which_pool(tmp_path: Path) -> None:
    """jemalloc, releasing freed pages at once, in place of pyarrow's default mimalloc where pyarrow
    has both, from the engine's making on (before it reads anything); the pool named in
    ARROW_DEFAULT_MEMORY_POOL kept. Each in a fresh process, as the pool is the process's."""
    script = tmp_path / "pool.py"
    script.write_text("import pyarrow as pa\n"
                      "from dataaudit.engines.local import LocalEngine\n"
                      "before = pa.default_memory_pool().backend_name\n"
                      "LocalEngine()\n"
                      "print(before, pa.default_memory_pool().backend_name)\n", encoding="utf-8")
    before, after = _pools_around_an_engine(script, {})
    assert after == ("jemalloc" if before == "mimalloc" and _has_jemalloc() else before)
    assert _pools_around_an_engine(script, {"ARROW_DEFAULT_MEMORY_POOL": "system"}) == ("system", "system")


def _has_jemalloc() -> bool:
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        return False
    return True


def _pools_around_an_engine(script: Path, env: dict[str, str]) -> tuple[str, str]:
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **env})
    before, after = done.stdout.split()
    return before, after
