"""What a text set's per-text hashes and lengths decide: exact copies, conflicting answers,
length outliers and near copies, with the rule for length outliers kept apart from the lengths.

Why apart: the local engine holds every text's length and sorts them; an engine whose rows live
on a cluster can only be asked for a few of them by rank (the quartiles' order statistics) and
for a count of the texts outside two whole-number lengths. `length_fences` turns those few
order statistics into the fences with the same floating-point steps as `numpy.percentile` over
all the lengths, so both engines flag the same texts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: the quartiles the fences stand on
QUARTILES = (0.25, 0.75)
#: the longest length a cluster's 64-bit column can be compared with
_LONGEST = 2**62
#: the largest log2 fence a 64-bit float raises 2 to
_HIGHEST_FENCE = 1023.0


@dataclass(frozen=True)
class Repeats:
    """A text set's exact copies, conflicting answers and length outliers, as counts and first
    examples: what the report needs of its per-text values, whoever held them."""

    texts: int
    duplicates: int
    duplicate_examples: list[tuple[int, int]]
    conflict_groups: int
    conflict_records: int
    conflict_examples: list[list[int]]
    length_outliers: int
    length_outlier_lines: list[int]
    length_bounds: tuple[int, int] | None


@dataclass(frozen=True)
class NearCopies:
    """A text set's near duplicates: `copies` texts linked by confirmed pairs to an earlier text
    of their cluster, `clusters` such clusters, and the first (copy, its cluster's first text)
    in the order of the copies."""

    copies: int
    clusters: int
    examples: list[tuple[int, int]]


@dataclass(frozen=True)
class LengthFences:
    """A text is a length outlier when its length in characters is below `shortest` or above
    `longest`; `bounds` are the lengths the report quotes."""

    shortest: int
    longest: int
    bounds: tuple[int, int]


def quartile_ranks(texts: int) -> list[int]:
    """The ranks (0-based, in ascending length) whose lengths the fences of `texts` texts need."""
    return sorted({rank for q in QUARTILES for rank in _neighbours(texts, q)[:2]})


def length_fences(texts: int, lengths_at: Callable[[list[int]], list[int]], iqr_factor: float) -> LengthFences | None:
    """Fences `iqr_factor` interquartile ranges outside the middle half of the lengths, on a log2
    scale (a length ratio, not a difference, is what makes a text odd); the spread counts as at
    least one doubling, so a set of near-equal lengths flags nothing small. `lengths_at(ranks)`
    gives the lengths at those ranks of the ascending order. None below four texts."""
    if texts < 4:
        return None
    ranks = quartile_ranks(texts)
    log_at = dict(zip(ranks, np.log2(np.asarray(lengths_at(ranks), dtype=np.int64) + 1.0).tolist(), strict=True))
    q1, q3 = (_interpolated(texts, q, log_at) for q in QUARTILES)
    spread = max(q3 - q1, 1.0)
    # a fence 2**1023 is past every length as much as a pack's `.inf` (or 1e300), whose 2 ** high
    # would overflow; either way both fences hold every text, so no bound is reported
    low, high = q1 - iqr_factor * spread, min(q3 + iqr_factor * spread, _HIGHEST_FENCE)
    bounds = (max(0, int(np.ceil(2 ** low - 1))), int(np.floor(2 ** high - 1)))
    return LengthFences(_shortest_inside(low), _longest_inside(high), bounds)


def _neighbours(texts: int, q: float) -> tuple[int, int, float]:
    """The two ranks `numpy.percentile`'s linear method reads for quantile `q`, and the weight of
    the second: `(texts - 1) * q` has a fraction of 0, 1/4, 1/2 or 3/4, exact in floating point."""
    position = (texts - 1) * q
    below = math.floor(position)
    return below, min(below + 1, texts - 1), position - below


def _interpolated(texts: int, q: float, log_at: dict[int, float]) -> float:
    """numpy's own interpolation between the two order statistics: a percentile of the pair at
    the same weight is computed with the same steps."""
    below, above, weight = _neighbours(texts, q)
    return float(np.percentile(np.array([log_at[below], log_at[above]]), weight * 100))


def _shortest_inside(low: float) -> int:
    """The least length `c` with `log2(c + 1) >= low`, found as numpy rounds the logarithm."""
    length = max(0, int(np.ceil(2 ** low - 1)))
    while length > 0 and np.log2(length - 1 + 1.0) >= low:
        length -= 1
    while np.log2(length + 1.0) < low:
        length += 1
    return length


def _longest_inside(high: float) -> int:
    """The greatest length `c` with `log2(c + 1) <= high` (capped where a 64-bit column ends)."""
    if 2 ** high > _LONGEST:
        return _LONGEST
    length = max(0, int(np.floor(2 ** high - 1)))
    while np.log2(length + 1 + 1.0) <= high:
        length += 1
    while length > 0 and np.log2(length + 1.0) > high:
        length -= 1
    return length
