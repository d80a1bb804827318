"""Row-level statistics: per-row hashes for duplicates and conflicts, missing cells per row."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from dataaudit.profile.sketches import first_rows, rows_where

_MIX = np.uint64(0x100000001B3)
# duplicates are looked for in 16 parts of the rows: the working memory of one part is small
PART_BITS = 4


def combine(hashes: list[np.ndarray], n: int) -> np.ndarray:
    """One 64-bit hash per row from the per-column hashes, order-sensitive."""
    out = np.full(n, np.uint64(0xCBF29CE484222325), dtype=np.uint64)
    for column_hash in hashes:
        out *= _MIX
        out ^= column_hash
        out ^= out >> np.uint64(29)
    return out


@dataclass
class RowHashes:
    """Hashes of one block of consecutive rows starting at `start`."""

    start: int
    features: np.ndarray
    label: np.ndarray
    whole: np.ndarray


@dataclass
class RowsPartial:
    """Everything about rows as wholes; merging concatenates, so nothing is lost or approximated.

    Exact duplicate detection needs every row's identity: 24 bytes per row (three 64-bit
    hashes) is the floor for exact counts, a small fraction of the data itself.
    `missing_histogram[k]` counts rows with k missing feature cells; `missing_rows[k]` keeps
    the first example rows of each k.
    """

    examples: int
    blocks: list[RowHashes] = field(default_factory=list)
    missing_histogram: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    missing_rows: dict[int, list[int]] = field(default_factory=dict)

    def add(self, start: int, features: np.ndarray, label: np.ndarray, whole: np.ndarray,
            missing_per_row: np.ndarray) -> None:
        self.blocks.append(RowHashes(start, features, label, whole))
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
            blocks=self.blocks + other.blocks,
            missing_histogram=_add_padded(self.missing_histogram, other.missing_histogram),
            missing_rows={
                k: first_rows(self.missing_rows.get(k, []), other.missing_rows.get(k, []), self.examples)
                for k in keys
            },
        )

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Row numbers and the three hashes, in row order."""
        return next(self.parts(0))

    def parts(self, bits: int = PART_BITS) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """`arrays()` cut into 2**bits parts by the top bits of the features hash, each in row order.

        Rows that can repeat or contradict one another have equal features, so they share a part:
        duplicates and conflicts can be found part by part, with working memory for a fraction
        of the rows instead of copies of all of them.
        """
        blocks = sorted(self.blocks, key=lambda b: b.start)
        if not blocks:
            empty = np.zeros(0, dtype=np.uint64)
            yield np.zeros(0, dtype=np.int64), empty, empty, empty
            return
        shift = np.uint64(64 - bits)
        part_of = [(b.features >> shift).astype(np.uint16) if bits else None for b in blocks]
        for part in range(1 << bits):
            masks = [np.ones(len(b.whole), dtype=bool) if of is None else of == part
                     for b, of in zip(blocks, part_of, strict=True)]
            yield (
                np.concatenate([np.flatnonzero(m) + b.start for b, m in zip(blocks, masks, strict=True)]),
                np.concatenate([b.features[m] for b, m in zip(blocks, masks, strict=True)]),
                np.concatenate([b.label[m] for b, m in zip(blocks, masks, strict=True)]),
                np.concatenate([b.whole[m] for b, m in zip(blocks, masks, strict=True)]),
            )


def _add_padded(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.zeros(max(len(a), len(b)), dtype=np.int64)
    out[: len(a)] += a
    out[: len(b)] += b
    return out
