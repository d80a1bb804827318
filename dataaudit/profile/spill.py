"""Row hashes in bounded memory: bucketed by their features hash, spilled to files past a budget.

Rows that can repeat or contradict one another have equal features hashes, so they land in the
same bucket (the hash's top `BUCKET_BITS` bits): duplicates and conflicts can be found bucket
by bucket, and any union of whole buckets is a part no repeat or conflict crosses. A chunk's
rows are bucketed once, as they arrive; while their hashes fit the memory budget they stay in
memory, and once they pass it every bucket is appended to a file of its own in a temporary
directory and memory is freed, so what the hashes hold never exceeds the budget. At the end
the buckets are read back a few at a time, in parts of a fraction of the budget.

Only the process that made the directory writes there: a `--jobs` worker keeps its chunk's
hashes in memory and hands them to the parent, whose merge spills them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

#: one row's identity: its row number and its features, label and whole-row hashes
ROW_HASHES = np.dtype([("row", "<i8"), ("features", "<u8"), ("label", "<u8"), ("whole", "<u8")])
BUCKET_BITS = 8
BUCKETS = 1 << BUCKET_BITS
#: a part read back for the duplicate search holds at most this share of the budget: the
#: search's own working memory (copies, pandas' hash tables) is several times the part
PART_SHARE = 16


#: the hashes held in memory before they spill (`--memory-budget`, the rule pack's
#: `checks.duplicates.memory_budget`): 32 bytes a row, so about 2 million rows; past them the
#: peak no longer grows with the rows
DEFAULT_MEMORY_BUDGET = 64 << 20


@dataclass(frozen=True)
class SpillPlan:
    """Where the hashes of a pass go past the budget, and the one process allowed to write there."""

    directory: str
    owner: int = field(default_factory=os.getpid)

    def writable(self) -> bool:
        return self.owner == os.getpid()


@contextmanager
def spill_directory() -> Iterator[SpillPlan]:
    """A plan whose directory is removed however the pass ends: normally, on an error, on Ctrl-C."""
    with tempfile.TemporaryDirectory(prefix="dataaudit-spill-") as directory:
        yield SpillPlan(directory)


@dataclass
class BucketedHashes:
    """The row hashes of a pass, bucketed; in memory, or (once spilled) in files plus what came
    since the last spill. Merging moves the files to the result: a spilled value is merged into,
    never copied."""

    budget: int = DEFAULT_MEMORY_BUDGET
    plan: SpillPlan | None = None
    buckets: list[list[np.ndarray]] = field(default_factory=lambda: [[] for _ in range(BUCKETS)])
    held: int = 0
    files: str | None = None

    def add(self, records: np.ndarray) -> None:
        """Bucket rows of `ROW_HASHES` (one chunk, in row order)."""
        bucket = (records["features"] >> np.uint64(64 - BUCKET_BITS)).astype(np.uint8)
        # np.take: indexing an array of records with an array copies field by field, ten times slower
        ordered = np.take(records, np.argsort(bucket, kind="stable"))
        ends = np.cumsum(np.bincount(bucket, minlength=BUCKETS)).tolist()
        # slices of the filled buckets only: np.split makes a view of each of the 256 through swapaxes
        for i, start, end in zip(range(BUCKETS), [0, *ends[:-1]], ends, strict=True):
            if end > start:
                self.buckets[i].append(ordered[start:end])
        self._hold(ordered.nbytes)

    def merged(self, other: BucketedHashes) -> BucketedHashes:
        """The hashes of both, `self`'s rows first (the order of the rows in each bucket)."""
        out = BucketedHashes(self.budget, self.plan or other.plan, [list(b) for b in self.buckets], self.held,
                             self.files)
        if other.files is not None:
            out._append_files(other.files)
        for mine, theirs in zip(out.buckets, other.buckets, strict=True):
            mine.extend(theirs)
        out._hold(other.held)
        return out

    def _append_files(self, folder: str) -> None:
        """Another value's spilled buckets after this one's rows: file to file where this one can
        spill, else read back into memory."""
        self.spill()
        for i in range(BUCKETS):
            source = _bucket_file(folder, i)
            if not source.exists():
                continue
            if self.files is None:
                self.buckets[i].append(np.fromfile(source, dtype=ROW_HASHES))
                self.held += source.stat().st_size
                continue
            with source.open("rb") as read, _bucket_file(self.files, i).open("ab") as write:
                shutil.copyfileobj(read, write)

    def _hold(self, nbytes: int) -> None:
        self.held += nbytes
        if self.held > self.budget:
            self.spill()

    def spill(self) -> None:
        """Append every bucket to its file and free the memory it held (where this process may)."""
        if self.plan is None or not self.plan.writable():
            return
        if self.files is None:
            self.files = tempfile.mkdtemp(prefix="rows-", dir=self.plan.directory)
        for i, bucket in enumerate(self.buckets):
            if bucket:
                with _bucket_file(self.files, i).open("ab") as out:
                    for piece in bucket:
                        out.write(piece.data)
                bucket.clear()
        self.held = 0

    def take(self) -> Iterator[np.ndarray]:
        """The rows held in memory, taken out of this value: for an engine that keeps the hashes
        elsewhere (Spark leaves them on its executors), so the partial it ships holds none."""
        if self.files is not None:
            raise ValueError("spilled hashes cannot be taken out")
        buckets, self.buckets, self.held = self.buckets, [[] for _ in range(BUCKETS)], 0
        for bucket in buckets:
            yield from bucket

    def parts(self) -> Iterator[np.ndarray]:
        """Whole buckets gathered into parts of at most a share of the budget (one bucket more if
        a single one is larger), one part at a time in memory. A part's rows come in no
        particular order: the search orders by number only the few rows whose features recur."""
        limit = max(1, self.budget // PART_SHARE)
        gathered: list[np.ndarray] = []  # the pieces of whole buckets, joined once per part
        size = 0
        for i in range(BUCKETS):
            pieces = self._pieces(i)
            nbytes = sum(piece.nbytes for piece in pieces)
            if gathered and size + nbytes > limit:
                yield _joined(gathered)
                gathered, size = [], 0
            gathered += pieces
            size += nbytes
        yield _joined(gathered)

    def buckets_read(self) -> Iterator[np.ndarray]:
        """Each bucket's rows in turn, in the order stored: for a caller that places rows by their
        number, which needs no `parts` gathered."""
        return (self._read(i) for i in range(BUCKETS))

    def _read(self, i: int) -> np.ndarray:
        return _joined(self._pieces(i))

    def _pieces(self, i: int) -> list[np.ndarray]:
        """Bucket `i`'s rows as stored: its file's, then those held since the last spill."""
        pieces = list(self.buckets[i])
        if self.files is not None:
            path = _bucket_file(self.files, i)
            if path.exists():
                pieces.insert(0, np.fromfile(path, dtype=ROW_HASHES))
        return pieces


def _joined(pieces: list[np.ndarray]) -> np.ndarray:
    """Pieces of `ROW_HASHES` records as one array. Told the type, numpy does not work out the
    records' common type pair by pair, which took half the time of joining a part's 512 pieces
    (two chunks of 256 buckets)."""
    return np.concatenate(pieces, dtype=ROW_HASHES) if pieces else np.zeros(0, dtype=ROW_HASHES)


def _bucket_file(folder: str, bucket: int) -> Path:
    return Path(folder) / f"{bucket:03d}.rows"
