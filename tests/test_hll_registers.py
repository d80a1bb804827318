"""The distinct counter's registers: each is the largest rank of the hashes that fall in it."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dataaudit.profile.sketches import _RANK_BITS, HLL_PRECISION, hll_add, hll_empty


def _registers_one_by_one(hashes: list[int]) -> np.ndarray:
    """The registers by their definition, one hash at a time: the rank is the rest's bit length
    counted from the left, its length read as floor(log2) + 1 in floating point (0 for 0)."""
    registers = hll_empty()
    for h in hashes:
        index, rest = h >> _RANK_BITS, h & ((1 << _RANK_BITS) - 1)
        length = math.floor(np.log2(np.float64(rest))) + 1 if rest else 0
        registers[index] = max(int(registers[index]), _RANK_BITS - length + 1)
    return registers


_EDGES = [0, 1, 2, 3, (1 << 49) - 1, 1 << 49, (1 << 50) - 2, (1 << 50) - 1]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 2**64 - 1),
                          st.tuples(st.integers(0, (1 << HLL_PRECISION) - 1), st.sampled_from(_EDGES)).map(
                              lambda pair: (pair[0] << _RANK_BITS) | pair[1])), max_size=200))
@example([0, 1, (1 << 50) - 1, (7 << _RANK_BITS) | ((1 << 50) - 2), 2**64 - 1])
def test_registers_hold_the_largest_rank_of_their_hashes(hashes: list[int]) -> None:
    registers = hll_empty()
    hll_add(registers, np.array(hashes, dtype=np.uint64))
    assert registers.tolist() == _registers_one_by_one(hashes).tolist()
