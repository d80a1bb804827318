"""The longest run of one repeated number in row order, found in the one pass and merged exactly.

A run is a stretch of consecutive rows holding the same number; a row without a number (empty,
a token, text) ends a run. A partial covers some row ranges, not always adjacent ones (the
chunks of a worker, or partials merged in any order), so it keeps, per contiguous range, the
run it starts with, the run it ends with and the longest run inside. Two ranges that touch are
joined, and the run that ends one and the run that starts the other become one run when they
hold the same number. Ties go to the run that starts first, so the result never depends on how
the rows were cut or in which order the partials merged. The state is a few numbers per range,
and at most one range per chunk.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Run:
    """`length` consecutive rows from row `start` (0-based data row) hold `value`."""

    value: float
    length: int
    start: int

    def beats(self, other: Run | None) -> bool:
        return other is None or (self.length, -self.start) > (other.length, -other.start)


def _longer(a: Run | None, b: Run | None) -> Run | None:
    return a if a is not None and not (b is not None and b.beats(a)) else b


@dataclass(frozen=True)
class Stretch:
    """Rows `start` to `end` (exclusive): their first run, last run and longest run (None where
    the range begins or ends without a number)."""

    start: int
    end: int
    head: Run | None
    tail: Run | None
    longest: Run | None

    def followed_by(self, other: Stretch) -> Stretch:
        """This range joined with the one that starts where it ends."""
        joined = None
        if self.tail is not None and other.head is not None and self.tail.value == other.head.value:
            joined = Run(self.tail.value, self.tail.length + other.head.length, self.tail.start)
        head, tail = self.head, other.tail
        if joined is not None and self.head == self.tail and self.head.length == self.end - self.start:
            head = joined  # this whole range was one run: it goes on into the next
        if joined is not None and other.head == other.tail and other.tail.length == other.end - other.start:
            tail = joined
        return Stretch(self.start, other.end, head, tail, _longer(_longer(self.longest, other.longest), joined))


def stretch_of(numbers: np.ndarray, present: np.ndarray, offset: int) -> Stretch:
    """The runs of one chunk: `numbers` per row, `present` False where a row has no number."""
    n = len(numbers)
    if not present.any():
        return Stretch(offset, offset + n, None, None, None)
    starts = np.flatnonzero(np.r_[True, (numbers[1:] != numbers[:-1]) | (present[1:] != present[:-1])])
    lengths = np.diff(np.r_[starts, n])
    kept = np.flatnonzero(present[starts])  # the runs of numbers, not of missing cells

    def run(k: int) -> Run:
        return Run(float(numbers[starts[k]]) + 0.0, int(lengths[k]), int(starts[k]) + offset)

    first, last = run(kept[0]), run(kept[-1])
    best = run(kept[int(np.argmax(lengths[kept]))])  # argmax keeps the first of equals: the earliest run
    return Stretch(offset, offset + n, first if first.start == offset else None,
                   last if last.start + last.length == offset + n else None, best)


@dataclass
class RunsPartial:
    """The runs of the rows seen so far, one `Stretch` per contiguous range, in row order."""

    stretches: list[Stretch] = field(default_factory=list)

    def add(self, numbers: np.ndarray, present: np.ndarray, offset: int) -> None:
        self.stretches = _joined([*self.stretches, stretch_of(numbers, present, offset)])

    def merged(self, other: RunsPartial) -> RunsPartial:
        return RunsPartial(_joined([*self.stretches, *other.stretches]))

    def longest(self) -> Run | None:
        best = None
        for stretch in self.stretches:
            best = _longer(best, stretch.longest)
        return best


def _joined(stretches: list[Stretch]) -> list[Stretch]:
    out: list[Stretch] = []
    for stretch in sorted(stretches, key=lambda s: s.start):
        if stretch.start == stretch.end:
            continue
        if out and out[-1].end == stretch.start:
            out[-1] = out[-1].followed_by(stretch)
        else:
            out.append(stretch)
    return out
