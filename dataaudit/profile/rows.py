"""Row-level statistics: per-row hashes for duplicates and conflicts, missing cells per row."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from dataaudit.profile.sketches import first_rows, rows_where
from dataaudit.profile.spill import ROW_HASHES, BucketedHashes

_MIX = np.uint64(0x100000001B3)


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
    """

    examples: int
    hashes: BucketedHashes = field(default_factory=BucketedHashes)
    missing_histogram: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    missing_rows: dict[int, list[int]] = field(default_factory=dict)

    def add(self, start: int, features: np.ndarray, label: np.ndarray, whole: np.ndarray,
            missing_per_row: np.ndarray) -> None:
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

    def merged(self, other: RowsPartial) -> RowsPartial:
        keys = sorted(set(self.missing_rows) | set(other.missing_rows))
        return RowsPartial(
            examples=self.examples,
            hashes=self.hashes.merged(other.hashes),
            missing_histogram=_add_padded(self.missing_histogram, other.missing_histogram),
            missing_rows={
                k: first_rows(self.missing_rows.get(k, []), other.missing_rows.get(k, []), self.examples)
                for k in keys
            },
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
