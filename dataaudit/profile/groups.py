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


#: one row per group: the value's hash, its rows, its first row, its labels' smallest and largest hash
GROUP_TABLE = np.dtype([("key", np.uint64), ("rows", np.int64), ("first", np.int64), ("low", np.uint64),
                        ("high", np.uint64)])
_REDUCE = {"rows": np.add, "first": np.minimum, "low": np.minimum, "high": np.maximum}


@dataclass
class GroupsPartial:
    """The groups of one column over some rows, one `GROUP_TABLE` row each, sorted by the value's
    hash."""

    column: str
    table: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=GROUP_TABLE))
    overflow: bool = False

    def add(self, values: np.ndarray, present: np.ndarray, labels: np.ndarray, labelled: np.ndarray,
            offset: int) -> None:
        """One chunk: per row the group value's hash, whether it holds one, the label's hash and
        whether it holds one; its first row is row `offset` of the dataset."""
        if self.overflow:
            return
        at = np.flatnonzero(present)
        has_label = labelled[at]
        chunk = np.zeros(len(at), dtype=GROUP_TABLE)
        chunk["key"], chunk["rows"], chunk["first"] = values[at], 1, at + offset
        chunk["low"] = np.where(has_label, labels[at], _NO_LABEL_LOW)
        chunk["high"] = np.where(has_label, labels[at], 0)
        merged = self.merged(GroupsPartial(self.column, chunk))
        self.table, self.overflow = merged.table, merged.overflow

    def merged(self, other: GroupsPartial) -> GroupsPartial:
        if self.overflow or other.overflow:
            return GroupsPartial(self.column, overflow=True)
        both = np.concatenate([self.table, other.table])
        both = both[np.argsort(both["key"], kind="stable")]
        keys = both["key"]
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))) if len(both) else np.zeros(0, int)
        if len(starts) > MAX_GROUPS:
            return GroupsPartial(self.column, overflow=True)
        table = both[starts]
        for name, ufunc in _REDUCE.items():
            table[name] = ufunc.reduceat(both[name], starts) if len(both) else both[name]
        return GroupsPartial(self.column, table)

    def extract(self, reason: str) -> GroupProfile:
        if self.overflow or not len(self.table):
            return GroupProfile(self.column, reason, overflow=self.overflow)
        rows = self.table["rows"]
        repeated = rows > 1
        low, high = self.table["low"], self.table["high"]
        mixed = (low != _NO_LABEL_LOW) & (low < high)
        sizes, counts = np.unique(rows, return_counts=True)
        return GroupProfile(
            column=self.column, reason=reason, rows=int(rows.sum()), groups=len(rows),
            repeated=int(repeated.sum()), repeated_rows=int(rows[repeated].sum()),
            sizes=(int(rows.min()), int(np.median(rows)), int(rows.max())),
            most_common_size=int(sizes[np.argmax(counts)]),
            mixed=int(mixed.sum()), mixed_rows=int(rows[mixed].sum()),
            mixed_examples=sorted(self.table["first"][mixed].tolist())[:EXAMPLES],
        )
