"""Row-level statistics: per-row hashes for duplicates and conflicts, missing cells per row."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from dataaudit.profile.sketches import first_rows, rows_where
from dataaudit.profile.spill import ROW_HASHES, BucketedHashes

_MIX = np.uint64(0x100000001B3)
#: a sentinel value in a feature column, and a row's missing cells with the sentinel cells it holds
SentinelCell = tuple[str, float]
SentinelKey = tuple[int, frozenset[SentinelCell]]


def combine(hashes: list[np.ndarray], n: int) -> np.ndarray:
    """One 64-bit hash per row from the per-column hashes, order-sensitive."""
    out = np.full(n, np.uint64(0xCBF29CE484222325), dtype=np.uint64)
    shifted = np.empty(n, dtype=np.uint64)  # one buffer for every column's shift, none allocated per column
    for column_hash in hashes:
        out *= _MIX
        out ^= column_hash
        np.right_shift(out, np.uint64(29), out=shifted)
        out ^= shifted
    return out


@dataclass
class RowsPartial:
    """Everything about rows as wholes; merging concatenates, so nothing is lost or approximated.

    Exact duplicate detection needs every row's identity: its number and three 64-bit hashes,
    32 bytes a row, kept bucketed in memory up to the budget and spilled to files past it
    (`dataaudit.profile.spill`). `missing_histogram[k]` counts rows with k missing feature
    cells; `missing_rows[k]` keeps the first example rows of each k.

    A sentinel (`-999`) is a missing value only where it lies outside the column's real values,
    which is known once every row is read. So the rows holding one are also counted by their
    missing cells and the sentinel cells they hold (`sentinel_rows`: (k, {(column, value)})
    -> rows, with examples), a few keys however many rows; `with_sentinels` then moves each to
    the count it has once the sentinels judged missing are.
    """

    examples: int
    hashes: BucketedHashes = field(default_factory=BucketedHashes)
    missing_histogram: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    missing_rows: dict[int, list[int]] = field(default_factory=dict)
    sentinel_rows: dict[SentinelKey, int] = field(default_factory=dict)
    sentinel_examples: dict[SentinelKey, list[int]] = field(default_factory=dict)
    #: rows that repeat the header (`profile.headers`), and the first of them
    headers: int = 0
    header_rows: list[int] = field(default_factory=list)

    def add(self, start: int, features: np.ndarray, label: np.ndarray, whole: np.ndarray,
            missing_per_row: np.ndarray, sentinels: list[tuple[SentinelCell, np.ndarray]] = (),
            headers: np.ndarray | None = None) -> None:
        """One chunk's rows; `sentinels`: per (feature column, sentinel value), the rows holding
        it; `headers`: the rows that repeat the header."""
        records = np.empty(len(whole), dtype=ROW_HASHES)
        records["row"] = np.arange(start, start + len(whole))
        records["features"], records["label"], records["whole"] = features, label, whole
        self.hashes.add(records)
        histogram = np.bincount(missing_per_row)
        self.missing_histogram = _add_padded(self.missing_histogram, histogram)
        for k in np.flatnonzero(histogram[1:]) + 1:
            self.missing_rows[int(k)] = first_rows(
                self.missing_rows.get(int(k), []), rows_where(missing_per_row == k, start, self.examples),
                self.examples,
            )
        if sentinels:
            self._add_sentinels(start, missing_per_row, sentinels)
        if headers is not None and headers.any():
            self.headers += int(np.count_nonzero(headers))
            self.header_rows = first_rows(self.header_rows, rows_where(headers, start, self.examples), self.examples)

    def _add_sentinels(self, start: int, missing_per_row: np.ndarray,
                       sentinels: list[tuple[SentinelCell, np.ndarray]]) -> None:
        cells = [cell for cell, _ in sentinels]
        held = np.column_stack([mask for _, mask in sentinels])
        rows = np.flatnonzero(held.any(axis=1))
        keyed = np.column_stack([missing_per_row[rows], held[rows]]).astype(np.int64)
        keys, inverse, counts = np.unique(keyed, axis=0, return_inverse=True, return_counts=True)
        for i, (key, n) in enumerate(zip(keys.tolist(), counts.tolist(), strict=True)):
            found = (key[0], frozenset(cell for cell, bit in zip(cells, key[1:], strict=True) if bit))
            self.sentinel_rows[found] = self.sentinel_rows.get(found, 0) + n
            examples = (rows[inverse.ravel() == i][: self.examples] + start).tolist()
            self.sentinel_examples[found] = first_rows(self.sentinel_examples.get(found, []), examples, self.examples)

    def with_sentinels(self, missing: set[SentinelCell]) -> tuple[list[int], dict[int, list[int]]]:
        """The histogram of missing feature cells per row and its example rows, each sentinel
        cell in `missing` (those judged outside their column's values) counted as missing."""
        histogram = self.missing_histogram.copy()
        examples = {k: list(rows) for k, rows in self.missing_rows.items()}
        for (k, cells), n in sorted(self.sentinel_rows.items(), key=lambda item: (item[0][0], sorted(item[0][1]))):
            extra = len(cells & missing)
            if not extra:
                continue
            histogram = _add_padded(histogram, np.zeros(k + extra + 1, dtype=np.int64))
            histogram[k] -= n
            histogram[k + extra] += n
            moved = self.sentinel_examples[(k, cells)]
            if k in examples:
                examples[k] = [row for row in examples[k] if row not in set(moved)]
            examples[k + extra] = first_rows(examples.get(k + extra, []), moved, self.examples)
        return histogram.tolist(), {k: rows for k, rows in sorted(examples.items()) if rows}

    def merged(self, other: RowsPartial) -> RowsPartial:
        keys = sorted(set(self.missing_rows) | set(other.missing_rows))
        sentinel_keys = set(self.sentinel_rows) | set(other.sentinel_rows)
        return RowsPartial(
            examples=self.examples,
            hashes=self.hashes.merged(other.hashes),
            missing_histogram=_add_padded(self.missing_histogram, other.missing_histogram),
            missing_rows={
                k: first_rows(self.missing_rows.get(k, []), other.missing_rows.get(k, []), self.examples)
                for k in keys
            },
            sentinel_rows={k: self.sentinel_rows.get(k, 0) + other.sentinel_rows.get(k, 0) for k in sentinel_keys},
            sentinel_examples={k: first_rows(self.sentinel_examples.get(k, []), other.sentinel_examples.get(k, []),
                                             self.examples) for k in sentinel_keys},
            headers=self.headers + other.headers,
            header_rows=first_rows(self.header_rows, other.header_rows, self.examples),
        )

    def parts(self) -> Iterator[np.ndarray]:
        """The rows' `ROW_HASHES` in parts no repeat or conflict crosses, in no particular order: rows
        that can repeat or contradict one another have equal features, so they share a part, and
        duplicates and conflicts are found part by part, one part in memory at a time."""
        return self.hashes.parts()


def _add_padded(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.zeros(max(len(a), len(b)), dtype=np.int64)
    out[: len(a)] += a
    out[: len(b)] += b
    return out
