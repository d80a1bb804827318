"""Repeated groups in one file: the rows that share a value of a group column (a patient, a user,
a product), counted in the one pass.

Per group the accumulator keeps five numbers: its rows, its first row, and the smallest and
largest hash of the labels its rows carry (missing labels left out). A group carries more than
one label exactly when the two differ, so "which groups mix labels" needs no set of labels per
group, and merging two partials is a sum and three minima or maxima per group: associative and
commutative, so chunks and workers merge in any order.

Memory is bounded: at most `MAX_GROUPS` groups per column (40 bytes each, 4 MB). A column with
more is no group column in the sense of this check (every row nearly its own group) and is
reported as not counted; whether a partial overflowed depends only on the distinct values of its
rows, so overflow merges associatively too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MAX_GROUPS = 100_000
EXAMPLES = 10
_NO_LABEL_LOW = np.iinfo(np.uint64).max


@dataclass(frozen=True)
class GroupProfile:
    """One group column: `groups` distinct values among `rows` rows holding one; `repeated` the
    groups of more than one row and `repeated_rows` their rows; `sizes` min, median and max rows
    per group; `mixed` the groups whose rows carry more than one label and `mixed_rows` their
    rows, `mixed_examples` the first row of the first of them; `reason` why the column is
    judged (named, or a candidate); `overflow` when it has more than `MAX_GROUPS` groups."""

    column: str
    reason: str
    rows: int = 0
    groups: int = 0
    repeated: int = 0
    repeated_rows: int = 0
    sizes: tuple[int, int, int] = (0, 0, 0)
    most_common_size: int = 0
    mixed: int = 0
    mixed_rows: int = 0
    mixed_examples: list[int] = field(default_factory=list)
    overflow: bool = False


@dataclass
class GroupsPartial:
    """The groups of one column over some rows, sorted by the value's hash."""

    column: str
    keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    first: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    low: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    high: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    overflow: bool = False

    def add(self, values: np.ndarray, present: np.ndarray, labels: np.ndarray, labelled: np.ndarray,
            offset: int) -> None:
        """One chunk: per row the group value's hash, whether it holds one, the label's hash and
        whether it holds one; its first row is row `offset` of the dataset."""
        if self.overflow:
            return
        at = np.flatnonzero(present)
        has_label = labelled[at]
        chunk = GroupsPartial(
            self.column, values[at], np.ones(len(at), dtype=np.int64), at.astype(np.int64) + offset,
            np.where(has_label, labels[at], _NO_LABEL_LOW).astype(np.uint64),
            np.where(has_label, labels[at], 0).astype(np.uint64),
        )
        merged = self.merged(chunk)
        self.keys, self.rows, self.first, self.low, self.high = (merged.keys, merged.rows, merged.first,
                                                                 merged.low, merged.high)
        self.overflow = merged.overflow

    def merged(self, other: GroupsPartial) -> GroupsPartial:
        if self.overflow or other.overflow:
            return GroupsPartial(self.column, overflow=True)
        keys = np.concatenate([self.keys, other.keys])
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))) if len(keys) else np.zeros(0, int)
        if len(starts) > MAX_GROUPS:
            return GroupsPartial(self.column, overflow=True)

        def reduce(ufunc: np.ufunc, a: np.ndarray, b: np.ndarray) -> np.ndarray:
            both = np.concatenate([a, b])[order]
            return ufunc.reduceat(both, starts) if len(both) else both

        return GroupsPartial(self.column, keys[starts], reduce(np.add, self.rows, other.rows),
                             reduce(np.minimum, self.first, other.first), reduce(np.minimum, self.low, other.low),
                             reduce(np.maximum, self.high, other.high))

    def extract(self, reason: str) -> GroupProfile:
        if self.overflow or not len(self.keys):
            return GroupProfile(self.column, reason, overflow=self.overflow)
        repeated = self.rows > 1
        mixed = (self.low != _NO_LABEL_LOW) & (self.low < self.high)
        sizes, counts = np.unique(self.rows, return_counts=True)
        return GroupProfile(
            column=self.column, reason=reason, rows=int(self.rows.sum()), groups=len(self.keys),
            repeated=int(repeated.sum()), repeated_rows=int(self.rows[repeated].sum()),
            sizes=(int(self.rows.min()), int(np.median(self.rows)), int(self.rows.max())),
            most_common_size=int(sizes[np.argmax(counts)]),
            mixed=int(mixed.sum()), mixed_rows=int(self.rows[mixed].sum()),
            mixed_examples=sorted(self.first[mixed].tolist())[:EXAMPLES],
        )
