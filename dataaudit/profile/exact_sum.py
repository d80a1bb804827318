"""The exact sum of float64 numbers, as an integer: integers add up alike in any order, so a
mean taken from such a sum is the same to the bit for any chunking (chunk size, `--jobs`),
where a float sum's rounding depends on where chunks fall (a mean of 126.5546875 shown as
126.554687 or 126.554688).

The sum is taken in levels, by the error-free extraction of Rump, Ogita and Oishi ("Accurate
floating-point summation part I", SIAM J. Sci. Comput. 31, 2008). With `sigma` a power of two
at least twice the rows times the largest magnitude, `(x + sigma) - sigma` is `x` rounded to a
multiple of one step, `sigma * 2**-53`, and `x` minus it is the exact remainder (Sterbenz's
lemma, and an addition's rounding error being a float): the rounded numbers' total stays
within `2**53` steps, so their float sum is exact in any order; the remainders, at most one
step each, are the next level's numbers. A level takes about 52 - log2(2 x rows) bits, 35 for
a 65,536-row chunk: numbers of ordinary data (a few decimals, a few binary orders of
magnitude) take one to three levels of a few numpy passes each.

Numbers too large for a finite `sigma` (past 2**1022 over the rows, about 1e303 for a
65,536-row chunk), or spanning more binary orders of magnitude than `_LEVELS` levels reach
(1e-300 beside 1e300), are summed per binary exponent instead (`_binned_sum`): each mantissa
read from the float's bits as two 26-bit limbs, summed per sign and exponent in float64,
exact below 2**53.
"""

from __future__ import annotations

import math

import numpy as np

#: the sums are integers in units of 2**-EXACT, the smallest subnormal: every float is a multiple of it
EXACT = 1074
#: levels of extraction before the numbers left are summed per exponent
_LEVELS = 4
#: `sigma` must stay finite, with room for the numbers added to it
_LARGEST_SIGMA = 2.0**1023
#: rows (or row counts) of one pass per exponent: limbs below 2**26 times this many stay below 2**53
_EXACT_ROWS = 2**27
_LIMB_BITS = 26
_LIMB = np.uint64((1 << _LIMB_BITS) - 1)
#: a float's top 12 bits, its sign and biased exponent, as one key
_KEYS = 1 << 12
_EXPONENT_MASK = 0x7FF


def exact_sum(values: np.ndarray, weights: np.ndarray | None = None) -> int:
    """The sum of finite float64 `values`, each counted `weights` times (whole row counts
    summing below 2**52; None: once), times 2**EXACT: an exact integer."""
    if values.size == 0:
        return 0
    rows = values.size if weights is None else int(weights.sum())
    bound = max(-float(values.min()), float(values.max()))  # no magnitude is larger
    total, rest = 0, values
    rounded: np.ndarray | None = None
    for _ in range(_LEVELS):
        spread = 2.0 * rows * bound  # its one rounding passes no power of two: `sigma` is above it
        if spread == 0.0:
            return total
        if not spread < _LARGEST_SIGMA:
            break
        sigma = math.ldexp(1.0, math.frexp(spread)[1])  # a power of two above `spread`
        if rounded is None:  # the first level: `values` are the caller's, not to be written
            rounded = values + sigma
            rounded -= sigma
            rest = values - rounded
        else:
            np.add(rest, sigma, out=rounded)
            rounded -= sigma
            rest -= rounded
        if weights is not None:
            rounded *= weights  # a whole multiple of a step, below 2**53 of them: exact
        total += _units(float(rounded.sum()))
        if not rest.any():
            return total
        bound = math.ldexp(sigma, -53)  # a remainder is at most one step
    return total + _binned_sum(rest, weights)


def _units(x: float) -> int:
    """A float as an integer number of 2**-EXACT, exactly."""
    numerator, denominator = x.as_integer_ratio()  # the denominator is a power of two up to 2**EXACT
    return numerator << (EXACT + 1 - denominator.bit_length())


def _binned_sum(values: np.ndarray, weights: np.ndarray | None) -> int:
    """`exact_sum` per binary exponent, `_EXACT_ROWS` rows (or row counts) at a time; a part
    whose counts pass that, a few numbers on very many rows, number by number in Python."""
    total = 0
    for start in range(0, values.size, _EXACT_ROWS):
        part = values[start:start + _EXACT_ROWS]
        counts = None if weights is None else weights[start:start + _EXACT_ROWS]
        if counts is not None and counts.sum() >= _EXACT_ROWS:
            total += sum(_units(x) * int(n) for x, n in zip(part.tolist(), counts.tolist(), strict=True))
        else:
            total += _binned_part(part, counts)
    return total


def _binned_part(values: np.ndarray, weights: np.ndarray | None) -> int:
    """A float is (-1)**sign * (2**52 * normal + mantissa) * 2**(max(exponent, 1) - 1075), with
    `normal` 0 only for exponent 0 (zeros and subnormals): times 2**EXACT, the mantissa part
    shifted by max(exponent, 1) - 1. Per key (sign, exponent), the rows' count and the sums of
    the mantissas' two limbs are exact float64 sums."""
    bits = values.view(np.uint64)
    key = (bits >> np.uint64(52)).view(np.int64)
    low = (bits & _LIMB).astype(np.float64)
    high = ((bits >> np.uint64(_LIMB_BITS)) & _LIMB).astype(np.float64)
    if weights is not None:
        low *= weights
        high *= weights
    rows = np.bincount(key, weights=weights, minlength=_KEYS)
    lows, highs = np.bincount(key, weights=low, minlength=_KEYS), np.bincount(key, weights=high, minlength=_KEYS)
    keys = np.flatnonzero(rows)
    exponent = keys & _EXPONENT_MASK
    mantissas = (np.where(exponent > 0, _integers(rows[keys]) << 52, 0) + (_integers(highs[keys]) << _LIMB_BITS)
                 + _integers(lows[keys]))
    terms = mantissas << _integers(np.maximum(exponent - 1, 0))
    return int(np.where(keys >> 11, -terms, terms).sum())


def _integers(whole: np.ndarray) -> np.ndarray:
    """Whole numbers (below 2**63) as Python integers, which grow past 64 bits when shifted
    instead of overflowing: numpy applies the shifts and the sum in C, without a Python loop."""
    return whole.astype(np.int64).astype(object)
