"""Small mergeable summaries: the smallest-K row numbers and a HyperLogLog distinct counter.

Both merge by a commutative, associative, idempotent operation (union-then-truncate and
element-wise max), so the result never depends on how the data was cut into chunks.
"""

from __future__ import annotations

import numpy as np

HLL_PRECISION = 14
_HLL_REGISTERS = 1 << HLL_PRECISION
_RANK_BITS = 64 - HLL_PRECISION


def first_rows(rows: list[int], more: list[int], k: int) -> list[int]:
    """The k smallest row numbers of both lists, so examples point at the top of the file."""
    if not more:
        return rows
    if not rows:
        return more[:k]
    return sorted(set(rows).union(more))[:k]


def rows_where(mask: np.ndarray, offset: int, k: int) -> list[int]:
    """The first k positions where `mask` holds, as file row numbers."""
    return (np.flatnonzero(mask)[:k] + offset).tolist()


def hll_empty() -> np.ndarray:
    return np.zeros(_HLL_REGISTERS, dtype=np.uint8)


def hll_add(registers: np.ndarray, hashes: np.ndarray) -> None:
    """Fold 64-bit hashes into the registers in place.

    Vectorised over a numpy array of hashes we already hold, where a sketch library would take
    one Python call per value: a column may have millions of values.
    """
    if hashes.size == 0:
        return
    index = (hashes >> np.uint64(_RANK_BITS)).astype(np.int64)
    rest = hashes & np.uint64((1 << _RANK_BITS) - 1)
    # rank = position of the leftmost 1-bit in the remaining bits, 1-based; all-zero -> max.
    # The bits' length is floor(log2) + 1; raising 0 to 0.5 gives it length 0 without setting
    # the zeros apart (a mask and two copies, for a value one hash in 2**50 has)
    bit_length = np.floor(np.log2(np.maximum(rest.astype(np.float64), 0.5))).astype(np.int64) + 1
    rank = (_RANK_BITS - bit_length + 1).astype(np.uint8)
    np.maximum.at(registers, index, rank)


def hll_most(distinct: int) -> int:
    """The largest distinct count `hll_estimate` gives, or all but never exceeds, for `distinct`
    values or fewer: where the small-range correction counts the registers set, n values each in
    a register of its own give the most, more than n (200 values: 201; two values in one register
    give 1), and no estimate is more than five standard errors (1.04 / sqrt(m)) above n."""
    m = float(_HLL_REGISTERS)
    bound = int(np.ceil(distinct * (1 + 5 * 1.04 / np.sqrt(m)))) + 1
    if distinct < m:
        bound = min(bound, round(m * np.log(m / (m - distinct))))
    return bound


def hll_estimate(registers: np.ndarray) -> int:
    """Distinct count with the usual small-range (linear counting) correction."""
    m = float(_HLL_REGISTERS)
    zeros = int(np.count_nonzero(registers == 0))
    alpha = 0.7213 / (1 + 1.079 / m)
    raw = alpha * m * m / float(np.sum(np.exp2(-registers.astype(np.float64))))
    if raw <= 2.5 * m and zeros:
        return round(m * np.log(m / zeros))
    return round(raw)
