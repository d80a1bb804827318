"""A bounded, seeded, stratified sample of labelled rows, drawn during the one pass.

Model-based label checks need real rows, but a 100M-row file must cost no more than the
sample. Every row gets a priority, a seeded 64-bit hash of its row number; the sample is the
`size` rows of smallest priority overall (a uniform sample) plus, per label, the `per_label`
rows of smallest priority (so small classes keep enough rows for cross-validation). Both are
bottom-k sets, which merge by union-then-truncate: the sample depends on the data and the seed,
never on how the file was cut into chunks or in which order the partials merged. Memory is
bounded by `size + per_label * labels` rows, and by `size + per_label * max_labels`: a target
of more labels than that (a regression target's numbers, known as one only after the pass)
keeps the uniform sample alone, where rows per label would keep every row of the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def priorities(rows: np.ndarray, seed: int) -> np.ndarray:
    """splitmix64 of (row number, seed): a fixed pseudo-random order of all rows."""
    z = rows.astype(np.uint64) + np.uint64((seed * int(_GOLDEN) + int(_GOLDEN)) % 2**64)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@dataclass(frozen=True)
class SampleSpec:
    """How many rows to keep overall and at least per label, and the seed of the order."""

    size: int = 100_000
    per_label: int = 50
    seed: int = 0
    # past this many labels, no rows are kept per label: a set of classes a stratified sample
    # serves has fewer, and a column of numbers, one or a few rows per value, would be kept whole
    max_labels: int = 1_000


@dataclass
class SamplePartial:
    """Candidate rows: their row numbers, priorities, label hashes and values (all columns kept)."""

    spec: SampleSpec
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    priority: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    label: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    values: pa.Table | None = None
    # more than `max_labels` labels were offered: the uniform sample alone, from then on. Every
    # label offered keeps a row until then, so the kept rows' labels tell, whatever the chunking
    uniform: bool = False

    def add(self, batch: pa.RecordBatch, offset: int, label: np.ndarray, labelled: np.ndarray) -> None:
        """Offer one chunk's labelled rows (`labelled` is False where the label is missing)."""
        index = np.flatnonzero(labelled)
        index = index[self._admits(priorities(index.astype(np.int64) + offset, self.spec.seed), label[index])]
        rows = index.astype(np.int64) + offset
        offered = SamplePartial(self.spec, rows, priorities(rows, self.spec.seed), label[index], uniform=self.uniform)
        keep, uniform = offered._kept()
        taken = pa.Table.from_batches([batch.take(pa.array(index[keep], pa.int64()))], schema=batch.schema)
        chunk = SamplePartial(self.spec, rows[keep], priorities(rows[keep], self.spec.seed), label[index][keep], taken,
                              uniform)
        merged = self.merged(chunk)
        self.rows, self.priority, self.label, self.values = merged.rows, merged.priority, merged.label, merged.values
        self.uniform = merged.uniform

    def _admits(self, priority: np.ndarray, label: np.ndarray) -> np.ndarray:
        """Which offered rows could still enter the sample: those at or below the `size`-th
        smallest priority kept so far, or below their label's `per_label`-th (every row while
        either set is not full). A bottom-k set never takes a row above its k-th, so passing
        the others over changes nothing but the work: after the first chunks, a chunk costs its
        priorities instead of a copy of `size` rows."""
        unbounded = np.iinfo(np.uint64).max
        admit = np.ones(len(priority), dtype=bool)
        if len(self.priority) >= self.spec.size:
            admit = priority <= np.partition(self.priority, self.spec.size - 1)[self.spec.size - 1]
        if self.spec.per_label == 0 or self.uniform:
            return admit
        # by label, then priority: the same labels and priorities in order as a sort by both keys
        order = _by_priority_then_row(self.priority, self.rows)
        order = order[_stable_order(self.label[order])]
        labels, ranked = self.label[order], self.priority[order]
        starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]]) if len(labels) else np.zeros(0, np.int64)
        full = np.diff(np.r_[starts, len(labels)]) >= self.spec.per_label
        kth = np.where(full, ranked[np.minimum(starts + self.spec.per_label - 1, max(len(ranked) - 1, 0))], unbounded)
        at = np.minimum(np.searchsorted(labels[starts], label), max(len(starts) - 1, 0))
        known = (labels[starts][at] == label) if len(starts) else np.zeros(len(label), dtype=bool)
        return admit | (priority <= np.where(known, kth[at] if len(starts) else unbounded, unbounded))

    def merged(self, other: SamplePartial) -> SamplePartial:
        if other.values is None:
            return self
        if self.values is None:
            return other
        return SamplePartial(
            self.spec,
            np.concatenate([self.rows, other.rows]),
            np.concatenate([self.priority, other.priority]),
            np.concatenate([self.label, other.label]),
            pa.concat_tables([self.values, other.values.select(self.values.column_names)]),
            uniform=self.uniform or other.uniform,
        )._pruned()

    def _kept(self) -> tuple[np.ndarray, bool]:
        """Positions of the overall and per-label bottom-k, in row order (a canonical form), and
        whether they are the overall bottom-k alone (more than `max_labels` labels)."""
        n = len(self.rows)
        keep = np.zeros(n, dtype=bool)
        uniform = self.uniform or self.spec.per_label == 0
        if not uniform:
            order = _by_priority_then_row(self.priority, self.rows)
            by_label = order[_stable_order(self.label[order])]
            labels = self.label[by_label]
            starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]]) if n else np.zeros(0, dtype=np.int64)
            uniform = len(starts) > self.spec.max_labels
        if uniform:  # the overall bottom-k alone, which needs no order of the others
            keep[_first_by_priority(self.priority, self.rows, self.spec.size)] = True
        else:
            keep[order[: self.spec.size]] = True
            rank = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
            keep[by_label[rank < self.spec.per_label]] = True
        index = np.flatnonzero(keep)
        return index[_stable_order_of_distinct(self.rows[index])], uniform

    def _pruned(self) -> SamplePartial:
        index, uniform = self._kept()
        taken = pa.array(index, pa.int64())
        return SamplePartial(self.spec, self.rows[index], self.priority[index], self.label[index],
                             None if self.values is None else self.values.take(taken), uniform)


def _by_priority_then_row(priority: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The order of `np.lexsort((rows, priority))`. A row's priority is a bijection of its
    number, so distinct rows have distinct priorities, which alone give that order; only a
    row offered twice (equal priorities) needs the rows to break the tie."""
    order = _unstable_order(priority)
    return np.lexsort((rows, priority)) if order is None else order


def _first_by_priority(priority: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
    """The positions of the first `k` rows in the order of `_by_priority_then_row`, in no order:
    those at or below the `k`-th smallest priority, found by a partition instead of a sort of
    every row (a first chunk offers all its rows to a sample of fewer). Only where two rows share
    the `k`-th priority does the order by row decide, and then the rows are sorted."""
    if len(priority) <= k:
        return np.arange(len(priority))
    at_most = priority <= np.partition(priority, k - 1)[k - 1]
    if int(at_most.sum()) == k:
        return np.flatnonzero(at_most)
    return _by_priority_then_row(priority, rows)[:k]


def _stable_order_of_distinct(keys: np.ndarray) -> np.ndarray:
    """`np.argsort(keys, kind="stable")`, by numpy's unstable sort when the keys are
    distinct (as row numbers are), several times faster than a stable sort of 64-bit keys."""
    order = _unstable_order(keys)
    return np.argsort(keys, kind="stable") if order is None else order


def _unstable_order(keys: np.ndarray) -> np.ndarray | None:
    """An order sorting `keys`, or None if two keys are equal (where the order of ties matters)."""
    order = np.argsort(keys)
    ordered = keys[order]
    return None if bool((ordered[1:] == ordered[:-1]).any()) else order


def _stable_order(labels: np.ndarray) -> np.ndarray:
    """`np.argsort(labels, kind="stable")`, sorting the labels' ranks among the distinct
    labels: as 16-bit keys (a radix sort) whenever there are at most 65,536 labels."""
    distinct, ranks = np.unique(labels, return_inverse=True)
    return np.argsort(ranks.astype(np.uint16) if len(distinct) <= 1 << 16 else ranks, kind="stable")


@dataclass(frozen=True)
class RowSample:
    """The drawn sample: file row numbers (0-based data rows) and the rows' values as read;
    `size` is its uniform part's (`SampleSpec.size`)."""

    rows: list[int]
    values: pa.Table
    seed: int
    size: int

    def uniform(self) -> RowSample:
        """The sample's uniform part: its `size` rows of smallest priority. The rows kept per
        label stand for classes; a regression target has none, and they would over-weight its
        rare values (a file of a million rows and 200 values would add 10,000 of them)."""
        rows = np.asarray(self.rows, dtype=np.int64)
        if len(rows) <= self.size:
            return self
        part = np.sort(np.lexsort((rows, priorities(rows, self.seed)))[: self.size])
        return RowSample(rows[part].tolist(), self.values.take(pa.array(part)), self.seed, self.size)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, RowSample) and self.rows == other.rows and self.seed == other.seed
                and self.size == other.size and self.values.equals(other.values))

    __hash__ = None  # type: ignore[assignment]


def extract_sample(partial: SamplePartial, columns: list[str]) -> RowSample:
    values = partial.values if partial.values is not None else pa.table(
        {c: pa.array([], pa.string()) for c in columns})
    return RowSample(partial.rows.tolist(), values.combine_chunks(), partial.spec.seed, partial.spec.size)
